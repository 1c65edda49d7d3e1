"""Corridor networks in and out of GeoPackage files.

A network GeoPackage (``corridor export``, ``corridor import-osm``;
:func:`save_network_gpkg`) has the layers ``hubs`` and ``links`` in the
schema of ``hubs.geojson`` and ``links.geojson`` and a ``corridor_meta``
table; :func:`network_from_gpkg` reads it back as a
:class:`corridor.network.Network`, validated like the GeoJSON files. An
imported OpenStreetMap network is written so too (its nodes are ``junction``
hubs, see :mod:`corridor.osm`).

:func:`load_gpkg` reads a GeoPackage as a Network, and :func:`load_network`
any network: a GeoJSON folder or a GeoPackage. The routing graph of a
GeoPackage (:func:`corridor.gpkg_graph.graph_from_gpkg`) is built a layer up,
in :mod:`corridor.gpkg_graph`: this module never builds a graph.

Every file is written through :func:`corridor._io.atomic_path`.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor import _validate
from corridor._errors import NetworkFileError
from corridor._io import atomic_path
from corridor.network import HUBS_FILE, LINKS_FILE, Network, network_from_features, network_from_files
from corridor.schema import is_missing
from corridor.settings import GEODATA_DIR

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

#: Name and version of the layout written to ``corridor_meta``.
NETWORK_FORMAT = "corridor-network"
FORMAT_VERSION = 1

META_LAYER = "corridor_meta"


def _write_layers(path: Path, layers: dict[str, gpd.GeoDataFrame], meta: dict[str, Any]) -> None:
    import pandas as pd
    import pyogrio

    path.unlink(missing_ok=True)
    table = pd.DataFrame({"key": list(meta), "value": [json.dumps(v, ensure_ascii=False) for v in meta.values()]})
    with warnings.catch_warnings():
        # the temporary file of atomic_path ends in .tmp, not .gpkg; it is renamed when complete
        warnings.filterwarnings("ignore", message=".*(extension|conformant).*", category=RuntimeWarning)
        for name, frame in layers.items():
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
        pyogrio.write_dataframe(table, path, layer=META_LAYER, driver="GPKG")


def _layers(path: Path) -> set[str]:
    import pyogrio
    from pyogrio.errors import DataSourceError

    if not path.is_file():
        msg = f"{path}: no such file; give a GeoPackage written by `corridor import-osm` or `corridor export`"
        raise NetworkFileError(msg)
    try:
        return {str(row[0]) for row in pyogrio.list_layers(path)}
    except (DataSourceError, OSError) as exc:
        msg = f"{path}: not a readable GeoPackage ({' '.join(str(exc).split())})"
        raise NetworkFileError(msg) from None


def _require_network_layers(path: Path) -> set[str]:
    """The file's layers, after checking it has ``hubs`` and ``links``."""
    layers = _layers(path)
    missing = {"hubs", "links"} - layers
    if missing:
        graph = " (it has nodes and edges: a graph GeoPackage of an earlier `corridor import-osm`; import the extract again)"
        msg = f"{path}: no layer(s) {', '.join(sorted(missing))}; a corridor GeoPackage has hubs and links{graph if {'nodes', 'edges'} <= layers else ''}"
        raise NetworkFileError(msg)
    return layers


def _read_arrow(path: Path, layer: str, **kwargs: Any) -> tuple[dict[str, Any], Any]:
    """pyogrio's Arrow read of one layer: its metadata and a ``pyarrow.Table`` (geometry as WKB)."""
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        return pyogrio.read_arrow(path, layer=layer, **kwargs)
    except (DataLayerError, DataSourceError, OSError) as exc:
        msg = f"{path}: cannot read layer '{layer}' ({' '.join(str(exc).split())})"
        raise NetworkFileError(msg) from None


def read_meta(path: str | Path) -> dict[str, Any]:
    """The ``corridor_meta`` table of a corridor GeoPackage as a dict (empty when absent).

    Parameters
    ----------
    path
        A GeoPackage written by corridor.

    Returns
    -------
    dict
        Each key of the table with its value decoded from JSON.

    Raises
    ------
    NetworkFileError
        When the file cannot be read or the table is malformed.
    """
    return _meta(Path(path), _layers(Path(path)))


def _meta(path: Path, layers: set[str]) -> dict[str, Any]:
    """:func:`read_meta` of a file whose layers are known."""
    if META_LAYER not in layers:
        return {}
    _, table = _read_arrow(path, META_LAYER, read_geometry=False)
    try:
        return {str(k): json.loads(v) for k, v in zip(table.column("key").to_pylist(), table.column("value").to_pylist(), strict=True)}
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        msg = f"{path}: layer '{META_LAYER}' is malformed ({exc}); write the file again with corridor"
        raise NetworkFileError(msg) from None


def load_network(path: str | Path | None = None) -> Network:
    """Load and validate a network, GeoJSON folder or GeoPackage (told apart by the path).

    Reading a GeoJSON folder imports neither geopandas nor pandas (routing on
    the built-in network starts without them).

    Parameters
    ----------
    path
        A folder holding ``hubs.geojson`` and ``links.geojson``, a GeoPackage
        with ``hubs`` and ``links`` layers (``corridor export``, ``corridor
        import-osm``), or ``None`` for the built-in western land-sea corridor.

    Returns
    -------
    Network

    Raises
    ------
    NetworkFileError
        With one line naming the file, the feature id and the field of the
        first problem found.
    """
    folder = Path(path) if path is not None else GEODATA_DIR
    if folder.suffix.lower() == ".gpkg":
        return network_from_gpkg(folder)
    if not folder.exists():
        msg = f"{folder}: does not exist; give a folder holding {HUBS_FILE} and {LINKS_FILE}, or a .gpkg"
        raise NetworkFileError(msg)
    if not folder.is_dir():
        msg = f"{folder}: not a folder; give a folder holding {HUBS_FILE} and {LINKS_FILE}, or a .gpkg"
        raise NetworkFileError(msg)
    return network_from_files(folder / HUBS_FILE, folder / LINKS_FILE, source="built-in" if path is None else str(folder))


# -- networks ----------------------------------------------------------------------


def save_network_gpkg(network: Network, path: str | Path) -> None:
    """Write a network's hubs and links as the layers ``hubs`` and ``links`` of a GeoPackage.

    List fields (``aliases``, ``via``) are written as JSON text and named in
    ``corridor_meta`` so :func:`network_from_gpkg` restores them.

    Parameters
    ----------
    network
        The network to write.
    path
        The ``.gpkg`` file; replaced atomically.
    """
    frames, json_fields, int_fields = {}, {}, {}
    for name, frame in (("hubs", network.hubs), ("links", network.links)):
        frame = frame.reset_index(drop=True).copy()
        listed = [c for c in frame.columns if c != "geometry" and frame[c].map(lambda v: isinstance(v, list | tuple | dict)).any()]
        for column in listed:
            frame[column] = frame[column].map(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
        json_fields[name] = listed
        # years and counts with gaps are floats in pandas (2025.0); the schema wants whole numbers
        int_fields[name] = [c for c in frame.columns if c != "geometry" and c not in listed and _whole_numbers(frame[c])]
        frames[name] = frame
    meta = {
        "format": NETWORK_FORMAT,
        "format_version": FORMAT_VERSION,
        "source": network.source,
        "json_fields": json_fields,
        "int_fields": int_fields,
    }
    with atomic_path(path) as tmp:
        _write_layers(tmp, frames, meta)


def _whole_numbers(column: pd.Series) -> bool:
    values = [v for v in column if not is_missing(v)]
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer() for v in values)


def network_from_gpkg(path: str | Path) -> Network:
    """Read and validate a network GeoPackage (layers ``hubs`` and ``links``).

    A one-part ``MultiLineString`` or ``MultiPoint`` (as geopandas/pyogrio
    and QGIS write edited layers) is read as its line or point.

    Parameters
    ----------
    path
        A network GeoPackage (``corridor export``, ``corridor import-osm``).

    Returns
    -------
    Network
        The validated hubs and links.

    Raises
    ------
    NetworkFileError
        As :func:`load_network`, naming ``FILE:hubs`` or
        ``FILE:links``, the feature and the field; also for a multi-geometry
        of several parts, and for a file without the ``hubs`` and ``links``
        layers (such as the graph GeoPackage, layers ``nodes`` and ``edges``,
        that ``corridor import-osm`` wrote before it wrote networks).
    """
    path = Path(path)
    layers = _require_network_layers(path)
    meta = _meta(path, layers)
    json_fields, int_fields = meta.get("json_fields", {}), meta.get("int_fields", {})
    features = {
        layer: _layer_features(path, layer, geometry_type, json_fields.get(layer, []), int_fields.get(layer, []))
        for layer, geometry_type in (("hubs", "Point"), ("links", "LineString"))
    }
    return network_from_features(
        features["hubs"], features["links"], source=str(path), hubs_name=f"{path}:hubs", links_name=f"{path}:links"
    )


#: shapely's type ids of the one geometry type a layer's features must have.
_TYPE_IDS = {"Point": 0, "LineString": 1}


def _layer_features(path: Path, layer: str, geometry_type: str, json_fields: list[str], int_fields: list[str]) -> list[dict[str, Any]]:
    """The layer's features as GeoJSON-like dicts, checked by :func:`corridor._validate.check_features`'s rules.

    Read column-wise (pyogrio's Arrow reader, no geopandas): each column becomes
    a list of plain values at once (``None`` for nulls) and the geometries one
    coordinate array. Where every geometry is a 2D ``geometry_type`` with
    positions in range (and lines are not degenerate), checked on the arrays,
    the features are built from them; otherwise from each geometry's
    ``__geo_interface__`` and checked feature by feature, which names the first
    problem.
    """
    info, table = _read_arrow(path, layer)
    _check_crs(path, layer, info["crs"])
    geometry_name = info["geometry_name"] or "wkb_geometry"
    names = [name for name in table.column_names if name != geometry_name]
    columns = [_column_values(table.column(name), name in json_fields, name in int_fields) for name in names]
    properties = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)] if names else [{} for _ in range(table.num_rows)]
    geometries = _geometries(table.column(geometry_name).to_pylist() if geometry_name in table.column_names else [None] * table.num_rows, geometry_type)
    features = [{"type": "Feature", "properties": p, "geometry": g} for p, g in zip(properties, geometries[0], strict=True)]
    if not geometries[1]:
        _validate.check_features(f"{path}:{layer}", features, geometry_type)
    return features


def _check_crs(path: Path, layer: str, crs: str | None) -> None:
    """Fail unless a layer's CRS is EPSG:4326 (or not given)."""
    if crs is None or crs == "EPSG:4326":
        return
    from pyproj import CRS

    parsed = CRS.from_user_input(crs)
    if parsed.to_epsg() != 4326:
        msg = f"{path}:{layer}: CRS {parsed.to_string()} is not EPSG:4326; reproject the layer"
        raise NetworkFileError(msg)


def _column_values(column: Any, json_field: bool, int_field: bool) -> list[Any]:
    """A layer column as plain Python values: ``None`` for nulls and NaN, JSON text decoded, whole floats as ints."""
    values = column.to_pylist()
    if str(column.type) in ("halffloat", "float", "double"):
        values = [None if v != v else v for v in values]  # NaN is no value, as is_missing says
        if int_field:
            values = [int(v) if v is not None and v.is_integer() else v for v in values]
    if json_field:
        values = [json.loads(v) if isinstance(v, str) else v for v in values]
    return values


def _geometries(wkb: list[bytes | None], geometry_type: str) -> tuple[list[Any], bool]:
    """GeoJSON-like geometry mappings of WKB values, and whether they were all checked valid on the arrays.

    When every geometry is a 2D ``geometry_type`` whose positions are finite and
    in range (longitude -180..180, latitude -90..90) and no line has fewer than
    two positions or all positions equal, the mappings are built from one
    coordinate array and need no check feature by feature (``True``). Otherwise
    they are each geometry's ``__geo_interface__`` (``None`` for a null), to be
    checked one by one (``False``).
    """
    import numpy as np
    import shapely

    shapes = shapely.from_wkb(np.array(wkb, dtype=object))
    if not len(shapes):
        return [], True
    simple = (
        not any(g is None for g in wkb)
        and bool((shapely.get_type_id(shapes) == _TYPE_IDS[geometry_type]).all())
        and not bool(shapely.has_z(shapes).any())
    )
    if simple:
        xy, index = shapely.get_coordinates(shapes, return_index=True)
        counts = np.bincount(index, minlength=len(shapes))
        ends = np.cumsum(counts)
        firsts = xy[ends - counts] if len(xy) else xy
        simple = bool(
            np.isfinite(xy).all()
            and (np.abs(xy[:, 0]) <= 180).all()
            and (np.abs(xy[:, 1]) <= 90).all()
            and (counts >= (1 if geometry_type == "Point" else 2)).all()
        )
        if simple and geometry_type == "LineString":
            moves = np.bincount(index, weights=(xy != firsts[index]).any(axis=1), minlength=len(shapes))
            simple = bool((moves > 0).all())
    if not simple:
        return [None if g is None else g.__geo_interface__ for g in shapes], False
    flat = xy.tolist()
    if geometry_type == "Point":
        return [{"type": "Point", "coordinates": point} for point in flat], True
    starts = (ends - counts).tolist()
    return [{"type": "LineString", "coordinates": flat[a:b]} for a, b in zip(starts, ends.tolist(), strict=True)], True
