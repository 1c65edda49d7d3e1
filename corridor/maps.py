"""Interactive route maps: the network, hub centrality, routes and scenarios, on a basemap, offline.

A map is built in two steps so the interactive map and the static figure
(:mod:`corridor.figures`) show the same thing:

1. :func:`map_content` gathers what to draw into a :class:`MapContent`: the
   links as of a year (each with its mode, style and popup fields), the hubs
   with their centrality rank and label order, requested routes and a
   scenario diff, with longitudes unwrapped across the antimeridian.
2. :func:`folium_map` draws it: the shipped basemap (:mod:`corridor.basemap`),
   one GeoJSON layer per mode (not one element per link, so a network of
   100k links still opens in seconds), the hubs, their labels, the routes,
   a legend and a layer control; :func:`write_map` writes the HTML file atomically.

A map needs no network: Leaflet, jQuery, the basemap and the page's own
script (``corridor/static/corridor-map.js``) are inlined from the package
(:func:`inline_dependencies`). Web tiles are an opt-in layer (``tiles="osm"``).

User-supplied text (hub and link names, sources, route and scenario labels)
is HTML-escaped before it reaches the page: in Python for the panels and
route popups (:func:`escape`), in the page's script for the data layers, whose
GeoJSON is embedded with ``<``, ``>`` and ``&`` as JSON escapes.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template
from shapely.geometry import LineString

from corridor import schema
from corridor._errors import CorridorError
from corridor._io import check_output_path, write_text_atomic
from corridor._longitudes import unwrap_all, window_start
from corridor.basemap import ATTRIBUTION, BASEMAP_LAYERS, COUNTRY_NAMES, SEA_COLOUR, basemap_geojson
from corridor.mapdata import MapData, MapRoute, map_data
from corridor.network import Network
from corridor.overview import KEY_PAIRS
from corridor.routing import Route
from corridor.scenario import AppliedScenario
from corridor.settings import JUNCTION, MAPS_DIR, MODE_LABELS, MODES

#: Map layers of links, in legend order: one per mode.
LAYERS: tuple[str, ...] = MODES

#: Line colour of each mode.
LAYER_COLOURS: dict[str, str] = {
    "hsr": "#d62728",
    "rail": "#1f4e9c",
    "expressway": "#e67e22",
    "waterway": "#2a9fd6",
    "sea": "#137c8b",
}

#: Line width (pixels) of each mode.
LAYER_WEIGHTS: dict[str, float] = {"hsr": 3.5, "rail": 3.0, "expressway": 2.5, "waterway": 2.5, "sea": 2.0}

#: Outline under a cross-border link (hubs in different countries); the link keeps its mode's colour.
CROSS_BORDER_OUTLINE = "#7b3294"

#: Dash pattern of links not in service in the map's year (under construction, planned).
DASH = "8 6"

#: Styles of routes and scenario changes.
ROUTE_COLOUR = "#e7298a"
ALTERNATIVE_COLOUR = "#f4a6cf"
ADDED_COLOUR = "#1a9850"
CHANGED_COLOUR = "#f39c12"
REMOVED_COLOUR = "#9e9e9e"

#: Colour of each kind of scenario change.
DIFF_COLOURS: dict[str, str] = {"added": ADDED_COLOUR, "changed": CHANGED_COLOUR, "removed": REMOVED_COLOUR}

#: Marker colours of hub kinds, used when no centrality ranking is given.
KIND_COLOURS: dict[str, str] = {
    "city": "#444444",
    "rail_station": "#1f4e9c",
    "freight_yard": "#6a3d9a",
    "dry_port": "#b15928",
    "river_port": "#2a9fd6",
    "sea_port": "#137c8b",
    "border_crossing": "#7b3294",
}

#: Matplotlib colour map (and the part of it used) for centrality scores.
CENTRALITY_CMAP = "YlOrRd"
CENTRALITY_RANGE = (0.3, 1.0)

#: Smallest and largest hub marker radius (pixels).
HUB_RADIUS = (4.0, 13.0)

#: Hubs ranked this high or higher are labelled (after the route ends; cities follow while there is room).
LABEL_RANK = 25

#: Kinds of hub labelled after the ranked ones, while there is room.
LABEL_KINDS: tuple[str, ...] = ("city", "sea_port")

#: Most hub labels a page carries (the rest show in tooltips).
MAX_LABELS = 300

#: How many OD pairs the scenario panel lists, and how many changed links.
TOP_SAVINGS = 10
TOP_CHANGES = 12

#: Margin around a scenario's changed links when the map opens on them (share of their extent; degrees at least).
FOCUS_MARGIN = (0.25, 0.5)

#: A layer with more links than this draws on a canvas (one element) instead of one SVG path per link.
CANVAS_LINKS = 5000

#: Opt-in web tile layers: URL template and attribution. Without one a map needs no network.
TILE_LAYERS: dict[str, tuple[str, str]] = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "&copy; OpenStreetMap contributors"),
}

#: Copies of Leaflet and jQuery (with their licences), the page script and the basemap, inlined in every map.
STATIC_DIR = Path(__file__).parent / "static"


@dataclass
class ScenarioDiff:
    """What a scenario changes, as the map shows it.

    Attributes
    ----------
    name
        The scenario's name, for the title and the panel.
    base
        The network before the scenario (the removed links' geometry is read from it).
    added, removed, changed
        Link ids: new in the scenario, gone from it, or with changed attributes.
    savings
        Optional OD table with columns ``origin``, ``destination`` and
        ``saved_h`` (hours saved; negative is a loss), and optionally
        ``base_h`` and ``scenario_h``. The largest savings are listed.
    """

    name: str
    base: Network
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()
    savings: pd.DataFrame | None = None


@dataclass
class MapContent:
    """Everything a map or figure draws, with styles decided once for both.

    Attributes
    ----------
    title
        Plain text (escaped when drawn).
    links
        One row per drawn link, indexed by link id: ``name``, ``mode``,
        ``cross_border`` (its hubs are in different countries), ``from_hub``,
        ``to_hub``, ``from_name``, ``to_name``, ``countries``, ``length_km``,
        ``speed_kmh``, ``status``, ``year`` (opened or expected, or ``None``),
        ``source``, ``in_service`` (in the map's year), ``dashed``, ``diff``
        (``""``, ``"added"``, ``"changed"`` or ``"removed"``), ``colour``,
        ``weight`` and line ``geometry`` (longitudes unwrapped).
    hubs
        One row per hub, indexed by hub id: ``name``, ``name_zh``, ``kind``,
        ``city``, ``country``, ``rank`` and ``score`` (``NaN`` without a
        ranking), ``radius`` (pixels), ``colour``, ``label_order`` (0 first;
        ``NaN``: no label) and point ``geometry``.
    routes
        Requested routes.
    diff
        A scenario's changes, or ``None``.
    measure
        The centrality measure of ``rank`` and ``score``, or ``None``.
    year, profile
        The network's year (``None``: open today) and the routes' profile.
    lon_start
        West edge of the 360-degree window the longitudes are drawn in
        (see :mod:`corridor._longitudes`).
    isochrones
        Isochrone bands to overlay (:func:`corridor.isochrones.isochrones`), or ``None``.
    """

    title: str
    links: gpd.GeoDataFrame
    hubs: gpd.GeoDataFrame
    routes: list[MapRoute] = field(default_factory=list)
    diff: ScenarioDiff | None = None
    measure: str | None = None
    year: int | None = None
    profile: str = "freight"
    lon_start: float = -180.0
    isochrones: gpd.GeoDataFrame | None = None

    def route_lines(self, pair: MapRoute) -> list[LineString]:
        """The lines of ``pair``'s routes, best first, in the map's longitude window.

        Parameters
        ----------
        pair
            One requested pair's routes.

        Returns
        -------
        list of shapely.LineString
            Lon/lat lines, longitudes unwrapped from :attr:`lon_start`.
        """
        return list(unwrap_all([route.geometry for route in pair.routes], self.lon_start))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of every hub, link and route drawn."""
        frames = [self.hubs.geometry, self.links.geometry]
        frames += [gpd.GeoSeries(self.route_lines(pair), crs=self.hubs.crs) for pair in self.routes]
        return _union_bounds(frames) or (73.0, 18.0, 135.0, 54.0)

    def view_bounds(self, fit: str = "auto") -> tuple[float, float, float, float]:
        """Where the map opens: ``"all"`` (:attr:`bounds`) or ``"auto"``, a scenario's changed links with a margin.

        Parameters
        ----------
        fit
            ``"auto"`` or ``"all"``; ``"auto"`` is :attr:`bounds` too without a scenario or a changed link.

        Returns
        -------
        tuple of float
            ``(west, south, east, north)``, degrees.

        Raises
        ------
        CorridorError
            When ``fit`` is neither.
        """
        check_map_options(fit=fit)
        changed = self.links[self.links["diff"] != ""]
        if fit == "all" or self.diff is None or changed.empty:
            return self.bounds
        west, south, east, north = changed.total_bounds
        share, least = FOCUS_MARGIN
        dx = max((east - west) * share, least)
        dy = max((north - south) * share, least)
        return (west - dx, south - dy, east + dx, north + dy)

    def labelled_hubs(self) -> list[str]:
        """Hub ids with a label, in label order (see :func:`label_order`).

        Returns
        -------
        list of str
            Hub ids, first label first.
        """
        order = self.hubs["label_order"].dropna().sort_values(kind="stable")
        return list(order.index)


#: How a map may open: on a scenario's changes when there are any (``auto``) or on everything (``all``).
FITS: tuple[str, ...] = ("auto", "all")


def _union_bounds(frames: Iterable[gpd.GeoSeries]) -> tuple[float, float, float, float] | None:
    boxes = [f.total_bounds for f in frames if len(f)]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# -- gathering the content ---------------------------------------------------------------------


def map_content(
    network: Network,
    *,
    year: int | None = None,
    profile: str = "freight",
    ranking: pd.DataFrame | None = None,
    measure: str | None = None,
    routes: Sequence[MapRoute] = (),
    diff: ScenarioDiff | None = None,
    title: str | None = None,
) -> MapContent:
    """Gather what a map of ``network`` shows.

    Parameters
    ----------
    network
        The network to draw (with a scenario: the network after it).
    year
        Links in service in this year are solid, the others (under
        construction, planned, or opening later) dashed; ``None``: links open
        today are solid.
    profile
        The profile the routes were found for (shown in the title).
    ranking
        Hub centrality, as from ``corridor.centrality.hub_ranking``: columns
        ``rank``, ``id``, ``score`` (``name`` optional). Hubs it does not list
        get no rank. ``None``: hubs are coloured by kind.
    measure
        Name of the centrality measure, for the legend.
    routes
        Routes to highlight (see :func:`map_routes`).
    diff
        A scenario's changes (see :class:`ScenarioDiff`).
    title
        Map title (default: from the network, year and scenario).

    Returns
    -------
    MapContent
        The links and hubs with their styles, the routes and the scenario's changes.
    """
    start = window_start(network.hubs.geometry.x)
    hubs = _hub_frame(network, ranking, lon_start=start)
    links = _link_frame(network, year=year, diff=diff, lon_start=start)
    if diff is not None and diff.removed:
        removed = _link_frame(diff.base, year=year, diff=diff, only=diff.removed, lon_start=start)
        links = pd.concat([links, removed[~removed.index.isin(links.index)]])
    hubs["label_order"] = label_order(hubs, routes)
    return MapContent(
        title=title or _default_title(network, year=year, diff=diff),
        links=gpd.GeoDataFrame(links, geometry="geometry", crs=network.links.crs or network.hubs.crs),
        hubs=hubs,
        routes=list(routes),
        diff=diff,
        measure=measure if ranking is not None else None,
        year=year,
        profile=profile,
        lon_start=start,
    )


def label_order(hubs: gpd.GeoDataFrame, routes: Sequence[MapRoute] = (), *, top: int = LABEL_RANK) -> pd.Series:
    """Which hubs are labelled, and in what order labels claim room on the map.

    Route ends come first, then hubs ranked ``top`` or higher (by rank), then
    the other cities and sea ports (:data:`LABEL_KINDS`, by name), at most :data:`MAX_LABELS` in all. Where two
    labels would overlap, the later one moves round its hub or is hidden
    until zoomed in.

    Parameters
    ----------
    hubs
        Hub frame with ``name``, ``kind`` and ``rank`` (``NaN``: not ranked).
    routes
        Requested routes: their first and last hubs.
    top
        Rank threshold.

    Returns
    -------
    pandas.Series
        Label order (0 first) by hub id, ``NaN`` for hubs without a label.
    """
    ends = [hub for pair in routes for hub in (pair.routes[0].hubs[0], pair.routes[0].hubs[-1])]
    ranked = hubs[hubs["rank"] <= top].sort_values(["rank", "name"]).index
    cities = hubs[hubs["kind"].isin(LABEL_KINDS)].sort_values("name").index
    chosen = [hub for hub in dict.fromkeys([*ends, *ranked, *cities]) if hub in hubs.index][:MAX_LABELS]
    order = pd.Series(float("nan"), index=hubs.index)
    order[chosen] = np.arange(len(chosen), dtype=float)
    return order


def _default_title(network: Network, *, year: int | None, diff: ScenarioDiff | None) -> str:
    if diff is not None:
        network = diff.base
    title = "Western land-sea corridor" if network.source == "built-in" else f"Corridor network ({Path(network.source).name})"
    title += f", {year}" if year is not None else ", open today"
    if diff is not None:
        title += f": scenario {diff.name}"
    return title


def _date_or_none(value: Any) -> int | str | None:
    """A date field as a year (``2018``) or its text (``"2023-08"``), or ``None``."""
    if schema.is_missing(value):
        return None
    return int(value) if isinstance(value, int | float) else str(value)


def _hub_frame(network: Network, ranking: pd.DataFrame | None, *, lon_start: float) -> gpd.GeoDataFrame:
    hubs = network.hubs
    hubs = hubs[hubs["kind"] != JUNCTION]  # junctions of an imported network: where lines meet, no marker
    frame = gpd.GeoDataFrame(
        {
            "name": hubs["name"].astype(str),
            "name_zh": hubs["name_zh"].fillna("").astype(str),
            "kind": hubs["kind"].astype(str),
            "city": hubs["city"].fillna("").astype(str),
            "country": hubs["country"].fillna("").astype(str),
            "opened": [_date_or_none(v) for v in hubs["opened"]],
        },
        geometry=unwrap_all(hubs.geometry, lon_start),
        index=hubs.index,
        crs=hubs.crs,
    )
    frame["rank"] = float("nan")
    frame["score"] = float("nan")
    if ranking is not None and len(ranking):
        ranked = ranking.drop_duplicates("id").set_index("id")
        known = frame.index.intersection(ranked.index)
        frame.loc[known, "rank"] = ranked.loc[known, "rank"].astype(float).to_numpy()
        frame.loc[known, "score"] = ranked.loc[known, "score"].astype(float).to_numpy()
        # A ranking by city leaves a city's stations and terminals out: note the city's rank on them.
        city_rank = {hub: ranked.at[hub, "rank"] for hub in known}
        frame["city_rank"] = [
            city_rank.get(city) if hub not in city_rank and city != hub else None for hub, city in frame["city"].items()
        ]
        top = frame["score"].max()
        share = (frame["score"] / top) if top and top > 0 else frame["score"] * 0.0
        low, high = HUB_RADIUS
        frame["radius"] = [low if schema.is_missing(s) else low + (high - low) * math.sqrt(max(s, 0.0)) for s in share]
        frame["colour"] = ["#bbbbbb" if schema.is_missing(s) else centrality_colour(s) for s in share]
    else:
        frame["radius"] = 6.0
        frame["colour"] = [KIND_COLOURS.get(kind, "#444444") for kind in frame["kind"]]
    return frame


def centrality_colour(share: float) -> str:
    """Hex colour of a centrality score as a share (0 to 1) of the largest score.

    Parameters
    ----------
    share
        Score over the largest score; clipped to 0-1.

    Returns
    -------
    str
        ``#rrggbb`` from :data:`CENTRALITY_CMAP` within :data:`CENTRALITY_RANGE`.
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    low, high = CENTRALITY_RANGE
    return to_hex(colormaps[CENTRALITY_CMAP](low + (high - low) * min(max(share, 0.0), 1.0)))


def _link_frame(
    network: Network, *, year: int | None, diff: ScenarioDiff | None, lon_start: float, only: Iterable[str] | None = None
) -> gpd.GeoDataFrame:
    links = network.links if only is None else network.links[network.links.index.isin(list(only))]
    hubs = network.hubs
    country = hubs["country"].fillna("").to_dict()
    junctions = set(hubs.index[hubs["kind"] == JUNCTION])  # no country: a link to one crosses no border
    names = hubs["name"].to_dict()
    hub_open = {hub: schema.hub_open(record, year) for hub, record in hubs[["opened"]].to_dict("index").items()}
    rows = []
    for link_id, link in zip(links.index, links.to_dict("records"), strict=True):  # plain dicts: iterrows is slow at 100k links
        opened, expected = _date_or_none(link["opened"]), _date_or_none(link["expected"])
        status = str(link["status"])
        a, b = link["from_hub"], link["to_hub"]
        in_service = schema.in_service(link, year) and hub_open[a] and hub_open[b]
        cross = country.get(a, "") != country.get(b, "") and a not in junctions and b not in junctions
        change = ""
        if diff is not None:
            if only is not None or link_id in diff.removed:
                change = "removed"
            elif link_id in diff.added:
                change = "added"
            elif link_id in diff.changed:
                change = "changed"
        operating = link.get("operating_speed_kmh")
        speed = float(link["speed_kmh"]) if schema.is_missing(operating) else float(operating)
        mode = str(link["mode"])
        colour = DIFF_COLOURS.get(change, LAYER_COLOURS[mode])
        weight = LAYER_WEIGHTS[mode] + (2.5 if change in ("added", "changed") else 0.0)
        rows.append(
            {
                "id": link_id,
                "name": str(link["name"] or link_id),
                "name_zh": str(link.get("name_zh") or ""),
                "mode": mode,
                "cross_border": cross,
                "from_hub": a,
                "to_hub": b,
                "from_name": str(names.get(a, a)),
                "to_name": str(names.get(b, b)),
                "countries": f"{country.get(a, '')}–{country.get(b, '')}" if cross else "",
                "length_km": float(link["length_km"]),
                "speed_kmh": speed,
                "status": status,
                "opened": opened,
                "expected": expected,
                "year": opened if status == "open" else expected,
                "source": str(link.get("source") or ""),
                "freight": bool(link["freight"]),
                "passenger": bool(link["passenger"]),
                "in_service": in_service,
                "dashed": (not in_service) or change == "removed",
                "diff": change,
                "colour": colour,
                "weight": weight,
                "geometry": link["geometry"],
            }
        )
    columns = ["id", "name", "name_zh", "mode", "cross_border", "from_hub", "to_hub", "from_name", "to_name", "countries", "length_km",
               "speed_kmh", "status", "opened", "expected", "year", "source", "freight", "passenger", "in_service", "dashed",
               "diff", "colour", "weight", "geometry"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame["geometry"] = unwrap_all(frame["geometry"], lon_start)
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=network.links.crs)
    frame.index = frame["id"].to_list()
    return frame


# -- escaping ------------------------------------------------------------------------------------


def escape(value: Any) -> str:
    """HTML-escape user text for a popup, tooltip or panel.

    Besides ``& < > " '`` it escapes the characters that would end or
    interpolate the JavaScript template literals folium wraps popup and
    tooltip HTML in (backquote, ``$``, backslash), so any name shows as text.

    Parameters
    ----------
    value
        Anything; ``None`` and NaN give ``""``.

    Returns
    -------
    str
        The escaped text.
    """
    text = html.escape("" if schema.is_missing(value) else str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def _css_token(value: str) -> str:
    """A CSS class fragment from an id (letters, digits, ``-`` and ``_`` only)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(value))


# -- drawing with folium ---------------------------------------------------------------------------


def page_dependencies() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The JavaScript and CSS a map page loads: ``(js, css)`` lists of ``(name, url)``.

    Folium's defaults filtered to what the maps use: Leaflet (JS and CSS) and
    jQuery (folium's popups parse their HTML with it). Bootstrap, Font
    Awesome and the awesome-markers plugin are left out: the maps use
    circle markers and their own legend.

    Returns
    -------
    tuple of list
        ``(js, css)``: the ``(name, url)`` pairs of folium's defaults kept.
    """
    from folium import folium as folium_module

    keep_js = {"leaflet", "jquery"}
    keep_css = {"leaflet_css"}
    js = [(name, url) for name, url in folium_module._default_js if name in keep_js]
    css = [(name, url) for name, url in folium_module._default_css if name in keep_css]
    return js, css


class _CorridorMap(folium.Map):
    """A folium map that links only the dependencies of :func:`page_dependencies` on a CDN."""

    default_js, default_css = page_dependencies()


class _OfflineCorridorMap(folium.Map):
    """A folium map that links nothing: its dependencies are inlined (:func:`inline_dependencies`)."""

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []


class _Raw(Element):
    """Fixed HTML put in the page as it is (not a template: inlined libraries hold ``{{``)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


_VERSION = re.compile(r"(\d+\.\d+\.\d+)")
_STATIC_NAMES = {"leaflet": "leaflet-{v}.js", "jquery": "jquery-{v}.min.js", "leaflet_css": "leaflet-{v}.css"}

#: The page's own script (basemap, links, hubs, labels), inlined in every map.
MAP_SCRIPT = STATIC_DIR / "corridor-map.js"


def static_file(name: str, url: str) -> Path:
    """The copy in ``corridor/static/`` of the dependency ``name`` at the version in ``url``.

    Parameters
    ----------
    name
        folium's name of the dependency (``leaflet``, ``jquery``, ``leaflet_css``).
    url
        folium's URL of it, which holds the version.

    Returns
    -------
    pathlib.Path
        The shipped file.

    Raises
    ------
    CorridorError
        When the package has no copy of that version (folium references another).
    """
    version = _VERSION.search(url)
    if name not in _STATIC_NAMES or version is None:
        msg = f"offline maps: no local copy of {name} ({url}); corridor/static/ holds Leaflet and jQuery only"
        raise CorridorError(msg)
    path = STATIC_DIR / _STATIC_NAMES[name].format(v=version[1])
    if not path.is_file():
        shipped = ", ".join(sorted(p.name for p in STATIC_DIR.glob("*.js"))) or "nothing"
        msg = f"offline maps: {path} not found; folium references {url}, the package ships {shipped} (see corridor/static/README.md)"
        raise CorridorError(msg)
    return path


def _inline_script(code: str, comment: str) -> str:
    code = re.sub(r"^//# sourceMappingURL=.*$", "", code, flags=re.MULTILINE)
    code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)
    return f"<script>/* {comment} */\n{code}\n</script>"


def _inline_style(path: Path, comment: str) -> str:
    code = path.read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = STATIC_DIR / f"{path.stem}-{match[1]}"
        if not image.is_file():
            return match[0]
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"

    code = re.sub(r"url\(images/([A-Za-z0-9_-]+\.png)\)", data_uri, code)
    code = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", code)
    code = re.sub(r"</(style)", r"<\\/\1", code, flags=re.IGNORECASE)
    return f"<style>/* {comment} */\n{code}\n</style>"


def inline_dependencies() -> str:
    """Leaflet's JavaScript and CSS and jQuery, from ``corridor/static/``, as ``<script>`` and ``<style>`` elements.

    The same files and versions :func:`page_dependencies` links to. Source map
    comments are dropped, the images ``leaflet.css`` names become data URIs,
    and ``</script``/``</style`` inside the code is escaped, so the page asks
    for nothing over the network.

    Returns
    -------
    str
        The HTML elements, one a line.

    Raises
    ------
    CorridorError
        When a file folium references is not shipped (see :func:`static_file`).
    """
    js, css = page_dependencies()
    parts = [_inline_script(static_file(name, url).read_text(encoding="utf-8"), f"{name}: {url}") for name, url in js]
    parts += [_inline_style(static_file(name, url), f"{name}: {url}") for name, url in css]
    return "\n".join(parts)


#: Characters written as JSON escapes in a page's data: no ``</script>``, entity or template-literal syntax survives.
_SCRIPT_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&`$"}


def script_json(data: Any) -> str:
    """``data`` as JSON safe inside a ``<script>`` element: ``< > & ` $`` as JSON escapes.

    Parameters
    ----------
    data
        Anything ``json.dumps`` takes, with no NaN or infinity (a ``ValueError`` otherwise).

    Returns
    -------
    str
        Compact JSON, non-ASCII characters kept.
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).translate(_SCRIPT_ESCAPES)


class _Script(MacroElement):
    """A call of ``corridor-map.js`` on the map: ``corridor.<function>(map, ...arguments)``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            corridor.{{ this.function }}({{ this._parent.get_name() }}{% for argument in this.arguments %}, {{ argument }}{% endfor %});
        {% endmacro %}
        """
    )

    def __init__(self, function: str, *arguments: Any) -> None:
        super().__init__()
        self._name = "CorridorScript"
        self.function = function
        self.arguments = [script_json(argument) for argument in arguments]


class _DataLayer(Layer):
    """An overlay built in the page from GeoJSON by ``corridor.<builder>(data, options)`` (see ``corridor-map.js``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = corridor.{{ this.builder }}({{ this.data_json }}, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(self, builder: str, data: dict[str, Any], options: dict[str, Any], *, name: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "CorridorLayer"
        self.builder = builder
        self.data_json = script_json(data)
        self.options_json = script_json(options)


class _Control(MacroElement):
    """A Leaflet control holding fixed HTML (legend, title, panel)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
            {{ this.get_name() }}.onAdd = function (map) {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html_json }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, body: str, *, position: str, css_class: str) -> None:
        super().__init__()
        self._name = "CorridorControl"
        self.position = position
        self.css_class = f"corridor-control {css_class}"
        self.html_json = script_json(body)


_STYLE = """
<style>
  body .leaflet-container {{ font: 12px/1.4 "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif; background: {sea}; }}
  .leaflet-control-layers {{ font-size: 12px; }}
  .leaflet-control-layers-overlays label {{ margin: 1px 0; }}
  .corridor-control {{ background: rgba(255,255,255,0.93); padding: 6px 9px; border-radius: 5px;
    box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 12px/1.35 "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif; color: #222; }}
  .corridor-title {{ font-size: 15px; font-weight: 600; }}
  .corridor-title small {{ display: block; font-size: 11px; font-weight: 400; color: #555; }}
  .corridor-legend .row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; white-space: nowrap; }}
  .corridor-legend h4, .corridor-scenario h4 {{ margin: 5px 0 3px; font-size: 12px; }}
  .corridor-legend svg {{ flex: none; }}
  .corridor-legend .ramp {{ width: 110px; height: 10px; border: 1px solid #888; }}
  .corridor-scenario {{ max-width: 460px; }}
  .corridor-scenario table, .corridor-popup table {{ border-collapse: collapse; }}
  .corridor-scenario td, .corridor-scenario th, .corridor-popup td, .corridor-popup th {{ padding: 1px 5px; text-align: left; vertical-align: top; }}
  .corridor-scenario td.num, .corridor-popup td.num {{ text-align: right; }}
  .corridor-popup {{ font: 12px/1.4 "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif; }}
  .corridor-popup h3 {{ margin: 0 0 4px; font-size: 14px; }}
  .corridor-popup th {{ color: #555; font-weight: 400; }}
  .corridor-label-anchor {{ background: none; border: none; }}
  .corridor-label, .corridor-country-label {{ position: absolute; white-space: nowrap; visibility: hidden; }}
  .corridor-label {{ background: rgba(255,255,255,0.82); border-radius: 2px; padding: 0 3px;
    font: 600 11px/15px Arial, "Noto Sans CJK SC", sans-serif; color: #222; }}
  .corridor-country-label {{ font: 600 12px/16px Arial, sans-serif; color: #9a8f7a; letter-spacing: 2px; text-transform: uppercase; }}
</style>
"""


def folium_map(
    content: MapContent,
    *,
    tiles: str | None = None,
    offline: bool = True,
    fit: str = "auto",
    width: str = "100%",
    height: str = "100%",
) -> folium.Map:
    """Draw ``content`` as a folium map on the shipped basemap.

    Parameters
    ----------
    content
        From :func:`map_content`.
    tiles
        ``None``: the vector basemap alone (no network needed); a key of
        :data:`TILE_LAYERS` (``"osm"``) adds those web tiles as a layer over
        the basemap (the page then asks the tile server for them).
    offline
        Put Leaflet and jQuery in the page (:func:`inline_dependencies`, about
        250 kB); ``False`` links them on a CDN instead.
    fit
        ``"auto"``: open on a scenario's changes (else everything); ``"all"``: everything.
    width, height
        Size of the map in the page.

    Returns
    -------
    folium.Map
        Overlays: the basemap layers, one per mode present, the scenario's
        changes, each route pair, the hubs, hub labels and country names
        (and the web tiles); a layer control, a legend, a title and a
        scenario panel. SVG paths carry CSS classes ``corridor-link`` (with
        ``layer-<mode>``, ``link-<id>``, ``cross-border``,
        ``not-in-service``, ``diff-<change>``), ``corridor-hub`` (with
        ``hub-<id>``) and ``corridor-route``.

    Raises
    ------
    CorridorError
        For an unknown ``tiles`` or ``fit``.
    """
    check_map_options(tiles=tiles, fit=fit)
    west, south, east, north = content.view_bounds(fit)
    fmap = (_OfflineCorridorMap if offline else _CorridorMap)(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=5,
        tiles=None,
        width=width,
        height=height,
        control_scale=True,
        zoom_snap=0.25,
    )
    header = cast(Figure, fmap.get_root()).header  # a Map's root is a branca Figure
    header.add_child(Element(_STYLE.format(sea=SEA_COLOUR)), name="corridor_style")
    if offline:
        header.add_child(_Raw(inline_dependencies()), name="corridor_inline_dependencies")
    header.add_child(_Raw(_inline_script(MAP_SCRIPT.read_text(encoding="utf-8"), "corridor map script")), name="corridor_script")

    _Script("createPanes").add_to(fmap)
    _Script("fitView", [[south, west], [north, east]]).add_to(fmap)  # before any layer: tiles load for this view only
    _add_basemap(fmap)
    if tiles is not None:
        url, attribution = TILE_LAYERS[tiles]
        folium.TileLayer(url, attr=attribution, name=f"Web tiles ({tiles}, online)", overlay=True).add_to(fmap)
    if content.isochrones is not None:
        _add_isochrones(fmap, content.isochrones)
    _add_links(fmap, content)
    for pair in content.routes:
        _add_routes(fmap, content, pair)
    _DataLayer("hubs", _hub_features(content), {}, name="Hubs").add_to(fmap)
    _DataLayer("labels", _label_features(content), {"cssClass": "corridor-label"}, name="Hub labels").add_to(fmap)
    _Script("watchLabels").add_to(fmap)

    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    _Control(_title_html(content), position="topleft", css_class="corridor-title").add_to(fmap)
    _Control(_legend_html(content), position="bottomleft", css_class="corridor-legend").add_to(fmap)
    if content.diff is not None:
        _Control(_scenario_html(content), position="bottomright", css_class="corridor-scenario").add_to(fmap)
    return fmap


def check_map_options(*, tiles: str | None = None, fit: str = "auto") -> None:
    """Check a map's ``tiles`` and ``fit`` before anything is computed.

    Parameters
    ----------
    tiles
        A name of :data:`TILE_LAYERS`, or ``None`` for the shipped basemap alone.
    fit
        A name of :data:`FITS`.

    Raises
    ------
    CorridorError
        Naming the value and the valid ones.
    """
    if tiles is not None and tiles not in TILE_LAYERS:
        msg = f"tiles {tiles!r}: use one of {', '.join(TILE_LAYERS)}, or leave it out for the shipped basemap alone"
        raise CorridorError(msg)
    if fit not in FITS:
        msg = f"fit {fit!r}: use one of {', '.join(FITS)}"
        raise CorridorError(msg)


def _add_basemap(fmap: folium.Map) -> None:
    """Land, province outlines and borders from :mod:`corridor.basemap`, and the country names."""
    for layer in BASEMAP_LAYERS:
        style: dict[str, Any] = {"color": layer.stroke, "weight": layer.width, "fill": layer.fill is not None}
        if layer.fill is not None:
            style.update(fillColor=layer.fill, fillOpacity=1.0)
        if layer.dashed:
            style["dashArray"] = "5 3"
        options = {"pane": "corridor-basemap" if layer.fill else "corridor-basemap-lines", "style": style,
                   "attribution": ATTRIBUTION if layer.key == "land" else ""}  # fmt: skip
        _DataLayer("basemap", basemap_geojson(layer.key), options, name=layer.label).add_to(fmap)
    countries = basemap_geojson(COUNTRY_NAMES)
    features = [{**f, "properties": {"name": f["properties"]["name"], "order": 100_000 + i}} for i, f in enumerate(countries["features"])]
    _DataLayer("labels", _collection(features), {"cssClass": "corridor-country-label"}, name="Country names").add_to(fmap)


#: Fill of isochrone bands by side (before, after or without a scenario, and the area gained).
ISOCHRONE_COLOURS: dict[str, str] = {"": "#2b8cbe", "after": "#2b8cbe", "before": "#969696", "gained": "#1a9850"}


def isochrone_layers(isochrones: gpd.GeoDataFrame) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """One overlay per isochrone band and side: ``(label, GeoJSON, Leaflet options)``, widest band first.

    Paths carry CSS classes ``corridor-isochrone``, ``isochrone-<side>`` and ``isochrone-<hours>h``.

    Parameters
    ----------
    isochrones
        An :func:`corridor.isochrones.isochrones` table (``side``, ``hours``, ``name``, ``geometry``).

    Returns
    -------
    list of tuple
        ``(label, FeatureCollection, options)`` per non-empty band.
    """
    layers = []
    order = isochrones.sort_values("hours", ascending=False, kind="stable")
    for row in order.to_dict("records"):
        if row["geometry"] is None or row["geometry"].is_empty:
            continue
        side = row["side"] or ""
        hours = f"{row['hours']:g}"
        label = f"Within {hours} h of {row['name']}" + (f" ({side})" if side else "")
        style = {"color": ISOCHRONE_COLOURS.get(side, ISOCHRONE_COLOURS[""]), "weight": 1.5, "fill": True, "fillOpacity": 0.12,
                 "dashArray": DASH if side == "before" else None,
                 "className": f"corridor-isochrone isochrone-{_css_token(side or 'all')} isochrone-{_css_token(hours)}h"}  # fmt: skip
        feature = {"type": "Feature", "properties": {"hours": row["hours"], "side": side}, "geometry": shapely.geometry.mapping(row["geometry"])}
        layers.append((label, _collection([feature]), {"pane": "overlayPane", "style": style, "attribution": ""}))
    return layers


def _add_isochrones(fmap: folium.Map, isochrones: gpd.GeoDataFrame) -> None:
    """Draw isochrone bands under the links, one layer each (see :func:`isochrone_layers`)."""
    for label, data, options in isochrone_layers(isochrones):
        _DataLayer("basemap", data, options, name=label).add_to(fmap)


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _swatch_label(mode: str) -> str:
    return f'<span style="color:{LAYER_COLOURS[mode]}">&#9644;</span> {escape(MODE_LABELS.get(mode, mode))}'


def _line_geometries(geometries: gpd.GeoSeries) -> list[dict[str, Any]]:
    """Lines as GeoJSON geometries, coordinates rounded to 1e-5 degree (about 1 m); vectorised for plain lines."""
    if not (geometries.geom_type == "LineString").all():
        return [json.loads(shapely.to_geojson(line)) for line in shapely.set_precision(geometries.values, 1e-5)]
    coords, owner = shapely.get_coordinates(geometries.values, return_index=True)
    parts = np.split(np.round(coords, 5), np.flatnonzero(np.diff(owner)) + 1)
    return [{"type": "LineString", "coordinates": part.tolist()} for part in parts]


def _add_links(fmap: folium.Map, content: MapContent) -> None:
    """One GeoJSON layer per mode present, then one of the scenario's changes."""
    links = content.links
    plain = links[links["diff"] == ""]
    options = {"dash": DASH, "casing": CROSS_BORDER_OUTLINE, "diffColours": DIFF_COLOURS, "modeLabels": MODE_LABELS}
    for mode in LAYERS:
        subset = plain[plain["mode"] == mode]
        if subset.empty:
            continue
        style = {"colour": LAYER_COLOURS[mode], "weight": LAYER_WEIGHTS[mode], "canvas": len(subset) > CANVAS_LINKS}
        _DataLayer("links", _link_features(subset, content), {**options, **style}, name=_swatch_label(mode)).add_to(fmap)
    changes = links[links["diff"] != ""].sort_values("diff", ascending=False)
    if not changes.empty and content.diff is not None:
        style = {"colour": CHANGED_COLOUR, "weight": 3.0, "canvas": len(changes) > CANVAS_LINKS}
        name = f"Scenario {escape(content.diff.name)}: changes"
        _DataLayer("links", _link_features(changes, content), {**options, **style}, name=name).add_to(fmap)


def _link_features(links: gpd.GeoDataFrame, content: MapContent) -> dict[str, Any]:
    """Links as GeoJSON features whose properties are the popup's fields, as text."""
    features = []
    geometries = _line_geometries(links.geometry)
    for link_id, link, geometry in zip(links.index, links.to_dict("records"), geometries, strict=True):
        properties = {
            "id": str(link_id),
            "name": link["name"],
            "name_zh": link["name_zh"],
            "mode": link["mode"],
            "countries": link["countries"],
            "from_name": link["from_name"],
            "to_name": link["to_name"],
            "length": f"{link['length_km']:,.0f} km",
            "speed": f"{link['speed_kmh']:,.0f} km/h",
            "status": _status_text(link, content.year),
            "year": "" if link["year"] is None else str(link["year"]),
            "carries": ", ".join(p for p in ("freight", "passenger") if link[p]) or "nothing",
            "source": link["source"],
            "diff": link["diff"],
            "dashed": bool(link["dashed"]),
        }
        properties = {key: value for key, value in properties.items() if value not in ("", False)}  # smaller pages; the script reads absent as empty
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return _collection(features)


def _status_text(link: dict[str, Any], year: int | None) -> str:
    status = str(link["status"]).replace("_", " ")
    if link["status"] != "open" and link["expected"] is not None:
        status += f", expected {link['expected']}"
    if year is not None and not link["in_service"]:
        status += f" (not in service in {year})"
    return status


def _point(geometry) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(geometry.x, 5), round(geometry.y, 5)]}


def _hub_features(content: MapContent) -> dict[str, Any]:
    """Hubs as GeoJSON points, the largest first (drawn under the smaller), with their popup fields as text."""
    hubs = content.hubs.sort_values("radius", ascending=False, kind="stable")
    features = []
    for hub_id, hub in zip(hubs.index, hubs.to_dict("records"), strict=True):
        rank, score = _rank_texts(hub, content)
        properties = {
            "id": str(hub_id),
            "name": hub["name"],
            "name_zh": hub["name_zh"],
            "kind": str(hub["kind"]).replace("_", " "),
            "city": hub["city"],
            "country": hub["country"],
            "rank": rank,
            "measure": (content.measure or "").replace("_", " ").capitalize(),
            "score": score,
            "opens": "" if schema.hub_open(hub, content.year) else str(hub["opened"]),
            "radius": float(hub["radius"]),
            "colour": hub["colour"],
            "className": f"corridor-hub hub-{_css_token(hub_id)}",
        }
        features.append({"type": "Feature", "properties": properties, "geometry": _point(hub["geometry"])})
    return _collection(features)


def _rank_texts(hub: dict[str, Any], content: MapContent) -> tuple[str, str]:
    """A hub's rank and score as its popup shows them (empty without a ranking)."""
    if content.measure is None:
        return "", ""
    of = int(content.hubs["rank"].notna().sum())
    if not schema.is_missing(hub["rank"]):
        return f"{int(hub['rank'])} of {of}", f"{hub['score']:.4g}"
    city_rank: Any = hub.get("city_rank")  # a cell of the hubs frame: None, NaN or a rank
    if not schema.is_missing(city_rank):
        return f"part of {content.hubs.at[hub['city'], 'name']} (rank {int(city_rank)} of {of})", ""
    return "not ranked", ""


def _label_features(content: MapContent) -> dict[str, Any]:
    hubs = content.hubs
    features = [
        {"type": "Feature", "geometry": _point(hubs.geometry[hub]),
         "properties": {"name": hubs.at[hub, "name"], "order": int(hubs.at[hub, "label_order"]), "radius": float(hubs.at[hub, "radius"])}}
        for hub in content.labelled_hubs()
    ]  # fmt: skip
    return _collection(features)


def _latlon(geometry) -> list[list[float]]:
    return [[y, x] for x, y, *_ in geometry.coords]


def _add_routes(fmap: folium.Map, content: MapContent, pair: MapRoute) -> None:
    group = folium.FeatureGroup(name=f'<span style="color:{ROUTE_COLOUR}">&#9644;</span> Route: {escape(pair.label)}', show=True)
    lines = content.route_lines(pair)
    # Alternatives first so the best route is drawn on top of them.
    for rank in range(len(pair.routes) - 1, -1, -1):
        best = rank == 0
        folium.PolyLine(
            _latlon(lines[rank]),
            color=ROUTE_COLOUR if best else ALTERNATIVE_COLOUR,
            weight=6 if best else 5,
            opacity=0.85 if best else 0.75,
            className=f"corridor-route route-rank-{rank + 1}",
            popup=folium.Popup(_route_popup(pair, pair.routes[rank], rank), max_width=460),
            tooltip=folium.Tooltip(escape(f"{pair.label} ({'best' if best else f'alternative {rank}'})")),
        ).add_to(group)
    group.add_to(fmap)


def _route_popup(pair: MapRoute, route: Route, rank: int) -> str:
    names = pair.hub_names
    kind = "Best route" if rank == 0 else f"Alternative {rank}"
    head = (
        f"<h3>{escape(pair.label)}</h3><p>{kind}: <b>{route.length_km:,.0f} km, {route.time_h:,.1f} h</b> door to door "
        f"({route.moving_h:,.1f} h moving, {route.terminal_h:,.1f} h at terminals, {route.transfers} transfer"
        f"{'' if route.transfers == 1 else 's'})</p>"
    )
    rows = "".join(
        f"<tr><td>{escape(MODE_LABELS.get(leg.mode, leg.mode))}</td><td>{escape(leg.line)}</td>"
        f"<td>{escape(names.get(leg.origin, leg.origin))} → {escape(names.get(leg.destination, leg.destination))}</td>"
        f'<td class="num">{leg.length_km:,.0f} km</td><td class="num">{leg.time_h:,.1f} h</td></tr>'
        for leg in route.legs
    )
    table = f"<table><tr><th>Mode</th><th>Line</th><th>Leg</th><th>Length</th><th>Time</th></tr>{rows}</table>"
    return f'<div class="corridor-popup">{head}{table}</div>'


def _title_html(content: MapContent) -> str:
    bits = [f"profile {escape(content.profile)}" if content.routes else "", f"hubs by {escape(content.measure)}" if content.measure else ""]
    sub = ", ".join(b for b in bits if b)
    return escape(content.title) + (f"<small>{sub}</small>" if sub else "")


def _line_svg(colour: str, *, dashed: bool = False, weight: float = 3.0, outline: str | None = None) -> str:
    dash = f' stroke-dasharray="{DASH}"' if dashed else ""
    casing = f'<line x1="2" y1="5" x2="32" y2="5" stroke="{outline}" stroke-width="{weight + 3}" stroke-opacity="0.55"/>' if outline else ""
    return (
        f'<svg width="34" height="10">{casing}<line x1="1" y1="5" x2="33" y2="5" stroke="{colour}" stroke-width="{weight}"{dash}/></svg>'
    )


def _dot_svg(colour: str, radius: float = 5.0) -> str:
    return f'<svg width="34" height="14"><circle cx="17" cy="7" r="{radius}" fill="{colour}" stroke="#333" stroke-width="1"/></svg>'


def legend_entries(content: MapContent) -> list[tuple[str, dict[str, Any]]]:
    """Legend rows as ``(label, style)``: style has ``kind`` (``line`` or ``dot``), ``colour`` and options.

    Line options: ``weight``, ``dashed`` and ``outline`` (the colour of a
    casing under the line). Shared by the interactive map and the static
    figure, so both explain the same symbols.

    Parameters
    ----------
    content
        What the map draws; only symbols it uses get a row.

    Returns
    -------
    list of tuple
        ``(label, style)``: modes, then cross-border, not-in-service, route,
        scenario and (without a ranking) hub-kind rows.
    """
    links = content.links
    plain = links[links["diff"] == ""]
    entries: list[tuple[str, dict[str, Any]]] = []
    for mode in LAYERS:
        if (plain["mode"] == mode).any():
            entries.append((MODE_LABELS.get(mode, mode), {"kind": "line", "colour": LAYER_COLOURS[mode], "weight": LAYER_WEIGHTS[mode]}))
    if links["cross_border"].any():
        style = {"kind": "line", "colour": LAYER_COLOURS["rail"], "weight": 3.0, "outline": CROSS_BORDER_OUTLINE}
        entries.append(("Cross-border link (outlined; colour by mode)", style))
    if links["dashed"].any():
        when = f"in {content.year}" if content.year is not None else "today"
        entries.append((f"Not in service {when} (under construction, planned)", {"kind": "line", "colour": "#555555", "dashed": True}))
    if content.routes:
        entries.append(("Requested route (best)", {"kind": "line", "colour": ROUTE_COLOUR, "weight": 6}))
        if any(len(p.routes) > 1 for p in content.routes):
            entries.append(("Alternative route", {"kind": "line", "colour": ALTERNATIVE_COLOUR, "weight": 5}))
    if content.diff is not None:
        for change, label in (("added", "New in scenario"), ("changed", "Changed by scenario"), ("removed", "Removed by scenario")):
            if (links["diff"] == change).any():
                entries.append((label, {"kind": "line", "colour": DIFF_COLOURS[change], "weight": 5, "dashed": change == "removed"}))
    if content.measure is None:
        for kind in dict.fromkeys(content.hubs["kind"]):
            entries.append((str(kind).replace("_", " ").capitalize(), {"kind": "dot", "colour": KIND_COLOURS.get(kind, "#444444")}))
    return entries


def _legend_html(content: MapContent) -> str:
    parts = ["<h4>Links</h4>"]
    for label, style in legend_entries(content):
        if style["kind"] == "dot" and "<h4>Hubs" not in "".join(parts):
            parts.append("<h4>Hubs</h4>")
        symbol = (
            _line_svg(style["colour"], dashed=style.get("dashed", False), weight=style.get("weight", 3.0), outline=style.get("outline"))
            if style["kind"] == "line"
            else _dot_svg(style["colour"])
        )
        parts.append(f'<div class="row">{symbol}<span>{escape(label)}</span></div>')
    if content.measure is not None:
        stops = ", ".join(centrality_colour(i / 4) for i in range(5))
        parts.append(f"<h4>Hubs: {escape(content.measure.replace('_', ' '))} centrality</h4>")
        parts.append(
            f'<div class="row"><span>low</span><div class="ramp" style="background: linear-gradient(to right, {stops})"></div>'
            "<span>high</span></div><div>Marker size grows with the score.</div>"
        )
    return "".join(parts)


def savings_rows(diff: ScenarioDiff, hub_names: dict[str, str], n: int = TOP_SAVINGS) -> list[dict[str, Any]]:
    """The ``n`` largest OD time savings of a scenario, as rows with names and hours.

    Parameters
    ----------
    diff
        The scenario's changes, with ``savings``.
    hub_names
        Display name by hub id (a hub not in it shows its id).
    n
        How many rows.

    Returns
    -------
    list of dict
        ``origin``, ``destination`` (names), ``base_h``, ``scenario_h`` and
        ``saved_h``, largest saving first; empty without savings.
    """
    if diff.savings is None or diff.savings.empty:
        return []
    table = diff.savings.sort_values("saved_h", ascending=False).head(n)
    rows = []
    for _, row in table.iterrows():
        rows.append(
            {
                "origin": hub_names.get(row["origin"], str(row["origin"])),
                "destination": hub_names.get(row["destination"], str(row["destination"])),
                "base_h": row.get("base_h"),
                "scenario_h": row.get("scenario_h"),
                "saved_h": float(row["saved_h"]),
            }
        )
    return rows


def saving_text(hours: Any) -> str:
    """A time saving in words, so its sign cannot be misread: ``saves 3.3 h``, ``0.4 h slower``, ``no change``.

    Parameters
    ----------
    hours
        Hours saved (negative: slower; ``inf``: newly connected; ``-inf``: connection lost).

    Returns
    -------
    str
        The words; ``""`` for ``None`` or NaN.
    """
    if schema.is_missing(hours):
        return ""
    value = float(hours)
    if math.isinf(value):
        return "newly connected" if value > 0 else "connection lost"
    if round(value, 1) == 0:
        return "no change"
    return f"saves {value:,.1f} h" if value > 0 else f"{-value:,.1f} h slower"


def _hours(value: Any) -> str:
    if schema.is_missing(value):
        return ""
    return "unreachable" if math.isinf(float(value)) else f"{float(value):,.1f}"


def change_rows(content: MapContent, n: int = TOP_CHANGES) -> tuple[list[dict[str, str]], int]:
    """A scenario's changed links (added, then changed, then removed) as rows, the first ``n``, and how many there are.

    Parameters
    ----------
    content
        What the map draws (its links' ``diff``).
    n
        How many rows.

    Returns
    -------
    tuple
        The rows (``change``, ``name``, ``mode`` label), by name within each
        kind of change, and the number of changed links.
    """
    order = {"added": 0, "changed": 1, "removed": 2}
    changed = content.links[content.links["diff"] != ""]
    changed = changed.assign(_order=changed["diff"].map(order)).sort_values(["_order", "name"], kind="stable")
    rows = [
        {"change": link["diff"], "name": link["name"], "mode": MODE_LABELS.get(link["mode"], link["mode"])}
        for link in changed.head(n).to_dict("records")
    ]
    return rows, len(changed)


def _scenario_html(content: MapContent) -> str:
    """The scenario panel: its changed links and its largest OD time savings."""
    diff = content.diff
    assert diff is not None
    changes, total = change_rows(content)
    listed = "".join(
        f"<tr><td><b>{escape(r['change'])}</b></td><td>{escape(r['name'])} ({escape(r['mode'])})</td></tr>"
        for r in changes
    )
    more = f"<div>and {total - len(changes)} more</div>" if total > len(changes) else ""
    parts = [f"<h4>Scenario {escape(diff.name)}: {total} changed link{'' if total == 1 else 's'}</h4><table>{listed}</table>{more}"]
    rows = savings_rows(diff, content.hubs["name"].to_dict())
    if rows:
        body = "".join(
            f"<tr><td>{escape(r['origin'])} → {escape(r['destination'])}</td><td class='num'>{_hours(r['base_h'])}</td>"
            f"<td class='num'>{_hours(r['scenario_h'])}</td><td class='num'><b>{saving_text(r['saved_h'])}</b></td></tr>"
            for r in rows
        )
        parts.append(
            f"<h4>Largest time savings ({escape(content.profile)}, door to door)</h4>"
            f"<table><tr><th>Origin → destination</th><th>Before (h)</th><th>After (h)</th><th>Change</th></tr>{body}</table>"
        )
    return "".join(parts)


# -- writing -------------------------------------------------------------------------------------------


#: Suffixes of an interactive map file.
MAP_SUFFIXES: tuple[str, ...] = (".html", ".htm")


def check_map_path(path: str | Path) -> Path:
    """Check ``path`` can take an interactive map (an ``.html`` file, not a folder) before anything is written.

    Parameters
    ----------
    path
        Where the map goes.

    Returns
    -------
    pathlib.Path
        ``path`` as a ``Path``.

    Raises
    ------
    CorridorError
        One line naming the path and what is valid.
    """
    return check_output_path(path, MAP_SUFFIXES, what="HTML file")


def write_map(content: MapContent, path: str | Path, *, tiles: str | None = None, offline: bool = True, fit: str = "auto") -> Path:
    """Write ``content`` as an interactive HTML map, atomically.

    Parameters
    ----------
    content
        From :func:`map_content`.
    path
        The ``.html`` file to write (folders are created).
    tiles, offline, fit
        As for :func:`folium_map`.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    CorridorError
        When ``path`` is a folder or not ``.html``, or ``tiles`` or ``fit`` is unknown (nothing is written).
    """
    target = check_map_path(path)
    page = folium_map(content, tiles=tiles, offline=offline, fit=fit).get_root().render()
    write_text_atomic(target, page)
    return target


def write_overview_map(
    network: Network,
    path: str | Path = MAPS_DIR / "corridor.html",
    *,
    year: int | None = None,
    profile: str = "freight",
    tiles: str | None = None,
    offline: bool = True,
) -> Path:
    """The main job's map: the network, hubs ranked by betweenness, and the key routes.

    Parameters
    ----------
    network
        The network (the built-in corridor in ``corridor overview``).
    path
        The ``.html`` file to write.
    year
        The network as of this year (``None``: open today).
    profile
        Profile of the routes and the ranking.
    tiles, offline
        As for :func:`folium_map`.

    Returns
    -------
    Path
        ``path``. Key routes with an unknown hub or no route are left out.
    """
    data = map_data(network, pairs=KEY_PAIRS, k=1, year=year, profile=profile, skip_missing=True)
    return write_map(map_content_from(data), path, tiles=tiles, offline=offline)


def scenario_diff(applied: AppliedScenario, base: Network, *, savings: pd.DataFrame | None = None) -> ScenarioDiff:
    """The map's view of an applied scenario (:func:`corridor.scenario.apply_scenario`).

    New links and links entering service (against the baseline year) are
    highlighted; removed and closed links, and links leaving service, are
    greyed; other changed links are marked changed.

    Parameters
    ----------
    applied
        A :class:`corridor.scenario.AppliedScenario`.
    base
        The network the scenario was applied to (the removed links' geometry).
    savings
        OD time savings (see :class:`ScenarioDiff`), or ``None``.

    Returns
    -------
    ScenarioDiff
        The scenario's name, ``base`` and the link ids by how they are drawn.
    """
    added = frozenset(applied.added_links) | frozenset(applied.entering_service)
    removed = frozenset(applied.removed_links) | frozenset(applied.closed_links) | frozenset(applied.leaving_service)
    changed = frozenset(applied.changed_links) - added - removed
    return ScenarioDiff(name=applied.scenario.name, base=base, added=added, removed=removed, changed=changed, savings=savings)


def map_content_from(data: MapData) -> MapContent:
    """The content of a map of :func:`corridor.mapdata.map_data`'s results (see :func:`map_content`).

    Parameters
    ----------
    data
        The analyses to draw: network, year, profile, ranking, routes, and a
        scenario with its savings.

    Returns
    -------
    MapContent
        As :func:`map_content` gives it.
    """
    diff = None if data.applied is None else scenario_diff(data.applied, data.base, savings=data.savings)
    return map_content(
        data.network,
        year=data.year,
        profile=data.profile,
        ranking=data.ranking,
        measure=data.measure,
        routes=data.routes,
        diff=diff,
    )


def build_content(network: Network, **options: Any) -> MapContent:
    """Everything ``corridor map`` draws, from its options: :func:`corridor.mapdata.map_data` drawn by :func:`map_content_from`.

    Parameters
    ----------
    network
        The network (with a scenario: the baseline it changes).
    **options
        ``pairs``, ``k``, ``by``, ``scenario``, ``measure``, ``year``,
        ``profile`` and ``params`` of :func:`corridor.mapdata.map_data`.

    Returns
    -------
    MapContent
        What the map and its static figure draw.
    """
    return map_content_from(map_data(network, **options))
