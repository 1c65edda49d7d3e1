"""Without --profile, a mode list that names hsr means passengers (HSR carries no freight); otherwise freight."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from corridor.cli import app

runner = CliRunner()


def _profile_of(*args: str) -> str:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    return report["profile"]


def test_route_on_hsr_is_a_passenger_route_without_asking():
    assert _profile_of("route", "chengdu_east", "cq_north", "--modes", "HSR,rail", "--year", "2016") == "passenger"


def test_route_without_hsr_stays_freight_and_an_explicit_profile_wins():
    assert _profile_of("route", "Chongqing", "Qinzhou Port", "--modes", "rail") == "freight"
    assert _profile_of("route", "Chongqing", "Beijing", "--modes", "rail", "-p", "passenger") == "passenger"


def test_od_on_hsr_is_a_passenger_skim():
    assert _profile_of("od", "--hubs", "chongqing,guiyang", "--modes", "hsr") == "passenger"
