"""Hub centrality and criticality: which hubs carry the corridor, and which it can least lose.

Measures, by hub (a city with its stations and terminals) or by station:

- ``betweenness``: share of the hub-to-hub fastest routes that pass through,
  on ``travel_time``.
- ``closeness``: harmonic closeness in travel hours.
- ``degree``, ``strength``: links of each mode that reach the hub from
  another hub; strength weighs each link by ``1 / hours`` of travel on it.
- ``demand``: demand-weighted betweenness: annual flows of an OD table
  (:mod:`corridor.demand`) routed on fastest paths and summed per hub and
  per link (:func:`demand_flows`).

:func:`criticality` removes each hub (or link) in turn and reports the rise
in demand-weighted travel time and the OD pairs cut off.

Trips, endpoints and aggregation
--------------------------------
Trips start and end at *city hubs* (hubs whose ``city`` is themselves; see
:func:`corridor.demand.city_hubs`), at the hub node. A city's other hubs
(stations, ports, yards) and every hub's terminals are nodes the trip
passes on its way, so plain node betweenness would credit a city's stations
and terminals with the trips that start or end in the city, and count a
transfer (off the train, across the city, onto the truck) three to five
times where a train running through counts once. So at hub level a route
counts once per *visit* to a hub: each time it enters one of the hub's
nodes from another hub's node (by a link, or by an urban edge between a
station and its city centre), minus its final arrival. In numbers, for a
hub ``h`` with endpoints ``E`` (one per city)::

    through(h) = sum of edge betweenness (sources and targets E) over the edges entering h
                 - number of (s, t) in E, t in h, s not in h, with a route

which equals standard node betweenness (endpoints excluded) on a graph where
every node is a hub, and counts a route that leaves a hub and comes back
twice. By city (default) a hub is a city with all its stations and
terminals, so moving between two stations of one city is not a visit; with
``by_station=True`` every hub (station, port, city centre) ranks on its
own, and a trip from Chongqing through Chongqing West counts for the
station both ways (into it by rail, out of it by the urban edge), not for
the city centre it starts at. Betweenness is normalised by the number of
ordered endpoint pairs, ``|E| (|E| - 1)``: the share of all city-to-city
fastest routes that pass through.

On an imported OpenStreetMap network, a city also counts the traffic
through the junctions its access links reach (through trains and trucks
pass the city, as they pass a city hub of the built-in network); a yard,
port or station counts only the trips that use it.

Closeness of a hub is that of its node where trips start: the city hub's
node by city (not a sum over stations, which would reward cities for having
many stations), every hub's own node by station. It is harmonic, in the
networkx convention (reciprocal hours *from* each other city hub to this
one), divided by ``|E| - 1``, so 0.1 means "a tenth of a hub per hour", or
on average ten hours away.

Demand-weighted flows follow one fastest path per pair (scipy's Dijkstra
predecessor tree): with ties, one path takes all of a pair's demand, where
betweenness splits it. Flows are summed per hub as visits minus arrivals
(as above) and per link over both directions.

Kernels
-------
:func:`betweenness` and :func:`harmonic_closeness` are node-level kernels
that equal networkx's ``betweenness_centrality`` (including sampled sources
with ``k`` and ``seed``) and ``harmonic_centrality`` on the graph with
parallel edges reduced to the least weight; they run on igraph and scipy.

Zero-time edges (a terminal time of 0 in a params file, the ``through``
edges of passenger graphs) are exact: igraph takes positive weights only,
so a graph with any zero-time edge runs on an exact Brandes kernel of its
own (Brandes 2001, with scipy's Dijkstra for the distances). There a
fastest route is a loop-free route of least time; one that differs from
another only by zero-time edges ties with it, as it should, and a loop
through zero-time edges (board and alight at a terminal of time 0, to and
fro) adds no route. Nodes joined both ways by zero-time edges are taken
together and the loop-free routes among them counted one by one; where
more than :data:`MAX_ZERO_TIME_ROUTES` of them would need counting (a
tangle of zero-time edges, where counting is intractable), betweenness
raises :class:`~corridor._errors.CorridorError` rather than guess. Both
kernels count two times as equal when they differ by less than 1e-10 of
their size (igraph's tolerance for rounding in sums). networkx itself is
not exact with zero weights: its ties through a zero-time edge depend on
the order edges were added, and zero-time loops inflate its counts.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping
from typing import NamedTuple

import igraph as ig
import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, dijkstra

from corridor._errors import CorridorError
from corridor.demand import city_hubs, demand_matrix
from corridor.graph import LINK, city_of
from corridor.routing import cached_per_graph, edge_columns, sparse_matrix

#: Measures :func:`hub_ranking` knows, by the name the CLI takes.
MEASURES: tuple[str, ...] = ("betweenness", "closeness", "degree", "strength", "demand")

#: Columns of a ranking (degree and strength add one column per mode).
RANKING_COLUMNS: list[str] = ["rank", "id", "name", "score"]

#: Columns of a criticality table.
CRITICALITY_COLUMNS: list[str] = ["rank", "id", "name", "loss_hours", "extra_hours", "pairs_cut", "demand_cut"]

#: Hours per unit of flow charged for demand a removal leaves with no route at all, so cut
#: pairs and slower pairs rank on one scale (``loss_hours``). One week: the order of a
#: makeshift detour by another corridor. An assumption; rank by ``pairs_cut`` to ignore it.
UNSERVED_PENALTY_H = 168.0

#: Every measure and flow here runs on this edge attribute (seconds).
WEIGHT = "travel_time"

#: Most loop-free routes betweenness counts among nodes joined both ways by zero-time edges
#: (a terminal of time 0 and its hub have 4); beyond it betweenness is refused, not guessed.
MAX_ZERO_TIME_ROUTES = 100_000

#: Relative difference under which two route times tie (igraph's ``IGRAPH_SHORTEST_PATH_EPSILON``).
_TIE = 1e-10

Progress = Callable[[int, int], None]


# -- node-level kernels ----------------------------------------------------------------------------


def betweenness(
    graph: nx.MultiDiGraph,
    *,
    weight: str = WEIGHT,
    k: int | None = None,
    seed: int = 0,
    normalized: bool = True,
) -> dict[Hashable, float]:
    """Node betweenness on ``weight``, as networkx's ``betweenness_centrality``, on igraph.

    With zero-time edges, on the exact kernel (see the module's notes).

    Parameters
    ----------
    graph
        Any directed graph; parallel edges count with their least weight.
    weight
        Edge attribute to minimise.
    k
        Sample this many source nodes (``None``: all, exact). The sample is
        ``random.Random(seed).sample(list(graph), k)``, the one networkx draws,
        and values are scaled as networkx scales them, so results equal
        ``networkx.betweenness_centrality(G, k=k, seed=seed, weight=weight)``.
    seed
        Seed of the sample.
    normalized
        Divide by the number of ordered pairs ``(n - 1)(n - 2)``.

    Returns
    -------
    dict
        Betweenness by node.

    Raises
    ------
    CorridorError
        If ``k`` is out of range, or zero-time edges join more nodes both
        ways than their routes can be counted (:data:`MAX_ZERO_TIME_ROUTES`).

    Notes
    -----
    Both kernels (igraph's, and the exact one for zero-time edges) use
    Brandes' algorithm: one shortest-path search per source, then the
    dependencies accumulated back from the farthest node.

    References
    ----------
    .. [1] Brandes, U. (2001), "A faster algorithm for betweenness
       centrality", Journal of Mathematical Sociology 25(2), 163-177.
    """
    nodes = list(graph.nodes)
    n = len(nodes)
    if k is not None and not 0 < k <= n:
        msg = f"k must be between 1 and the number of nodes ({n}), got {k}"
        raise CorridorError(msg)
    sampled = None if k is None or k == n else random.Random(seed).sample(nodes, k)
    kernel = _igraph(graph, weight)
    sources = None if sampled is None else [kernel.node_rows[node] for node in sampled]
    zero_time = _zero_time(graph, weight)
    if zero_time is None:
        values = np.asarray(kernel.graph.betweenness(directed=True, weights=kernel.weights, sources=sources), dtype=float)
    else:
        every = list(range(n))
        values = _exact_betweenness(kernel, zero_time, every if sources is None else sources, every).nodes
    return dict(zip(nodes, _rescale(values, n, normalized=normalized, sources=sources), strict=True))


def _rescale(values: np.ndarray, n: int, *, normalized: bool, sources: list[int] | None) -> np.ndarray:
    """Scale raw directed betweenness as networkx does (endpoints excluded)."""
    pairs = n - 1
    if pairs < 2:
        return values
    if sources is None:
        return values / (pairs * (pairs - 1)) if normalized else values
    k = len(sources)
    if normalized:
        on_source = 1 / ((k - 1) * (pairs - 1)) if k > 1 else np.nan
        off_source = 1 / (k * (pairs - 1))
    else:
        on_source = pairs / (k - 1) if k > 1 else np.nan
        off_source = pairs / k
    scale = np.full(n, off_source)
    scale[sources] = on_source
    return values * scale


def harmonic_closeness(graph: nx.MultiDiGraph, *, weight: str = WEIGHT) -> dict[Hashable, float]:
    """Harmonic closeness of every node, as networkx's ``harmonic_centrality``, on scipy.

    The sum over other nodes ``v`` of ``1 / d(v, node)`` in ``weight`` units
    (unnormalised; distances *to* the node, as networkx counts them). Nodes at
    zero time count nothing, as in networkx.

    Parameters
    ----------
    graph
        Any directed graph; parallel edges count with their least weight.
    weight
        Edge attribute giving the distances.

    Returns
    -------
    dict
        Harmonic closeness by node, in ``1 / weight`` units.
    """
    distances = dijkstra(_exact_matrix(graph, weight), directed=True)
    return dict(zip(graph.nodes, _harmonic(distances).tolist(), strict=True))


def _harmonic(distances: np.ndarray) -> np.ndarray:
    """Column sums of ``1 / d`` over finite, non-zero entries."""
    with np.errstate(divide="ignore"):
        inverse = np.where(np.isfinite(distances) & (distances > 0), 1.0 / distances, 0.0)
    return inverse.sum(axis=0)


class _Kernel(NamedTuple):
    graph: ig.Graph
    weights: list[float]  # igraph's: positive, zero times as 1e-9
    rows: np.ndarray
    cols: np.ndarray
    node_rows: dict[int, int]  # row of each node (not ``index``: that would hide tuple.index)
    times: np.ndarray  # least weight of each entry, zero times kept


def _igraph(graph: nx.MultiDiGraph, weight: str) -> _Kernel:
    """The graph as igraph, with the edges of the cached CSR matrix (least parallel weight), per version."""

    def build() -> _Kernel:
        matrix, index = sparse_matrix(graph, weight)
        coo = matrix.tocoo()
        rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
        kernel = ig.Graph(n=matrix.shape[0], edges=np.column_stack([rows, cols]).tolist(), directed=True)
        return _Kernel(kernel, coo.data.astype(float).tolist(), rows, cols, index, _entry_times(graph, weight, rows, cols))

    return cached_per_graph(graph, ("igraph", weight), build)


def _entry_times(graph: nx.MultiDiGraph, weight: str, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Least ``weight`` of the edges behind each matrix entry ``rows -> cols``, zeros kept.

    :func:`corridor.routing.sparse_matrix` stores zero as 1e-9 for routing;
    exact measures need the zeros back.
    """
    columns = edge_columns(graph, weight)
    n = len(columns.index)
    keys = rows * n + cols
    order = np.argsort(keys)
    where = order[np.searchsorted(keys, columns.rows * n + columns.cols, sorter=order)]
    least = np.full(len(keys), np.inf)
    np.minimum.at(least, where, columns.values[0])
    return least


def _exact_matrix(graph: nx.MultiDiGraph, weight: str) -> csr_array:
    """The CSR matrix of least weights with zero times as explicit zeros (scipy's Dijkstra keeps them)."""

    def build() -> csr_array:
        kernel = _igraph(graph, weight)
        size = len(kernel.node_rows)
        return csr_array((kernel.times, (kernel.rows, kernel.cols)), shape=(size, size))

    return cached_per_graph(graph, ("exact-csr", weight), build)


# -- the exact kernel, for graphs with zero-time edges ---------------------------------------------


#: A route inside a zero-time loop: its first and last node, the nodes it visits and the matrix entries it takes.
_Route = tuple[int, int, tuple[int, ...], tuple[int, ...]]


class _Loop(NamedTuple):
    """Nodes joined both ways by zero-time edges, and the loop-free routes among them."""

    members: tuple[int, ...]
    routes: list[_Route]


class _ZeroTime(NamedTuple):
    """What the exact kernel needs to know of a graph with zero-time edges (rows of the CSR matrix)."""

    matrix: csr_array  # least weights, zero times kept
    zero: np.ndarray  # which entries take no time (self-loops aside)
    rank: np.ndarray  # per node: among nodes at one time, zero-time edges lead from lower to higher rank
    component: list[int]  # per node: its zero-time component (a loop, or the node alone)
    loops: dict[int, _Loop]  # the components of more than one node
    out_entries: list[list[int]]
    in_entries: list[list[int]]


def _zero_time(graph: nx.MultiDiGraph, weight: str) -> _ZeroTime | None:
    """The graph's zero-time structure, or ``None`` when every edge takes time (cached)."""

    def build() -> _ZeroTime | None:
        kernel = _igraph(graph, weight)
        zero = (kernel.times == 0) & (kernel.rows != kernel.cols)
        if not zero.any():
            return None
        size = len(kernel.node_rows)
        linked = csr_array((np.ones(int(zero.sum())), (kernel.rows[zero], kernel.cols[zero])), shape=(size, size))
        _, component = connected_components(linked, directed=True, connection="strong")
        condensed: nx.DiGraph = nx.DiGraph()
        tails, heads = component[kernel.rows[zero]].tolist(), component[kernel.cols[zero]].tolist()
        condensed.add_edges_from((a, b) for a, b in zip(tails, heads, strict=True) if a != b)
        position = dict(zip(nx.topological_sort(condensed), itertools.count()))
        rank = np.array([position.get(c, -1) for c in component.tolist()], dtype=np.int64) * size + component
        out_entries: list[list[int]] = [[] for _ in range(size)]
        in_entries: list[list[int]] = [[] for _ in range(size)]
        for entry, (u, v) in enumerate(zip(kernel.rows.tolist(), kernel.cols.tolist(), strict=True)):
            out_entries[u].append(entry)
            in_entries[v].append(entry)
        loops = _zero_time_loops(graph, kernel, zero, component)
        return _ZeroTime(_exact_matrix(graph, weight), zero, rank, component.tolist(), loops, out_entries, in_entries)

    return cached_per_graph(graph, ("zero-time", weight), build)


def _zero_time_loops(graph: nx.MultiDiGraph, kernel: _Kernel, zero: np.ndarray, component: np.ndarray) -> dict[int, _Loop]:
    """Every component of more than one node, with all loop-free routes along its zero-time edges."""
    inner = np.flatnonzero(zero & (component[kernel.rows] == component[kernel.cols]))
    steps: dict[int, list[tuple[int, int]]] = {}
    for entry in inner.tolist():
        steps.setdefault(int(kernel.rows[entry]), []).append((entry, int(kernel.cols[entry])))
    members: dict[int, list[int]] = {}
    for node in steps:
        members.setdefault(int(component[node]), []).append(node)
    nodes = list(kernel.node_rows)
    loops = {}
    for label, group in members.items():
        routes = list(itertools.islice(_loop_free_routes(steps, group), MAX_ZERO_TIME_ROUTES + 1))
        if len(routes) > MAX_ZERO_TIME_ROUTES:
            name = graph.nodes[nodes[group[0]]].get("name", nodes[group[0]])
            msg = (
                f"betweenness cannot be exact: {len(group)} nodes around {name!r} are joined both ways by zero-time edges "
                f"with over {MAX_ZERO_TIME_ROUTES:,} loop-free routes among them, too many to count; "
                "give some of these edges a positive travel time"
            )
            raise CorridorError(msg)
        loops[label] = _Loop(tuple(group), routes)
    return loops


def _loop_free_routes(steps: dict[int, list[tuple[int, int]]], group: list[int]) -> Iterator[_Route]:
    """Each route from a node of ``group`` along ``steps`` that visits no node twice (the node alone included)."""
    for start in group:
        pending: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = [(start, (start,), ())]
        while pending:
            node, visited, entries = pending.pop()
            yield start, node, visited, entries
            pending.extend((step, (*visited, step), (*entries, entry)) for entry, step in steps[node] if step not in visited)


class _Betweenness(NamedTuple):
    nodes: np.ndarray  # per node: shortest paths through it (endpoints excluded), each pair summing to 1
    edges: np.ndarray  # per matrix entry: the same for the edge


def _exact_betweenness(kernel: _Kernel, zero_time: _ZeroTime, sources: list[int], targets: list[int]) -> _Betweenness:
    """Node and edge betweenness over pairs ``sources x targets``, exact with zero-time edges.

    Brandes' accumulation in two passes per source, in order of time (and
    along zero-time edges among nodes at one time), with the nodes of each
    zero-time loop taken together: a path reaches the loop at one member,
    follows one of its loop-free routes (each counts) and ends or leaves
    from the route's end.
    """
    tally = _Tally(kernel, zero_time, targets)
    for source in sources:
        tally.add_source(source)
    return _Betweenness(np.array(tally.nodes), np.array(tally.edges))


class _Tally:
    """Betweenness summed over sources, one source at a time (plain lists: the passes loop in Python)."""

    def __init__(self, kernel: _Kernel, zero_time: _ZeroTime, targets: list[int]) -> None:
        self.kernel, self.zt = kernel, zero_time
        self.rows, self.cols = kernel.rows.tolist(), kernel.cols.tolist()
        self.targets = set(targets)
        self.nodes = [0.0] * len(kernel.node_rows)
        self.edges = [0.0] * len(self.rows)
        # the current source's state: fastest entries, paths to each node (sigma), paths reaching each loop's
        # members from outside it, and per path reaching a node from outside its loop, the targets' shares ahead
        self.source = -1
        self.fastest: list[bool] = []
        self.sigma: list[float] = []
        self.arriving: dict[int, dict[int, float]] = {}
        self.share: list[float] = []

    def add_source(self, source: int) -> None:
        """Add the dependencies of the fastest paths from ``source`` to every target but itself."""
        distances = dijkstra(self.zt.matrix, directed=True, indices=source)
        reached = np.flatnonzero(np.isfinite(distances))
        order = reached[np.lexsort((self.zt.rank[reached], distances[reached]))].tolist()
        self.source, self.fastest = source, _fastest_entries(self.kernel, self.zt.zero, distances).tolist()
        self.sigma, self.arriving = [0.0] * len(self.nodes), {}
        for node in order:
            self._count_paths(node)
        self.share = [0.0] * len(self.nodes)
        finished: set[int] = set()
        for node in reversed(order):
            self._accumulate(node, finished)

    def _end(self, node: int) -> float:
        """Share of the pair (source, node) each path to ``node`` carries."""
        return 1.0 / self.sigma[node] if node in self.targets and node != self.source else 0.0

    def _from_outside(self, node: int) -> float:
        """Fastest paths reaching ``node`` from outside its zero-time component (1 at the source)."""
        if node == self.source:
            return 1.0
        own = self.zt.component[node]
        entries = self.zt.in_entries[node]
        return sum(self.sigma[self.rows[e]] for e in entries if self.fastest[e] and self.zt.component[self.rows[e]] != own)

    def _count_paths(self, node: int) -> None:
        label = self.zt.component[node]
        loop = self.zt.loops.get(label)
        if loop is None:
            self.sigma[node] = self._from_outside(node)
        elif label not in self.arriving:
            arriving = self.arriving[label] = {member: self._from_outside(member) for member in loop.members}
            for start, end, _, _ in loop.routes:
                self.sigma[end] += arriving[start]

    def _onward(self, node: int) -> float:
        """Sum of the shares ahead over the fastest entries leaving ``node``'s component; credits those entries."""
        own = self.zt.component[node]
        total = 0.0
        for e in self.zt.out_entries[node]:
            head = self.cols[e]
            if self.fastest[e] and self.zt.component[head] != own:
                self.edges[e] += self.sigma[node] * self.share[head]
                total += self.share[head]
        return total

    def _accumulate(self, node: int, finished: set[int]) -> None:
        label = self.zt.component[node]
        loop = self.zt.loops.get(label)
        if loop is None:
            onward = self._onward(node)
            if node != self.source:
                self.nodes[node] += self.sigma[node] * onward
            self.share[node] = onward + self._end(node)
        elif label not in finished:
            finished.add(label)
            self._accumulate_loop(loop, self.arriving[label])

    def _accumulate_loop(self, loop: _Loop, arriving: dict[int, float]) -> None:
        """Credit a loop's members and inner edges with every route through it, ending or leaving at its end."""
        leaving = {member: self._onward(member) + self._end(member) for member in loop.members}
        entering = dict.fromkeys(loop.members, 0.0)
        for start, end, visited, entries in loop.routes:
            if not arriving[start]:
                continue
            entering[start] += leaving[end]
            carried = arriving[start] * leaving[end]
            for member in visited:
                if member != self.source:
                    self.nodes[member] += carried
            for e in entries:
                self.edges[e] += carried
        for member in loop.members:
            self.nodes[member] -= self.sigma[member] * self._end(member)  # paths that end there do not pass it
            self.share[member] = entering[member]


def _fastest_entries(kernel: _Kernel, zero: np.ndarray, distances: np.ndarray) -> np.ndarray:
    """Which matrix entries lie on a fastest path from the source whose ``distances`` are given.

    A zero-time entry does when its ends are at the same time (exactly); an
    entry that takes time when it leads later and its tail's time plus its
    own is the head's time within the tolerance :data:`_TIE`.
    """
    tail, head = distances[kernel.rows], distances[kernel.cols]
    via = tail + kernel.times
    with np.errstate(invalid="ignore"):
        timed = (tail < head) & (via - head < _TIE * (via + head))
        return np.isfinite(tail) & np.where(zero, tail == head, timed)


# -- hubs, groups and endpoints --------------------------------------------------------------------


class _Hubs(NamedTuple):
    """Nodes grouped into hubs (cities, or single hubs by station) and the trip endpoints."""

    labels: list[str]
    group: np.ndarray  # group code of each node (row of the CSR matrix), -1 for nodes of no hub
    ends: np.ndarray  # rows of the city hub nodes, where trips start and end
    nodes: np.ndarray  # the row standing for each group: its city hub node, or the hub's own node
    own: np.ndarray  # like group, but without the junctions a hub is snapped to (what removing it removes)


def _hubs(graph: nx.MultiDiGraph, by_station: bool) -> _Hubs:
    hub_nodes = graph.graph["hub_nodes"]
    _, index = sparse_matrix(graph, WEIGHT)
    key = {hub: hub if by_station else city_of(graph, hub) for hub in hub_nodes}
    labels = list(dict.fromkeys(key.values()))
    code = {label: i for i, label in enumerate(labels)}
    group = np.full(len(index), -1, dtype=np.int64)
    for node, data in graph.nodes(data=True):
        hub = data.get("hub")
        if hub in key:
            group[index[node]] = code[key[hub]]
    own = group.copy()
    # On an imported network a city meets the lines at the junctions its access links reach:
    # traffic through them passes the city (as a through train or truck passes a city hub of
    # the built-in network), so they count with it, but stay when it is removed. A facility
    # (yard, port, station) counts only the trips that use it.
    for u, v, data in graph.edges(data=True):
        if data.get("edge_type") == "link" and graph.nodes[v].get("node_type") == "junction" and own[index[u]] >= 0:
            if graph.nodes[hub_nodes[graph.nodes[u]["hub"]]].get("kind") == "city":
                group[index[v]] = own[index[u]]
    ends = np.array([index[hub_nodes[hub]] for hub in city_hubs(graph)], dtype=np.int64)
    nodes = np.array([index[hub_nodes[label]] for label in labels], dtype=np.int64)
    return _Hubs(labels, group, ends, nodes, own)


def _names(graph: nx.MultiDiGraph, ids: list[str]) -> list[str]:
    hub_nodes = graph.graph["hub_nodes"]
    return [graph.nodes[hub_nodes[hub]].get("name", hub) if hub in hub_nodes else hub for hub in ids]


def _entries(hubs: _Hubs, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Which edges ``rows -> cols`` enter a hub from another hub's node."""
    into = hubs.group[cols]
    return (into >= 0) & (hubs.group[rows] != into)


# -- hub-level measures ----------------------------------------------------------------------------


def hub_ranking(
    graph: nx.MultiDiGraph,
    *,
    measure: str = "betweenness",
    demand: pd.DataFrame | None = None,
    by_station: bool = False,
    k: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Rank hubs (cities with their stations, or single stations) by a centrality measure.

    Parameters
    ----------
    graph
        A corridor graph (built for a profile, year and mode filter).
    measure
        One of :data:`MEASURES`.
    demand
        OD flows for ``measure="demand"`` (see
        :func:`corridor.demand.demand_matrix`; default: its gravity model).
    by_station
        Rank every hub on its own instead of cities with their stations.
    k
        For betweenness, sample this many origin cities (seeded by ``seed``)
        instead of all; scores are scaled up to estimate the full value.
    seed
        Seed of the sample.

    Returns
    -------
    pandas.DataFrame
        Columns ``rank, id, name, score`` (degree and strength add one column
        per mode), highest score first; equal scores share a rank.

    Raises
    ------
    CorridorError
        For a measure not in :data:`MEASURES`.
    """
    if measure not in MEASURES:
        msg = f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}"
        raise CorridorError(msg)
    hubs = _hubs(graph, by_station)
    extra: dict[str, np.ndarray] = {}
    if measure == "betweenness":
        scores = _hub_betweenness(graph, hubs, k=k, seed=seed)
    elif measure == "closeness":
        scores = _hub_closeness(graph, hubs)
    elif measure in ("degree", "strength"):
        extra = _hub_degrees(graph, hubs, strength=measure == "strength")
        scores = sum(extra.values(), np.zeros(len(hubs.labels)))
    else:
        flows, _ = demand_flows(graph, demand_matrix(graph) if demand is None else demand, by_station=by_station)
        scores = flows.reindex(hubs.labels).to_numpy()
    return _ranked(graph, hubs.labels, scores, extra)


def _ranked(graph: nx.MultiDiGraph, ids: list[str], scores: np.ndarray, extra: dict[str, np.ndarray]) -> pd.DataFrame:
    frame = pd.DataFrame({"id": ids, "name": _names(graph, ids), "score": np.asarray(scores, dtype=float), **extra})
    frame = frame.sort_values(["score", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", frame["score"].rank(method="min", ascending=False).astype(int))
    return frame


def _hub_betweenness(graph: nx.MultiDiGraph, hubs: _Hubs, *, k: int | None, seed: int) -> np.ndarray:
    ends = hubs.ends.tolist()
    n = len(ends)
    if n < 2:
        return np.zeros(len(hubs.labels))
    if k is not None and not 0 < k <= n:
        msg = f"k must be between 1 and the number of city hubs ({n}), got {k}"
        raise CorridorError(msg)
    sources = ends if k is None or k == n else random.Random(seed).sample(ends, k)
    kernel = _igraph(graph, WEIGHT)
    zero_time = _zero_time(graph, WEIGHT)
    if zero_time is None:
        edge_values = np.asarray(
            kernel.graph.edge_betweenness(directed=True, weights=kernel.weights, sources=sources, targets=ends), dtype=float
        )
    else:
        edge_values = _exact_betweenness(kernel, zero_time, sources, ends).edges
    entering = _entries(hubs, kernel.rows, kernel.cols)
    size = len(hubs.labels)
    visits = np.bincount(hubs.group[kernel.cols[entering]], weights=edge_values[entering], minlength=size)
    matrix, _ = sparse_matrix(graph, WEIGHT)
    reached = np.isfinite(dijkstra(matrix, directed=True, indices=sources)[:, hubs.ends])
    reached &= hubs.group[np.array(sources)][:, None] != hubs.group[hubs.ends][None, :]
    arrivals = np.bincount(hubs.group[hubs.ends], weights=reached.sum(axis=0), minlength=size)
    through = np.clip(visits - arrivals, 0.0, None)
    return through * (n / len(sources)) / (n * (n - 1))


def _hub_closeness(graph: nx.MultiDiGraph, hubs: _Hubs) -> np.ndarray:
    if len(hubs.ends) < 2:
        return np.zeros(len(hubs.labels))
    matrix, _ = sparse_matrix(graph, WEIGHT)
    hours = dijkstra(matrix, directed=True, indices=hubs.ends)[:, hubs.nodes] / 3600.0
    return _harmonic(hours) / (len(hubs.ends) - 1)


def _hub_degrees(graph: nx.MultiDiGraph, hubs: _Hubs, *, strength: bool) -> dict[str, np.ndarray]:
    """Links reaching each hub from another hub, by mode (strength: sum of 1 / hours)."""
    _, index = sparse_matrix(graph, WEIGHT)
    seen: set[str] = set()
    by_mode: dict[str, np.ndarray] = {}
    for u, v, data in graph.edges(data=True):
        link = data.get("link_id")
        if data.get("edge_type", LINK) != LINK or link is None or link in seen:
            continue
        seen.add(link)
        ends = {int(hubs.group[index[u]]), int(hubs.group[index[v]])} - {-1}
        if len(ends) < 2:
            continue
        column = by_mode.setdefault(data.get("mode", "link"), np.zeros(len(hubs.labels)))
        hours = data.get(WEIGHT, 0.0) / 3600.0
        for end in ends:
            column[end] += (1.0 / hours if hours > 0 else 0.0) if strength else 1.0
    return dict(sorted(by_mode.items()))


# -- demand-weighted flows -------------------------------------------------------------------------


class _Trees(NamedTuple):
    """Fastest-path trees from the origins of an OD table, with the demand carried on them."""

    origins: np.ndarray  # rows of the origin nodes
    targets: np.ndarray  # rows of the destination nodes (the demand table's columns)
    demand: np.ndarray  # origins x targets, annual flows
    hours: np.ndarray  # origins x targets, travel hours (inf: no route)
    pred: np.ndarray  # origins x nodes, predecessor row (-9999 at the root and where unreached)
    flow: np.ndarray  # origins x nodes, demand passing through the node (its subtree's demand)


def _trees(graph: nx.MultiDiGraph, demand: pd.DataFrame) -> _Trees:
    _, index = sparse_matrix(graph, WEIGHT)
    hub_nodes = graph.graph["hub_nodes"]
    frame = demand.fillna(0.0)
    for hub in [*frame.index, *frame.columns]:
        if hub not in hub_nodes:
            msg = f"demand names hub '{hub}', which is not in the graph; build the demand from this graph"
            raise CorridorError(msg)
    frame = frame.loc[frame.sum(axis=1) > 0]
    origins = np.array([index[hub_nodes[h]] for h in frame.index], dtype=np.int64)
    targets = np.array([index[hub_nodes[h]] for h in frame.columns], dtype=np.int64)
    values = frame.to_numpy(dtype=float)
    matrix, _ = sparse_matrix(graph, WEIGHT)
    if len(origins) == 0:
        empty = np.zeros((0, matrix.shape[0]))
        return _Trees(origins, targets, values, np.zeros((0, len(targets))), empty.astype(np.int64), empty)
    distances, pred = dijkstra(matrix, directed=True, indices=origins, return_predecessors=True)
    hours = distances[:, targets] / 3600.0
    carried = np.zeros_like(distances)
    carried[:, targets] = np.where(np.isfinite(hours), values, 0.0)
    return _Trees(origins, targets, values, hours, pred, _subtree_sums(pred, carried))


def _subtree_sums(pred: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum ``values`` over each node's subtree in every row's predecessor tree, level by level."""
    rows, size = pred.shape
    parent = np.where(pred >= 0, pred + np.arange(rows)[:, None] * size, -1).ravel()
    depth = (parent >= 0).astype(np.int64)
    ancestor = parent.copy()
    while (linked := ancestor >= 0).any():  # pointer jumping: depth in log(depth) rounds
        step = ancestor[linked]
        depth[linked] += depth[step]
        ancestor[linked] = ancestor[step]
    total = values.ravel().copy()
    order = np.argsort(-depth, kind="stable")
    levels = np.flatnonzero(np.diff(depth[order])) + 1
    for level in np.split(order, levels):
        level = level[parent[level] >= 0]
        if len(level):
            np.add.at(total, parent[level], total[level])
    return total.reshape(rows, size)


def demand_flows(
    graph: nx.MultiDiGraph,
    demand: pd.DataFrame,
    *,
    by_station: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """Route an OD table on fastest paths and sum its flows per hub and per link.

    Parameters
    ----------
    graph
        A corridor graph.
    demand
        Square table of annual flows indexed by hub id (origins as rows), as
        :func:`corridor.demand.demand_matrix` returns.
    by_station
        Sum per hub instead of per city.

    Returns
    -------
    hub_flows : pandas.Series
        Flow passing through each hub (visits minus arrivals, see the
        module's notes), indexed by hub id; every hub of the graph appears.
    link_flows : pandas.Series
        Flow on each link, both directions added, indexed by link id; links
        no fastest path uses are absent.
    """
    hubs = _hubs(graph, by_station)
    trees = _trees(graph, demand)
    size = len(hubs.labels)
    origin_of, node = np.nonzero(trees.pred >= 0)
    parent = trees.pred[origin_of, node]
    carried = trees.flow[origin_of, node]
    entering = _entries(hubs, parent, node) & (carried > 0)
    visits = np.bincount(hubs.group[node[entering]], weights=carried[entering], minlength=size)
    arrived = np.where(np.isfinite(trees.hours), trees.demand, 0.0)
    arrived *= hubs.group[trees.origins][:, None] != hubs.group[trees.targets][None, :]
    arrivals = np.bincount(hubs.group[trees.targets], weights=arrived.sum(axis=0), minlength=size)
    hub_flows = pd.Series(np.clip(visits - arrivals, 0.0, None), index=hubs.labels, name="flow")
    used = carried > 0
    keys = parent[used] * len(hubs.group) + node[used]
    links = _link_of_pair(graph)
    where = links.index.get_indexer(keys)  # type: ignore[arg-type]  # pandas-stubs ask for an Index; any array-like works
    on_link = where >= 0
    link_flows = (
        pd.Series(carried[used][on_link], index=links.to_numpy()[where[on_link]], name="flow")
        .groupby(level=0, sort=False)
        .sum()
        .sort_values(ascending=False)
    )
    return hub_flows, link_flows


def _link_of_pair(graph: nx.MultiDiGraph) -> pd.Series:
    """Link id of the fastest link edge between each pair of rows (key ``u * n + v``), cached."""

    def build() -> pd.Series:
        _, index = sparse_matrix(graph, WEIGHT)
        best: dict[int, tuple[float, str]] = {}
        for u, v, data in graph.edges(data=True):
            link = data.get("link_id")
            if data.get("edge_type", LINK) != LINK or link is None:
                continue
            key = index[u] * len(index) + index[v]
            time = data.get(WEIGHT, 0.0)
            if key not in best or time < best[key][0]:
                best[key] = (time, link)
        return pd.Series({key: link for key, (_, link) in best.items()}, dtype=object)

    return cached_per_graph(graph, ("link_of_pair",), build)


def total_travel_time(graph: nx.MultiDiGraph, demand: pd.DataFrame) -> float:
    """Demand-weighted travel time: the sum over OD pairs of flow x fastest hours.

    Pairs with no route are left out (count them with :func:`pairs_cut_off`).

    Parameters
    ----------
    graph
        A corridor graph.
    demand
        OD flows by hub id (see :func:`corridor.demand.demand_matrix`).

    Returns
    -------
    float
        Flow x hours summed over the pairs that a route joins.
    """
    trees = _trees(graph, demand)
    reached = np.isfinite(trees.hours)
    return float((trees.demand[reached] * trees.hours[reached]).sum())


def pairs_cut_off(graph: nx.MultiDiGraph, demand: pd.DataFrame) -> int:
    """Number of OD pairs with demand that no route joins.

    Parameters
    ----------
    graph
        A corridor graph.
    demand
        OD flows by hub id (see :func:`corridor.demand.demand_matrix`).

    Returns
    -------
    int
        Pairs with positive demand and no route.
    """
    trees = _trees(graph, demand)
    return int(((trees.demand > 0) & ~np.isfinite(trees.hours)).sum())


# -- criticality -----------------------------------------------------------------------------------


def criticality(
    graph: nx.MultiDiGraph,
    demand: pd.DataFrame,
    *,
    links: bool = False,
    top: int | None = None,
    by_station: bool = False,
    progress: Progress | None = None,
    only: Collection[str] | None = None,
) -> pd.DataFrame:
    """Remove each hub (or link) in turn: the rise in demand-weighted hours and the pairs cut off.

    Parameters
    ----------
    graph
        A corridor graph.
    demand
        OD flows (see :func:`corridor.demand.demand_matrix`).
    links
        Remove links (both directions) instead of hubs.
    top
        Keep this many rows (default: all).
    by_station
        Remove single hubs instead of whole cities with their stations.
    progress
        Called as ``progress(done, total)`` after each removal.
    only
        Remove only these hubs (or links), by id; the table has their rows
        only (a block of a sweep split over workers, see :mod:`corridor.sweeps`).

    Returns
    -------
    pandas.DataFrame
        Columns ``rank, id, name, loss_hours, extra_hours, pairs_cut,
        demand_cut``: ``extra_hours`` is the rise in the demand-weighted
        travel time (flow x hours; a gravity index unless a demand table
        gives real flows) of the pairs still joined, ``pairs_cut`` the OD
        pairs with demand left with no route and ``demand_cut`` their flow,
        ``loss_hours`` = ``extra_hours + demand_cut * UNSERVED_PENALTY_H``.
        Pairs that start or end at the removed hub are not counted (they
        lose their hub, not their route), nor pairs already without a route.
        Ranked by ``loss_hours``, then pairs cut.

    Notes
    -----
    Only origins whose fastest-path tree uses the removed hub or link are
    routed again: removing anything elsewhere cannot lengthen their routes.
    """
    hubs = _hubs(graph, by_station)
    trees = _trees(graph, demand)
    matrix, _ = sparse_matrix(graph, WEIGHT)
    coo = matrix.tocoo()
    rows, cols, weights = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    used = trees.flow > 0
    base_ok: npt.NDArray[np.bool_] = (trees.demand > 0) & np.isfinite(trees.hours)
    candidates: Mapping[str, tuple[str, np.ndarray, np.ndarray | None]]
    if links:
        candidates = _link_removals(graph)
        names = {link: name for link, (name, _, _) in candidates.items()}
    else:
        candidates = {
            label: (label, np.flatnonzero(hubs.own == code), None) for code, label in enumerate(hubs.labels)
        }
        names = dict(zip(hubs.labels, _names(graph, hubs.labels), strict=True))
    if only is not None:
        wanted = set(only)
        candidates = {key: value for key, value in candidates.items() if key in wanted}
    records = []
    for done, (key, (_, removed, replacement)) in enumerate(candidates.items(), start=1):
        counted = base_ok.copy()
        if links:
            touched = _uses_edges(trees.pred, used, rows[removed], cols[removed])
            kept = weights.copy()
            kept[removed] = replacement
        else:
            counted &= ~np.isin(trees.origins, removed)[:, None] & ~np.isin(trees.targets, removed)[None, :]
            touched = used[:, removed].any(axis=1)  # type: ignore[assignment]  # numpy's stubs allow a scalar; with axis=1 it is an array
            kept = np.where(np.isin(rows, removed) | np.isin(cols, removed), np.inf, weights)
        affected = np.flatnonzero(touched & counted.any(axis=1))
        extra, cut, cut_flow = 0.0, 0, 0.0
        if len(affected):
            finite = np.isfinite(kept)
            changed = csr_array((kept[finite], (rows[finite], cols[finite])), shape=matrix.shape)
            hours = dijkstra(changed, directed=True, indices=trees.origins[affected])[:, trees.targets] / 3600.0
            mask = counted[affected]
            lost = mask & ~np.isfinite(hours)
            kept_pairs = mask & ~lost
            extra = float((trees.demand[affected][kept_pairs] * (hours[kept_pairs] - trees.hours[affected][kept_pairs])).sum())
            cut = int(lost.sum())
            cut_flow = float(trees.demand[affected][lost].sum())
        extra = max(extra, 0.0)
        records.append(
            {"id": key, "name": names[key], "loss_hours": extra + cut_flow * UNSERVED_PENALTY_H, "extra_hours": extra,
             "pairs_cut": cut, "demand_cut": cut_flow}
        )  # fmt: skip
        if progress is not None:
            progress(done, len(candidates))
    return rank_removals(pd.DataFrame(records, columns=CRITICALITY_COLUMNS[1:]), top=top)


def removal_ids(graph: nx.MultiDiGraph, *, links: bool = False, by_station: bool = False) -> list[str]:
    """Ids of the hubs (cities, or stations with ``by_station``) or links :func:`criticality` removes, in its order.

    Parameters
    ----------
    graph
        A corridor graph.
    links
        Link ids instead of hub ids.
    by_station
        Single hubs instead of cities with their stations (ignored for links).

    Returns
    -------
    list of str
        The ids, in the order :func:`criticality` removes them (its ``only``
        takes any subset, for a sweep split over workers).
    """
    if not links:
        return list(_hubs(graph, by_station).labels)
    return list(_link_removals(graph))


def rank_removals(frame: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """Rows of :func:`criticality` (any order, with or without ``rank``) ranked by loss, then pairs cut, then id.

    Parameters
    ----------
    frame
        Criticality rows, e.g. the blocks of a split sweep concatenated.
    top
        Keep this many rows (default: all).

    Returns
    -------
    pandas.DataFrame
        The rows with a fresh ``rank`` column first, numbered from 1.
    """
    frame = frame.drop(columns="rank", errors="ignore")
    frame = frame.sort_values(["loss_hours", "pairs_cut", "id"], ascending=[False, False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame if top is None else frame.head(top)


def _link_removals(graph: nx.MultiDiGraph) -> dict[str, tuple[str, np.ndarray, np.ndarray]]:
    """For each link: its name, the matrix entries it holds, and their weights without it (cached per graph).

    The entries are positions in ``sparse_matrix(graph, WEIGHT)[0].tocoo()``, found for all
    links at once by one ``get_indexer``.
    """

    def build() -> dict[str, tuple[str, np.ndarray, np.ndarray]]:
        matrix, index = sparse_matrix(graph, WEIGHT)
        coo = matrix.tocoo()
        position = pd.Index(coo.row.astype(np.int64) * len(index) + coo.col.astype(np.int64))
        others: dict[int, dict[str, float]] = {}
        names: dict[str, str] = {}
        for u, v, data in graph.edges(data=True):
            key = index[u] * len(index) + index[v]
            time = data.get(WEIGHT, 0.0)
            label = data.get("link_id") if data.get("edge_type", LINK) == LINK else None
            if label is not None:
                names.setdefault(label, data.get("name") or label)
            best = others.setdefault(key, {})
            tag = label if label is not None else f"\0{len(best)}"
            best[tag] = min(best.get(tag, np.inf), time if time > 0 else 1e-9)
        pairs: dict[str, list[int]] = {}
        for key, times in others.items():
            for tag in times:
                if not tag.startswith("\0"):
                    pairs.setdefault(tag, []).append(key)
        links = sorted(pairs)
        if not links:
            return {}
        held_by = position.get_indexer([key for link in links for key in pairs[link]])
        entries = np.split(held_by, np.cumsum([len(pairs[link]) for link in links[:-1]], dtype=np.int64))
        removals = {}
        for link, held in zip(links, entries, strict=True):
            replacement = np.array([min((t for tag, t in others[key].items() if tag != link), default=np.inf) for key in pairs[link]])
            removals[link] = (names[link], held, replacement)
        return removals

    return cached_per_graph(graph, ("link_removals",), build)


def _uses_edges(pred: np.ndarray, used: np.ndarray, tails: np.ndarray, heads: np.ndarray) -> np.ndarray:
    """Which origins' trees carry demand on any of the edges ``tails -> heads``."""
    touched = np.zeros(pred.shape[0], dtype=bool)
    for tail, head in zip(tails.tolist(), heads.tolist(), strict=True):
        touched |= (pred[:, head] == tail) & used[:, head]
    return touched


# -- comparing and reporting -----------------------------------------------------------------------


def compare_rankings(ranking: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Add a ``change`` column: places gained since ``other`` (positive: moved up).

    Hubs absent from ``other`` (not yet open then) get ``None``.

    Parameters
    ----------
    ranking
        A ranking from :func:`hub_ranking`.
    other
        The ranking compared with (e.g. the same measure in an earlier year).

    Returns
    -------
    pandas.DataFrame
        ``ranking`` with a ``change`` column (integers, or ``None``).
    """
    before = other.set_index("id")["rank"]
    change = [int(before[hub] - rank) if hub in before.index else None for hub, rank in zip(ranking["id"], ranking["rank"], strict=True)]
    return ranking.assign(change=pd.Series(change, index=ranking.index, dtype=object))


def ranking_report(graph: nx.MultiDiGraph, ranking: pd.DataFrame, *, measure: str, by_station: bool = False) -> dict:
    """A ranking as one JSON-ready object, the contract of ``corridor rank --json``.

    Parameters
    ----------
    graph
        The graph ranked (for its profile and year).
    ranking
        A ranking from :func:`hub_ranking`, compared or not.
    measure
        The measure it ranks by.
    by_station
        Whether it ranks single hubs rather than cities.

    Returns
    -------
    dict
        ``{"measure", "profile", "year", "by_station", "hubs": [{"rank", "id", "name", "score", ...}]}``;
        each hub also carries ``change`` when the ranking was compared, and
        its per-mode columns under ``by_mode`` for degree and strength.
    """
    base = [column for column in ranking.columns if column in (*RANKING_COLUMNS, "change")]
    modes = [column for column in ranking.columns if column not in base]
    hubs = []
    for row in ranking.to_dict(orient="records"):
        entry = {column: _plain(row[column]) for column in base}
        if modes:
            entry["by_mode"] = {mode: _plain(row[mode]) for mode in modes}
        hubs.append(entry)
    return {
        "measure": measure,
        "profile": graph.graph.get("profile"),
        "year": graph.graph.get("year"),
        "by_station": by_station,
        "hubs": hubs,
    }


def criticality_report(graph: nx.MultiDiGraph, table: pd.DataFrame, *, links: bool = False) -> dict:
    """A criticality table as one JSON-ready object, the contract of ``corridor critical --json``.

    Parameters
    ----------
    graph
        The graph the removals were made on (for its profile and year).
    table
        A table from :func:`criticality`.
    links
        Whether the table removes links rather than hubs.

    Returns
    -------
    dict
        ``{"removed": "hubs"|"links", "profile", "year", "items": [...]}``,
        each item with the columns of :data:`CRITICALITY_COLUMNS`.
    """
    return {
        "removed": "links" if links else "hubs",
        "profile": graph.graph.get("profile"),
        "year": graph.graph.get("year"),
        "items": [{column: _plain(row[column]) for column in CRITICALITY_COLUMNS} for row in table.to_dict(orient="records")],
    }


def _plain(value):
    """numpy scalars as Python numbers, for JSON."""
    if isinstance(value, np.generic):
        return value.item()
    return value
