"""Routes between hubs: fastest, shortest or cheapest, with alternatives and OD skims.

Every function takes a graph from :func:`corridor.graph.graph_from_network`
(or any graph in the same layout), so the built-in corridor, user GeoJSON
and imported OpenStreetMap networks route alike. A single route is one
Dijkstra search on the graph itself; alternatives are found lazily (Yen's
next-best paths and line elimination); skims run scipy's compiled Dijkstra
on a sparse matrix built once per graph version from numpy columns.
"""

from __future__ import annotations

import heapq
import itertools
import operator
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridor._errors import CorridorError, NoRouteError
from corridor._io import atomic_path, check_output_path, write_text_atomic
from corridor.graph import LINK, hub_node, without_changes
from corridor.hubs import resolve_hub
from corridor.settings import MODES

if TYPE_CHECKING:  # numpy, pandas, scipy and shapely load on first use: `corridor route` starts without them
    import numpy as np
    import pandas as pd
    from scipy.sparse import csr_array
    from shapely.geometry import LineString

#: Route criteria and the edge attribute each minimises.
WEIGHTS: dict[str, str] = {"time": "travel_time", "length": "length", "cost": "cost", "co2": "co2"}

#: Alternatives must differ from every route already kept by at least this
#: share of their length (by the links they use), or they are dropped.
MIN_DIFFERENCE = 0.2

#: Loopless candidates taken from Yen's algorithm (next-best paths).
YEN_CANDIDATES = 30

#: Lines banned together at most when looking for alternatives by line elimination.
ELIMINATION_DEPTH = 2

#: Graphs of more nodes than this find alternatives by link penalties (:func:`penalised_paths`): Yen's
#: spur searches (one Dijkstra per node of the path) and line elimination (one per line, and an imported
#: network's path runs on hundreds) do not finish there, and their next-best paths differ by a few links.
EXACT_ALTERNATIVES_NODES = 2_000

#: Each penalty round multiplies the weight of every edge the paths found so far use by this.
PENALTY_FACTOR = 2.0

#: Penalty rounds at most (each one Dijkstra search) after the best path.
PENALTY_ROUNDS = 10


@dataclass
class Leg:
    """A stretch of a route on one line (or a transfer across a city).

    Attributes
    ----------
    mode
        The mode of the line, or ``"urban"`` for a transfer across a city.
    line
        The line's name, or ``"across <city>"`` for a transfer.
    origin, destination
        Hub ids (junction ids on an imported network) where the leg starts and ends.
    length_km, time_h
        Length and time on the move along the leg.
    links
        Ids of the links the leg runs on, in travel order.
    """

    mode: str
    line: str
    origin: str
    destination: str
    length_km: float
    time_h: float
    links: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The leg in the JSON contract: mode, line, from, to, length_km, time_h, links.

        Returns
        -------
        dict
            The leg's fields, ``origin`` and ``destination`` as ``from`` and
            ``to``, length rounded to 0.1 km and time to 0.01 h.
        """
        return {
            "mode": self.mode,
            "line": self.line,
            "from": self.origin,
            "to": self.destination,
            "length_km": round(self.length_km, 1),
            "time_h": round(self.time_h, 2),
            "links": self.links,
        }


@dataclass
class Route:
    """One route between two hubs.

    Attributes
    ----------
    hubs
        Hub ids in travel order.
    legs
        Moving legs grouped by mode and line, plus ``urban`` legs for
        transfers across a city.
    length_km, time_h, cost
        Totals; ``time_h`` is door to door (legs plus ``terminal_h``).
    terminal_h
        Time spent getting on and off (loading and unloading for freight).
    moving_h
        Time on the move along links (the published "fastest train" figure).
    transfers
        Changes of vehicle: boardings after the first.
    nodes
        The graph nodes of the route.
    coords
        The route's ``(x, y)`` points, joined from its links' geometries
        (EPSG:4326; node to node on a graph built without geometry).
    co2
        kg CO2e per TEU (freight) or passenger: the edges' ``co2`` summed,
        moving plus handling (see ``model.toml``).
    """

    hubs: list[str]
    legs: list[Leg]
    length_km: float
    time_h: float
    cost: float
    terminal_h: float
    transfers: int
    nodes: list[int]
    coords: list[tuple[float, float]]
    co2: float = 0.0

    @property
    def geometry(self) -> LineString:
        """The route's line (EPSG:4326), a shapely LineString of :attr:`coords`."""
        from shapely.geometry import LineString

        return LineString(self.coords if len(self.coords) > 1 else self.coords * 2)

    @property
    def moving_h(self) -> float:
        """Hours on the move along links."""
        return sum(leg.time_h for leg in self.legs if leg.mode != "urban")

    @property
    def modes(self) -> list[str]:
        """Modes used, in order of first use."""
        return list(dict.fromkeys(leg.mode for leg in self.legs if leg.mode != "urban"))

    def as_dict(self) -> dict:
        """The route in the JSON contract (see README, "JSON output").

        Returns
        -------
        dict
            Hubs, rounded totals (``length_km``, ``time_h``, ``moving_h``,
            ``terminal_h``, ``cost``, ``co2_kg``), ``transfers``, ``modes``
            and ``legs`` (each as in :meth:`Leg.as_dict`).
        """
        return {
            "hubs": self.hubs,
            "length_km": round(self.length_km, 1),
            "time_h": round(self.time_h, 2),
            "moving_h": round(self.moving_h, 2),
            "terminal_h": round(self.terminal_h, 2),
            "cost": round(self.cost, 1),
            "co2_kg": round(self.co2, 1),
            "transfers": self.transfers,
            "modes": self.modes,
            "legs": [leg.as_dict() for leg in self.legs],
        }


def find_routes(
    graph: nx.MultiDiGraph,
    origin: str,
    destination: str,
    *,
    by: str = "time",
    k: int = 1,
    direct: bool = False,
) -> list[Route]:
    """Best route between two hubs and up to ``k - 1`` substantive alternatives.

    Parameters
    ----------
    graph
        A corridor graph (built for a profile, year and mode filter).
    origin, destination
        Hub names as a person types them (see :func:`corridor.hubs.resolve_hub`).
        A city routes from whichever of its stations and terminals is best,
        counting the urban transfer to reach it; a station or port routes
        from that hub.
    by
        ``"time"``, ``"length"`` or ``"cost"`` (generalised cost).
    k
        Number of routes wanted. ``k=1`` runs one Dijkstra search. For more,
        candidates come lazily (see :func:`candidate_paths`; on graphs of
        more than ``EXACT_ALTERNATIVES_NODES`` nodes, at most
        ``PENALTY_ROUNDS`` searches of :func:`penalised_paths`), and a candidate is kept only when it visits no city twice (a route that
        passes its own destination, or any city, and comes back is a loop, not
        an alternative; changing stations within a city is no visit) and differs from every kept route by at least
        ``MIN_DIFFERENCE`` of the longer one's link-km; the search stops once
        ``k`` routes are kept.
    direct
        Only routes on one vehicle, without a change on the way (the
        "fastest train" of a timetable; see :func:`corridor.graph.without_changes`).

    Returns
    -------
    list of Route
        Sorted by the criterion, best first; at least one route.

    Raises
    ------
    UnknownHubError
        For a name that matches no hub.
    NoRouteError
        When no route joins the hubs under the graph's profile, modes and year.
    """
    weight = _weight_attribute(by)
    if k < 1:
        msg = f"k must be at least 1, got {k}"
        raise CorridorError(msg)
    source_hub, target_hub = resolve_hub(graph, origin), resolve_hub(graph, destination)
    if source_hub == target_hub:
        msg = f"origin and destination are the same hub '{source_hub}'"
        raise NoRouteError(msg)
    _check_served(graph, source_hub)
    _check_served(graph, target_hub)
    if direct:
        graph = without_changes(graph, source_hub, target_hub)
    source, target = hub_node(graph, source_hub), hub_node(graph, target_hub)
    best = best_path(graph, source, target, weight=weight)
    if best is None and direct:
        msg = f"no single service runs from '{source_hub}' to '{target_hub}' without a change; leave out --direct to allow changes"
        raise NoRouteError(msg)
    if best is None:
        raise NoRouteError(_no_route_message(graph, source_hub, target_hub))
    if k == 1:
        return [route_from_nodes(graph, best[0], weight, keys=best[1])]
    routes: list[tuple[float, Route]] = []
    kept_links: list[dict[str, float]] = []
    for nodes, keys in candidate_paths(graph, source, target, weight=weight, best=best):
        route = route_from_nodes(graph, nodes, weight, keys=keys)
        if routes and _loops(graph, nodes):
            continue
        links = _link_lengths(route)
        if all(_difference(links, other) >= MIN_DIFFERENCE for other in kept_links):
            routes.append((_path_weight(graph, (nodes, keys), weight), route))
            kept_links.append(links)
            if len(routes) == k:
                break
    # Candidates of the exact search come cheapest first; penalty rounds may find a cheaper one later.
    return [route for _, route in sorted(routes, key=operator.itemgetter(0))]


def _loops(graph: nx.MultiDiGraph, nodes: Sequence[int]) -> bool:
    """Whether a path leaves a city and comes back to it (consecutive hubs of one city are one visit)."""
    hub_nodes = graph.graph["hub_nodes"]
    cities: list[str] = []
    for node in nodes:
        hub = graph.nodes[node].get("hub")
        if hub is None:
            continue
        city = graph.nodes[hub_nodes[hub]].get("city") or hub if hub in hub_nodes else hub
        if not cities or cities[-1] != city:
            cities.append(city)
    return len(set(cities)) < len(cities)


#: A path as its nodes and the key of the edge taken between each pair of them.
NodePath = tuple[tuple[int, ...], tuple[Any, ...]]


def best_path(
    graph: nx.MultiDiGraph, source: int, target: int, *, weight: str = "travel_time", banned: frozenset[str] = frozenset()
) -> NodePath | None:
    """The least-``weight`` path as nodes and the key of the edge taken between each pair (one Dijkstra).

    Parameters
    ----------
    graph
        A corridor graph; parallel edges are weighed one by one, so of two
        lines between the same terminals the better one is taken.
    source, target
        Graph nodes.
    weight
        Edge attribute minimised.
    banned
        Lines (the ``line`` of link edges) that may not be used.

    Returns
    -------
    tuple or None
        ``(nodes, keys)``, or ``None`` when no path joins the nodes.
    """

    def cost(u: int, v: int, parallel: dict) -> float | None:
        return min((d.get(weight, 0.0) for d in parallel.values() if d.get("line") not in banned), default=None)

    try:
        nodes = nx.dijkstra_path(graph, source, target, weight=cost)
    except nx.NetworkXNoPath:
        return None
    return tuple(nodes), _edge_keys(graph, nodes, weight, banned)


def _edge_keys(graph: nx.MultiDiGraph, nodes: Sequence[int], weight: str, banned: frozenset[str] = frozenset()) -> tuple[Any, ...]:
    """Key of the least-``weight`` allowed parallel edge between each pair of consecutive nodes."""
    keys = []
    for u, v in itertools.pairwise(nodes):
        allowed = ((key, d.get(weight, 0.0)) for key, d in graph[u][v].items() if d.get("line") not in banned)
        keys.append(min(allowed, key=lambda item: item[1])[0])
    return tuple(keys)


def _path_weight(graph: nx.MultiDiGraph, path: NodePath, weight: str) -> float:
    nodes, keys = path
    return sum(graph[u][v][key].get(weight, 0.0) for (u, v), key in zip(itertools.pairwise(nodes), keys, strict=True))


def _path_lines(graph: nx.MultiDiGraph, path: NodePath) -> set[str]:
    """Lines of the link edges a path uses."""
    nodes, keys = path
    lines = {graph[u][v][key].get("line") for (u, v), key in zip(itertools.pairwise(nodes), keys, strict=True)}
    return lines - {None}


def candidate_paths(
    graph: nx.MultiDiGraph, source: int, target: int, *, weight: str = "travel_time", best: NodePath | None = None
) -> Iterator[NodePath]:
    """Candidate routes from ``source`` to ``target``, cheapest first, computed as they are asked for.

    Two sources are merged by weight: Yen's algorithm (the next-best loopless
    paths, at most ``YEN_CANDIDATES``) on the graph with parallel edges
    reduced, and line elimination, which bans a line the route uses (then
    one more line, ``ELIMINATION_DEPTH`` in all) and runs Dijkstra again on
    the full multigraph: it reaches other corridors and mode chains, as
    link-elimination route-choice methods do, and parallel lines of the
    same mode between the same hubs, which the reduced graph hides.

    Parameters
    ----------
    graph
        A corridor graph.
    source, target
        Graph nodes joined by at least one path.
    weight
        Edge attribute minimised.
    best
        The best path, when the caller has it already (from :func:`best_path`).

    Yields
    ------
    tuple
        ``(nodes, keys)`` paths, each once, in order of total ``weight``
        (on a graph of more than ``EXACT_ALTERNATIVES_NODES`` nodes, those
        of :func:`penalised_paths`, in the order it finds them).

    Notes
    -----
    Banning more lines never makes a path cheaper, so an elimination's
    follow-ups are computed when it is yielded, and the merged stream stays
    in order of weight. Yen's paths are loopless in graph nodes, not in hubs:
    a path may still pass a hub twice through different terminals.

    References
    ----------
    .. [1] Yen, J. Y. (1971), "Finding the k shortest loopless paths in a
       network", Management Science 17(11), 712-716.
    """
    best = best or best_path(graph, source, target, weight=weight)
    if best is None:
        return
    if len(graph) > EXACT_ALTERNATIVES_NODES:
        yield from penalised_paths(graph, source, target, weight=weight, best=best)
        return
    order = itertools.count()
    heap: list[tuple[float, int, NodePath, frozenset[str] | None]] = [(_path_weight(graph, best, weight), next(order), best, frozenset())]
    simple = simple_digraph(graph, weight)
    yen = itertools.islice(nx.shortest_simple_paths(simple, source, target, weight=weight), YEN_CANDIDATES)
    _push_next_yen(graph, heap, order, yen, weight)
    seen: set[NodePath] = set()
    tried: set[frozenset[str]] = {frozenset()}
    while heap:
        _, _, path, banned = heapq.heappop(heap)
        if banned is None:
            _push_next_yen(graph, heap, order, yen, weight)
        elif len(banned) < ELIMINATION_DEPTH:
            for line in sorted(_path_lines(graph, path) - banned):
                ban = banned | {line}
                if ban in tried:
                    continue
                tried.add(ban)
                found = best_path(graph, source, target, weight=weight, banned=ban)
                if found is not None:
                    heapq.heappush(heap, (_path_weight(graph, found, weight), next(order), found, ban))
        if path not in seen:
            seen.add(path)
            yield path


def penalised_paths(
    graph: nx.MultiDiGraph,
    source: int,
    target: int,
    *,
    weight: str = "travel_time",
    best: NodePath | None = None,
    rounds: int = PENALTY_ROUNDS,
) -> Iterator[NodePath]:
    """Alternative paths by link penalties: after each path, its edges weigh ``PENALTY_FACTOR`` times more.

    Each round is one Dijkstra search on the penalised weights, so ``rounds``
    bounds the work whatever the size of the graph; a path used again is
    penalised again, which pushes the next search onto other corridors.

    Parameters
    ----------
    graph
        A corridor graph.
    source, target
        Graph nodes joined by at least one path.
    weight
        Edge attribute minimised.
    best
        The best path, when the caller has it already (from :func:`best_path`).
    rounds
        Searches at most after the best path.

    Yields
    ------
    tuple
        ``(nodes, keys)`` paths, each once: the best, then as the rounds find
        them (not in order of weight; each is weighed without penalties by
        its caller).

    References
    ----------
    .. [1] Bekhor, S., Ben-Akiva, M. E. and Ramming, M. S. (2006), "Evaluation
       of choice set generation algorithms for route choice models", Annals of
       Operations Research 144(1), 235-247 (the link penalty method).
    """
    path = best or best_path(graph, source, target, weight=weight)
    if path is None:
        return
    yield path
    factors: dict[tuple[int, int, Any], float] = {}
    seen = {path}
    for _ in range(rounds):
        nodes, keys = path
        for (u, v), key in zip(itertools.pairwise(nodes), keys, strict=True):
            factors[u, v, key] = factors.get((u, v, key), 1.0) * PENALTY_FACTOR
        path = _penalised_path(graph, source, target, weight, factors)
        if path not in seen:
            seen.add(path)
            yield path


def _penalised_path(graph: nx.MultiDiGraph, source: int, target: int, weight: str, factors: dict[tuple[int, int, Any], float]) -> NodePath:
    """The least-``weight`` path with each edge's weight times its factor in ``factors`` (1 if absent), and its edge keys.

    Penalties remove no edge: a path exists wherever the unpenalised search found one.
    """

    def penalised(u: int, v: int, key: Any, data: dict) -> float:
        return data.get(weight, 0.0) * factors.get((u, v, key), 1.0)

    def cost(u: int, v: int, parallel: dict) -> float:
        return min(penalised(u, v, key, data) for key, data in parallel.items())

    nodes = nx.dijkstra_path(graph, source, target, weight=cost)
    keys = tuple(min(graph[u][v].items(), key=lambda item: penalised(u, v, *item))[0] for u, v in itertools.pairwise(nodes))
    return tuple(nodes), keys


def _push_next_yen(graph: nx.MultiDiGraph, heap: list, order: Iterator[int], yen: Iterator[list[int]], weight: str) -> None:
    """Put Yen's next path on the heap (with no ban: it is not expanded by elimination)."""
    nodes = next(yen, None)
    if nodes is not None:
        path = (tuple(nodes), _edge_keys(graph, nodes, weight))
        heapq.heappush(heap, (_path_weight(graph, path, weight), next(order), path, None))


def _check_served(graph: nx.MultiDiGraph, hub: str) -> None:
    """Fail when no service of the graph's profile calls at ``hub`` (nor at its city's other hubs for a city)."""
    node = hub_node(graph, hub)
    data = graph.nodes[node]
    if data.get("node_type") != "hub" or _boards(graph, node):
        return
    if data.get("kind") == "city" and any(_boards(graph, v) for _, v, kind in graph.out_edges(node, data="edge_type") if kind == "urban"):  # type: ignore[var-annotated]  # types-networkx leaves the value type of data=<name> unsolved
        return
    profile, year = graph.graph.get("profile"), graph.graph.get("year")
    when = f"in {year}" if year is not None else "on links open today"
    if data.get("kind") == "city":
        msg = f"no {profile} service calls at '{hub}' ({data.get('name', hub)}) or any hub of the city {when}"
    else:
        msg = f"no {profile} service calls at '{hub}' ({data.get('name', hub)}) {when}; try its city or another {profile} terminal"
    raise NoRouteError(msg)


def _boards(graph: nx.MultiDiGraph, node: int) -> bool:
    """Whether a service can be boarded at ``node`` (it has a board edge)."""
    return any(kind == "board" for _, _, kind in graph.out_edges(node, data="edge_type"))  # type: ignore[var-annotated]  # types-networkx leaves the value type of data=<name> unsolved


def route_from_nodes(
    graph: nx.MultiDiGraph, nodes: Sequence[int], weight: str = "travel_time", *, keys: Sequence[Any] | None = None
) -> Route:
    """Summarise a node path of ``graph`` as a :class:`Route`.

    Parameters
    ----------
    graph
        A corridor graph.
    nodes
        The path's graph nodes, from a hub node to a hub node.
    weight
        Edge attribute that picks the parallel edge where ``keys`` is not given.
    keys
        The key of the edge taken between each pair of consecutive nodes
        (default: the parallel edge with the least ``weight``).

    Returns
    -------
    Route
        The path's hubs, legs (grouped by mode and line), totals and geometry.
    """
    keys = keys if keys is not None else _edge_keys(graph, nodes, weight)
    legs: list[Leg] = []
    hubs: list[str] = [graph.nodes[nodes[0]]["hub"]]
    length = time = cost = terminal = co2 = 0.0
    boardings = 0
    coords: list[tuple[float, float]] = [(graph.nodes[nodes[0]]["x"], graph.nodes[nodes[0]]["y"])]
    for (u, v), key in zip(itertools.pairwise(nodes), keys, strict=True):
        edge = graph[u][v][key]
        hours = edge["travel_time"] / 3600.0
        length += edge["length"] / 1000.0
        time += hours
        cost += edge.get("cost", 0.0)
        co2 += edge.get("co2", 0.0)
        edge_type = edge.get("edge_type", LINK)
        if edge_type == "through":  # the train runs on onto another kind of line: no leg, no transfer
            continue
        if edge_type == "board":
            boardings += 1
        if edge_type in ("board", "alight"):
            # The stop that ended the last link is where this trip gets off: count it as terminal time.
            credit = min(edge.get("dwell_credit", 0.0) / 3600.0, legs[-1].time_h) if legs and edge_type == "alight" else 0.0
            if credit:
                legs[-1].time_h -= credit
            terminal += hours + credit
            continue
        line_coords = edge["geometry"].coords if "geometry" in edge else [(graph.nodes[v]["x"], graph.nodes[v]["y"])]
        coords.extend(c[:2] for c in line_coords if c[:2] != coords[-1])
        start, end = _place(graph, u), _place(graph, v)
        if graph.nodes[v].get("hub") is not None and hubs[-1] != end:
            hubs.append(end)
        if edge_type == LINK:
            line = edge.get("line", edge.get("name", ""))
        else:  # an urban transfer, named by its city
            line = f"across {graph.nodes[u]['name'] if graph.nodes[u].get('kind') == 'city' else graph.nodes[v]['name']}"
        link_id = edge.get("link_id")
        if legs and legs[-1].mode == edge["mode"] and legs[-1].line == line:
            leg = legs[-1]
            leg.destination = end
            leg.length_km += edge["length"] / 1000.0
            leg.time_h += hours
        else:
            leg = Leg(edge["mode"], line, start, end, edge["length"] / 1000.0, hours)
            legs.append(leg)
        if link_id is not None:
            leg.links.append(link_id)
    return Route(
        hubs=hubs,
        legs=_fold_access_legs(legs),
        length_km=length,
        time_h=time,
        cost=cost,
        terminal_h=terminal,
        transfers=max(boardings - 1, 0),
        nodes=list(nodes),
        coords=coords,
        co2=co2,
    )


#: Suffix of the ids of access links, which join a hub of an imported network to its junction.
ACCESS_SUFFIX = "-access"


def _fold_access_legs(legs: list[Leg]) -> list[Leg]:
    """Fold each access leg (hub to junction) into the next leg of its mode, else the previous one.

    An imported network joins a hub to the line through a short access link;
    shown as a leg of its own it is noise ("access to A City", 0.6 km).
    """
    folded: list[Leg] = []
    pending: Leg | None = None  # an access leg waiting for the next leg of its mode
    for leg in legs:
        if pending is not None and not _is_access(leg) and pending.mode == leg.mode:
            leg.origin, leg.length_km, leg.time_h = pending.origin, leg.length_km + pending.length_km, leg.time_h + pending.time_h
            leg.links[:0] = pending.links
        elif pending is not None:
            _close(folded, pending)
        pending = leg if _is_access(leg) else None
        if pending is None:
            folded.append(leg)
    if pending is not None:
        _close(folded, pending)
    return folded


def _is_access(leg: Leg) -> bool:
    return bool(leg.links) and all(link.endswith(ACCESS_SUFFIX) for link in leg.links)


def _close(folded: list[Leg], access: Leg) -> None:
    """Add an access leg that no later leg took to the previous leg of its mode, or keep it as a leg."""
    if folded and folded[-1].mode == access.mode:
        last = folded[-1]
        last.destination, last.length_km, last.time_h = access.destination, last.length_km + access.length_km, last.time_h + access.time_h
        last.links.extend(access.links)
    else:
        folded.append(access)


def _junction_names(graph: nx.MultiDiGraph) -> dict[str, str]:
    """The OSM name of each named junction of an imported network (the first of its nodes with a name), in one pass."""
    names: dict[str, str] = {}
    for (place, _), node in graph.graph.get("junction_nodes", {}).items():
        if place not in names and graph.nodes[node].get("name"):
            names[place] = graph.nodes[node]["name"]
    return names


def _place(graph: nx.MultiDiGraph, node: int) -> str:
    """A node's hub id, or its junction id (``n<osm node>``) on an imported network."""
    data = graph.nodes[node]
    return data.get("hub") or data.get("junction") or f"node {node}"


def skim_matrix(
    graph: nx.MultiDiGraph,
    hubs: Iterable[str] | None = None,
    *,
    by: str = "time",
    origins: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Origin-destination skim between hubs, with scipy's compiled Dijkstra.

    Parameters
    ----------
    graph
        A corridor graph.
    hubs
        Hub names (default: every hub of the graph).
    by
        ``"time"`` (hours), ``"length"`` (km), ``"cost"`` or ``"co2"``
        (kg CO2e of the least-emitting routes, per TEU or passenger).
    origins
        Only the rows of these hubs (a block of a skim split over workers,
        see :mod:`corridor.sweeps`; default: every hub of ``hubs``).

    Returns
    -------
    pandas.DataFrame
        Square matrix indexed by hub id (origins as rows); ``inf`` where no
        route exists, ``0`` on the diagonal.
    """
    import pandas as pd

    weight = _weight_attribute(by)
    ids = list(graph.graph["hub_nodes"]) if hubs is None else [resolve_hub(graph, h) for h in hubs]
    ids = list(dict.fromkeys(ids))
    rows = ids if origins is None else list(dict.fromkeys(resolve_hub(graph, h) for h in origins))
    nodes = [hub_node(graph, h) for h in ids]
    values = shortest_path_lengths(graph, [hub_node(graph, h) for h in rows], nodes, weight=weight)
    scale = {"travel_time": 3600.0, "length": 1000.0, "cost": 1.0, "co2": 1.0}[weight]
    return pd.DataFrame(values / scale, index=rows, columns=ids)


def od_matrix(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """Deprecated name of :func:`skim_matrix` (an OD matrix is the demand table; this is a skim), kept for one release.

    Parameters
    ----------
    *args, **kwargs
        Passed to :func:`skim_matrix`.

    Returns
    -------
    pandas.DataFrame
        The skim; a ``DeprecationWarning`` is issued first.
    """
    import warnings

    warnings.warn("corridor.routing.od_matrix is renamed skim_matrix", DeprecationWarning, stacklevel=2)
    return skim_matrix(*args, **kwargs)


def shortest_path_lengths(
    graph: nx.MultiDiGraph,
    sources: Sequence[int],
    targets: Sequence[int] | None = None,
    *,
    weight: str = "travel_time",
) -> np.ndarray:
    """Shortest-path lengths from ``sources`` to ``targets`` (all nodes if None), in edge units.

    The graph is converted to a sparse matrix once per graph version and
    weight, then each call is one run of scipy's compiled Dijkstra with
    ``indices=sources``.

    Parameters
    ----------
    graph
        A corridor graph (or any graph whose nodes ``sparse_matrix`` indexes).
    sources, targets
        Graph nodes (``targets`` default: every node, in ``graph.nodes`` order).
    weight
        Edge attribute minimised.

    Returns
    -------
    numpy.ndarray
        ``len(sources) x len(targets)`` in the attribute's units, ``inf``
        where no path exists, 0 from a node to itself.
    """
    import numpy as np
    from scipy.sparse.csgraph import dijkstra

    matrix, index = sparse_matrix(graph, weight)
    rows = np.fromiter((index[s] for s in sources), dtype=np.int64, count=len(sources))
    distances = dijkstra(matrix, directed=True, indices=rows)
    if targets is None:
        return distances
    columns = np.fromiter((index[t] for t in targets), dtype=np.int64, count=len(targets))
    return distances[:, columns]


def path_attribute_totals(
    graph: nx.MultiDiGraph,
    sources: Sequence[int],
    targets: Sequence[int] | None = None,
    *,
    by: str = "cost",
    attribute: str = "travel_time",
) -> np.ndarray:
    """Sum of an edge ``attribute`` along the routes that minimise ``by``, from ``sources`` to ``targets``.

    For example the hours (``attribute="travel_time"``, in seconds) of the
    cheapest routes (``by="cost"``), which :func:`shortest_path_lengths`
    cannot give: it returns the minimised quantity only.

    Parameters
    ----------
    graph
        A corridor graph.
    sources, targets
        Graph nodes (``targets`` default: every node).
    by
        Criterion of the routes: ``"time"``, ``"length"`` or ``"cost"``.
    attribute
        Edge attribute summed along them (``travel_time``, ``length``,
        ``cost`` or any numeric edge attribute; missing counts as 0).

    Returns
    -------
    numpy.ndarray
        ``len(sources) x len(targets)`` in the attribute's units, ``inf``
        where no route exists, 0 from a node to itself.

    Notes
    -----
    One run of scipy's Dijkstra on ``sparse_matrix(graph, weight)`` with
    ``return_predecessors`` gives each source's shortest-path tree; between
    two nodes the parallel edge of least ``weight`` is taken, as
    :func:`route_from_nodes` does. The attribute is summed down every tree at
    once by pointer jumping (each step adds the total of the predecessor's
    predecessor chain, doubling the reach: ``log2`` of the deepest route
    steps). Where two routes tie on ``by`` the sum follows the one scipy
    found, which may differ from :func:`find_routes`' choice.
    """
    import numpy as np
    from scipy.sparse.csgraph import dijkstra

    weight = _weight_attribute(by)
    matrix, index = sparse_matrix(graph, weight)
    keys, values = _edge_attribute_lookup(graph, weight, attribute)
    rows = np.fromiter((index[s] for s in sources), dtype=np.int64, count=len(sources))
    distances, predecessors = dijkstra(matrix, directed=True, indices=rows, return_predecessors=True)
    n = matrix.shape[0]
    reached = predecessors >= 0  # the sources themselves and unreached nodes have -9999
    parents = np.where(reached, predecessors, np.arange(n)[None, :])
    totals = np.zeros(predecessors.shape, dtype=float)
    if keys.size:
        wanted = parents[reached].astype(np.int64) * n + np.nonzero(reached)[1]
        totals[reached] = values[np.searchsorted(keys, wanted)]
    # Pointer jumping: totals[v] becomes the sum over the whole chain from the source.
    while True:
        done = parents == np.take_along_axis(parents, parents, axis=1)
        totals = totals + np.where(parents != np.arange(n)[None, :], np.take_along_axis(totals, parents, axis=1), 0.0)
        parents = np.take_along_axis(parents, parents, axis=1)
        if done.all():
            break
    totals[~np.isfinite(distances)] = np.inf
    if targets is None:
        return totals
    columns = np.fromiter((index[t] for t in targets), dtype=np.int64, count=len(targets))
    return totals[:, columns]


def _edge_attribute_lookup(graph: nx.MultiDiGraph, weight: str, attribute: str) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys ``row * n + column`` and the ``attribute`` of the least-``weight`` parallel edge (cached)."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        columns = edge_columns(graph, weight, attribute)
        keys = columns.rows * len(columns.index) + columns.cols
        order = np.lexsort((columns.values[0], keys))  # stable: of equal weights the first edge wins
        first = _group_starts(keys[order])
        return keys[order][first], columns.values[1][order][first]

    return cached_per_graph(graph, ("attribute", weight, attribute), build)


@dataclass(frozen=True)
class EdgeColumns:
    """The edges of a graph as numpy columns, in ``graph.edges`` order.

    Attributes
    ----------
    index
        Node to row number (nodes in ``graph.nodes`` order).
    rows, cols
        Row numbers of each edge's tail and head.
    values
        One row per attribute asked for, missing values as 0.
    """

    index: dict[Any, int]
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray


def edge_columns(graph: nx.MultiDiGraph, *attributes: str) -> EdgeColumns:
    """Read the edges' ends and ``attributes`` into numpy columns, column by column.

    Parameters
    ----------
    graph
        Any networkx multigraph.
    *attributes
        Edge attributes to read (missing as 0).

    Returns
    -------
    EdgeColumns
        The columns, edges in ``graph.edges`` order.

    Notes
    -----
    No Python loop runs per edge: the adjacency's successor dicts, their
    parallel-edge dicts and the attribute dicts are flattened with
    ``itertools.chain`` and read with ``operator`` callables, and the tails
    and heads are the node numbers repeated by out-degree and by the count
    of parallel edges. Nodes numbered ``0 .. n-1`` in order (every graph of
    :func:`corridor.graph.graph_from_network`) are their own row numbers;
    other nodes are numbered through a dict.
    """
    import numpy as np

    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    successors = list(graph._adj.values())  # type: ignore[attr-defined]  # networkx's own successor dicts (private): no view object per edge
    parallel = list(itertools.chain.from_iterable(map(operator.methodcaller("values"), successors)))  # one dict per (u, v)
    edges = list(itertools.chain.from_iterable(map(operator.methodcaller("values"), parallel)))  # one attribute dict per edge
    heads: Iterator[Any] = itertools.chain.from_iterable(successors)
    if nodes != list(range(len(nodes))):
        heads = map(index.__getitem__, heads)
    per_pair = np.fromiter(map(len, parallel), dtype=np.int64, count=len(parallel))
    degrees = np.fromiter(map(len, successors), dtype=np.int64, count=len(successors))
    rows = np.repeat(np.repeat(np.arange(len(nodes), dtype=np.int64), degrees), per_pair)
    cols = np.repeat(np.fromiter(heads, dtype=np.int64, count=len(parallel)), per_pair)
    values = np.empty((len(attributes), len(edges)))
    for row, name in zip(values, attributes, strict=True):
        row[:] = _attribute_column(edges, name)
    return EdgeColumns(index, rows, cols, values)


def _attribute_column(edges: list[dict[str, Any]], name: str) -> np.ndarray:
    """``name`` of every attribute dict as floats, missing as 0 (read by ``itemgetter`` while none is missing)."""
    import numpy as np

    try:
        return np.fromiter(map(operator.itemgetter(name), edges), dtype=float, count=len(edges))
    except KeyError:
        return np.fromiter(map(operator.methodcaller("get", name, 0.0), edges), dtype=float, count=len(edges))


def _pair_starts(columns: EdgeColumns) -> np.ndarray:
    """Position of the first edge of each ``(row, column)`` pair (:func:`edge_columns` lists parallel edges together)."""
    import numpy as np

    rows, cols = columns.rows, columns.cols
    return np.flatnonzero(np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])]) if rows.size else np.array([], dtype=np.int64)


def _group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Positions where a new key begins in a sorted array."""
    import numpy as np

    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]) if sorted_keys.size else np.array([], dtype=np.int64)


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cached_per_graph(graph: nx.MultiDiGraph, key: tuple, build: Callable[[], Any]) -> Any:
    """Memoise ``build()`` per graph object, ``graph.graph["version"]`` and ``key``.

    Derived structures (sparse matrices, simple views, igraph copies) are
    built once per graph version and dropped with the graph.

    Parameters
    ----------
    graph
        The graph the structure is derived from (held weakly).
    key
        What is built (and from which options), e.g. ``("csr", weight)``.
    build
        Called with no arguments when the graph's version has no value for ``key``.

    Returns
    -------
    Any
        The cached value, built now or on an earlier call.
    """
    version = graph.graph.get("version")
    per_graph = _cache.get(graph)
    if per_graph is None or per_graph["version"] != version:
        per_graph = _cache[graph] = {"version": version}
    if key not in per_graph:
        per_graph[key] = build()
    return per_graph[key]


def sparse_matrix(graph: nx.MultiDiGraph, weight: str = "travel_time") -> tuple[csr_array, dict[int, int]]:
    """The graph as a CSR matrix of least parallel-edge weights, and the node-to-row index.

    Cached per graph and ``graph.graph["version"]``: after changing a graph in
    place, give it a new version (any new value) so routes see the change.

    Parameters
    ----------
    graph
        Any networkx multigraph.
    weight
        Edge attribute (missing counts as 0).

    Returns
    -------
    tuple
        ``(matrix, index)``: the ``n x n`` ``scipy.sparse.csr_array`` (a zero
        weight stored as 1e-9, since csgraph drops explicit zeros) and the
        node-to-row dict.

    Notes
    -----
    Built from numpy columns (:func:`edge_columns`), where the parallel
    edges of a pair are consecutive: the least weight of each ``(row,
    column)`` pair is one ``minimum.reduceat``, and the entries keep the
    order of their pair's first edge, so the matrix is the same, entry for
    entry, whatever way parallel edges were added.
    """

    def build() -> tuple[csr_array, dict[int, int]]:
        import numpy as np
        from scipy.sparse import csr_array

        columns = edge_columns(graph, weight)
        n = len(columns.index)
        starts = _pair_starts(columns)
        least = np.minimum.reduceat(columns.values[0], starts) if starts.size else columns.values[0]
        # csgraph treats explicit zeros as missing edges: keep zero-cost edges with a tiny weight.
        values = np.where(least > 0, least, 1e-9)
        return csr_array((values, (columns.rows[starts], columns.cols[starts])), shape=(n, n)), columns.index

    return cached_per_graph(graph, ("csr", weight), build)


def simple_digraph(graph: nx.MultiDiGraph, weight: str = "travel_time") -> nx.DiGraph:
    """The graph with parallel edges reduced to the one of least ``weight`` (cached).

    Parameters
    ----------
    graph
        A corridor graph.
    weight
        Edge attribute that chooses among parallel edges.

    Returns
    -------
    networkx.DiGraph
        Every node of ``graph``; each edge keeps ``weight`` and the ``line``
        of the chosen edge (``None`` for terminal and urban edges).
    """

    def build() -> nx.DiGraph:
        simple: nx.DiGraph = nx.DiGraph()
        simple.add_nodes_from(graph.nodes)
        for u, v, data in graph.edges(data=True):
            w = data.get(weight, 0.0)
            if not simple.has_edge(u, v) or w < simple[u][v][weight]:
                line = data.get("line") if data.get("edge_type", LINK) == LINK else None
                simple.add_edge(u, v, **{weight: w, "line": line})
        return simple

    return cached_per_graph(graph, ("simple", weight), build)


def _weight_attribute(by: str) -> str:
    if by not in WEIGHTS:
        msg = f"unknown route criterion {by!r}; use one of {', '.join(WEIGHTS)}"
        raise CorridorError(msg)
    return WEIGHTS[by]


def _link_lengths(route: Route) -> dict[str, float]:
    lengths: dict[str, float] = {}
    for leg in route.legs:
        for link in leg.links:
            lengths[link] = leg.length_km / max(len(leg.links), 1)
    return lengths


def _difference(a: dict[str, float], b: dict[str, float]) -> float:
    """Share of the longer route's link-km that the two routes do not share."""
    shared = sum(min(a[k], b[k]) for k in a.keys() & b.keys())
    longest = max(sum(a.values()), sum(b.values()), 1e-9)
    return 1.0 - shared / longest


def _no_route_message(graph: nx.MultiDiGraph, source: str, target: str) -> str:
    """Say why no route exists: the profile, mode filter or year that cut it."""
    profile, year, modes = graph.graph.get("profile"), graph.graph.get("year"), graph.graph.get("modes")
    conditions = [f"the {profile} profile"]
    if modes is not None and set(modes) != set(MODES):
        conditions.append(f"modes {','.join(modes)}")
    conditions.append(f"the network of {year}" if year is not None else "links open today")
    for hub in (source, target):
        if graph.degree(hub_node(graph, hub)) == 0:
            return f"no route from '{source}' to '{target}': no {profile} service reaches '{hub}' under {', '.join(conditions)}"
    return f"no route from '{source}' to '{target}' under {', '.join(conditions)}"


def routes_report(graph: nx.MultiDiGraph, routes: Sequence[Route], *, by: str) -> dict:
    """Routes as one JSON-ready object, the stable contract of ``corridor route --json``.

    Parameters
    ----------
    graph
        The graph the routes were found on (for hub names, profile and year).
    routes
        Routes between one pair of hubs, best first (at least one).
    by
        The criterion they were found by (``"time"``, ``"length"``, ``"cost"``).

    Returns
    -------
    dict
        ``{"origin", "destination", "profile", "by", "year", "routes": [...]}``
        with each route as in :meth:`Route.as_dict` plus ``rank``, and hub
        names in ``hub_names``.
    """
    first = routes[0]
    names = {hub: graph.nodes[hub_node(graph, hub)]["name"] for route in routes for hub in route.hubs}
    junctions = [(place, leg.line) for route in routes for leg in route.legs for place in (leg.origin, leg.destination) if place not in names]
    osm_names = _junction_names(graph) if junctions else {}
    for place, line in junctions:  # a junction is named by OSM, else by the line it is on (where first met)
        names.setdefault(place, osm_names.get(place) or f"junction on {line}")
    return {
        "origin": first.hubs[0],
        "destination": first.hubs[-1],
        "profile": graph.graph.get("profile"),
        "by": by,
        "year": graph.graph.get("year"),
        "hub_names": names,
        "routes": [{"rank": i + 1, **route.as_dict()} for i, route in enumerate(routes)],
    }


def write_routes_geojson(routes: Sequence[Route], path: str | Path, report: dict | None = None) -> None:
    """Write routes as a GeoJSON FeatureCollection (one LineString each), atomically.

    Parameters
    ----------
    routes
        The routes to write.
    path
        The output file.
    report
        :func:`routes_report` of the routes: each feature's properties are
        its route's entry (default: :meth:`Route.as_dict`).
    """
    import json

    from shapely.geometry import mapping

    summaries = (report or {}).get("routes") or [route.as_dict() for route in routes]
    features = [
        {"type": "Feature", "properties": summary, "geometry": mapping(route.geometry)}
        for route, summary in zip(routes, summaries, strict=True)
    ]
    write_text_atomic(path, json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))


def write_matrix(matrix: pd.DataFrame, path: str | Path) -> None:
    """Write an OD matrix to ``.csv`` or ``.parquet`` (by the file's suffix), atomically.

    Pairs with no route (``inf`` in :func:`skim_matrix`) are written as missing values: empty
    cells in CSV, nulls in Parquet (``NaN`` when read back with pandas).

    Parameters
    ----------
    matrix
        A skim or other OD table indexed by hub id.
    path
        A ``.csv`` or ``.parquet`` file.
    """
    target = check_output_path(path, (".csv", ".parquet"), what="output")
    matrix = matrix.replace(float("inf"), float("nan"))
    with atomic_path(target) as tmp:
        if target.suffix.lower() == ".csv":
            matrix.to_csv(tmp, float_format="%.4f")
        else:
            matrix.to_parquet(tmp)
