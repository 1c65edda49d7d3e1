"""Through trains and changes of train (issue 10, item 3): ``through_lines``, ``through_running`` and ``--direct``."""

from __future__ import annotations

import itertools

import pytest

from corridor import NoRouteError
from corridor.graph import graph_from_network
from corridor.routing import find_routes


@pytest.fixture(scope="module")
def trains_2025(builtin_network):
    return graph_from_network(builtin_network, profile="passenger", year=2025, modes=["hsr", "rail"])


def _changes_at(route, hub: str) -> bool:
    """Whether the route leaves one line for another at ``hub`` (consecutive train legs)."""
    trains = [leg for leg in route.legs if leg.mode in ("hsr", "rail")]
    return any(a.destination == hub and b.origin == hub and a.line != b.line for a, b in itertools.pairwise(trains))


def test_a_line_change_without_a_published_through_service_is_a_change_of_train(trains_2025):
    # Changsha South lists only Beijing–Guangzhou HSR | Shanghai–Kunming HSR as through services.
    route = find_routes(trains_2025, "changde", "shanghai_hongqiao")[0]
    assert _changes_at(route, "changsha_south")
    assert route.transfers == 1


def test_a_listed_pair_runs_through_without_a_change(trains_2025):
    route = find_routes(trains_2025, "beijing_west", "guiyang_north", direct=True)[0]
    assert route.transfers == 0
    assert _changes_at(route, "changsha_south")


def test_through_pairs_do_not_chain_into_a_change_no_train_makes(trains_2025):
    # Zhengzhou East: Zhengzhou–Wanzhou | Beijing–Guangzhou and Zhengzhou–Xi'an | Zhengzhou–Xuzhou are
    # through pairs, but no pair joins the Zhengzhou–Wanzhou and Zhengzhou–Xuzhou lines.
    route = find_routes(trains_2025, "wanzhou_north", "xuzhou_east", direct=True)[0]
    trains = [leg.line for leg in route.legs if leg.mode in ("hsr", "rail")]
    assert not any(a == "Zhengzhou–Wanzhou HSR" and b == "Zhengzhou–Xuzhou HSR" for a, b in itertools.pairwise(trains))


def test_direct_routes_board_once(trains_2025):
    fastest = find_routes(trains_2025, "chongqing", "shanghai")[0]
    direct = find_routes(trains_2025, "chongqing", "shanghai", direct=True)[0]
    assert direct.transfers == 0
    assert direct.moving_h >= fastest.moving_h - 1e-9


def test_direct_reports_when_no_single_service_exists(builtin_network):
    graph = graph_from_network(builtin_network, profile="freight", year=2025, modes=["rail", "sea"])
    with pytest.raises(NoRouteError, match="without a change"):
        find_routes(graph, "chongqing", "singapore", direct=True)


def test_through_trains_never_turn_back(trains_2025):
    # Zhengzhou–Wanzhou | Beijing–Guangzhou is a through pair at Zhengzhou East for trains to Beijing;
    # a train from Wanzhou does not run north to Zhengzhou East and back south to Wuhan.
    route = find_routes(trains_2025, "wanzhou_north", "wuhan_station", direct=True)[0]
    trains = [leg for leg in route.legs if leg.mode in ("hsr", "rail")]
    assert not any(a.destination == "zhengzhou_east" and b.origin == "zhengzhou_east" for a, b in itertools.pairwise(trains))
    northbound = find_routes(trains_2025, "wanzhou_north", "beijing_west", direct=True)[0]
    assert northbound.transfers == 0 and "zhengzhou_east" in northbound.hubs
