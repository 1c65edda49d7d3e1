"""Candidate new links, each evaluated exactly, ranked by demand-weighted time (or generalised-cost) saving.

:func:`generate_candidates` proposes a link of one mode between every two
hubs that have none and lie within reach; :func:`read_candidates` reads
them from a file instead. :func:`rank_candidates` evaluates every
candidate on a routing graph and ranks them by the demand-weighted total
time saving (flows from :func:`corridor.demand.demand_matrix`) and by the
saving per kilometre built.

Evaluation is incremental, not a fresh shortest-path run per candidate.
With ``d`` the travel times of the graph as it is, a candidate joining
nodes ``u`` and ``v`` with time ``w`` (both directions) changes the time
between two city hubs ``s`` and ``t`` to::

    d'(s, t) = min(d(s, t), d(s, u) + w + d(v, t), d(s, v) + w + d(u, t))

A shortest path never uses the new link twice, so this is exact. Two
Dijkstra runs over the graph (from every city hub, and to every city hub on
the reversed graph) give every ``d`` the formula needs; per candidate only
the block of rows ``s`` with ``d(s, u) + w < d(s, v)`` and columns ``t``
with ``w + d(v, t) < d(u, t)`` can gain (and the mirror block for ``v`` to
``u``), so the update touches those cells alone. Where a hub has no
terminal of the candidate's mode yet, the candidate creates one as
:func:`corridor.graph.add_link_edges` would: reaching it costs the hub's
node plus the mode's terminal time (``terminal_h``), leaving it the reverse.

Ranking by generalised cost (``by="cost"``) runs the same update on the
``cost`` of the edges: the candidate costs its hours x ``value_of_time`` +
km x ``cost_per_km`` of its mode, and a new terminal costs what its board
and alight edges would (``terminal_h`` x ``value_of_time`` +
``terminal_cost``), so freight sees what rail-sea links save in money and
time together.

Candidate length and speed
--------------------------
Length is the great-circle distance times :data:`DETOUR_FACTOR` of the mode
(lines bend around terrain and towns); speed is :data:`DEFAULT_SPEED_KMH`.
The travel time is :func:`corridor.graph.link_time_h` with the graph's
model parameters (a scenario's, when evaluated on one), so a candidate is
timed exactly as a link of the network would be.
"""

from __future__ import annotations

import csv
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString

from corridor._errors import CorridorError, ScenarioError
from corridor.graph import LINK, add_link_edges, city_of, hub_node, link_time_h
from corridor.network import Network
from corridor.params import ModelParams
from corridor.routing import WEIGHTS, sparse_matrix
from corridor.scenario import geodesic_km
from corridor.settings import MODES

#: Built length of a candidate over its great-circle length, by mode. Assumptions:
#: Chinese HSR sections run about 15-25 % longer than the straight line between
#: their end stations (e.g. Zhengzhou-Wanzhou 818 km for about 660 km), conventional
#: lines and expressways follow valleys more closely, rivers meander.
DETOUR_FACTOR: dict[str, float] = {"hsr": 1.2, "rail": 1.3, "expressway": 1.25, "waterway": 1.4, "sea": 1.15}

#: Design speed of a candidate link, km/h, by mode (new HSR 350, new conventional
#: passenger-freight line 160, expressway 120, inland waterway 12, sea 30).
DEFAULT_SPEED_KMH: dict[str, float] = {"hsr": 350.0, "rail": 160.0, "expressway": 120.0, "waterway": 12.0, "sea": 30.0}

#: Kinds of hub a candidate of each mode may join. A ``city`` hub counts only
#: when no hub of its city has a kind of the list (its stations stand for it).
CANDIDATE_KINDS: dict[str, tuple[str, ...]] = {
    "hsr": ("rail_station", "city"),
    "rail": ("rail_station", "freight_yard", "dry_port", "sea_port", "river_port", "border_crossing", "city"),
    "expressway": ("city", "dry_port", "sea_port", "river_port", "border_crossing", "freight_yard"),
    "waterway": ("river_port", "sea_port"),
    "sea": ("sea_port",),
}

#: Profiles that may use a mode (the graph's profile must be one of them).
_PROFILES_OF_MODE = {"hsr": ("passenger",), "waterway": ("freight",), "sea": ("freight",)}


@dataclass
class Candidate:
    """A proposed link between two hubs.

    Attributes
    ----------
    id
        The candidate's id (``<from_hub>-<to_hub>-<mode>`` unless given).
    from_hub, to_hub
        Hub ids of its ends.
    mode
        Its mode (one of ``corridor.settings.MODES``).
    length_km
        Its length, km.
    speed_kmh
        Its design speed, km/h.
    name
        A name for tables and maps (empty: the id).
    """

    id: str
    from_hub: str
    to_hub: str
    mode: str
    length_km: float
    speed_kmh: float
    name: str = ""

    def record(self, graph: nx.MultiDiGraph) -> dict[str, Any]:
        """The candidate as a link record (the fields of ``links.geojson``), with a straight geometry.

        Parameters
        ----------
        graph
            A corridor graph holding both end hubs (their ``x``, ``y`` give the geometry).

        Returns
        -------
        dict
            An open link record; it carries freight unless it is ``hsr`` and
            passengers if it is ``hsr``, ``rail`` or ``expressway``.
        """
        ends = [graph.nodes[hub_node(graph, hub)] for hub in (self.from_hub, self.to_hub)]
        return {
            "id": self.id,
            "name": self.name or self.id,
            "line": self.name or self.id,
            "mode": self.mode,
            "from_hub": self.from_hub,
            "to_hub": self.to_hub,
            "length_km": self.length_km,
            "speed_kmh": self.speed_kmh,
            "operating_speed_kmh": None,
            "status": "open",
            "stops": 0,
            "freight": self.mode != "hsr",
            "passenger": self.mode in ("hsr", "rail", "expressway"),
            "geometry": LineString([(end["x"], end["y"]) for end in ends]),
        }


def generate_candidates(
    graph: nx.MultiDiGraph,
    *,
    mode: str = "hsr",
    max_km: float = 400.0,
    network: Network | None = None,
) -> list[Candidate]:
    """A candidate link of ``mode`` between every two cities (or stand-alone hubs) without one.

    Parameters
    ----------
    graph
        The routing graph the candidates will be evaluated on.
    mode
        Mode of the candidates.
    max_km
        Longest candidate, in built km (great-circle km x the detour factor).
    network
        When given, cities joined by a link of ``mode`` in any status (open,
        under construction, planned) get no candidate; otherwise only the
        links of the graph count.

    Returns
    -------
    list of Candidate
        Shortest first; ids are ``"{from_hub}-{to_hub}-{mode}"``. Two cities
        get one candidate, between their nearest eligible hubs (not one per
        pair of stations).
    """
    _check_mode(mode)
    eligible = _eligible_hubs(graph, mode)
    city = {hub: city_of(graph, hub) for hub in eligible}
    linked = {frozenset(city_of(graph, hub) for hub in pair) for pair in _linked_pairs(graph, mode, network)}
    by_mode = _city_km_by_mode(graph, mode)
    best: dict[frozenset[str], Candidate] = {}
    for i, a in enumerate(eligible):
        node_a = graph.nodes[hub_node(graph, a)]
        for b in eligible[i + 1 :]:
            cities = frozenset((city[a], city[b]))
            if len(cities) == 1 or cities in linked:
                continue
            node_b = graph.nodes[hub_node(graph, b)]
            km = geodesic_km([(node_a["x"], node_a["y"]), (node_b["x"], node_b["y"])]) * DETOUR_FACTOR[mode]
            if by_mode.get(city[a], {}).get(city[b], float("inf")) <= EXISTING_ROUTE_FACTOR * km:
                continue  # the mode already joins the two cities almost as directly
            if km <= max_km and (cities not in best or km < best[cities].length_km):
                best[cities] = Candidate(f"{a}-{b}-{mode}", a, b, mode, round(km, 1), DEFAULT_SPEED_KMH[mode])
    return sorted(best.values(), key=lambda c: (c.length_km, c.id))


#: A candidate is not proposed where the mode already joins its two cities within this
#: factor of the candidate's length (a new line would add little; build it with a scenario).
EXISTING_ROUTE_FACTOR = 1.2


def _city_km_by_mode(graph: nx.MultiDiGraph, mode: str) -> dict[str, dict[str, float]]:
    """Shortest km between cities over the graph's links of ``mode`` (a city's stations count as one place)."""
    cities: nx.Graph = nx.Graph()
    for u, v, data in graph.edges(data=True):
        if data.get("edge_type", LINK) != LINK or data.get("mode") != mode:
            continue
        a, b = (graph.nodes[n].get("hub") for n in (u, v))
        if a is None or b is None:
            continue  # a junction of an imported network
        a, b = city_of(graph, a), city_of(graph, b)
        if a == b:
            continue
        km = data["length"] / 1000.0
        if not cities.has_edge(a, b) or km < cities[a][b]["km"]:
            cities.add_edge(a, b, km=km)
    return {source: dict(lengths) for source, lengths in nx.all_pairs_dijkstra_path_length(cities, weight="km")}


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        msg = f"unknown mode {mode!r}; use one of {', '.join(MODES)}"
        raise CorridorError(msg)


def _eligible_hubs(graph: nx.MultiDiGraph, mode: str) -> list[str]:
    kinds = CANDIDATE_KINDS[mode]
    hubs = graph.graph["hub_nodes"]
    kind = {hub: graph.nodes[node].get("kind", "city") for hub, node in hubs.items()}
    served_cities = {graph.nodes[node].get("city", hub) for hub, node in hubs.items() if kind[hub] != "city" and kind[hub] in kinds}
    return [hub for hub in hubs if kind[hub] in kinds and not (kind[hub] == "city" and hub in served_cities)]


def _linked_pairs(graph: nx.MultiDiGraph, mode: str, network: Network | None) -> set[frozenset[str]]:
    pairs = {
        frozenset((graph.nodes[u]["hub"], graph.nodes[v]["hub"]))
        for u, v, data in graph.edges(data=True)
        if data.get("edge_type", LINK) == LINK and data.get("mode") == mode
    }
    if network is not None:
        links = network.links[network.links["mode"] == mode]
        pairs |= {frozenset(ends) for ends in zip(links["from_hub"], links["to_hub"], strict=True)}
    return pairs


def read_candidates(path: str | Path, graph: nx.MultiDiGraph, *, mode: str = "hsr") -> list[Candidate]:
    """Read candidates from a TOML file (``[[candidates]]`` tables) or a CSV file.

    Each candidate has ``from_hub`` and ``to_hub`` (hub ids of the graph) and
    optionally ``id``, ``mode`` (default ``mode``), ``length_km`` (default:
    great-circle x detour factor), ``speed_kmh`` (default by mode) and
    ``name``. A CSV file has these as header columns.

    Parameters
    ----------
    path
        A ``.toml`` file, or a CSV file.
    graph
        The graph the candidates join: their hubs must be in it.
    mode
        Mode of the candidates that give none.

    Returns
    -------
    list of Candidate
        In the file's order.

    Raises
    ------
    ScenarioError
        One line naming the file, the entry (``candidates[3]`` or CSV row)
        and the field.
    """
    path = Path(path)
    rows = _candidate_rows(path)
    hubs = graph.graph["hub_nodes"]
    found = []
    for where, row in rows:
        for name in ("from_hub", "to_hub"):
            value = row.get(name)
            if not value:
                msg = f"{where} field '{name}': missing; give a hub id"
                raise ScenarioError(msg)
            if value not in hubs:
                msg = f"{where} field '{name}': unknown hub {value!r} (not in the network, or not open in its year)"
                raise ScenarioError(msg)
        if row["from_hub"] == row["to_hub"]:
            msg = f"{where} field 'to_hub': a link cannot join hub '{row['from_hub']}' to itself"
            raise ScenarioError(msg)
        link_mode = row.get("mode") or mode
        if link_mode not in MODES:
            msg = f"{where} field 'mode': unknown mode {link_mode!r}; use one of {', '.join(MODES)}"
            raise ScenarioError(msg)
        numbers = {name: _positive(where, name, row.get(name)) for name in ("length_km", "speed_kmh")}
        length_km = numbers["length_km"]
        if length_km is None:
            ends = [graph.nodes[hubs[row[n]]] for n in ("from_hub", "to_hub")]
            length_km = round(geodesic_km([(e["x"], e["y"]) for e in ends]) * DETOUR_FACTOR[link_mode], 1)
        candidate_id = row.get("id") or f"{row['from_hub']}-{row['to_hub']}-{link_mode}"
        speed = numbers["speed_kmh"] or DEFAULT_SPEED_KMH[link_mode]
        found.append(Candidate(candidate_id, row["from_hub"], row["to_hub"], link_mode, length_km, speed, row.get("name", "")))
    return found


def _candidate_rows(path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        if path.suffix.lower() == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as f:
                reader = csv.DictReader(f)
                return [(f"{path}: row {n}", {k.strip(): (v or "").strip() for k, v in row.items() if k}) for n, row in enumerate(reader, start=2)]
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        msg = f"{path}: no such candidates file"
        raise ScenarioError(msg) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"{path}: cannot read candidates ({exc}); give a TOML file of [[candidates]] or a CSV file"
        raise ScenarioError(msg) from None
    items = data.get("candidates")
    if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
        msg = f"{path}: field 'candidates': expected [[candidates]] tables with from_hub and to_hub"
        raise ScenarioError(msg)
    return [(f"{path}: candidates[{n}]", dict(item)) for n, item in enumerate(items, start=1)]


def _positive(where: str, name: str, value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        msg = f"{where} field '{name}': {value!r} is not a positive number"
        raise ScenarioError(msg)
    return number


class IncrementalSkim:
    """Travel times (or another edge weight) between zone nodes of a graph, and their exact update for one added link.

    Parameters
    ----------
    graph
        A corridor graph (or any graph with ``weight`` on its edges).
    zones
        Nodes between which time is counted (city hub nodes).
    demand
        Flows between the zones (``len(zones)`` square), weights of the total.
    weight
        Edge attribute minimised and summed: ``travel_time`` (seconds, the
        default) or ``cost`` (generalised cost); the "seconds" of the
        methods are then in its unit.

    Attributes
    ----------
    times
        Seconds (units of ``weight``) between zones, ``inf`` where unreachable.
    """

    def __init__(self, graph: nx.MultiDiGraph, zones: Sequence[int], demand: np.ndarray, *, weight: str = "travel_time") -> None:
        matrix, index = sparse_matrix(graph, weight)
        self._index = index
        rows = np.fromiter((index[z] for z in zones), dtype=np.int64, count=len(zones))
        self._from_zones = dijkstra(matrix, directed=True, indices=rows)  # d(zone, node)
        self._to_zones = dijkstra(matrix.T.tocsr(), directed=True, indices=rows)  # d(node, zone)
        self.times = self._from_zones[:, rows]
        self.demand = np.asarray(demand, dtype=float)
        self._finite = np.isfinite(self.times)

    def endpoint(self, node: int, *, enter_s: float = 0.0, leave_s: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Times from every zone to an endpoint and from it to every zone.

        ``enter_s`` and ``leave_s`` are added on the way in and out: a
        terminal the candidate would create at ``node`` (a hub) is its
        boarding and alighting time away from the hub.

        Parameters
        ----------
        node
            A node of the graph.
        enter_s, leave_s
            Seconds (units of ``weight``) added on the way in and on the way out.

        Returns
        -------
        tuple of numpy.ndarray
            Times from each zone to ``node``, and from ``node`` to each zone.
        """
        column = self._index[node]
        return self._from_zones[:, column] + enter_s, self._to_zones[:, column] + leave_s

    def saving(self, a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], seconds: float) -> tuple[float, int, float]:
        """Demand-weighted saving (seconds x flow) of a link ``a``-``b`` of ``seconds`` both ways.

        Parameters
        ----------
        a, b
            The :meth:`endpoint` times of the link's two ends.
        seconds
            Time (units of ``weight``) along the link, each way.

        Returns
        -------
        tuple
            Saving over zone pairs connected before, number of pairs whose
            time falls, and the flow of pairs connected only by the link.
        """
        total, improved, connected = 0.0, 0, 0.0
        for (to_u, from_u), (to_v, from_v) in ((a, b), (b, a)):
            rows = np.flatnonzero(to_u + seconds < to_v)
            if not rows.size:
                continue
            cols = np.flatnonzero(seconds + from_v < from_u)
            if not cols.size:
                continue
            via = to_u[rows, None] + seconds + from_v[None, cols]
            block = np.ix_(rows, cols)
            old = self.times[block]
            gain = old - via
            better = gain > 0
            finite = self._finite[block]
            flows = self.demand[block]
            total += float((flows * np.where(better & finite, gain, 0.0)).sum())
            improved += int(better.sum())
            connected += float(flows[better & ~finite].sum())
        return total, improved, connected


def rank_candidates(
    graph: nx.MultiDiGraph,
    candidates: Sequence[Candidate],
    *,
    params: ModelParams | None = None,
    demand: pd.DataFrame | None = None,
    progress: Callable[[int, int], None] | None = None,
    by: str = "time",
) -> pd.DataFrame:
    """Evaluate every candidate exactly and rank them by demand-weighted saving of time or cost.

    Parameters
    ----------
    graph
        The routing graph (a profile, year and, for a scenario, its network
        and parameters).
    candidates
        From :func:`generate_candidates` or :func:`read_candidates`.
    params
        The model parameters the graph was built with (default:
        ``corridor/model.toml``): candidate times and new terminals use them.
    demand
        Flows between city hubs (default: :func:`corridor.demand.demand_matrix`
        of the graph).
    progress
        Called as ``progress(done, total)`` after each candidate (the CLI
        draws a bar with it; the library itself never prints).
    by
        ``"time"`` (routes and savings in hours, the default) or ``"cost"``
        (routes minimise generalised cost; savings in cost units).

    Returns
    -------
    pandas.DataFrame
        One row per candidate, best first: ``rank``, ``id``, ``from_hub``,
        ``to_hub``, ``mode``, ``length_km``, ``speed_kmh``, ``time_h``,
        ``cost`` (the link's generalised cost), ``by``, ``saving``
        (demand-weighted saving of ``by``: flow x hours or flow x cost, a
        gravity index unless a demand table gives real flows), ``saving_h``
        (the same in hours with ``by="time"``; ``None`` with ``"cost"``),
        ``saving_per_km`` (``saving`` per km), ``pairs_improved``,
        ``newly_connected_flow``.

    Raises
    ------
    CorridorError
        For ``by`` other than ``"time"`` or ``"cost"``, or a candidate whose mode
        does not carry the graph's profile.
    """
    if by not in ("time", "cost"):
        msg = f"unknown candidate criterion {by!r}; use time or cost"
        raise CorridorError(msg)
    params = params or ModelParams()
    profile = graph.graph.get("profile", "freight")
    for candidate in candidates:
        allowed = _PROFILES_OF_MODE.get(candidate.mode)
        if allowed and profile not in allowed:
            msg = f"candidate '{candidate.id}': mode {candidate.mode} does not carry {profile}; use the {allowed[0]} profile"
            raise CorridorError(msg)
    if demand is None:
        from corridor.demand import demand_matrix

        demand = demand_matrix(graph)
    zones = [hub_node(graph, hub) for hub in demand.index]
    skim = IncrementalSkim(graph, zones, demand.to_numpy(dtype=float), weight=WEIGHTS[by])
    value_of_time = params.value(profile, "value_of_time")
    scale = 3600.0 if by == "time" else 1.0
    rows = []
    for done, candidate in enumerate(candidates):
        if progress:
            progress(done, len(candidates))
        hours = candidate_hours(graph, candidate, params)
        seconds = hours * 3600.0
        cost = hours * value_of_time + candidate.length_km * params.value(profile, "cost_per_km", candidate.mode)
        a = _endpoint(skim, graph, candidate.from_hub, candidate.mode, profile, params, by=by)
        b = _endpoint(skim, graph, candidate.to_hub, candidate.mode, profile, params, by=by)
        saving, improved, connected = skim.saving(a, b, _positive_seconds(seconds if by == "time" else cost))
        saving /= scale
        rows.append(
            {
                "id": candidate.id,
                "from_hub": candidate.from_hub,
                "to_hub": candidate.to_hub,
                "mode": candidate.mode,
                "length_km": candidate.length_km,
                "speed_kmh": candidate.speed_kmh,
                "time_h": round(seconds / 3600.0, 3),
                "cost": round(cost, 1),
                "by": by,
                "saving": saving,
                "saving_h": saving if by == "time" else None,
                "saving_per_km": saving / candidate.length_km,
                "pairs_improved": improved,
                "newly_connected_flow": connected,
            }
        )
    if progress:
        progress(len(candidates), len(candidates))
    return rank_savings(pd.DataFrame(rows))


#: Columns of :func:`rank_candidates`.
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "rank", "id", "from_hub", "to_hub", "mode", "length_km", "speed_kmh", "time_h", "cost", "by", "saving", "saving_h",
    "saving_per_km", "pairs_improved", "newly_connected_flow",
)  # fmt: skip


def rank_savings(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`rank_candidates` (any order, with or without ``rank``) ranked by saving, then newly connected flow, then id.

    Parameters
    ----------
    frame
        Rows with the columns of :data:`CANDIDATE_COLUMNS` (``rank`` optional).

    Returns
    -------
    pandas.DataFrame
        The rows best first, ``rank`` from 1, columns :data:`CANDIDATE_COLUMNS`.
    """
    if frame.empty:
        return pd.DataFrame(columns=list(CANDIDATE_COLUMNS))
    frame = frame.drop(columns="rank", errors="ignore")
    frame = frame.sort_values(["saving", "newly_connected_flow", "id"], ascending=[False, False, True], kind="stable")
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame.reset_index(drop=True)[list(CANDIDATE_COLUMNS)]


def candidate_hours(graph: nx.MultiDiGraph, candidate: Candidate, params: ModelParams) -> float:
    """Hours along a candidate link, as :func:`corridor.graph.link_time_h` times a network link.

    Parameters
    ----------
    graph
        A corridor graph holding both end hubs (its ``profile`` is used).
    candidate
        The link.
    params
        Model parameters.

    Returns
    -------
    float
        Hours, border time included where the hubs' countries differ.
    """
    countries = {graph.nodes[hub_node(graph, hub)].get("country", "") for hub in (candidate.from_hub, candidate.to_hub)}
    profile = graph.graph.get("profile", "freight")
    return link_time_h(candidate.record(graph), profile, params, cross_border=len(countries) > 1)


def _endpoint(
    skim: IncrementalSkim, graph: nx.MultiDiGraph, hub: str, mode: str, profile: str, params: ModelParams, *, by: str = "time"
):
    terminal = graph.graph.get("terminal_nodes", {}).get((hub, mode))
    if terminal is not None:
        return skim.endpoint(terminal)
    hours = params.value(profile, "terminal_h", mode)
    if by == "time":
        weight = hours * 3600.0
    else:  # the board and alight edges' cost, as corridor.graph builds them
        weight = hours * params.value(profile, "value_of_time") + params.value(profile, "terminal_cost")
    weight = _positive_seconds(weight)
    return skim.endpoint(hub_node(graph, hub), enter_s=weight, leave_s=weight)


def _positive_seconds(seconds: float) -> float:
    """Zero-time edges count as 1e-9 s, as in :func:`corridor.routing.sparse_matrix` (csgraph drops zeros)."""
    return seconds if seconds > 0 else 1e-9


def add_candidate(graph: nx.MultiDiGraph, candidate: Candidate, params: ModelParams) -> nx.MultiDiGraph:
    """A copy of ``graph`` with the candidate added as a network link (for checks and maps).

    Parameters
    ----------
    graph
        A corridor graph holding both end hubs; it is not changed.
    candidate
        The link to add.
    params
        Model parameters.

    Returns
    -------
    networkx.MultiDiGraph
        The copy, with a new ``version`` (see :func:`corridor.graph.add_link_edges`).
    """
    changed = graph.copy()
    changed.graph = {**graph.graph, "terminal_nodes": dict(graph.graph.get("terminal_nodes", {}))}
    add_link_edges(changed, candidate.record(changed), profile=changed.graph.get("profile", "freight"), params=params)
    return changed


def candidates_report(
    frame: pd.DataFrame, *, top: int, total: int, mode: str, max_km: float | None, profile: str, by: str = "time"
) -> dict[str, Any]:
    """The ranking as one JSON-ready object (``corridor candidates --json``).

    Parameters
    ----------
    frame
        A :func:`rank_candidates` table.
    top
        How many candidates to list.
    total
        How many candidates were evaluated.
    mode, max_km, profile, by
        What was asked: the candidates' mode, the longest candidate generated
        (built km, see :func:`generate_candidates`; ``None``: candidates read
        from a file), the graph's profile and the criterion.

    Returns
    -------
    dict
        The inputs, ``evaluated``, the mode's ``detour_factor`` and
        ``default_speed_kmh``, and ``candidates`` (the first ``top`` rows,
        floats rounded to 4 places).
    """
    return {
        "mode": mode,
        "profile": profile,
        "by": by,
        "max_km": max_km,
        "evaluated": total,
        "detour_factor": DETOUR_FACTOR.get(mode),
        "default_speed_kmh": DEFAULT_SPEED_KMH.get(mode),
        "candidates": [
            {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()} for row in frame.head(top).to_dict("records")
        ],
    }
