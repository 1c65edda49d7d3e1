"""Centrality kernels against networkx, measured in one run on synthetic transport networks.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_centrality [--quick]

Three tasks, each timed for corridor and for networkx on the same graph, and
checked to give the same numbers:

- exact betweenness (travel-time weighted) on a 2,000-node network;
- sampled betweenness (k sources, seeded) on a 20,000-node network;
- the hub criticality sweep (remove each hub, re-route the gravity demand)
  on a 1,000-node network with 50 hubs; networkx re-runs Dijkstra from each
  origin for each removal.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import synthetic_graph  # noqa: E402
from corridor.centrality import betweenness, criticality  # noqa: E402
from corridor.demand import demand_matrix  # noqa: E402
from corridor.routing import simple_digraph  # noqa: E402


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def max_difference(ours: dict, theirs: dict) -> float:
    return max(abs(ours[node] - value) for node, value in theirs.items())


def bench_exact(n_nodes: int) -> dict:
    graph = synthetic_graph(n_nodes, seed=1)
    simple = simple_digraph(graph, "travel_time")
    theirs, t_nx = timed(lambda: nx.betweenness_centrality(simple, weight="travel_time"))
    ours, t_ours = timed(lambda: betweenness(graph))
    _, t_warm = timed(lambda: betweenness(graph))
    return row(f"exact betweenness, {n_nodes:,} nodes", graph, t_nx, t_ours, max_difference(ours, theirs), t_warm)


def bench_sampled(n_nodes: int, k: int) -> dict:
    graph = synthetic_graph(n_nodes, seed=2)
    simple = simple_digraph(graph, "travel_time")
    theirs, t_nx = timed(lambda: nx.betweenness_centrality(simple, k=k, seed=7, weight="travel_time"))
    ours, t_ours = timed(lambda: betweenness(graph, k=k, seed=7))
    _, t_warm = timed(lambda: betweenness(graph, k=k, seed=7))
    return row(f"sampled betweenness k={k}, {n_nodes:,} nodes", graph, t_nx, t_ours, max_difference(ours, theirs), t_warm)


def networkx_sweep(graph: nx.MultiDiGraph, demand) -> dict[str, float]:
    """The criticality sweep the plain way: for each hub, drop it and re-run Dijkstra from every origin."""
    simple = simple_digraph(graph, "travel_time")
    hub_nodes = graph.graph["hub_nodes"]
    ids = list(demand.index)
    flows = demand.to_numpy()

    def total(view, skip: str | None) -> tuple[float, int]:
        hours, cut = 0.0, 0
        for i, origin in enumerate(ids):
            if origin == skip:
                continue
            reach = nx.single_source_dijkstra_path_length(view, hub_nodes[origin], weight="travel_time")
            for j, target in enumerate(ids):
                if target in (origin, skip) or flows[i, j] <= 0:
                    continue
                node = hub_nodes[target]
                if node in reach:
                    hours += flows[i, j] * reach[node] / 3600.0
                else:
                    cut += 1
        return hours, cut

    extra = {}
    for hub in ids:
        base, _ = total(simple, hub)
        after, _ = total(nx.restricted_view(simple, [hub_nodes[hub]], []), hub)
        extra[hub] = after - base
    return extra


def bench_sweep(n_nodes: int) -> dict:
    graph = synthetic_graph(n_nodes, seed=3)
    demand = demand_matrix(graph)
    theirs, t_nx = timed(lambda: networkx_sweep(graph, demand))
    table, t_ours = timed(lambda: criticality(graph, demand))
    _, t_warm = timed(lambda: criticality(graph, demand))
    ours = dict(zip(table["id"], table["extra_hours"], strict=True))
    difference = max(abs(ours[hub] - value) / max(abs(value), 1.0) for hub, value in theirs.items())
    label = f"criticality sweep, {n_nodes:,} nodes, {len(demand)} hubs"
    return row(label, graph, t_nx, t_ours, difference, t_warm)


def row(task: str, graph: nx.MultiDiGraph, t_nx: float, t_ours: float, difference: float, t_warm: float) -> dict:
    """One line of the table; ``t_ours`` includes building the CSR and igraph copies, ``t_warm`` reuses them."""
    return {
        "task": task,
        "edges": graph.number_of_edges(),
        "networkx s": t_nx,
        "corridor s": t_ours,
        "ratio": t_nx / t_ours,
        "warm s": t_warm,
        "warm ratio": t_nx / t_warm,
        "max difference": difference,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Smaller graphs, for a smoke run.")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    rows = [
        bench_exact(2_000 // scale),
        bench_sampled(20_000 // scale, k=50 // (5 if args.quick else 1)),
        bench_sweep(1_000 // scale),
    ]
    header = (
        f"{'task':<46} {'edges':>8} {'networkx s':>11} {'corridor s':>11} {'ratio':>8} "
        f"{'warm s':>8} {'warm ratio':>11} {'max diff':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['task']:<46} {r['edges']:>8,} {r['networkx s']:>11.3f} {r['corridor s']:>11.3f} "
            f"{r['ratio']:>7.0f}x {r['warm s']:>8.3f} {r['warm ratio']:>10.0f}x {r['max difference']:>10.1e}"
        )
    print("corridor s: first call, building the graph's CSR and igraph copies; warm: cached (same graph version).")
    print(f"numpy {np.__version__}, networkx {nx.__version__}; one run, same process, same graphs.")


if __name__ == "__main__":
    main()
