"""Accessibility on the mini corridor, checked by hand.

Door to door from Chongqing's centre on the passenger network with round.toml
(urban 1 h, HSR and rail terminals 0.5 h each end):

- Guiyang: urban 1 + board 0.5 + HSR 350 km at 250 km/h 1.4 + alight 0.5 = 3.4 h;
- Huaihua: 1 + 0.5 + rail 600 km at 120 km/h 5 + 0.5 = 7 h;
- Qinzhou Port: 3.4 + board 0.5 + rail 800 km at 160 km/h 5 + 0.5 = 9.4 h;
  with the new HSR (2030, 500 km at 250 km/h, no change at Guiyang):
  1 + 0.5 + 1.4 + 2 + 0.5 = 5.4 h;
- Singapore: no passenger link (never reached).
"""

from __future__ import annotations

import pytest

from corridor._errors import CorridorError
from corridor.accessibility import (
    accessibility,
    accessibility_by_mode,
    accessibility_change,
    city_hours,
    gravity_weights,
    headline,
    within_column,
)

#: Round populations for the mini corridor (its hubs carry none).
PEOPLE = {"chongqing": 10e6, "guiyang": 4e6, "huaihua": 2e6, "qinzhou_port": 1e6, "hanoi": 5e6, "singapore": 6e6}


def test_door_to_door_hours_from_chongqing(mini_passenger):
    hours = city_hours(mini_passenger, ["chongqing"], ["chongqing", "guiyang", "huaihua", "qinzhou_port", "singapore", "hanoi"])[0]
    assert list(hours[[0, 1, 2, 3, 5]]) == pytest.approx([0.0, 3.4, 7.0, 9.4, 15.9])
    assert hours[4] == float("inf")


def test_population_within_each_threshold(mini_passenger):
    table = accessibility(mini_passenger, hours=[2, 4, 8, 10], origins=["chongqing"], population=PEOPLE, half_life_h=2.0)
    row = table.loc["chongqing"]
    assert row[within_column(2)] == 10e6  # its own population only
    assert row[within_column(4)] == 14e6  # + Guiyang (3.4 h)
    assert row[within_column(8)] == 16e6  # + Huaihua (7 h)
    assert row[within_column(10)] == 17e6  # + Qinzhou Port (9.4 h); Singapore never
    assert row["cities_within_10h"] == 4
    # Hanoi: 15.9 h (rail on through Qinzhou Port: dwell 0.5, border rail 400 km at 160 km/h 2.5, border 2).
    expected = 10e6 + 4e6 * 0.5**1.7 + 2e6 * 0.5**3.5 + 1e6 * 0.5**4.7 + 5e6 * 0.5 ** (15.9 / 2)
    assert row["gravity"] == pytest.approx(expected)


def test_gravity_weights_halve_every_half_life():
    assert list(gravity_weights([0.0, 2.0, 4.0, float("inf")], 2.0)) == [1.0, 0.5, 0.25, 0.0]
    with pytest.raises(CorridorError, match="positive"):
        gravity_weights([1.0], 0.0)


def test_bad_hours_are_refused(mini_passenger):
    with pytest.raises(CorridorError, match="2,4,6"):
        accessibility(mini_passenger, hours=[-1])


def test_new_hsr_brings_qinzhou_port_within_6h_by_train(mini_network, round_params):
    before = accessibility_by_mode(mini_network, year=None, params=round_params, hours=[6], origins=["chongqing"], population=PEOPLE)
    after = accessibility_by_mode(mini_network, year=2030, params=round_params, hours=[6], origins=["chongqing"], population=PEOPLE)
    change = accessibility_change(before, after, hours=6)
    train = change[(change["mode"] == "train") & (change["hub"] == "chongqing")].iloc[0]
    assert (train["before"], train["after"], train["change"]) == (14e6, 15e6, 1e6)
    road = change[(change["mode"] == "road") & (change["hub"] == "chongqing")].iloc[0]
    assert road["change"] == 0  # no new road
    line = headline("New HSR", change, focus=["chongqing"], hours=6)
    assert line == "New HSR brings 1.0 million more people within 6 h of Chongqing by train (14.0 million before, 15.0 million after)"
