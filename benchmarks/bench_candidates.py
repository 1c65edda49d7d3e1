"""Benchmark: rank 1,000 candidate links on a synthetic 2,000-node graph.

corridor (``rank_candidates``: two multi-source Dijkstra runs, then an exact
incremental update of the city-to-city skim per candidate, restricted to the
rows and columns that can gain) against the naive way (add the candidate to a
copy of the graph, rerun networkx Dijkstra from every city, sum the saving),
measured in one run. The naive time for all candidates is estimated from a
few; their savings are checked against corridor's. Target (issue 5): at
least 1,000x.

Run: ``.venv/bin/python -m benchmarks.bench_candidates [--nodes 2000] [--candidates 1000] [--naive 5]``
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np

from benchmarks.synthetic import synthetic_graph
from corridor.candidates import add_candidate, generate_candidates, rank_candidates
from corridor.demand import demand_matrix
from corridor.graph import hub_node
from corridor.params import ModelParams


def naive_saving_h(graph: nx.MultiDiGraph, candidate, params: ModelParams, demand) -> float:
    """Demand-weighted saving of one candidate by recomputing every city's shortest paths."""
    zones = [hub_node(graph, hub) for hub in demand.index]
    flows = demand.to_numpy(dtype=float)

    def skim(g: nx.MultiDiGraph) -> np.ndarray:
        out = np.full((len(zones), len(zones)), np.inf)
        for i, source in enumerate(zones):
            lengths = nx.single_source_dijkstra_path_length(g, source, weight="travel_time")
            out[i] = [lengths.get(t, np.inf) for t in zones]
        return out

    old, new = skim(graph), skim(add_candidate(graph, candidate, params))
    with np.errstate(invalid="ignore"):
        return float((flows * np.where(np.isfinite(old), old - new, 0.0)).sum()) / 3600.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2_000)
    parser.add_argument("--candidates", type=int, default=1_000)
    parser.add_argument("--naive", type=int, default=5, help="candidates the naive method times (the rest is estimated)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    graph = synthetic_graph(args.nodes, seed=args.seed)
    params = ModelParams()
    demand = demand_matrix(graph)
    candidates = generate_candidates(graph, mode="rail", max_km=5_000)[: args.candidates]
    print(f"graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges, {len(demand)} cities; "
          f"{len(candidates):,} rail candidates")

    start = time.perf_counter()
    ranked = rank_candidates(graph, candidates, params=params, demand=demand)
    corridor_s = time.perf_counter() - start

    sample = candidates[:: max(len(candidates) // args.naive, 1)][: args.naive]
    savings = ranked.set_index("id")["saving_h"]
    start = time.perf_counter()
    naive = {c.id: naive_saving_h(graph, c, params, demand) for c in sample}
    per_candidate = (time.perf_counter() - start) / len(sample)
    naive_s = per_candidate * len(candidates)
    worst = max(abs(naive[c] - savings[c]) / max(abs(naive[c]), 1e-9) for c in naive)

    print(f"{'method':<44}{'seconds':>12}{'vs corridor':>14}")
    print(f"{'corridor rank_candidates (incremental)':<44}{corridor_s:>12.3f}{1.0:>13.2f}x")
    print(f"{f'naive networkx recompute (est. from {len(sample)})':<44}{naive_s:>12.1f}{naive_s / corridor_s:>13.0f}x")
    print(f"naive per candidate: {per_candidate:.3f} s; largest relative difference of savings: {worst:.1e}")
    print(f"speed-up: {naive_s / corridor_s:,.0f}x (target >= 1,000x)")


if __name__ == "__main__":
    main()
