"""Benchmark: a 50-hub OD skim on a synthetic 20,000-node transport graph.

corridor (``skim_matrix``: scipy's compiled Dijkstra on a CSR matrix cached per
graph version) against plain networkx (one ``single_source_dijkstra_path_length``
per hub) and raw scipy (``dijkstra`` with ``indices=`` on a matrix built by
hand), measured in one run. Targets (issue 3): at least 15x networkx, within
1.3x of raw scipy once the graph is converted.

Run: ``.venv/bin/python -m benchmarks.bench_routing [--nodes 20000] [--hubs 50]``
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from benchmarks.synthetic import synthetic_graph
from corridor.graph import hub_node
from corridor.routing import skim_matrix


def best_of(repeats: int, function) -> tuple[float, object]:
    """Best wall time of ``repeats`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--hubs", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    graph = synthetic_graph(args.nodes, seed=1)
    hubs = list(graph.graph["hub_nodes"])[: args.hubs]
    nodes = [hub_node(graph, h) for h in hubs]
    print(f"graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges; skim of {len(hubs)} hubs")

    start = time.perf_counter()
    cold = skim_matrix(graph, hubs)
    corridor_cold = time.perf_counter() - start
    corridor_warm, warm = best_of(args.repeats, lambda: skim_matrix(graph, hubs))

    def networkx_skim() -> np.ndarray:
        out = np.full((len(nodes), len(nodes)), np.inf)
        for i, source in enumerate(nodes):
            lengths = nx.single_source_dijkstra_path_length(graph, source, weight="travel_time")
            out[i] = [lengths.get(t, np.inf) for t in nodes]
        return out / 3600.0

    networkx_time, reference = best_of(1, networkx_skim)

    order = list(graph.nodes)
    index = {n: i for i, n in enumerate(order)}
    rows, cols, weights = zip(*((index[u], index[v], d["travel_time"]) for u, v, d in graph.edges(data=True)), strict=True)
    raw_matrix = csr_array((weights, (rows, cols)), shape=(len(order),) * 2)  # duplicates summed; the synthetic graph has none
    positions = np.array([index[n] for n in nodes])
    scipy_time, raw = best_of(args.repeats, lambda: dijkstra(raw_matrix, indices=positions)[:, positions] / 3600.0)

    assert np.allclose(warm.to_numpy(), reference) and np.allclose(cold.to_numpy(), raw)
    print(f"{'method':34s} {'seconds':>9s} {'vs corridor':>12s}")
    for label, seconds in [
        ("corridor skim_matrix (cached CSR)", corridor_warm),
        ("corridor skim_matrix (first call)", corridor_cold),
        ("raw scipy dijkstra(indices=)", scipy_time),
        ("networkx single-source x hubs", networkx_time),
    ]:
        print(f"{label:34s} {seconds:9.4f} {seconds / corridor_warm:11.2f}x")
    print(f"speed-up vs networkx: {networkx_time / corridor_warm:.1f}x (target >= 15x)")
    print(f"corridor / raw scipy: {corridor_warm / scipy_time:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
