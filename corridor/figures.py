"""Static figures of a map for reports: the same content as the interactive map, as PNG, SVG or PDF.

:func:`write_figure` draws a :class:`corridor.maps.MapContent` with
matplotlib (the Agg backend, no display needed) and geopandas: links by
layer (dashed when not in service), routes, a scenario's changes, hubs sized
and coloured by centrality, labels for the main hubs, a legend, a scale bar
and a north arrow, and a scenario's largest time savings beside the map.

The map is drawn in an azimuthal equidistant projection centred on the
data, so the scale bar is true at the centre, over the basemap the
interactive map uses (:mod:`corridor.basemap`: sea, land and coastline,
province outlines, country borders and names) and a light graticule.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import numpy as np
from matplotlib import colormaps, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from pyproj import Transformer
from shapely.geometry import LineString

from corridor import schema
from corridor._io import atomic_path, check_output_path
from corridor.basemap import ATTRIBUTION, BASEMAP_LAYERS, COUNTRY_NAMES, SEA_COLOUR, basemap_frame
from corridor.maps import (
    ALTERNATIVE_COLOUR,
    CENTRALITY_CMAP,
    CENTRALITY_RANGE,
    CROSS_BORDER_OUTLINE,
    LAYER_COLOURS,
    LAYERS,
    ROUTE_COLOUR,
    MapContent,
    change_rows,
    legend_entries,
    saving_text,
    savings_rows,
)

#: Output formats by file suffix.
FORMATS: dict[str, str] = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

#: Dash pattern (matplotlib on-off sequence, in line widths) of links not in service.
DASHES = (0, (3, 2))

#: Scale bar lengths to choose from (km).
SCALE_STEPS_KM = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)

#: Width of the legend panel beside the map (inches).
PANEL_WIDTH_IN = 4.4

#: How many hubs may be labelled (in rank order; labels that would overlap are left out).
MAX_LABELS = 14

_HALO = [patheffects.withStroke(linewidth=3, foreground="white")]


def check_figure_path(path: str | Path) -> tuple[Path, str]:
    """Check ``path`` can take a figure (``.png``, ``.svg`` or ``.pdf``, not a folder) before anything is written.

    Parameters
    ----------
    path
        Where the figure goes.

    Returns
    -------
    tuple
        The path and its format.

    Raises
    ------
    CorridorError
        One line naming the path and what is valid.
    """
    target = check_output_path(path, list(FORMATS), what="figure")
    return target, FORMATS[target.suffix.lower()]


def _hours_text(value: Any) -> str:
    if schema.is_missing(value):
        return "?"
    return "unreachable" if math.isinf(float(value)) else f"{float(value):,.1f}"


def write_figure(content: MapContent, path: str | Path, *, height: float = 10.0, dpi: int = 150, fit: str = "auto") -> Path:
    """Write a static figure of ``content`` (``.png``, ``.svg`` or ``.pdf``), atomically.

    Parameters
    ----------
    content
        From :func:`corridor.maps.map_content` (the same as the interactive map).
    path
        The file to write; its suffix chooses the format.
    height
        Figure height in inches; the width follows from the data's shape.
    dpi
        Resolution of a PNG.
    fit
        ``"auto"``: a scenario's changed links with a margin (else everything); ``"all"``: everything.

    Returns
    -------
    Path
        ``path``.
    """
    target, fmt = check_figure_path(path)
    figure = draw_figure(content, height=height, fit=fit)
    with atomic_path(target) as tmp:
        figure.savefig(tmp, format=fmt, dpi=dpi, facecolor="white")
    return target


def draw_figure(content: MapContent, *, height: float = 10.0, fit: str = "auto") -> Figure:
    """Draw ``content`` on a new matplotlib figure (Agg canvas; no pyplot state), framed as ``fit`` says (see :func:`write_figure`).

    Parameters
    ----------
    content
        What to draw (:func:`corridor.maps.map_content`).
    height
        Height of the figure in inches; its width follows from the map's shape.
    fit
        Framing, as :meth:`corridor.maps.MapContent.view_bounds` takes it.

    Returns
    -------
    matplotlib.figure.Figure
        The map beside a panel of legend and tables.
    """
    west, south, east, north = content.view_bounds(fit)
    crs = f"+proj=aeqd +lat_0={(south + north) / 2:.4f} +lon_0={(west + east) / 2:.4f} +datum=WGS84 +units=m +no_defs"
    links = content.links.to_crs(crs) if len(content.links) else content.links
    hubs = content.hubs.to_crs(crs)
    extent = _extent(gpd.GeoSeries.from_xy([west, east, west, east], [south, south, north, north], crs=content.hubs.crs).to_crs(crs))

    # The map keeps the data's shape: its width follows from the height; the side panel is fixed.
    map_h = height * 0.86
    aspect = (extent[2] - extent[0]) / max(extent[3] - extent[1], 1.0)
    map_w = min(max(map_h * aspect, height * 0.5), height * 1.8)
    panel_w = PANEL_WIDTH_IN
    total_w = 0.25 + map_w + 0.3 + panel_w
    figure = Figure(figsize=(total_w, height))
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.25 / total_w, 0.04, map_w / total_w, 0.86))
    side_left = (0.25 + map_w + 0.3) / total_w
    side = figure.add_axes((side_left, 0.04, panel_w / total_w, 0.86))
    side.set_axis_off()

    ax.set_facecolor(SEA_COLOUR)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    _draw_basemap(ax, crs, (west, south, east, north))
    _graticule(ax, crs, (west, south, east, north))
    _draw_links(ax, links)
    _draw_routes(ax, content, crs)
    _draw_hubs(ax, hubs, content)
    _scale_bar(ax, extent)
    _north_arrow(ax)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])

    figure.text(0.25 / total_w, 0.955, _plain(content.title), fontsize=16, fontweight="bold", va="bottom")
    figure.text(0.25 / total_w, 0.925, _plain(_subtitle(content)), fontsize=10, color="#444444", va="bottom")
    figure.text(0.25 / total_w, 0.012, f"corridor; scale bar true at the map centre (azimuthal equidistant projection). {ATTRIBUTION}",
                fontsize=7, color="#666666")  # fmt: skip
    ax.set_xlabel("")
    ax.set_ylabel("")
    _side_panel(figure, side, content)
    return figure


def _plain(text: Any) -> str:
    """User text as matplotlib shows it literally (``$`` would start mathtext)."""
    return str(text).replace("$", r"\$")


@functools.cache
def _font_family() -> list[str]:
    """DejaVu Sans, falling back to an installed CJK font for Chinese names where one exists."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(name for name in ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei") if name in installed)]


def _shortened(text: str, n: int = 44) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _subtitle(content: MapContent) -> str:
    bits = [f"{content.profile} profile" if content.routes else ""]
    if content.measure:
        bits.append(f"hubs sized and coloured by {content.measure.replace('_', ' ')} centrality")
    bits.append(f"{len(content.links)} links, {len(content.hubs)} hubs")
    return "; ".join(b for b in bits if b)


def _extent(corners: gpd.GeoSeries) -> tuple[float, float, float, float]:
    """The map's extent in projected metres: the view's corners with a margin (a little more on the right, for labels)."""
    x0, y0, x1, y1 = corners.total_bounds
    pad = 0.06 * max(x1 - x0, y1 - y0, 1000.0)
    return (x0 - pad, y0 - pad, x1 + pad * 1.5, y1 + pad)


def _draw_basemap(ax, crs: str, bounds: tuple[float, float, float, float]) -> None:
    """Land, province outlines, country borders and country names, as on the interactive map, clipped near the view."""
    west, south, east, north = bounds
    margin = max(east - west, north - south)
    window = (west - margin, max(south - margin, -85.0), east + margin, min(north + margin, 85.0))
    for layer in BASEMAP_LAYERS:
        frame = basemap_frame(layer.key).clip(window).to_crs(crs)
        if frame.empty:
            continue
        style = {"linestyle": (0, (4, 2)) if layer.dashed else "-", "linewidth": layer.width * 0.6}
        if layer.fill is not None:
            frame.plot(ax=ax, facecolor=layer.fill, edgecolor=layer.stroke, zorder=0.5, **style)
        else:
            frame.plot(ax=ax, color=layer.stroke, zorder=0.7, **style)
    names = basemap_frame(COUNTRY_NAMES).clip((west, south, east, north)).to_crs(crs)
    for name, point in zip(names["name"], names.geometry, strict=True):
        ax.text(point.x, point.y, str(name).upper(), ha="center", va="center", fontsize=8, color="#9a8f7a", zorder=0.8, clip_on=True)


def _graticule(ax, crs: str, bounds: tuple[float, float, float, float]) -> None:
    """Light lines of latitude and longitude, labelled at the map's left and bottom edges."""
    west, south, east, north = bounds
    span = max(east - west, north - south)
    step = next((s for s in (1, 2, 5, 10, 15, 30) if span / s <= 8), 30)
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lons = np.arange(math.floor((west - span) / step) * step, east + span + step, step)
    lats = np.arange(max(math.floor((south - span) / step) * step, -80), min(north + span + step, 85), step)
    style = {"color": "#b8c6d1", "linewidth": 0.4, "alpha": 0.6, "zorder": 0.6}
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for lon in lons:
        xs, ys = to_map.transform(np.full(100, lon), np.linspace(lats[0], lats[-1], 100))
        ax.plot(xs, ys, **style)
        inside = [(x, y) for x, y in zip(xs, ys, strict=True) if x0 <= x <= x1 and y0 <= y <= y1]
        if inside:
            x, _ = min(inside, key=lambda p: p[1])
            if x > x1 - 0.05 * (x1 - x0):
                continue
            ax.annotate(f"{abs(lon):g}°{'E' if lon >= 0 else 'W'}", (x, y0), xytext=(2, 2), textcoords="offset points",
                        fontsize=7, color="#7d8b97", zorder=1)  # fmt: skip
    for lat in lats:
        xs, ys = to_map.transform(np.linspace(lons[0], lons[-1], 200), np.full(200, lat))
        ax.plot(xs, ys, **style)
        inside = [(x, y) for x, y in zip(xs, ys, strict=True) if x0 <= x <= x1 and y0 <= y <= y1]
        if inside:
            _, y = min(inside, key=lambda p: p[0])
            ax.annotate(f"{abs(lat):g}°{'N' if lat >= 0 else 'S'}", (x0, y), xytext=(2, 2), textcoords="offset points",
                        fontsize=7, color="#7d8b97", zorder=1)  # fmt: skip


def _draw_links(ax, links: gpd.GeoDataFrame) -> None:
    """Links by mode (dashed when not in service), cross-border ones over an outline, then a scenario's changes."""
    if links.empty:
        return
    plain = links[links["diff"] == ""]
    crossing = plain[plain["cross_border"]]
    if not crossing.empty:
        crossing.plot(ax=ax, color=CROSS_BORDER_OUTLINE, linewidth=float(crossing["weight"].max()) * 0.55 + 2.0, alpha=0.55, zorder=1.9)
    for mode in LAYERS:
        subset = plain[plain["mode"] == mode]
        for dashed, part in subset.groupby("dashed"):
            part.plot(ax=ax, color=LAYER_COLOURS[mode], linewidth=float(part["weight"].iloc[0]) * 0.55,
                      linestyle=DASHES if dashed else "-", alpha=0.9, zorder=2)  # fmt: skip
    changed = links[links["diff"] != ""]
    for (change, dashed), part in changed.groupby(["diff", "dashed"]):
        part.plot(ax=ax, color=part["colour"].iloc[0], linewidth=float(part["weight"].iloc[0]) * 0.6,
                  linestyle=DASHES if dashed else "-", alpha=0.6 if change == "removed" else 0.95, zorder=3)  # fmt: skip


def _draw_routes(ax, content: MapContent, crs: str) -> None:
    for pair in content.routes:
        lines = gpd.GeoSeries(content.route_lines(pair), crs=content.hubs.crs).to_crs(crs)
        for rank in range(len(lines) - 1, -1, -1):
            best = rank == 0
            line: LineString = lines.iloc[rank]
            xs, ys = line.xy
            ax.plot(xs, ys, color=ROUTE_COLOUR if best else ALTERNATIVE_COLOUR, linewidth=4.0 if best else 3.0,
                    alpha=0.8, solid_capstyle="round", zorder=4 if best else 3.5)  # fmt: skip


def _draw_hubs(ax, hubs: gpd.GeoDataFrame, content: MapContent) -> None:
    ordered = hubs.sort_values("radius", ascending=False)
    sizes = (ordered["radius"].astype(float) * 1.1) ** 2
    ax.scatter(ordered.geometry.x, ordered.geometry.y, s=sizes, c=list(ordered["colour"]), edgecolors="#333333",
               linewidths=0.6, zorder=5)  # fmt: skip
    _labels(ax, hubs, content)


#: Where a label may sit around its hub, tried in turn: (offset in radii and points, alignment).
_LABEL_PLACES = (((0.6, 3), (0, 0), "left", "center"), ((-0.6, -3), (0, 0), "right", "center"),
                 ((0, 0), (0.6, 3), "center", "bottom"), ((0, 0), (-0.6, -3), "center", "top"))  # fmt: skip


def _labels(ax, hubs: gpd.GeoDataFrame, content: MapContent) -> None:
    """Labels in the map's label order (route ends first), each at the first place round its hub that overlaps no label already placed."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed: list[Bbox] = []
    for hub in content.labelled_hubs():
        if len(placed) >= MAX_LABELS:
            break
        point = hubs.geometry[hub]
        radius = float(hubs.at[hub, "radius"])
        for (rx, px), (ry, py), ha, va in _LABEL_PLACES:
            text = ax.annotate(
                _plain(hubs.at[hub, "name"]), (point.x, point.y), xytext=(radius * rx + px, radius * ry + py), textcoords="offset points",
                ha=ha, va=va, fontsize=9, fontweight="bold", color="#222222", zorder=6, path_effects=_HALO, family=_font_family(),
            )  # fmt: skip
            box = text.get_window_extent(renderer).expanded(1.05, 1.1)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            text.remove()


def _nice_length_km(width_m: float) -> float:
    target = width_m / 1000.0 / 5.0
    return max((s for s in SCALE_STEPS_KM if s <= target), default=SCALE_STEPS_KM[0])


def _scale_bar(ax, extent: tuple[float, float, float, float]) -> None:
    """A bar of alternating black and white quarters, bottom right, labelled in km."""
    x0, y0, x1, y1 = extent
    km = _nice_length_km(x1 - x0)
    length = km * 1000.0
    height = (y1 - y0) * 0.008
    left = x1 - (x1 - x0) * 0.04 - length
    bottom = y0 + (y1 - y0) * 0.04
    ax.add_patch(Rectangle((left - length * 0.06, bottom - height * 1.5), length * 1.12, height * 6.2, facecolor="white",
                           edgecolor="none", alpha=0.8, zorder=7))  # fmt: skip
    for i in range(4):
        ax.add_patch(Rectangle((left + i * length / 4, bottom), length / 4, height, facecolor="black" if i % 2 == 0 else "white",
                               edgecolor="black", linewidth=0.6, zorder=8))  # fmt: skip
    ax.text(left, bottom + height * 1.6, "0", ha="center", va="bottom", fontsize=8, zorder=8)
    ax.text(left + length, bottom + height * 1.6, f"{km:g} km", ha="right", va="bottom", fontsize=8, zorder=8)


def _north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.05, 0.95), xytext=(0.05, 0.88), xycoords="axes fraction", ha="center", va="center", fontsize=11,
                fontweight="bold", arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 1.2}, zorder=8)  # fmt: skip


def _side_panel(figure: Figure, side, content: MapContent) -> None:
    """The legend, the centrality colour bar and the scenario's savings, right of the map."""
    handles = []
    for label, style in legend_entries(content):
        if style["kind"] == "line":
            width = float(style.get("weight", 3.0)) * 0.7
            outline = style.get("outline")
            effects = [patheffects.Stroke(linewidth=width + 2.5, foreground=outline, alpha=0.55), patheffects.Normal()] if outline else None
            handles.append(Line2D([], [], color=style["colour"], linewidth=width, linestyle=DASHES if style.get("dashed") else "-",
                                  label=_plain(label), path_effects=effects))  # fmt: skip
        else:
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=style["colour"],
                                  markeredgecolor="#333333", label=_plain(label)))  # fmt: skip
    for pair in content.routes:
        best = pair.routes[0]
        handles.append(Line2D([], [], color="none", label=_plain(f"{pair.label}: {best.length_km:,.0f} km, {best.time_h:,.1f} h")))
    legend = side.legend(handles=handles, loc="upper left", frameon=False, fontsize=9, title="Legend", title_fontsize=10,
                         alignment="left", prop={"family": _font_family(), "size": 9})  # fmt: skip
    side.add_artist(legend)
    renderer = cast(FigureCanvasAgg, figure.canvas).get_renderer()  # draw_figure gives every figure an Agg canvas
    box = legend.get_window_extent(renderer).transformed(figure.transFigure.inverted())
    top = box.y0 - 0.03
    if content.measure is not None:
        left = side.get_position().x0 + 0.01
        bar = figure.add_axes((left, top - 0.018, side.get_position().width * 0.7, 0.014))
        low, high = CENTRALITY_RANGE
        cmap = LinearSegmentedColormap.from_list("corridor", colormaps[CENTRALITY_CMAP](np.linspace(low, high, 64)))
        colorbar = figure.colorbar(ScalarMappable(norm=Normalize(0, 1), cmap=cmap), cax=bar, orientation="horizontal")
        colorbar.set_ticks([0, 1], labels=["low", "highest"])
        colorbar.ax.tick_params(labelsize=8)
        bar.set_title(f"Hub {content.measure.replace('_', ' ')} centrality (size too)", fontsize=9, loc="left")
        top -= 0.09
    if content.diff is not None:
        changes, total = change_rows(content)
        lines = [f"Scenario {content.diff.name}: {total} changed link{'' if total == 1 else 's'}"]
        lines += [f"{r['change']}: {_shortened(r['name'])} ({r['mode']})" for r in changes]
        lines += [f"and {total - len(changes)} more"] if total > len(changes) else []
        rows = savings_rows(content.diff, content.hubs["name"].to_dict())
        lines += ["", "Largest time savings", f"({content.profile}, door to door, before → after)"]
        lines += [
            f"{r['origin']} → {r['destination']}: {_hours_text(r['base_h'])} → {_hours_text(r['scenario_h'])} h, {saving_text(r['saved_h'])}"
            for r in rows
        ] or ["(no savings table)"]
        figure.text(side.get_position().x0 + 0.01, top, _plain("\n".join(lines)), va="top", fontsize=8.5, family=_font_family(), linespacing=1.5)
