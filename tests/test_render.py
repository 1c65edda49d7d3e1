"""Terminal tables: one number format per quantity, key columns never cut, one list of changes."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest
from conftest import CliResult, run_corridor
from rich.console import Console

from corridor import _render

MINI = str(Path(__file__).parent / "data" / "mini")
ROUND = str(Path(__file__).parent / "data" / "mini" / "round.toml")

LONG_NAMES = """
    name = "long names"
    profile = "passenger"
    pairs = [["cq_west", "qinzhou_port"]]
    open_links = ["new_hsr"]

    [[add_links]]
    id = "cq_qinzhou_direct_express_rail"
    name = "Chongqing West–Qinzhou Port direct express railway: Chongqing West–Qinzhou Port (phase one)"
    mode = "rail"
    from_hub = "cq_west"
    to_hub = "qinzhou_port"
    length_km = 1000
    speed_kmh = 160

    [[published]]
    origin = "cq_west"
    destination = "qinzhou_port"
    hours = 7.0
    case = "after"
    source = "https://www.example.com/a/rather/long/path/to/a/timetable/page?train=D1234&date=2030-01-01"
"""


@pytest.fixture
def screen(monkeypatch):
    """The tables' console, 100 columns wide, recorded in a string."""
    out = io.StringIO()
    monkeypatch.setattr(_render, "console", Console(file=out, width=100, color_system=None))
    return out


def cli(*args: str, columns: int = 100) -> CliResult:
    """``corridor ARGS`` in-process on a terminal ``columns`` wide."""
    return run_corridor(*args, columns=columns)


def assert_fits(text: str, columns: int) -> None:
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= columns


@pytest.mark.parametrize(
    ("hours", "text"), [(8.4, "8:24"), (8.13, "8:08"), (-0.33, "-0:20"), (-0.004, "0:00"), (644.9, "644:54"), (1000.5, "1,000:30")]
)
def test_hours_are_h_mm(hours, text):
    assert _render.hours_minutes(hours) == text


def test_sources_show_domains():
    assert _render.domains("https://www.example.com/a ; https://news.cgtn.com/b?x=1") == "example.com ; news.cgtn.com"
    assert _render.domains("timetable, http://en.people.cn/n3/2026/0204/c9.html") == "timetable, en.people.cn"
    assert _render.domains("made up for the test") == "made up for the test"


def test_one_format_per_column(screen):
    rows = [
        {"name": "a", "before h": 8.13, "km": 7.0, "score": 0.27, "people": 26659000.0, "year": 2030},
        {"name": "b", "before h": 0.5, "km": 1771.94, "score": 0.379, "people": 1680000.0, "year": 2031},
    ]
    _render.table("t", rows)
    text = screen.getvalue()
    assert "┃ before ┃" in text and "┃   h:mm ┃" in text  # the title "before h:mm" on two lines
    for cell in ("8:08", "0:30", "7.0", "1,771.9", "0.270", "0.379", "26,659,000", "1,680,000", "2030"):
        assert f" {cell} " in text, cell
    assert "2,030" not in text


def test_critical_columns_have_a_legend_and_names_are_not_cut(screen):
    rows = [
        {"rank": 1, "id": "hanoi_haiphong_rail", "name": "Hanoi–Haiphong railway: Hanoi Gia Lam–Haiphong (the old line of 1902)",
         "loss_hours": 24995.04, "extra_hours": 24995.04, "pairs_cut": 0, "demand_cut": 0.0},
        {"rank": 2, "id": "g4_bj_zz", "name": "G4 Beijing–Hong Kong–Macau Expressway: Beijing–Zhengzhou",
         "loss_hours": 239000.66, "extra_hours": 3689.43, "pairs_cut": 62, "demand_cut": 1400.66},
    ]  # fmt: skip
    _render.table("Most critical links", rows)
    text = screen.getvalue()
    assert_fits(text, 100)
    assert "hanoi_haiphong_rail" in text and "239,000.7" in text and "1,400.7" in text
    assert "loss hours: extra hours + 168 h x demand cut; extra hours:" in " ".join(text.split())


def test_each_change_is_listed_once_by_name():
    changes = {"changed_links": ["a", "b"], "opened_links": ["a"], "entering_service": ["a", "c"], "added_hubs": ["a"]}
    rows = _render.change_rows(changes, {"a": "Line A: X–Y", "c": ""}, year=2030)
    assert rows == [
        {"change": "new hub", "what": "a"},
        {"change": "opens", "what": "Line A: X–Y"},
        {"change": "changed", "what": "b"},
        {"change": "in service by 2030", "what": "c"},
    ]


def test_route_summary_and_legs_in_h_mm_and_km():
    result = cli("route", "cq_west", "Qinzhou Port", "--profile", "passenger", "-n", MINI, "--params", ROUND)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "8:24 h door to door, 6:24 h on trains, 1,150.0 km, 1 transfer" in text
    assert "│ 350.0 │ 1:24 │" in text and "│ 800.0 │ 5:00 │" in text and "│ 1,150.0 │ 8:24 │" in text


@pytest.mark.parametrize("columns", [100, 120])
def test_whatif_fits_and_lists_links_once_by_name(tmp_path, columns):
    path = tmp_path / "long.toml"
    path.write_text(textwrap.dedent(LONG_NAMES), encoding="utf-8")
    result = cli("whatif", str(path), "-n", MINI, "--params", ROUND, columns=columns)
    assert result.exit_code == 0, result.stderr
    assert_fits(result.stdout, columns)
    text = " ".join(result.stdout.split())
    changes = text[text.index("What the scenario changes") : text.index("Key pairs")]
    assert "new link │ Chongqing West–Qinzhou Port direct express railway" in changes
    assert changes.count("new_hsr") == 1 and "opens │ new_hsr" in changes  # changed, opened and in service: one row
    assert "cq_qinzhou_direct_express_rail" not in text
    published = text[text.index("Model vs published") : text.index("Demand-weighted saving")]
    assert "│ example.com" in published and "timetable" not in published  # the domain, not the whole address
    report = json.loads(cli("whatif", str(path), "-n", MINI, "--params", ROUND, "--json").stdout)
    assert report["changes"]["opened_links"] == ["new_hsr"] and report["changes"]["changed_links"] == ["new_hsr"]
    assert report["link_names"]["cq_qinzhou_direct_express_rail"].startswith("Chongqing West–Qinzhou Port direct")
    assert report["published"][0]["source"].endswith("date=2030-01-01")


@pytest.mark.parametrize(
    "args", [("critical", "--links", "--top", "5"), ("candidates",), ("whatif", "chongqingdong"), ("rank", "-n", MINI)]
)
def test_tables_fit_100_columns(args):
    """On the built-in network: long link names, long station ids, web sources."""
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert_fits(result.stdout, 100)


def test_od_csv_leaves_unreachable_pairs_empty(tmp_path):
    out = tmp_path / "skim.csv"
    result = cli("od", "--profile", "passenger", "--hubs", "chongqing,singapore", "--out", str(out), "-n", MINI, "--params", ROUND)
    assert result.exit_code == 0, result.stderr
    assert out.read_text().splitlines() == [",chongqing,singapore", "chongqing,0.0000,", "singapore,,0.0000"]
    table = " ".join(cli("od", "--profile", "passenger", "--hubs", "chongqing,singapore", "-n", MINI, "--params", ROUND).stdout.split())
    assert "(h:mm; - where there is no route)" in table and "│ chongqing │ 0:00 │ - │" in table
