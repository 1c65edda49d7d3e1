"""Before/after comparisons of scenarios on the mini corridor, and the whatif command."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.scenario import apply_scenario, load_scenario
from corridor.whatif import compare_scenario

MINI = "tests/data/mini"

SCENARIO = """
    name = "new hsr"
    profile = "passenger"
    year = 2030
    pairs = [["cq_west", "qinzhou_port"], ["chongqing", "hanoi"]]

    [[published]]
    origin = "cq_west"
    destination = "qinzhou_port"
    hours = 3.0
    case = "after"
    source = "made up for the test"

    [[published]]
    origin = "cq_west"
    destination = "qinzhou_port"
    hours = 6.4
    case = "before"
    source = "made up for the test"
"""


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "new_hsr.toml"
    path.write_text(textwrap.dedent(SCENARIO), encoding="utf-8")
    return path


def test_new_hsr_by_hand(mini_network, round_params, scenario_file):
    report = compare_scenario(mini_network, load_scenario(scenario_file), params=round_params)
    row = report["pairs"][0]
    assert (row["origin"], row["destination"]) == ("cq_west", "qinzhou_port")
    # before (mini README): 8.4 h door to door, 6.4 h moving. After: HSR all the way,
    # 350 km + 500 km at 250 km/h = 3.4 h, terminals 0.5 + 0.5 = 1 h.
    assert row["before_h"] == pytest.approx(8.4) and row["before_moving_h"] == pytest.approx(6.4)
    assert row["after_h"] == pytest.approx(4.4) and row["after_moving_h"] == pytest.approx(3.4)
    assert row["saving_h"] == pytest.approx(4.0)
    assert row["route_changed"] and row["after_via"] == ["yugui_hsr", "new_hsr"]
    assert report["changes"]["entering_service"] == ["new_hsr"]
    published = {p["case"]: p for p in report["published"]}
    assert published["before"]["model_h"] == pytest.approx(6.4) and published["before"]["agrees"]
    assert published["after"]["difference_h"] == pytest.approx(0.4) and published["after"]["agrees"]
    assert report["total_saving_h"] > 0
    assert report["top_gains"] and report["top_gains"][0]["saving_h"] > 0


def test_model_differing_from_published_is_said(mini_network, round_params, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(textwrap.dedent(SCENARIO).replace("hours = 3.0", "hours = 2.0"), encoding="utf-8")
    report = compare_scenario(mini_network, load_scenario(path), params=round_params)
    after = next(p for p in report["published"] if p["case"] == "after")
    assert not after["agrees"] and after["difference_h"] == pytest.approx(1.4)
    assert any("differs from the published cq_west-qinzhou_port (after)" in note for note in report["notes"])


def test_total_saving_equals_difference_of_total_travel_time(mini_network, round_params, scenario_file):
    from corridor.centrality import total_travel_time
    from corridor.demand import demand_matrix
    from corridor.graph import graph_from_network

    report = compare_scenario(mini_network, load_scenario(scenario_file), params=round_params)
    applied = apply_scenario(mini_network, load_scenario(scenario_file), params=round_params)
    before = graph_from_network(mini_network, profile="passenger", params=round_params)
    after = graph_from_network(applied.network, profile="passenger", year=2030, params=applied.params)
    demand = demand_matrix(before)
    expected = total_travel_time(before, demand) - total_travel_time(after, demand)
    assert report["total_saving_h"] == pytest.approx(expected)


def test_closing_a_link_loses_time(mini_network, round_params, tmp_path):
    path = tmp_path / "close.toml"
    path.write_text('close_links = ["g75"]\npairs = [["chongqing", "qinzhou_port"]]\n', encoding="utf-8")
    report = compare_scenario(mini_network, load_scenario(path), params=round_params)
    row = report["pairs"][0]
    assert row["saving_h"] < 0 and row["route_changed"]
    assert report["total_saving_h"] < 0
    assert report["changes"]["closed_links"] == ["g75"] and report["changes"]["leaving_service"] == ["g75"]


def test_whatif_cli_json_and_table(scenario_file):
    runner = CliRunner()
    result = runner.invoke(app, ["whatif", str(scenario_file), "--network", MINI, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"scenario", "pairs", "total_saving_h", "rank_shifts"} <= report.keys()
    assert {"origin", "destination", "before_h", "after_h", "saving_h"} <= report["pairs"][0].keys()
    result = runner.invoke(app, ["whatif", str(scenario_file), "--network", MINI, "--profile", "freight"])
    assert result.exit_code == 0, result.output
    assert "What if: new hsr" in result.output and "freight" in result.output


def test_whatif_bad_file_exits_2(tmp_path, capsys, monkeypatch):
    from corridor import cli

    bad = tmp_path / "bad.toml"
    bad.write_text('[[add_links]]\nid = "x"\nmode = "rail"\nfrom_hub = "cq_west"\nto_hub = "cq_west"\nspeed_kmh = 100\n')
    monkeypatch.setattr("sys.argv", ["corridor", "whatif", str(bad), "--network", MINI])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "bad.toml: add_links[1] 'x' field 'to_hub': a link cannot join hub 'cq_west' to itself" in err


def test_candidates_cli_json():
    result = CliRunner().invoke(app, ["candidates", "--network", MINI, "--max-km", "3000", "--top", "3", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["evaluated"] >= 3 and len(report["candidates"]) == 3
    assert report["candidates"][0]["rank"] == 1


def test_chongqingdong_shows_published_figures(builtin_network):
    report = compare_scenario(builtin_network, load_scenario("chongqingdong"))
    cases = {(p["destination"], p["case"]) for p in report["published"]}
    assert cases == {("beijing", "before"), ("beijing", "after"), ("shanghai", "before")}
    rows = {(r["origin"], r["destination"]): r for r in report["pairs"]}
    for destination in ("beijing", "shanghai"):
        row = rows["chongqing", destination]
        assert row["after_moving_h"] < row["before_moving_h"] and row["route_changed"]
    assert "cq_east" in rows["chongqing", "shanghai"]["after_hubs"]
    for published in report["published"]:
        assert published["model_h"] is not None
        assert published["difference_h"] == pytest.approx(published["model_h"] - published["published_h"], abs=0.011)
    # Same year before and after: only the lines the file opens enter service.
    assert report["baseline_year"] == report["year"]
    assert sorted(report["changes"]["entering_service"]) == sorted(report["changes"]["opened_links"])


def test_demand_unit_is_an_index_with_the_gravity_model(scenario_file, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["whatif", str(scenario_file), "--network", MINI])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "demand-weighted hours (gravity index)" in text
    assert "flow-hours" not in text and "a year over" not in text
    report = json.loads(runner.invoke(app, ["whatif", str(scenario_file), "--network", MINI, "--json"]).output)
    assert report["demand"]["unit"] == "demand-weighted hours (gravity index)"
    demand = tmp_path / "demand.csv"
    demand.write_text("origin,destination,flow\nchongqing,qinzhou_port,10\n", encoding="utf-8")
    report = json.loads(runner.invoke(app, ["whatif", str(scenario_file), "--network", MINI, "--demand", str(demand), "--json"]).output)
    assert "gravity" not in report["demand"]["unit"]


def test_modes_restrict_the_comparison(mini_network, round_params, scenario_file):
    rail_only = compare_scenario(mini_network, load_scenario(scenario_file), profile="passenger", modes=["rail"], params=round_params)
    assert rail_only["modes"] == ["rail"]
    row = rail_only["pairs"][0]
    # rail only: the new HSR cannot help, and Chongqing West-Qinzhou Port runs by rail both times.
    assert row["saving_h"] == pytest.approx(0.0)
    assert rail_only["changes"]["entering_service"] == ["new_hsr"]


DIRECT_RAIL = """
    name = "direct rail"
    profile = "freight"
    pairs = [["cq_west", "qinzhou_port"]]

    [[add_links]]
    id = "direct"
    name = "Direct railway"
    mode = "rail"
    from_hub = "cq_west"
    to_hub = "qinzhou_port"
    length_km = 1000
    speed_kmh = 160
"""


def test_by_cost_follows_the_cheapest_routes(mini_network, round_params, tmp_path):
    from corridor.demand import demand_matrix
    from corridor.graph import graph_from_network
    from corridor.routing import find_routes, skim_matrix

    path = tmp_path / "direct.toml"
    path.write_text(textwrap.dedent(DIRECT_RAIL), encoding="utf-8")
    report = compare_scenario(mini_network, load_scenario(path), params=round_params, by="cost")
    assert report["by"] == "cost"
    applied = apply_scenario(mini_network, load_scenario(path), params=round_params)
    before = graph_from_network(mini_network, profile="freight", params=round_params)
    after = graph_from_network(applied.network, profile="freight", year=applied.year, params=applied.params)
    row = report["pairs"][0]
    old, new = (find_routes(g, "cq_west", "qinzhou_port", by="cost")[0] for g in (before, after))
    assert row["before_h"] == pytest.approx(old.time_h, abs=0.01) and row["after_h"] == pytest.approx(new.time_h, abs=0.01)
    assert row["before_cost"] == pytest.approx(old.cost, abs=0.1) and row["after_cost"] == pytest.approx(new.cost, abs=0.1)
    assert row["saving_cost"] > 0 and row["after_via"] == ["Direct railway"]
    # demand-weighted totals: flow x (cost, hours) of the cheapest routes, by brute force
    demand = demand_matrix(before)
    cities = list(demand.index)
    cost_before, cost_after = (skim_matrix(g, cities, by="cost").to_numpy() for g in (before, after))
    hours = {}
    for name, g in (("before", before), ("after", after)):
        hours[name] = np.array([[0.0 if a == b else find_routes(g, a, b, by="cost")[0].time_h for b in cities] for a in cities])
    flows = demand.to_numpy()
    assert np.isfinite(cost_before).all()
    assert report["total_saving_cost"] == pytest.approx(float((flows * (cost_before - cost_after)).sum()))
    assert report["total_saving_h"] == pytest.approx(float((flows * (hours["before"] - hours["after"])).sum()))
    assert report["total_saving_cost"] > 0
    assert report["top_gains"][0]["saving_cost"] > 0 and "weighted_saving_cost" in report["top_gains"][0]


def test_by_time_is_the_default_and_reports_cost_too(mini_network, round_params, scenario_file):
    default = compare_scenario(mini_network, load_scenario(scenario_file), params=round_params)
    by_time = compare_scenario(mini_network, load_scenario(scenario_file), params=round_params, by="time")
    assert default == by_time and default["by"] == "time"
    row = default["pairs"][0]
    assert row["saving_cost"] == pytest.approx(row["before_cost"] - row["after_cost"], abs=0.2)
    assert "total_saving_cost" in default
    with pytest.raises(Exception, match="unknown comparison criterion 'length'"):
        compare_scenario(mini_network, load_scenario(scenario_file), params=round_params, by="length")


def test_whatif_and_candidates_cli_by_cost(tmp_path):
    path = tmp_path / "direct.toml"
    path.write_text(textwrap.dedent(DIRECT_RAIL), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["whatif", str(path), "--network", MINI, "--by", "cost", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["by"] == "cost" and report["total_saving_cost"] > 0
    assert {"before_cost", "after_cost", "saving_cost"} <= report["pairs"][0].keys()
    result = runner.invoke(app, ["whatif", str(path), "--network", MINI, "--by", "cost"])
    assert result.exit_code == 0, result.output
    assert "cheapest routes (generalised cost)" in result.output
    result = runner.invoke(app, ["candidates", "--network", MINI, "--mode", "rail", "--max-km", "3000", "--by", "cost", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["by"] == "cost" and report["candidates"][0]["saving"] > 0
    result = runner.invoke(app, ["candidates", "--network", MINI, "--mode", "rail", "--max-km", "3000", "--by", "cost"])
    assert result.exit_code == 0, result.output
    assert "generalised-cost saving" in result.output
