"""PBF import in bounded memory: a synthetic extract of millions of OSM nodes, a tenth of them kept.

Run from the repository root::

    .venv/bin/python benchmarks/bench_pbf.py [--nodes 10000000] [--osmnx-nodes 1000000 2000000]

The extract is written with pyosmium (``.osm.pbf``, or ``.osm`` XML for the
osmnx baseline) and shaped so that the share kept is known: a lattice of
100 x 100 crossings joined by motorways (rows) and railways (columns), each
segment drawn with shape nodes, holds ``--kept-share`` of the nodes (10% by
default); named stations at 50 crossings and 20 named cities make the hubs
of an import without a hubs file; the rest of the nodes are residential
streets of 10 nodes each, which no corridor mode uses.

Each measurement runs in a fresh process and reports wall time and peak
resident set size (``resource.getrusage``, the whole process, interpreter
and libraries included):

- corridor: ``corridor.osm.network_from_pbf`` (read in passes, split by
  mode, find hubs, snap, simplify, build the network) and ``corridor.io.save_network_gpkg``,
  the whole ``import-osm``; the time and peak RSS at the start of each step
  are reported under ``steps``;
- osmnx: ``osmnx.graph_from_xml`` (unsimplified, all ways) on the XML of the
  same layout, the step every XML import starts with.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WEST, EAST, SOUTH, NORTH = 103.0, 109.0, 25.0, 30.0

#: Crossings per side of the corridor lattice.
SIDE = 100

#: Nodes per residential street.
STREET_NODES = 10


def write_extract(path: Path, n_nodes: int, *, kept_share: float = 0.1, seed: int = 7) -> dict[str, int]:
    """Write the synthetic extract (PBF or XML by suffix); return its counts."""
    import osmium
    from osmium.osm.mutable import Node, Way

    rng = np.random.default_rng(seed)
    segments = 2 * SIDE * (SIDE - 1)
    shape = max(1, round((n_nodes * kept_share - SIDE * SIDE) / segments))
    crossing_lon = np.linspace(WEST, EAST, SIDE)[None, :] + rng.normal(0, 0.005, (SIDE, SIDE))
    crossing_lat = np.linspace(SOUTH, NORTH, SIDE)[:, None] + rng.normal(0, 0.005, (SIDE, SIDE))
    stations = {int(i) for i in rng.choice(SIDE * SIDE, 50, replace=False)}
    kept = SIDE * SIDE + segments * shape
    streets = max(0, (n_nodes - kept - 20) // STREET_NODES)
    path.unlink(missing_ok=True)
    with osmium.SimpleWriter(str(path)) as writer:
        for i in range(SIDE * SIDE):  # crossings: ids 1..SIDE²
            tags = {"railway": "station", "name": f"Station {i}"} if i in stations else {}
            writer.add_node(Node(id=i + 1, location=(crossing_lon.flat[i], crossing_lat.flat[i]), tags=tags))
        next_id = SIDE * SIDE + 1
        ways: list[tuple[list[int], dict[str, str]]] = []
        for r in range(SIDE):
            for c in range(SIDE):
                for dr, dc, tags in ((0, 1, {"highway": "motorway", "maxspeed": "120"}), (1, 0, {"railway": "rail", "usage": "main"})):
                    if r + dr >= SIDE or c + dc >= SIDE:
                        continue
                    t = np.linspace(0, 1, shape + 2)[1:-1]
                    xs = crossing_lon[r, c] + t * (crossing_lon[r + dr, c + dc] - crossing_lon[r, c])
                    ys = crossing_lat[r, c] + t * (crossing_lat[r + dr, c + dc] - crossing_lat[r, c]) + np.sin(t * np.pi) * 0.002
                    middle = list(range(next_id, next_id + shape))
                    for nid, x, y in zip(middle, xs.tolist(), ys.tolist(), strict=True):
                        writer.add_node(Node(id=nid, location=(x, y)))
                    next_id += shape
                    ways.append(([r * SIDE + c + 1, *middle, (r + dr) * SIDE + c + dc + 1], tags))
        for i in range(20):  # cities, away from the lattice nodes
            x, y = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
            writer.add_node(Node(id=next_id, location=(x, y), tags={"place": "city", "name": f"City {i}"}))
            next_id += 1
        first_street = next_id
        for _ in range(streets):
            x, y = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
            for k in range(STREET_NODES):
                writer.add_node(Node(id=next_id, location=(x + k * 1e-4, y)))
                next_id += 1
        way_id = 1
        for refs, tags in ways:
            writer.add_way(Way(id=way_id, nodes=refs, tags=tags))
            way_id += 1
        for s in range(streets):
            start = first_street + s * STREET_NODES
            writer.add_way(Way(id=way_id, nodes=list(range(start, start + STREET_NODES)), tags={"highway": "residential"}))
            way_id += 1
    return {"nodes": next_id - 1, "kept_nodes": kept, "ways": way_id - 1}


def measure(kind: str, path: Path) -> dict[str, float]:
    """Run one import in a fresh process; its seconds and peak RSS (MiB)."""
    done = subprocess.run([sys.executable, __file__, "--measure", kind, str(path)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _run_measurement(kind: str, path: Path) -> None:
    start = time.perf_counter()
    if kind == "corridor":
        from corridor.io import save_network_gpkg
        from corridor.osm import network_from_pbf, summary

        steps: dict[str, list[float]] = {}  # step: [seconds from the start, peak MiB so far] when it began

        def step(name: str) -> None:
            steps[name] = [round(time.perf_counter() - start, 1), round(_peak_mib())]

        network = network_from_pbf(path, max_snap_km=30.0, on_step=step)
        step("writing the GeoPackage")
        save_network_gpkg(network, path.with_suffix(".gpkg"))
        path.with_suffix(".gpkg").unlink()
        info = summary(network)
        extra = {"graph_nodes": info["hubs"] + info["junctions"], "hubs": info["hubs"], "steps": steps}
    else:
        import osmnx as ox

        graph = ox.graph_from_xml(path, simplify=False, retain_all=True)
        extra = {"graph_nodes": len(graph)}
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": round(seconds, 1), "peak_mib": round(_peak_mib()), **extra}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1_000_000, 10_000_000], help="OSM nodes of the PBF extracts")
    parser.add_argument("--osmnx-nodes", type=int, nargs="*", default=[1_000_000], help="OSM nodes of the XML extracts for osmnx")
    parser.add_argument("--kept-share", type=float, default=0.1)
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _run_measurement(args.measure[0], Path(args.measure[1]))
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        jobs = [("corridor", n, ".osm.pbf") for n in args.nodes] + [("osmnx", n, ".osm") for n in args.osmnx_nodes]
        for kind, n, suffix in jobs:
            path = Path(folder) / f"synthetic_{n}{suffix}"
            start = time.perf_counter()
            counts = write_extract(path, n, kept_share=args.kept_share)
            written = time.perf_counter() - start
            result = measure(kind, path)
            row = {"reader": kind, **counts, "file_mib": round(path.stat().st_size / 2**20), "write_s": round(written, 1), **result}
            print(json.dumps(row), flush=True)
            rows.append(row)
            path.unlink()
    print("\n| reader | OSM nodes | kept nodes | file MiB | import s | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['reader']} | {row['nodes']:,} | {row['kept_nodes']:,} | {row['file_mib']:,} | {row['seconds']} | {row['peak_mib']:,} |")


if __name__ == "__main__":
    main()
