"""Corridor graphs and networks in and out of GeoPackage files.

Two layouts, told apart by their layers:

- a **graph** GeoPackage (``corridor import-osm``, :func:`save_graph_gpkg`)
  has the layers ``nodes`` and ``edges`` of ``osmnx.save_graph_geopackage``
  (nodes by ``osmid``, edges by ``u``, ``v``, ``key``) plus a ``corridor_meta``
  table. Edges keep their own ``speed_kmh`` and ``freight``/``passenger``
  flags. :func:`network_from_graph_gpkg` reads it as a
  :class:`corridor.network.Network` (hubs plus ``junction`` hubs, links plus
  access links; :func:`corridor.osm.network_from_graph`), so every command
  works on it the one way it works on any network, and ``--params`` applies.
- a **network** GeoPackage (``corridor export``, :func:`save_network_gpkg`)
  has the layers ``hubs`` and ``links`` in the schema of ``hubs.geojson`` and
  ``links.geojson``; :func:`network_from_gpkg` reads it back as a
  :class:`corridor.network.Network`, validated like the GeoJSON files.

:func:`load_gpkg` reads either layout as a Network, and :func:`load_network`
any network: a GeoJSON folder or either GeoPackage. The routing graph of a
GeoPackage (:func:`corridor.gpkg_graph.graph_from_gpkg`) is built a layer up,
in :mod:`corridor.gpkg_graph`: this module never builds a graph.

Every file is written through :func:`corridor._io.atomic_path`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
from shapely.geometry import shape

from corridor import _validate
from corridor._errors import NetworkFileError
from corridor._io import atomic_path
from corridor.network import HUBS_FILE, LINKS_FILE, Network, network_from_features, network_from_files
from corridor.schema import is_missing
from corridor.settings import CRS, GEODATA_DIR

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

#: Name and version of the graph layout written to ``corridor_meta``.
GRAPH_FORMAT = "corridor-graph"
GRAPH_FORMAT_VERSION = 1
NETWORK_FORMAT = "corridor-network"

META_LAYER = "corridor_meta"

#: Node attributes stored as JSON text (GeoPackage has no list type).
_JSON_NODE_FIELDS = ("aliases",)
#: Node and edge attributes stored as integers.
_INT_FIELDS = ("osm_id",)
#: Edge attributes rebuilt on load, never stored (urban edges are rebuilt too).
_REBUILT = ("travel_time", "cost")


# -- graphs ------------------------------------------------------------------------


def save_graph_gpkg(graph: nx.MultiDiGraph, path: str | Path) -> None:
    """Write a corridor graph to a GeoPackage (layers ``nodes``, ``edges``, ``corridor_meta``).

    Parameters
    ----------
    graph
        A graph from :func:`corridor.osm.network_graph_from_xml`, from
        :func:`corridor.gpkg_graph.graph_from_gpkg` or
        :func:`corridor.osm.graph_for_profile`.
        ``urban`` edges are left out (they are rebuilt on load); the stored
        ``travel_time`` and ``cost`` are those of ``graph["profile"]``, for
        reading in a GIS only.
    path
        The ``.gpkg`` file; replaced atomically.
    """
    import geopandas as gpd

    node_columns, edge_columns = _node_rows(graph), _edge_rows(graph)
    nodes = gpd.GeoDataFrame(node_columns, crs=graph.graph.get("crs", CRS))
    edges = gpd.GeoDataFrame(edge_columns, crs=graph.graph.get("crs", CRS))
    meta = {
        "format": GRAPH_FORMAT,
        "format_version": GRAPH_FORMAT_VERSION,
        "source": graph.graph.get("source", graph.graph.get("name", "")),
        "imported": graph.graph.get("imported", ""),
        "profile": graph.graph.get("profile"),
        "modes": graph.graph.get("modes"),
        "unsnapped": [list(item) for item in graph.graph.get("unsnapped", [])],
        # GeoPackage reads a boolean column with nulls back as numbers: name them to restore them
        "bool_fields": {"nodes": _flag_names(node_columns), "edges": _flag_names(edge_columns)},
    }
    with atomic_path(path) as tmp:
        _write_layers(tmp, {"nodes": nodes, "edges": edges}, meta)


def _flag_names(columns: dict[str, Any]) -> list[str]:
    import pandas as pd

    return [name for name, column in columns.items() if isinstance(column, pd.arrays.BooleanArray)]


def _node_rows(graph: nx.MultiDiGraph) -> dict[str, list]:
    from shapely.geometry import Point

    columns: dict[str, list] = {"osmid": [], "geometry": []}
    count = 0
    for node, data in graph.nodes(data=True):
        columns["osmid"].append(int(node))
        columns["geometry"].append(Point(data["x"], data["y"]))
        for name, value in data.items():
            if name in _JSON_NODE_FIELDS:
                value = json.dumps(list(value or []), ensure_ascii=False)
            _put(columns, name, count, value)
        count += 1
    return _pad(columns, count)


def _edge_rows(graph: nx.MultiDiGraph) -> dict[str, list]:
    columns: dict[str, list] = {"u": [], "v": [], "key": [], "geometry": []}
    count = 0
    for u, v, key, data in graph.edges(keys=True, data=True):
        if data.get("edge_type") == "urban":
            continue
        columns["u"].append(int(u))
        columns["v"].append(int(v))
        columns["key"].append(int(key) if isinstance(key, int) else _stable_key(key))
        columns["geometry"].append(data["geometry"])
        for name, value in data.items():
            if name != "geometry":
                _put(columns, name, count, value)
        count += 1
    return _pad(columns, count)


def _stable_key(key: Any) -> int:
    """An integer edge key for a non-integer one (built-in graphs key links by id)."""
    import zlib

    return zlib.crc32(str(key).encode("utf-8"))


def _put(columns: dict[str, list], name: str, row: int, value: Any) -> None:
    if isinstance(value, list | tuple | dict | set):
        value = json.dumps(list(value) if not isinstance(value, dict) else value, ensure_ascii=False)
    column = columns.get(name)
    if column is None:
        column = columns[name] = []
    if len(column) < row:
        column.extend([None] * (row - len(column)))
    column.append(value)


def _pad(columns: dict[str, list], count: int) -> dict[str, Any]:
    """Pad the columns to ``count`` rows; give flag columns a nullable boolean type (not text)."""
    import pandas as pd

    typed: dict[str, Any] = {}
    for name, column in columns.items():
        if len(column) < count:
            column.extend([None] * (count - len(column)))
        values = [v for v in column if v is not None]
        flags = bool(values) and all(isinstance(v, bool) for v in values)
        typed[name] = pd.array(column, dtype="boolean") if flags else column
    return typed


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


def _require_layers(path: Path, names: tuple[str, str], what: str) -> None:
    missing = set(names) - _layers(path)
    if missing:
        msg = f"{path}: no layer(s) {', '.join(sorted(missing))}; a corridor {what} GeoPackage has {' and '.join(names)}"
        raise NetworkFileError(msg)


def _read_layer(path: Path, layer: str, **kwargs: Any) -> pd.DataFrame:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        return pyogrio.read_dataframe(path, layer=layer, **kwargs)
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
    path = Path(path)
    if META_LAYER not in _layers(path):
        return {}
    table = _read_layer(path, META_LAYER, read_geometry=False)
    try:
        return {str(k): json.loads(v) for k, v in zip(table["key"], table["value"], strict=True)}
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        msg = f"{path}: layer '{META_LAYER}' is malformed ({exc}); write the file again with corridor"
        raise NetworkFileError(msg) from None


def network_graph_from_gpkg(path: str | Path) -> nx.MultiDiGraph:
    """The stored graph of a graph GeoPackage, as saved (no profile applied).

    Parameters
    ----------
    path
        A graph GeoPackage (``corridor import-osm``).

    Returns
    -------
    networkx.MultiDiGraph
        The nodes and edges as stored, with ``hub_nodes`` and
        ``terminal_nodes``; ``profile`` and ``year`` are ``None``.

    Raises
    ------
    NetworkFileError
        When the file lacks the ``nodes`` or ``edges`` layer, a required
        column, or hub nodes.
    """
    path = Path(path)
    _require_layers(path, ("nodes", "edges"), "graph")
    meta = read_meta(path)
    nodes = _read_layer(path, "nodes", use_arrow=True)  # through Arrow: columns at once, not a Python object per cell
    edges = _read_layer(path, "edges", use_arrow=True)
    flags = meta.get("bool_fields", {})
    for layer, frame, required in (
        ("nodes", nodes, ("osmid", "x", "y", "node_type", "hub")),
        ("edges", edges, ("u", "v", "key", "edge_type", "mode", "length")),
    ):
        absent = [c for c in required if c not in frame.columns]
        if absent:
            msg = f"{path}: layer '{layer}' has no column(s) {', '.join(absent)}; write it with `corridor import-osm`"
            raise NetworkFileError(msg)
    graph: nx.MultiDiGraph = nx.MultiDiGraph(
        crs=CRS,
        name=f"corridor ({path})",
        source=str(path),
        imported=meta.get("imported") or "gpkg",
        profile=None,
        year=None,
        modes=meta.get("modes"),
        version=0,
        excluded_hubs={},
        hub_nodes={},
        terminal_nodes={},
        unsnapped=[tuple(item) for item in meta.get("unsnapped", [])],
    )
    node_columns = [c for c in nodes.columns if c not in ("osmid", "geometry")]
    for row in zip(nodes["osmid"].tolist(), *(_native_column(nodes[c]) for c in node_columns), strict=True):
        node = int(row[0])
        data = dict(zip(node_columns, row[1:], strict=True))
        data = {name: value for name, value in data.items() if value is not None or name == "hub"}
        for name in _JSON_NODE_FIELDS:
            if name in data:
                data[name] = json.loads(data[name])
        for name in _INT_FIELDS:
            if name in data:
                data[name] = int(data[name])
        for name in flags.get("nodes", ()):
            if name in data:
                data[name] = bool(data[name])
        if data.get("node_type") == "hub":
            data.setdefault("aliases", [])
            for name in ("name_zh", "pinyin", "country"):
                data.setdefault(name, "")
            data.setdefault("city", data["hub"])
            graph.graph["hub_nodes"][data["hub"]] = node
        graph.add_node(node, **data)
    if not graph.graph["hub_nodes"]:
        msg = f"{path}: no hub nodes (node_type='hub'); import the network with `corridor import-osm ... --hubs HUBS`"
        raise NetworkFileError(msg)
    _add_stored_edges(graph, path, edges, flags.get("edges", ()))
    if not graph.graph["modes"]:
        graph.graph["modes"] = sorted({d["mode"] for _, _, d in graph.edges(data=True)})
    return graph


def _add_stored_edges(graph: nx.MultiDiGraph, path: Path, edges: gpd.GeoDataFrame, flags: Iterable[str]) -> None:
    """Add the ``edges`` layer to ``graph``, and each board edge's terminal to ``graph["terminal_nodes"]``.

    Each edge's attributes are its non-null cells as plain Python values
    (``flags``: the columns to read back as booleans), built column by column.

    Raises
    ------
    NetworkFileError
        For a multi-part line, or an edge whose end is not a node of ``graph``.
    """
    lines = _single_part_lines(path, edges)
    ends = [edges[c].to_numpy(dtype=np.int64) for c in ("u", "v", "key")]
    missing = ~(np.isin(ends[0], list(graph.nodes)) & np.isin(ends[1], list(graph.nodes)))
    if missing.any():
        u, v, key = (int(column[missing.argmax()]) for column in ends)
        msg = f"{path}: layer 'edges' edge ({u}, {v}, {key}) refers to a node missing from layer 'nodes'"
        raise NetworkFileError(msg)
    names = [c for c in edges.columns if c not in ("u", "v", "key", "geometry", *_REBUILT)]
    columns = [_native_column(edges[name]) for name in names]
    names.append("geometry")
    columns.append(lines)
    for position, name in enumerate(names):
        if name in flags:
            columns[position] = [None if value is None else bool(value) for value in columns[position]]
    records = [{name: value for name, value in zip(names, row, strict=True) if value is not None} for row in zip(*columns, strict=True)]
    tails, heads = ends[0].tolist(), ends[1].tolist()
    for u, v, key, data in zip(tails, heads, ends[2].tolist(), records, strict=True):
        graph.add_edge(u, v, key, **data)
    for row in np.flatnonzero((edges["edge_type"] == "board").to_numpy(dtype=bool)).tolist():
        graph.graph["terminal_nodes"][graph.nodes[tails[row]]["hub"], records[row]["mode"]] = heads[row]


def _single_part_lines(path: Path, edges: gpd.GeoDataFrame) -> list[Any]:
    """The edges' geometries, each one-part ``MultiLineString`` (as GIS tools save edits) as its line."""
    lines = edges.geometry.to_numpy().tolist()
    for row in np.flatnonzero((edges.geom_type == "MultiLineString").to_numpy()).tolist():
        link = _native(edges["link_id"].iloc[row]) if "link_id" in edges.columns else None
        edge = f"edge ({edges['u'].iloc[row]}, {edges['v'].iloc[row]}, {edges['key'].iloc[row]})"
        where = f"{path}:edges: {edge}{f' of link {link!r}' if link else ''} field 'geometry'"
        lines[row] = shape(_validate.single_part(where, lines[row].__geo_interface__, "LineString"))
    return lines


def _native_column(column: pd.Series) -> list[Any]:
    """A column as plain Python values (``tolist`` unboxes numpy scalars), ``None`` for nulls (found at once by ``isna``)."""
    values = column.tolist()
    for row in np.flatnonzero(column.isna().to_numpy(dtype=bool)).tolist():
        values[row] = None
    return values


def _native(value: Any) -> Any:
    """A plain Python value for a cell: ``None`` for nulls, ``int``/``float``/``bool`` for numpy scalars."""
    if value is None:
        return None
    if hasattr(value, "item") and not hasattr(value, "geom_type"):
        value = value.item()
    return None if is_missing(value) else value


def network_from_graph_gpkg(path: str | Path) -> Network:
    """The network of a graph GeoPackage (``corridor import-osm``): hubs, junctions, links, access links.

    See :func:`corridor.osm.network_from_graph`.

    Parameters
    ----------
    path
        A graph GeoPackage (``corridor import-osm``).

    Returns
    -------
    Network
        The user's hubs, a ``junction`` hub per node, and the links.

    Raises
    ------
    NetworkFileError
        As :func:`network_graph_from_gpkg`.
    """
    from corridor.osm import network_from_graph

    return network_from_graph(network_graph_from_gpkg(path), source=str(path))


def load_gpkg(path: str | Path) -> Network:
    """The network of a corridor GeoPackage of either layout (told apart by its layers).

    Parameters
    ----------
    path
        A network GeoPackage (layers ``hubs`` and ``links``, ``corridor
        export``) or a graph GeoPackage (``nodes`` and ``edges``,
        ``corridor import-osm``).

    Returns
    -------
    Network
        As :func:`network_from_gpkg` or :func:`network_from_graph_gpkg` reads it.

    Raises
    ------
    NetworkFileError
        When the file is missing, unreadable, or has neither the ``hubs`` and
        ``links`` layers nor the ``nodes`` and ``edges`` layers.
    """
    path = Path(path)
    layers = _layers(path)
    if {"hubs", "links"} <= layers:
        return network_from_gpkg(path)
    if {"nodes", "edges"} <= layers:
        return network_from_graph_gpkg(path)
    msg = (
        f"{path}: no layers hubs and links (`corridor export`) nor nodes and edges (`corridor import-osm`); "
        f"it has {', '.join(sorted(layers)) or 'no layers'}"
    )
    raise NetworkFileError(msg)


def load_network(path: str | Path | None = None) -> Network:
    """Load and validate a network, GeoJSON folder or GeoPackage (told apart by the path).

    Reading a GeoJSON folder imports neither geopandas nor pandas (routing on
    the built-in network starts without them).

    Parameters
    ----------
    path
        A folder holding ``hubs.geojson`` and ``links.geojson``, a GeoPackage
        with ``hubs`` and ``links`` layers (``corridor export``), a graph
        GeoPackage of ``corridor import-osm`` (its nodes become ``junction``
        hubs, see :func:`corridor.osm.network_from_graph`), or ``None`` for
        the built-in western land-sea corridor.

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
        return load_gpkg(folder)
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
        "format_version": GRAPH_FORMAT_VERSION,
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
        A network GeoPackage (``corridor export``).

    Returns
    -------
    Network
        The validated hubs and links.

    Raises
    ------
    NetworkFileError
        As :func:`load_network`, naming ``FILE:hubs`` or
        ``FILE:links``, the feature and the field; also for a multi-geometry
        of several parts.
    """
    path = Path(path)
    _require_layers(path, ("hubs", "links"), "network")
    meta = read_meta(path)
    json_fields, int_fields = meta.get("json_fields", {}), meta.get("int_fields", {})
    features = {}
    for layer, geometry_type in (("hubs", "Point"), ("links", "LineString")):
        frame = _read_layer(path, layer)
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            msg = f"{path}:{layer}: CRS {frame.crs.to_string()} is not EPSG:4326; reproject the layer"
            raise NetworkFileError(msg)
        columns = [c for c in frame.columns if c != "geometry"]
        rows = []
        for row in zip(*(frame[c].to_numpy() for c in columns), frame.geometry, strict=True):
            properties = {name: _native(value) for name, value in zip(columns, row[:-1], strict=True)}
            for name in json_fields.get(layer, []):
                if isinstance(properties.get(name), str):
                    properties[name] = json.loads(properties[name])
            for name in int_fields.get(layer, []):
                if isinstance(properties.get(name), float) and properties[name].is_integer():
                    properties[name] = int(properties[name])
            geometry = None if row[-1] is None else row[-1].__geo_interface__
            rows.append({"type": "Feature", "properties": properties, "geometry": geometry})
        _validate.check_features(f"{path}:{layer}", rows, geometry_type)
        features[layer] = rows
    return network_from_features(
        features["hubs"], features["links"], source=str(path), hubs_name=f"{path}:hubs", links_name=f"{path}:links"
    )
