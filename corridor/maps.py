"""Interactive route maps: the network, hub centrality, routes and scenarios in folium.

A map is built in two steps so the interactive map and the static figure
(:mod:`corridor.figures`) show the same thing:

1. :func:`map_content` gathers what to draw into a :class:`MapContent`: the
   links as of a year (each with its layer, style and popup fields), the hubs
   with their centrality rank, requested routes and a scenario diff.
2. :func:`folium_map` draws it (one Leaflet path per link, one circle marker
   per hub, a layer per mode, a legend and a layer control);
   :func:`write_map` writes the HTML file atomically.

Every piece of user-supplied text (hub and link names, sources, route and
scenario labels) is HTML-escaped before it reaches the page, and also made
safe inside the JavaScript template literals folium wraps popups and tooltips in.

The page loads only Leaflet and jQuery (folium's popups parse their HTML with
jQuery), at the versions folium's own template references; see
:func:`page_dependencies`. An offline map (``offline=True``, the default
without base tiles) carries them inline, from the copies shipped in
``corridor/static/`` (see :func:`inline_dependencies`), so it needs no network.
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
from typing import Any

import folium
import geopandas as gpd
import networkx as nx
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from corridor import schema
from corridor._errors import CorridorError
from corridor._io import check_output_path, write_text_atomic
from corridor.network import Network
from corridor.routing import Route
from corridor.settings import JUNCTION, MAPS_DIR, MODE_LABELS, MODES

#: Profile of a map when neither the caller nor its scenario names one.
DEFAULT_PROFILE = "freight"

#: Layer of links whose hubs are in different countries (drawn apart from their mode).
CROSS_BORDER = "cross_border"

#: Map layers of links, in legend order.
LAYERS: tuple[str, ...] = (*MODES, CROSS_BORDER)

#: Readable layer names.
LAYER_LABELS: dict[str, str] = {**MODE_LABELS, CROSS_BORDER: "Cross-border"}

#: Line colour of each layer.
LAYER_COLOURS: dict[str, str] = {
    "hsr": "#d62728",
    "rail": "#1f4e9c",
    "expressway": "#e67e22",
    "waterway": "#2a9fd6",
    "sea": "#137c8b",
    CROSS_BORDER: "#7b3294",
}

#: Line width (pixels) of each layer.
LAYER_WEIGHTS: dict[str, float] = {"hsr": 3.5, "rail": 3.0, "expressway": 2.5, "waterway": 2.5, "sea": 2.0, CROSS_BORDER: 3.0}

#: Dash pattern of links not in service in the map's year (under construction, planned).
DASH = "8 6"

#: Styles of routes and scenario changes.
ROUTE_COLOUR = "#e7298a"
ALTERNATIVE_COLOUR = "#f4a6cf"
ADDED_COLOUR = "#1a9850"
CHANGED_COLOUR = "#f39c12"
REMOVED_COLOUR = "#9e9e9e"

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

#: Background of a map drawn without base tiles.
PLAIN_BACKGROUND = "#e8eef3"

#: How many hubs may get a permanent label (in rank order; labels that would overlap are hidden).
MAIN_HUBS = 25

#: How many OD pairs the scenario panel lists.
TOP_SAVINGS = 10

#: Copies of Leaflet and jQuery (with their licences) that offline maps inline.
STATIC_DIR = Path(__file__).parent / "static"


@dataclass
class MapRoute:
    """Routes between one origin and destination: the best first, then alternatives.

    Attributes
    ----------
    label
        Shown in the layer control and the popups ("Chongqing → Singapore").
    routes
        From :func:`corridor.routing.find_routes`, best first.
    hub_names
        Hub id to display name, for the popups.
    """

    label: str
    routes: list[Route]
    hub_names: dict[str, str] = field(default_factory=dict)


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
        ``layer`` (a mode or ``cross_border``), ``from_hub``, ``to_hub``,
        ``from_name``, ``to_name``, ``length_km``, ``speed_kmh``, ``status``,
        ``year`` (opened or expected, or ``None``), ``source``,
        ``in_service`` (in the map's year), ``dashed``, ``diff`` (``""``,
        ``"added"``, ``"changed"`` or ``"removed"``), ``colour``, ``weight``
        and line ``geometry``.
    hubs
        One row per hub, indexed by hub id: ``name``, ``name_zh``, ``kind``,
        ``city``, ``country``, ``rank`` and ``score`` (``NaN`` without a
        ranking), ``radius`` (pixels), ``colour``, ``main`` (labelled) and
        point ``geometry``.
    routes
        Requested routes.
    diff
        A scenario's changes, or ``None``.
    measure
        The centrality measure of ``rank`` and ``score``, or ``None``.
    year, profile
        The network's year (``None``: open today) and the routes' profile.
    """

    title: str
    links: gpd.GeoDataFrame
    hubs: gpd.GeoDataFrame
    routes: list[MapRoute] = field(default_factory=list)
    diff: ScenarioDiff | None = None
    measure: str | None = None
    year: int | None = None
    profile: str = "freight"

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of every hub, link and route drawn."""
        frames = [self.hubs.geometry, self.links.geometry]
        frames += [gpd.GeoSeries([r.geometry for r in group.routes], crs=self.hubs.crs) for group in self.routes]
        boxes = [f.total_bounds for f in frames if len(f)]
        if not boxes:
            return (73.0, 18.0, 135.0, 54.0)
        west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
        east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
        return (west, south, east, north)

    def main_hubs(self, n: int = MAIN_HUBS) -> list[str]:
        """Hub ids worth a permanent label: the top ``n`` by rank, else the cities."""
        hubs = self.hubs
        if hubs["rank"].notna().any():
            return list(hubs[hubs["rank"].notna()].sort_values(["rank", "name"]).index[:n])
        cities = hubs[hubs["kind"] == "city"]
        return list((cities if len(cities) else hubs).index[:n])


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
    """
    hubs = _hub_frame(network, ranking)
    links = _link_frame(network, year=year, diff=diff)
    if diff is not None and diff.removed:
        removed = _link_frame(diff.base, year=year, diff=diff, only=diff.removed)
        links = pd.concat([links, removed[~removed.index.isin(links.index)]])
    content = MapContent(
        title=title or _default_title(network, year=year, diff=diff),
        links=gpd.GeoDataFrame(links, geometry="geometry", crs=network.links.crs or network.hubs.crs),
        hubs=hubs,
        routes=list(routes),
        diff=diff,
        measure=measure if ranking is not None else None,
        year=year,
        profile=profile,
    )
    main = set(content.main_hubs())
    content.hubs["main"] = [hub in main for hub in content.hubs.index]
    return content


def map_routes(
    graph: nx.MultiDiGraph,
    pairs: Iterable[tuple[str, str]],
    *,
    k: int = 3,
    by: str = "time",
    skip_missing: bool = False,
) -> list[MapRoute]:
    """Find the routes to highlight: for each pair the best route and up to ``k - 1`` alternatives.

    Parameters
    ----------
    graph
        A corridor graph (its profile and year apply).
    pairs
        ``(origin, destination)`` hub names as a person types them.
    k, by
        As for :func:`corridor.routing.find_routes`.
    skip_missing
        Leave out pairs with an unknown hub or no route (for the overview map)
        instead of raising.
    """
    from corridor.graph import hub_node
    from corridor.routing import find_routes

    found: list[MapRoute] = []
    for origin, destination in pairs:
        try:
            routes = find_routes(graph, origin, destination, by=by, k=k)
        except CorridorError:
            if skip_missing:
                continue
            raise
        names = {hub: graph.nodes[hub_node(graph, hub)]["name"] for route in routes for hub in route.hubs}
        first = routes[0]
        label = f"{names[first.hubs[0]]} → {names[first.hubs[-1]]}"
        found.append(MapRoute(label=label, routes=routes, hub_names=names))
    return found


def _default_title(network: Network, *, year: int | None, diff: ScenarioDiff | None) -> str:
    if diff is not None:
        network = diff.base
    title = "Western land-sea corridor" if network.source == "built-in" else f"Corridor network ({Path(network.source).name})"
    title += f", {year}" if year is not None else ", open today"
    if diff is not None:
        title += f": scenario {diff.name}"
    return title


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _date_or_none(value: Any) -> int | str | None:
    """A date field as a year (``2018``) or its text (``"2023-08"``), or ``None``."""
    if _missing(value):
        return None
    return int(value) if isinstance(value, int | float) else str(value)


def _hub_frame(network: Network, ranking: pd.DataFrame | None) -> gpd.GeoDataFrame:
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
        geometry=hubs.geometry.values,
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
        frame["radius"] = [low if _missing(s) else low + (high - low) * math.sqrt(max(s, 0.0)) for s in share]
        frame["colour"] = ["#bbbbbb" if _missing(s) else centrality_colour(s) for s in share]
    else:
        frame["radius"] = 6.0
        frame["colour"] = [KIND_COLOURS.get(kind, "#444444") for kind in frame["kind"]]
    return frame


def centrality_colour(share: float) -> str:
    """Hex colour of a centrality score as a share (0 to 1) of the largest score."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    low, high = CENTRALITY_RANGE
    return to_hex(colormaps[CENTRALITY_CMAP](low + (high - low) * min(max(share, 0.0), 1.0)))


def _link_frame(
    network: Network, *, year: int | None, diff: ScenarioDiff | None, only: Iterable[str] | None = None
) -> gpd.GeoDataFrame:
    links = network.links if only is None else network.links[network.links.index.isin(list(only))]
    hubs = network.hubs
    country = hubs["country"].fillna("").to_dict()
    junctions = set(hubs.index[hubs["kind"] == JUNCTION])  # no country: a link to one crosses no border
    names = hubs["name"].to_dict()
    hub_open = {hub: schema.hub_open(record, year) for hub, record in hubs[["opened"]].to_dict("index").items()}
    rows = []
    for link_id, link in links.iterrows():
        opened, expected = _date_or_none(link["opened"]), _date_or_none(link["expected"])
        status = str(link["status"])
        a, b = link["from_hub"], link["to_hub"]
        in_service = schema.in_service(link, year) and hub_open[a] and hub_open[b]
        cross = country.get(a, "") != country.get(b, "") and a not in junctions and b not in junctions
        layer = CROSS_BORDER if cross else str(link["mode"])
        change = ""
        if diff is not None:
            if only is not None or link_id in diff.removed:
                change = "removed"
            elif link_id in diff.added:
                change = "added"
            elif link_id in diff.changed:
                change = "changed"
        operating = link.get("operating_speed_kmh")
        speed = float(link["speed_kmh"]) if _missing(operating) else float(operating)
        colour = {"added": ADDED_COLOUR, "changed": CHANGED_COLOUR, "removed": REMOVED_COLOUR}.get(change, LAYER_COLOURS[layer])
        weight = LAYER_WEIGHTS[layer] + (2.5 if change in ("added", "changed") else 0.0)
        rows.append(
            {
                "id": link_id,
                "name": str(link["name"] or link_id),
                "name_zh": str(link.get("name_zh") or ""),
                "mode": str(link["mode"]),
                "layer": layer,
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
                "geometry": link.geometry,
            }
        )
    columns = ["id", "name", "name_zh", "mode", "layer", "from_hub", "to_hub", "from_name", "to_name", "countries", "length_km",
               "speed_kmh", "status", "opened", "expected", "year", "source", "freight", "passenger", "in_service", "dashed",
               "diff", "colour", "weight", "geometry"]  # fmt: skip
    frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry="geometry", crs=network.links.crs)
    frame.index = frame["id"].to_list()
    return frame


# -- escaping ------------------------------------------------------------------------------------


def escape(value: Any) -> str:
    """HTML-escape user text for a popup, tooltip or panel.

    Besides ``& < > " '`` it escapes the characters that would end or
    interpolate the JavaScript template literals folium wraps popup and
    tooltip HTML in (backquote, ``$``, backslash), so any name shows as text.
    """
    text = html.escape("" if _missing(value) else str(value), quote=True)
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
    """
    from folium import folium as folium_module

    keep_js = {"leaflet", "jquery"}
    keep_css = {"leaflet_css"}
    js = [(name, url) for name, url in folium_module._default_js if name in keep_js]
    css = [(name, url) for name, url in folium_module._default_css if name in keep_css]
    return js, css


class _CorridorMap(folium.Map):
    """A folium map that loads only the dependencies of :func:`page_dependencies`."""

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


def static_file(name: str, url: str) -> Path:
    """The copy in ``corridor/static/`` of the dependency ``name`` at the version in ``url``.

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


def inline_dependencies() -> str:
    """Leaflet's JavaScript and CSS and jQuery, from ``corridor/static/``, as ``<script>`` and ``<style>`` elements.

    The same files and versions :func:`page_dependencies` links to. Source map
    comments are dropped, the images ``leaflet.css`` names become data URIs,
    and ``</script``/``</style`` inside the code is escaped, so the page asks
    for nothing over the network.
    """
    js, css = page_dependencies()
    parts = []
    for name, url in js:
        code = static_file(name, url).read_text(encoding="utf-8")
        code = re.sub(r"^//# sourceMappingURL=.*$", "", code, flags=re.MULTILINE)
        code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)
        parts.append(f"<script>/* {name}: {url} */\n{code}\n</script>")
    for name, url in css:
        path = static_file(name, url)
        code = path.read_text(encoding="utf-8")

        def data_uri(match: re.Match[str], stem: str = path.stem) -> str:
            image = STATIC_DIR / f"{stem}-{match[1]}"
            if not image.is_file():
                return match[0]
            return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"

        code = re.sub(r"url\(images/([A-Za-z0-9_-]+\.png)\)", data_uri, code)
        code = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", code)
        code = re.sub(r"</(style)", r"<\\/\1", code, flags=re.IGNORECASE)
        parts.append(f"<style>/* {name}: {url} */\n{code}\n</style>")
    return "\n".join(parts)


class _Declutter(MacroElement):
    """Hide hub labels that would overlap a label of a higher-ranked hub; again after every zoom."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (map) {
                function declutter() {
                    var labels = Array.from(document.querySelectorAll(".corridor-label"));
                    labels.sort(function (a, b) {
                        var ta = a.querySelector("[data-order]"), tb = b.querySelector("[data-order]");
                        return (ta ? +ta.dataset.order : 1e9) - (tb ? +tb.dataset.order : 1e9);
                    });
                    var kept = [];
                    labels.forEach(function (label) {
                        label.style.visibility = "";
                        var box = label.getBoundingClientRect();
                        var clash = kept.some(function (other) {
                            return box.left < other.right + 2 && box.right > other.left - 2 &&
                                   box.top < other.bottom + 1 && box.bottom > other.top - 1;
                        });
                        if (clash) { label.style.visibility = "hidden"; } else { kept.push(box); }
                    });
                }
                map.on("zoomend moveend overlayadd overlayremove", declutter);
                map.whenReady(function () { setTimeout(declutter, 0); });
            })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


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
        # JSON string literal, safe inside a <script> element.
        self.html_json = json.dumps(body).replace("</", "<\\/")


_STYLE = """
<style>
  .leaflet-container {{ font: 12px/1.4 "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif; }}
  .leaflet-control-layers {{ font-size: 12px; }}
  .leaflet-control-layers-overlays label {{ margin: 1px 0; }}
  .corridor-control {{ background: rgba(255,255,255,0.93); padding: 6px 9px; border-radius: 5px;
    box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 12px/1.35 "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif; color: #222; }}
  .corridor-title {{ font-size: 15px; font-weight: 600; }}
  .corridor-title small {{ display: block; font-size: 11px; font-weight: 400; color: #555; }}
  .corridor-legend .row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; white-space: nowrap; }}
  .corridor-legend h4, .corridor-savings h4 {{ margin: 5px 0 3px; font-size: 12px; }}
  .corridor-legend svg {{ flex: none; }}
  .corridor-legend .ramp {{ width: 110px; height: 10px; border: 1px solid #888; }}
  .corridor-savings table, .corridor-popup table {{ border-collapse: collapse; }}
  .corridor-savings td, .corridor-savings th, .corridor-popup td, .corridor-popup th {{ padding: 1px 5px; text-align: left; vertical-align: top; }}
  .corridor-savings td.num, .corridor-popup td.num {{ text-align: right; }}
  .corridor-popup {{ font: 12px/1.4 "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif; }}
  .corridor-popup h3 {{ margin: 0 0 4px; font-size: 14px; }}
  .corridor-popup th {{ color: #555; font-weight: 400; }}
  .corridor-label {{ background: rgba(255,255,255,0.8); border: none; box-shadow: none; padding: 0 3px;
    font: 600 11px Arial, "Noto Sans CJK SC", sans-serif; color: #222; }}
  .corridor-label::before {{ display: none; }}
  {background}
</style>
"""


def folium_map(
    content: MapContent, *, tiles: bool | str | None = True, offline: bool | None = None, width: str = "100%", height: str = "100%"
) -> folium.Map:
    """Draw ``content`` as a folium map.

    Parameters
    ----------
    content
        From :func:`map_content`.
    tiles
        ``True`` for OpenStreetMap base tiles, a folium tile name or URL
        template, or ``None``/``False`` for no tiles (a plain background).
    offline
        Put Leaflet and jQuery in the page (:func:`inline_dependencies`, about
        250 kB) instead of linking to them on a CDN. Default: offline when
        there are no tiles, so a map without tiles needs no network at all.
    width, height
        Size of the map in the page.

    Returns
    -------
    folium.Map
        Layers: one per link layer present (modes and cross-border), the
        scenario's changes, each route pair, and the hubs; a layer control,
        a legend and a title. Leaflet paths carry CSS classes
        ``corridor-link`` (with ``layer-<layer>`` and ``link-<id>``),
        ``corridor-hub`` (with ``hub-<id>``) and ``corridor-route``.
    """
    west, south, east, north = content.bounds
    tile_layer = "OpenStreetMap" if tiles is True else (tiles or None)
    if offline is None:
        offline = not tile_layer
    fmap = (_OfflineCorridorMap if offline else _CorridorMap)(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=5,
        tiles=None,
        width=width,
        height=height,
        control_scale=True,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    if tile_layer:
        name = "OpenStreetMap" if tile_layer == "OpenStreetMap" else "Base map"
        folium.TileLayer(tile_layer, name=name, attr=None if tile_layer == "OpenStreetMap" else "base tiles").add_to(fmap)
    background = "" if tile_layer else f".leaflet-container {{ background: {PLAIN_BACKGROUND}; }}"
    fmap.get_root().header.add_child(Element(_STYLE.format(background=background)), name="corridor_style")
    if offline:
        # Where the links would be (after the corridor style), so the cascade is the same either way.
        fmap.get_root().header.add_child(_Raw(inline_dependencies()), name="corridor_inline_dependencies")

    links = content.links
    groups: dict[str, folium.FeatureGroup] = {}
    for layer in LAYERS:
        subset = links[(links["layer"] == layer) & (links["diff"] == "")]
        if subset.empty:
            continue
        group = groups[layer] = folium.FeatureGroup(name=_swatch_label(layer), show=True)
        for link_id, link in subset.iterrows():
            _add_link(group, link_id, link, content)
        group.add_to(fmap)
    changes = links[links["diff"] != ""]
    if not changes.empty and content.diff is not None:
        group = folium.FeatureGroup(name=f"Scenario {escape(content.diff.name)}: changes", show=True)
        for link_id, link in changes.sort_values("diff", ascending=False).iterrows():
            _add_link(group, link_id, link, content)
        group.add_to(fmap)
    for pair in content.routes:
        _add_routes(fmap, pair)
    hubs_group = folium.FeatureGroup(name="Hubs", show=True)
    label_order = {hub: i for i, hub in enumerate(content.main_hubs())}
    for hub_id, hub in content.hubs.sort_values("radius", ascending=False).iterrows():
        _add_hub(hubs_group, hub_id, hub, content, label_order.get(hub_id))
    hubs_group.add_to(fmap)
    fmap.keep_in_front(hubs_group)

    _Declutter().add_to(fmap)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    _Control(_title_html(content), position="topleft", css_class="corridor-title").add_to(fmap)
    _Control(_legend_html(content), position="bottomleft", css_class="corridor-legend").add_to(fmap)
    if content.diff is not None and content.diff.savings is not None and len(content.diff.savings):
        _Control(_savings_html(content), position="bottomright", css_class="corridor-savings").add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]], padding=(20, 20))
    return fmap


def _swatch_label(layer: str) -> str:
    colour = LAYER_COLOURS[layer]
    return f'<span style="color:{colour}">&#9644;</span> {escape(LAYER_LABELS[layer])}'


def _latlon(geometry) -> list[list[float]]:
    return [[y, x] for x, y, *_ in geometry.coords]


def _add_link(group: folium.FeatureGroup, link_id: str, link: pd.Series, content: MapContent) -> None:
    classes = f"corridor-link layer-{link['layer']} link-{_css_token(link_id)}"
    if link["diff"]:
        classes += f" diff-{link['diff']}"
    if link["dashed"]:
        classes += " not-in-service"
    options = {
        "color": link["colour"],
        "weight": link["weight"],
        "opacity": 0.55 if link["diff"] == "removed" else 0.9,
        "className": classes,
    }
    if link["dashed"]:
        options["dash_array"] = DASH
    geometries = getattr(link.geometry, "geoms", [link.geometry])
    locations = [_latlon(g) for g in geometries]
    folium.PolyLine(
        locations if len(locations) > 1 else locations[0],
        popup=folium.Popup(_link_popup(link_id, link, content), max_width=360),
        tooltip=folium.Tooltip(escape(link["name"])),
        **options,
    ).add_to(group)


def _status_text(link: pd.Series, year: int | None) -> str:
    status = str(link["status"]).replace("_", " ")
    if link["status"] != "open" and link["expected"] is not None:
        status += f", expected {link['expected']}"
    if year is not None and not link["in_service"]:
        status += f" (not in service in {year})"
    return status


def _link_popup(link_id: str, link: pd.Series, content: MapContent) -> str:
    name = escape(link["name"]) + (f" <span>{escape(link['name_zh'])}</span>" if link["name_zh"] else "")
    rows = [
        ("Mode", escape(MODE_LABELS.get(link["mode"], link["mode"]))
         + (f" (cross-border, {escape(link['countries'])})" if link["layer"] == CROSS_BORDER else "")),
        ("From", escape(link["from_name"])),
        ("To", escape(link["to_name"])),
        ("Length", f"{link['length_km']:,.0f} km"),
        ("Speed", f"{link['speed_kmh']:,.0f} km/h"),
        ("Status", escape(_status_text(link, content.year))),
        ("Year", "" if link["year"] is None else str(link["year"])),
        ("Carries", ", ".join(p for p in ("freight", "passenger") if link[p]) or "nothing"),
        ("Source", escape(link["source"])),
        ("Link id", escape(link_id)),
    ]  # fmt: skip
    if link["diff"]:
        rows.insert(0, ("Scenario", f"<b>{escape(link['diff'])}</b>"))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<div class="corridor-popup"><h3>{name}</h3><table>{body}</table></div>'


def _add_hub(group: folium.FeatureGroup, hub_id: str, hub: pd.Series, content: MapContent, label_order: int | None) -> None:
    marker = folium.CircleMarker(
        location=[hub.geometry.y, hub.geometry.x],
        radius=float(hub["radius"]),
        color="#333333",
        weight=1,
        fill=True,
        fill_color=hub["colour"],
        fill_opacity=0.95,
        className=f"corridor-hub hub-{_css_token(hub_id)}",
        popup=folium.Popup(_hub_popup(hub_id, hub, content), max_width=320),
    )
    if label_order is not None:
        text = f'<span class="corridor-label-text" data-order="{label_order}">{escape(hub["name"])}</span>'
        marker.add_child(folium.Tooltip(text, sticky=False, permanent=True, direction="right", offset=[4, 0], class_name="corridor-label"))
    else:
        marker.add_child(folium.Tooltip(escape(hub["name"])))
    marker.add_to(group)


def _hub_popup(hub_id: str, hub: pd.Series, content: MapContent) -> str:
    name = escape(hub["name"]) + (f" <span>{escape(hub['name_zh'])}</span>" if hub["name_zh"] else "")
    rows = [("Kind", escape(str(hub["kind"]).replace("_", " "))), ("City", escape(hub["city"])), ("Country", escape(hub["country"]))]
    if content.measure is not None:
        ranked = not _missing(hub["rank"])
        of = int(content.hubs["rank"].notna().sum())
        city_rank = hub.get("city_rank")
        if ranked:
            rows.append(("Rank", f"{int(hub['rank'])} of {of}"))
        elif not _missing(city_rank):
            city = content.hubs.at[hub["city"], "name"]
            rows.append(("Rank", f"part of {escape(city)} (rank {int(city_rank)} of {of})"))
        else:
            rows.append(("Rank", "not ranked"))
        if ranked:
            rows.append((escape(content.measure.replace("_", " ").capitalize()), f"{hub['score']:.4g}"))
    if not schema.hub_open(hub, content.year):
        rows.append(("Opens", str(hub["opened"])))
    rows.append(("Hub id", escape(hub_id)))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<div class="corridor-popup"><h3>{name}</h3><table>{body}</table></div>'


def _add_routes(fmap: folium.Map, pair: MapRoute) -> None:
    group = folium.FeatureGroup(name=f'<span style="color:{ROUTE_COLOUR}">&#9644;</span> Route: {escape(pair.label)}', show=True)
    # Alternatives first so the best route is drawn on top of them.
    for rank in range(len(pair.routes) - 1, -1, -1):
        route = pair.routes[rank]
        best = rank == 0
        folium.PolyLine(
            _latlon(route.geometry),
            color=ROUTE_COLOUR if best else ALTERNATIVE_COLOUR,
            weight=6 if best else 5,
            opacity=0.85 if best else 0.75,
            className=f"corridor-route route-rank-{rank + 1}",
            popup=folium.Popup(_route_popup(pair, route, rank), max_width=460),
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


def _line_svg(colour: str, *, dashed: bool = False, weight: float = 3.0, opacity: float = 1.0) -> str:
    dash = f' stroke-dasharray="{DASH}"' if dashed else ""
    return (
        f'<svg width="34" height="10"><line x1="1" y1="5" x2="33" y2="5" stroke="{colour}" stroke-width="{weight}"'
        f' stroke-opacity="{opacity}"{dash}/></svg>'
    )


def _dot_svg(colour: str, radius: float = 5.0) -> str:
    return f'<svg width="34" height="14"><circle cx="17" cy="7" r="{radius}" fill="{colour}" stroke="#333" stroke-width="1"/></svg>'


def legend_entries(content: MapContent) -> list[tuple[str, dict[str, Any]]]:
    """Legend rows as ``(label, style)``: style has ``kind`` (``line`` or ``dot``), ``colour`` and options.

    Shared by the interactive map and the static figure, so both explain the same symbols.
    """
    links = content.links
    entries: list[tuple[str, dict[str, Any]]] = []
    present = [layer for layer in LAYERS if ((links["layer"] == layer) & (links["diff"] == "")).any()]
    for layer in present:
        entries.append((LAYER_LABELS[layer], {"kind": "line", "colour": LAYER_COLOURS[layer], "weight": LAYER_WEIGHTS[layer]}))
    if links["dashed"].any():
        when = f"in {content.year}" if content.year is not None else "today"
        entries.append((f"Not in service {when} (under construction, planned)", {"kind": "line", "colour": "#555555", "dashed": True}))
    if content.routes:
        entries.append(("Requested route (best)", {"kind": "line", "colour": ROUTE_COLOUR, "weight": 6}))
        if any(len(p.routes) > 1 for p in content.routes):
            entries.append(("Alternative route", {"kind": "line", "colour": ALTERNATIVE_COLOUR, "weight": 5}))
    if content.diff is not None:
        for change, colour, label in (("added", ADDED_COLOUR, "New in scenario"), ("changed", CHANGED_COLOUR, "Changed by scenario"),
                                      ("removed", REMOVED_COLOUR, "Removed by scenario")):  # fmt: skip
            if (links["diff"] == change).any():
                entries.append((label, {"kind": "line", "colour": colour, "weight": 5, "dashed": change == "removed"}))
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
            _line_svg(style["colour"], dashed=style.get("dashed", False), weight=style.get("weight", 3.0))
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
    """The ``n`` largest OD time savings of a scenario, as rows with names and hours."""
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
    """A time saving in words, so its sign cannot be misread: ``saves 3.3 h``, ``0.4 h slower``, ``no change``."""
    if _missing(hours):
        return ""
    value = float(hours)
    if math.isinf(value):
        return "newly connected" if value > 0 else "connection lost"
    if round(value, 1) == 0:
        return "no change"
    return f"saves {value:,.1f} h" if value > 0 else f"{-value:,.1f} h slower"


def _hours(value: Any) -> str:
    if _missing(value):
        return ""
    return "unreachable" if math.isinf(float(value)) else f"{float(value):,.1f}"


def _savings_html(content: MapContent) -> str:
    diff = content.diff
    assert diff is not None
    rows = savings_rows(diff, content.hubs["name"].to_dict())
    body = "".join(
        f"<tr><td>{escape(r['origin'])} → {escape(r['destination'])}</td><td class='num'>{_hours(r['base_h'])}</td>"
        f"<td class='num'>{_hours(r['scenario_h'])}</td><td class='num'><b>{saving_text(r['saved_h'])}</b></td></tr>"
        for r in rows
    )
    return (
        f"<h4>Scenario {escape(diff.name)}: largest time savings ({escape(content.profile)}, door to door)</h4>"
        f"<table><tr><th>Origin → destination</th><th>Before (h)</th><th>After (h)</th><th>Change</th></tr>{body}</table>"
    )


# -- writing -------------------------------------------------------------------------------------------


#: Suffixes of an interactive map file.
MAP_SUFFIXES: tuple[str, ...] = (".html", ".htm")


def check_map_path(path: str | Path) -> Path:
    """Check ``path`` can take an interactive map (an ``.html`` file, not a folder) before anything is written.

    Raises
    ------
    CorridorError
        One line naming the path and what is valid.
    """
    return check_output_path(path, MAP_SUFFIXES, what="HTML file")


def write_map(content: MapContent, path: str | Path, *, tiles: bool | str | None = True, offline: bool | None = None) -> Path:
    """Write ``content`` as an interactive HTML map, atomically.

    Parameters
    ----------
    content
        From :func:`map_content`.
    path
        The ``.html`` file to write (folders are created).
    tiles, offline
        As for :func:`folium_map`.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    CorridorError
        When ``path`` is a folder or not ``.html`` (nothing is written).
    """
    target = check_map_path(path)
    page = folium_map(content, tiles=tiles, offline=offline).get_root().render()
    write_text_atomic(target, page)
    return target


def write_overview_map(
    network: Network,
    path: str | Path = MAPS_DIR / "corridor.html",
    *,
    year: int | None = None,
    profile: str = "freight",
    tiles: bool | str | None = True,
    offline: bool | None = None,
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
    from corridor.graph import graph_from_network
    from corridor.overview import KEY_PAIRS

    graph = graph_from_network(network, profile=profile, year=year)
    ranking, measure = hub_ranking_or_none(graph, "betweenness")
    routes = map_routes(graph, KEY_PAIRS, k=1, skip_missing=True)
    content = map_content(network, year=year, profile=profile, ranking=ranking, measure=measure, routes=routes)
    return write_map(content, path, tiles=tiles, offline=offline)


def scenario_diff(applied: Any, base: Network, *, savings: pd.DataFrame | None = None) -> ScenarioDiff:
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
    """
    added = frozenset(applied.added_links) | frozenset(applied.entering_service)
    removed = frozenset(applied.removed_links) | frozenset(applied.closed_links) | frozenset(applied.leaving_service)
    changed = frozenset(applied.changed_links) - added - removed
    return ScenarioDiff(name=applied.scenario.name, base=base, added=added, removed=removed, changed=changed, savings=savings)


def build_content(
    network: Network,
    *,
    pairs: Sequence[tuple[str, str]] = (),
    k: int = 3,
    by: str = "time",
    scenario: str | Path | None = None,
    measure: str | None = "betweenness",
    year: int | None = None,
    profile: str | None = None,
    params: Any = None,
) -> MapContent:
    """Everything ``corridor map`` draws, from its options.

    Parameters
    ----------
    network
        The network (with ``scenario``: the baseline it changes).
    pairs
        ``(origin, destination)`` hub names whose routes are highlighted.
    k, by
        Routes per pair (the best and ``k - 1`` alternatives) and their criterion.
    scenario
        A scenario file (or built-in scenario name) whose changes are drawn.
    measure
        Centrality measure of the hub markers (``None`` or ``"none"``: by kind).
    year
        The network as of this year (default: the scenario's year, else open today).
    profile
        ``"freight"`` or ``"passenger"``: routes, ranking and the scenario's
        savings (default: the scenario's ``profile``, else ``"freight"``).
    params
        A :class:`corridor.params.ModelParams` (a scenario's overrides apply on top).
    """
    from corridor.graph import graph_from_network

    diff = None
    drawn = network
    if scenario is not None:
        from corridor.scenario import apply_scenario, load_scenario

        spec = load_scenario(scenario)
        profile = profile or spec.profile or DEFAULT_PROFILE
        applied = apply_scenario(network, spec, params=params)
        savings = scenario_savings(network, applied, profile=profile, params=params)
        diff = scenario_diff(applied, network, savings=savings)
        drawn, params = applied.network, applied.params
        year = year if year is not None else applied.year
    profile = profile or DEFAULT_PROFILE
    graph = graph_from_network(drawn, profile=profile, year=year, params=params)
    ranking, measure = hub_ranking_or_none(graph, measure)
    routes = map_routes(graph, pairs, k=k, by=by)
    return map_content(drawn, year=year, profile=profile, ranking=ranking, measure=measure, routes=routes, diff=diff)


def scenario_savings(base: Network, applied: Any, *, profile: str = "freight", params: Any = None) -> pd.DataFrame | None:
    """OD time savings of an applied scenario, largest first, from :func:`corridor.whatif.compare_scenario`.

    The key pairs and the pairs of city hubs that gain most (by demand-weighted
    saving) together, one row per pair: ``origin``, ``destination``,
    ``base_h``, ``scenario_h``, ``saved_h``. ``None`` when ``corridor.whatif``
    is not installed.
    """
    try:
        from corridor.whatif import compare_scenario
    except ImportError:
        return None
    report = compare_scenario(base, applied, profile=profile, params=params)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for row in [*report.get("pairs", []), *report.get("top_gains", [])]:
        saved = row.get("saving_h")
        if saved is None:
            continue
        key = (row["origin"], row["destination"])
        rows.setdefault(key, {"origin": key[0], "destination": key[1], "base_h": row.get("before_h"),
                              "scenario_h": row.get("after_h"), "saved_h": float(saved)})  # fmt: skip
    table = pd.DataFrame(list(rows.values()), columns=["origin", "destination", "base_h", "scenario_h", "saved_h"])
    return table.sort_values("saved_h", ascending=False, kind="stable").reset_index(drop=True)


def hub_ranking_or_none(graph: nx.MultiDiGraph, measure: str | None) -> tuple[pd.DataFrame | None, str | None]:
    """Hub ranking by ``measure`` from ``corridor.centrality``, or ``(None, None)`` when it is not available."""
    if not measure or measure == "none":
        return None, None
    try:
        from corridor.centrality import hub_ranking
    except ImportError:
        return None, None
    return hub_ranking(graph, measure=measure), measure
