"""Maps and figures, offline: what is drawn, how it is styled and escaped, and the files written."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_corridor

from corridor import maps
from corridor._errors import CorridorError
from corridor.figures import write_figure
from corridor.graph import graph_from_network
from corridor.io import load_network
from corridor.mapdata import map_routes
from corridor.scenario import apply_scenario, load_scenario

MINI = Path(__file__).parent / "data" / "mini"
PACKAGE_JSON = Path(__file__).parent / "browser" / "package.json"
RANKING = pd.DataFrame({"rank": [1, 2, 3], "id": ["qinzhou_port", "guiyang", "chongqing"], "name": ["", "", ""], "score": [0.5, 0.25, 0.0]})


@pytest.fixture
def content(mini_network, mini_freight):
    routes = map_routes(mini_freight, [("chongqing", "singapore")], k=2)
    return maps.map_content(mini_network, ranking=RANKING, measure="betweenness", routes=routes)


def hostile_copy(folder: Path, *, hub_name: str, hub_name_zh: str, link_name: str | None = None, link_source: str | None = None):
    """The mini corridor with hostile text on Hanoi (and on the border link), loaded from ``folder``."""
    hubs = json.loads((MINI / "hubs.geojson").read_text(encoding="utf-8"))
    for feature in hubs["features"]:
        if feature["properties"]["id"] == "hanoi":
            feature["properties"].update(name=hub_name, name_zh=hub_name_zh)
    links = json.loads((MINI / "links.geojson").read_text(encoding="utf-8"))
    for feature in links["features"]:
        if feature["properties"]["id"] == "border":
            feature["properties"].update({k: v for k, v in (("name", link_name), ("source", link_source)) if v is not None})
    (folder / "hubs.geojson").write_text(json.dumps(hubs, ensure_ascii=False), encoding="utf-8")
    (folder / "links.geojson").write_text(json.dumps(links, ensure_ascii=False), encoding="utf-8")
    return load_network(folder)


@pytest.fixture(scope="module")
def hostile_network(tmp_path_factory):
    return hostile_copy(tmp_path_factory.mktemp("hostile"), hub_name="<script>alert(1)</script>", hub_name_zh="`${alert(2)}` \\u $x$")


# -- content -------------------------------------------------------------------------------------------


def test_layers_status_and_cross_border(content):
    links = content.links
    assert len(links) == 10
    # Hubs in different countries make a cross-border link; it keeps its mode (and its mode's colour).
    assert set(links.index[links["cross_border"]]) == {"border", "sea_sg"}
    assert links.at["border", "mode"] == "rail" and links.at["border", "colour"] == maps.LAYER_COLOURS["rail"]
    assert links.at["sea_sg", "mode"] == "sea" and links.at["sea_sg", "colour"] == maps.LAYER_COLOURS["sea"]
    assert links.at["border", "countries"] == "CN–VN"
    # Under construction: dashed today, solid in its expected year.
    assert links.at["new_hsr", "dashed"] and not links.at["new_hsr", "in_service"]
    assert links["dashed"].sum() == 1
    assert links.at["new_hsr", "year"] == 2030
    assert links.at["yuhuai", "year"] == 2005


def test_year_decides_what_is_dashed(mini_network):
    assert not maps.map_content(mini_network, year=2030).links.at["new_hsr", "dashed"]
    in_2000 = maps.map_content(mini_network, year=2000).links
    assert in_2000.at["yuhuai", "dashed"]  # opened 2005
    assert not in_2000.at["jiaoliu", "dashed"]  # opened 1978


def test_hubs_sized_and_coloured_by_rank(content):
    hubs = content.hubs
    assert hubs.at["qinzhou_port", "radius"] == maps.HUB_RADIUS[1]
    assert hubs.at["chongqing", "radius"] == maps.HUB_RADIUS[0]
    assert hubs.at["qinzhou_port", "radius"] > hubs.at["guiyang", "radius"] > hubs.at["chongqing", "radius"]
    assert hubs.at["qinzhou_port", "colour"] == maps.centrality_colour(1.0)
    assert hubs.at["hanoi", "rank"] != hubs.at["hanoi", "rank"]  # not ranked: NaN
    # A ranking by city: Chongqing's stations note the city's rank.
    assert hubs.at["cq_west", "city_rank"] == 3
    # Route ends first (Chongqing, Singapore), then by rank, then cities and sea ports.
    assert content.labelled_hubs()[:4] == ["chongqing", "singapore", "qinzhou_port", "guiyang"]
    assert "cq_west" not in content.labelled_hubs()


def test_without_ranking_hubs_are_coloured_by_kind(mini_network):
    content = maps.map_content(mini_network)
    assert content.measure is None
    assert content.hubs.at["qinzhou_port", "colour"] == maps.KIND_COLOURS["sea_port"]
    labelled = content.hubs.index[content.hubs["kind"].isin(maps.LABEL_KINDS)]
    assert set(content.labelled_hubs()) == set(labelled)


def test_routes_and_alternatives(mini_freight):
    (pair,) = map_routes(mini_freight, [("chongqing", "singapore")], k=3)
    assert pair.label == "Chongqing → Singapore"
    assert pair.routes[0].time_h == pytest.approx(144.0)  # tests/data/mini/README.md
    assert len(pair.routes) >= 2
    assert map_routes(mini_freight, [("chongqing", "gotham")], skip_missing=True) == []
    with pytest.raises(CorridorError, match="gotham"):
        map_routes(mini_freight, [("chongqing", "gotham")])


def test_bounds_cover_everything(content):
    west, south, east, north = content.bounds
    assert west <= 103.84 and south <= 1.26 and east >= 110.0 and north >= 29.62


# -- escaping and the page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("`${alert(2)}`", "&#96;&#36;{alert(2)}&#96;"),
        ("a\\u b", "a&#92;u b"),
        ('"quoted" & \'single\'', "&quot;quoted&quot; &amp; &#x27;single&#x27;"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_escape(text, shown):
    assert maps.escape(text) == shown


def test_user_text_is_escaped_in_the_page(hostile_network, tmp_path):
    graph = graph_from_network(hostile_network)
    routes = map_routes(graph, [("qinzhou_port", "hanoi")], k=1)
    content = maps.map_content(hostile_network, routes=routes, title="<b>title</b>")
    page = maps.write_map(content, tmp_path / "m.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the route popup, escaped in Python
    assert "\\u003cscript\\u003ealert(1)" in page  # the hub data, escaped in JSON (and in the page's script)
    assert "${alert(2)}" not in page  # would interpolate in folium's template literals
    assert "\\u $x$" not in page
    assert "<b>title</b>" not in page


def _layer_calls(page: str, builder: str) -> int:
    return page.count(f"= corridor.{builder}(")


def test_page_draws_each_layer_as_one_geojson_layer(content, tmp_path):
    path = maps.write_map(content, tmp_path / "maps" / "corridor.html")
    page = path.read_text(encoding="utf-8")
    modes = content.links["mode"].unique()
    assert _layer_calls(page, "links") == len(modes)  # one per mode, whatever the number of links
    assert _layer_calls(page, "hubs") == 1
    assert _layer_calls(page, "basemap") == len(maps.BASEMAP_LAYERS)
    assert _layer_calls(page, "labels") == 2  # hub labels and country names
    # folium elements only for the routes: links and hubs are drawn in the page from their GeoJSON.
    assert len(set(re.findall(r"var (poly_line_\w+) = L.polyline\(", page))) == sum(len(p.routes) for p in content.routes)
    assert "var circle_marker_" not in page
    assert "L.control.layers(" in page and "corridor-legend" in page and "corridor.fitView(" in page
    # Offline by default: no tile layer, the sea as the background, the basemap and its credit in the page.
    assert "L.tileLayer(" not in page
    assert maps.SEA_COLOUR in page and "Natural Earth" in page and "de facto boundaries" in page
    assert "Cross-border link (outlined" in page
    assert [p.name for p in path.parent.iterdir()] == ["corridor.html"]


def test_web_tiles_only_when_asked(content, tmp_path):
    page = maps.write_map(content, tmp_path / "m.html", tiles="osm").read_text(encoding="utf-8")
    assert "L.tileLayer(" in page and "tile.openstreetmap.org" in page
    assert _layer_calls(page, "basemap") == len(maps.BASEMAP_LAYERS)  # the basemap stays under the tiles
    with pytest.raises(CorridorError, match="tiles 'google'"):
        maps.write_map(content, tmp_path / "g.html", tiles="google")
    with pytest.raises(CorridorError, match="fit 'near'"):
        maps.write_map(content, tmp_path / "g.html", fit="near")
    assert not (tmp_path / "g.html").exists()


def test_cdn_page_loads_only_leaflet_and_jquery_at_the_vendored_versions(content, tmp_path):
    page = maps.write_map(content, tmp_path / "m.html", offline=False).read_text(encoding="utf-8")
    urls = set(re.findall(r'(?:src|href)="(https://[^"]+)"', page))
    js, css = maps.page_dependencies()
    assert urls == {url for _, url in js + css}
    # .ci/browser-deps installs these versions for the browser test: they must match.
    pinned = json.loads(PACKAGE_JSON.read_text())["dependencies"]
    for url in urls:
        if "leaflet@" in url:
            assert f"leaflet@{pinned['leaflet']}/" in url
        elif "jquery" in url:
            assert f"jquery-{pinned['jquery']}." in url
        else:
            pytest.fail(f"unexpected dependency {url}")


def test_write_is_atomic_on_failure(content, tmp_path, monkeypatch):
    target = tmp_path / "m.html"
    target.write_text("old")

    def boom(*args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(maps, "folium_map", boom)
    with pytest.raises(RuntimeError):
        maps.write_map(content, target)
    assert target.read_text() == "old"


# -- scenarios -------------------------------------------------------------------------------------------


SCENARIO = """
name = "south hsr"
year = 2031
baseline_year = 2024
open_links = ["new_hsr"]
remove_links = ["g75"]

[[add_links]]
id = "yuhuai_hsr"
mode = "hsr"
from_hub = "cq_west"
to_hub = "huaihua"
speed_kmh = 300
"""


def test_scenario_diff_from_an_applied_scenario(mini_network, tmp_path):
    (tmp_path / "s.toml").write_text(SCENARIO)
    applied = apply_scenario(mini_network, load_scenario(tmp_path / "s.toml"))
    diff = maps.scenario_diff(applied, mini_network)
    assert {"yuhuai_hsr", "new_hsr"} <= diff.added
    assert "g75" in diff.removed
    content = maps.map_content(applied.network, year=applied.year, diff=diff)
    links = content.links
    assert links.at["g75", "diff"] == "removed" and links.at["g75", "colour"] == maps.REMOVED_COLOUR and links.at["g75", "dashed"]
    assert links.at["yuhuai_hsr", "diff"] == "added" and links.at["yuhuai_hsr", "colour"] == maps.ADDED_COLOUR
    assert len(links) == len(mini_network.links) + 1
    assert content.title.endswith("scenario south hsr")


def test_scenario_panel_lists_the_largest_savings(mini_network, tmp_path):
    savings = pd.DataFrame(
        {"origin": ["guiyang", "chongqing", "hanoi"], "destination": ["qinzhou_port", "hanoi", "singapore"],
         "base_h": [8.0, 30.0, float("inf")], "scenario_h": [5.0, 29.0, 40.0], "saved_h": [3.0, 1.0, 7.5]}
    )  # fmt: skip
    diff = maps.ScenarioDiff("<i>x</i>", mini_network, removed=frozenset({"g75"}), savings=savings)
    content = maps.map_content(mini_network, diff=diff)
    rows = maps.savings_rows(diff, content.hubs["name"].to_dict())
    assert [r["saved_h"] for r in rows] == [7.5, 3.0, 1.0]
    assert rows[0]["origin"] == "Hanoi"
    page = maps.write_map(content, tmp_path / "s.html").read_text(encoding="utf-8")
    assert "Largest time savings" in page
    assert "1 changed link" in page and "removed" in page
    assert "unreachable" in page
    assert "saves 3.0 h" in page and "saves 7.5 h" in page
    assert "<i>x</i>" not in page


@pytest.mark.parametrize(
    ("hours", "text"),
    [(3.34, "saves 3.3 h"), (-0.4, "0.4 h slower"), (0.01, "no change"), (0.0, "no change"), (None, ""), (float("nan"), "")],
)
def test_saving_text_cannot_be_misread(hours, text):
    assert maps.saving_text(hours) == text


PASSENGER_SCENARIO = """
name = "passenger hsr"
profile = "passenger"
year = 2031
baseline_year = 2031
pairs = [["cq_west", "qinzhou_port"]]

[[add_links]]
id = "yuhuai_hsr"
mode = "hsr"
from_hub = "cq_west"
to_hub = "huaihua"
speed_kmh = 300
"""


def test_map_of_a_scenario_takes_its_profile(mini_network, tmp_path):
    (tmp_path / "p.toml").write_text(PASSENGER_SCENARIO)
    content = maps.build_content(mini_network, scenario=tmp_path / "p.toml", measure="none")
    assert content.profile == "passenger"
    # An HSR link carries no freight: the savings are there only on the scenario's (passenger) profile.
    saved = content.diff.savings
    assert saved is not None and (saved["saved_h"] > 0).any()
    freight = maps.build_content(mini_network, scenario=tmp_path / "p.toml", measure="none", profile="freight")
    assert freight.profile == "freight"
    assert freight.diff.savings is None or not (freight.diff.savings["saved_h"] > 0).any()
    assert maps.build_content(mini_network, measure="none").profile == "freight"


def test_build_content_with_a_scenario_file(mini_network, tmp_path):
    (tmp_path / "s.toml").write_text(SCENARIO)
    content = maps.build_content(mini_network, scenario=tmp_path / "s.toml", pairs=[("cq_west", "qinzhou_port")], k=1, measure="none")
    assert content.year == 2031
    assert content.diff is not None and "g75" in content.diff.removed
    assert content.routes[0].routes[0].hubs[0] == "cq_west"


# -- figures and the overview ------------------------------------------------------------------------------------


def test_figure_png(content, tmp_path):
    path = write_figure(content, tmp_path / "fig" / "corridor.png", height=5, dpi=60)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in path.parent.iterdir()] == ["corridor.png"]


def test_figure_with_hostile_names_and_a_scenario(hostile_network, tmp_path):
    savings = pd.DataFrame({"origin": ["hanoi"], "destination": ["guiyang"], "base_h": [9.0], "scenario_h": [4.0], "saved_h": [5.0]})
    diff = maps.ScenarioDiff("$x$", hostile_network, added=frozenset({"new_hsr"}), savings=savings)
    content = maps.map_content(hostile_network, ranking=RANKING, measure="betweenness", diff=diff)
    svg = write_figure(content, tmp_path / "f.svg", height=5).read_text(encoding="utf-8")
    assert "<svg" in svg


def test_figure_format_by_suffix(content, tmp_path):
    with pytest.raises(CorridorError, match="unknown figure format '.gif'"):
        write_figure(content, tmp_path / "f.gif")
    with pytest.raises(CorridorError, match="is a folder"):
        write_figure(content, tmp_path)
    with pytest.raises(CorridorError, match="HTML file"):
        maps.write_map(content, tmp_path / "m.png")
    with pytest.raises(CorridorError, match="is a folder"):
        maps.write_map(content, tmp_path)
    assert list(tmp_path.iterdir()) == []


# -- offline maps --------------------------------------------------------------------------------------------


class _Tags(__import__("html.parser").parser.HTMLParser):
    """Every URL a page's script, link, img, iframe or source tags ask for."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            if tag in ("script", "link", "img", "iframe", "source") and attrs.get(name):
                self.urls.append(attrs[name])


def _urls(page: str) -> list[str]:
    parser = _Tags()
    parser.feed(page)
    return parser.urls


def test_offline_map_links_nothing(content, tmp_path):
    # Offline by default: Leaflet, jQuery, the page script and the basemap inline, from corridor/static.
    page = maps.write_map(content, tmp_path / "m.html").read_text(encoding="utf-8")
    assert _urls(page) == []
    assert not re.search(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=", page, flags=re.IGNORECASE)
    assert "sourceMappingURL" not in page
    assert "url(images/" not in page  # leaflet.css's images are data URIs
    js, css = maps.page_dependencies()
    for name, url in js + css:
        assert f"/* {name}: {url} */" in page
    assert "/* corridor map script */" in page
    # Asked for explicitly with tiles too; a CDN page when asked.
    tiled = maps.write_map(content, tmp_path / "t.html", tiles="osm").read_text(encoding="utf-8")
    assert all("/npm/leaflet" not in u and "jquery" not in u for u in _urls(tiled)) and "L.tileLayer(" in tiled
    cdn = maps.write_map(content, tmp_path / "c.html", offline=False).read_text(encoding="utf-8")
    assert sorted(_urls(cdn)) == sorted(url for _, url in js + css)


def test_static_copies_are_the_versions_folium_references():
    js, css = maps.page_dependencies()
    for name, url in js + css:
        path = maps.static_file(name, url)
        assert re.search(r"\d+\.\d+\.\d+", url)[0] in path.name
    names = {p.name for p in maps.STATIC_DIR.iterdir()}
    assert {"LICENSE-leaflet.txt", "LICENSE-jquery.txt"} <= names
    assert "BSD 2-Clause" in (maps.STATIC_DIR / "LICENSE-leaflet.txt").read_text()
    assert "Permission is hereby granted" in (maps.STATIC_DIR / "LICENSE-jquery.txt").read_text()


def test_overview_map_skips_missing_key_pairs(mini_network, tmp_path):
    path = maps.write_overview_map(mini_network, tmp_path / "corridor.html")
    page = path.read_text(encoding="utf-8")
    assert "Chongqing → Qinzhou Port (best)" in page  # KEY_PAIRS; Beijing is not in the mini corridor
    assert "Beijing" not in page


def test_cli_map_writes_html_and_png(tmp_path):
    out, png = tmp_path / "m.html", tmp_path / "m.png"
    result = run_corridor(
        "map", "--network", MINI, "--route", "chongqing", "singapore",
        "--route", "cq_west", "hanoi", "--k", "2", "--rank", "degree", "--out", out, "--png", png,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "Chongqing → Singapore (best)" in page and "Chongqing West → Hanoi (best)" in page
    assert png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--png", "{tmp}/x.gif"], "unknown figure format '.gif'"),
        (["--png", "{tmp}/folder"], "is a folder"),
        (["--out", "{tmp}/folder"], "is a folder"),
        (["--out", "{tmp}/m.txt"], "HTML file"),
        (["--tiles", "google", "--png", "{tmp}/m.png"], "tiles 'google'"),
        (["--fit", "near", "--png", "{tmp}/m.png"], "fit 'near'"),
    ],
)
def test_cli_map_checks_both_outputs_before_writing(tmp_path, args, expected):
    (tmp_path / "folder").mkdir()
    args = [a.format(tmp=tmp_path) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "m.html")]
    result = run_corridor("map", "--network", MINI, *args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0 and expected in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"] and not any((tmp_path / "folder").iterdir())


def test_cli_map_route_needs_two_hubs(tmp_path):
    result = run_corridor("map", "--network", MINI, "--route", "chongqing", "--out", tmp_path / "m.html")
    assert result.exit_code == 2
    assert "--route ORIGIN DESTINATION" in result.stderr
    assert not (tmp_path / "m.html").exists()


# -- the antimeridian, scenario focus, labels and the shipped basemap ----------------------------------------


def pacific_copy(folder: Path):
    """The mini corridor with Los Angeles and a trans-Pacific sea lane from Qinzhou Port across the antimeridian."""
    hubs = json.loads((MINI / "hubs.geojson").read_text(encoding="utf-8"))
    singapore = next(f for f in hubs["features"] if f["properties"]["id"] == "singapore")
    los_angeles = json.loads(json.dumps(singapore))
    los_angeles["properties"].update(id="los_angeles", name="Los Angeles", name_zh="洛杉矶", pinyin="Luoshanji", city="los_angeles", country="US")
    los_angeles["geometry"]["coordinates"] = [-118.27, 33.73]
    hubs["features"].append(los_angeles)
    links = json.loads((MINI / "links.geojson").read_text(encoding="utf-8"))
    sea = next(f for f in links["features"] if f["properties"]["id"] == "sea_sg")
    pacific = json.loads(json.dumps(sea))
    pacific["properties"].update(id="pacific", name="Trans-Pacific", to_hub="los_angeles", length_km=12_000)
    pacific["geometry"]["coordinates"] = [[108.62, 21.72], [125.0, 25.0], [179.5, 38.0], [-179.5, 38.2], [-150.0, 36.0], [-118.27, 33.73]]
    links["features"].append(pacific)
    (folder / "hubs.geojson").write_text(json.dumps(hubs, ensure_ascii=False), encoding="utf-8")
    (folder / "links.geojson").write_text(json.dumps(links, ensure_ascii=False), encoding="utf-8")
    return load_network(folder)


def test_trans_pacific_link_is_unwrapped_and_the_view_is_the_pacific(tmp_path):
    network = pacific_copy(tmp_path)
    graph = graph_from_network(network)
    routes = map_routes(graph, [("chongqing", "los_angeles")], k=1)
    content = maps.map_content(network, routes=routes)
    lines = [*content.links.geometry, *content.route_lines(routes[0])]
    for line in lines:
        steps = [abs(b[0] - a[0]) for a, b in itertools.pairwise(line.coords)]
        assert max(steps) < 180, f"a segment jumps {max(steps)} degrees"
    assert content.hubs.geometry["los_angeles"].x == pytest.approx(360 - 118.27)
    west, south, east, north = content.bounds
    assert 100 < west < 110 and 240 < east < 245, content.bounds  # the Pacific, not -179..179
    page = maps.write_map(content, tmp_path / "pacific.html").read_text(encoding="utf-8")
    fit = re.search(r"corridor.fitView\(\w+, \[\[([-\d.]+),([-\d.]+)\],\[([-\d.]+),([-\d.]+)\]\]", page)
    assert fit is not None and float(fit[2]) == pytest.approx(west) and float(fit[4]) == pytest.approx(east)
    write_figure(content, tmp_path / "pacific.png", height=4, dpi=50)


def test_longitudes_stay_put_away_from_the_antimeridian(content, mini_network):
    assert content.lon_start == -180.0
    assert list(content.hubs.geometry.x) == pytest.approx(list(mini_network.hubs.loc[content.hubs.index].geometry.x))


def test_scenario_map_opens_on_its_changes(mini_network):
    diff = maps.ScenarioDiff("short", mini_network, changed=frozenset({"yuhuai"}))
    content = maps.map_content(mini_network, diff=diff)
    west, south, east, north = content.view_bounds()
    yuhuai = mini_network.links.geometry["yuhuai"].bounds
    assert west < yuhuai[0] and east > yuhuai[2] and south < yuhuai[1] and north > yuhuai[3]
    assert south > 20  # Singapore (1.3 N) is left out
    assert content.view_bounds("all") == content.bounds
    rows, total = maps.change_rows(content)
    assert total == 1 and rows[0]["change"] == "changed" and rows[0]["name"] == "yuhuai"


def test_route_ends_are_labelled_first(mini_network, mini_freight):
    routes = map_routes(mini_freight, [("hanoi", "cq_west")], k=1)
    content = maps.map_content(mini_network, ranking=RANKING, measure="betweenness", routes=routes)
    assert content.labelled_hubs()[:2] == ["hanoi", "cq_west"]


def test_basemap_is_shipped_small_and_read_from_the_package():
    from corridor import basemap

    files = sorted(basemap.BASEMAP_DIR.glob("*.geojson"))
    assert {f.stem for f in files} == {layer.key for layer in basemap.BASEMAP_LAYERS} | {basemap.COUNTRY_NAMES}
    assert sum(f.stat().st_size for f in files) < 500_000
    assert "Natural Earth" in (basemap.BASEMAP_DIR / "README.md").read_text(encoding="utf-8")
    land = basemap.basemap_frame("land")
    assert land.total_bounds[0] >= 89.9 and land.contains(__import__("shapely").Point(106.5, 29.5)).any()  # Chongqing is on land
    package = Path(maps.__file__).parent
    for source in package.glob("*.py"):
        assert "shared/data" not in source.read_text(encoding="utf-8"), source


def test_big_layers_draw_on_a_canvas(content, tmp_path, monkeypatch):
    monkeypatch.setattr(maps, "CANVAS_LINKS", 1)
    page = maps.write_map(content, tmp_path / "m.html").read_text(encoding="utf-8")
    assert '"canvas":true' in page and '"canvas":false' in page  # rail has several links, the rest one each
