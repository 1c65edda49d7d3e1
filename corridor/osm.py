"""Import OpenStreetMap railways, motorways, ferries and waterways as a corridor network.

An OSM XML extract (``.osm``, ``.osm.bz2`` or ``.osm.gz``) is read offline with
:func:`osmnx.graph_from_xml`; a PBF extract (``.osm.pbf``) is read with pyosmium
in passes that keep only corridor ways, hub features and their nodes (see
:func:`read_osm_pbf`), into arrays that are split, snapped and simplified by
the same rules without a graph of every node (see
:func:`network_from_pbf`). Every way is classified into a corridor mode by
its tags (see :func:`classify_way`), ways no mode uses are dropped, missing
speeds are filled from :data:`DEFAULT_SPEEDS_KMH`, each mode becomes its own
network (a level crossing joins no rail line to a road), the topology is
simplified with :func:`osmnx.simplify_graph` (keeping nodes where the mode,
speed or profile flags change and where a hub is snapped), and the user's hubs
are snapped to the nearest node of each mode that serves their kind. Without a
hubs file, the hubs are the extract's own named railway stations, ports,
freight yards and places (see :func:`hubs_from_xml`).

The import (:func:`network_from_xml`, or :func:`network_from_pbf`; written
by ``corridor import-osm`` with :func:`corridor.io.save_network_gpkg`, as
any network) is a :class:`corridor.network.Network` of hubs and links, an
:class:`OsmNetwork` that also holds the notes of the import. Its hubs are
the user's hubs plus every network node as a hub of kind ``junction`` (id
``n<k>``, numbered after the user's hubs; where lines meet, never a trip's
end); its links are the network edges (one link per edge, both directions;
``oneway`` where OSM has one direction only; their own ``speed_kmh`` and
``freight``/``passenger`` flags; a ring with no other junction on it gives
none) and, for each snapped hub and mode, an access link from the hub to
its junction (the snap distance, at least :data:`MIN_ACCESS_M`).
:func:`corridor.graph.graph_from_network` builds the routing graph from it,
as from any network, so ``travel_time`` and ``cost`` follow any profile and
parameters. Links carry no opening years: every year sees them open.

OSM data is (c) OpenStreetMap contributors, ODbL 1.0: networks built from it
are derived databases; say so when you share them.
"""

from __future__ import annotations

import contextlib
import csv
import math
import re
import warnings
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any, Protocol, cast
from xml.etree.ElementTree import ParseError
from xml.sax import SAXException

import networkx as nx
import numpy as np
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon

from corridor import _validate, schema
from corridor._errors import CorridorError, NetworkFileError
from corridor.network import Network
from corridor.settings import CRS, JUNCTION, MODES

#: The ``source`` of every hub and link made from OpenStreetMap data.
OSM_SOURCE = "OpenStreetMap (© OpenStreetMap contributors, ODbL)"

#: Shortest access link between a hub and the node it is snapped to (m): a
#: hub on its node still gets a link of positive length, as the schema asks.
MIN_ACCESS_M = 5.0

_GEOD = Geod(ellps="WGS84")

#: OSM way tags kept on the raw edges (``osmnx.settings.useful_tags_way`` during import).
USEFUL_TAGS_WAY: tuple[str, ...] = (
    "railway", "highway", "route", "service", "usage", "maxspeed", "highspeed", "electrified", "name", "ref",
    "railway:traffic_mode", "waterway", "CEMT", "ship", "boat", "motorboat", "oneway", "junction", "duration",
)  # fmt: skip

#: OSM node tags kept on the raw nodes (station names help read the result).
USEFUL_TAGS_NODE: tuple[str, ...] = ("railway", "highway", "public_transport", "name", "ref")

#: A railway=rail way is high-speed rail when tagged ``highspeed=yes`` or when
#: its ``maxspeed`` is at least this (km/h; UIC: lines upgraded to 200 km/h).
HSR_MIN_SPEED_KMH = 200.0

#: Highway classes that make the expressway mode (China's expressways are
#: ``motorway``; national trunk roads ``trunk``) and their slip roads.
EXPRESSWAY_CLASSES: tuple[str, ...] = ("motorway", "trunk", "motorway_link", "trunk_link")

#: Railway ``service`` values of tracks that only freight uses (no passenger trains).
FREIGHT_ONLY_SERVICES: tuple[str, ...] = ("yard", "siding", "spur", "crossover")

#: ``waterway`` values that make the waterway mode: a fairway always; a river or
#: canal only when tagged navigable (``CEMT`` class, or ``ship``/``boat``/``motorboat=yes``).
WATERWAY_ALWAYS: tuple[str, ...] = ("fairway",)
WATERWAY_IF_NAVIGABLE: tuple[str, ...] = ("river", "canal")

#: Speed (km/h) of a way whose ``maxspeed`` is missing or unreadable, by class.
#: hsr: the lowest Chinese HSR design class (250 km/h lines) rather than 350;
#: rail: Chinese conventional main lines (120-160 km/h, the lower bound);
#: motorway: the Chinese expressway limit (120); trunk: national highways
#: (class-1 roads, 80-100; 80); slip roads 60 and 50 (ramp limits);
#: ferry: 16 knots (30 km/h), the sea feeder speed of ``model.toml``;
#: waterway: Yangtze container ships, 15 km/h. Freight speeds are capped by
#: ``model.toml`` (``freight.speed_kmh``) anyway; passenger speeds scale these.
DEFAULT_SPEEDS_KMH: dict[str, float] = {
    "hsr": 250.0,
    "rail": 120.0,
    "motorway": 120.0,
    "trunk": 80.0,
    "motorway_link": 60.0,
    "trunk_link": 50.0,
    "ferry": 30.0,
    "waterway": 15.0,
}

#: Modes each hub kind is snapped to (a hub file's ``modes`` column overrides it).
KIND_MODES: dict[str, tuple[str, ...]] = {
    "city": ("hsr", "rail", "expressway"),
    "rail_station": ("hsr", "rail"),
    "freight_yard": ("rail", "expressway"),
    "dry_port": ("rail", "expressway"),
    "river_port": ("waterway", "rail", "expressway"),
    "sea_port": ("sea", "rail", "expressway"),
    "border_crossing": ("rail", "expressway"),
}

#: A hub farther than this from every node of a mode gets no terminal of that mode (km).
MAX_SNAP_KM = 10.0

#: ``place=*`` values that may become ``city`` hubs of an import without a hubs
#: file (settlements, largest first; see :func:`hubs_from_xml`).
PLACE_RANKS: tuple[str, ...] = ("city", "town", "village", "hamlet", "suburb")

#: The place ranks taken by default: cities and towns.
DEFAULT_PLACES: tuple[str, ...] = ("city", "town")

#: ``station=*`` values of a ``railway=station`` that is no main-line station (metro, tram, funicular).
NON_MAINLINE_STATIONS: tuple[str, ...] = ("subway", "light_rail", "monorail", "funicular", "miniature", "tram")

#: Modes a port found in an extract is snapped to before its kind is known:
#: the nearer of ``sea`` and ``waterway`` makes it a ``sea_port`` or a ``river_port``.
EXTRACT_PORT_MODES: tuple[str, ...] = ("sea", "waterway", "rail", "expressway")

#: Two features of an extract with the same name closer than this are one hub
#: (a station's node and its area; a town's node and its boundary) (km).
SAME_HUB_KM = 5.0

#: What each category of :func:`hubs_from_xml` becomes (the hub kind).
EXTRACT_CATEGORY_KINDS: dict[str, str] = {"rail_station": "rail_station", "port": "sea_port", "freight_yard": "freight_yard", "place": "city"}

#: Modes that carry passengers in the model (``model.toml`` has no passenger
#: parameters for ships): sea and waterway edges are freight only.
PASSENGER_MODES: tuple[str, ...] = ("hsr", "rail", "expressway")

_MPH = 1.609344
_KNOT = 1.852
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_KNOTS = re.compile(r"\b(?:knots?|kn)\b", re.IGNORECASE)
_DURATION_ISO = re.compile(r"^P(?:T)?(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$", re.IGNORECASE)


def parse_maxspeed(value: Any) -> float | None:
    """Speed in km/h of an OSM ``maxspeed`` value, or ``None`` when it gives none.

    ``"120"``, ``"120 km/h"``, ``"70 mph"`` and ``"10 knots"`` (also ``"10 kn"``)
    are read; several values (``"80;100"``) give their mean; ``"none"``,
    ``"signals"`` and zone codes (``"CN:urban"``) give ``None``.

    Parameters
    ----------
    value
        The tag's value, or a list of values (osmnx keeps one where merged
        ways differ); ``None`` when the way has no ``maxspeed``.

    Returns
    -------
    float or None
        The speed (km/h; the mean of the positive values given), or ``None``
        when no positive number is found.
    """
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    speeds: list[float] = []
    for item in values:
        for part in re.split(r"[;|]", str(item)):
            number = _NUMBER.search(part)
            if number is None:
                continue
            unit = _MPH if "mph" in part.lower() else _KNOT if _KNOTS.search(part) else 1.0
            speed = float(number.group()) * unit
            if speed > 0:
                speeds.append(speed)
    return sum(speeds) / len(speeds) if speeds else None


def parse_duration_h(value: Any) -> float | None:
    """Hours of an OSM ``duration`` value (a ferry's crossing time), or ``None``.

    ``"HH:MM"``, ``"HH:MM:SS"``, ISO 8601 (``"PT1H30M"``) and plain minutes
    (``"45"``) are read, as the OSM wiki documents the key.

    Parameters
    ----------
    value
        The tag's value (of a list, the first is read); ``None`` when the
        way has no ``duration``.

    Returns
    -------
    float or None
        The duration (h), or ``None`` when the value is unreadable or not
        positive.
    """
    if value is None:
        return None
    text = str(_first(value)).strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) in (2, 3) and all(p.strip().isdigit() for p in parts):
            hours = sum(int(p) / 60.0**i for i, p in enumerate(parts))
            return hours if hours > 0 else None
        return None
    iso = _DURATION_ISO.match(text)
    if iso and any(iso.groups()):
        h, m, sec = (float(g) if g else 0.0 for g in iso.groups())
        hours = h + m / 60.0 + sec / 3600.0
        return hours if hours > 0 else None
    if _NUMBER.fullmatch(text):
        minutes = float(text)
        return minutes / 60.0 if minutes > 0 else None
    return None


def classify_way(tags: Mapping[str, Any]) -> tuple[str, str] | None:
    """Corridor mode and speed class of an OSM way, or ``None`` when no mode uses it.

    Rules, in order:

    - ``railway=rail`` with ``highspeed=yes`` or ``maxspeed`` >= :data:`HSR_MIN_SPEED_KMH`: ``hsr``;
    - other ``railway=rail``: ``rail``;
    - ``highway`` in :data:`EXPRESSWAY_CLASSES`: ``expressway``;
    - ``route=ferry``: ``sea``;
    - ``waterway`` in :data:`WATERWAY_ALWAYS`, or in :data:`WATERWAY_IF_NAVIGABLE`
      with a ``CEMT`` class or ``ship``/``boat``/``motorboat=yes``: ``waterway``.

    Parameters
    ----------
    tags
        The way's OSM tags (a value may be a list, of which the first is read).

    Returns
    -------
    tuple of str or None
        ``(mode, speed_class)``; the class keys :data:`DEFAULT_SPEEDS_KMH`.
    """
    railway, highway = _first(tags.get("railway")), _first(tags.get("highway"))
    if railway == "rail":
        speed = parse_maxspeed(tags.get("maxspeed"))
        if _first(tags.get("highspeed")) == "yes" or (speed is not None and speed >= HSR_MIN_SPEED_KMH):
            return "hsr", "hsr"
        return "rail", "rail"
    if highway in EXPRESSWAY_CLASSES:
        return "expressway", highway
    if _first(tags.get("route")) == "ferry":
        return "sea", "ferry"
    waterway = _first(tags.get("waterway"))
    if waterway in WATERWAY_ALWAYS or (waterway in WATERWAY_IF_NAVIGABLE and _navigable(tags)):
        return "waterway", "waterway"
    return None


def _navigable(tags: Mapping[str, Any]) -> bool:
    return bool(tags.get("CEMT")) or any(_first(tags.get(key)) == "yes" for key in ("ship", "boat", "motorboat"))


def _first(value: Any) -> Any:
    """One tag value (osmnx keeps a list where merged ways differ)."""
    return value[0] if isinstance(value, list) and value else value


def profile_flags(mode: str, tags: Mapping[str, Any]) -> tuple[bool, bool]:
    """``(freight, passenger)``: which profiles may use a way of ``mode``.

    High-speed rail carries no freight; ships carry no passengers in the model
    (see :data:`PASSENGER_MODES`); yards, sidings and spurs carry no
    passengers; ``railway:traffic_mode=freight|passenger`` restricts a line.

    Parameters
    ----------
    mode
        The way's corridor mode (see :func:`classify_way`).
    tags
        The way's OSM tags.

    Returns
    -------
    tuple of (bool, bool)
        ``(freight, passenger)``: whether each profile may use the way.
    """
    freight = mode != "hsr"
    passenger = mode in PASSENGER_MODES
    if mode == "rail":
        if _first(tags.get("service")) in FREIGHT_ONLY_SERVICES:
            passenger = False
        traffic = _first(tags.get("railway:traffic_mode"))
        if traffic == "freight":
            passenger = False
        elif traffic == "passenger":
            freight = False
    return freight, passenger


# -- reading -----------------------------------------------------------------


@contextlib.contextmanager
def _osmnx_tags() -> Iterator[None]:
    """Set osmnx's kept tags for the import and restore them afterwards."""
    import osmnx as ox

    saved = (ox.settings.useful_tags_way, ox.settings.useful_tags_node, ox.settings.log_console)
    ox.settings.useful_tags_way = list(USEFUL_TAGS_WAY)
    ox.settings.useful_tags_node = list(USEFUL_TAGS_NODE)
    ox.settings.log_console = False
    try:
        yield
    finally:
        ox.settings.useful_tags_way, ox.settings.useful_tags_node, ox.settings.log_console = saved


def read_osm_xml(path: str | Path) -> nx.MultiDiGraph:
    """Every way of an OSM XML file as an unsimplified osmnx graph (tags of :data:`USEFUL_TAGS_WAY`).

    osmnx's ``graph_from_xml`` has no tag filter: it turns every way into
    edges and keeps the tags named in ``osmnx.settings.useful_tags_way``, so
    railways and ferries survive as long as their tags are kept. Filtering
    happens afterwards in :func:`network_from_xml`.

    Parameters
    ----------
    path
        OSM XML extract (``.osm``, ``.osm.bz2``, ``.osm.gz``).

    Returns
    -------
    networkx.MultiDiGraph
        osmnx's unsimplified graph: an edge per way segment in each
        direction it may be travelled, with its ``length`` (m) and tags.

    Raises
    ------
    NetworkFileError
        When the file is missing, not OSM XML, truncated or holds no ways.
    """
    import osmnx as ox
    from osmnx._errors import InsufficientResponseError

    path = Path(path)
    if not path.is_file():
        msg = f"{path}: no such file; give an OSM XML extract (.osm, .osm.bz2 or .osm.gz)"
        raise NetworkFileError(msg)
    try:
        with _osmnx_tags(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = ox.graph_from_xml(path, simplify=False, retain_all=True, bidirectional=False)
    except (ParseError, SAXException) as exc:
        msg = f"{path}: not valid OSM XML: {' '.join(str(exc).split())}"
        raise NetworkFileError(msg) from None
    except InsufficientResponseError:
        msg = f"{path}: no OSM nodes or ways in the file"
        raise NetworkFileError(msg) from None
    except (OSError, EOFError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        msg = f"{path}: cannot read OSM XML ({type(exc).__name__}: {' '.join(str(exc).split())})"
        raise NetworkFileError(msg) from None
    return raw


#: ``(key, value)`` pairs of the ways :func:`classify_way` may give a mode: the
#: PBF reader lets pyosmium drop every other way before Python sees it.
CORRIDOR_WAY_TAGS: tuple[tuple[str, str], ...] = (
    ("railway", "rail"),
    *(("highway", value) for value in EXPRESSWAY_CLASSES),
    ("route", "ferry"),
    *(("waterway", value) for value in (*WATERWAY_ALWAYS, *WATERWAY_IF_NAVIGABLE)),
)


def is_pbf(path: str | Path) -> bool:
    """Whether ``path`` names an OSM PBF file (``.pbf``, as in ``.osm.pbf``).

    Parameters
    ----------
    path
        A file name; only its suffix is looked at (case-insensitive).

    Returns
    -------
    bool
        True when the name ends in ``.pbf``.
    """
    return Path(path).name.lower().endswith(".pbf")


@dataclass(frozen=True)
class OsmWays:
    """The corridor ways of an extract and the nodes they use, held in arrays.

    Attributes
    ----------
    node_ids, lon, lat
        The nodes the ways use, in the file's order (int64, float64, float64).
    node_names
        The ``name`` tag of the named ones, by node id.
    way_ids
        The ways, in the file's order (int64).
    way_tags
        Each way's tags of :data:`USEFUL_TAGS_WAY`.
    refs, starts
        The ways' node ids end to end, consecutive repeats dropped as osmnx
        drops them: way ``i`` is ``refs[starts[i]:starts[i + 1]]``.
    """

    node_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    node_names: dict[int, str]
    way_ids: np.ndarray
    way_tags: list[dict[str, str]]
    refs: np.ndarray
    starts: np.ndarray


def read_osm_pbf(path: str | Path) -> OsmWays:
    """The corridor ways of an OSM PBF file and their nodes, in arrays.

    Read with pyosmium in two passes, so that memory grows with what is
    kept, not with the file: first the ways, filtered by
    :data:`CORRIDOR_WAY_TAGS` inside pyosmium (and :func:`classify_way` in
    Python); then only the nodes those ways use (filtered by id inside
    pyosmium). A kept node costs 24 bytes and a name; no Python object is
    made per node.

    Parameters
    ----------
    path
        OSM PBF extract (``.osm.pbf``).

    Returns
    -------
    OsmWays
        Ways and nodes in the file's order.

    Raises
    ------
    NetworkFileError
        When the file is missing or not a readable PBF file.
    CorridorError
        When pyosmium is not installed.
    """
    osmium = _osmium()
    path = _existing_pbf(path)
    way_ids, refs, starts = array("q"), array("q"), array("q", [0])
    way_tags: list[dict[str, str]] = []
    node_ids, lon, lat = array("q"), array("d"), array("d")
    names: dict[int, str] = {}
    try:
        for way in _pbf_objects(path, osmium.osm.WAY, osmium.filter.TagFilter(*CORRIDOR_WAY_TAGS)):
            tags = {t.k: t.v for t in way.tags}
            if classify_way(tags) is None:
                continue
            way_ids.append(way.id)
            way_tags.append({key: tags[key] for key in USEFUL_TAGS_WAY if key in tags})
            refs.extend(ref for ref, _ in groupby(node.ref for node in way.nodes))
            starts.append(len(refs))
        if refs:
            for node in _pbf_objects(path, osmium.osm.NODE, osmium.filter.IdFilter(set(refs))):
                node_ids.append(node.id)
                lon.append(node.location.lon)
                lat.append(node.location.lat)
                if node.tags.get("name"):
                    names[node.id] = node.tags.get("name")
    except RuntimeError as exc:
        raise _unreadable_pbf(path, exc) from None
    as_array = np.frombuffer
    return OsmWays(
        node_ids=as_array(node_ids, np.int64), lon=as_array(lon, np.float64), lat=as_array(lat, np.float64), node_names=names,
        way_ids=as_array(way_ids, np.int64), way_tags=way_tags, refs=as_array(refs, np.int64), starts=as_array(starts, np.int64),
    )  # fmt: skip


def _existing_pbf(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        msg = f"{path}: no such file; give an OSM PBF extract (.osm.pbf) or XML (.osm, .osm.bz2, .osm.gz)"
        raise NetworkFileError(msg)
    return path


def _unreadable_pbf(path: Path, exc: RuntimeError) -> NetworkFileError:
    return NetworkFileError(f"{path}: cannot read OSM PBF ({' '.join(str(exc).split())})")


def _pbf_hub_elements(path: Path) -> list[dict[str, Any]]:
    """Elements of the hub features of a PBF file: tagged nodes, ways and relations, and what they are made of."""
    osmium = _osmium()

    keys = list(_HUB_TAGS)
    relations = [_relation_element(rel) for rel in _pbf_objects(path, osmium.osm.RELATION, osmium.filter.KeyFilter(*keys))]
    members = {m["ref"] for rel in relations for m in rel["members"] if m["type"] == "way"}
    ways = {way["id"]: way for way in map(_way_element, _pbf_objects(path, osmium.osm.WAY, osmium.filter.KeyFilter(*keys)))}
    if members - set(ways):
        extra = _pbf_objects(path, osmium.osm.WAY, osmium.filter.IdFilter(members - set(ways)))
        ways.update((way["id"], way) for way in map(_way_element, extra))
    tagged = {node.id: _node_element(node) for node in _pbf_objects(path, osmium.osm.NODE, osmium.filter.KeyFilter(*keys))}
    untagged = _pbf_nodes(path, {ref for way in ways.values() for ref in way["nodes"]} - set(tagged))
    return [*tagged.values(), *untagged.values(), *ways.values(), *relations]


def _pbf_nodes(path: Path, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Node elements of the given ids, in file order (one pass, filtered by id inside pyosmium)."""
    osmium = _osmium()

    if not ids:
        return {}
    return {node.id: _node_element(node) for node in _pbf_objects(path, osmium.osm.NODE, osmium.filter.IdFilter(ids))}


def _pbf_objects(path: Path, entity: Any, keep: Any) -> Iterator[Any]:
    """The objects of one kind that pass a pyosmium filter, read in one pass over the file."""
    yield from _osmium().FileProcessor(str(path), entity).with_filter(keep)


def _osmium() -> Any:
    """The pyosmium module, or an error that says how to install it."""
    try:
        import osmium
    except ImportError:
        msg = "reading .osm.pbf needs pyosmium: pip install 'corridor[scale]' (or give an OSM XML extract)"
        raise CorridorError(msg) from None
    return osmium


def _node_element(node: Any) -> dict[str, Any]:
    return {"type": "node", "id": node.id, "lat": node.location.lat, "lon": node.location.lon, "tags": {t.k: t.v for t in node.tags}}


def _way_element(way: Any) -> dict[str, Any]:
    return {"type": "way", "id": way.id, "nodes": [ref.ref for ref in way.nodes], "tags": {t.k: t.v for t in way.tags}}


def _relation_element(relation: Any) -> dict[str, Any]:
    kinds = {"n": "node", "w": "way", "r": "relation"}
    members = [{"type": kinds[m.type], "ref": m.ref, "role": m.role} for m in relation.members]
    return {"type": "relation", "id": relation.id, "members": members, "tags": {t.k: t.v for t in relation.tags}}


def read_hubs(path: str | Path) -> list[dict[str, Any]]:
    """Hub records from a GeoJSON file of points or a CSV file.

    Fields: ``id``, ``name``, ``kind`` (one of ``HUB_KINDS``) and, optionally,
    ``name_zh``, ``pinyin``, ``aliases`` (CSV: separated by ``;``), ``city``
    (id of the hub of the city centre), ``country`` and ``modes`` (to snap
    to, CSV: separated by ``;``; default by kind, :data:`KIND_MODES`). A CSV
    gives the position in ``lon`` and ``lat`` columns.

    Parameters
    ----------
    path
        A ``.geojson`` (or ``.json``) FeatureCollection of points, or a ``.csv`` file.

    Returns
    -------
    list of dict
        One record per hub, in the file's order, with every field above
        (``aliases`` and ``modes`` as lists; empty optional fields as ``""``,
        ``city`` defaulting to the hub's own id) and ``lon``, ``lat`` in degrees.

    Raises
    ------
    NetworkFileError
        Naming the file, the record and the field of the first problem.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        features = _validate.read_feature_collection(path, "Point")
        records = [{**f["properties"], "lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1]} for f in features]
    elif suffix == ".csv":
        records = _read_hub_csv(path)
    else:
        msg = f"{path}: unknown hubs format '{suffix}'; give a .geojson or .csv file"
        raise NetworkFileError(msg)
    _validate.check_ids(path, records)
    if not records:
        msg = f"{path}: no hubs; give at least two"
        raise NetworkFileError(msg)
    ids = {r["id"] for r in records}
    hubs = []
    for record in records:
        record = {k: (None if v == "" else v) for k, v in record.items()}
        _validate.check_hub(path, record, ids)
        if record["kind"] == JUNCTION:
            msg = f"{path}: feature '{record['id']}' field 'kind': 'junction' is for the nodes of an imported network; use one of {', '.join(KIND_MODES)}"
            raise NetworkFileError(msg)
        where = f"{path}: feature '{record['id']}' field"
        for field, low, high in (("lon", -180.0, 180.0), ("lat", -90.0, 90.0)):
            try:
                value = float(record.get(field, math.nan))  # None (an empty cell) raises TypeError
            except (TypeError, ValueError):
                value = math.nan
            if not low <= value <= high:
                msg = f"{where} '{field}': {record.get(field)!r} is not a number between {low:g} and {high:g}"
                raise NetworkFileError(msg)
            record[field] = value
        modes = _listed(record.get("modes")) or list(KIND_MODES[record["kind"]])
        for mode in modes:
            if mode not in MODES:
                msg = f"{where} 'modes': unknown mode {mode!r}; use some of {', '.join(MODES)}"
                raise NetworkFileError(msg)
        hubs.append(
            {
                "id": record["id"],
                "name": record["name"],
                "name_zh": record.get("name_zh") or "",
                "pinyin": record.get("pinyin") or "",
                "aliases": _listed(record.get("aliases")),
                "kind": record["kind"],
                "city": record.get("city") or record["id"],
                "country": record.get("country") or "",
                "modes": modes,
                "lon": record["lon"],
                "lat": record["lat"],
            }
        )
    return hubs


def _read_hub_csv(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"id", "name", "kind", "lon", "lat"} - set(reader.fieldnames or ())
            if missing:
                msg = f"{path}: missing column(s) {', '.join(sorted(missing))}; a hubs CSV needs id,name,kind,lon,lat"
                raise NetworkFileError(msg)
            return [{k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        msg = f"{path}: cannot read CSV: {exc}"
        raise NetworkFileError(msg) from None


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).split(";") if part.strip()]


# -- hubs from the extract ---------------------------------------------------------

_HUB_TAGS: dict[str, bool | str | list[str]] = {
    "railway": ["station", "yard"], "public_transport": "station", "landuse": ["port", "railway"],
    "harbour": "yes", "industrial": "port", "place": list(PLACE_RANKS),
}  # fmt: skip
_CJK = re.compile(r"[\u3400-\u9fff]")
_SLUG = re.compile(r"[^a-z0-9]+")


def extract_category(tags: Mapping[str, Any], *, places: Iterable[str] = DEFAULT_PLACES) -> str | None:
    """What an OSM feature is as a hub of an import without a hubs file, or ``None``.

    Rules, in order (the feature's name is not looked at here):

    - ``railway=station``, or ``public_transport=station`` with ``train=yes``,
      unless ``station`` is one of :data:`NON_MAINLINE_STATIONS`: ``rail_station``;
    - ``landuse=port``, ``industrial=port`` or ``harbour=yes``: ``port``;
    - ``railway=yard`` or ``landuse=railway``: ``freight_yard``;
    - ``place`` in ``places`` (ranks of :data:`PLACE_RANKS`): ``place``.

    Parameters
    ----------
    tags
        The feature's OSM tags (a value may be a list, of which the first is read).
    places
        ``place=*`` ranks that count (default :data:`DEFAULT_PLACES`).

    Returns
    -------
    str or None
        ``"rail_station"``, ``"port"``, ``"freight_yard"`` or ``"place"``
        (the keys of :data:`EXTRACT_CATEGORY_KINDS`), or ``None``.
    """
    value = {key: _text(_first(tags.get(key))) for key in ("railway", "public_transport", "train", "station", "landuse", "industrial", "harbour", "place")}
    station = value["railway"] == "station" or (value["public_transport"] == "station" and value["train"] == "yes")
    if station and value["station"] not in NON_MAINLINE_STATIONS:
        return "rail_station"
    if value["landuse"] == "port" or value["industrial"] == "port" or value["harbour"] == "yes":
        return "port"
    if value["railway"] == "yard" or value["landuse"] == "railway":
        return "freight_yard"
    if value["place"] and value["place"] in set(places):
        return "place"
    return None


def hubs_from_xml(path: str | Path, *, places: Iterable[str] = DEFAULT_PLACES) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Hub records of the named stations, ports, freight yards and places of an OSM XML extract.

    Features are read with :func:`osmnx.features_from_xml` and sorted by
    :func:`extract_category`; a way or relation stands at its centroid. A
    hub's name is ``name:en`` where given, else ``name``; its ``name_zh`` is
    ``name:zh``, else a ``name`` in Chinese script; ``name``, ``int_name``,
    ``official_name`` and ``alt_name`` are aliases.
    Features without a ``name`` are left out. Of features of one category
    with the same name within :data:`SAME_HUB_KM`, the first (nodes come
    first) is kept; a ``landuse=railway`` area named like a station nearby is
    that station's grounds, not a freight yard.

    Parameters
    ----------
    path
        OSM XML extract (``.osm``, ``.osm.bz2``, ``.osm.gz``).
    places
        ``place=*`` ranks that become ``city`` hubs (some of :data:`PLACE_RANKS`;
        default :data:`DEFAULT_PLACES`); empty for none.

    Returns
    -------
    tuple of (list of dict, dict)
        The hub records, as :func:`read_hubs` returns them (plus ``population``
        from the tag and ``source``), with ids made from the English or Latin
        name (``osm_<element>_<id>``, e.g. ``osm_node_62``, where there is none); ports are snapped to
        :data:`EXTRACT_PORT_MODES` and get their kind when snapped (see
        :func:`network_from_xml`). Then the counts: ``found`` by
        category (``rail_station``, ``port``, ``freight_yard``, ``place``),
        ``unnamed`` (features left out) and ``places`` (the ranks taken).

    Raises
    ------
    CorridorError
        For a place rank not in :data:`PLACE_RANKS`.
    NetworkFileError
        For an unreadable file.
    """
    import osmnx as ox
    from osmnx._errors import InsufficientResponseError

    ranks = _place_ranks(places)
    path = Path(path)
    try:
        with _osmnx_tags(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            features = ox.features_from_xml(path, tags=_HUB_TAGS)
    except InsufficientResponseError:
        features = None
    except (ParseError, SAXException, OSError, EOFError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        msg = f"{path}: cannot read OSM XML ({type(exc).__name__}: {' '.join(str(exc).split())})"
        raise NetworkFileError(msg) from None
    return _hubs_from_features(features, ranks)


def hubs_from_pbf(path: str | Path, *, places: Iterable[str] = DEFAULT_PLACES) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Hub records of an OSM PBF extract: :func:`hubs_from_xml` for ``.osm.pbf``.

    pyosmium reads the relations, ways and nodes tagged as hubs (see
    :func:`extract_category`), then the ways and nodes they are made of,
    each pass filtered inside pyosmium; osmnx makes the features as it does of XML.

    Parameters
    ----------
    path
        OSM PBF extract (``.osm.pbf``).
    places
        ``place=*`` ranks that become ``city`` hubs (some of :data:`PLACE_RANKS`;
        default :data:`DEFAULT_PLACES`); empty for none.

    Returns
    -------
    tuple of (list of dict, dict)
        The hub records and counts, as :func:`hubs_from_xml` returns them.

    Raises
    ------
    CorridorError
        For a place rank not in :data:`PLACE_RANKS`, or when pyosmium is not installed.
    NetworkFileError
        When the file is missing or not a readable PBF file.
    """
    ranks = _place_ranks(places)
    path = _existing_pbf(path)
    try:
        elements = _pbf_hub_elements(path)
    except RuntimeError as exc:
        raise _unreadable_pbf(path, exc) from None
    return _hubs_from_elements(elements, ranks)


def _hubs_from_elements(elements: list[dict[str, Any]], ranks: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Hubs of Overpass-like elements, through osmnx's features as :func:`osmnx.features_from_xml` makes them."""
    from osmnx import features as ox_features
    from osmnx._errors import InsufficientResponseError

    try:
        with _osmnx_tags(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            features = ox_features._create_gdf([{"elements": elements}], Polygon(), _HUB_TAGS)
    except InsufficientResponseError:
        features = None
    return _hubs_from_features(features, ranks)


def _hubs_from_features(features: Any, ranks: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Hub records and counts of :func:`hubs_from_xml` from its GeoDataFrame of OSM features (``None``: none)."""
    from corridor.hubs import normalise_name

    found = dict.fromkeys(EXTRACT_CATEGORY_KINDS, 0)
    counts: dict[str, Any] = {"found": found, "unnamed": 0, "places": ranks}
    if features is None or features.empty:
        return [], counts
    columns = list(features.columns)
    order = list(EXTRACT_CATEGORY_KINDS)
    candidates = []  # (category, element, osm id, tags, geometry), stations first, nodes first within a category
    for (element, osmid), row in zip(features.index, features.itertuples(index=False), strict=True):
        tags = {key: value for key, value in zip(columns, row, strict=True) if key != "geometry" and _text(value)}
        category = extract_category(tags, places=ranks)
        if category is not None:
            candidates.append((category, element, osmid, tags, row[columns.index("geometry")]))
    candidates.sort(key=lambda item: order.index(item[0]))
    kept: list[tuple[str, str, float, float]] = []  # (category, normalised name, lon, lat)
    hubs: list[dict[str, Any]] = []
    ids: set[str] = set()
    for category, element, osmid, tags, geometry in candidates:
        name = _text(tags.get("name")).strip()
        if not name:
            counts["unnamed"] += 1
            continue
        point = geometry.centroid
        lon, lat, key = float(point.x), float(point.y), normalise_name(name)
        rivals = ("rail_station", "port", "freight_yard") if category == "freight_yard" else (category,)
        if any(c in rivals and k == key and _GEOD.inv(lon, lat, x, y)[2] <= SAME_HUB_KM * 1000.0 for c, k, x, y in kept):
            continue
        kept.append((category, key, lon, lat))
        found[category] += 1
        hubs.append(_extract_hub(tags, name, category, f"osm_{element}_{osmid}", ids, lon, lat))
    return hubs, counts


def parse_places(text: str) -> tuple[str, ...]:
    """Place ranks of a comma-separated ``--places`` value (``"city,town"``; ``"none"``: no places).

    Parameters
    ----------
    text
        The option's value; case and spaces around the commas are ignored.

    Returns
    -------
    tuple of str
        The ranks in the order given, repeats dropped; empty for ``"none"``.

    Raises
    ------
    CorridorError
        When the value names no rank, or a rank not in :data:`PLACE_RANKS`.
    """
    ranks = [part.strip().lower() for part in text.split(",") if part.strip()]
    if ranks == ["none"]:
        return ()
    if not ranks:
        msg = f"--places {text!r} names no place rank; give some of {', '.join(PLACE_RANKS)} separated by commas, or none"
        raise CorridorError(msg)
    return tuple(_place_ranks(ranks))


def _place_ranks(places: Iterable[str]) -> list[str]:
    ranks = list(dict.fromkeys(places))
    unknown = [rank for rank in ranks if rank not in PLACE_RANKS]
    if unknown:
        msg = f"--places {unknown[0]!r}: not a place rank; use some of {', '.join(PLACE_RANKS)}, or none"
        raise CorridorError(msg)
    return ranks


def _extract_hub(tags: Mapping[str, Any], name: str, category: str, fallback: str, ids: set[str], lon: float, lat: float) -> dict[str, Any]:
    """One hub record of :func:`hubs_from_xml`; ``ids`` (taken ids) gains its id."""
    english = _text(tags.get("name:en")).strip()
    slug = _SLUG.sub("_", (english or name).casefold()).strip("_")
    local, name = name, english or name
    base = slug if slug and slug.isascii() and not re.fullmatch(r"n\d+", slug) else fallback
    hub_id, count = base, 1
    while hub_id in ids:
        count += 1
        hub_id = f"{base}_{count}"
    ids.add(hub_id)
    aliases = [local] + [_text(tags.get(key)).strip() for key in ("int_name", "official_name")]
    aliases += [part.strip() for part in _text(tags.get("alt_name")).split(";")]
    population = _NUMBER.search(_text(tags.get("population")).replace(",", ""))
    people = float(population.group()) if population else None
    kind = EXTRACT_CATEGORY_KINDS[category]
    return {
        "id": hub_id,
        "name": name,
        "name_zh": _text(tags.get("name:zh")) or (local if _CJK.search(local) else ""),
        "pinyin": _text(tags.get("name:zh-Latn-pinyin")),
        "aliases": [alias for alias in dict.fromkeys(aliases) if alias and alias != name],
        "kind": kind,
        "city": hub_id,
        "country": "",
        "modes": list(EXTRACT_PORT_MODES if category == "port" else KIND_MODES[kind]),
        "lon": lon,
        "lat": lat,
        "population": people if people is not None and 0 <= people <= 50_000_000 else None,
        "source": OSM_SOURCE,
        "category": category,
    }


def _settle_ports(
    hubs: list[dict[str, Any]],
    snaps: dict[tuple[str, str], tuple[int, float]],
    unsnapped: list[tuple[str, str, float]],
    isolated: list[tuple[str, str, float, int]],
) -> tuple[list[tuple[str, str, float]], list[tuple[str, str, float, int]]]:
    """Make each port of an extract a sea or river port by the nearer of its sea and waterway terminals.

    The other water terminal, and notes about it, are dropped; a port with
    neither stays a ``sea_port``. ``hubs`` and ``snaps`` change in place;
    returns the remaining ``unsnapped`` and ``isolated`` notes.
    """
    dropped: set[tuple[str, str]] = set()
    for hub in hubs:
        if hub.get("category") != "port":
            continue
        sea, river = snaps.get((hub["id"], "sea")), snaps.get((hub["id"], "waterway"))
        water = "waterway" if river is not None and (sea is None or river[1] < sea[1]) else "sea"
        other = "sea" if water == "waterway" else "waterway"
        snaps.pop((hub["id"], other), None)
        dropped.add((hub["id"], other))
        hub["kind"] = "river_port" if water == "waterway" else "sea_port"
        hub["modes"] = [mode for mode in hub["modes"] if mode != other]
    return [u for u in unsnapped if (u[0], u[1]) not in dropped], [i for i in isolated if (i[0], i[1]) not in dropped]


# -- building ------------------------------------------------------------------


def network_from_xml(
    path: str | Path,
    hubs: str | Path | list[dict[str, Any]] | None = None,
    *,
    places: Iterable[str] | None = None,
    max_snap_km: float = MAX_SNAP_KM,
    on_step: Callable[[str], None] | None = None,
) -> OsmNetwork:
    """The network of an OSM XML file with the user's hubs: hubs, junctions, links and access links.

    Parameters
    ----------
    path
        OSM XML extract (``.osm``, ``.osm.bz2``, ``.osm.gz``).
    hubs
        A hubs file (see :func:`read_hubs`) or its records. ``None``: the
        hubs of the extract itself, its named stations, ports, freight yards
        and places (see :func:`hubs_from_xml`); a port becomes a ``sea_port``
        or a ``river_port`` by the nearer of its sea and waterway terminals.
    places
        Without ``hubs``, the ``place=*`` ranks that become ``city`` hubs
        (default :data:`DEFAULT_PLACES`; empty for none).
    max_snap_km
        A hub gets a terminal of a mode only when a node of that mode lies
        within this distance.
    on_step
        Called with the name of each step as it starts (for a live status).

    Returns
    -------
    OsmNetwork
        The hubs, then a ``junction`` hub per network node; the network's
        links (their own ``speed_kmh``, ``freight`` and ``passenger``
        flags, ``oneway``), then the access links (see the module
        docstring). Its ``unsnapped``, ``isolated`` and ``hubs_found``
        note what the import could not do and where the hubs came from.
        :func:`corridor.graph.graph_from_network` builds its routing graph
        for a profile.

    Raises
    ------
    NetworkFileError
        For an unreadable extract or hubs file, one with no way of any
        corridor mode, or, without ``hubs``, one with no named station, port,
        yard or place; a ``max_snap_km`` that is not a positive number; or a
        hub whose id is also a junction's.
    CorridorError
        For ``places`` given with ``hubs``, or a rank not in :data:`PLACE_RANKS`.
    """
    path = Path(path)
    return _import(
        path, hubs, lambda: read_osm_xml(path), _SplitGraph.of_raw, lambda ranks: hubs_from_xml(path, places=ranks),
        reading="reading OSM XML", places=places, max_snap_km=max_snap_km, on_step=on_step,
    )  # fmt: skip


def network_from_pbf(
    path: str | Path,
    hubs: str | Path | list[dict[str, Any]] | None = None,
    *,
    places: Iterable[str] | None = None,
    max_snap_km: float = MAX_SNAP_KM,
    on_step: Callable[[str], None] | None = None,
) -> OsmNetwork:
    """The network of an OSM PBF file: :func:`network_from_xml` for ``.osm.pbf``.

    The corridor ways and their nodes are read into arrays by
    :func:`read_osm_pbf` and split, snapped and simplified in arrays (see
    :class:`_SplitWays`): no graph of the unsimplified network is built,
    so peak memory follows the corridor network, not the size of the
    extract, at about 1 KB per kept node. The same data as XML gives the
    same network (``tests/test_osm.py`` compares them).

    Parameters
    ----------
    path
        OSM PBF extract (``.osm.pbf``).
    hubs
        A hubs file (see :func:`read_hubs`) or its records; ``None``: the
        hubs of the extract itself (see :func:`hubs_from_pbf`).
    places
        Without ``hubs``, the ``place=*`` ranks that become ``city`` hubs
        (default :data:`DEFAULT_PLACES`; empty for none).
    max_snap_km
        A hub gets a terminal of a mode only when a node of that mode lies
        within this distance.
    on_step
        Called with the name of each step as it starts (for a live status).

    Returns
    -------
    OsmNetwork
        The network :func:`network_from_xml` describes.

    Raises
    ------
    NetworkFileError
        As :func:`network_from_xml`, and when a way uses a node the
        file does not hold.
    CorridorError
        As :func:`network_from_xml`, and when pyosmium is not installed.
    """
    path = Path(path)
    return _import(
        path, hubs, lambda: read_osm_pbf(path), lambda ways: _SplitWays.of_ways(ways, path),
        lambda ranks: hubs_from_pbf(path, places=ranks), reading="reading OSM PBF (corridor ways, then their nodes)",
        places=places, max_snap_km=max_snap_km, on_step=on_step,
    )  # fmt: skip


def _import(
    path: Path,
    hubs: str | Path | list[dict[str, Any]] | None,
    read: Callable[[], Any],
    split_by_mode: Callable[[Any], _SplitNetwork],
    extract_hubs: Callable[[list[str]], tuple[list[dict[str, Any]], dict[str, Any]]],
    *,
    reading: str,
    places: Iterable[str] | None,
    max_snap_km: float,
    on_step: Callable[[str], None] | None,
) -> OsmNetwork:
    """The steps of :func:`network_from_xml`: ``read`` the file (step ``reading``), then ``split_by_mode`` what it read."""
    if not (isinstance(max_snap_km, int | float) and math.isfinite(max_snap_km) and max_snap_km > 0):
        msg = f"--max-snap-km {max_snap_km!r}: give a positive distance in km (a hub farther than this from a mode gets no terminal)"
        raise NetworkFileError(msg)
    step = on_step or (lambda _name: None)
    if hubs is not None and places is not None:
        msg = "--places picks the places of the extract as hubs; with --hubs the hubs file gives every hub (drop one of the two)"
        raise CorridorError(msg)
    ranks = _place_ranks(DEFAULT_PLACES if places is None else places)
    hub_records = read_hubs(hubs) if isinstance(hubs, str | Path) else None if hubs is None else list(hubs)
    step(reading)
    raw = read()
    step("classifying ways by mode")
    split = split_by_mode(raw)
    del raw  # the reader's structures go before the next step builds its own
    if split.edge_count == 0:
        msg = (
            f"{path}: no railway=rail, highway=motorway/trunk, route=ferry or navigable waterway ways; "
            "nothing to import (is this the right extract?)"
        )
        raise NetworkFileError(msg)
    hubs_found = None
    if hub_records is None:
        step("finding stations, ports, yards and places")
        hub_records, hubs_found = extract_hubs(ranks)
        if not hub_records:
            searched = ", ".join(hubs_found["places"]) or "none"
            msg = (
                f"{path}: no named railway station, port, freight yard or place ({searched}) to use as a hub; "
                "give --hubs, or more place ranks with --places (e.g. city,town,village)"
            )
            raise NetworkFileError(msg)
    step("snapping hubs")
    snaps, unsnapped, isolated = _snap_hubs(split, hub_records, max_snap_km)
    unsnapped, isolated = _settle_ports(hub_records, snaps, unsnapped, isolated)
    hub_at: dict[int, str] = {}
    for (hub, _mode), (node, _metres) in snaps.items():
        hub_at.setdefault(node, hub)
    step("simplifying")
    simple = split.simplify(hub_at)
    del split
    step("building the network")
    return _osm_network(simple, hub_records, snaps, source=str(path), unsnapped=unsnapped, isolated=isolated, hubs_found=hubs_found)


def _way_attributes(tags: Mapping[str, Any], timed_km: float | None) -> dict[str, Any] | None:
    """Mode, class, speed, profile flags, name and ref of a way's edges, or ``None`` when no mode uses it.

    ``timed_km``: the way's length when it carries a ``duration`` (a ferry
    crossing then takes its published time).
    """
    found = classify_way(tags)
    if found is None:
        return None
    mode, speed_class = found
    own = parse_maxspeed(tags.get("maxspeed"))
    speed, speed_source = (own, "maxspeed") if own is not None else (DEFAULT_SPEEDS_KMH[speed_class], "default")
    hours = parse_duration_h(tags.get("duration"))
    if hours is not None and timed_km:
        speed, speed_source = timed_km / hours, "duration"
    freight, passenger = profile_flags(mode, tags)
    return {
        "mode": mode, "osm_class": speed_class, "speed_kmh": float(speed), "speed_source": speed_source,
        "freight": freight, "passenger": passenger, "name": _text(tags.get("name")), "ref": _text(tags.get("ref")),
    }  # fmt: skip


#: Edge attributes whose change keeps a node in the simplified graph.
_SIMPLIFY_DIFFER: tuple[str, ...] = ("mode", "speed_kmh", "freight", "passenger")


class _SplitNetwork(Protocol):
    """The network split by mode (one node per OSM node and mode, numbered 0..n-1), before simplification."""

    x: np.ndarray
    y: np.ndarray
    mode: np.ndarray

    @property
    def edge_count(self) -> int:
        """Edges of the network."""
        ...

    def piece_sizes(self) -> np.ndarray:
        """Nodes in the connected piece of network of each node."""
        ...

    def simplify(self, hub_at: dict[int, str]) -> nx.MultiDiGraph:
        """The simplified graph, keeping the nodes of ``hub_at`` (node: its hub)."""
        ...


class _SplitGraph:
    """The split network of an XML extract as a networkx graph, simplified by :func:`osmnx.simplify_graph`."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self.x = np.fromiter((d["x"] for d in graph.nodes.values()), float, count=len(graph))
        self.y = np.fromiter((d["y"] for d in graph.nodes.values()), float, count=len(graph))
        self.mode = np.array([d["mode"] for d in graph.nodes.values()], dtype=str)

    @property
    def edge_count(self) -> int:
        return int(self.graph.number_of_edges())

    @classmethod
    def of_raw(cls, raw: nx.MultiDiGraph) -> _SplitGraph:
        """Keep the ways a mode uses, one node per (OSM node, mode), with speeds and flags."""
        graph: nx.MultiDiGraph = nx.MultiDiGraph(crs=CRS)
        ids: dict[tuple[str, int], int] = {}
        raw_nodes = raw.nodes
        way_km = _timed_way_km(raw)
        for u, v, data in raw.edges(data=True):
            way = _way_attributes(data, way_km.get(str(data.get("osmid"))))
            if way is None:
                continue
            ends = []
            for osm in (u, v):
                node = ids.get((way["mode"], osm))
                if node is None:
                    node = ids[way["mode"], osm] = len(ids)
                    attrs = raw_nodes[osm]
                    graph.add_node(node, x=attrs["x"], y=attrs["y"], mode=way["mode"], osm_id=int(osm), name=str(attrs.get("name") or ""))
                ends.append(node)
            graph.add_edge(
                ends[0], ends[1], **way, length=float(data["length"]), osmid=data.get("osmid"),
                oneway=bool(data.get("oneway", False)), reversed=bool(data.get("reversed", False)),
            )  # fmt: skip
        return cls(graph)

    def piece_sizes(self) -> np.ndarray:
        """Nodes in the connected piece of network of each node."""
        sizes = np.zeros(len(self.graph), dtype=np.int64)
        for nodes in nx.weakly_connected_components(self.graph):
            sizes[list(nodes)] = len(nodes)
        return sizes

    def simplify(self, hub_at: dict[int, str]) -> nx.MultiDiGraph:
        """:func:`osmnx.simplify_graph`, keeping hub nodes and nodes where :data:`_SIMPLIFY_DIFFER` changes."""
        import osmnx as ox

        for node, hub in hub_at.items():
            self.graph.nodes[node]["hub"] = hub
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ox.simplify_graph(self.graph, node_attrs_include=["hub"], edge_attrs_differ=list(_SIMPLIFY_DIFFER), remove_rings=False)


def _timed_way_km(raw: nx.MultiDiGraph) -> dict[str, float]:
    """Length (km) of each way that carries a ``duration`` tag, one direction counted."""
    km: dict[str, float] = {}
    for _, _, data in raw.edges(data=True):
        if data.get("duration") is not None and not data.get("reversed", False):
            key = str(data.get("osmid"))
            km[key] = km.get(key, 0.0) + float(data["length"]) / 1000.0
    return km


#: ``oneway`` values osmnx reads as one-way, and as one-way against the way's direction.
_ONEWAY_VALUES = frozenset({"yes", "true", "1", "-1", "reverse", "T", "F"})
_REVERSED_VALUES = frozenset({"-1", "reverse", "T"})


@dataclass
class _SplitWays:
    """The split network of a PBF extract in arrays: what :class:`_SplitGraph` holds, at a fraction of the memory.

    Built from :class:`OsmWays` by the rules osmnx builds and simplifies its
    graph by (edge order, edge keys, which nodes are endpoints, how merged
    edges' attributes combine), so the simplified graph is the one
    :func:`osmnx.simplify_graph` makes of the same data; only the simplified
    graph is ever a networkx graph. Edges are in the order osmnx's graph
    lists them; node ``i`` is the ``i``-th node met along them.
    """

    x: np.ndarray
    y: np.ndarray
    mode: np.ndarray
    osm_id: np.ndarray
    names: dict[int, str]
    u: np.ndarray
    v: np.ndarray
    way: np.ndarray
    reversed: np.ndarray
    length: np.ndarray
    ways: list[dict[str, Any]]

    @property
    def edge_count(self) -> int:
        return len(self.u)

    @classmethod
    def of_ways(cls, ways: OsmWays, path: Path) -> _SplitWays:
        """Edges of every way (both directions unless one-way), one node per (OSM node, mode), with speeds and flags.

        Raises
        ------
        NetworkFileError
            When a way uses a node the file does not hold.
        """
        oneway, flip = _oneway(ways.way_tags)
        a, b, way, back = _way_edges(ways, oneway, flip)
        rank = _node_rank(ways, np.concatenate([a, b]), path)
        u, v = rank[: len(a)], rank[len(a) :]
        order = _adjacency_order(u, v, len(ways.node_ids))  # as osmnx's graph lists its edges
        u, v, way, back = u[order], v[order], way[order], back[order]
        length = _great_circle_m(ways.lat[u], ways.lon[u], ways.lat[v], ways.lon[v])
        timed = _timed_km(ways, way, back, length)
        attrs = []
        for i, tags in enumerate(ways.way_tags):
            way_attributes = cast(dict[str, Any], _way_attributes(tags, timed.get(i)))  # read_osm_pbf keeps only ways a mode uses
            attrs.append({**way_attributes, "osmid": int(ways.way_ids[i]), "oneway": bool(oneway[i])})
        modes = np.array([MODES.index(attr["mode"]) for attr in attrs], dtype=np.int64)
        n = len(ways.node_ids)
        ends = (modes[way][:, None] * n + np.column_stack([u, v])).ravel()  # (mode, node) of u then v, edge by edge
        codes, first, inverse = np.unique(ends, return_index=True, return_inverse=True)
        number = np.empty(len(codes), dtype=np.int64)
        number[np.argsort(first, kind="stable")] = np.arange(len(codes))  # in order of first appearance
        node = number[inverse].reshape(-1, 2)
        order_codes = codes[np.argsort(number)]
        osm_rank = order_codes % n
        osm_id = ways.node_ids[osm_rank]
        return cls(
            x=ways.lon[osm_rank], y=ways.lat[osm_rank], mode=np.array(MODES, dtype=str)[order_codes // n], osm_id=osm_id,
            names={i: ways.node_names[o] for i, o in enumerate(osm_id.tolist()) if o in ways.node_names},
            u=node[:, 0], v=node[:, 1], way=way, reversed=back, length=length, ways=attrs,
        )  # fmt: skip

    def piece_sizes(self) -> np.ndarray:
        """Nodes in the connected piece of network of each node."""
        from scipy.sparse import coo_array
        from scipy.sparse.csgraph import connected_components

        n = len(self.x)
        links = coo_array((np.ones(len(self.u), dtype=np.int8), (self.u, self.v)), shape=(n, n)).tocsr()
        _, label = connected_components(links, directed=True, connection="weak")
        return np.bincount(label)[label]

    def simplify(self, hub_at: dict[int, str]) -> nx.MultiDiGraph:
        """The graph :func:`osmnx.simplify_graph` makes of this network as :class:`_SplitGraph` (its rules, ported to arrays).

        A node stays where its edges do not just carry a line on (osmnx's
        endpoints: a dead end, a junction, a change of a
        :data:`_SIMPLIFY_DIFFER` attribute, a hub); the edges of each path
        between endpoints merge into one with the path's geometry, the sum of
        the lengths and, for other attributes, the one value or the list of
        the different ones.
        """
        first, key = _pair_first(self.u, self.v, len(self.x))
        start, succ, via = _successors(self.u, self.v, first, key, len(self.x))
        endpoints = {node for node in np.flatnonzero(self._endpoints(hub_at)).tolist()}  # a set: osmnx's order of paths

        def successors(node: int) -> Iterator[tuple[int, int]]:
            return zip(succ[start[node] : start[node + 1]], via[start[node] : start[node + 1]], strict=True)

        merged, removed = [], np.zeros(len(self.x), dtype=bool)
        for endpoint in endpoints:
            for after, edge in successors(endpoint):
                if after not in endpoints:
                    nodes, edges = _path_to_endpoint(endpoint, after, edge, endpoints, successors)
                    removed[nodes[1:-1]] = True
                    merged.append((nodes[0], nodes[-1], self._merged_attributes(nodes, edges)))
        graph: nx.MultiDiGraph = nx.MultiDiGraph(crs=CRS)
        for node in np.flatnonzero(~removed).tolist():
            graph.add_node(node, **self._node_attributes(node), **({"hub": hub_at[node]} if node in hub_at else {}))
        kept = np.flatnonzero(~removed[self.u] & ~removed[self.v])
        kept = kept[np.lexsort((kept, first[kept], self.u[kept]))]  # as networkx lists the edges
        for edge in kept.tolist():
            graph.add_edge(int(self.u[edge]), int(self.v[edge]), key=int(key[edge]), **self._edge_attributes(edge))
        for u, v, attributes in merged:
            if not (removed[u] or removed[v]):  # osmnx adds it, then removes it with the node
                graph.add_edge(u, v, **attributes)
        return graph

    def _endpoints(self, hub_at: dict[int, str]) -> np.ndarray:
        """osmnx's endpoint rules, node by node: a self-loop; no edge in or none out; not two neighbours
        with 2 or 4 edges; a hub; edges that differ in an attribute of :data:`_SIMPLIFY_DIFFER`."""
        n, u, v = len(self.x), self.u, self.v
        out, into = np.bincount(u, minlength=n), np.bincount(v, minlength=n)
        degree = out + into
        pairs = np.unique(np.concatenate([u * n + v, v * n + u]))
        neighbours = np.bincount(pairs // n, minlength=n)
        ends = (out == 0) | (into == 0) | ~((neighbours == 2) & ((degree == 2) | (degree == 4)))
        ends[u[u == v]] = True
        ends[list(hub_at)] = True
        for name in _SIMPLIFY_DIFFER[1:]:  # a node has one mode
            value = np.array([float(way[name]) for way in self.ways])[self.way]
            low, high = np.full(n, np.inf), np.full(n, -np.inf)
            for node in (u, v):
                np.minimum.at(low, node, value)
                np.maximum.at(high, node, value)
            ends |= low < high
        return ends

    def _node_attributes(self, node: int) -> dict[str, Any]:
        return {
            "x": float(self.x[node]), "y": float(self.y[node]), "mode": str(self.mode[node]), "osm_id": int(self.osm_id[node]),
            "name": self.names.get(node, ""),
        }

    def _edge_attributes(self, edge: int) -> dict[str, Any]:
        way = self.ways[int(self.way[edge])]
        return {**way, "length": float(self.length[edge]), "reversed": bool(self.reversed[edge])}

    def _merged_attributes(self, nodes: list[int], edges: list[int]) -> dict[str, Any]:
        """One edge for a path, as :func:`osmnx.simplify_graph` merges it (lengths summed in order)."""
        records = [self._edge_attributes(edge) for edge in edges]
        merged = {name: _one_or_all([record[name] for record in records]) for name in records[0]}
        merged["length"] = sum(record["length"] for record in records)
        merged["geometry"] = LineString(np.column_stack([self.x[nodes], self.y[nodes]]))
        return merged


def _one_or_all(values: list[Any]) -> Any:
    """The value when all are equal, else the different values (osmnx's merge of an attribute)."""
    return values[0] if len(set(values)) == 1 else list(set(values))


def _oneway(way_tags: list[dict[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Which ways are one-way, and which of those run against their nodes' order (osmnx's rules)."""
    oneway = np.array([tags.get("oneway") in _ONEWAY_VALUES or tags.get("junction") == "roundabout" for tags in way_tags], dtype=bool)
    against = np.array([tags.get("oneway") in _REVERSED_VALUES for tags in way_tags], dtype=bool)
    return oneway, oneway & against


def _way_edges(ways: OsmWays, oneway: np.ndarray, flip: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """From and to node ids, way and ``reversed`` of every edge, in the order osmnx adds them.

    Way by way: its segments in the direction of travel, then, when it is
    two-way, each segment backwards.
    """
    count = np.maximum(np.diff(ways.starts) - 1, 0)
    way = np.repeat(np.arange(len(count)), count)
    position = np.arange(len(way)) - np.repeat(np.cumsum(count) - count, count)
    first = ways.starts[:-1][way] + position
    last = ways.starts[1:][way] - 1 - position
    ahead = np.where(flip[way], ways.refs[last], ways.refs[first])
    behind = np.where(flip[way], ways.refs[last - 1], ways.refs[first + 1])
    two_way = ~oneway[way]
    a = np.concatenate([ahead, behind[two_way]])
    b = np.concatenate([behind, ahead[two_way]])
    edge_way = np.concatenate([way, way[two_way]])
    back = np.concatenate([np.zeros(len(way), dtype=bool), np.ones(int(two_way.sum()), dtype=bool)])
    added = np.lexsort((np.concatenate([position, position[two_way]]), back, edge_way))
    return a[added], b[added], edge_way[added], back[added]


def _node_rank(ways: OsmWays, ids: np.ndarray, path: Path) -> np.ndarray:
    """Position of each node id in the file's order of nodes."""
    order = np.argsort(ways.node_ids, kind="stable")
    at = np.minimum(np.searchsorted(ways.node_ids, ids, sorter=order), max(len(order) - 1, 0))
    found = ways.node_ids[order[at]] == ids if len(order) else np.zeros(len(ids), dtype=bool)
    if not found.all():
        msg = f"{path}: a way uses node {int(ids[~found][0])}, which is not in the file; give an extract with complete ways"
        raise NetworkFileError(msg)
    return order[at]


def _pair_first(u: np.ndarray, v: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For each edge, the first edge from its ``u`` to its ``v``, and its key (how many came before it)."""
    codes = u * n + v
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    pair_first = first[inverse]
    order = np.lexsort((np.arange(len(u)), pair_first))
    group = np.concatenate([[True], pair_first[order][1:] != pair_first[order][:-1]]) if len(u) else np.zeros(0, dtype=bool)
    starts = np.maximum.accumulate(np.where(group, np.arange(len(u)), 0))
    key = np.empty(len(u), dtype=np.int64)
    key[order] = np.arange(len(u)) - starts
    return pair_first, key


def _adjacency_order(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """Edges added in this order, as networkx lists them: by ``u``, then by when ``u`` first met ``v``, then added."""
    pair_first, _ = _pair_first(u, v, n)
    return np.lexsort((np.arange(len(u)), pair_first, u))


def _successors(u: np.ndarray, v: np.ndarray, first: np.ndarray, key: np.ndarray, n: int) -> tuple[list[int], list[int], list[int]]:
    """Each node's successors in networkx's order, with the first edge to each: ``succ[start[node]:start[node + 1]]``."""
    head = np.flatnonzero(key == 0)
    head = head[np.lexsort((first[head], u[head]))]
    start = np.concatenate([[0], np.cumsum(np.bincount(u[head], minlength=n))])
    return start.tolist(), v[head].tolist(), head.tolist()


def _path_to_endpoint(
    endpoint: int, after: int, edge: int, endpoints: set[int], successors: Callable[[int], Iterator[tuple[int, int]]]
) -> tuple[list[int], list[int]]:
    """Nodes and edges from ``endpoint`` through ``after`` to the next endpoint (osmnx's ``_build_path``)."""
    nodes, edges, on_path = [endpoint, after], [edge], {endpoint, after}  # on_path: osmnx's `in path`, in constant time
    for node, edge in successors(after):
        if node in on_path:
            continue
        nodes.append(node)
        edges.append(edge)
        on_path.add(node)
        while node not in endpoints:
            ahead = [(n, e) for n, e in successors(node) if n not in on_path]  # an interstitial node has one
            if not ahead:
                back = [e for n, e in successors(node) if n == endpoint]
                return (nodes + [endpoint], edges + back) if back else (nodes, edges)
            node, edge = ahead[0]
            nodes.append(node)
            edges.append(edge)
            on_path.add(node)
        return nodes, edges
    return nodes, edges


def _timed_km(ways: OsmWays, way: np.ndarray, back: np.ndarray, length: np.ndarray) -> dict[int, float]:
    """Length (km) of each way that carries a ``duration`` tag, one direction counted, summed in edge order."""
    timed = {i for i, tags in enumerate(ways.way_tags) if tags.get("duration") is not None}
    km: dict[int, float] = {}
    for edge in np.flatnonzero(np.isin(way, list(timed)) & ~back).tolist() if timed else []:
        km[int(way[edge])] = km.get(int(way[edge]), 0.0) + float(length[edge]) / 1000.0
    return km


def _great_circle_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Edge lengths (m) as osmnx's ``add_edge_lengths`` computes them (NaN as 0)."""
    from osmnx.distance import great_circle

    coords = np.column_stack([lat1, lon1, lat2, lon2])
    length = np.asarray(great_circle(coords[:, 0], coords[:, 1], coords[:, 2], coords[:, 3]), dtype=float)
    length[np.isnan(length)] = 0
    return length


def _text(value: Any) -> str:
    if schema.is_missing(value):
        return ""
    if isinstance(value, list):
        return ";".join(sorted({str(v) for v in value if v}))
    return str(value)


def _snap_hubs(
    split: _SplitNetwork, hubs: list[dict[str, Any]], max_snap_km: float
) -> tuple[dict[tuple[str, str], tuple[int, float]], list[tuple[str, str, float]], list[tuple[str, str, float, int]]]:
    """Nearest node of each hub's modes (a k-d tree of the mode's nodes, as osmnx's ``nearest_nodes`` searches).

    A hub goes to the mode's largest connected piece of network when a node
    of it is within ``max_snap_km``, even if a fragment (a siding, a line cut
    at the extract's edge) is nearer: a hub on a fragment reaches nothing.
    Hubs left on a fragment are listed in the third value, ``isolated``, as
    ``(hub, mode, km to the main network, nodes in the fragment)``.

    Nodes are searched in an azimuthal equidistant projection centred on the data.
    """
    from pyproj import Transformer

    xs, ys = split.x, split.y
    projection = f"+proj=aeqd +lat_0={float(np.median(ys)):.6f} +lon_0={float(np.median(xs)):.6f} +datum=WGS84 +units=m"
    to_metres = Transformer.from_crs(CRS, projection, always_xy=True)
    px, py = to_metres.transform(xs, ys)
    piece = split.piece_sizes()
    snaps: dict[tuple[str, str], tuple[int, float]] = {}
    unsnapped: list[tuple[str, str, float]] = []
    isolated: list[tuple[str, str, float, int]] = []
    for mode in MODES:
        wanted = [hub for hub in hubs if mode in hub["modes"]]
        chosen = split.mode == mode
        if not wanted:
            continue
        if not chosen.any():
            unsnapped.extend((hub["id"], mode, math.inf) for hub in wanted)
            continue
        largest = int(piece[chosen].max())
        main = chosen & (piece == largest)
        hx, hy = np.asarray(to_metres.transform([hub["lon"] for hub in wanted], [hub["lat"] for hub in wanted]))
        nearest = _nearest(np.flatnonzero(chosen), px, py, hx, hy)
        on_main = _nearest(np.flatnonzero(main), px, py, hx, hy)
        for hub, near, main_node in zip(wanted, nearest, on_main, strict=True):
            near_m, main_m = (float(_GEOD.inv(hub["lon"], hub["lat"], float(xs[n]), float(ys[n]))[2]) for n in (near, main_node))
            node, metres = (main_node, main_m) if main_m <= max_snap_km * 1000.0 else (near, near_m)
            if metres > max_snap_km * 1000.0:
                unsnapped.append((hub["id"], mode, round(metres / 1000.0, 1)))
                continue
            snaps[hub["id"], mode] = (node, metres)
            if piece[node] < largest:
                isolated.append((hub["id"], mode, round(main_m / 1000.0, 1), int(piece[node])))
    return snaps, unsnapped, isolated


def _nearest(ids: np.ndarray, px: np.ndarray, py: np.ndarray, hx: np.ndarray, hy: np.ndarray) -> list[int]:
    """Nearest of the nodes ``ids`` to each point (projected metres), by scipy's k-d tree."""
    from scipy.spatial import cKDTree

    _, at = cKDTree(np.column_stack([px[ids], py[ids]])).query(np.column_stack([hx, hy]), k=1)
    return [int(n) for n in ids[np.atleast_1d(at)]]


# -- the network ---------------------------------------------------------------


class OsmNetwork(Network):
    """A network imported from OpenStreetMap, with the notes of its import.

    Parameters
    ----------
    hubs, links
        The hubs and links (see the module docstring), GeoDataFrames indexed by id.
    source
        The extract's path.
    unsnapped
        ``(hub, mode, km)`` of each terminal not made because the mode's
        nearest node was farther than ``max_snap_km`` (``inf`` where the
        extract has no node of the mode).
    isolated
        ``(hub, mode, km, nodes)`` of each terminal on a piece of network cut
        off from the mode's main network (``km`` away from it).
    hubs_found
        The counts of :func:`hubs_from_xml` when the hubs came from the
        extract, else ``None``.

    Attributes
    ----------
    unsnapped, isolated, hubs_found
        As given.
    """

    def __init__(
        self,
        hubs: Any,
        links: Any,
        source: str,
        *,
        unsnapped: list[tuple[str, str, float]],
        isolated: list[tuple[str, str, float, int]],
        hubs_found: dict[str, Any] | None,
    ) -> None:
        super().__init__(hubs, links, source)
        self.unsnapped, self.isolated, self.hubs_found = unsnapped, isolated, hubs_found


def _osm_network(
    simple: nx.MultiDiGraph,
    hubs: list[dict[str, Any]],
    snaps: dict[tuple[str, str], tuple[int, float]],
    *,
    source: str,
    unsnapped: list[tuple[str, str, float]],
    isolated: list[tuple[str, str, float, int]],
    hubs_found: dict[str, Any] | None,
) -> OsmNetwork:
    """The hubs and links of the simplified network and the snapped hubs (see the module docstring).

    Junction ``n<k>`` is the ``k``-th node counting the user's hubs first,
    then the nodes of ``simple`` in order.
    """
    junction = {node: f"n{len(hubs) + i}" for i, node in enumerate(simple.nodes)}
    clash = {hub["id"] for hub in hubs} & set(junction.values())
    if clash:
        msg = f"{source}: hub id '{sorted(clash)[0]}' is also a junction id (n<node>); rename the hub"
        raise NetworkFileError(msg)
    hub_rows, hub_points = _hub_rows(simple, hubs, junction)
    link_rows, link_lines = _line_links(simple, junction)
    access_rows, access_lines = _access_links(simple, hubs, snaps, junction)
    _check_records(source, hub_rows, link_rows + access_rows)
    return OsmNetwork(
        _frame(hub_rows, hub_points), _frame(link_rows + access_rows, link_lines + access_lines), source,
        unsnapped=unsnapped, isolated=isolated, hubs_found=hubs_found,
    )  # fmt: skip


def _hub_rows(simple: nx.MultiDiGraph, hubs: list[dict[str, Any]], junction: dict[int, str]) -> tuple[list[dict[str, Any]], list[Point]]:
    """The user's hubs, then one ``junction`` hub per node (named by the OSM node's name, else its id)."""
    rows, points = [], []
    for hub in hubs:
        rows.append(
            {
                **schema.HUB_DEFAULTS, "id": hub["id"], "name": hub["name"], "name_zh": hub["name_zh"] or "", "pinyin": hub["pinyin"] or "",
                "aliases": list(hub["aliases"] or []), "kind": hub["kind"], "city": hub["city"] or hub["id"],
                "country": hub["country"] or "", "population": hub.get("population") or None, "source": hub.get("source") or "",
            }
        )  # fmt: skip
        points.append(Point(hub["lon"], hub["lat"]))
    for node, hub_id in junction.items():
        data = simple.nodes[node]
        name = data.get("name") or hub_id
        rows.append({**schema.HUB_DEFAULTS, "id": hub_id, "name": name, "kind": JUNCTION, "city": hub_id, "source": OSM_SOURCE, "osm_id": data["osm_id"]})
        points.append(Point(data["x"], data["y"]))
    return rows, points


def _line_links(simple: nx.MultiDiGraph, junction: dict[int, str]) -> tuple[list[dict[str, Any]], list[LineString]]:
    """One link per edge of ``simple`` but rings: the two directions of a two-way edge are one link, ``oneway`` false.

    A link's id is ``<a>-<b>`` of its junctions' numbers, lower first
    (``-<key>`` after it for a parallel edge), and ``-<u>`` after that for
    another edge between the same nodes.
    """
    number = {node: int(hub_id[1:]) for node, hub_id in junction.items()}
    rows: dict[str, dict[str, Any]] = {}
    lines: list[LineString] = []
    first: dict[str, tuple[int, int, str]] = {}  # link id -> (u, v, osmid) of its first direction
    for u, v, key, data in simple.edges(keys=True, data=True):
        if u == v:
            continue  # a ring with no other junction on it: a line back to where it starts, which no trip takes
        a, b, osmid = number[u], number[v], _text(data.get("osmid"))
        link_id = f"{min(a, b)}-{max(a, b)}" + (f"-{key}" if key else "")
        seen = first.get(link_id)
        if seen is not None and seen == (b, a, osmid):
            rows[link_id]["oneway"] = False  # the other direction of a link already listed
            continue
        if seen is not None:
            link_id = f"{link_id}-{a}"  # another edge between the same nodes
        first[link_id] = (a, b, osmid)
        mode = data["mode"]
        name, ref = _text(data.get("name")), _text(data.get("ref"))
        line = (ref or name) if mode == "expressway" else (name or ref)
        rows[link_id] = {
            **schema.LINK_DEFAULTS, "id": link_id, "mode": mode, "from_hub": junction[u], "to_hub": junction[v],
            "length_km": float(data["length"]) / 1000.0, "speed_kmh": float(data["speed_kmh"]), "status": "open",
            "freight": bool(data["freight"]), "passenger": bool(data["passenger"]), "name": name or ref or f"unnamed {mode}",
            "line": line or f"unnamed {mode}", "source": OSM_SOURCE, "osmid": osmid, "osm_class": _text(data["osm_class"]),
            "speed_source": _text(data["speed_source"]), "oneway": True,
        }  # fmt: skip
        geometry = data.get("geometry")
        lines.append(geometry if geometry is not None else LineString([_xy(simple, u), _xy(simple, v)]))
    return list(rows.values()), lines


def _access_links(
    simple: nx.MultiDiGraph, hubs: list[dict[str, Any]], snaps: dict[tuple[str, str], tuple[int, float]], junction: dict[int, str]
) -> tuple[list[dict[str, Any]], list[LineString]]:
    """One link per snapped hub and mode, from the hub to its junction: the snap distance (at least
    :data:`MIN_ACCESS_M`) at the fastest speed of the junction's lines."""
    where = {hub["id"]: hub for hub in hubs}
    rows, lines = [], []
    for (hub_id, mode), (node, metres) in snaps.items():
        speeds = [d["speed_kmh"] for _, _, d in (*simple.out_edges(node, data=True), *simple.in_edges(node, data=True))]
        if not speeds:
            continue  # a snapped node with no line of its mode
        hub = where[hub_id]
        rows.append(
            {
                **schema.LINK_DEFAULTS, "id": f"{hub_id}-{mode}-access", "mode": mode, "from_hub": hub_id, "to_hub": junction[node],
                "length_km": max(metres, MIN_ACCESS_M) / 1000.0, "speed_kmh": float(max(speeds)), "status": "open",
                "freight": mode != "hsr", "passenger": mode in PASSENGER_MODES, "name": f"access to {hub['name']}",
                "line": f"access to {hub['name']}", "source": OSM_SOURCE, "oneway": False,
            }
        )  # fmt: skip
        lines.append(_access_line((hub["lon"], hub["lat"]), _xy(simple, node)))
    return rows, lines


def _access_line(hub: tuple[float, float], node: tuple[float, float]) -> LineString:
    """The line from a hub to its node; for a hub on its node, out and back :data:`MIN_ACCESS_M` / 2 northwards
    (a line's positions may not all be equal)."""
    if hub != node:
        return LineString([hub, node])
    lon, lat, _ = _GEOD.fwd(hub[0], hub[1], 0.0, MIN_ACCESS_M / 2.0)
    return LineString([hub, (lon, lat), node])


def _xy(graph: nx.MultiDiGraph, node: int) -> tuple[float, float]:
    return graph.nodes[node]["x"], graph.nodes[node]["y"]


def _check_records(source: str, hubs: list[dict[str, Any]], links: list[dict[str, Any]]) -> None:
    """Validate the records as network files are (one line naming the record and field)."""
    ids = {h["id"] for h in hubs}
    _validate.check_hubs(f"{source}:hubs", [hub for hub in hubs if hub["kind"] != JUNCTION], ids)
    _validate.check_links(f"{source}:links", links, ids)


def _frame(rows: list[dict[str, Any]], geometry: list[Any]):
    import geopandas as gpd

    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs=CRS)
    if not frame.empty:
        frame = frame.set_index("id", drop=False)
        frame.index.name = None
    return frame


def summary(network: OsmNetwork) -> dict[str, Any]:
    """Hubs, junctions, links and kilometres by mode of an imported network (for the CLI).

    ``edges_by_mode`` and ``km_by_mode`` count the network's lines (a
    two-way line once), not the access links; ``default_speed_edges``
    counts, by mode, the lines with no readable ``maxspeed`` (at the
    default speed of their class, :data:`DEFAULT_SPEEDS_KMH`);
    ``hubs_found`` is the count of hubs taken from the extract (see
    :func:`hubs_from_xml`), ``None`` when a hubs file gave them.

    Parameters
    ----------
    network
        A network from :func:`network_from_xml` or :func:`network_from_pbf`.

    Returns
    -------
    dict
        ``source``, ``hubs`` (the user's or the extract's), ``junctions``,
        ``links`` (counts; lines and access links), ``terminals``
        (``"<hub>/<mode>"``, one per access link), ``edges_by_mode``,
        ``km_by_mode`` (km, to 0.1), ``default_speed_edges``,
        ``hubs_found``, and the ``unsnapped`` (``hub``, ``mode``,
        ``nearest_km``; ``None`` where the mode has no node) and
        ``isolated`` (``hub``, ``mode``, ``main_network_km``,
        ``piece_nodes``) terminals.
    """
    hubs, links = network.hubs, network.links
    junctions = hubs["kind"] == JUNCTION
    on_line = links["from_hub"].isin(hubs.index[junctions])
    km: dict[str, float] = {}
    defaults: dict[str, int] = {}
    edges: dict[str, int] = {}
    for mode, length_km, speed_source in zip(*(links.loc[on_line, c].tolist() for c in ("mode", "length_km", "speed_source")), strict=True):
        edges[mode] = edges.get(mode, 0) + 1
        km[mode] = km.get(mode, 0.0) + length_km
        if speed_source == "default":
            defaults[mode] = defaults.get(mode, 0) + 1
    access = links[~on_line]
    return {
        "source": network.source,
        "hubs": int((~junctions).sum()),
        "junctions": int(junctions.sum()),
        "links": len(links),
        "terminals": [f"{hub}/{mode}" for hub, mode in zip(access["from_hub"], access["mode"], strict=True)],
        "edges_by_mode": edges,
        "km_by_mode": {mode: round(value, 1) for mode, value in km.items()},
        "default_speed_edges": defaults,
        "hubs_found": network.hubs_found,
        "unsnapped": [{"hub": h, "mode": m, "nearest_km": None if d == math.inf else d} for h, m, d in network.unsnapped],
        "isolated": [{"hub": h, "mode": m, "main_network_km": d, "piece_nodes": n} for h, m, d, n in network.isolated],
    }
