"""Model parameters: corridor/model.toml read, overrides applied key by key, bad values named by file and field."""

from __future__ import annotations

import re
import tomllib

import pytest

from corridor import CorridorError
from corridor._errors import ParameterError
from corridor.params import DEFAULTS_FILE, ModelParams


@pytest.fixture(scope="module")
def shipped() -> dict:
    """``corridor/model.toml`` as TOML reads it."""
    with DEFAULTS_FILE.open("rb") as f:
        return tomllib.load(f)


def test_defaults_are_the_values_of_model_toml(shipped):
    params = ModelParams()
    for profile in ("freight", "passenger"):
        for mode, hours in shipped[profile]["terminal_h"].items():
            assert params.value(profile, "terminal_h", mode) == hours
        assert params.value(profile, "border_h") == shipped[profile]["border_h"]
        assert params.value(profile, "value_of_time") == shipped[profile]["value_of_time"]


def test_a_parameter_or_mode_model_toml_does_not_give_is_zero():
    params = ModelParams()
    assert params.value("freight", "speed_factor", "sea") == 0.0  # freight sea has a commercial speed instead
    assert params.value("freight", "no_such_parameter") == 0.0


def test_a_params_file_replaces_only_the_values_it_names(round_params, shipped):
    # tests/data/mini/round.toml sets the freight rail terminal time to 5 h and says nothing of waterways
    assert round_params.value("freight", "terminal_h", "rail") == 5.0
    assert round_params.value("freight", "terminal_h", "waterway") == shipped["freight"]["terminal_h"]["waterway"]
    assert round_params.value("passenger", "urban_h") == 1.0
    assert round_params.value("passenger", "value_of_time") == shipped["passenger"]["value_of_time"]


def test_with_overrides_returns_a_copy_and_leaves_the_original():
    base = ModelParams()
    before = base.value("freight", "border_h")
    changed = base.with_overrides({"freight": {"border_h": before + 5, "terminal_h": {"sea": 1}}})
    assert changed.value("freight", "border_h") == before + 5
    assert changed.value("freight", "terminal_h", "sea") == 1.0
    assert changed.value("freight", "terminal_h", "rail") == base.value("freight", "terminal_h", "rail")
    assert base.value("freight", "border_h") == before


def test_commercial_speed_is_capped_at_the_line_speed(round_params):
    # round.toml: freight rail moves at 50 km/h
    assert round_params.speed_kmh("freight", "rail", 120.0) == 50.0
    assert round_params.speed_kmh("freight", "rail", 40.0) == 40.0


def test_speed_factor_applies_to_the_line_speed_capped_at_the_mode_maximum():
    params = ModelParams().with_overrides({"freight": {"speed_factor": {"rail": 0.5}, "max_speed_kmh": {"rail": 100.0}}})
    assert params.speed_kmh("freight", "rail", 160.0) == 50.0  # 0.5 x min(160, 100)
    assert params.speed_kmh("freight", "rail", 80.0) == 40.0  # 0.5 x 80
    no_cap = ModelParams().with_overrides({"passenger": {"speed_factor": {"hsr": 0.8}}})
    assert no_cap.speed_kmh("passenger", "hsr", 350.0) == pytest.approx(280.0)


def test_emission_factors_are_grams_read_as_kilograms():
    params = ModelParams().with_overrides({"freight": {"co2_g_per_km": {"sea": 90.0}, "co2_g_per_lift": {"sea": 10_000.0}}})
    assert params.co2_kg_per_km("freight", "sea") == pytest.approx(0.09)
    assert params.co2_kg_per_lift("freight", "sea") == pytest.approx(10.0)


def test_fitted_view_is_a_copy_of_the_values():
    params = ModelParams()
    view = params.fitted_view()
    view["freight"]["border_h"] = -1.0
    assert params.value("freight", "border_h") != -1.0


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ParameterError, match=f"^{re.escape(str(path))}: no such parameters file$"):
        ModelParams.from_file(path)


def test_malformed_toml_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[freight]\nborder_h = = 3\n")
    with pytest.raises(ParameterError, match=rf"^{re.escape(str(path))}: cannot read model parameters: .*line 2"):
        ModelParams.from_file(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[truck]\nborder_h = 1\n", "unknown profile 'truck' in parameters; use one of freight, passenger"),
        ('freight = "fast"\n', "'freight' must be a table of parameters"),
        ("[freight]\nwarp = 9\n", "parameter 'freight.warp' is unknown; known parameters: speed_factor"),
        ("[freight]\nborder_h = -1\n", "parameter 'freight.border_h' must be a non-negative finite number, got -1"),
        ("[freight]\nborder_h = true\n", "parameter 'freight.border_h' must be a non-negative finite number, got True"),
        ("[freight]\nborder_h = inf\n", "parameter 'freight.border_h' must be a non-negative finite number, got inf"),
        ("[freight]\nterminal_h = 3\n", "parameter 'freight.terminal_h' must be a table by mode"),
        ("[freight]\nterminal_h = { truck = 3 }\n", "parameter 'freight.terminal_h' has unknown mode 'truck'; use one of hsr, rail"),
        ("[freight]\nterminal_h = { rail = nan }\n", "parameter 'freight.terminal_h.rail' must be a non-negative finite number"),
        ("[freight]\nspeed_kmh = { rail = 0 }\n", "parameter 'freight.speed_kmh.rail' must be positive"),
        ("[freight]\nshares_calibrated = 1\n", "parameter 'freight.shares_calibrated' must be true or false, got 1"),
        ("[freight]\nshare_constants = 1\n", "parameter 'freight.share_constants' must be a table by mode chain"),
        ('[freight]\nshare_constants = { "rail+truck" = 1 }\n', "has unknown mode 'truck' in chain 'rail+truck'"),
        ('[freight]\nshare_constants = { "rail+sea" = "big" }\n', "parameter 'freight.share_constants.rail+sea' must be a finite number"),
    ],
)
def test_a_bad_value_is_named_by_file_and_field(tmp_path, text, message):
    path = tmp_path / "p.toml"
    path.write_text(text)
    with pytest.raises(ParameterError) as caught:
        ModelParams.from_file(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_overrides_name_their_source():
    with pytest.raises(ParameterError, match="^routes/x.toml: parameter 'passenger.urban_h' must be"):
        ModelParams().with_overrides({"passenger": {"urban_h": -2}}, source="routes/x.toml")


def test_negative_share_constants_are_allowed():
    params = ModelParams().with_overrides({"freight": {"share_constants": {"rail+sea": -0.5}}})
    assert params.data["freight"]["share_constants"] == {"rail+sea": -0.5}


def test_parameter_errors_are_corridor_errors_and_value_errors():
    assert issubclass(ParameterError, CorridorError) and issubclass(ParameterError, ValueError)
