"""The command line on the mini corridor: tables, the JSON contract, files, one-line errors.

Commands run in-process through :func:`conftest.run_corridor` (typer's CliRunner
around the console script's ``main``); only the console script itself is
started as a subprocess, at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import CliResult
from conftest import run_corridor as cli

MINI = str(Path(__file__).parent / "data" / "mini")
ROUND = str(Path(__file__).parent / "data" / "mini" / "round.toml")


def assert_one_line_error(result: CliResult | subprocess.CompletedProcess, *fragments: str) -> None:
    code = result.exit_code if isinstance(result, CliResult) else result.returncode
    assert code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_route_json_contract():
    result = cli("route", "Chongqing", "Singapore", "--k", "3", "--json", "-n", MINI, "--params", ROUND)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"origin", "destination", "profile", "by", "routes"} <= set(data)
    assert data["origin"] == "chongqing" and data["profile"] == "freight" and data["by"] == "time"
    assert len(data["routes"]) == 3
    first = data["routes"][0]
    assert {"hubs", "length_km", "time_h", "transfers", "legs"} <= set(first)
    assert first["time_h"] == 144.0
    for leg in first["legs"]:
        assert {"mode", "line", "from", "to", "length_km", "time_h"} <= set(leg)


def test_route_table_and_geojson(tmp_path):
    out = tmp_path / "routes.geojson"
    result = cli("route", "cq_west", "Qinzhou Port", "--profile", "passenger", "--k", "2", "-n", MINI, "--geojson", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Route 1" in result.stdout and "Route 2" in result.stdout and "Chongqing West" in result.stdout
    collection = json.loads(out.read_text())
    assert len(collection["features"]) == 2
    assert collection["features"][0]["geometry"]["type"] == "LineString"
    assert len(collection["features"][0]["geometry"]["coordinates"]) > 2


def test_route_mode_filters():
    data = json.loads(cli("route", "Chongqing", "Singapore", "--avoid", "expressway", "--json", "-n", MINI).stdout)
    assert "expressway" not in data["routes"][0]["modes"]
    data = json.loads(cli("route", "Chongqing", "Qinzhou Port", "--modes", "expressway", "--json", "-n", MINI).stdout)
    assert data["routes"][0]["modes"] == ["expressway"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_od_writes_skim(tmp_path, suffix):
    out = tmp_path / f"skim{suffix}"
    result = cli("od", "--hubs", "chongqing,huaihua,singapore", "--out", str(out), "-n", MINI)
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(out, index_col=0) if suffix == ".csv" else pd.read_parquet(out)
    assert list(frame.index) == ["chongqing", "huaihua", "singapore"]
    assert frame.loc["chongqing", "chongqing"] == 0


def test_od_json_uses_null_for_unreachable():
    data = json.loads(cli("od", "--profile", "passenger", "--json", "-n", MINI).stdout)
    row = data["hubs"].index("chongqing")
    column = data["hubs"].index("singapore")
    assert data["matrix"][row][column] is None


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("route", "Chongqng", "Singapore"), ["unknown hub 'Chongqng'", "did you mean 'Chongqing'?"]),
        (("route", "Chongqing", "Singapore", "--profile", "passenger"), ["no passenger service calls at 'singapore'"]),
        (("route", "cq_west", "guiyang", "--year", "1960"), ["no freight service calls at 'cq_west'", "1960"]),
        (("route", "huaihua", "hanoi", "--modes", "sea"), ["no freight service"]),
        (("route", "Chongqing", "Singapore", "--by", "beauty"), ["unknown route criterion"]),
        (("route", "Chongqing", "Singapore", "--modes", "rocket"), ["unknown mode 'rocket'"]),
        (("od", "--out", "/tmp/skim.xlsx"), ["unknown output format"]),
        (("route", "Chongqing", "Singapore", "--params", "/nonexistent.toml"), ["/nonexistent.toml"]),
        (("route", "Chongqing", "Singapore", "--year", "99999"), ["'--year'", "2100"]),
        (("route", "Chongqing", "Singapore", "--year", "abc"), ["'--year'", "'abc'", "not a valid int"]),
        (("route", "Chongqing", "Singapore", "--k", "0"), ["'--k'", "x>=1"]),
        (("rank", "--top", "0"), ["'--top'"]),
        (("route", "Chongqing"), ["Missing argument 'destination'"]),
        (("route", "Chongqing", "Singapore", "--modes", ",,"), ["',,' names no mode"]),
        (("route", "Chongqing\x1b[31m\u202e", "Singapore"), ["unknown hub 'Chongqing\\x1b[31m\\u202e'"]),
    ],
)
def test_errors_are_one_line(args, fragments):
    assert_one_line_error(cli(*args, "-n", MINI), *fragments)


def test_bad_params_file(tmp_path):
    params = tmp_path / "p.toml"
    params.write_text("[freight]\nspeed_kmh = { rail = 0 }\n")
    assert_one_line_error(cli("route", "Chongqing", "Singapore", "-n", MINI, "--params", str(params)), "freight.speed_kmh.rail", "positive")
    params.write_text("[freight]\nwarp = 9\n")
    assert_one_line_error(cli("route", "Chongqing", "Singapore", "-n", MINI, "--params", str(params)), "freight.warp", "unknown")


def test_no_partial_output_on_error(tmp_path):
    out = tmp_path / "routes.geojson"
    result = cli("route", "Chongqing", "Nowhere", "-n", MINI, "--geojson", str(out))
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_and_missing_folders_are_one_line(tmp_path):
    assert_one_line_error(cli("validate", str(tmp_path / "nope")), "does not exist")
    assert_one_line_error(cli("frobnicate"), "No such command 'frobnicate'")


def test_nan_parameter_is_rejected(tmp_path):
    params = tmp_path / "p.toml"
    params.write_text("[freight]\nterminal_h = { rail = nan }\n")
    assert_one_line_error(cli("route", "Chongqing", "Singapore", "-n", MINI, "--params", str(params)), "freight.terminal_h.rail", "finite")


def test_profile_names_are_case_insensitive():
    result = cli("route", "Chongqing", "Qinzhou Port", "-n", MINI, "--profile", "Freight", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["profile"] == "freight"


# -- the console script itself, in a subprocess: the entry point is installed and its errors are one line --


def test_route_on_the_built_in_data_imports_no_numpy_shapely_or_pydantic_and_then_no_pyproj(tmp_path):
    code = (
        "import sys\n"
        "from corridor.cli import main\n"
        "sys.argv = ['corridor', 'route', 'Chongqing', 'Beijing', '--k', '3']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('numpy', 'shapely', 'pydantic', 'pandas', 'scipy', 'pyproj') if m in sys.modules])"
    )
    env = {**os.environ, "CORRIDOR_CACHE": str(tmp_path)}
    first, second = (subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout for _ in range(2))
    assert first.strip().splitlines()[-1] == "['pyproj']"  # the urban edges' lengths, measured once
    assert second.strip().splitlines()[-1] == "[]"


def _console_script() -> str:
    script = Path(sys.executable).with_name("corridor")
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable} (pip install -e .)")
    return str(script)


def test_console_script_prints_help_listing_the_commands():
    done = subprocess.run([_console_script(), "--help"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Usage: corridor" in done.stdout
    for command in ("route", "od", "rank", "whatif", "map", "validate"):
        assert f" {command} " in done.stdout


def test_console_script_reports_bad_input_in_one_line_without_traceback():
    done = subprocess.run([_console_script(), "route", "Chongqng", "Singapore", "-n", MINI], capture_output=True, text=True, timeout=120, check=False)
    assert_one_line_error(done, "corridor: error: unknown hub 'Chongqng'", "did you mean 'Chongqing'?")
    assert done.stdout == ""
