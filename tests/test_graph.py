"""The routing graph (corridor/graph.py): what is in service by year, modes, terminals and transfers, link times, through lines.

Figures use tests/data/mini/round.toml (speed factor 1, round terminal times) so they can be checked on paper.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from shapely.geometry import LineString

from corridor import CorridorError, NoRouteError
from corridor.graph import (
    LINK,
    add_link_edges,
    arrival_dwell_h,
    edge_co2_kg,
    graph_from_network,
    hub_node,
    link_speed_kmh,
    link_time_h,
    without_changes,
)
from corridor.io import network_from_gpkg, save_network_gpkg
from corridor.network import Network, network_from_features
from corridor.osm import network_from_xml
from corridor.params import ModelParams
from corridor.routing import find_routes


def link_ids(graph) -> set[str]:
    return {data["link_id"] for _, _, data in graph.edges(data=True) if data["edge_type"] == "link"}


def link_modes(graph) -> set[str]:
    return {data["mode"] for _, _, data in graph.edges(data=True) if data["edge_type"] == "link"}


def edges_of(graph, edge_type: str, hub: str, mode: str | None = None) -> list[dict]:
    """Edges of ``edge_type`` leaving or entering ``hub``'s node (of ``mode`` where given)."""
    node = hub_node(graph, hub)
    edges = [*graph.out_edges(node, data=True), *graph.in_edges(node, data=True)]
    return [data for _, _, data in edges if data["edge_type"] == edge_type and mode in (None, data["mode"])]


# -- in service by year --


def test_an_open_link_is_in_service_from_its_opening_year(mini_network, round_params):
    # yugui_hsr opened in 2018
    assert "yugui_hsr" not in link_ids(graph_from_network(mini_network, profile="passenger", year=2017, params=round_params))
    assert "yugui_hsr" in link_ids(graph_from_network(mini_network, profile="passenger", year=2018, params=round_params))


def test_a_link_under_construction_is_in_service_from_its_expected_year_never_today(mini_network, round_params):
    # new_hsr is under construction, expected 2030
    assert "new_hsr" not in link_ids(graph_from_network(mini_network, profile="passenger", params=round_params))
    assert "new_hsr" not in link_ids(graph_from_network(mini_network, profile="passenger", year=2029, params=round_params))
    assert "new_hsr" in link_ids(graph_from_network(mini_network, profile="passenger", year=2030, params=round_params))


def test_a_hub_not_yet_open_is_left_out_with_its_links_and_the_reason(mini_features, round_params):
    hubs, links = mini_features
    next(h for h in hubs if h["properties"]["id"] == "hanoi")["properties"]["opened"] = "2021-06"
    network = network_from_features(hubs, links)
    before = graph_from_network(network, year=2020, params=round_params)
    assert "hanoi" not in before.graph["hub_nodes"]
    assert before.graph["excluded_hubs"] == {"hanoi": "opens in 2021-06"}
    assert "border" not in link_ids(before)
    after = graph_from_network(network, year=2021, params=round_params)
    assert "hanoi" in after.graph["hub_nodes"] and "border" in link_ids(after) and after.graph["excluded_hubs"] == {}


# -- profiles and modes --


def test_modes_keep_only_their_links_and_names_are_case_insensitive(mini_network, round_params):
    graph = graph_from_network(mini_network, modes=["RAIL", "Sea"], params=round_params)
    assert link_modes(graph) == {"rail", "sea"}
    assert graph.graph["modes"] == ["rail", "sea"]
    assert "g75" not in link_ids(graph)


def test_avoid_removes_a_mode_from_all_or_from_the_modes_given(mini_network, round_params):
    graph = graph_from_network(mini_network, avoid=["expressway"], params=round_params)
    assert link_modes(graph) == {"rail", "sea"}  # freight: no hsr; the mini corridor has no waterway
    assert graph.graph["modes"] == ["hsr", "rail", "sea", "waterway"]
    graph = graph_from_network(mini_network, profile="passenger", modes=["hsr", "rail"], avoid=["hsr"], params=round_params)
    assert link_modes(graph) == {"rail"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"modes": ["rocket"]}, "unknown mode 'rocket'; use one of hsr, rail, expressway, waterway, sea"),
        ({"avoid": ["Rocket"]}, "unknown mode 'rocket'"),
        ({"modes": ["rail"], "avoid": ["rail"]}, "no mode left to travel by"),
        ({"profile": "tourist"}, "unknown profile 'tourist'; use one of freight, passenger"),
        ({"year": 1799}, "year 1799 is out of range; give a year between 1800 and 2100"),
        ({"year": 2101}, "year 2101 is out of range"),
    ],
)
def test_bad_options_are_refused_saying_what_is_valid(mini_network, options, message):
    with pytest.raises(CorridorError, match=message):
        graph_from_network(mini_network, **options)


# -- terminals and transfers --


def test_boarding_and_alighting_cost_the_terminal_time_of_the_mode(mini_freight, round_params):
    # freight onto or off a ship at Qinzhou Port: 20 h each way; cost 20 h x value of time + terminal cost
    vot, lift = round_params.value("freight", "value_of_time"), round_params.value("freight", "terminal_cost")
    board, = edges_of(mini_freight, "board", "qinzhou_port", "sea")
    alight, = edges_of(mini_freight, "alight", "qinzhou_port", "sea")
    assert board["travel_time"] == alight["travel_time"] == 20 * 3600
    assert board["cost"] == pytest.approx(20 * vot + lift)
    assert board["length"] == 0


def test_a_train_pays_the_dwell_where_it_stops_and_a_trip_ending_there_gets_it_back(mini_passenger):
    # chuanqian: 400 km at 80 km/h = 5 h, plus the rail dwell of 0.5 h at Guiyang where the train calls
    into_guiyang = next(d for u, v, d in mini_passenger.edges(data=True) if d.get("link_id") == "chuanqian" and not d["reversed"])
    assert into_guiyang["travel_time"] == pytest.approx(5.5 * 3600)
    alight, = edges_of(mini_passenger, "alight", "guiyang", "rail")
    # the terminal time of 0.5 h less the dwell already paid on the link
    assert alight["travel_time"] == 0 and alight["dwell_credit"] == 0.5 * 3600


def test_a_city_joins_its_stations_by_urban_edges_both_ways(mini_passenger):
    urban = edges_of(mini_passenger, "urban", "chongqing")
    assert len(urban) == 4  # Chongqing West and Guoyuan Port, each way
    assert all(data["travel_time"] == 1.0 * 3600 for data in urban)  # round.toml: urban_h = 1
    assert edges_of(mini_passenger, "urban", "huaihua") == []  # a city of one hub


def test_a_hub_without_a_freight_terminal_loads_and_unloads_no_freight(mini_features, round_params):
    hubs, links = mini_features
    next(h for h in hubs if h["properties"]["id"] == "cq_port")["properties"]["freight_terminal"] = False
    graph = graph_from_network(network_from_features(hubs, links), params=round_params)
    assert edges_of(graph, "board", "cq_port") == [] and edges_of(graph, "alight", "cq_port") == []
    with pytest.raises(NoRouteError):
        find_routes(graph, "cq_port", "huaihua")


def test_without_changes_boards_only_in_the_origin_city(mini_freight):
    direct = without_changes(mini_freight, "chongqing", "singapore")
    starts = {hub_node(mini_freight, hub) for hub in ("chongqing", "cq_west", "cq_port")}
    boards = {u for u, _, kind in direct.edges(data="edge_type") if kind == "board"}
    alights = {v for _, v, kind in direct.edges(data="edge_type") if kind == "alight"}
    assert boards == starts & {u for u, _, kind in mini_freight.edges(data="edge_type") if kind == "board"}
    assert alights == {hub_node(mini_freight, "singapore")}
    assert direct.graph["version"] != mini_freight.graph["version"]
    with pytest.raises(NoRouteError):  # Chongqing to Singapore needs a change at Qinzhou Port
        find_routes(direct, "chongqing", "singapore")


def test_add_link_edges_adds_both_directions_and_a_new_version(mini_freight, round_params):
    version = mini_freight.graph["version"]
    ends = [mini_freight.nodes[hub_node(mini_freight, hub)] for hub in ("huaihua", "guiyang")]
    record = {"id": "huaigui", "mode": "rail", "from_hub": "huaihua", "to_hub": "guiyang", "length_km": 300.0, "speed_kmh": 120.0,
              "status": "open", "geometry": LineString([(end["x"], end["y"]) for end in ends])}
    u, v = add_link_edges(mini_freight, record, profile="freight", params=round_params)
    assert mini_freight.graph["version"] != version
    assert mini_freight.nodes[u]["hub"] == "huaihua" and mini_freight.nodes[v]["hub"] == "guiyang"
    assert mini_freight.edges[u, v, "huaigui"]["travel_time"] == pytest.approx(300 / 50 * 3600)  # round.toml: freight rail 50 km/h
    assert mini_freight.edges[v, u, "huaigui"]["reversed"] is True


# -- link times --


def test_freight_waits_half_the_interval_between_departures_of_the_year(round_params):
    sailing = {"mode": "sea", "length_km": 300.0, "speed_kmh": 30.0, "departures": [{"from": 2015, "per_week": 7}, {"from": 2020, "per_week": 14}]}
    assert link_time_h(sailing, "freight", round_params, year=2014, stop=False) == pytest.approx(10.0)  # 300 km at 30 km/h
    assert link_time_h(sailing, "freight", round_params, year=2016, stop=False) == pytest.approx(10.0 + 12.0)
    assert link_time_h(sailing, "freight", round_params, year=2021, stop=False) == pytest.approx(10.0 + 6.0)


def test_a_published_border_wait_replaces_the_default_border_time(round_params):
    border = {"mode": "rail", "length_km": 400.0, "speed_kmh": 100.0, "waits": [{"from": 2019, "hours": 3.0}]}
    assert link_time_h(border, "freight", round_params, year=2018, cross_border=True, stop=False) == pytest.approx(8.0 + 10.0)
    assert link_time_h(border, "freight", round_params, year=2020, cross_border=True, stop=False) == pytest.approx(8.0 + 3.0)
    ship = {"mode": "sea", "length_km": 300.0, "speed_kmh": 30.0}
    assert link_time_h(ship, "freight", round_params, cross_border=True, stop=False) == pytest.approx(10.0)  # ports clear customs


def test_passenger_trains_add_a_dwell_per_intermediate_stop_and_at_the_end_when_asked(round_params):
    train = {"mode": "rail", "length_km": 300.0, "speed_kmh": 100.0, "fastest_stops": 2}
    assert link_time_h(train, "passenger", round_params, stop=False) == pytest.approx(3.0 + 2 * 0.5)
    assert link_time_h(train, "passenger", round_params) == pytest.approx(3.0 + 3 * 0.5)
    assert link_time_h(train, "freight", round_params, stop=False) == pytest.approx(6.0)  # stops are the passenger timetable's


def test_link_speed_takes_the_history_then_the_operating_then_the_design_speed():
    link = {"speed_kmh": 350.0, "operating_speed_kmh": 300.0, "speed_history": [{"from": "2015-12", "speed_kmh": 250.0}]}
    assert link_speed_kmh(link, 2020) == 250.0
    assert link_speed_kmh(link, 2010) == 300.0  # before the history begins
    assert link_speed_kmh({"speed_kmh": 350.0, "operating_speed_kmh": None}) == 350.0


# -- through lines: a platform per line and direction; trains run on only between listed lines, never turning back --

#: west - centre - east on line L1, centre - north-east on L2; 100 km at 100 km/h each.
T_HUBS = {"west": (100.0, 30.0), "centre": (101.0, 30.0), "east": (102.0, 30.0), "northeast": (102.0, 31.0)}
T_LINKS = {"w_c": ("west", "centre", "L1"), "c_e": ("centre", "east", "L1"), "c_ne": ("centre", "northeast", "L2")}


def t_network(through_lines: list[str] | None, links: tuple[str, ...] = tuple(T_LINKS)):
    """The T network; ``through_lines`` at centre (``None``: not given), with ``links`` only."""
    hubs = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(xy)},
         "properties": {"id": hub, "name": hub.title(), "kind": "city", "country": "CN"}
         | ({"through_lines": through_lines} if hub == "centre" and through_lines is not None else {})}
        for hub, xy in T_HUBS.items()
    ]
    features = [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [list(T_HUBS[a]), list(T_HUBS[b])]},
         "properties": {"id": link, "mode": "rail", "line": line, "from_hub": a, "to_hub": b, "length_km": 100.0, "speed_kmh": 100.0,
                        "freight": True, "passenger": True}}
        for link, (a, b, line) in T_LINKS.items() if link in links
    ]
    return network_from_features(hubs, features)


@pytest.fixture
def t_params(round_params):
    """round.toml with a rail dwell (0.25 h) shorter than the terminal time (0.5 h): running on is faster than changing."""
    return round_params.with_overrides({"passenger": {"dwell_h": {"rail": 0.25}}}, source="test")


def test_a_hub_with_through_lines_has_a_platform_per_line_and_direction(t_params):
    graph = graph_from_network(t_network(["L1 | L2"]), profile="passenger", params=t_params)
    assert set(graph.graph["line_terminals"]) == {("centre", "rail", "L1", "west"), ("centre", "rail", "L1", "east"), ("centre", "rail", "L2", "northeast")}
    freight = graph_from_network(t_network(["L1 | L2"]), profile="freight", params=t_params)
    assert "line_terminals" not in freight.graph  # freight changes trains anywhere


def test_a_train_runs_on_onto_a_listed_line_paying_the_dwell_only(t_params):
    graph = graph_from_network(t_network(["L1 | L2"]), profile="passenger", params=t_params)
    route = find_routes(graph, "west", "northeast", direct=True)[0]
    # board 0.5 + 1 h and the dwell at centre 0.25 + 1 h and the dwell 0.25 + alight 0.5 less the dwell
    assert route.transfers == 0 and route.time_h == pytest.approx(3.25)


def test_a_line_change_not_listed_is_a_change_of_train(t_params):
    graph = graph_from_network(t_network([]), profile="passenger", params=t_params)
    with pytest.raises(NoRouteError):
        find_routes(graph, "west", "northeast", direct=True)
    route = find_routes(graph, "west", "northeast")[0]
    # alight at centre (0.5 - 0.25) and board again (0.5) instead of running on
    assert route.transfers == 1 and route.time_h == pytest.approx(3.25 + 0.25 + 0.5)
    assert find_routes(graph, "west", "east", direct=True)[0].transfers == 0  # along its own line


def test_a_listed_pair_does_not_let_a_train_turn_back(t_params):
    # from east, L2 to the north-east leaves at more than 90 degrees to the way in: the train would reverse
    # (without the west link, so no train can reverse at the west terminus instead)
    graph = graph_from_network(t_network(["L1 | L2"], links=("c_e", "c_ne")), profile="passenger", params=t_params)
    with pytest.raises(NoRouteError):
        find_routes(graph, "east", "northeast", direct=True)
    arrival_from_east = graph.graph["line_terminals"]["centre", "rail", "L1", "east"]
    assert {graph.nodes[v]["hub"] for _, v, kind in graph.out_edges(arrival_from_east, data="edge_type") if kind == "link"} == {"east"}


def test_without_through_lines_trains_run_on_between_any_lines(t_params):
    graph = graph_from_network(t_network(None, links=("c_e", "c_ne")), profile="passenger", params=t_params)
    assert "line_terminals" not in graph.graph
    assert find_routes(graph, "east", "northeast", direct=True)[0].transfers == 0


@pytest.mark.parametrize(("profile", "trip"), [("freight", ("Chongqing", "Singapore")), ("passenger", ("cq_west", "Qinzhou Port"))])
def test_a_graph_without_geometry_differs_only_by_the_edges_geometry(mini_network, round_params, profile, trip):
    shaped = graph_from_network(mini_network, profile=profile, params=round_params)
    bare = graph_from_network(mini_network, profile=profile, params=round_params, geometry=False)
    assert list(bare.nodes(data=True)) == list(shaped.nodes(data=True))
    shaped_edges, bare_edges = list(shaped.edges(keys=True, data=True)), list(bare.edges(keys=True, data=True))
    assert [edge[:3] for edge in bare_edges] == [edge[:3] for edge in shaped_edges]
    assert all({k: v for k, v in a.items() if k != "geometry"} == b for (*_, a), (*_, b) in zip(shaped_edges, bare_edges, strict=True))
    assert all("geometry" in data for *_, data in shaped_edges) and not any("geometry" in data for *_, data in bare_edges)
    assert shaped.graph["geometry"] and not bare.graph["geometry"]
    a, b = find_routes(shaped, *trip, k=3), find_routes(bare, *trip, k=3)
    assert [route.as_dict() for route in a] == [route.as_dict() for route in b]


def test_geodesic_lengths_are_measured_once_and_read_back_exactly(tmp_path, monkeypatch):
    from pyproj import Geod

    from corridor import graph as graph_module

    monkeypatch.setenv("CORRIDOR_CACHE", str(tmp_path / "cache"))
    pairs = [((106.55, 29.56), (106.437, 29.496)), ((108.3, 22.8), (108.62, 21.95))]
    measured = graph_module.geodesic_metres(pairs)
    assert measured == [Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2] for a, b in pairs]
    assert (tmp_path / "cache" / graph_module.GEODESICS_FILE).is_file()
    monkeypatch.setattr(graph_module, "_geod", None)  # measured before: pyproj is not asked again
    assert graph_module.geodesic_metres(pairs[::-1]) == measured[::-1]


@pytest.mark.parametrize("broken", ["not json", "[1, 2]", '{"a": "b"}'])
def test_a_broken_geodesic_cache_is_measured_again_and_rewritten(tmp_path, monkeypatch, broken):
    from corridor import graph as graph_module

    monkeypatch.setenv("CORRIDOR_CACHE", str(tmp_path))
    (tmp_path / graph_module.GEODESICS_FILE).write_text(broken)
    pair = [((106.55, 29.56), (106.437, 29.496))]
    assert graph_module.geodesic_metres(pair)[0] > 13_000
    assert graph_module._read_geodesics(tmp_path / graph_module.GEODESICS_FILE).keys() == {repr(pair[0])}


def test_a_cache_folder_that_cannot_be_written_only_means_measuring_again(tmp_path, monkeypatch):
    from corridor import graph as graph_module

    (tmp_path / "file").write_text("")
    monkeypatch.setenv("CORRIDOR_CACHE", str(tmp_path / "file" / "cache"))
    assert graph_module.geodesic_metres([((106.55, 29.56), (106.437, 29.496))])[0] > 13_000


# -- the link edges' numbers, checked against the general formulas (issue 12: the build looks them up once per mode) --

OSM = Path(__file__).parent / "data" / "osm"


@pytest.fixture(scope="module")
def imported_gpkg_network(tmp_path_factory):
    """The small OpenStreetMap import of tests/data/osm, saved and read back as ``route --network`` reads it."""
    path = tmp_path_factory.mktemp("imported") / "net.gpkg"
    save_network_gpkg(network_from_xml(OSM / "province.osm", OSM / "hubs.csv"), path)
    return network_from_gpkg(path)


def expected_link_edge(graph, link: dict, params: ModelParams, reverse: bool) -> dict:
    """``travel_time``, ``cost`` and ``co2`` of a link edge, by :func:`link_time_h` and a look-up per parameter, as before issue 12."""
    profile, mode, km = graph.graph["profile"], link["mode"], float(link["length_km"])
    ends = [graph.graph["hub_nodes"].get(link[end]) for end in ("from_hub", "to_hub")]
    cross_border = None not in ends and graph.nodes[ends[0]]["country"] != graph.nodes[ends[1]]["country"]
    hours = link_time_h(link, profile, params, year=graph.graph["year"], cross_border=cross_border, stop=False)
    arrival = link["from_hub"] if reverse else link["to_hub"]
    at_junction = None in ends
    dwell = 0.0 if at_junction else arrival_dwell_h(graph.nodes[hub_node(graph, arrival)], mode, profile, params)
    total = hours + dwell
    return {
        "travel_time": total * 3600.0,
        "cost": total * params.value(profile, "value_of_time") + km * params.value(profile, "cost_per_km", mode),
        "co2": edge_co2_kg(params, profile, mode, km=km),
        "cross_border": cross_border,
    }


def assert_link_edges_as_the_formulas_give(network, graph, params: ModelParams) -> None:
    links = network.link_records()
    edges = [(key, data) for *_, key, data in graph.edges(keys=True, data=True) if data["edge_type"] == LINK]
    assert edges
    for key, data in edges:
        assert {name: data[name] for name in ("travel_time", "cost", "co2", "cross_border")} == expected_link_edge(graph, links[key], params, data["reversed"])


@pytest.mark.parametrize(("profile", "year"), [("freight", None), ("passenger", None), ("freight", 2015), ("passenger", 2030)])
def test_link_edges_of_the_built_in_network_are_the_formulas_numbers_exactly(builtin_network, profile, year):
    params = ModelParams()
    graph = graph_from_network(builtin_network, profile=profile, year=year, params=params, geometry=False)
    assert_link_edges_as_the_formulas_give(builtin_network, graph, params)


@pytest.mark.parametrize("profile", ["freight", "passenger"])
def test_link_edges_of_an_imported_network_are_the_formulas_numbers_exactly(imported_gpkg_network, profile):
    params = ModelParams()
    for geometry in (False, True):
        graph = graph_from_network(imported_gpkg_network, profile=profile, params=params, geometry=geometry)
        assert any(data["node_type"] == "junction" for _, data in graph.nodes(data=True))
        assert_link_edges_as_the_formulas_give(imported_gpkg_network, graph, params)


def test_an_imported_network_gives_the_same_graph_from_its_features_and_from_its_frames(imported_gpkg_network):
    from_features = graph_from_network(imported_gpkg_network, geometry=False)
    framed = Network(imported_gpkg_network.hubs, imported_gpkg_network.links, source=imported_gpkg_network.source)
    from_frames = graph_from_network(framed, geometry=False)
    assert list(from_frames.nodes(data=True)) == list(from_features.nodes(data=True))
    assert list(from_frames.edges(keys=True, data=True)) == list(from_features.edges(keys=True, data=True))


def test_building_a_graph_leaves_the_garbage_collector_as_it_was(mini_network):
    assert gc.isenabled()
    graph_from_network(mini_network, geometry=False)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        graph_from_network(mini_network, geometry=False)
        assert not gc.isenabled()
    finally:
        gc.enable()
