"""Isochrones on the mini corridor, checked by hand (times: see test_accessibility.py).

From Chongqing's centre: Chongqing West and Guoyuan Port at 1 h (urban), Guiyang at 3.4 h,
Qinzhou Port at 9.4 h (5.4 h with the new HSR of 2030). With an access speed of 10 km/h the
2 h band is a 20 km disc around the centre and 10 km discs around the two stations.
"""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import pytest
from shapely.geometry import Point

from corridor._errors import CorridorError
from corridor.isochrones import area_km2, geodesic_disc, isochrones, reached_hubs, scenario_isochrones, write_isochrones


def test_reached_hubs_within_4h(mini_passenger):
    reached = reached_hubs(mini_passenger, "chongqing", max_hours=4)
    assert dict(reached["hours"].round(3)) == {"chongqing": 0.0, "cq_west": 1.0, "cq_port": 1.0, "guiyang": 3.4}


def test_geodesic_disc_has_the_area_of_a_circle():
    assert area_km2(geodesic_disc(106.55, 29.56, 20.0, points=360)) == pytest.approx(3.14159 * 20**2, rel=0.002)


def test_bands_are_discs_at_access_speed(mini_passenger):
    bands = isochrones(mini_passenger, "Chongqing", hours=[2, 4], access_kmh=10.0).set_index("hours")
    two, four = bands.loc[2.0, "geometry"], bands.loc[4.0, "geometry"]
    assert bands.loc[2.0, "hubs"] == 3 and bands.loc[4.0, "hubs"] == 4
    centre_disc = area_km2(geodesic_disc(106.55, 29.56, 20.0))
    assert centre_disc < bands.loc[2.0, "area_km2"] < centre_disc + 2 * area_km2(geodesic_disc(106.44, 29.5, 10.0))
    guiyang = Point(106.63, 26.65)
    assert not two.contains(guiyang)
    assert four.contains(guiyang)  # reached at 3.4 h, 6 km around it
    assert four.contains(two)


def test_scenario_gains_the_area_around_qinzhou_port(mini_network, round_params):
    applied = SimpleNamespace(network=mini_network, baseline_year=None, year=2030, params=round_params)
    frame = scenario_isochrones(mini_network, applied, "chongqing", hours=[6], params=round_params)
    gained = frame[frame["side"] == "gained"].iloc[0]
    assert gained["hubs"] == 1
    # Qinzhou Port at 5.4 h: a disc of 30 km/h x 0.6 h = 18 km.
    assert gained["area_km2"] == pytest.approx(area_km2(geodesic_disc(108.62, 21.72, 18.0)), rel=0.01)
    assert set(frame["side"]) == {"before", "after", "gained"}


def test_write_geojson_and_geopackage(mini_passenger, tmp_path):
    frame = isochrones(mini_passenger, "chongqing", hours=[2, 4])
    for name in ("iso.geojson", "iso.gpkg"):
        back = gpd.read_file(write_isochrones(frame, tmp_path / name))
        assert list(back["hours"]) == [2.0, 4.0]
    with pytest.raises(CorridorError, match=".gpkg"):
        write_isochrones(frame, tmp_path / "iso.shp")


def test_bad_hours_are_refused(mini_passenger):
    with pytest.raises(CorridorError, match="2,4,6"):
        isochrones(mini_passenger, "chongqing", hours=[0])
