"""The shipped model parameters are the fit to the published times, with known residuals."""

from __future__ import annotations

import pytest

from corridor.calibration import calibrate, read_calibration_rows
from corridor.params import ModelParams


@pytest.fixture(scope="module")
def fit(builtin_network):
    return calibrate(builtin_network, read_calibration_rows())


def test_shipped_parameters_are_the_fit(fit):
    fitted, _ = fit
    shipped = ModelParams()
    for profile, name, mode in [("passenger", "speed_factor", "hsr"), ("passenger", "speed_factor", "rail"), ("freight", "speed_kmh", "rail")]:
        assert shipped.value(profile, name, mode) == pytest.approx(fitted.value(profile, name, mode), abs=0.01)


def test_residuals_documented(fit):
    _, rows = fit
    residuals = {row.id: row.residual_h for row in rows}
    # Within 20 min of the published fastest time, except Guiyang-Nanning (see docs/calibration.md).
    for row_id, residual in residuals.items():
        if row_id != "gy_nn_2023":
            assert abs(residual) < 0.34, (row_id, residual)
    assert residuals["fr_cq_qz"] == pytest.approx(0, abs=0.05)


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
