"""The generated maps in a real browser: Debian chromium, driven by Playwright, offline.

The page's JavaScript and CSS (Leaflet, jQuery) are served from local copies
of the same versions, installed from the npm registry by ``.ci/browser-deps``
into ``tests/browser/node_modules``; every other request (base tiles aside,
answered with a blank tile in the tiles test) is aborted and fails the test.
An offline map (Leaflet and jQuery inlined) is opened with every request
but the file itself blocked.
Skipped only when chromium or those local copies are missing.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path

import pandas as pd
import pytest
from test_maps import hostile_copy

from corridor import maps
from corridor.graph import graph_from_network
from corridor.mapdata import map_routes

CHROMIUM = Path("/usr/bin/chromium")
VENDOR = Path(__file__).parent / "browser" / "node_modules"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS_NAME = "<script>alert(1)</script>"
XSS_NAME_ZH = "`${alert(2)}` \\u"
XSS_LINK = "<img src=x onerror=alert(3)>"

_NPM_URL = re.compile(r"/npm/(?P<package>(?:@[^/@]+/)?[^/@]+)@(?P<version>[^/]+)/(?P<path>[^?#]+)")
_JQUERY_URL = re.compile(r"code\.jquery\.com/jquery-(?P<version>[\d.]+)(?P<min>\.min)?\.js")


def local_file(url: str) -> Path | None:
    """The local copy of a CDN URL the maps load, or None when there is none (or its version differs)."""
    if match := _NPM_URL.search(url):
        package, version, path = match["package"], match["version"], match["path"]
    elif match := _JQUERY_URL.search(url):
        package, version, path = "jquery", match["version"], f"dist/jquery{match['min'] or ''}.js"
    else:
        return None
    manifest = VENDOR / package / "package.json"
    if not manifest.is_file() or json.loads(manifest.read_text())["version"] != version:
        return None
    candidate = VENDOR / package / path
    return candidate if candidate.is_file() else None


def _missing_prerequisites() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: run .ci/browser-deps (installs Debian chromium)"
    js, css = maps.page_dependencies()
    missing = [url for _, url in js + css if local_file(url) is None]
    if missing:
        return f"local copies of {', '.join(missing)} not found under {VENDOR}: run .ci/browser-deps"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    return None


pytestmark = pytest.mark.skipif(bool(_missing_prerequisites()), reason=_missing_prerequisites() or "")


def _blank_tile() -> bytes:
    """A 256x256 light grey PNG, standing in for base tiles offline."""
    raw = b"".join(b"\x00" + b"\xdd\xe4\xea" * 256 for _ in range(256))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def hostile_network(tmp_path_factory):
    """The mini corridor with hostile names on Hanoi and the border link."""
    return hostile_copy(
        tmp_path_factory.mktemp("hostile"), hub_name=XSS_NAME, hub_name_zh=XSS_NAME_ZH, link_name=XSS_LINK, link_source="</div><b>bold?</b>"
    )


@pytest.fixture(scope="module")
def content(hostile_network):
    graph = graph_from_network(hostile_network, profile="freight")
    ranking = pd.DataFrame(
        {"rank": [1, 2, 3, 4], "id": ["qinzhou_port", "guiyang", "hanoi", "singapore"], "score": [0.6, 0.4, 0.2, 0.1]}
    )
    routes = map_routes(graph, [("chongqing", "singapore"), ("Huaihua", "hanoi")], k=2)
    return maps.map_content(hostile_network, ranking=ranking, measure="betweenness", routes=routes)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class PageLog:
    """What a page did wrong: console errors, uncaught exceptions, dialogs, requests we could not serve."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.unserved: list[str] = []
        self.served: list[str] = []
        self.tiles = 0


def open_map(browser, path: Path, *, tile: bytes | None = None, network: bool = True):
    """Open a map file in a new page, serving its dependencies from the local copies.

    ``network=False``: no request but the file itself is answered (every other one is
    aborted and listed in ``unserved``), as with no network at all.
    """
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = PageLog()
    page.on("console", lambda msg: log.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: log.errors.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: log.errors.append(f"request failed: {req.url} {req.failure}"))

    def on_dialog(dialog) -> None:
        log.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def handle(route) -> None:
        url = route.request.url
        if url.startswith("file://") and (network or url == path.as_uri()):
            route.continue_()
            return
        if not network:
            log.unserved.append(url)
            route.abort()
            return
        if tile is not None and re.search(r"/\d+/\d+/\d+\.png", url):
            log.tiles += 1
            route.fulfill(status=200, content_type="image/png", body=tile)
            return
        local = local_file(url)
        if local is None:
            log.unserved.append(url)
            route.abort()
            return
        log.served.append(url)
        content_type = {".js": "application/javascript", ".css": "text/css", ".png": "image/png"}.get(local.suffix, "application/octet-stream")
        route.fulfill(status=200, content_type=content_type, body=local.read_bytes(), headers={"Access-Control-Allow-Origin": "*"})

    page.route("**/*", handle)
    page.goto(path.as_uri())
    page.wait_for_selector(".leaflet-overlay-pane svg path", state="attached")
    page.wait_for_load_state("networkidle")
    return page, log


def _hit_centre(page, selector: str):
    """Centre of the first element matching ``selector`` that is the top element at its centre, or None."""
    return page.evaluate(
        """(selector) => {
            for (const el of document.querySelectorAll(selector)) {
                const box = el.getBoundingClientRect();
                const x = box.left + box.width / 2, y = box.top + box.height / 2;
                if (document.elementFromPoint(x, y) === el) return [x, y];
            }
            return null;
        }""",
        selector,
    )


def _point_on_path(page, selector: str):
    """A point along the first path matching ``selector`` where that path is the top element, or None."""
    return page.evaluate(
        """(selector) => {
            const path = document.querySelector(selector);
            const length = path.getTotalLength(), matrix = path.getScreenCTM();
            for (let i = 1; i < 40; i++) {
                const p = path.getPointAtLength(length * ((i * 0.618) % 1));
                const x = matrix.a * p.x + matrix.c * p.y + matrix.e, y = matrix.b * p.x + matrix.d * p.y + matrix.f;
                if (document.elementFromPoint(x, y) === path) return [x, y];
            }
            return null;
        }""",
        selector,
    )


def test_map_draws_every_link_and_hub_and_opens_popups(browser, content, tmp_path):
    path = maps.write_map(content, tmp_path / "map.html")
    page, log = open_map(browser, path)
    try:
        links = content.links
        # One Leaflet path per visible link, in its layer; one marker per hub; one per route.
        assert page.locator("path.corridor-link").count() == len(links)
        for mode in maps.LAYERS:
            assert page.locator(f"path.corridor-link.layer-{mode}").count() == int((links["mode"] == mode).sum())
        assert page.locator("path.corridor-link.cross-border").count() == int(links["cross_border"].sum()) >= 1
        assert page.locator("path.corridor-link-casing").count() == int(links["cross_border"].sum())
        assert page.locator("path.corridor-link.not-in-service").count() == int(links["dashed"].sum()) >= 1
        assert page.locator("path.corridor-link.not-in-service").first.get_attribute("stroke-dasharray") == maps.DASH
        assert page.locator("path.corridor-hub").count() == len(content.hubs)
        assert page.locator("path.corridor-route").count() == sum(len(p.routes) for p in content.routes)
        circle_markers = page.evaluate(
            """() => { let n = 0; for (const k in window) { const v = window[k];
                 if (v instanceof L.Map) v.eachLayer(l => { if (l instanceof L.CircleMarker) n += 1; }); } return n; }"""
        )
        assert circle_markers == len(content.hubs)
        assert page.locator(".leaflet-tile").count() == 0  # no base tiles asked for

        # The legend and the layer control are there.
        assert "Conventional rail" in page.locator(".corridor-legend").inner_text()
        assert page.locator(".leaflet-control-layers-overlays label").count() >= 4

        # A click on a hub opens its popup, names in English and Chinese.
        point = _hit_centre(page, "path.corridor-hub.hub-singapore")
        assert point is not None, "the Singapore marker is covered by something"
        page.mouse.click(*point)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible")
        assert "Singapore" in popup.inner_text()
        assert "新加坡" in popup.inner_text()
        assert "Rank" in popup.inner_text()

        # A hostile hub name shows as text and runs nothing.
        page.locator(".leaflet-popup-close-button").click()
        popup.wait_for(state="detached")
        point = _hit_centre(page, "path.corridor-hub.hub-hanoi")
        assert point is not None, "the Hanoi marker is covered by something"
        page.mouse.click(*point)
        popup.wait_for(state="visible")
        page.wait_for_function("() => document.querySelector('.leaflet-popup-content').innerText.includes('alert(1)')")
        text = popup.inner_text()
        assert XSS_NAME in text
        assert XSS_NAME_ZH in text
        assert popup.locator("script").count() == 0

        # Link popups too: the hostile link name is text, its source no markup.
        page.locator(".leaflet-popup-close-button").click()
        popup.wait_for(state="detached")
        # (the Huaihua-Hanoi route covers the border link: turn the route off in the layer control first)
        page.locator(".leaflet-control-layers-overlays label", has_text="Route: Huaihua").locator("input").uncheck()
        point = _point_on_path(page, "path.corridor-link.link-border")
        assert point is not None, "no visible point of the border link"
        page.mouse.click(*point)
        page.wait_for_function("() => document.querySelector('.leaflet-popup-content').innerText.includes('onerror')")
        assert XSS_LINK in popup.inner_text()
        assert popup.locator("img, b:text('bold?')").count() == 0

        # Turning a layer off in the layer control removes its paths.
        page.locator(".leaflet-control-layers-overlays label", has_text="Conventional rail").locator("input").uncheck()
        assert page.locator("path.corridor-link.layer-rail").count() == 0

        screenshot = tmp_path / "map.png"
        page.screenshot(path=str(screenshot))
        assert screenshot.stat().st_size > 10_000
        assert log.dialogs == [], f"the page ran script from data: {log.dialogs}"
        assert log.unserved == [], f"requests not served locally: {log.unserved}"
        assert log.errors == [], f"the page logged errors: {log.errors}"
        assert log.served == [], "a default (offline) map requests nothing"
    finally:
        page.close()


def test_map_with_tiles_and_a_scenario(browser, hostile_network, tmp_path):
    base = hostile_network
    scenario_links = base.links.drop(index="g75")
    scenario_links.loc["new_hsr", "status"] = "open"
    scenario = type(base)(hubs=base.hubs, links=scenario_links, source="scenario")
    savings = pd.DataFrame(
        {"origin": ["guiyang", "chongqing"], "destination": ["qinzhou_port", "hanoi"], "base_h": [8.0, 30.0],
         "scenario_h": [5.0, 29.0], "saved_h": [3.0, 1.0]}
    )  # fmt: skip
    diff = maps.ScenarioDiff("fast south", base, added=frozenset({"new_hsr"}), removed=frozenset({"g75"}), savings=savings)
    content = maps.map_content(scenario, diff=diff)
    path = maps.write_map(content, tmp_path / "scenario.html", tiles="osm")
    page, log = open_map(browser, path, tile=_blank_tile())
    try:
        assert page.locator("path.corridor-link").count() == len(base.links)
        assert page.locator("path.corridor-link.diff-added").count() == 1
        assert page.locator("path.corridor-link.diff-removed").count() == 1
        assert page.locator("path.corridor-hub").count() == len(base.hubs)
        assert log.tiles > 0
        assert page.locator(".leaflet-tile-loaded").count() > 0
        panel = page.locator(".corridor-scenario").inner_text()
        assert "2 changed links" in panel
        assert "Guiyang → Qinzhou Port" in panel
        assert "3.0" in panel
        page.screenshot(path=str(tmp_path / "scenario.png"))
        assert log.unserved == [], f"requests not served locally: {log.unserved}"
        assert log.errors == [], f"the page logged errors: {log.errors}"
    finally:
        page.close()


def test_offline_map_works_with_every_request_blocked(browser, content, tmp_path):
    # A map is offline by default: Leaflet, jQuery, the page script and the basemap are inlined in the page.
    path = maps.write_map(content, tmp_path / "offline.html")
    page, log = open_map(browser, path, network=False)
    try:
        assert page.locator("path.corridor-link").count() == len(content.links)
        assert page.locator("path.corridor-hub").count() == len(content.hubs)
        assert page.locator("path.corridor-route").count() == sum(len(p.routes) for p in content.routes)
        assert page.locator(".leaflet-control-layers-overlays label").count() >= 4
        assert "Conventional rail" in page.locator(".corridor-legend").inner_text()
        # jQuery is there too: folium's popups need it.
        assert page.evaluate("() => typeof window.jQuery === 'function' && window.jQuery.fn.jquery") == "3.7.1"
        point = _hit_centre(page, "path.corridor-hub.hub-singapore")
        assert point is not None, "the Singapore marker is covered by something"
        page.mouse.click(*point)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible")
        assert "Singapore" in popup.inner_text()
        page.screenshot(path=str(tmp_path / "offline.png"))
        assert log.unserved == [], f"an offline map asked the network for: {log.unserved}"
        assert log.errors == [], f"the page logged errors: {log.errors}"
        assert log.dialogs == []
    finally:
        page.close()


@pytest.mark.skipif(not (Path(__file__).parents[1] / "geodata" / "hubs.geojson").exists(), reason="no built-in geodata")
def test_overview_map_of_the_builtin_network(browser, builtin_network, tmp_path):
    path = maps.write_overview_map(builtin_network, tmp_path / "corridor.html")
    page, log = open_map(browser, path)
    try:
        assert page.locator("path.corridor-link").count() == len(builtin_network.links)
        assert page.locator("path.corridor-hub").count() == len(builtin_network.hubs)
        assert page.locator("path.corridor-route").count() >= 1
        screenshot = tmp_path / "corridor.png"
        page.screenshot(path=str(screenshot))
        assert screenshot.stat().st_size > 10_000
        assert log.unserved == [] and log.errors == [], (log.unserved, log.errors)
    finally:
        page.close()


#: Where the default map's screenshot goes when CORRIDOR_WRITE_SCREENSHOT=1 (shown in the README).
SCREENSHOT = Path(__file__).parents[1] / "docs" / "map-default.png"

#: Elements a layer puts on the map: SVG paths, canvases, label and tile images.
_MAP_ELEMENTS = "() => document.querySelectorAll('.leaflet-map-pane path, .leaflet-map-pane canvas, .leaflet-marker-icon, img.leaflet-tile').length"


def _share_of(pixels, colour: str, tolerance: int = 12) -> float:
    """Share of the screenshot's pixels within ``tolerance`` of ``colour`` in every channel."""
    import numpy as np

    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(pixels[:, :, :3].astype(int) - target).max(axis=2) <= tolerance).mean())


def _labels(page) -> list[dict]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.corridor-label')).map(l => {
            const r = l.getBoundingClientRect();
            return {text: l.textContent, visible: getComputedStyle(l).visibility === 'visible',
                    left: r.left, right: r.right, top: r.top, bottom: r.bottom};
        })"""
    )


@pytest.mark.skipif(not (Path(__file__).parents[1] / "geodata" / "hubs.geojson").exists(), reason="no built-in geodata")
def test_default_map_offline_reads_as_a_map(browser, tmp_path):
    import os

    import numpy as np
    from conftest import run_corridor
    from PIL import Image

    from corridor.basemap import LAND_COLOUR

    path = tmp_path / "default.html"
    result = run_corridor("map", "--route", "Chongqing", "Singapore", "--out", path)
    assert result.exit_code == 0, result.stderr
    page, log = open_map(browser, path, network=False)
    try:
        page.evaluate("() => document.fonts.ready")
        page.wait_for_timeout(300)
        shot = SCREENSHOT if os.environ.get("CORRIDOR_WRITE_SCREENSHOT") == "1" else tmp_path / "default.png"
        page.screenshot(path=str(shot))
        pixels = np.asarray(Image.open(shot).convert("RGB"))
        # Not blank: sea and land both there, and the route's colour.
        assert _share_of(pixels, maps.SEA_COLOUR) > 0.05, "no sea in the screenshot"
        assert _share_of(pixels, LAND_COLOUR) > 0.05, "no land in the screenshot"
        assert _share_of(pixels, maps.ROUTE_COLOUR, tolerance=30) > 0.0005, "the route's colour is missing"

        # The route's ends are labelled, in view, and no two shown labels overlap.
        labels = _labels(page)
        shown = [label for label in labels if label["visible"]]
        for name in ("Chongqing", "Singapore"):
            (label,) = [label for label in labels if label["text"] == name]
            assert label["visible"], f"{name} has no visible label"
            assert 0 <= label["left"] and label["right"] <= 1280 and 0 <= label["top"] and label["bottom"] <= 900
        for i, a in enumerate(shown):
            for b in shown[i + 1 :]:
                apart = a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]
                assert apart, f"labels {a['text']} and {b['text']} overlap"

        # Every layer in the layer control toggles: off removes its elements, on brings them back.
        toggles = page.locator(".leaflet-control-layers-overlays label")
        names = [toggles.nth(i).inner_text().strip() for i in range(toggles.count())]
        assert {"Land and coastline", "Country borders", "Hubs", "Hub labels"} <= set(names)
        for i, name in enumerate(names):
            box = toggles.nth(i).locator("input")
            before = page.evaluate(_MAP_ELEMENTS)
            box.uncheck()
            assert page.evaluate(_MAP_ELEMENTS) < before, f"turning off {name!r} removed nothing"
            box.check()
            assert page.evaluate(_MAP_ELEMENTS) == before, f"turning {name!r} back on did not restore it"
        assert log.unserved == [], f"the default map asked the network for: {log.unserved}"
        assert log.errors == [], f"the page logged errors: {log.errors}"
    finally:
        page.close()


def test_trans_pacific_lane_is_drawn_across_the_pacific(browser, tmp_path):
    from test_maps import pacific_copy

    folder = tmp_path / "pacific"
    folder.mkdir()
    content = maps.map_content(pacific_copy(folder))
    page, log = open_map(browser, maps.write_map(content, tmp_path / "pacific.html"), network=False)
    try:
        box = page.locator("path.corridor-link.link-pacific").bounding_box()
        # Drawn the short way, east from the South China Sea, whole in the viewport; the view is the Pacific, not the world.
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280
        span = page.evaluate(
            "() => { for (const k in window) { const v = window[k]; if (v instanceof L.Map) { const b = v.getBounds(); return b.getEast() - b.getWest(); } } }"
        )
        assert 130 < span < 200
        west = page.locator("path.corridor-hub.hub-qinzhou_port").bounding_box()
        east = page.locator("path.corridor-hub.hub-los_angeles").bounding_box()
        assert west["x"] < east["x"]
        assert log.errors == [] and log.unserved == []
    finally:
        page.close()


def test_map_draws_isochrones_before_after_and_gained(browser, mini_network, round_params, tmp_path):
    from types import SimpleNamespace

    from corridor.isochrones import scenario_isochrones

    applied = SimpleNamespace(network=mini_network, baseline_year=None, year=2030, params=round_params)
    frame = scenario_isochrones(mini_network, applied, "chongqing", hours=[4, 6], params=round_params)
    content = maps.map_content(mini_network, year=2030, profile="passenger")
    content.isochrones = frame
    path = maps.write_map(content, tmp_path / "isochrones.html")
    page, log = open_map(browser, path)
    try:
        drawn = int((~frame.geometry.is_empty).sum())
        # Before and after at 4 and 6 h; gained at 6 h only (Qinzhou Port at 5.4 h): nothing new within 4 h.
        assert page.locator("path.corridor-isochrone").count() == drawn == 5
        assert page.locator("path.corridor-isochrone.isochrone-gained").count() == 1
        assert page.locator("path.corridor-isochrone.isochrone-before.isochrone-6h").get_attribute("stroke-dasharray") == maps.DASH
        labels = page.locator(".leaflet-control-layers-overlays").inner_text()
        assert "Within 6 h of Chongqing (before)" in labels and "Within 6 h of Chongqing (gained)" in labels
        page.locator(".leaflet-control-layers-overlays label", has_text="Within 6 h of Chongqing (gained)").locator("input").uncheck()
        assert page.locator("path.corridor-isochrone.isochrone-gained").count() == 0
        # Links and hubs stay on top and clickable.
        assert page.locator("path.corridor-link").count() == len(content.links)
        assert _hit_centre(page, "path.corridor-hub.hub-guiyang") is not None
        page.screenshot(path=str(tmp_path / "isochrones.png"))
        assert log.unserved == [], f"requests not served locally: {log.unserved}"
        assert log.errors == [], f"the page logged errors: {log.errors}"
    finally:
        page.close()
