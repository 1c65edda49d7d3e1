"""Synthetic transport networks in corridor's graph layout, for benchmarks.

:func:`synthetic_graph` scatters seeded random points over the corridor's
region, joins them by a Delaunay triangulation (planar, like a road or rail
network) without its longest edges, and makes a spanning tree of the rest
"rail" (fast) and the other edges "expressway" (slower). A chosen share of
the nodes are hubs (``graph.graph["hub_nodes"]``, each a city with a
``population``); the rest are junctions. Every edge appears in both
directions with ``travel_time`` (s), ``length`` (m), ``cost``, ``mode``,
``edge_type="link"`` and ``link_id`` (its key), so routing, centrality and
what-if code run on it as on a built network (hubs have no separate terminal
nodes: links meet at the hub node).

:func:`grid_network` is a network (hubs and links, as an imported
OpenStreetMap network is one) of a square grid of junctions with a city at two
opposite corners, for what needs the graph builder's terminals and access.

Usage::

    from benchmarks.synthetic import synthetic_graph
    graph = synthetic_graph(2_000, seed=1)
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay

from corridor.network import Network, network_from_features

#: Region of the points (degrees): roughly Chongqing to the Beibu Gulf.
BOUNDS = (100.0, 20.0, 112.0, 32.0)

#: Share of the Delaunay edges dropped, longest first (keeps the graph planar-ish, not a hull mesh).
DROP_LONGEST = 0.05

#: Commercial speeds, km/h.
SPEEDS_KMH = {"rail": 60.0, "expressway": 45.0}

#: Share of the nodes that are hubs (at least two).
HUB_SHARE = 0.05

_KM_PER_DEGREE = 111.32
_counter = itertools.count(1)


def synthetic_graph(n_nodes: int, *, seed: int = 0, hub_share: float = HUB_SHARE) -> nx.MultiDiGraph:
    """A seeded planar road-and-rail network of ``n_nodes`` nodes in corridor layout.

    Parameters
    ----------
    n_nodes
        Number of nodes (at least 4).
    seed
        Seed of the points, the hubs chosen and their populations.
    hub_share
        Share of the nodes that are hubs (cities trips start and end at).

    Returns
    -------
    networkx.MultiDiGraph
        Integer nodes ``0..n_nodes-1`` with ``x``, ``y`` (lon, lat),
        ``node_type`` (``hub`` or ``junction``), ``hub`` (hub id, ``None``
        for junctions), ``name``; hubs also ``city`` (themselves), ``kind``
        (``city``), ``country``, ``population``. Edges both ways with
        ``edge_type="link"``, ``link_id``, ``mode``, ``length`` (m),
        ``travel_time`` (s), ``cost``. ``graph.graph`` has ``crs``,
        ``hub_nodes``, ``terminal_nodes`` (empty), ``profile``, ``year``,
        ``modes``, ``version``, ``excluded_hubs``.
    """
    if n_nodes < 4:
        msg = f"a synthetic graph needs at least 4 nodes, got {n_nodes}"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    west, south, east, north = BOUNDS
    points = np.column_stack([rng.uniform(west, east, n_nodes), rng.uniform(south, north, n_nodes)])
    pairs = _delaunay_edges(points)
    km = _km(points[pairs[:, 0]], points[pairs[:, 1]])
    keep = km <= np.quantile(km, 1.0 - DROP_LONGEST)
    pairs, km = pairs[keep], km[keep]
    rail = _spanning_tree_mask(pairs, km, n_nodes)

    n_hubs = max(2, round(n_nodes * hub_share))
    hubs = np.sort(rng.choice(n_nodes, size=n_hubs, replace=False))
    populations = np.round(rng.lognormal(mean=13.5, sigma=1.0, size=n_hubs), -3)
    graph = nx.MultiDiGraph(
        crs="EPSG:4326",
        name=f"synthetic ({n_nodes} nodes, seed {seed})",
        profile="freight",
        year=None,
        modes=["expressway", "rail"],
        version=f"synthetic-{next(_counter)}",
        excluded_hubs={},
        hub_nodes={},
        terminal_nodes={},
    )
    for node, (x, y) in enumerate(points):
        graph.add_node(node, x=float(x), y=float(y), node_type="junction", hub=None, name=f"junction {node}")
    for node, population in zip(hubs.tolist(), populations.tolist(), strict=True):
        hub = f"h{node}"
        graph.graph["hub_nodes"][hub] = node
        graph.nodes[node].update(
            node_type="hub", hub=hub, name=f"Hub {node}", name_zh="", pinyin="", aliases=[], kind="city", city=hub,
            country="CN", population=float(population),
        )
    for i, ((u, v), length_km, is_rail) in enumerate(zip(pairs.tolist(), km.tolist(), rail.tolist(), strict=True)):
        mode = "rail" if is_rail else "expressway"
        hours = length_km / SPEEDS_KMH[mode]
        attributes = {
            "edge_type": "link", "link_id": f"l{i}", "name": f"l{i}", "line": mode, "mode": mode, "status": "open",
            "length": length_km * 1000.0, "travel_time": hours * 3600.0, "cost": hours * 20.0 + length_km * 4.0,
        }
        graph.add_edge(u, v, key=f"l{i}", **attributes)
        graph.add_edge(v, u, key=f"l{i}", **attributes)
    return graph


def _delaunay_edges(points: np.ndarray) -> np.ndarray:
    """Unique undirected edges ``(u, v)``, ``u < v``, of the Delaunay triangulation."""
    triangles = Delaunay(points).simplices
    edges = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [0, 2]]])
    edges.sort(axis=1)
    return np.unique(edges, axis=0)


def _km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Equirectangular distance in km (good to a fraction of a percent at this scale)."""
    mean_lat = np.radians((a[:, 1] + b[:, 1]) / 2.0)
    dx = (a[:, 0] - b[:, 0]) * np.cos(mean_lat)
    dy = a[:, 1] - b[:, 1]
    return np.hypot(dx, dy) * _KM_PER_DEGREE


def _spanning_tree_mask(pairs: np.ndarray, km: np.ndarray, n_nodes: int) -> np.ndarray:
    """Which edges belong to a minimum spanning forest (the rail network)."""
    matrix = coo_array((km, (pairs[:, 0], pairs[:, 1])), shape=(n_nodes, n_nodes)).tocsr()
    tree = minimum_spanning_tree(matrix).tocoo()
    in_tree = set(zip(tree.row.tolist(), tree.col.tolist(), strict=True))
    return np.array([(u, v) in in_tree for u, v in pairs.tolist()], dtype=bool)


def grid_network(side: int, *, seed: int = 0) -> Network:
    """A ``side`` x ``side`` grid of expressway junctions, 4-6 km apart (seeded), with cities ``west`` and ``east`` at two corners.

    Parameters
    ----------
    side
        Junctions along each side (at least 2).
    seed
        Seed of the links' lengths (so one route is the best).

    Returns
    -------
    corridor.network.Network
        ``side**2`` junction hubs (``n<i>_<j>``), the cities ``west`` (next to
        ``n0_0``) and ``east`` (next to the opposite corner), and a link between
        each pair of neighbours on the line of its row or column.
    """
    rng = np.random.default_rng(seed)
    hubs = [_hub(f"n{i}_{j}", "junction", 100.0 + 0.05 * i, 25.0 + 0.05 * j) for i in range(side) for j in range(side)]
    corner = 0.05 * (side - 1)
    hubs += [_hub("west", "city", 99.99, 24.99), _hub("east", "city", 100.01 + corner, 25.01 + corner)]
    ends = [("west", "n0_0"), ("east", f"n{side - 1}_{side - 1}")]
    for i, j in itertools.product(range(side), repeat=2):
        ends += [(f"n{i}_{j}", f"n{i + 1}_{j}")] if i + 1 < side else []
        ends += [(f"n{i}_{j}", f"n{i}_{j + 1}")] if j + 1 < side else []
    places = {hub["properties"]["id"]: hub["geometry"]["coordinates"] for hub in hubs}
    lengths = rng.uniform(4.0, 6.0, len(ends)).tolist()
    links = [_link(f"l{n}", a, b, km, places) for n, ((a, b), km) in enumerate(zip(ends, lengths, strict=True))]
    return network_from_features(hubs, links, source=f"grid {side} x {side}")


def _hub(hub_id: str, kind: str, x: float, y: float) -> dict:
    return {"type": "Feature", "properties": {"id": hub_id, "name": hub_id, "kind": kind}, "geometry": {"type": "Point", "coordinates": [x, y]}}


def _link(link_id: str, a: str, b: str, km: float, places: dict[str, list[float]]) -> dict:
    line = f"row {a.split('_')[-1]}" if places[a][1] == places[b][1] else f"column {a.split('_')[0]}"
    properties = {
        "id": link_id, "mode": "expressway", "from_hub": a, "to_hub": b, "length_km": km, "speed_kmh": 100,
        "freight": True, "passenger": True, "line": line,
    }
    return {"type": "Feature", "properties": properties, "geometry": {"type": "LineString", "coordinates": [places[a], places[b]]}}
