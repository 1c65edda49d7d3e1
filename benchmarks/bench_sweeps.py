"""Criticality sweep over links: one process against a 2-worker Dask LocalCluster, and a projection to N workers.

Run from the repository root::

    .venv/bin/python benchmarks/bench_sweeps.py [--nodes 100000] [--hubs 100] [--sample 400]

The network is :func:`benchmarks.synthetic.synthetic_graph` (a planar
road-and-rail network) with ``--hubs`` city hubs and the gravity demand
between them. A sweep over every link removes each link in turn and re-routes
the origins whose fastest-path trees used it (:func:`corridor.centrality.criticality`
with ``links=True``). The full sweep is timed on an evenly spaced sample of
``--sample`` links (the same sample both ways, results checked equal) and
projected to all links from the measured time per link:

- one process: ``criticality(graph, demand, links=True, only=sample)``;
- a ``LocalCluster`` of 2 single-threaded worker processes:
  ``corridor.sweeps.criticality(client, ..., only=sample)``, 4 tasks per worker;
- N workers: the sweep is cut into ``TASKS_PER_WORKER`` tasks per worker
  (:mod:`corridor.sweeps`), each paying the set-up (fastest-path trees of
  every origin, the removal list of every link) once, so a worker's time is
  ``TASKS_PER_WORKER x set-up + links / N x per-link time``; set-up and
  per-link time are measured in the single process. The same formula for
  the sample on 2 workers is printed next to the measured 2-worker time, to
  check the model (what it leaves out: sending the graph, starting tasks).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import synthetic_graph
from corridor.centrality import criticality, removal_ids
from corridor.demand import demand_matrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--hubs", type=int, default=100)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--workers", type=int, nargs="*", default=[2, 8, 32, 128])
    args = parser.parse_args()
    from dask.distributed import Client, LocalCluster

    from corridor import sweeps

    start = time.perf_counter()
    graph = synthetic_graph(args.nodes, seed=5, hub_share=args.hubs / args.nodes)
    flows = demand_matrix(graph)
    links = removal_ids(graph, links=True)
    sample = links[:: max(1, len(links) // args.sample)][: args.sample]
    built = time.perf_counter() - start

    start = time.perf_counter()
    single = criticality(graph, flows, links=True, only=sample)
    one = time.perf_counter() - start
    start = time.perf_counter()
    criticality(graph, flows, links=True, only=sample[:1])
    setup = time.perf_counter() - start  # trees and removal lists: every task pays this once

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        start = time.perf_counter()
        spread = sweeps.criticality(client, graph, flows, links=True, only=sample)
        two = time.perf_counter() - start
    pd.testing.assert_frame_equal(spread, single, check_exact=True)

    per_link = (one - setup) / len(sample)

    def worker_s(items: int, workers: int) -> float:
        return sweeps.TASKS_PER_WORKER * setup + per_link * items / workers

    result = {
        "nodes": args.nodes, "links": len(links), "hubs": len(graph.graph["hub_nodes"]), "sample": len(sample),
        "build_s": round(built, 1), "one_process_s": round(one, 1), "two_workers_s": round(two, 1),
        "two_workers_model_s": round(worker_s(len(sample), 2), 1), "setup_s": round(setup, 2),
        "per_link_s": round(per_link, 4), "speed_up_2": round(one / two, 2),
        "projected_full_h": {1: round((setup + per_link * len(links)) / 3600, 2)}
        | {n: round(worker_s(len(links), n) / 3600, 2) for n in args.workers},
    }  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main()
