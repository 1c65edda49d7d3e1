"""Sweeps on Dask distributed: the same tables as the single-process run (corridor.sweeps)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_corridor

from corridor.candidates import generate_candidates, rank_candidates
from corridor.centrality import criticality
from corridor.demand import demand_matrix
from corridor.routing import skim_matrix

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture(scope="module")
def client():
    """A real distributed scheduler with 2 workers, in this process (threads) for speed."""
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def synthetic():
    sys.path.insert(0, str(ROOT))
    from benchmarks.synthetic import synthetic_graph

    return synthetic_graph(120, seed=3, hub_share=0.1)


def _graphs(mini_network, round_params, synthetic):
    from corridor.graph import graph_from_network

    return {"mini": graph_from_network(mini_network, profile="freight", params=round_params), "synthetic": synthetic}


@pytest.mark.parametrize("block", [None, 9])
def test_criticality_equals_single_process(client, mini_network, round_params, synthetic, block):
    from corridor import sweeps

    for name, graph in _graphs(mini_network, round_params, synthetic).items():
        flows = demand_matrix(graph)
        for links in (False, True):
            seen = []
            single = criticality(graph, flows, links=links)
            spread = sweeps.criticality(client, graph, flows, links=links, block=block, progress=lambda done, total, seen=seen: seen.append((done, total)))
            pd.testing.assert_frame_equal(spread, single, check_exact=True, obj=f"{name} links={links}")
            assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] == len(seen) - 1  # one report per completed task
        top = sweeps.criticality(client, graph, flows, links=True, top=3, block=block)
        pd.testing.assert_frame_equal(top, criticality(graph, flows, links=True, top=3), check_exact=True)


@pytest.mark.parametrize("by", ["time", "cost"])
def test_candidates_equal_single_process(client, mini_network, round_params, synthetic, by):
    from corridor import sweeps
    from corridor.graph import graph_from_network

    graph = graph_from_network(mini_network, profile="freight", params=round_params)
    for g, params, network in ((graph, round_params, mini_network), (synthetic, None, None)):
        found = generate_candidates(g, mode="rail", max_km=2000.0, network=network)
        assert len(found) >= 3
        flows = demand_matrix(g)
        single = rank_candidates(g, found, params=params, demand=flows, by=by)
        spread = sweeps.rank_candidates(client, g, found, params=params, demand=flows, by=by, block=2)
        pd.testing.assert_frame_equal(spread, single, check_exact=True)


@pytest.mark.parametrize("by", ["time", "length", "cost"])
def test_od_matrix_equals_single_process(client, mini_network, round_params, synthetic, by):
    from corridor import sweeps

    for graph in _graphs(mini_network, round_params, synthetic).values():
        pd.testing.assert_frame_equal(sweeps.skim_matrix(client, graph, by=by, block=3), skim_matrix(graph, by=by), check_exact=True)
    graph = _graphs(mini_network, round_params, synthetic)["mini"]
    hubs = ["Chongqing", "Hanoi", "Singapore"]
    pd.testing.assert_frame_equal(sweeps.skim_matrix(client, graph, hubs, by=by), skim_matrix(graph, hubs, by=by), check_exact=True)


def _json(*args: str) -> object:
    result = run_corridor(*args, "--network", str(MINI), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_scheduler_equals_single_process(client):
    """Each sweep command on a running scheduler (the fixture's, by address) prints the single run's JSON."""
    for command in (["critical", "--links", "--top", "50"], ["od"], ["candidates", "--mode", "rail", "--top", "50"]):
        assert _json(*command, "--scheduler", client.scheduler.address) == _json(*command)


def test_cli_scheduler_local_starts_worker_processes_with_the_same_result():
    """`--scheduler local` starts a LocalCluster of worker processes on this machine."""
    assert _json("critical", "--links", "--top", "50", "--scheduler", "local") == _json("critical", "--links", "--top", "50")


def test_no_dask_without_scheduler():
    code = (
        "import sys; from typer.testing import CliRunner; from corridor.cli import app; "
        "r = CliRunner().invoke(app, ['critical', '--network', sys.argv[1], '--json']); "
        "r2 = CliRunner().invoke(app, ['od', '--network', sys.argv[1], '--json']); "
        "r3 = CliRunner().invoke(app, ['candidates', '--network', sys.argv[1], '--mode', 'rail', '--json']); "
        "assert r.exit_code == r2.exit_code == r3.exit_code == 0, (r.output, r2.output, r3.output); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(MINI)], check=False, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_unreachable_scheduler_is_one_line(monkeypatch):
    from corridor import sweeps

    monkeypatch.setattr(sweeps, "CONNECT_TIMEOUT_S", 1)
    done = run_corridor("od", "--network", str(MINI), "--scheduler", "tcp://127.0.0.1:9")
    assert done.exit_code == 2 and len(done.stderr.strip().splitlines()) == 1 and "--scheduler" in done.stderr


def test_criticality_with_nothing_to_remove_is_the_empty_table(client, mini_network, round_params):
    from corridor import sweeps
    from corridor.graph import graph_from_network

    graph = graph_from_network(mini_network, profile="freight", params=round_params)
    demand = demand_matrix(graph)
    spread = sweeps.criticality(client, graph, demand, links=True, only=["no_such_link"])
    assert spread.empty and list(spread.columns) == list(criticality(graph, demand, links=True, only=["no_such_link"]).columns)
