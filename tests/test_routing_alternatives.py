"""Alternatives are computed lazily and include parallel lines of one mode between the same hubs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import networkx as nx
import pytest

from corridor import routing
from corridor.graph import graph_from_network
from corridor.network import network_from_features
from corridor.routing import candidate_paths, find_routes

MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture
def twin_rail(round_params):
    """The mini corridor by rail, with a second, slower Chongqing-Huaihua line beside ``yuhuai``."""
    hubs = json.loads((MINI / "hubs.geojson").read_text())["features"]
    links = json.loads((MINI / "links.geojson").read_text())["features"]
    twin = copy.deepcopy(next(f for f in links if f["properties"]["id"] == "yuhuai"))
    twin["properties"].update(id="yuhuai_old", name="yuhuai old line", line="yuhuai old line", speed_kmh=30)
    network = network_from_features(hubs, [*links, twin])
    return graph_from_network(network, profile="freight", params=round_params, modes=["rail"])


def test_k1_runs_one_dijkstra_and_no_yen(twin_rail, monkeypatch):
    calls = []
    original = nx.dijkstra_path

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    def forbidden(*args, **kwargs):
        raise AssertionError("k=1 must not enumerate next-best paths")

    monkeypatch.setattr(routing.nx, "dijkstra_path", counted)
    monkeypatch.setattr(routing.nx, "shortest_simple_paths", forbidden)
    route = find_routes(twin_rail, "cq_west", "huaihua")[0]
    assert len(calls) == 1
    assert route.legs[0].links == ["yuhuai"]


def test_alternatives_take_next_best_paths_only_until_k_routes_are_kept(twin_rail, monkeypatch):
    pulled = []
    original = nx.shortest_simple_paths

    def counted(*args, **kwargs):
        for path in original(*args, **kwargs):
            pulled.append(path)
            yield path

    monkeypatch.setattr(routing.nx, "shortest_simple_paths", counted)
    assert len(find_routes(twin_rail, "cq_west", "huaihua", k=2)) == 2
    assert 0 < len(pulled) < routing.YEN_CANDIDATES


def test_parallel_line_is_an_alternative(twin_rail):
    routes = find_routes(twin_rail, "cq_west", "huaihua", k=2)
    assert [r.legs[0].line for r in routes] == ["yuhuai", "yuhuai old line"]
    assert routes[0].hubs == routes[1].hubs
    # freight runs at the line speed of 30 km/h on the old line, slower than on yuhuai
    assert routes[1].time_h > routes[0].time_h


def test_candidates_come_cheapest_first_with_the_parallel_line(twin_rail):
    source, target = twin_rail.graph["hub_nodes"]["cq_west"], twin_rail.graph["hub_nodes"]["huaihua"]
    stream = candidate_paths(twin_rail, source, target)
    best, *others = [next(stream) for _ in range(4)]
    weights = [routing._path_weight(twin_rail, path, "travel_time") for path in (best, *others)]
    assert weights == sorted(weights)
    assert any(nodes == best[0] and keys != best[1] for nodes, keys in others)


def test_whole_candidate_stream_is_in_order_and_unique(mini_freight):
    source, target = (mini_freight.graph["hub_nodes"][h] for h in ("chongqing", "singapore"))
    paths = list(candidate_paths(mini_freight, source, target))
    weights = [routing._path_weight(mini_freight, path, "travel_time") for path in paths]
    assert weights == sorted(weights)
    assert len(set(paths)) == len(paths) > 3


def test_alternatives_never_leave_a_city_and_come_back(builtin_network):
    """Issue 10/12: Chengdu East to Chongqing North (hsr and rail, 2016) offered as route 3 a 941 km
    loop that reached Chongqing North, ran on to Lichuan and Wanzhou and came back to it, then a
    2,518 km one out of Chongqing through Huaihua and Wuhan and back."""
    graph = graph_from_network(builtin_network, profile="passenger", year=2016, modes=["hsr", "rail"])
    routes = find_routes(graph, "chengdu_east", "cq_north", k=3)
    assert routes[0].hubs == ["chengdu_east", "cq_north"]
    for route in routes:
        cities = [builtin_network.hubs.at[hub, "city"] for hub in route.hubs]
        visits = [city for i, city in enumerate(cities) if i == 0 or cities[i - 1] != city]
        assert len(set(visits)) == len(visits), route.hubs
        assert route.length_km < 2 * routes[0].length_km
