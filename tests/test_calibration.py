"""The shipped model parameters are the fit to the published times, with known residuals."""

from __future__ import annotations

import pytest

from corridor.calibration import calibrate, mape, read_calibration_rows
from corridor.params import ModelParams


@pytest.fixture(scope="module")
def fit(builtin_network):
    return calibrate(builtin_network, read_calibration_rows())


def test_shipped_parameters_are_the_fit(fit):
    fitted, _ = fit
    shipped = ModelParams()
    for profile, name, mode in [
        ("passenger", "speed_factor", "hsr"), ("passenger", "dwell_h", "hsr"), ("passenger", "speed_factor", "rail"), ("freight", "speed_kmh", "rail"),
    ]:
        assert shipped.value(profile, name, mode) == pytest.approx(fitted.value(profile, name, mode), abs=0.01)


def test_residuals_documented(fit):
    """The figures docs/calibration.md quotes: time on trains within 10% MAPE; the speed model alone within 15%."""
    _, rows = fit
    passenger = [row for row in rows if row.profile == "passenger"]
    assert len(passenger) >= 40
    assert mape(passenger) < 10.0
    assert mape(passenger, speed_model=True) < 15.0
    residuals = {row.id: row.residual_h for row in rows}
    assert abs(residuals["fr_cq_qz"]) < 3.0 and abs(residuals["fr_cq_qz_2024"]) < 3.0


def test_yangtze_takes_about_three_times_the_sea_rail_route_to_singapore(fit):
    """Published: about three weeks via the Yangtze and Shanghai against about a week by the corridor (within 25%)."""
    _, rows = fit
    by_id = {row.id: row for row in rows}
    published = by_id["fr_cq_sg_yz_2017"].published_h / by_id["fr_cq_sg_2018"].published_h
    model = by_id["fr_cq_sg_yz_2017"].model_h / by_id["fr_cq_sg_2018"].model_h
    assert model == pytest.approx(published, rel=0.25)


def test_every_row_routes_on_the_network_of_its_year(fit):
    _, rows = fit
    assert all(row.links for row in rows)
    by_id = {row.id: row for row in rows}
    assert "zhengwan_b" in by_id["bj_cq_2022"].links  # Zhengzhou–Chongqing HSR, open since June 2022
    assert "zhengwan_b" not in by_id["cq_bj_2015"].links and "yuli_a" in by_id["cq_bj_2015"].links


def test_freight_chongqing_qinzhou_runs_by_rail_in_about_two_days(builtin_network):
    from corridor.graph import graph_from_network
    from corridor.routing import find_routes

    graph = graph_from_network(builtin_network, profile="freight", modes=["rail"])
    route = find_routes(graph, "Chongqing", "Qinzhou Port")[0]
    lines = " ".join(leg.line for leg in route.legs)
    assert route.modes == ["rail"]
    assert route.hubs[:2] == ["chongqing", "cq_tuanjiecun"], "Chongqing's rail freight is loaded at Tuanjiecun, not at passenger stations"
    assert "Chongqing–Guiyang" in lines or "Sichuan–Guizhou" in lines or "Chongqing–Huaihua" in lines
    assert 36 <= route.time_h <= 60
    cheapest = find_routes(graph_from_network(builtin_network, profile="freight"), "Chongqing", "Qinzhou Port", by="cost")[0]
    assert "rail" in cheapest.modes


def test_a_service_stated_to_pass_a_hub_is_routed_through_it_on_each_parts_modes(fit):
    """Huaihua-Haiphong rail-sea: by rail to Qinzhou Port, then by ship (the all-rail way through Dong Dang is not it)."""
    _, rows = fit
    row = next(row for row in rows if row.id == "fr_hh_hp_2022")
    assert row.via == ("qinzhou_port",) and row.part_modes == (("rail",), ("sea",))
    assert "sea_qz_hp" in row.links
    assert not {"hanoi_dongdang", "youyiguan_dongdang"} & set(row.links)


def test_part_modes_must_match_the_via_hubs(tmp_path):
    from corridor._errors import CorridorError

    table = tmp_path / "times.csv"
    table.write_text(
        "id,origin_hub,destination_hub,profile,modes,year,published_h,source,via\n"
        "bad,huaihua_landport,haiphong_port,freight,rail;sea;rail,2022,120,x,qinzhou_port\n",
        encoding="utf-8",
    )
    with pytest.raises(CorridorError, match=r"times.csv: row 'bad', field 'modes': 3 parts for 1 via hubs"):
        read_calibration_rows(table)


def test_with_link_modes_keeps_node_numbers_and_drops_other_modes(builtin_network):
    from corridor.graph import graph_from_network, with_link_modes

    graph = graph_from_network(builtin_network, profile="freight", modes=["rail", "sea"], year=2022)
    sea_only = with_link_modes(graph, ["sea"])
    assert set(sea_only.nodes) == set(graph.nodes)
    link_modes = {data["mode"] for _, _, data in sea_only.edges(data=True) if data.get("edge_type", "link") == "link"}
    assert link_modes == {"sea"}
    assert sea_only.graph["version"] != graph.graph["version"]
