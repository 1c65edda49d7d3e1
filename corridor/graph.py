"""Build the multimodal routing graph of a network, in osmnx conventions.

Freight models represent a hub by one node per mode that serves it (a
*terminal*) plus the hub itself, where trips start and end::

    city centre --urban--> hub --board--> hub/rail ==link==> hub2/rail --alight--> hub2
                                           hub/rail --alight--> hub --board--> hub/sea   (a transfer)

Nodes are integers (as in osmnx); ``graph.graph["hub_nodes"]`` maps hub ids
to their nodes and ``graph.graph["terminal_nodes"]`` maps ``(hub, mode)``.

Hubs of kind ``junction`` (the nodes of an imported OpenStreetMap network,
where lines meet) are no places a trip starts, ends or changes mode: each
gets one node per mode (``node_type="junction"``, ``hub=None``, listed in
``graph.graph["junction_nodes"]`` by ``(junction, mode)``) and no hub node,
board, alight or urban edge; a link touching a junction has no dwell time
and crosses no border. A link with ``oneway`` true is added from
``from_hub`` to ``to_hub`` only.

Link edges carry the line-haul time; board and alight edges carry the
terminal time of their mode (loading and unloading for freight); urban edges
join a city centre to the city's stations and terminals. Every edge has
``length`` (metres), ``travel_time`` (seconds), ``cost`` (generalised cost),
``mode`` and ``geometry``; nodes have ``x``, ``y``; the graph has ``crs``, so
``osmnx.graph_to_gdfs`` and ``osmnx.routing.shortest_path`` work on it. A graph
built with ``geometry=False`` (routes and skims that draw nothing) has no edge
``geometry`` and is built without importing shapely (``graph.graph["geometry"]``
says which).

Every edge also has ``co2``: kg CO2e per TEU (freight) or passenger, from
the emission factors of ``model.toml`` (:func:`edge_co2_kg`); it is additive
along a route like ``cost`` and changes no other attribute.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, cast

import networkx as nx

from corridor import schema
from corridor._errors import CorridorError
from corridor._io import write_text_atomic
from corridor.hubs import names_of
from corridor.network import Network, gc_paused
from corridor.params import ModelParams
from corridor.settings import CRS, JUNCTION, MODES, PROFILES, cache_dir

if TYPE_CHECKING:  # shapely and pyproj load where geometry is built: a graph without it starts without them
    from pyproj import Geod

_version_counter = itertools.count(1)

#: Modes whose border crossings cost ``border_h`` (ports clear customs in terminal time).
LAND_MODES = ("hsr", "rail", "expressway")

#: Modes whose trains may run on between lines at a hub (see ``through_lines``).
TRAIN_MODES = ("hsr", "rail")

#: ``edge_type`` of edges that move along a link; other edges are terminal or urban time.
LINK = "link"


def hub_node(graph: nx.MultiDiGraph, hub: str) -> int:
    """Node of ``hub`` in ``graph`` (nodes are integers, as in osmnx).

    Parameters
    ----------
    graph
        A corridor graph.
    hub
        A hub id in ``graph.graph["hub_nodes"]`` (a ``KeyError`` otherwise).

    Returns
    -------
    int
        The hub's node.
    """
    return graph.graph["hub_nodes"][hub]


def graph_from_network(
    network: Network,
    *,
    profile: str = "freight",
    year: int | None = None,
    modes: Iterable[str] | None = None,
    avoid: Iterable[str] | None = None,
    params: ModelParams | None = None,
    geometry: bool = True,
) -> nx.MultiDiGraph:
    """Build the routing graph of ``network`` for one profile and year.

    Parameters
    ----------
    network
        The hubs and links.
    profile
        ``"freight"`` (links with ``freight`` true; no high-speed rail) or
        ``"passenger"`` (links with ``passenger`` true).
    year
        The network as of this year: open links opened by then, and links
        under construction or planned whose expected year has come. ``None``
        keeps the links whose status is ``open``.
    modes
        Modes that may be used (default: all).
    avoid
        Modes that may not be used.
    params
        Travel-time and cost parameters (default: ``corridor/model.toml``).
    geometry
        Give every edge its ``geometry`` (a LineString), as maps, figures and
        route GeoJSON need; ``False`` leaves it out (every other attribute is
        the same), so routes and skims build the graph without shapely.

    Returns
    -------
    networkx.MultiDiGraph
        Hub nodes (``node_type="hub"``) and terminal nodes
        (``node_type="terminal"``), both with a ``hub`` attribute; each link
        appears once in each direction.

    Raises
    ------
    CorridorError
        For a profile not in ``PROFILES``, a year outside 1800-2100, or
        ``modes`` and ``avoid`` that leave no mode.
    """
    if profile not in PROFILES:
        msg = f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}"
        raise CorridorError(msg)
    if year is not None and not 1800 <= year <= 2100:
        msg = f"year {year} is out of range; give a year between 1800 and 2100"
        raise CorridorError(msg)
    allowed = _allowed_modes(modes, avoid)
    if not allowed:
        msg = "no mode left to travel by: --modes and --avoid exclude every mode"
        raise CorridorError(msg)
    with gc_paused():
        return _build_graph(network, profile, year, allowed, params or ModelParams(), geometry)


def _build_graph(network: Network, profile: str, year: int | None, allowed: set[str], params: ModelParams, geometry: bool) -> nx.MultiDiGraph:
    """The graph of :func:`graph_from_network`, its arguments checked."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph(
        crs=CRS,
        name=f"corridor ({network.source})",
        profile=profile,
        year=year,
        modes=sorted(allowed),
        version=next(_version_counter),
        excluded_hubs={},
        excluded_hub_names={},
        hub_nodes={},
        terminal_nodes={},
        junction_nodes={},
        geometry=geometry,
    )
    # Plain dicts, not pandas rows: a row lookup costs microseconds, and imported networks have 10^5 links.
    hubs = network.hub_records(shapes=geometry)
    junctions = _junctions(hubs)
    for hub_id, hub in hubs.items():
        if hub_id in junctions:
            continue
        if not schema.hub_open(hub, year):
            graph.graph["excluded_hubs"][hub_id] = f"opens in {hub['opened']}"
            graph.graph["excluded_hub_names"][hub_id] = names_of(hub)
            continue
        node = graph.graph["hub_nodes"][hub_id] = len(graph)
        graph.add_node(node, **_hub_attributes(hub))
    rates = _Rates(params, profile)
    excluded = graph.graph["excluded_hubs"]
    for link_id, link in network.link_records(shapes=geometry).items():
        if link["mode"] not in allowed or not link[profile] or not schema.in_service(link, year):
            continue
        if link["from_hub"] in excluded or link["to_hub"] in excluded:
            continue
        _add_link(graph, link_id, link, rates, junctions)
    _add_urban_edges(graph, profile, params)
    if profile == "passenger":
        _add_through_edges(graph)
    return graph


def _add_through_edges(graph: nx.MultiDiGraph) -> None:
    """Let passenger trains run on between lines without a change of train, where published trains do.

    At hubs with ``through_running`` (e.g. Qianjiang and Changde, where
    Chongqing East–Changsha trains run via the Qianjiang–Changde railway)
    trains run on between the high-speed and conventional lines: a
    ``through`` edge joins the two terminals. At hubs with ``through_lines``
    each line has a platform (terminal) per direction, and a train arriving
    on a line runs on only along that line or onto a line paired with it,
    and never turns back (the way out makes less than 90 degrees with the way
    in): the departing link edges it may take are repeated from its arrival
    platform (a ``through`` edge would let trains chain pairs into changes no
    train makes). Any other change there is a change of train (alight and
    board). The stop at the hub is already on the arriving link, so running
    on costs nothing and counts no boarding.
    """
    terminals = graph.graph["terminal_nodes"]
    hub_nodes = graph.graph["hub_nodes"]
    for (hub, mode), node in list(terminals.items()):
        if mode != "hsr" or (hub, "rail") not in terminals or not graph.nodes[hub_nodes[hub]].get("through_running"):
            continue
        other = terminals[hub, "rail"]
        point = (graph.nodes[node]["x"], graph.nodes[node]["y"])
        for u, v in ((node, other), (other, node)):
            graph.add_edge(u, v, edge_type="through", mode="through", length=0.0, travel_time=0.0, cost=0.0, co2=0.0, **_line(graph, [point, point]))
    copies: list[tuple[Any, Any, Any, dict[str, Any]]] = []
    for hub, platforms in _platforms_by_hub(graph).items():
        pairs = {(a, b) for a, b in graph.nodes[hub_nodes[hub]]["through_lines"]}
        pairs |= {(b, a) for a, b in pairs} | {(line, line) for (line, _), _ in platforms}
        centre = graph.nodes[hub_nodes[hub]]
        for (line_a, came_from), arrival in platforms:
            for (line_b, going_to), departure in platforms:
                if (line_a, line_b) in pairs and came_from != going_to and _runs_on(graph, came_from, centre, going_to):
                    copies.extend((arrival, v, key, data) for _, v, key, data in graph.out_edges(departure, keys=True, data=True) if data["edge_type"] == LINK)
    for u, v, key, data in copies:
        graph.add_edge(u, v, key=key, **data)


def _platforms_by_hub(graph: nx.MultiDiGraph) -> dict[str, list[tuple[tuple[str, str], int]]]:
    """Platforms of each hub with ``through_lines``: ``((line, neighbour hub), node)``."""
    by_hub: dict[str, list[tuple[tuple[str, str], int]]] = {}
    for (hub, _mode, line, towards), node in graph.graph.get("line_terminals", {}).items():
        by_hub.setdefault(hub, []).append(((line, towards), node))
    return by_hub


def _runs_on(graph: nx.MultiDiGraph, came_from: str, centre: Mapping[str, Any], going_to: str) -> bool:
    """Whether a train from ``came_from`` through ``centre`` to ``going_to`` runs on rather than turning back (under 90 degrees)."""
    nodes = graph.graph["hub_nodes"]
    if came_from not in nodes or going_to not in nodes:
        return True
    a, b = graph.nodes[nodes[came_from]], graph.nodes[nodes[going_to]]
    incoming = (centre["x"] - a["x"], centre["y"] - a["y"])
    outgoing = (b["x"] - centre["x"], b["y"] - centre["y"])
    return incoming[0] * outgoing[0] + incoming[1] * outgoing[1] > 0.0


def _line_pair(text: str) -> tuple[str, str]:
    """``"line A | line B"`` -> ``("line A", "line B")``."""
    first, _, second = text.partition("|")
    return first.strip(), second.strip()


def city_of(graph: nx.MultiDiGraph, hub: str) -> str:
    """The city hub a hub counts as: its ``city`` when that is a hub of the graph, else the hub itself.

    The one rule for every analysis that groups hubs by city (demand,
    rankings, candidates): a hub not in the graph (closed in the graph's
    year, or not in the network), or whose city hub is not in it, stands
    for itself, so the answer is always ``hub`` or a hub of the graph.

    Parameters
    ----------
    graph
        A corridor graph.
    hub
        A hub id, of the graph or not.

    Returns
    -------
    str
        The id of the city hub.
    """
    hub_nodes = graph.graph["hub_nodes"]
    node = hub_nodes.get(hub)
    city = hub if node is None else graph.nodes[node].get("city") or hub
    return city if city in hub_nodes else hub


def without_changes(graph: nx.MultiDiGraph, origin: str, destination: str) -> nx.MultiDiGraph:
    """A copy of ``graph`` where a trip boards once, in the origin's city, and alights once, in the destination's.

    Routes on it are single services, as timetables quote "the fastest
    train": they run on across lines only where published trains do (see
    :func:`_add_through_edges`) and never change vehicle on the way.

    Parameters
    ----------
    graph
        A corridor graph.
    origin, destination
        Hub ids; every hub of the same city counts as the same end.

    Returns
    -------
    networkx.MultiDiGraph
        The copy, with a new ``version``.
    """
    hub_nodes = graph.graph["hub_nodes"]
    starts = {node for hub, node in hub_nodes.items() if city_of(graph, hub) == city_of(graph, origin)}
    ends = {node for hub, node in hub_nodes.items() if city_of(graph, hub) == city_of(graph, destination)}
    direct = graph.copy()
    direct.graph = {**graph.graph, "version": next(_version_counter)}
    direct.remove_edges_from([  # type: ignore[var-annotated]  # types-networkx leaves the value type of data=<name> unsolved
        (u, v, key) for u, v, key, kind in graph.edges(keys=True, data="edge_type")
        if (kind == "board" and u not in starts) or (kind == "alight" and v not in ends)
    ])
    return direct


def with_link_modes(graph: nx.MultiDiGraph, modes: Iterable[str]) -> nx.MultiDiGraph:
    """A copy of ``graph`` whose links are only those of ``modes``; nodes keep their numbers.

    Parameters
    ----------
    graph
        A corridor graph.
    modes
        Modes whose links stay; terminal and urban edges all stay.

    Returns
    -------
    networkx.MultiDiGraph
        The copy, with a new ``version``. A path on it is a path on ``graph``,
        so paths for consecutive parts of a trip on different modes join.
    """
    kept = {mode.lower() for mode in modes}
    restricted = graph.copy()
    restricted.graph = {**graph.graph, "version": next(_version_counter)}
    restricted.remove_edges_from([
        (u, v, key) for u, v, key, data in graph.edges(keys=True, data=True)
        if data.get("edge_type", LINK) in (LINK, "through") and data["mode"] not in kept
    ])
    return restricted


def _junctions(hubs: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[float, float, str]]:
    """``(x, y, name)`` of each ``junction`` hub, by id."""
    return {hub_id: (*_point_xy(hub["geometry"]), hub["name"]) for hub_id, hub in hubs.items() if hub.get("kind") == JUNCTION}


def _point_xy(point: Any) -> tuple[float, float]:
    """``(x, y)`` of a shapely point or of a GeoJSON point mapping (a record read without shapes)."""
    if isinstance(point, Mapping):
        x, y = point["coordinates"][:2]
        return float(x), float(y)
    return point.x, point.y


def _line(graph: nx.MultiDiGraph, coords: Sequence[tuple[float, float]]) -> dict[str, Any]:
    """``{"geometry": LineString(coords)}`` for an edge of a graph with geometry, else nothing."""
    if not graph.graph.get("geometry", True):
        return {}
    from shapely.geometry import LineString

    return {"geometry": LineString(coords)}


def _allowed_modes(modes: Iterable[str] | None, avoid: Iterable[str] | None) -> set[str]:
    chosen = {mode.lower() for mode in modes} if modes else set(MODES)
    excluded = {mode.lower() for mode in avoid or ()}
    for mode in chosen | excluded:
        if mode not in MODES:
            msg = f"unknown mode {mode!r}; use one of {', '.join(MODES)}"
            raise CorridorError(msg)
    return chosen - excluded


def _known(value: object) -> TypeGuard[float]:
    """Whether an optional number is given (not None, not NaN as pandas fills gaps)."""
    return value is not None and value == value


def _hub_attributes(hub) -> dict:
    x, y = _point_xy(hub["geometry"])
    aliases = hub["aliases"] if isinstance(hub["aliases"], list) else []
    return {
        "x": x,
        "y": y,
        "node_type": "hub",
        "hub": hub["id"],
        "name": hub["name"],
        "name_zh": hub["name_zh"] or "",
        "pinyin": hub["pinyin"] or "",
        "aliases": list(aliases),
        "kind": hub["kind"],
        "city": hub["city"],
        "country": hub["country"] or "",
        "population": float(hub["population"]) if _known(hub["population"]) else None,
        "freight_terminal": bool(hub["freight_terminal"]),
        "stop": hub.get("stop") is not False,
        "through_running": hub.get("through_running") is True,
        "through_lines": [_line_pair(text) for text in hub["through_lines"]] if isinstance(hub.get("through_lines"), list) else None,
    }


def _ensure_terminal(
    graph: nx.MultiDiGraph,
    hub: str,
    mode: str,
    profile: str,
    params: ModelParams,
    junctions: Mapping[str, tuple] | None = None,
    line: str | None = None,
    towards: str | None = None,
) -> int:
    platform = _platform_key(graph, hub, mode, profile, line, towards) if profile == "passenger" else None
    if platform is not None:
        platforms = graph.graph.setdefault("line_terminals", {})
        if platform not in platforms:
            platforms[platform] = _new_terminal(graph, hub, mode, profile, params, junctions)
            graph.nodes[platforms[platform]].update(line=line, towards=towards)
        return platforms[platform]
    # The terminal, or the junction's node of the mode, once made (a junction never has a terminal).
    node = graph.graph["terminal_nodes"].get((hub, mode))
    if node is None:
        node = graph.graph.setdefault("junction_nodes", {}).get((hub, mode))
    return _new_terminal(graph, hub, mode, profile, params, junctions) if node is None else node


def _platform_key(
    graph: nx.MultiDiGraph, hub: str, mode: str, profile: str, line: str | None, towards: str | None
) -> tuple[str, str, str, str] | None:
    """``(hub, mode, line, towards)``: a platform of its own per line and direction, for passenger trains at a hub with ``through_lines``."""
    if profile != "passenger" or line is None or towards is None or mode not in TRAIN_MODES:
        return None
    node = graph.graph["hub_nodes"].get(hub)
    if node is None or graph.nodes[node].get("through_lines") is None:
        return None
    return (hub, mode, line, towards)


def _new_terminal(
    graph: nx.MultiDiGraph, hub: str, mode: str, profile: str, params: ModelParams, junctions: Mapping[str, tuple] | None = None
) -> int:
    """Add the terminal node of ``mode`` at ``hub`` with its board and alight edges."""
    terminals = graph.graph["terminal_nodes"]
    junction_nodes = graph.graph.setdefault("junction_nodes", {})
    if (hub, mode) in junction_nodes:
        return junction_nodes[hub, mode]
    if junctions and hub in junctions:
        x, y, name = junctions[hub]
        node = junction_nodes[hub, mode] = len(graph)
        graph.add_node(node, x=x, y=y, node_type="junction", hub=None, junction=hub, mode=mode, name=name)
        return node
    hub_at = graph.graph["hub_nodes"][hub]
    data = graph.nodes[hub_at]
    node = len(graph)
    terminals.setdefault((hub, mode), node)
    graph.add_node(node, x=data["x"], y=data["y"], node_type="terminal", hub=hub, mode=mode, name=data["name"])
    hours = params.value(profile, "terminal_h", mode)
    cost = hours * params.value(profile, "value_of_time") + params.value(profile, "terminal_cost")
    point = (data["x"], data["y"])
    if profile == "freight" and not data.get("freight_terminal", True):
        return node  # freight passes through but is not loaded or unloaded here
    # On an imported network every hub is reached through junctions, where no dwell is added: nothing to take back.
    credit = 0.0 if junctions else arrival_dwell_h(data, mode, profile, params)
    for u, v, edge_type, seconds in ((hub_at, node, "board", hours * 3600.0), (node, hub_at, "alight", (hours - credit) * 3600.0)):
        graph.add_edge(
            u, v, edge_type=edge_type, mode=mode, length=0.0, travel_time=seconds, cost=cost,
            **_line(graph, [point, point]), dwell_credit=credit * 3600.0 if edge_type == "alight" else 0.0,
            co2=edge_co2_kg(params, profile, mode, lifts=1),
        )
    return node


def arrival_dwell_h(hub: Mapping[str, Any], mode: str, profile: str, params: ModelParams) -> float:
    """Dwell of ``mode`` at a hub where the fastest services call (``stop`` true), hours.

    A link edge ends with this stop; the alight edge at the hub takes it back
    (``dwell_credit``) so a trip that ends or changes vehicle there pays its
    terminal time only, and a train running through pays the stop.

    Parameters
    ----------
    hub
        The hub's record or node attributes (``stop``, true when missing).
    mode
        The arriving mode.
    profile
        ``freight`` or ``passenger``.
    params
        Model parameters.

    Returns
    -------
    float
        Hours: the profile's ``dwell_h`` of ``mode``, at most its ``terminal_h``;
        0 where the fastest services do not stop.
    """
    if not hub.get("stop", True):
        return 0.0
    return min(params.value(profile, "dwell_h", mode), params.value(profile, "terminal_h", mode))


def add_link_edges(graph: nx.MultiDiGraph, link_record: Mapping[str, Any], *, profile: str, params: ModelParams) -> tuple[int, int]:
    """Add one link to ``graph`` as :func:`graph_from_network` does, and give the graph a new version.

    Parameters
    ----------
    graph
        A corridor graph; both end hubs must be in it.
    link_record
        A link record (mapping or frame row) with ``id``, ``mode``,
        ``from_hub``, ``to_hub``, ``length_km``, ``speed_kmh``, ``status``,
        ``geometry`` and optional ``name``, ``line``, ``operating_speed_kmh``.
    profile, params
        The graph's profile and model parameters.

    Returns
    -------
    tuple of int
        The terminal nodes of the link's mode at its two hubs, created with
        their board and alight edges where the hub had none.
    """
    nodes = _add_link(graph, link_record["id"], link_record, _Rates(params, profile))
    graph.graph["version"] = next(_version_counter)
    return nodes


@dataclass(frozen=True)
class _ModeRates:
    """The parameters of one mode a link edge needs, as :class:`ModelParams` gives them."""

    cost_per_km: float
    co2_per_km: float
    co2_per_lift: float
    stop_dwell_h: float  # :func:`arrival_dwell_h` at a hub where the fastest services call

    def co2(self, km: float = 0.0, lifts: int = 0) -> float:
        """:func:`edge_co2_kg` of this mode, the same sum of the same numbers."""
        return km * self.co2_per_km + lifts * self.co2_per_lift


class _Rates:
    """The parameters a graph build asks of every link, looked up once per mode and speed.

    Asking :meth:`ModelParams.value` for each link and direction took a third
    of building a graph of 10^5 links; these are the same numbers (looked up
    by the same calls, once), so every edge is the same.

    Parameters
    ----------
    params
        The model parameters.
    profile
        ``"freight"`` or ``"passenger"``.
    """

    def __init__(self, params: ModelParams, profile: str) -> None:
        self.params, self.profile = params, profile
        self.value_of_time = params.value(profile, "value_of_time")
        self.border_h = params.value(profile, "border_h")
        self._modes: dict[str, _ModeRates] = {}
        self._speeds: dict[tuple[str, float], float] = {}

    def mode(self, mode: str) -> _ModeRates:
        """The rates of ``mode`` (looked up on first use).

        Parameters
        ----------
        mode
            A mode of ``MODES``.

        Returns
        -------
        _ModeRates
            Cost and CO2 per km, CO2 per lift and the dwell at a stop.
        """
        rates = self._modes.get(mode)
        if rates is None:
            params, profile = self.params, self.profile
            rates = self._modes[mode] = _ModeRates(
                cost_per_km=params.value(profile, "cost_per_km", mode),
                co2_per_km=params.co2_kg_per_km(profile, mode),
                co2_per_lift=params.co2_kg_per_lift(profile, mode),
                stop_dwell_h=arrival_dwell_h({}, mode, profile, params),
            )
        return rates

    def speed_kmh(self, mode: str, link_speed_kmh: float) -> float:
        """:meth:`ModelParams.speed_kmh` of the profile, remembered by mode and link speed.

        Parameters
        ----------
        mode
            The link's mode.
        link_speed_kmh
            The link's own speed, km/h.

        Returns
        -------
        float
            km/h.
        """
        key = (mode, link_speed_kmh)
        speed = self._speeds.get(key)
        if speed is None:
            speed = self._speeds[key] = self.params.speed_kmh(self.profile, mode, link_speed_kmh)
        return speed


#: Fields that make a link's time more than its length at its speed (:func:`link_time_h`).
_TIMED_FIELDS = (*schema.HISTORIES, "fastest_stops")


def _link_hours(link: Mapping[str, Any], rates: _Rates, year: int | None, cross_border: bool) -> float:
    """:func:`link_time_h` of a link without its stop, computed directly where the link has no dated figures.

    A link with none of :data:`_TIMED_FIELDS` (every link of an imported
    network) takes its length at the profile's speed, plus the border time
    where a land link crosses a border: the same numbers :func:`link_time_h`
    adds (its other terms are zero), without its look-ups.
    """
    if any(map(link.get, _TIMED_FIELDS)):  # an empty or zero figure adds nothing there either
        return link_time_h(link, rates.profile, rates.params, year=year, cross_border=cross_border, stop=False)
    mode = link["mode"]
    running = float(link["length_km"]) / rates.speed_kmh(mode, _own_speed_kmh(link))
    return running + (rates.border_h if cross_border and mode in LAND_MODES else 0.0)


def _add_link(
    graph: nx.MultiDiGraph, link_id: str, link: Mapping[str, Any], rates: _Rates, junctions: Mapping[str, tuple] | None = None
) -> tuple[int, int]:
    """Add a link's edges (both ways unless ``oneway``), with its terminals where missing; its two terminal nodes."""
    mode, profile, params = link["mode"], rates.profile, rates.params
    line = link.get("line") or None
    u = _ensure_terminal(graph, link["from_hub"], mode, profile, params, junctions, line, towards=link["to_hub"])
    v = _ensure_terminal(graph, link["to_hub"], mode, profile, params, junctions, line, towards=link["from_hub"])
    cross_border = _crosses_border(graph, link)
    hours = _link_hours(link, rates, graph.graph.get("year"), cross_border)
    km = float(link["length_km"])
    attributes = {
        "edge_type": LINK,
        "link_id": link_id,
        "name": link.get("name") or link_id,
        "line": link.get("line") or link.get("name") or link_id,
        "mode": mode,
        "status": link["status"],
        "cross_border": cross_border,
        "length": km * 1000.0,
    }
    directions = [(u, v, False)]
    if link.get("oneway") is not True:
        directions.append((v, u, True))
    shapes = _link_shapes(graph, link["geometry"])
    nodes = graph.nodes
    mode_rates = rates.mode(mode)
    co2 = mode_rates.co2(km=km)
    # OpenStreetMap does not say where trains stop: no dwell on a link that touches a junction.
    at_junction = nodes[u]["node_type"] == JUNCTION or nodes[v]["node_type"] == JUNCTION
    for a, b, reverse in directions:
        dwell = 0.0 if at_junction else _stop_dwell_h(graph, nodes[b]["hub"], mode_rates)
        total = hours + dwell
        cost = total * rates.value_of_time + km * mode_rates.cost_per_km
        graph.add_edge(a, b, key=link_id, **shapes(reverse), reversed=reverse, travel_time=total * 3600.0, cost=cost, co2=co2, **attributes)
    return u, v


def _stop_dwell_h(graph: nx.MultiDiGraph, hub: str, rates: _ModeRates) -> float:
    """:func:`arrival_dwell_h` at ``hub`` from the mode's looked-up rates."""
    return rates.stop_dwell_h if graph.nodes[hub_node(graph, hub)].get("stop", True) else 0.0


def _link_shapes(graph: nx.MultiDiGraph, geometry: Any) -> Callable[[bool], dict[str, Any]]:
    """The ``geometry`` attribute of a link edge by direction (``reverse``): the link's line or its reverse, or nothing."""
    if not graph.graph.get("geometry", True):
        return lambda reverse: {}
    import shapely

    return lambda reverse: {"geometry": shapely.reverse(geometry) if reverse else geometry}


def _crosses_border(graph: nx.MultiDiGraph, link: Mapping[str, Any]) -> bool:
    """Whether a link joins hubs of two countries (a junction has no country: never)."""
    hub_nodes = graph.graph["hub_nodes"]
    start, end = hub_nodes.get(link["from_hub"]), hub_nodes.get(link["to_hub"])
    if start is None or end is None:
        return False
    return graph.nodes[start]["country"] != graph.nodes[end]["country"]


def link_speed_kmh(link: Mapping[str, Any], year: int | None = None) -> float:
    """A link's operating speed in ``year``: its speed history, else its operating speed, else its design speed.

    Parameters
    ----------
    link
        A link record (``speed_kmh``, optional ``speed_history`` and ``operating_speed_kmh``).
    year
        The network's year; ``None`` takes the latest entry of the speed history.

    Returns
    -------
    float
        km/h.
    """
    dated = schema.value_in(link.get("speed_history"), "speed_kmh", year)
    return _own_speed_kmh(link) if dated is None else dated


def _own_speed_kmh(link: Mapping[str, Any]) -> float:
    """A link's operating speed where given, else its design speed (no speed history), km/h."""
    operating = link.get("operating_speed_kmh")
    return float(operating if _known(operating) else link["speed_kmh"])


def section_time_h(link: Mapping[str, Any], year: int | None = None, speed_factor: float | None = None) -> float | None:
    """The fastest scheduled time over the whole link in ``year``, hours, where one is published.

    The time taken is the latest published in or before ``year``, else the
    earliest published after it (a line's first timetables are rarely
    published; its later ones are). It holds while the line's operating speed
    stays what it was when the time was published. Where the speed in ``year``
    differs (a speed-up after the time, or a slower period before it), the
    time is moved by the running time the speed difference makes at
    ``speed_factor`` (the stops stay as they were); without a
    ``speed_factor`` it no longer holds and ``None`` is returned.

    Parameters
    ----------
    link
        A link record with ``section_times`` (and ``speed_history``,
        ``length_km`` for the speed correction).
    year
        The network's year; ``None`` for the latest figures.
    speed_factor
        The share of the operating speed the fastest trains average (see
        ``model.toml``).

    Returns
    -------
    float or None
        Hours, or ``None`` when the link has no published time (or one that
        needs a speed correction and no ``speed_factor`` was given).
    """
    times = link.get("section_times")
    if not isinstance(times, Sequence) or isinstance(times, str) or not times:
        return None
    dated = sorted(times, key=lambda entry: schema.parse_date(entry["from"]) or 0.0)
    in_force = [entry for entry in dated if year is None or cast(int, schema.date_year(entry["from"])) <= year]
    anchor = in_force[-1] if in_force else dated[0]
    hours = float(anchor["minutes"]) / 60.0
    speed_then, speed_now = _speed_at(link, schema.parse_date(anchor["from"]) or 0.0), link_speed_kmh(link, year)
    if speed_then == speed_now:
        return hours
    if speed_factor is None:
        return None
    km = float(link["length_km"])
    return hours + km / (speed_factor * speed_now) - km / (speed_factor * speed_then)


def _speed_at(link: Mapping[str, Any], when: float) -> float:
    """The operating speed in force at a fractional year (the last ``speed_history`` entry not after it)."""
    dated = sorted((schema.parse_date(h["from"]) or 0.0, float(h["speed_kmh"])) for h in link.get("speed_history") or ())
    before = [speed for start, speed in dated if start <= when]
    return before[-1] if before else link_speed_kmh(link, int(when))


def link_time_h(
    link: Mapping[str, Any],
    profile: str,
    params: ModelParams,
    *,
    year: int | None = None,
    cross_border: bool = False,
    stop: bool = True,
) -> float:
    """Hours to travel one link in ``year``: the service's time between its end hubs.

    Passenger trains take the link's published fastest scheduled time where
    one is given for the year (``section_times``); otherwise its length at
    the operating speed of the year times the mode's speed factor, plus a
    dwell at each intermediate stop the fastest service makes
    (``fastest_stops``). Freight takes the published time of its scheduled
    service in force in the year (``freight_section_times``, clearance
    included); otherwise it moves at the mode's commercial speed (capped at
    the line's speed) and adds the dated ``waits`` (lock queues, border
    clearance; a border link's published clearance replaces the default
    ``border_h``). Freight also waits half the interval between
    ``departures`` for the next one.

    Parameters
    ----------
    link
        A link record with ``mode``, ``length_km``, ``speed_kmh`` and the
        optional fields of :data:`corridor.schema.LINK_FIELDS`.
    profile
        ``"freight"`` or ``"passenger"``.
    params
        The model parameters.
    year
        The network's year (``None``: today).
    cross_border
        Whether the link crosses a national border; land modes (rail,
        expressway) then pay the border time. Sea and river customs are part
        of the port's terminal time.
    stop
        Whether to add the dwell of a stop at the end hub (the graph adds it
        per direction, only where the fastest services call).

    Returns
    -------
    float
        Hours.
    """
    mode = link["mode"]
    published = None
    if profile == "passenger" and params.use_section_times:
        published = section_time_h(link, year, params.value(profile, "speed_factor", mode))
    elif profile == "freight" and params.use_section_times:
        minutes = schema.value_in(link.get("freight_section_times"), "minutes", year)
        published = None if minutes is None else minutes / 60.0
    if published is not None:
        running = published
    else:
        running = float(link["length_km"]) / params.speed_kmh(profile, mode, link_speed_kmh(link, year))
        stops = link.get("fastest_stops")
        if profile == "passenger" and _known(stops):
            running += int(stops) * params.value(profile, "dwell_h", mode)
    scheduled_freight = profile == "freight" and published is not None  # its time includes the clearance
    wait = schema.value_in(link.get("waits"), "hours", year) if profile == "freight" else None
    if profile == "freight":
        departures = schema.value_in(link.get("departures"), "per_week", year)
        if departures:
            running += 0.5 * 168.0 / departures
        running += 0.0 if scheduled_freight else wait or 0.0
    dwell = params.value(profile, "dwell_h", mode) if stop else 0.0
    # A published clearance time for the year (``waits``) replaces the default border time.
    border = params.value(profile, "border_h") if cross_border and mode in LAND_MODES and wait is None and not scheduled_freight else 0.0
    return running + dwell + border


def _add_urban_edges(graph: nx.MultiDiGraph, profile: str, params: ModelParams) -> None:
    """Join each city centre to the city's other hubs, both ways."""
    hours = params.value(profile, "urban_h")
    cost = hours * params.value(profile, "value_of_time")
    hub_nodes = graph.graph["hub_nodes"]
    joined = [(hub_nodes[graph.nodes[node]["city"]], node) for node in hub_nodes.values() if hub_nodes.get(graph.nodes[node]["city"], node) != node]
    ends = [((graph.nodes[city]["x"], graph.nodes[city]["y"]), (graph.nodes[node]["x"], graph.nodes[node]["y"])) for city, node in joined]
    for (city, node), (a, b), metres in zip(joined, ends, geodesic_metres(ends), strict=True):
        for u, v, line in ((city, node, [a, b]), (node, city, [b, a])):
            co2 = edge_co2_kg(params, profile, URBAN_CO2_MODE, km=metres / 1000.0)
            graph.add_edge(u, v, edge_type="urban", mode="urban", length=metres, travel_time=hours * 3600.0, cost=cost, co2=co2, **_line(graph, line))


#: File in :func:`corridor.settings.cache_dir` of the geodesic lengths measured so far, by their end points.
GEODESICS_FILE = "geodesics.json"


def geodesic_metres(pairs: Sequence[tuple[tuple[float, float], tuple[float, float]]]) -> list[float]:
    """Geodesic length on the WGS84 ellipsoid of each pair of ``(lon, lat)`` points, metres.

    pyproj measures a pair the first time it is asked for; the length is kept
    in ``GEODESICS_FILE`` in the cache folder (keyed by the points exactly), so
    a graph whose urban edges were measured before, as the built-in network's
    are after its first build, is built without loading pyproj (0.05 s of a
    command's start). A cache that cannot be read or written is measured again.

    Parameters
    ----------
    pairs
        ``((lon, lat), (lon, lat))`` in degrees.

    Returns
    -------
    list of float
        Metres, as ``pyproj.Geod(ellps="WGS84").inv`` gives them.
    """
    path = cache_dir() / GEODESICS_FILE
    known = _read_geodesics(path)
    keys = [repr(pair) for pair in pairs]  # the repr of floats reads back as the same floats: an exact key
    missing = {key: pair for key, pair in zip(keys, pairs, strict=True) if key not in known}
    if missing:
        known.update({key: _geod().inv(a[0], a[1], b[0], b[1])[2] for key, (a, b) in missing.items()})
        _write_geodesics(path, known)
    return [known[key] for key in keys]


def _read_geodesics(path: Path) -> dict[str, float]:
    """The cached lengths (none when the file is missing or not a JSON object of numbers)."""
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) and all(isinstance(v, float) for v in known.values()) else {}


def _write_geodesics(path: Path, known: dict[str, float]) -> None:
    """Keep the lengths for the next build; a folder that cannot be written only means measuring again."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps(known))


@functools.cache
def _geod() -> Geod:
    """The WGS84 ellipsoid's geodesics (pyproj loads on first use)."""
    from pyproj import Geod

    return Geod(ellps="WGS84")


# -- CO2 (issue 14): an edge attribute computed like ``cost``, changing nothing else --

#: Mode whose emission factor applies to urban edges (drayage by truck, passengers by road).
URBAN_CO2_MODE = "expressway"


def edge_co2_kg(params: ModelParams, profile: str, mode: str, *, km: float = 0.0, lifts: int = 0) -> float:
    """Emissions of one TEU (freight) or passenger over ``km`` on ``mode`` plus ``lifts`` lifts, kg CO2e.

    Parameters
    ----------
    params
        Model parameters; ``co2_g_per_km`` and ``co2_g_per_lift`` by mode.
    profile
        ``"freight"`` or ``"passenger"``.
    mode
        The mode of the edge.
    km
        Distance moved.
    lifts
        Lifts on or off the mode at a terminal (1 for a board or alight edge).

    Returns
    -------
    float
        kg CO2e.
    """
    return km * params.co2_kg_per_km(profile, mode) + lifts * params.co2_kg_per_lift(profile, mode)
