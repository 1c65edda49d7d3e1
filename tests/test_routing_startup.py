"""`corridor route` on the built-in data starts without pandas, scipy or geopandas, and loses nothing for it."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from corridor.graph import graph_from_network
from corridor.io import load_network
from corridor.network import Network

HEAVY = ("pandas", "scipy", "geopandas")


def test_route_command_imports_no_pandas_scipy_or_geopandas():
    code = (
        "import sys\n"
        "from corridor.cli import app\n"
        "try:\n    app(['route', 'Chongqing', 'Beijing', '--json'])\n"
        "except SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


@pytest.mark.parametrize("profile", ["freight", "passenger"])
@pytest.mark.parametrize("year", [None, 2015, 2030])
def test_graph_from_records_equals_graph_from_frames(profile, year):
    """The records read straight from GeoJSON build the graph the GeoDataFrames built, attribute for attribute."""
    lazy = load_network()
    framed = Network(lazy.hubs, lazy.links, lazy.source)
    fresh = load_network()
    a, b = graph_from_network(fresh, profile=profile, year=year), graph_from_network(framed, profile=profile, year=year)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    edges_a, edges_b = list(a.edges(keys=True, data=True)), list(b.edges(keys=True, data=True))
    assert [e[:3] for e in edges_a] == [e[:3] for e in edges_b]
    for (*_, x), (*_, y) in zip(edges_a, edges_b, strict=True):
        assert x.keys() == y.keys() and all(_same(x[k], y[k]) for k in x)
    assert {k: v for k, v in a.graph.items() if k != "version"} == {k: v for k, v in b.graph.items() if k != "version"}


def test_records_keep_the_optional_dated_fields():
    links = load_network().link_records()
    dated = [link for link in links.values() if link["speed_history"] or link["section_times"]]
    assert dated and all(isinstance(link["speed_history"] or link["section_times"], list) for link in dated)
    assert all(isinstance(entry, dict) for link in dated for entry in link["speed_history"] or [])
