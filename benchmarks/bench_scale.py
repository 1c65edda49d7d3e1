"""Any network at scale: import a 100,000-node OSM XML extract, skim 50 hubs, rank by sampled betweenness.

Run from the repository root::

    .venv/bin/python benchmarks/bench_scale.py [--nodes 100000] [--quick]

The extract is synthetic but shaped like a province's OSM data: a jittered
grid of motorways and trunk roads (every crossing a junction), a coarse
lattice of conventional railways and a sparser one of high-speed lines
(each drawn with many shape nodes, as OSM draws curves), ferries, and
buildings (ways no mode uses). 50 cities sit at railway junctions.

Each step is timed against its plain peer in the same run:

- import: ``corridor.osm.network_from_xml`` (read, classify, split by
  mode, snap, simplify, build the network) vs plain ``osmnx.graph_from_xml`` (read, simplify);
- GeoPackage: ``save_network_gpkg`` and ``graph_from_gpkg`` (load, build the
  routing graph with travel times for the freight profile);
- 50-hub skim: ``corridor.routing.skim_matrix`` vs networkx
  ``single_source_dijkstra_path_length`` from each hub (values checked equal);
- sampled betweenness: ``corridor.centrality.betweenness(k, seed)`` vs
  ``networkx.betweenness_centrality(k, seed)`` (values checked equal on a
  small sample; networkx's time for the full sample is extrapolated from it,
  linear in the number of sources), and ``hub_ranking`` (the ``rank`` command).

Memory: peak resident set size of the process after each step
(``resource.getrusage``; cumulative, so a step's figure includes earlier ones).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corridor.centrality import betweenness, hub_ranking  # noqa: E402
from corridor.gpkg_graph import graph_from_gpkg  # noqa: E402
from corridor.io import save_network_gpkg  # noqa: E402
from corridor.osm import network_from_xml, summary  # noqa: E402
from corridor.routing import skim_matrix  # noqa: E402

WEST, EAST, SOUTH, NORTH = 103.0, 109.0, 25.0, 30.0


def peak_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def write_extract(path: Path, nodes: int, *, seed: int = 7) -> tuple[dict[str, int], list[tuple[str, float, float]]]:
    """Write a synthetic OSM XML extract of about ``nodes`` nodes; return counts and 50 city hubs."""
    rng = np.random.default_rng(seed)
    road_side = int(np.sqrt(nodes * 0.62))
    rail_side, rail_shape = 12, max(4, int(nodes * 0.16 / (2 * 12 * 11)))
    hsr_side, hsr_shape = 6, max(4, int(nodes * 0.048 / (2 * 6 * 5)))
    next_id = iter(range(1, 10**9))
    out = path.open("w", encoding="utf-8")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="corridor bench_scale">\n')
    counts = {"nodes": 0, "ways": 0}
    ways: list[tuple[list[int], dict[str, str]]] = []

    def node(lon: float, lat: float) -> int:
        nid = next(next_id)
        out.write(f'  <node id="{nid}" lat="{lat:.6f}" lon="{lon:.6f}"/>\n')
        counts["nodes"] += 1
        return nid

    def lattice(side: int, jitter: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lon = np.linspace(WEST, EAST, side)[None, :] + rng.normal(0, jitter, (side, side))
        lat = np.linspace(SOUTH, NORTH, side)[:, None] + rng.normal(0, jitter, (side, side))
        ids = np.array([[node(lon[r, c], lat[r, c]) for c in range(side)] for r in range(side)])
        return lon, lat, ids

    # roads: every crossing is a junction; ways of 25 junctions; motorways and trunk roads
    _, _, road = lattice(road_side, 0.004)
    for line in [*road, *road.T]:
        for start in range(0, len(line) - 1, 24):
            refs = [int(n) for n in line[start : start + 25]]
            motorway = rng.random() < 0.5
            tags = {"highway": "motorway" if motorway else "trunk", "ref": f"G{rng.integers(1, 99)}"}
            if motorway and rng.random() < 0.7:
                tags["maxspeed"] = "120"
            ways.append((refs, tags))

    # railways and high-speed lines: coarse lattices, each segment drawn with shape nodes
    def lines(side: int, shape: int, tags_of) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lon, lat, ids = lattice(side, 0.02)
        for r in range(side):
            for c in range(side):
                for dr, dc in ((0, 1), (1, 0)):
                    if r + dr >= side or c + dc >= side:
                        continue
                    t = np.linspace(0, 1, shape + 2)[1:-1]
                    bend = np.sin(t * np.pi) * rng.normal(0, 0.05)
                    xs = lon[r, c] + t * (lon[r + dr, c + dc] - lon[r, c]) + bend * dr
                    ys = lat[r, c] + t * (lat[r + dr, c + dc] - lat[r, c]) + bend * dc
                    middle = [node(x, y) for x, y in zip(xs, ys, strict=True)]
                    ways.append(([int(ids[r, c]), *middle, int(ids[r + dr, c + dc])], tags_of()))
        return lon, lat, ids

    rail_lon, rail_lat, _ = lines(
        rail_side, rail_shape, lambda: {"railway": "rail", "usage": "main", **({"maxspeed": str(rng.choice([120, 160]))} if rng.random() < 0.6 else {})}
    )
    lines(hsr_side, hsr_shape, lambda: {"railway": "rail", "highspeed": "yes", "maxspeed": str(rng.choice([250, 300, 350]))})

    # a ferry between two coastal points, then buildings up to the node budget
    ferry = [node(108.5 + 0.1 * i, 25.2 - 0.05 * i) for i in range(5)]
    ways.append((ferry, {"route": "ferry", "name": "bench ferry"}))
    while counts["nodes"] + 4 <= nodes:
        x, y = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
        corners = [node(x, y), node(x + 1e-4, y), node(x + 1e-4, y + 1e-4), node(x, y + 1e-4)]
        ways.append(([*corners, corners[0]], {"building": "yes"}))
    for refs, tags in ways:
        out.write(f'  <way id="{next(next_id)}">\n')
        out.write("".join(f'    <nd ref="{r}"/>\n' for r in refs))
        out.write("".join(f'    <tag k="{k}" v="{v}"/>\n' for k, v in tags.items()))
        out.write("  </way>\n")
        counts["ways"] += 1
    out.write("</osm>\n")
    out.close()
    picks = random.Random(seed).sample([(r, c) for r in range(rail_side) for c in range(rail_side)], 50)
    hubs = [(f"city_{i:02d}", float(rail_lon[r, c]) + 0.01, float(rail_lat[r, c]) + 0.01) for i, (r, c) in enumerate(picks)]
    return counts, hubs


def write_hubs(path: Path, hubs: list[tuple[str, float, float]]) -> None:
    lines = ["id,name,kind,lon,lat"] + [f"{hub},{hub.replace('_', ' ').title()},city,{lon:.5f},{lat:.5f}" for hub, lon, lat in hubs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000, help="OSM nodes in the synthetic extract")
    parser.add_argument("--quick", action="store_true", help="10,000 nodes, for a smoke run")
    parser.add_argument("--k", type=int, default=200, help="betweenness sample (source nodes) for corridor")
    parser.add_argument("--nx-k", type=int, default=8, help="betweenness sample networkx runs (then extrapolated)")
    args = parser.parse_args()
    nodes = 10_000 if args.quick else args.nodes
    rows: list[tuple[str, float, float | None, float]] = []  # step, corridor s, peer s, peak MiB

    with tempfile.TemporaryDirectory() as folder:
        osm, hubs_csv, gpkg = Path(folder) / "province.osm", Path(folder) / "hubs.csv", Path(folder) / "net.gpkg"
        (counts, hubs), seconds = timed(lambda: write_extract(osm, nodes))
        write_hubs(hubs_csv, hubs)
        print(f"extract: {counts['nodes']:,} nodes, {counts['ways']:,} ways, {osm.stat().st_size / 2**20:.1f} MiB of XML (written in {seconds:.1f} s)")

        import osmnx as ox

        ox.settings.log_console = False
        plain, plain_s = timed(lambda: ox.graph_from_xml(osm))
        plain_size = (len(plain), plain.number_of_edges())
        del plain
        network, import_s = timed(lambda: network_from_xml(osm, hubs_csv, max_snap_km=30.0))
        rows.append(("import OSM XML (corridor vs osmnx.graph_from_xml)", import_s, plain_s, peak_mib()))
        info = summary(network)
        print(
            f"imported: {info['hubs']:,} hubs, {info['junctions']:,} junctions, {info['links']:,} links "
            f"({len(info['terminals'])} access links); plain osmnx: {plain_size[0]:,} nodes, {plain_size[1]:,} edges"
        )

        _, save_s = timed(lambda: save_network_gpkg(network, gpkg))
        rows.append(("save GeoPackage", save_s, None, peak_mib()))
        network = None  # free the import before loading the GeoPackage
        graph, load_s = timed(lambda: graph_from_gpkg(gpkg, profile="freight"))
        rows.append(("load GeoPackage + freight travel times", load_s, None, peak_mib()))
        print(f"GeoPackage: {gpkg.stat().st_size / 2**20:.1f} MiB; routing graph {len(graph):,} nodes, {graph.number_of_edges():,} edges")

        ids = list(graph.graph["hub_nodes"])
        skim, first_s = timed(lambda: skim_matrix(graph, ids))
        _, cached_s = timed(lambda: skim_matrix(graph, ids))

        def networkx_skim() -> np.ndarray:
            targets = [graph.graph["hub_nodes"][h] for h in ids]
            values = np.full((len(ids), len(ids)), np.inf)
            for i, hub in enumerate(ids):
                lengths = nx.single_source_dijkstra_path_length(graph, graph.graph["hub_nodes"][hub], weight="travel_time")
                values[i] = [lengths.get(t, np.inf) for t in targets]
            return values / 3600.0

        reference, nx_skim_s = timed(networkx_skim)
        finite = np.isfinite(reference)
        assert np.array_equal(finite, np.isfinite(skim.to_numpy())), "skims disagree on reachability"
        assert np.allclose(skim.to_numpy()[finite], reference[finite], rtol=1e-6, atol=1e-6), "skims disagree"
        rows.append(("50-hub skim, first call (builds CSR) vs networkx", first_s, nx_skim_s, peak_mib()))
        rows.append(("50-hub skim, cached CSR vs networkx", cached_s, nx_skim_s, peak_mib()))
        print(f"skim: {int(finite.sum()):,} of {finite.size:,} pairs reachable; equal to networkx")

        small = args.nx_k
        ours_small = betweenness(graph, k=small, seed=1)
        theirs_small, nx_small_s = timed(lambda: nx.betweenness_centrality(graph, k=small, seed=1, weight="travel_time"))
        worst = max(abs(ours_small[n] - theirs_small[n]) for n in graph)
        assert worst < 1e-9, f"betweenness differs from networkx by {worst}"
        _, ours_s = timed(lambda: betweenness(graph, k=args.k, seed=0))
        nx_estimate = nx_small_s * args.k / small
        rows.append((f"sampled betweenness k={args.k} vs networkx (est. from k={small})", ours_s, nx_estimate, peak_mib()))
        ranking, rank_s = timed(lambda: hub_ranking(graph, measure="betweenness", k=20, seed=0))
        rows.append(("hub ranking, betweenness from 20 of 50 cities", rank_s, None, peak_mib()))
        print(f"betweenness: equal to networkx at k={small} (max difference {worst:.1e}); top hubs: {', '.join(ranking['id'].head(5))}")

    print()
    print(f"{'step':58s} {'corridor s':>10s} {'peer s':>9s} {'peer/corridor':>13s} {'peak RSS MiB':>12s}")
    for step, ours, peer, mib in rows:
        ratio = f"{peer / ours:12.1f}x" if peer else f"{'':13s}"
        print(f"{step:58s} {ours:10.2f} {peer if peer else float('nan'):9.2f} {ratio} {mib:12.0f}")


if __name__ == "__main__":
    main()
