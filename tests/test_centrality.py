"""Centrality and criticality: kernels against networkx, the mini corridor by hand, the CLI."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from conftest import run_corridor
from typer.testing import CliRunner

from corridor._errors import CorridorError
from corridor.centrality import (
    CRITICALITY_COLUMNS,
    RANKING_COLUMNS,
    UNSERVED_PENALTY_H,
    betweenness,
    compare_rankings,
    criticality,
    demand_flows,
    harmonic_closeness,
    hub_ranking,
    pairs_cut_off,
    total_travel_time,
)
from corridor.cli import app
from corridor.demand import demand_matrix
from corridor.graph import graph_from_network
from corridor.io import load_network
from corridor.params import ModelParams
from corridor.routing import simple_digraph, skim_matrix
from corridor.settings import GEODATA_DIR

MINI = Path(__file__).parent / "data" / "mini"
CITIES = ["chongqing", "huaihua", "guiyang", "qinzhou_port", "singapore", "hanoi"]
PAIRS = len(CITIES) * (len(CITIES) - 1)


def random_graph(n: int, p: float, seed: int, *, hubs: bool = False) -> tuple[nx.MultiDiGraph, nx.DiGraph]:
    """A random multigraph with float travel times (some parallel edges), and its simple reduction."""
    rng = random.Random(seed)
    labels = [7 * i + 3 for i in range(n)]
    rng.shuffle(labels)
    multi = nx.MultiDiGraph(version=f"random-{n}-{seed}", hub_nodes={}, terminal_nodes={})
    multi.add_nodes_from(labels)
    for u, v in nx.gnp_random_graph(n, p, seed=seed, directed=True).edges:
        time = rng.uniform(1.0, 100.0)
        multi.add_edge(labels[u], labels[v], travel_time=time, edge_type="link", link_id=f"l{u}-{v}", mode="rail")
        if rng.random() < 0.2:
            multi.add_edge(labels[u], labels[v], travel_time=time * 1.5, edge_type="link", link_id=f"m{u}-{v}", mode="sea")
    simple = nx.DiGraph()
    simple.add_nodes_from(multi.nodes)
    for u, v, data in multi.edges(data=True):
        if not simple.has_edge(u, v) or data["travel_time"] < simple[u][v]["travel_time"]:
            simple.add_edge(u, v, travel_time=data["travel_time"])
    if hubs:
        for node in labels:
            hub = f"h{node}"
            multi.graph["hub_nodes"][hub] = node
            multi.nodes[node].update(hub=hub, city=hub, name=f"Hub {node}", node_type="hub")
    return multi, simple


def assert_same(ours: dict, theirs: dict) -> None:
    assert ours.keys() == theirs.keys()
    for node, value in theirs.items():
        assert ours[node] == pytest.approx(value, rel=1e-9, abs=1e-12), node


# -- kernels against networkx ----------------------------------------------------------------------


@pytest.mark.parametrize(("n", "p", "seed"), [(12, 0.3, 1), (25, 0.15, 2), (40, 0.1, 3), (60, 0.06, 4)])
@pytest.mark.parametrize("normalized", [True, False])
def test_exact_betweenness_equals_networkx(n, p, seed, normalized):
    multi, simple = random_graph(n, p, seed)
    expected = nx.betweenness_centrality(simple, weight="travel_time", normalized=normalized)
    assert_same(betweenness(multi, normalized=normalized), expected)


@pytest.mark.parametrize(("n", "k", "seed"), [(30, 5, 0), (40, 12, 7), (50, 2, 11), (35, 34, 3)])
@pytest.mark.parametrize("normalized", [True, False])
def test_sampled_betweenness_equals_networkx_on_the_same_sample(n, k, seed, normalized):
    multi, simple = random_graph(n, 0.12, seed + 100)
    expected = nx.betweenness_centrality(simple, k=k, seed=seed, weight="travel_time", normalized=normalized)
    assert_same(betweenness(multi, k=k, seed=seed, normalized=normalized), expected)


def test_sampling_all_nodes_is_exact():
    multi, _ = random_graph(20, 0.2, 5)
    assert betweenness(multi, k=20, seed=9) == betweenness(multi)


def test_bad_sample_size_is_a_corridor_error():
    multi, _ = random_graph(10, 0.3, 1)
    with pytest.raises(CorridorError, match="k must be"):
        betweenness(multi, k=11)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_harmonic_closeness_equals_networkx(seed):
    multi, simple = random_graph(30, 0.1, seed)
    assert_same(harmonic_closeness(multi), nx.harmonic_centrality(simple, distance="travel_time"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hub_betweenness_is_node_betweenness_when_every_node_is_a_hub(seed):
    multi, simple = random_graph(30, 0.12, seed, hubs=True)
    n = len(simple)
    expected = nx.betweenness_centrality(simple, weight="travel_time", normalized=False)
    ranking = hub_ranking(multi, measure="betweenness").set_index("id")["score"]
    assert_same({node: ranking[f"h{node}"] * n * (n - 1) for node in simple}, expected)


@pytest.mark.parametrize("seed", [1, 2])
def test_unit_demand_flows_are_betweenness_without_ties(seed):
    multi, simple = random_graph(25, 0.15, seed, hubs=True)
    ids = list(multi.graph["hub_nodes"])
    ones = pd.DataFrame(1.0, index=ids, columns=ids) - np.eye(len(ids))
    flows, links = demand_flows(multi, ones)
    expected = nx.betweenness_centrality(simple, weight="travel_time", normalized=False)
    assert_same({node: flows[f"h{node}"] for node in simple}, expected)
    edge_expected = nx.edge_betweenness_centrality(simple, weight="travel_time", normalized=False)
    for (u, v), value in edge_expected.items():
        fastest = min(multi[u][v].values(), key=lambda d: d["travel_time"])["link_id"]
        assert links.get(fastest, 0.0) == pytest.approx(value)


# -- zero-time edges (issue 13, item 2) ------------------------------------------------------------


def fastest_path_betweenness(simple: nx.DiGraph) -> dict:
    """Betweenness by its definition: every loop-free path of least time, enumerated (small graphs only).

    networkx is no reference with zero weights: its ties through a zero-time edge depend on the order
    edges were added, and zero-time loops inflate its counts.
    """
    values = dict.fromkeys(simple, 0.0)
    for source, target in itertools.permutations(simple, 2):
        paths = list(nx.all_simple_paths(simple, source, target))
        if not paths:
            continue
        times = [sum(simple[u][v]["travel_time"] for u, v in itertools.pairwise(path)) for path in paths]
        fastest = [path for path, time in zip(paths, times, strict=True) if time == min(times)]
        for path in fastest:
            for node in path[1:-1]:
                values[node] += 1 / len(fastest)
    return values


def zero_time_graph(n: int, p: float, seed: int, zero_share: float) -> tuple[nx.MultiDiGraph, nx.DiGraph]:
    """A random graph of whole-second times (ties exact) where a share of the edges take no time.

    Two of its edges take no time both ways (a terminal of time 0 and its hub, to and fro).
    """
    multi, _ = random_graph(n, p, seed, hubs=True)
    rng = random.Random(seed)
    for _, _, data in multi.edges(data=True):
        data["travel_time"] = 0.0 if rng.random() < zero_share else float(rng.randint(1, 4))
    for u, v in rng.sample(sorted(set(multi.edges())), 2):
        multi.add_edge(u, v, travel_time=0.0)
        multi.add_edge(v, u, travel_time=0.0)
    simple = nx.DiGraph()
    simple.add_nodes_from(multi)
    for u, v, time in multi.edges(data="travel_time"):
        if not simple.has_edge(u, v) or time < simple[u][v]["travel_time"]:
            simple.add_edge(u, v, travel_time=time)
    return multi, simple


@pytest.mark.parametrize("seed", range(12))
def test_betweenness_with_zero_time_edges_counts_every_fastest_path(seed):
    multi, simple = zero_time_graph(9, 0.35, seed, zero_share=0.4)
    expected = fastest_path_betweenness(simple)
    assert_same(betweenness(multi, normalized=False), expected)
    n = len(simple)
    ranking = hub_ranking(multi, measure="betweenness").set_index("id")["score"]
    assert_same({node: ranking[f"h{node}"] * n * (n - 1) for node in simple}, expected)


def test_exact_kernel_equals_networkx_where_every_edge_takes_time():
    multi, simple = random_graph(30, 0.12, 8)
    multi.add_edge("a", "b", travel_time=0.0)  # an aside of zero time puts the whole graph on the exact kernel
    multi.add_edge("b", "a", travel_time=0.0)
    ours = betweenness(multi, normalized=False)
    assert ours.pop("a") == ours.pop("b") == 0.0
    assert_same(ours, nx.betweenness_centrality(simple, weight="travel_time", normalized=False))


def test_harmonic_closeness_with_zero_time_edges_equals_networkx():
    multi, simple = zero_time_graph(20, 0.15, 3, zero_share=0.3)
    assert_same(harmonic_closeness(multi), nx.harmonic_centrality(simple, distance="travel_time"))


def test_a_tangle_of_zero_time_edges_is_refused_in_one_line():
    multi = nx.MultiDiGraph(version="tangle", hub_nodes={}, terminal_nodes={})
    for u, v in itertools.permutations(range(10), 2):
        multi.add_edge(u, v, travel_time=0.0)
    multi.add_node(3, name="Knot")
    with pytest.raises(CorridorError, match=r"^betweenness cannot be exact: 10 nodes around .* zero-time edges") as error:
        betweenness(multi)
    assert "\n" not in str(error.value)


def test_mini_betweenness_with_a_terminal_time_of_zero(mini_network, tmp_path):
    # A params file may set a terminal time of 0: board and alight edges of zero time both ways.
    text = (MINI / "round.toml").read_text(encoding="utf-8")
    params = tmp_path / "zero.toml"
    params.write_text(text.replace("terminal_h = { rail = 5.0", "terminal_h = { rail = 0.0"), encoding="utf-8")
    graph = graph_from_network(mini_network, profile="freight", params=ModelParams.from_file(params))
    assert sum(time == 0 for _, _, time in graph.edges(data="travel_time")) >= 8
    assert_same(betweenness(graph, normalized=False), fastest_path_betweenness(simple_digraph(graph)))


@pytest.mark.parametrize("profile", ["freight", "passenger"])
def test_builtin_rankings_do_not_jump_when_a_terminal_time_leaves_zero(builtin_network, profile):
    # A terminal time of 0 once moved scores by 40% against 0.36 ms (1e-7 h).
    scores = [
        hub_ranking(graph_from_network(builtin_network, profile=profile, params=ModelParams({profile: {"terminal_h": {"rail": hours}}})))
        .set_index("id")["score"]
        .sort_index()
        for hours in (0.0, 1e-7, 1e-4)
    ]
    assert scores[0].gt(0).sum() > 10
    pd.testing.assert_series_equal(scores[0], scores[1], rtol=1e-9)
    pd.testing.assert_series_equal(scores[0], scores[2], rtol=1e-9)


def test_builtin_passenger_through_edges_of_zero_time_rank_as_a_tiny_time(builtin_network):
    graph = graph_from_network(builtin_network, profile="passenger")
    through = [data for _, _, data in graph.edges(data=True) if data["edge_type"] == "through"]
    assert through and all(data["travel_time"] == 0 for data in through)
    exact = hub_ranking(graph).set_index("id")["score"]
    for data in through:
        data["travel_time"] = 0.01
    graph.graph["version"] = "through edges of 10 ms"
    pd.testing.assert_series_equal(hub_ranking(graph).set_index("id")["score"], exact, rtol=1e-9)


# -- the mini corridor by hand ---------------------------------------------------------------------


def test_mini_betweenness_by_city(mini_freight):
    # Everything to Singapore and Hanoi passes Qinzhou Port: 4 x 2 + 3 x 2 = 14 of 30 ordered
    # pairs; Huaihua-Guiyang is fastest through Chongqing West, in the city of Chongqing: 2.
    ranking = hub_ranking(mini_freight)
    assert list(ranking.columns) == RANKING_COLUMNS
    scores = ranking.set_index("id")["score"]
    assert scores["qinzhou_port"] == pytest.approx(14 / PAIRS)
    assert scores["chongqing"] == pytest.approx(2 / PAIRS)
    assert scores.drop(["qinzhou_port", "chongqing"]).eq(0).all()
    assert ranking["rank"].tolist() == [1, 2, 3, 3, 3, 3]
    assert sorted(ranking["id"]) == sorted(CITIES), "stations aggregate into their city"


def test_mini_betweenness_by_station(mini_freight):
    # Chongqing West also carries trips from the city centre to Huaihua and Guiyang, both ways.
    scores = hub_ranking(mini_freight, by_station=True).set_index("id")["score"]
    assert scores["cq_west"] == pytest.approx(6 / PAIRS)
    assert scores["chongqing"] == 0.0, "trips start at the centre: it is an endpoint, not a pass"
    assert scores["cq_port"] == 0.0
    assert scores["qinzhou_port"] == pytest.approx(14 / PAIRS)


def test_mini_sampled_hub_betweenness(mini_freight):
    exact = hub_ranking(mini_freight)
    assert hub_ranking(mini_freight, k=len(CITIES)).equals(exact)
    assert hub_ranking(mini_freight, k=3, seed=4).equals(hub_ranking(mini_freight, k=3, seed=4))


def test_mini_closeness_is_harmonic_mean_of_incoming_hours(mini_freight):
    hours = skim_matrix(mini_freight, CITIES)
    scores = hub_ranking(mini_freight, measure="closeness").set_index("id")["score"]
    for city in CITIES:
        expected = sum(1 / hours.loc[other, city] for other in CITIES if other != city) / (len(CITIES) - 1)
        assert scores[city] == pytest.approx(expected)


def test_mini_degree_and_strength_by_mode(mini_freight):
    degree = hub_ranking(mini_freight, measure="degree").set_index("id")
    assert degree.loc["qinzhou_port", ["score", "rail", "sea", "expressway"]].tolist() == [5, 3, 1, 1]
    # the port link joins two hubs of Chongqing: not counted by city, counted by station
    assert degree.loc["chongqing", "score"] == 3
    by_station = hub_ranking(mini_freight, measure="degree", by_station=True).set_index("id")
    assert by_station.loc["cq_port", "score"] == 1
    strength = hub_ranking(mini_freight, measure="strength").set_index("id")
    assert strength.loc["singapore", "sea"] == pytest.approx(1 / 80)  # 2,400 km at 30 km/h


@pytest.fixture
def mini_demand(mini_freight, tmp_path):
    path = tmp_path / "demand.csv"
    path.write_text("origin,destination,flow\nchongqing,singapore,10\nhuaihua,guiyang,5\nhanoi,chongqing,2\n")
    return demand_matrix(mini_freight, csv=path)


def test_mini_demand_flows_by_hand(mini_freight, mini_demand):
    # Chongqing-Singapore by G75 and sea through Qinzhou Port; Huaihua-Guiyang by rail through
    # Chongqing West; Hanoi-Chongqing by rail to Qinzhou Port, then G75.
    hubs, links = demand_flows(mini_freight, mini_demand)
    assert hubs.to_dict() == {"chongqing": 5.0, "huaihua": 0.0, "guiyang": 0.0, "qinzhou_port": 12.0, "singapore": 0.0, "hanoi": 0.0}
    assert links.to_dict() == {"g75": 12.0, "sea_sg": 10.0, "yuhuai": 5.0, "chuanqian": 5.0, "border": 2.0}
    assert hub_ranking(mini_freight, measure="demand", demand=mini_demand)["id"].tolist()[:2] == ["qinzhou_port", "chongqing"]


def test_mini_total_travel_time(mini_freight, mini_demand):
    # 10 x 144 h + 5 x 30 h + 2 x 52 h
    assert total_travel_time(mini_freight, mini_demand) == pytest.approx(1694.0)
    assert pairs_cut_off(mini_freight, mini_demand) == 0


def test_mini_criticality_of_hubs(mini_freight, mini_demand):
    table = criticality(mini_freight, mini_demand)
    assert list(table.columns) == CRITICALITY_COLUMNS
    rows = table.set_index("id")
    # Without Chongqing, Huaihua-Guiyang goes round by Qinzhou Port: 44 h instead of 30 h.
    # Its own trips (to Singapore, from Hanoi) lose their hub and are not counted.
    assert rows.loc["chongqing", "extra_hours"] == pytest.approx(5 * (44 - 30))
    assert rows.loc["chongqing", "pairs_cut"] == 0
    assert rows.loc["qinzhou_port", "pairs_cut"] == 2  # Chongqing-Singapore and Hanoi-Chongqing
    assert rows.loc["qinzhou_port", "demand_cut"] == pytest.approx(mini_demand.loc["chongqing", "singapore"] + mini_demand.loc["hanoi", "chongqing"])
    port = rows.loc["qinzhou_port"]
    assert port["loss_hours"] == pytest.approx(port["extra_hours"] + port["demand_cut"] * UNSERVED_PENALTY_H)
    assert table["id"].iloc[0] == "qinzhou_port"
    assert table["loss_hours"].is_monotonic_decreasing
    assert rows.loc[["huaihua", "guiyang", "singapore", "hanoi"], "extra_hours"].eq(0).all()


def test_mini_criticality_of_links(mini_freight, mini_demand):
    calls = []
    table = criticality(mini_freight, mini_demand, links=True, progress=lambda done, total: calls.append((done, total)))
    rows = table.set_index("id")
    assert rows.loc["sea_sg", "pairs_cut"] == 1, "the only link to Singapore"
    assert rows.loc["chuanqian", "extra_hours"] == pytest.approx(5 * (44 - 30))
    assert rows.loc["port_link", "extra_hours"] == 0
    assert calls[-1] == (len(table), len(table))
    assert len(criticality(mini_freight, mini_demand, links=True, top=3)) == 3


def test_mini_gravity_criticality_cuts_every_pair_with_singapore(mini_freight):
    rows = criticality(mini_freight, demand_matrix(mini_freight), links=True).set_index("id")
    assert rows.loc["sea_sg", "pairs_cut"] == 2 * (len(CITIES) - 1)
    assert rows.loc["border", "pairs_cut"] == 2 * (len(CITIES) - 1)


def test_compare_rankings_counts_places_gained(mini_network, round_params):
    now = hub_ranking(graph_from_network(mini_network, profile="passenger", params=round_params))
    later = hub_ranking(graph_from_network(mini_network, profile="passenger", year=2030, params=round_params))
    compared = compare_rankings(later, now)
    assert "change" in compared.columns
    assert all(c == now.set_index("id")["rank"][h] - r for h, r, c in zip(compared["id"], compared["rank"], compared["change"], strict=True))


def test_unknown_measure(mini_freight):
    with pytest.raises(CorridorError, match="unknown measure"):
        hub_ranking(mini_freight, measure="pagerank")


# -- the built-in network --------------------------------------------------------------------------


@pytest.mark.skipif(not (GEODATA_DIR / "hubs.geojson").exists(), reason="geodata/hubs.geojson not built yet")
def test_builtin_network_rankings(builtin_network):
    graph = graph_from_network(builtin_network, profile="freight")
    ranking = hub_ranking(graph)
    assert ranking["score"].between(0, 1).all()
    assert ranking["score"].iloc[0] > 0
    assert all(graph.nodes[graph.graph["hub_nodes"][hub]]["city"] == hub for hub in ranking["id"]), "cities only"
    demand = demand_matrix(graph)
    assert (demand.to_numpy() > 0).sum() > 0
    flows = hub_ranking(graph, measure="demand", demand=demand)
    assert flows["score"].iloc[0] > 0


# -- command line ----------------------------------------------------------------------------------

MINI_ARGS = ["--network", str(MINI), "--params", str(MINI / "round.toml")]


def test_cli_rank_json():
    result = CliRunner().invoke(app, ["rank", "--by", "betweenness", "--top", "3", "--json", *MINI_ARGS])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["measure"] == "betweenness"
    assert [hub["id"] for hub in report["hubs"]][:2] == ["qinzhou_port", "chongqing"]
    assert set(report["hubs"][0]) == {"rank", "id", "name", "score"}
    assert len(report["hubs"]) == 3


def test_cli_rank_compare_year_and_csv(tmp_path):
    out = tmp_path / "rank.csv"
    args = ["rank", "--profile", "passenger", "--year", "2030", "--compare-year", "2024", "--csv", str(out), "--json", *MINI_ARGS]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert all("change" in hub for hub in json.loads(result.stdout)["hubs"])
    assert pd.read_csv(out).columns.tolist()[:4] == RANKING_COLUMNS


def test_cli_rank_table_by_station():
    result = CliRunner().invoke(app, ["rank", "--stations", "--by", "degree", *MINI_ARGS])
    assert result.exit_code == 0, result.output
    assert "Chongqing West" in result.stdout


def test_cli_critical_links_json(tmp_path):
    demand = tmp_path / "d.csv"
    demand.write_text("origin,destination,flow\nchongqing,singapore,10\n")
    result = CliRunner().invoke(app, ["critical", "--links", "--top", "2", "--demand", str(demand), "--json", *MINI_ARGS])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["removed"] == "links"
    assert report["items"][0] == {
        "rank": 1, "id": "sea_sg", "name": "sea_sg", "loss_hours": 10 * UNSERVED_PENALTY_H, "extra_hours": 0.0, "pairs_cut": 1, "demand_cut": 10.0,
    }  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [["rank", "--by", "pagerank"], ["critical", "--demand", "tests/data/mini/README.md"]],
)
def test_cli_bad_input_is_one_line_and_exit_2(args):
    done = run_corridor(*args, *MINI_ARGS)
    assert done.exit_code == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("corridor: error:")
    assert "Traceback" not in done.stderr


def test_cli_rank_with_scenario_shows_change(tmp_path):
    scenario = tmp_path / "close.toml"
    scenario.write_text('name = "close the Chuanqian"\nclose_links = ["chuanqian"]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["rank", "--scenario", str(scenario), "--json", *MINI_ARGS])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert all("change" in row for row in report["hubs"])
    from corridor.params import ModelParams
    from corridor.scenario import apply_scenario, load_scenario

    params = ModelParams.from_file(MINI / "round.toml")
    applied = apply_scenario(load_network(MINI), load_scenario(scenario), params=params)
    after = hub_ranking(graph_from_network(applied.network, params=applied.params)).set_index("id")["rank"]
    before = hub_ranking(graph_from_network(load_network(MINI), params=params)).set_index("id")["rank"]
    assert {row["id"]: row["change"] for row in report["hubs"]} == {hub: int(before[hub] - after[hub]) for hub in after.index}
    assert after["qinzhou_port"] == 1 and before["qinzhou_port"] == 1
    bad = CliRunner().invoke(app, ["rank", "--scenario", str(scenario), "--year", "2030", *MINI_ARGS])
    assert bad.exit_code != 0
