"""Checks on network files, each failing with one line naming file, feature and field."""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from corridor import schema
from corridor._errors import NetworkFileError, did_you_mean

_CRS_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
}


def read_feature_collection(path: Path, geometry_type: str) -> list[dict[str, Any]]:
    """Read a GeoJSON FeatureCollection and check its CRS and geometry types.

    Parameters
    ----------
    path
        The GeoJSON file.
    geometry_type
        ``"Point"`` or ``"LineString"``: the one geometry type allowed.

    Returns
    -------
    list of dict
        The features, each with ``properties`` and ``geometry``.
    """
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        msg = f"{path}: no such file"
        raise NetworkFileError(msg) from None
    except json.JSONDecodeError as exc:
        msg = f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        raise NetworkFileError(msg) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: cannot read: {exc}"
        raise NetworkFileError(msg) from None
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        msg = f"{path}: not a GeoJSON FeatureCollection (top-level 'type' must be 'FeatureCollection')"
        raise NetworkFileError(msg)
    crs = data.get("crs")
    if crs is not None:
        name = (crs.get("properties") or {}).get("name") if isinstance(crs, Mapping) else None
        if name not in _CRS_NAMES:
            msg = f"{path}: field 'crs' is {name!r}; corridor reads EPSG:4326 (longitude, latitude) only, reproject first"
            raise NetworkFileError(msg)
    features = data.get("features")
    if not isinstance(features, list):
        msg = f"{path}: field 'features' must be a list"
        raise NetworkFileError(msg)
    check_features(path, features, geometry_type)
    return features


def check_features(source: Path | str, features: list[Any], geometry_type: str) -> None:
    """Check that each feature has properties and one ``geometry_type`` geometry in range.

    A one-part multi-geometry (``MultiLineString`` of one line,
    ``MultiPoint`` of one point) is replaced, in the feature, by its part:
    GIS tools (geopandas/pyogrio, QGIS) save edited features so.

    Parameters
    ----------
    source
        The file (and layer) the features come from, named in errors.
    features
        GeoJSON-like features (``properties`` and ``geometry`` mappings;
        positions may be lists or tuples, as ``__geo_interface__`` gives).
    geometry_type
        ``"Point"`` or ``"LineString"``: the one geometry type allowed.

    Raises
    ------
    NetworkFileError
        One line naming the file, the feature id and the field, e.g. for a
        multi-geometry of several parts.
    """
    for index, feature in enumerate(features):
        _check_feature(source, index, feature, geometry_type)


#: What to do with a multi-geometry of several parts, by the geometry type a feature must have.
_SEVERAL_PARTS = {
    "LineString": "a link is one line: split it into {parts} links",
    "Point": "a hub is one point: keep one, or make {parts} hubs",
}


def _check_feature(source: Path | str, index: int, feature: Any, geometry_type: str) -> None:
    if not isinstance(feature, Mapping) or not isinstance(feature.get("properties"), Mapping):
        msg = f"{source}: feature #{index + 1} has no 'properties' object"
        raise NetworkFileError(msg)
    fid = feature["properties"].get("id", f"#{index + 1}")
    where = f"{source}: feature '{fid}' field 'geometry'"
    geometry = cast("dict[str, Any]", feature)["geometry"] = single_part(where, feature.get("geometry"), geometry_type)
    if not isinstance(geometry, Mapping) or geometry.get("type") != geometry_type:
        got = geometry.get("type") if isinstance(geometry, Mapping) else geometry
        msg = f"{where}: expected a {geometry_type}, got {got!r}"
        raise NetworkFileError(msg)
    coords = geometry.get("coordinates")
    points = [coords] if geometry_type == "Point" else coords
    if not isinstance(points, list | tuple) or len(points) < (1 if geometry_type == "Point" else 2):
        msg = f"{where}: empty geometry (a {geometry_type} needs {'a position' if geometry_type == 'Point' else 'at least two positions'})"
        raise NetworkFileError(msg)
    for point in points:
        if not (isinstance(point, list | tuple) and len(point) >= 2 and all(_is_number(c) for c in point[:2])):
            msg = f"{where}: invalid position {point!r}; use [longitude, latitude]"
            raise NetworkFileError(msg)
        lon, lat = point[0], point[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            msg = f"{where}: coordinates ({lon}, {lat}) out of range; use longitude -180..180, latitude -90..90 (EPSG:4326)"
            raise NetworkFileError(msg)
    if geometry_type == "LineString" and all(p[:2] == points[0][:2] for p in points):
        msg = f"{where}: degenerate line, all positions equal"
        raise NetworkFileError(msg)


def single_part(where: str, geometry: Any, geometry_type: str) -> Any:
    """A ``Multi<geometry_type>`` of one part as that part; any other geometry as it is.

    Parameters
    ----------
    where
        File, feature and field, to begin the error message.
    geometry
        A GeoJSON-like geometry mapping (``__geo_interface__`` will do).
    geometry_type
        ``"Point"`` or ``"LineString"``.

    Raises
    ------
    NetworkFileError
        For a multi-geometry of several parts, or of none.
    """
    if not isinstance(geometry, Mapping) or geometry.get("type") != f"Multi{geometry_type}":
        return geometry
    parts = geometry.get("coordinates")
    if not isinstance(parts, list | tuple):
        msg = f"{where}: a {geometry['type']} with no list of parts"
        raise NetworkFileError(msg)
    if len(parts) == 1:
        return {"type": geometry_type, "coordinates": parts[0]}
    if not parts:
        msg = f"{where}: empty geometry (a {geometry['type']} of no parts)"
        raise NetworkFileError(msg)
    msg = f"{where}: a {geometry['type']} of {len(parts)} parts; {_SEVERAL_PARTS[geometry_type].format(parts=len(parts))}"
    raise NetworkFileError(msg)


def check_ids(path: Path | str, records: Iterable[Mapping[str, Any]]) -> None:
    """Fail unless every record has a non-empty, unique string ``id``."""
    seen: set[str] = set()
    for index, record in enumerate(records):
        fid = record.get("id")
        if not isinstance(fid, str) or not fid.strip():
            msg = f"{path}: feature #{index + 1} field 'id': missing or empty; give every feature a unique text id"
            raise NetworkFileError(msg)
        if fid in seen:
            msg = f"{path}: feature '{fid}' field 'id': duplicate id; ids must be unique"
            raise NetworkFileError(msg)
        seen.add(fid)


def check_hubs(path: Path | str, hubs: Sequence[Mapping[str, Any]], hub_ids: set[str]) -> None:
    """Check every hub record as :func:`check_hub` does, a column at a time where all pass.

    Parameters
    ----------
    path
        The file (and layer) named in errors.
    hubs
        The hub records, their ids checked (:func:`check_ids`).
    hub_ids
        Every hub id.

    Raises
    ------
    NetworkFileError
        For the first hub :func:`check_hub` fails, with its message.
    """
    if _fields_valid(hubs, schema.HUB_FIELDS):
        cities = {hub.get("city") for hub in hubs} - {None}
        if all(hub["name"].strip() for hub in hubs) and _all_in(cities, hub_ids):
            return
    for hub in hubs:  # one fails: find it, and its message, record by record
        check_hub(path, hub, hub_ids)


def check_links(path: Path | str, links: Sequence[Mapping[str, Any]], hub_ids: set[str]) -> None:
    """Check every link record as :func:`check_link` does, a column at a time where all pass.

    Parameters
    ----------
    path
        The file (and layer) named in errors.
    links
        The link records, their ids checked (:func:`check_ids`).
    hub_ids
        Every hub id.

    Raises
    ------
    NetworkFileError
        For the first link :func:`check_link` fails, with its message.
    """
    starts, ends = [link.get("from_hub") for link in links], [link.get("to_hub") for link in links]
    ends_valid = _all_in(starts, hub_ids) and _all_in(ends, hub_ids) and all(a != b for a, b in zip(starts, ends, strict=True))
    if ends_valid and _fields_valid(links, schema.LINK_FIELDS) and not any(link["mode"] == "hsr" and link["freight"] for link in links):
        return
    for link in links:  # one fails: find it, and its message, record by record
        check_link(path, link, hub_ids)


def _fields_valid(records: Sequence[Mapping[str, Any]], fields: tuple[schema.Field, ...]) -> bool:
    """Whether every record passes :func:`_check_fields`, checked a field (column) at a time."""
    return all(schema.column_valid(_column(records, field.name), field) for field in fields)


def _column(records: Sequence[Mapping[str, Any]], name: str) -> list[Any]:
    """The value of ``name`` in each record, ``None`` where missing (by ``itemgetter`` while every record has it: twice as fast)."""
    try:
        return list(map(operator.itemgetter(name), records))
    except KeyError:
        return [record.get(name) for record in records]


def _all_in(values: Iterable[Any], known: set[str]) -> bool:
    """Whether every value is one of ``known`` (an unhashable value is not)."""
    try:
        return set(values) <= known
    except TypeError:
        return False


def check_hub(path: Path | str, hub: Mapping[str, Any], hub_ids: set[str]) -> None:
    """Check the fields of one hub record against :data:`corridor.schema.HUB_FIELDS`."""
    where = f"{path}: feature '{hub['id']}' field"
    _check_fields(where, hub, schema.HUB_FIELDS)
    if not hub["name"].strip():
        msg = f"{where} 'name': missing or empty"
        raise NetworkFileError(msg)
    city = hub.get("city")
    if city is not None and city not in hub_ids:
        msg = f"{where} 'city': unknown hub {city!r}{did_you_mean(city, hub_ids)}"
        raise NetworkFileError(msg)


def check_link(path: Path | str, link: Mapping[str, Any], hub_ids: set[str]) -> None:
    """Check the fields of one link record against :data:`corridor.schema.LINK_FIELDS` and the known hub ids."""
    where = f"{path}: feature '{link['id']}' field"
    for field in ("from_hub", "to_hub"):
        value = link.get(field)
        if value not in hub_ids:
            msg = f"{where} '{field}': unknown hub {value!r}{did_you_mean(value, hub_ids)}"
            raise NetworkFileError(msg)
    if link["from_hub"] == link["to_hub"]:
        msg = f"{where} 'to_hub': a link cannot join hub '{link['from_hub']}' to itself"
        raise NetworkFileError(msg)
    _check_fields(where, link, schema.LINK_FIELDS)
    if link["mode"] == "hsr" and link["freight"]:
        msg = f"{where} 'freight': high-speed rail carries no freight; set it to false or change the mode"
        raise NetworkFileError(msg)


def _check_fields(where: str, record: Mapping[str, Any], fields: tuple[schema.Field, ...]) -> None:
    """Required fields present, every declared field of its declared type and range."""
    for field in fields:
        value = record.get(field.name)
        if value is None and field.required:
            hint = f"; use one of {', '.join(field.choices)}" if field.choices else f"; give a {field.kind}"
            if field.kind == schema.NUMBER and field.positive:
                hint = "; give a number greater than 0"
            msg = f"{where} '{field.name}': missing{hint}"
            raise NetworkFileError(msg)
        schema.check_value(f"{where} '{field.name}'", value, field, NetworkFileError)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


