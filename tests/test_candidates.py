"""Candidate links: generation, files, and the incremental evaluation against a naive recompute."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from corridor import ScenarioError
from corridor.candidates import (
    DETOUR_FACTOR,
    Candidate,
    IncrementalSkim,
    add_candidate,
    generate_candidates,
    rank_candidates,
    read_candidates,
)
from corridor.graph import graph_from_network, hub_node
from corridor.scenario import geodesic_km


def naive_saving(graph, candidate, params, demand, weight="travel_time"):
    """Demand-weighted saving (hours, or cost units) by adding the link and recomputing every zone's Dijkstra."""
    zones = [hub_node(graph, hub) for hub in demand.index]
    flows = demand.to_numpy(dtype=float)

    def skim(g):
        out = np.full((len(zones), len(zones)), np.inf)
        for i, s in enumerate(zones):
            lengths = nx.single_source_dijkstra_path_length(g, s, weight=weight)
            for j, t in enumerate(zones):
                out[i, j] = lengths.get(t, np.inf)
        return out

    old, new = skim(graph), skim(add_candidate(graph, candidate, params))
    with np.errstate(invalid="ignore"):
        total = float((flows * np.where(np.isfinite(old), old - new, 0.0)).sum())
    return total / 3600.0 if weight == "travel_time" else total


def random_graph(rng: random.Random, n: int) -> nx.MultiDiGraph:
    """A random hub-and-junction graph with whole-second travel times (sums are exact)."""
    graph = nx.MultiDiGraph(profile="freight", hub_nodes={}, terminal_nodes={}, version=f"random-{rng.random()}")
    for node in range(n):
        graph.add_node(node, x=100 + rng.random() * 10, y=20 + rng.random() * 10, node_type="junction", hub=f"n{node}", name=f"n{node}")
    for node in rng.sample(range(n), max(2, n // 2)):
        graph.graph["hub_nodes"][f"h{node}"] = node
        graph.nodes[node].update(node_type="hub", hub=f"h{node}", kind="city", city=f"h{node}", country="CN")
    for _ in range(n * 2):
        u, v = rng.sample(range(n), 2)
        seconds = float(rng.randint(1, 50) * 600)
        cost = float(rng.randint(1, 40) * 100)  # generalised cost, not tied to time: cheapest and fastest differ
        for a, b in ((u, v), (v, u)):
            graph.add_edge(a, b, edge_type="link", mode="rail", travel_time=seconds, cost=cost, length=1000.0, link_id=f"{u}-{v}")
    return graph


@pytest.mark.parametrize(("by", "seed"), [("time", 5), ("cost", 7)])
def test_incremental_equals_naive_on_random_graphs(round_params, by, seed):
    params = round_params.with_overrides({"freight": {"terminal_h": {"rail": 0.25}}}, source="test")
    rng = random.Random(seed)
    gains = 0
    for trial in range(25):
        graph = random_graph(rng, rng.randint(5, 25))
        hubs = list(graph.graph["hub_nodes"])
        flows = np.array([[0 if a == b else rng.randint(0, 9) for b in hubs] for a in hubs], dtype=float)
        demand = pd.DataFrame(flows, index=hubs, columns=hubs)
        candidates = []
        for i in range(6):
            a, b = rng.sample(hubs, 2)
            # freight rail: 50 km/h, no dwell, 15 min terminals -> whole seconds; by cost whole units
            # (whole half-hours x value of time 20 + 4 per km, terminals 0.25 h x 20 + 400)
            candidates.append(Candidate(f"c{i}", a, b, "rail", float(rng.randint(1, 20) * 25), 120.0))
        ranked = rank_candidates(graph, candidates, params=params, demand=demand, by=by).set_index("id")
        assert (ranked["by"] == by).all()
        assert (ranked["saving_h"] == ranked["saving"]).all() if by == "time" else ranked["saving_h"].isna().all()
        gains += int((ranked["saving"] > 0).sum())
        for candidate in candidates:
            expected = naive_saving(graph, candidate, params, demand, "travel_time" if by == "time" else "cost")
            assert ranked.at[candidate.id, "saving"] == expected, (trial, candidate)
            assert ranked.at[candidate.id, "cost"] == pytest.approx(candidate.length_km / 50.0 * 20.0 + candidate.length_km * 4.0)
    assert gains > 20  # the comparison is not vacuous


@pytest.mark.parametrize("mode", ["rail", "expressway"])
def test_mini_candidates_by_cost_match_naive(mini_freight, round_params, mode):
    from corridor.demand import demand_matrix

    candidates = generate_candidates(mini_freight, mode=mode, max_km=3000)
    ranked = rank_candidates(mini_freight, candidates, params=round_params, by="cost").set_index("id")
    demand = demand_matrix(mini_freight)
    for candidate in candidates:
        expected = naive_saving(mini_freight, candidate, round_params, demand, "cost")
        assert ranked.at[candidate.id, "saving"] == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert (ranked["saving"] >= 0).all()


def test_skim_update_with_existing_nodes_equals_naive():
    rng = random.Random(11)
    for _ in range(25):
        graph = random_graph(rng, rng.randint(4, 30))
        zones = list(graph.graph["hub_nodes"].values())
        flows = rng.random()
        demand = np.full((len(zones), len(zones)), flows)
        skim = IncrementalSkim(graph, zones, demand)
        u, v = rng.sample(list(graph.nodes), 2)
        seconds = float(rng.randint(1, 20) * 600)
        saving, _, _ = skim.saving(skim.endpoint(u), skim.endpoint(v), seconds)
        changed = graph.copy()
        changed.add_edge(u, v, travel_time=seconds)
        changed.add_edge(v, u, travel_time=seconds)
        old = dict(nx.all_pairs_dijkstra_path_length(graph, weight="travel_time"))
        new = dict(nx.all_pairs_dijkstra_path_length(changed, weight="travel_time"))
        expected = sum(
            flows * (old[s][t] - new[s][t]) for s in zones for t in zones if t in old[s]
        )
        assert saving == pytest.approx(expected, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize(("profile", "mode"), [("passenger", "hsr"), ("freight", "rail"), ("freight", "expressway")])
def test_mini_candidates_match_naive(mini_network, round_params, profile, mode):
    graph = graph_from_network(mini_network, profile=profile, params=round_params)
    candidates = generate_candidates(graph, mode=mode, max_km=3000, network=mini_network)
    assert candidates
    ranked = rank_candidates(graph, candidates, params=round_params)
    from corridor.demand import demand_matrix

    demand = demand_matrix(graph)
    for candidate in candidates:
        row = ranked.set_index("id").loc[candidate.id]
        assert row["saving_h"] == pytest.approx(naive_saving(graph, candidate, round_params, demand), rel=1e-9, abs=1e-9)
    assert list(ranked["saving_h"]) == sorted(ranked["saving_h"], reverse=True)
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))


def test_generated_candidates_respect_rules(mini_network, round_params):
    graph = graph_from_network(mini_network, profile="passenger", params=round_params)
    candidates = generate_candidates(graph, mode="hsr", max_km=600, network=mini_network)
    pairs = {frozenset((c.from_hub, c.to_hub)) for c in candidates}
    assert frozenset(("cq_west", "guiyang")) not in pairs  # open HSR link
    assert frozenset(("guiyang", "qinzhou_port")) not in pairs  # HSR under construction
    assert all(c.length_km <= 600 for c in candidates)
    assert "chongqing" not in {h for c in candidates for h in (c.from_hub, c.to_hub)}  # its station stands for it
    first = candidates[0]
    ends = [graph.nodes[hub_node(graph, h)] for h in (first.from_hub, first.to_hub)]
    assert first.length_km == pytest.approx(geodesic_km([(e["x"], e["y"]) for e in ends]) * DETOUR_FACTOR["hsr"], abs=0.05)


def test_a_candidate_never_lengthens_a_trip(mini_network, round_params):
    graph = graph_from_network(mini_network, profile="freight", params=round_params)
    ranked = rank_candidates(graph, generate_candidates(graph, mode="rail", max_km=5000), params=round_params)
    assert (ranked["saving_h"] >= 0).all()


def test_hsr_candidates_need_the_passenger_profile(mini_freight, round_params):
    with pytest.raises(Exception, match="does not carry freight"):
        rank_candidates(mini_freight, [Candidate("x", "cq_west", "huaihua", "hsr", 300.0, 350.0)], params=round_params)


def test_read_candidates_toml_and_csv(tmp_path, mini_passenger):
    toml = tmp_path / "c.toml"
    toml.write_text('[[candidates]]\nfrom_hub = "cq_west"\nto_hub = "huaihua"\nspeed_kmh = 300\n\n'
                    '[[candidates]]\nid = "short"\nfrom_hub = "guiyang"\nto_hub = "huaihua"\nlength_km = 250\n')
    found = read_candidates(toml, mini_passenger)
    assert [c.id for c in found] == ["cq_west-huaihua-hsr", "short"]
    assert found[0].speed_kmh == 300 and found[1].length_km == 250 and found[1].speed_kmh == 350
    table = tmp_path / "c.csv"
    table.write_text("from_hub,to_hub,mode,length_km\ncq_west,huaihua,rail,500\n")
    assert read_candidates(table, mini_passenger)[0].length_km == 500
    table.write_text("from_hub,to_hub\ncq_west,atlantis\n")
    with pytest.raises(ScenarioError, match=r"c.csv: row 2 field 'to_hub': unknown hub 'atlantis'"):
        read_candidates(table, mini_passenger)
    toml.write_text('[[candidates]]\nfrom_hub = "guiyang"\nto_hub = "guiyang"\n')
    with pytest.raises(ScenarioError, match=r"candidates\[1\] field 'to_hub': a link cannot join hub 'guiyang' to itself"):
        read_candidates(toml, mini_passenger)
    toml.write_text('[[candidates]]\nfrom_hub = "guiyang"\nto_hub = "huaihua"\nspeed_kmh = "fast"\n')
    with pytest.raises(ScenarioError, match=r"candidates\[1\] field 'speed_kmh': 'fast' is not a positive number"):
        read_candidates(toml, mini_passenger)


def test_candidate_time_uses_link_time(mini_passenger, round_params):
    from corridor.candidates import candidate_hours

    candidate = Candidate("x", "cq_west", "huaihua", "hsr", 500.0, 250.0)
    assert candidate_hours(mini_passenger, candidate, round_params) == pytest.approx(2.0)  # 500 km at 250 km/h, no dwell
    slower = round_params.with_overrides({"passenger": {"speed_factor": {"hsr": 0.5}}}, source="test")
    assert candidate_hours(mini_passenger, candidate, slower) == pytest.approx(4.0)


def test_one_candidate_per_city_pair_and_none_where_a_line_is_building(builtin_network):
    from corridor.graph import city_of, graph_from_network

    graph = graph_from_network(builtin_network, profile="freight")
    found = generate_candidates(graph, mode="rail", max_km=400, network=builtin_network)
    pairs = [frozenset((city_of(graph, c.from_hub), city_of(graph, c.to_hub))) for c in found]
    assert len(pairs) == len(set(pairs))
    assert frozenset(("liuzhou", "wuzhou")) not in pairs, "Liuzhou-Wuzhou railway is under construction"


def test_progress_is_a_callback_from_none_done_to_all_done(mini_network, round_params):
    graph = graph_from_network(mini_network, profile="freight", params=round_params)
    candidates = generate_candidates(graph, mode="rail", max_km=3000, network=mini_network)
    calls: list[tuple[int, int]] = []
    rank_candidates(graph, candidates, params=round_params, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(done, len(candidates)) for done in range(len(candidates) + 1)]
