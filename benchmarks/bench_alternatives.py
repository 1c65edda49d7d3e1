"""Benchmark: alternatives (``find_routes(k=2, 3)``) on a big grid network, against one route on it.

The network is :func:`benchmarks.synthetic.grid_network` (junctions 4-6 km apart,
a city at two opposite corners, as an imported OpenStreetMap network is laid
out). Each figure is the median CPU seconds of ``--runs`` fresh processes, the
graph built before the timer starts. ``--exact-side`` also times the exact
search (Yen's next-best paths and line elimination, which graphs of at most
``EXACT_ALTERNATIVES_NODES`` nodes use) on a smaller grid, with a time limit.

Run: ``.venv/bin/python -m benchmarks.bench_alternatives [--side 200] [--runs 5] [--exact-side 50]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(side: int, k: int, exact: bool) -> dict:
    """CPU seconds of ``find_routes(k=k)`` from ``west`` to ``east`` on a fresh grid graph."""
    from benchmarks.synthetic import grid_network
    from corridor import routing
    from corridor.graph import graph_from_network

    if exact:
        routing.EXACT_ALTERNATIVES_NODES = sys.maxsize
    graph = graph_from_network(grid_network(side), geometry=False)
    start = time.process_time()
    routes = routing.find_routes(graph, "west", "east", k=k)
    return {"nodes": len(graph), "seconds": time.process_time() - start, "routes": len(routes), "km": [round(r.length_km, 1) for r in routes]}


def run(side: int, k: int, *, exact: bool = False, timeout: float | None = None) -> dict | None:
    """One child process (``None`` when it runs past ``timeout`` seconds)."""
    argv = [sys.executable, "-m", "benchmarks.bench_alternatives", "--child", str(side), str(k), *(["--exact"] if exact else [])]
    try:
        out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True, timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--side", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--exact-side", type=int, help="also time the exact search on a grid of this side")
    parser.add_argument("--limit", type=float, default=150.0, help="seconds the exact search may take")
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--exact", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child, args.exact)))
        return
    one = None
    for k in (1, 2, 3):
        results = [result for _ in range(args.runs) if (result := run(args.side, k)) is not None]
        seconds = statistics.median(result["seconds"] for result in results)
        one = one or seconds
        print(f"k={k}, {results[0]['nodes']:,} nodes: {seconds:.2f} s CPU ({seconds / one:.1f}x k=1), routes {results[0]['km']} km")
    if args.exact_side:
        exact = run(args.exact_side, 2, exact=True, timeout=args.limit)
        said = f"{exact['seconds']:.1f} s CPU" if exact else f"did not finish in {args.limit:.0f} s"
        print(f"exact search, k=2, grid of side {args.exact_side}: {said}")


if __name__ == "__main__":
    main()
