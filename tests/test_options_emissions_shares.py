"""Options by mode chain, CO2 and mode shares on the mini corridor, checked on paper (issue 14).

Emission factors in round numbers (grams): expressway 100 per TEU-km, sea 10,
rail 20; 1,000 per lift. Chongqing to Singapore by time (tests/data/mini/README.md):
G75 1,100 km x 0.1 kg + sea 2,400 km x 0.01 kg + four lifts (on and off the
truck, on and off the ship) x 1 kg = 110 + 24 + 4 = 138 kg CO2e per TEU.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from corridor.graph import graph_from_network
from corridor.options import options_by_mode_chain
from corridor.params import ModelParams
from corridor.routing import find_routes
from corridor.shares import fit_shares, logit_shares, observed_pair, option_shares, share_label

ROUND_CO2 = {
    "freight": {
        "co2_g_per_km": {"rail": 20.0, "expressway": 100.0, "waterway": 15.0, "sea": 10.0},
        "co2_g_per_lift": {"rail": 1000.0, "expressway": 1000.0, "waterway": 1000.0, "sea": 1000.0},
    }
}


@pytest.fixture
def co2_freight(mini_network, round_params):
    return graph_from_network(mini_network, profile="freight", params=round_params.with_overrides(ROUND_CO2))


def test_route_co2_by_hand(co2_freight):
    route = find_routes(co2_freight, "Chongqing", "Singapore")[0]
    assert route.modes == ["expressway", "sea"]
    assert route.co2 == pytest.approx(138.0)
    assert route.as_dict()["co2_kg"] == 138.0


def test_co2_changes_no_other_result(mini_network, round_params, co2_freight):
    plain = graph_from_network(mini_network, profile="freight", params=round_params)
    a, b = find_routes(plain, "Chongqing", "Singapore")[0], find_routes(co2_freight, "Chongqing", "Singapore")[0]
    assert (a.time_h, a.cost, a.length_km, a.hubs) == (b.time_h, b.cost, b.length_km, b.hubs)


def test_options_one_row_per_chain(co2_freight):
    options = options_by_mode_chain(co2_freight, "Chongqing", "Singapore", by="time")
    labels = [o.label for o in options]
    assert len(labels) == len(set(labels))
    assert labels[0] == "expressway+sea"
    first = options[0].as_dict()
    assert first["time_h"] == 144.0  # the README's hand-checked fastest route
    assert first["co2_kg"] == 138.0
    assert first["transfers"] == 1
    times = [o.route.time_h for o in options]
    assert times == sorted(times)
    for option in options:
        assert list(option.chain) == option.route.modes


def test_logit_shares_by_hand():
    # exp(-0.01 * 0) : exp(-0.01 * ln3/0.01) = 1 : 1/3 -> 3/4 and 1/4.
    shares = logit_shares([0.0, math.log(3) / 0.01], [0.0, 0.0], 0.01)
    assert shares.tolist() == pytest.approx([0.75, 0.25])
    # A constant of ln 3 on the dearer option evens them out.
    assert logit_shares([0.0, math.log(3) / 0.01], [0.0, math.log(3)], 0.01).tolist() == pytest.approx([0.5, 0.5])


def test_shares_indicative_until_calibrated(co2_freight):
    params = ModelParams()
    options = options_by_mode_chain(co2_freight, "Chongqing", "Singapore")
    assert share_label(params, "freight") == "indicative"
    assert sum(option_shares(options, params, "freight")) == pytest.approx(1.0)
    assert share_label(params.with_overrides({"freight": {"shares_calibrated": True}}), "freight") == "calibrated"


def test_fit_shares_recovers_constants(co2_freight):
    truth = {"freight": {"share_scale": 0.001, "share_constants": {"rail+sea": 0.7}}}
    params = ModelParams().with_overrides(truth)
    pairs = []
    for origin, destination in (("Chongqing", "Singapore"), ("Chongqing", "Hanoi"), ("Huaihua", "Singapore")):
        options = options_by_mode_chain(co2_freight, origin, destination)
        observed = dict(zip([o.label for o in options], option_shares(options, params, "freight"), strict=True))
        pairs.append(observed_pair(origin, destination, options, observed))
    fit = fit_shares(pairs)
    for pair in fit["pairs"]:
        for share in pair["shares"]:
            assert share["fitted"] == pytest.approx(share["observed"], abs=0.01)


def test_params_reject_unknown_chain_mode():
    from corridor._errors import ParameterError

    with pytest.raises(ParameterError, match="unknown mode 'truck'"):
        ModelParams({"freight": {"share_constants": {"truck+sea": 1.0}}})


def test_cli_options_json(tmp_path):
    from corridor.cli import app
    from tests.conftest import MINI

    result = CliRunner().invoke(app, ["options", "Chongqing", "Singapore", "--network", str(MINI), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"chain", "time_h", "moving_h", "length_km", "cost", "co2_kg", "transfers", "share"} <= set(report["options"][0])
    assert report["share_label"] == "indicative"
    assert sum(o["share"] for o in report["options"]) == pytest.approx(1.0, abs=0.01)
    assert np.isfinite([o["co2_kg"] for o in report["options"]]).all()
