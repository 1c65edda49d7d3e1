"""Published fastest section times by year: the one in force, or the earliest one moved by the speed difference."""

from __future__ import annotations

import pytest

from corridor.graph import section_time_h

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
