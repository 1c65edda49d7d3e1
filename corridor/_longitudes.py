"""Longitudes unwrapped for drawing: no segment jumps 180 degrees or more, whatever the antimeridian does.

A network drawn on a map takes the 360-degree window of longitudes that holds
its points in the narrowest span (:func:`window_start`): a trans-Pacific sea
lane from Shanghai (121.5 E) to Los Angeles (118.2 W) is drawn east from
121.5 to 241.8, not the long way round through 0. Leaflet and pyproj accept
longitudes beyond 180.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry


#: How far west of its westernmost point a window starts, so rounding never pushes that point a turn east.
_EPSILON = 1e-9


def window_start(longitudes: Iterable[float]) -> float:
    """West edge of the 360-degree window that holds ``longitudes`` in the narrowest span.

    The window starts just east of the widest gap between the points; ``-180``
    when that gap already spans the antimeridian (longitudes stay as they are).
    """
    values = np.unique(np.mod(np.asarray(list(longitudes), dtype=float) + 180.0, 360.0) - 180.0)
    if len(values) < 2:
        return -180.0
    gaps = np.diff(np.append(values, values[0] + 360.0))
    widest = int(np.argmax(gaps))
    if widest == len(values) - 1:
        return -180.0
    return float(values[widest + 1]) - _EPSILON


def wrap(longitude: float, start: float) -> float:
    """``longitude`` moved by whole turns into ``[start, start + 360)``."""
    return start + (longitude - start) % 360.0


def _unwrap_coords(coords: np.ndarray, start: float) -> np.ndarray:
    out = coords.copy()
    steps = (np.diff(coords[:, 0]) + 180.0) % 360.0 - 180.0
    out[:, 0] = wrap(coords[0, 0], start) + np.concatenate([[0.0], np.cumsum(steps)])
    return out


def unwrap(geometry: BaseGeometry, start: float) -> BaseGeometry:
    """A point or line with its first longitude in the window at ``start`` and no step of 180 degrees or more."""
    if geometry is None or geometry.is_empty:
        return geometry
    if isinstance(geometry, Point):
        return Point(wrap(geometry.x, start), geometry.y)
    if isinstance(geometry, LineString):
        return LineString(_unwrap_coords(np.asarray(geometry.coords), start))
    if isinstance(geometry, MultiLineString):
        return MultiLineString([_unwrap_coords(np.asarray(part.coords), start) for part in geometry.geoms])
    return geometry
