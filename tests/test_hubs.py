"""Finding hubs by the names people type (corridor/hubs.py), on the mini corridor."""

from __future__ import annotations

import pytest

from corridor import UnknownHubError
from corridor.graph import graph_from_network, hub_node
from corridor.hubs import hub_names, normalise_name, resolve_hub
from corridor.network import network_from_features


@pytest.mark.parametrize(
    ("name", "normal"),
    [("Xi'an", "xian"), ("Xi’an", "xian"), ("Qinzhou-Port ", "qinzhouport"), ("cq_west", "cqwest"), ("Chong Qing", "chongqing"),
     ("St. Paul (MN)", "stpaulmn"), ("重庆西站", "重庆西"), ("QINZHOU GANG", "qinzhougang")],
)
def test_normalise_name_drops_case_separators_and_a_trailing_station(name, normal):
    assert normalise_name(name) == normal


def test_hub_names_lists_id_names_and_pinyin_without_blanks(mini_freight):
    names = hub_names(mini_freight)
    assert names["cq_west"] == ["cq_west", "Chongqing West", "重庆西站", "Chongqing Xi"]
    assert set(names) == set(mini_freight.graph["hub_nodes"])


@pytest.mark.parametrize(
    ("name", "hub"),
    [("qinzhou_port", "qinzhou_port"), ("Qinzhou Port", "qinzhou_port"), ("钦州港", "qinzhou_port"), ("qinzhou gang", "qinzhou_port"),
     ("重庆西", "cq_west"), ("Chongqing Xi", "cq_west"), ("guoyuan-port", "cq_port"), ("HANOI", "hanoi")],
)
def test_resolve_hub_by_id_name_chinese_or_pinyin(mini_freight, name, hub):
    assert resolve_hub(mini_freight, name) == hub


def test_aliases_resolve_and_a_shared_name_goes_to_the_city_then_the_first_hub(mini_freight):
    def alias(hub: str, *names: str) -> None:
        mini_freight.nodes[hub_node(mini_freight, hub)]["aliases"] = list(names)

    alias("cq_port", "Guoyuan", "Yu")
    alias("cq_west", "Yu", "Yu Station")
    alias("chongqing", "Yu")
    alias("huaihua", "Yu Station")
    assert resolve_hub(mini_freight, "guoyuan") == "cq_port"
    assert resolve_hub(mini_freight, "Yu") == "chongqing"  # a city and two of its stations: the city
    assert resolve_hub(mini_freight, "yu station") == "huaihua"  # a station and a city: the city
    alias("huaihua")
    assert resolve_hub(mini_freight, "yu station") == "cq_west"


def test_a_misspelt_name_suggests_the_closest_one(mini_freight):
    with pytest.raises(UnknownHubError, match=r"^unknown hub 'Quinzhou Prot'; did you mean 'Qinzhou Port'\?$"):
        resolve_hub(mini_freight, "Quinzhou Prot")


def test_a_name_like_no_hub_points_to_the_hub_list(mini_freight):
    with pytest.raises(UnknownHubError, match=r"^unknown hub 'Ulaanbaatar'; `corridor hubs` lists them$"):
        resolve_hub(mini_freight, "Ulaanbaatar")


def test_a_hub_not_yet_open_says_when_it_opens(mini_features):
    hubs, links = mini_features
    next(h for h in hubs if h["properties"]["id"] == "hanoi")["properties"]["opened"] = 2021
    graph = graph_from_network(network_from_features(hubs, links), year=2020)
    with pytest.raises(UnknownHubError, match=r"^hub 'hanoi' is not in the network as of 2020: it opens in 2021$"):
        resolve_hub(graph, "Hanoi")
    assert resolve_hub(graph_from_network(network_from_features(hubs, links), year=2021), "Hanoi") == "hanoi"


def test_a_hub_not_yet_open_is_explained_by_any_of_its_names(mini_features):
    hubs, links = mini_features
    next(h for h in hubs if h["properties"]["id"] == "cq_west")["properties"]["opened"] = 2021
    graph = graph_from_network(network_from_features(hubs, links), year=2020)
    with pytest.raises(UnknownHubError, match="is not in the network as of 2020: it opens in 2021"):
        resolve_hub(graph, "Chongqing West")
