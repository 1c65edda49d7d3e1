"""Isochrones: the area reachable from a hub within T hours, as polygons.

A band of ``T`` hours is the union of discs around every hub the network
reaches from the origin within ``T`` (door to door: the origin's urban and
terminal times, the line-haul, dwell and border times, getting off at the
reached station), each of radius ``access_kmh x (T - t)`` where ``t`` is the
hour the hub is reached: the rest of the time is spent going on from the
station at ``access_kmh`` in a straight line (``access_kmh`` of the profile
in ``corridor/model.toml``, with its reason). The origin itself is a hub
reached at 0 h. Discs are geodesic (drawn with pyproj's ``Geod.fwd`` on
WGS84, :data:`DISC_POINTS` points each) and unioned per band with shapely.

Bands are cumulative: the 6 h polygon contains the 4 h one. With a scenario,
:func:`scenario_isochrones` gives the bands before and after, and the area
gained (after minus before) per band.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from corridor._errors import CorridorError
from corridor.accessibility import check_hours
from corridor.graph import hub_node
from corridor.hubs import resolve_hub
from corridor.network import Network
from corridor.params import ModelParams
from corridor.routing import shortest_path_lengths
from corridor.scenario import AppliedScenario, scenario_graphs
from corridor.settings import CRS

#: Bands (hours) by default.
DEFAULT_HOURS: tuple[float, ...] = (2.0, 4.0, 6.0)

#: Points on the outline of each geodesic disc.
DISC_POINTS: int = 48

#: File suffixes :func:`write_isochrones` writes, and their OGR drivers.
FORMATS: dict[str, str] = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG"}

#: Columns of an isochrone table, in order.
COLUMNS: tuple[str, ...] = ("origin", "name", "side", "hours", "hubs", "area_km2", "access_kmh", "geometry")

_GEOD = Geod(ellps="WGS84")


def reached_hubs(graph: nx.MultiDiGraph, origin: str, *, max_hours: float) -> pd.DataFrame:
    """Hubs reached from ``origin`` within ``max_hours``, door to door, soonest first.

    Parameters
    ----------
    graph
        A corridor graph.
    origin
        A hub name (see :func:`corridor.hubs.resolve_hub`).
    max_hours
        Hubs reached later are left out.

    Returns
    -------
    pandas.DataFrame
        Indexed by hub id: ``name``, ``hours`` (0 at the origin), ``lon``, ``lat``.
    """
    source = resolve_hub(graph, origin)
    hubs = list(graph.graph["hub_nodes"])
    nodes = [hub_node(graph, hub) for hub in hubs]
    hours = shortest_path_lengths(graph, [hub_node(graph, source)], nodes, weight="travel_time")[0] / 3600.0
    data = [graph.nodes[node] for node in nodes]
    table = pd.DataFrame(
        {"name": [d.get("name", h) for d, h in zip(data, hubs, strict=True)], "hours": hours,
         "lon": [d["x"] for d in data], "lat": [d["y"] for d in data]},
        index=pd.Index(hubs, name="hub"),
    )  # fmt: skip
    table.loc[source, "hours"] = 0.0
    return table[table["hours"] <= max_hours].sort_values("hours", kind="stable")


def geodesic_disc(lon: float, lat: float, radius_km: float, *, points: int = DISC_POINTS) -> Polygon:
    """The points within ``radius_km`` of ``(lon, lat)`` on the WGS84 ellipsoid, as a polygon of ``points`` vertices.

    Parameters
    ----------
    lon, lat
        The centre, degrees.
    radius_km
        Geodesic radius, km.
    points
        Number of vertices.

    Returns
    -------
    shapely.Polygon
        In lon/lat degrees.
    """
    azimuths = np.linspace(0.0, 360.0, points, endpoint=False)
    lons, lats, _ = _GEOD.fwd(np.full(points, lon), np.full(points, lat), azimuths, np.full(points, radius_km * 1000.0))
    return Polygon(zip(lons, lats, strict=True))


def band_polygon(reached: pd.DataFrame, hours: float, access_kmh: float) -> BaseGeometry:
    """Union of the discs of radius ``access_kmh x (hours - t)`` around the hubs of ``reached`` with ``t <= hours``.

    With ``access_kmh`` 0 the band is empty (the hubs themselves have no area).

    Parameters
    ----------
    reached
        A :func:`reached_hubs` table (``hours``, ``lon``, ``lat``).
    hours
        The band's limit, hours.
    access_kmh
        Straight-line speed onward from a reached hub, km/h.

    Returns
    -------
    shapely.geometry.base.BaseGeometry
        A polygon or multipolygon in lon/lat degrees; an empty ``MultiPolygon`` when no disc has area.
    """
    inside = reached[reached["hours"] <= hours]
    discs = [
        geodesic_disc(lon, lat, access_kmh * (hours - hub_hours))
        for lon, lat, hub_hours in zip(inside["lon"], inside["lat"], inside["hours"], strict=True)
        if access_kmh * (hours - hub_hours) > 0
    ]
    return shapely.union_all(discs) if discs else MultiPolygon()


def area_km2(geometry: BaseGeometry) -> float:
    """Geodesic area of a lon/lat polygon in km² (WGS84).

    Parameters
    ----------
    geometry
        A polygon or multipolygon in lon/lat degrees.

    Returns
    -------
    float
        km², 0 for an empty geometry.
    """
    if geometry.is_empty:
        return 0.0
    return abs(_GEOD.geometry_area_perimeter(geometry)[0]) / 1e6


def isochrones(
    graph: nx.MultiDiGraph,
    origin: str,
    *,
    hours: Iterable[float] = DEFAULT_HOURS,
    access_kmh: float | None = None,
    params: ModelParams | None = None,
    side: str = "",
) -> gpd.GeoDataFrame:
    """Polygons of what is reachable from ``origin`` within each of ``hours``.

    Parameters
    ----------
    graph
        A corridor graph (its ``profile`` picks the access speed).
    origin
        A hub name.
    hours
        The bands, cumulative (positive hours).
    access_kmh
        Straight-line speed onward from a reached hub (default: the graph
        profile's ``access_kmh`` in ``params``).
    params
        Model parameters (default: ``corridor/model.toml``).
    side
        Label of the rows' ``side`` column (``"before"``, ``"after"``; ``""`` without a scenario).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per band, smallest first, in EPSG:4326: :data:`COLUMNS`
        (``hubs``: how many hubs are reached within the band).

    Raises
    ------
    CorridorError
        For hours that are not positive numbers or a negative access speed.
    """
    bands = check_hours(hours)
    speed = (params or ModelParams()).value(graph.graph["profile"], "access_kmh") if access_kmh is None else float(access_kmh)
    if not math.isfinite(speed) or speed < 0:
        msg = f"access speed {access_kmh!r} km/h: give a non-negative number (access_kmh in corridor/model.toml)"
        raise CorridorError(msg)
    source = resolve_hub(graph, origin)
    reached = reached_hubs(graph, source, max_hours=bands[-1])
    rows = []
    for band in bands:
        polygon = band_polygon(reached, band, speed)
        rows.append({"origin": source, "name": reached.loc[source, "name"], "side": side, "hours": band,
                     "hubs": int((reached["hours"] <= band).sum()), "area_km2": area_km2(polygon),
                     "access_kmh": speed, "geometry": polygon})  # fmt: skip
    return gpd.GeoDataFrame(rows, columns=list(COLUMNS), geometry="geometry", crs=CRS)


def gained_bands(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Per band, the area reachable after but not before (``side="gained"``); :data:`COLUMNS`.

    Parameters
    ----------
    before, after
        :func:`isochrones` of the same origin on the two sides.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per band of ``after``: the area gained (km²) and its polygon,
        and ``hubs`` the number of hubs gained (all of them for a band ``before`` lacks).
    """
    rows = []
    old = before.set_index("hours")
    for row in after.to_dict("records"):
        previous = old.loc[row["hours"], "geometry"] if row["hours"] in old.index else MultiPolygon()
        gained = shapely.difference(row["geometry"], previous)
        rows.append({**row, "side": "gained", "hubs": row["hubs"] - int(old.loc[row["hours"], "hubs"]) if row["hours"] in old.index else row["hubs"],
                     "area_km2": area_km2(gained), "geometry": gained})  # fmt: skip
    return gpd.GeoDataFrame(rows, columns=list(COLUMNS), geometry="geometry", crs=CRS)


def scenario_isochrones(
    network: Network,
    applied: AppliedScenario,
    origin: str,
    *,
    hours: Iterable[float] = DEFAULT_HOURS,
    profile: str = "passenger",
    modes: Sequence[str] | None = None,
    params: ModelParams | None = None,
) -> gpd.GeoDataFrame:
    """Isochrones of ``origin`` before and after an applied scenario, and the area gained.

    Parameters
    ----------
    network
        The baseline network.
    applied
        A :class:`corridor.scenario.AppliedScenario` of ``network``.
    origin
        A hub name.
    hours, profile, modes
        The bands, the profile and the modes of both graphs.
    params
        Base model parameters (the scenario's apply on its side).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`COLUMNS`; rows with ``side`` ``"before"``, ``"after"`` and ``"gained"``.
    """
    base = params or ModelParams()
    before_graph, after_graph = scenario_graphs(network, applied, profile=profile, modes=modes, params=base)
    before = isochrones(before_graph, origin, hours=hours, params=base, side="before")
    after = isochrones(after_graph, origin, hours=hours, params=applied.params, side="after")
    frame = pd.concat([before, after, gained_bands(before, after)], ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)


def write_isochrones(frame: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write isochrones as GeoJSON (``.geojson``, ``.json``) or a GeoPackage (``.gpkg``, layer ``isochrones``).

    An existing file is replaced; missing folders are created.

    Parameters
    ----------
    frame
        An :func:`isochrones` (or :func:`gained_bands`) table.
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    CorridorError
        For another suffix (nothing is written).
    """
    target = Path(path)
    driver = FORMATS.get(target.suffix.lower())
    if driver is None:
        msg = f"{target}: write isochrones to a {', '.join(FORMATS)} file"
        raise CorridorError(msg)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    options = {"layer": "isochrones"} if driver == "GPKG" else {}
    frame.to_file(target, driver=driver, **options)
    return target


def isochrone_summary(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` without geometry, for tables and JSON.

    Parameters
    ----------
    frame
        An :func:`isochrones` table.

    Returns
    -------
    list of dict
        One per row, every column but ``geometry``.
    """
    return [{key: value for key, value in row.items() if key != "geometry"} for row in frame.to_dict("records")]
