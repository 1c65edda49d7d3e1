"""Routes on the mini corridor, checked on paper (tests/data/mini/README.md)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import osmnx as ox
import pytest

from corridor import NoRouteError, UnknownHubError
from corridor.graph import graph_from_network, hub_node
from corridor.routing import find_routes, skim_matrix


def test_freight_chongqing_singapore_by_hand(mini_freight):
    route = find_routes(mini_freight, "Chongqing", "Singapore")[0]
    assert route.hubs == ["chongqing", "qinzhou_port", "singapore"]
    assert [leg.mode for leg in route.legs] == ["expressway", "sea"]
    assert route.legs[0].time_h == pytest.approx(22.0)
    assert route.legs[1].time_h == pytest.approx(80.0)
    assert route.terminal_h == pytest.approx(42.0)
    assert route.time_h == pytest.approx(144.0)
    assert route.length_km == pytest.approx(3500.0)
    assert route.transfers == 1


def test_passenger_station_route_by_hand(mini_passenger):
    route = find_routes(mini_passenger, "cq_west", "Qinzhou Port")[0]
    assert route.modes == ["hsr", "rail"]
    # The rail link's arrival stop at Qinzhou Port is where the trip ends: terminal time, not a dwell.
    assert route.time_h == pytest.approx(8.4)
    assert route.moving_h == pytest.approx(6.4)
    assert route.transfers == 1


def test_city_origin_counts_urban_transfer(mini_freight):
    route = find_routes(mini_freight, "Chongqing", "Hanoi", k=1)[0]
    rail_route = find_routes(mini_freight, "Chongqing", "Hanoi", k=3)
    assert any(leg.mode == "urban" for r in rail_route for leg in r.legs)
    assert route.time_h == min(r.time_h for r in rail_route)


def test_border_time_on_cross_border_rail(mini_network, round_params):
    graph = graph_from_network(mini_network, profile="freight", params=round_params, modes=["rail"])
    route = find_routes(graph, "qinzhou_port", "hanoi")[0]
    assert route.legs[0].time_h == pytest.approx(400 / 50 + 10.0)


def test_alternatives_sorted_and_distinct(mini_freight):
    routes = find_routes(mini_freight, "Chongqing", "Singapore", k=3)
    assert len(routes) == 3
    times = [r.time_h for r in routes]
    assert times == sorted(times)
    link_sets = [frozenset(l for leg in r.legs for l in leg.links) for r in routes]
    assert len(set(link_sets)) == 3


def test_by_length_and_cost_differ_from_time(mini_freight):
    by_length = find_routes(mini_freight, "Chongqing", "Singapore", by="length")[0]
    by_cost = find_routes(mini_freight, "Chongqing", "Singapore", by="cost")[0]
    assert by_length.length_km <= find_routes(mini_freight, "Chongqing", "Singapore")[0].length_km
    # per-km haulage: rail (4/TEU-km) beats the expressway (8/TEU-km) on cost
    assert "rail" in by_cost.modes


def test_year_and_profile_filters(mini_network, round_params):
    now = graph_from_network(mini_network, profile="passenger", params=round_params, avoid=["expressway"])
    later = graph_from_network(mini_network, profile="passenger", params=round_params, year=2030, avoid=["expressway"])
    before = find_routes(now, "guiyang", "qinzhou_port")[0]
    after = find_routes(later, "guiyang", "qinzhou_port")[0]
    assert after.modes == ["hsr"] and after.time_h < before.time_h


def test_freight_to_a_passenger_only_station_fails(mini_network, round_params):
    graph = graph_from_network(mini_network, profile="freight", params=round_params, modes=["hsr", "expressway"])
    with pytest.raises(NoRouteError, match="no freight service calls at 'cq_west'"):
        find_routes(graph, "cq_west", "Qinzhou Port")


def test_no_route_says_why(mini_network, round_params):
    graph = graph_from_network(mini_network, profile="passenger", params=round_params)
    with pytest.raises(NoRouteError, match="passenger"):
        find_routes(graph, "Chongqing", "Singapore")
    graph = graph_from_network(mini_network, profile="freight", params=round_params, year=1960)
    with pytest.raises(NoRouteError, match="1960"):
        find_routes(graph, "cq_west", "guiyang")


def test_unknown_hub_suggests(mini_freight):
    with pytest.raises(UnknownHubError, match="did you mean 'Chongqing'"):
        find_routes(mini_freight, "Chongqng", "Singapore")


@pytest.mark.parametrize("name", ["chongqing", "CHONGQING", "重庆", "Chong qing", "cq-west", "Qinzhou Gang"])
def test_hub_lookup_by_any_name(mini_freight, name):
    assert find_routes(mini_freight, name, "Singapore")[0].hubs[-1] == "singapore"


def test_skim_matches_routes(mini_freight):
    matrix = skim_matrix(mini_freight)
    for origin in ["chongqing", "cq_west", "huaihua"]:
        for destination in ["singapore", "hanoi", "guiyang"]:
            assert matrix.loc[origin, destination] == pytest.approx(find_routes(mini_freight, origin, destination)[0].time_h)
    assert matrix.loc["chongqing", "chongqing"] == 0


def test_osmnx_works_on_corridor_graphs(mini_freight):
    nodes, edges = ox.graph_to_gdfs(mini_freight)
    assert {"x", "y"} <= set(nodes.columns) and {"length", "travel_time", "mode", "geometry"} <= set(edges.columns)
    source, target = hub_node(mini_freight, "chongqing"), hub_node(mini_freight, "singapore")
    path = ox.routing.shortest_path(mini_freight, source, target, weight="travel_time")
    ours = find_routes(mini_freight, "chongqing", "singapore")[0]
    assert path == ours.nodes
    assert nx.path_weight(mini_freight, path, "travel_time") / 3600 == pytest.approx(ours.time_h)


@pytest.mark.parametrize("by", ["cost", "time"])
def test_path_attribute_totals_follow_the_routes_found(mini_freight, by):
    from corridor.routing import path_attribute_totals

    hubs = list(mini_freight.graph["hub_nodes"])
    nodes = [hub_node(mini_freight, hub) for hub in hubs]
    hours = path_attribute_totals(mini_freight, nodes, nodes, by=by, attribute="travel_time") / 3600.0
    cost = path_attribute_totals(mini_freight, nodes, nodes, by=by, attribute="cost")
    checked = 0
    for i, origin in enumerate(hubs):
        assert hours[i, i] == 0
        for j, destination in enumerate(hubs):
            if i == j:
                continue
            try:
                route = find_routes(mini_freight, origin, destination, by=by)[0]
            except NoRouteError:
                assert not np.isfinite(hours[i, j])
                continue
            assert hours[i, j] == pytest.approx(route.time_h) and cost[i, j] == pytest.approx(route.cost)
            checked += 1
    assert checked > 20
    # by cost, some trip is slower than the fastest: the totals are not the time skim
    fastest = skim_matrix(mini_freight, hubs).to_numpy()
    if by == "cost":
        assert (hours > fastest + 1e-9).any()


def test_od_matrix_is_a_deprecated_name_of_skim_matrix(mini_freight):
    from corridor.routing import od_matrix

    with pytest.warns(DeprecationWarning, match="skim_matrix"):
        old = od_matrix(mini_freight)
    assert old.equals(skim_matrix(mini_freight))


def test_every_analysis_is_importable_from_the_package():
    import corridor

    names = ("skim_matrix", "hub_ranking", "criticality", "compare_scenario", "rank_candidates", "accessibility_by_mode",
             "scenario_isochrones", "calibrate")  # fmt: skip
    for name in names:
        assert callable(getattr(corridor, name)), name


@pytest.fixture(scope="module")
def big_grid():
    """A 46 x 46 grid of junctions with a city at two corners: more nodes than alternatives are searched exactly on."""
    from benchmarks.synthetic import grid_network
    from corridor import routing

    graph = graph_from_network(grid_network(46), geometry=False)
    assert len(graph) > routing.EXACT_ALTERNATIVES_NODES
    return graph


@pytest.mark.parametrize("k", [2, 3])
def test_alternatives_on_a_big_graph_are_distinct_and_sorted(big_grid, k):
    from corridor.routing import MIN_DIFFERENCE, _difference, _link_lengths

    routes = find_routes(big_grid, "west", "east", k=k)
    assert len(routes) == k
    assert routes[0].as_dict() == find_routes(big_grid, "west", "east")[0].as_dict()
    assert [r.time_h for r in routes] == sorted(r.time_h for r in routes)
    links = [_link_lengths(route) for route in routes]
    assert all(_difference(a, b) >= MIN_DIFFERENCE for i, a in enumerate(links) for b in links[i + 1:])


def test_alternatives_on_a_big_graph_take_a_bounded_number_of_searches(big_grid, monkeypatch):
    from corridor import routing

    calls = []
    original = nx.dijkstra_path
    monkeypatch.setattr(nx, "dijkstra_path", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs))
    monkeypatch.setattr(nx, "shortest_simple_paths", None)  # no Yen on a big graph
    routes = find_routes(big_grid, "west", "east", k=50)
    assert 3 <= len(routes) < 50
    assert len(calls) == 1 + routing.PENALTY_ROUNDS
