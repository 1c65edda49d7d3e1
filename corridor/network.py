"""The corridor network as data: hubs and links, loaded and validated.

A network is two GeoJSON files in EPSG:4326: ``hubs.geojson`` (points) and
``links.geojson`` (lines between hubs). :func:`network_from_files` reads and
checks them (:func:`corridor.io.load_network` picks the format of a path);
:class:`Network` holds them as plain records for the graph builder and as
GeoDataFrames (built on first use) for the maps, summaries and scenarios, so
routing on GeoJSON files never imports geopandas or pandas.
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor import _validate, schema
from corridor._errors import NetworkFileError
from corridor.settings import CRS, MODES, STATUSES

if TYPE_CHECKING:
    import geopandas as gpd

HUBS_FILE = "hubs.geojson"
LINKS_FILE = "links.geojson"


class Network:
    """Hubs and links of a corridor network.

    Parameters
    ----------
    hubs, links
        GeoDataFrames indexed by id (see the attributes), or ``None`` when
        ``features`` are given.
    source
        Where the network was read from, for messages and reports.
    features
        Validated GeoJSON-like hub and link features, from which the frames
        are built on first use and the graph builder reads records directly.

    Attributes
    ----------
    hubs
        One row per hub, indexed by ``id``: ``name``, ``name_zh``, ``kind``,
        ``city``, ``country`` and point ``geometry``.
    links
        One row per link, indexed by ``id``: ``mode``, ``from_hub``,
        ``to_hub``, ``length_km``, ``speed_kmh``, ``status``, ``opened``,
        ``expected``, ``freight``, ``passenger`` and line ``geometry``.
    source
        Where the network was read from, for messages and reports.
    """

    def __init__(
        self,
        hubs: gpd.GeoDataFrame | None = None,
        links: gpd.GeoDataFrame | None = None,
        source: str = "built-in",
        *,
        features: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None,
    ) -> None:
        if features is None and (hubs is None or links is None):
            msg = "give Network both hubs and links frames, or features"
            raise TypeError(msg)
        self._hubs, self._links, self._features = hubs, links, features
        self.source = source

    @property
    def hubs(self) -> gpd.GeoDataFrame:
        """Hubs as a GeoDataFrame indexed by id (built on first use)."""
        if self._hubs is None:
            assert self._features is not None  # __init__ requires features when a frame is missing
            self._hubs = _frame(self._features[0], schema.HUB_DEFAULTS)
            self._hubs["city"] = self._hubs["city"].fillna(self._hubs.index.to_series())
        return self._hubs

    @property
    def links(self) -> gpd.GeoDataFrame:
        """Links as a GeoDataFrame indexed by id (built on first use)."""
        if self._links is None:
            assert self._features is not None  # __init__ requires features when a frame is missing
            self._links = _frame(self._features[1], schema.LINK_DEFAULTS)
        return self._links

    def hub_records(self, *, shapes: bool = True) -> dict[str, dict[str, Any]]:
        """Hubs as plain dicts by id, optional fields filled, ``geometry`` a shapely point.

        Read from the features while no frame has been built; from the frame
        (as it stands, changes included) once one has.

        Parameters
        ----------
        shapes
            ``False`` leaves a record read from the features with its GeoJSON
            geometry mapping, without importing shapely (records read from a
            frame have shapely geometries either way).

        Returns
        -------
        dict
            Hub id to the hub's fields (``city`` filled with the hub's own id
            where it has none).
        """
        if self._hubs is not None:
            return _frame_records(self._hubs)
        assert self._features is not None  # __init__ requires features when a frame is missing
        records = _records(self._features[0], schema.HUB_DEFAULTS, shapes=shapes)
        for hub_id, hub in records.items():
            if hub["city"] is None:
                hub["city"] = hub_id
        return records

    def link_records(self, *, shapes: bool = True) -> dict[str, dict[str, Any]]:
        """Links as plain dicts by id, optional fields filled, ``geometry`` a shapely line (see :meth:`hub_records`).

        Parameters
        ----------
        shapes
            ``False`` leaves a record read from the features with its GeoJSON
            geometry mapping (see :meth:`hub_records`).

        Returns
        -------
        dict
            Link id to the link's fields.
        """
        if self._links is not None:
            return _frame_records(self._links)
        assert self._features is not None  # __init__ requires features when a frame is missing
        return _records(self._features[1], schema.LINK_DEFAULTS, shapes=shapes)

    def summary(self) -> dict[str, Any]:
        """Counts of hubs and links and kilometres by mode and status.

        Returns
        -------
        dict
            ``hubs`` (total and by kind), ``links`` (by mode, then status) and
            ``km`` (by mode, then status), ready for a table or JSON.
        """
        links_by_mode: dict[str, dict[str, int]] = {}
        km_by_mode: dict[str, dict[str, float]] = {}
        for mode in MODES:
            subset = self.links[self.links["mode"] == mode]
            if subset.empty:
                continue
            links_by_mode[mode] = {s: int((subset["status"] == s).sum()) for s in STATUSES}
            km_by_mode[mode] = {s: round(float(subset.loc[subset["status"] == s, "length_km"].sum()), 1) for s in STATUSES}
        return {
            "source": self.source,
            "hubs": {"total": int((self.hubs["kind"] != "junction").sum()), "by_kind": dict(Counter(self.hubs["kind"]).most_common())},
            "links": {"total": len(self.links), "by_mode": links_by_mode},
            "km": km_by_mode,
        }


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a big network's records or graph are built.

    Building 10^5 dicts (records, nodes, edges) sets off full collections
    that walk every object made so far, again and again: a third of the time
    on an imported network. The collector runs again, as it was, on
    leaving, and collects then whatever was left to it.

    Yields
    ------
    None
        While the collector is paused.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # (a caller's frozen objects stay frozen)
            # Frozen and back: every object to the oldest generation, where only a full collection walks
            # it, so the next collection does not walk the 10^6 new ones the pause left in the youngest.
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def network_from_files(hubs_path: Path, links_path: Path, *, source: str | None = None) -> Network:
    """Load and validate a network from a hubs file and a links file (GeoJSON).

    Parameters
    ----------
    hubs_path, links_path
        GeoJSON FeatureCollections of points (hubs) and lines (links).
    source
        Where the network was read from (default: the hubs file's folder).

    Returns
    -------
    Network
        The validated network.

    Raises
    ------
    NetworkFileError
        As :func:`corridor.io.load_network`.
    """
    hub_features = _validate.read_feature_collection(hubs_path, "Point")
    link_features = _validate.read_feature_collection(links_path, "LineString")
    return network_from_features(
        hub_features, link_features, source=source or str(hubs_path.parent), hubs_name=hubs_path, links_name=links_path
    )


def network_from_features(
    hub_features: list[dict[str, Any]],
    link_features: list[dict[str, Any]],
    *,
    source: str = "features",
    hubs_name: str | Path = HUBS_FILE,
    links_name: str | Path = LINKS_FILE,
) -> Network:
    """Validate GeoJSON-like features (``properties`` + ``geometry``) and build a Network.

    Parameters
    ----------
    hub_features, link_features
        GeoJSON-like features of hubs (points) and links (lines).
    source
        Where the features came from, for messages and reports.
    hubs_name, links_name
        The names errors report for the hubs and the links.

    Returns
    -------
    Network
        A network built from the features (frames made on first use).

    Raises
    ------
    NetworkFileError
        For the first invalid feature or field, or when there are no hubs.
    """
    hub_records = [f["properties"] for f in hub_features]
    link_records = [f["properties"] for f in link_features]
    _validate.check_ids(hubs_name, hub_records)
    _validate.check_ids(links_name, link_records)
    hub_ids = {h["id"] for h in hub_records}
    _validate.check_hubs(hubs_name, hub_records, hub_ids)
    _validate.check_links(links_name, link_records, hub_ids)
    if not hub_records:
        msg = f"{hubs_name}: no hubs; a network needs at least two"
        raise NetworkFileError(msg)
    return Network(source=source, features=(hub_features, link_features))


def _frame_records(frame: gpd.GeoDataFrame) -> dict[Any, dict[str, Any]]:
    """Rows of a frame as dicts by index, as ``to_dict("records")`` gives them, read column by column with ``tolist``."""
    names = list(frame.columns)
    columns = [frame[name].tolist() for name in names]
    return {key: dict(zip(names, row, strict=True)) for key, row in zip(frame.index.tolist(), zip(*columns, strict=True), strict=True)}


def _records(features: list[dict[str, Any]], defaults: dict[str, Any], *, shapes: bool = True) -> dict[str, dict[str, Any]]:
    """Validated features as dicts by id, optional fields filled, with a shapely ``geometry`` (the GeoJSON mapping without ``shapes``)."""
    if not shapes:
        return {f["properties"]["id"]: {**defaults, **f["properties"], "geometry": f["geometry"]} for f in features}
    from shapely.geometry import shape

    return {f["properties"]["id"]: {**defaults, **f["properties"], "geometry": shape(f["geometry"])} for f in features}


def _frame(features: list[dict[str, Any]], defaults: dict[str, Any]) -> gpd.GeoDataFrame:
    """GeoDataFrame of validated features, indexed by id, with optional fields filled."""
    import geopandas as gpd
    from shapely.geometry import shape

    rows = [{**defaults, **f["properties"]} for f in features]
    geometry = [shape(f["geometry"]) for f in features]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs=CRS)
    if not frame.empty:
        frame = frame.set_index("id", drop=False)
        frame.index.name = None
    return frame
