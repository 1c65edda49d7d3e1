"""Published section times by year: the fastest train's (in force, or the earliest moved by the speed difference) and a scheduled freight service's."""

from __future__ import annotations

import pytest

from corridor.graph import graph_from_network, link_time_h, section_time_h
from corridor.params import ModelParams
from corridor.routing import find_routes

#: Chengdu-Chongqing intercity: 300 km/h from December 2015, 350 from December 2020, when 62 minutes was published.
CHENGYU = {
    "length_km": 307.0,
    "speed_kmh": 350.0,
    "speed_history": [{"from": "2015-12", "speed_kmh": 300.0}, {"from": "2020-12", "speed_kmh": 350.0}],
    "section_times": [{"from": "2020-12", "minutes": 62.0}],
}


def test_the_time_in_force_holds_while_the_speed_stays():
    assert section_time_h(CHENGYU, 2021) == pytest.approx(62 / 60)
    assert section_time_h(CHENGYU, None) == pytest.approx(62 / 60)


def test_a_year_before_the_first_published_time_takes_it_plus_the_running_time_of_the_slower_speed():
    slower = 307.0 / (0.8 * 300.0) - 307.0 / (0.8 * 350.0)
    assert section_time_h(CHENGYU, 2016, speed_factor=0.8) == pytest.approx(62 / 60 + slower)
    assert section_time_h(CHENGYU, 2016) is None  # a correction is needed and no speed factor was given


def test_a_later_speed_up_takes_the_saved_running_time_off():
    link = {**CHENGYU, "section_times": [{"from": "2016-06", "minutes": 80.0}]}
    saved = 307.0 / (0.8 * 300.0) - 307.0 / (0.8 * 350.0)
    assert section_time_h(link, 2017, speed_factor=0.8) == pytest.approx(80 / 60)
    assert section_time_h(link, 2022, speed_factor=0.8) == pytest.approx(80 / 60 - saved)


def test_without_a_speed_history_the_earliest_time_holds_before_it_and_none_without_times():
    link = {"length_km": 100.0, "speed_kmh": 250.0, "section_times": [{"from": "2019-01", "minutes": 30.0}, {"from": "2023-01", "minutes": 28.0}]}
    assert section_time_h(link, 2015) == pytest.approx(0.5)
    assert section_time_h(link, 2020) == pytest.approx(0.5)
    assert section_time_h(link, 2024) == pytest.approx(28 / 60)
    assert section_time_h({"length_km": 100.0, "speed_kmh": 250.0}, 2020) is None


#: A cross-border freight link: Mohan clearance 40 h at opening, 4 h later; a scheduled service of 26 h from 2022.
BORDER_FREIGHT = {
    "mode": "rail",
    "length_km": 1000.0,
    "speed_kmh": 160.0,
    "waits": [{"from": "2021-12", "hours": 40.0}, {"from": "2022-05", "hours": 4.0}],
    "freight_section_times": [{"from": "2022-03", "minutes": 1560.0}],
}


def test_a_scheduled_freight_time_replaces_the_speed_model_waits_and_border_from_its_date_only():
    params = ModelParams()
    dwell = params.value("freight", "dwell_h", "rail")
    speed_model = 1000.0 / params.speed_kmh("freight", "rail", 160.0)
    assert link_time_h(BORDER_FREIGHT, "freight", params, year=2023, cross_border=True) == pytest.approx(26.0 + dwell)
    # Before the service ran: the speed model and the clearance of the day (a service's time says nothing of earlier years).
    assert link_time_h(BORDER_FREIGHT, "freight", params, year=2021, cross_border=True) == pytest.approx(speed_model + 40.0 + dwell)
    switched_off = params.with_overrides({})
    switched_off.use_section_times = False
    assert link_time_h(BORDER_FREIGHT, "freight", switched_off, year=2023, cross_border=True) == pytest.approx(speed_model + 4.0 + dwell)
    # Passengers never take a freight service's time.
    assert link_time_h(BORDER_FREIGHT, "passenger", params, year=2023) > 26.0 / 4


def test_the_built_in_lancang_mekong_express_takes_26_hours_kunming_to_vientiane(builtin_network):
    graph = graph_from_network(builtin_network, profile="freight", modes=("rail",), year=2023)
    route = find_routes(graph, "kunming_south", "vientiane_station", by="time")[0]
    assert route.moving_h == pytest.approx(26.0, abs=0.1)
    graph_2021 = graph_from_network(builtin_network, profile="freight", modes=("rail",), year=2021)
    earlier = find_routes(graph_2021, "kunming_south", "vientiane_station", by="time")[0]
    assert earlier.moving_h > 26.0 + 40.0  # the 40 h Mohan clearance at opening, before the express ran
