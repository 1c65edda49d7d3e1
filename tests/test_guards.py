"""Guards against absurd answers on the built-in network (issue 10).

Each test walks every pair of the cities it concerns with one Dijkstra per
origin, so a data change that opens a detour anywhere fails here with the pair
named.
"""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from corridor.candidates import generate_candidates
from corridor.graph import graph_from_network, hub_node
from corridor.scenario import geodesic_km

CHINA = {"CN", "HK"}

#: Cities of the corridor checked for detours, and joined by every mode serving both.
CORRIDOR_CITIES = (
    "chongqing", "huaihua", "guiyang", "nanning", "qinzhou", "beihai", "fangchenggang", "liuzhou", "kunming", "chengdu",
    "beijing", "shanghai", "wuhan", "guangzhou", "changsha", "xian", "zhengzhou", "vientiane", "hanoi", "haiphong",
)

#: Passenger routes allowed more than 1.6x the great-circle distance between cities over 300 km
#: apart: (cities at one end, cities at the other or None for any, the reason).
DETOUR_EXCEPTIONS: list[tuple[set[str], set[str] | None, str]] = [
    ({"vientiane"}, {"nanning", "qinzhou", "beihai", "fangchenggang", "liuzhou", "guangzhou", "hanoi", "haiphong"},
     ("the Annamite range: no railway into Laos but the China–Laos line, trains go round by Kunming "
      "(the Hanoi–Vientiane road over the Cau Treo pass is not in the network)")),
    ({"xian"}, None, ("Xi'an's high-speed lines run east to Zhengzhou and south-west to Chengdu only; "
                      "the Xi'an–Chongqing line (due 2028) and a Xi'an–Wuhan line are not open")),
    ({"chongqing"}, {"huaihua"}, "the Wuling mountains: the lines follow the Wu and You valleys or go round by Zhangjiajie"),
    ({"chengdu"}, {"kunming"}, "the Liangshan mountains: the direct line runs at 160 km/h, the faster HSR goes round by Guiyang"),
    ({"chengdu"}, {"wuhan"}, "the Yangtze gorges: until the riverside HSR (about 2030) the fastest HSR goes round by Xi'an and Zhengzhou"),
    ({"beihai"}, {"guangzhou"}, "no Hepu–Zhanjiang HSR until 2028: trains go back through Nanning"),
    ({"liuzhou"}, {"guiyang", "kunming"}, "the karst mountains of Guizhou and Guangxi: the HSR goes round by Guilin or Nanning"),
    ({"liuzhou"}, {"huaihua"}, "the direct Jiaoliu line is a 120 km/h single-track mountain railway: the faster HSR goes round by Guiyang and Guilin"),
    ({"huaihua"}, {"guangzhou"}, ("the direct Huaihua–Shaoyang–Hengyang line takes 2 h 07 min for 318 km (published, 2018): "
                                  "the 300-350 km/h lines round by Changsha South are faster")),
    ({"huaihua"}, {"hanoi", "haiphong"}, ("the direct Jiaoliu line is a 120 km/h single-track mountain railway: the faster HSR goes round "
                                          "by Guiyang to Nanning, and Huaihua's own road south (G65 via Guilin) is longer still")),
]


def _detour_reason(a: str, b: str) -> str | None:
    for ends, others, reason in DETOUR_EXCEPTIONS:
        for x, y in ((a, b), (b, a)):
            if x in ends and (others is None or y in others):
                return reason
    return None


def _cities(graph: nx.MultiDiGraph, countries: set[str] | None = None) -> list[str]:
    return sorted(
        hub for hub, node in graph.graph["hub_nodes"].items()
        if graph.nodes[node]["kind"] == "city" and (countries is None or graph.nodes[node]["country"] in countries)
    )


def _paths_from(graph: nx.MultiDiGraph, hub: str) -> dict[int, list[int]]:
    return nx.single_source_dijkstra_path(graph, hub_node(graph, hub), weight="travel_time")


@pytest.fixture(scope="module", params=["passenger", "freight"])
def graph(request, builtin_network):
    return graph_from_network(builtin_network, profile=request.param)


def test_no_route_between_chinese_cities_leaves_china(graph):
    cities = _cities(graph, CHINA)
    assert len(cities) >= 30
    for origin in cities:
        paths = _paths_from(graph, origin)
        for destination in cities:
            node = hub_node(graph, destination)
            if destination == origin or node not in paths:
                continue
            abroad = {graph.nodes[n]["hub"] for n in paths[node] if graph.nodes[n].get("hub") and graph.nodes[n].get("node_type") != "junction"}
            abroad = {hub for hub in abroad if graph.nodes[hub_node(graph, hub)]["country"] not in CHINA}
            assert not abroad, (graph.graph["profile"], origin, destination, sorted(abroad))


def test_passenger_routes_are_not_absurd_detours(builtin_network):
    graph = graph_from_network(builtin_network, profile="passenger")
    cities = list(CORRIDOR_CITIES)
    long_ways = []
    for origin in cities:
        paths = _paths_from(graph, origin)
        a = graph.nodes[hub_node(graph, origin)]
        for destination in cities:
            node = hub_node(graph, destination)
            if destination <= origin or node not in paths:
                continue
            b = graph.nodes[node]
            crow = geodesic_km([(a["x"], a["y"]), (b["x"], b["y"])])
            if crow < 300:
                continue
            km = sum(min(d["length"] for d in graph[u][v].values()) for u, v in itertools.pairwise(paths[node])) / 1000.0
            if km > 1.6 * crow and not _detour_reason(origin, destination):
                long_ways.append((origin, destination, round(km), round(crow)))
    assert not long_ways, long_ways


@pytest.mark.parametrize(("profile", "mode"), [("passenger", "hsr"), ("passenger", "rail"), ("freight", "rail"), ("freight", "expressway")])
def test_every_corridor_city_pair_is_joined_by_every_mode_serving_both(builtin_network, profile, mode):
    graph = graph_from_network(builtin_network, profile=profile, modes=[mode])
    served = []
    for city in CORRIDOR_CITIES:
        hubs = [hub for hub, node in graph.graph["hub_nodes"].items() if graph.nodes[node]["city"] == city]
        if any((hub, mode) in graph.graph["terminal_nodes"] for hub in hubs):
            served.append(city)
    assert len(served) >= 8, (mode, served)
    for origin in served:
        reached = nx.single_source_dijkstra_path_length(graph, hub_node(graph, origin), weight="travel_time")
        missing = [city for city in served if hub_node(graph, city) not in reached]
        assert not missing, (profile, mode, origin, missing)


@pytest.mark.parametrize(("profile", "mode"), [("passenger", "hsr"), ("freight", "rail"), ("freight", "expressway")])
def test_candidates_never_duplicate_an_existing_line(builtin_network, profile, mode):
    graph = graph_from_network(builtin_network, profile=profile)
    mode_graph = graph_from_network(builtin_network, profile=profile, modes=[mode])
    found = generate_candidates(graph, mode=mode, max_km=600, network=builtin_network)
    assert found
    for candidate in found:
        a, b = (mode_graph.graph["hub_nodes"].get(hub) for hub in (candidate.from_hub, candidate.to_hub))
        if a is None or b is None:
            continue
        try:
            existing = nx.dijkstra_path_length(mode_graph, a, b, weight="length") / 1000.0
        except nx.NetworkXNoPath:
            continue
        assert existing > 1.2 * candidate.length_km, (candidate.id, round(existing), candidate.length_km)


def test_guilin_liuzhou_railway_exists_so_no_candidate_proposes_it(builtin_network):
    graph = graph_from_network(builtin_network, profile="freight")
    pairs = {frozenset((c.from_hub, c.to_hub)) for c in generate_candidates(graph, mode="rail", max_km=600, network=builtin_network)}
    assert not any({"guilin", "liuzhou"} <= {hub.split("_")[0] for hub in pair} for pair in pairs)
