"""What-if scenarios: TOML files that change a network, checked before anything runs.

A scenario file (see ``routes/README.md`` for the schema) adds hubs and
links, removes or closes them, changes links (an upgrade to a higher speed,
a line opened early), sets the year of the network and overrides model
parameters. It may extend another scenario file. :func:`load_scenario`
reads and checks the file (and the files it extends) against the schema;
:func:`apply_scenario` checks every entry against a network, then returns a
new :class:`~corridor.network.Network` with the changes, the scenario's
:class:`~corridor.params.ModelParams` and year, and the ids of what was
added, removed and changed (for maps that draw a scenario's difference).
:func:`scenario_graphs` builds the routing graphs of both sides, for every
analysis that compares them.

Every problem raises :class:`~corridor._errors.ScenarioError` with one line
naming the file, the entry (``add_links[2] 'yuwan_hsr'``) and the field.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd
from pyproj import Geod
from shapely.geometry import LineString, Point, mapping

from corridor import _validate, schema
from corridor._errors import NetworkFileError, ParameterError, ScenarioError, did_you_mean
from corridor.graph import graph_from_network
from corridor.network import Network, _frame
from corridor.params import ModelParams
from corridor.settings import HUB_KINDS, MODES, PROFILES, ROUTES_DIR, STATUSES

_GEOD = Geod(ellps="WGS84")

#: Which entries of a published figure (``[[published]]``) compare with which network.
PUBLISHED_CASES: tuple[str, ...] = ("before", "after")

#: What a published figure measures: ``moving`` (time on trains, ``Route.moving_h``,
#: what timetables publish) or ``door`` (door to door, ``Route.time_h``).
PUBLISHED_MEASURES: tuple[str, ...] = ("moving", "door")

_STR, _NUM, _INT, _BOOL, _LIST, _TABLE = "text", "number", "whole number", "true or false", "list", "table"

#: Fields of each kind of entry: name -> (type, required), from :mod:`corridor.schema`.
_HUB_FIELDS: dict[str, tuple[str, bool]] = {
    **{f.name: (f.kind, f.required) for f in schema.HUB_FIELDS},
    "lon": (_NUM, True),
    "lat": (_NUM, True),
}
_LINK_FIELDS: dict[str, tuple[str, bool]] = {
    **{f.name: (f.kind, f.name in ("id", "mode", "from_hub", "to_hub", "speed_kmh")) for f in schema.LINK_FIELDS},
    "detour": (_NUM, False),
}
_CHANGE_LINK_FIELDS: dict[str, tuple[str, bool]] = {
    "id": (_STR, True),
    **{name: spec for name, spec in _LINK_FIELDS.items() if name not in ("id", "mode", "from_hub", "to_hub", "via", "detour")},
}
_CHANGE_HUB_FIELDS: dict[str, tuple[str, bool]] = {
    "id": (_STR, True),
    **{name: spec for name, spec in _HUB_FIELDS.items() if name not in ("id", "lon", "lat")},
}
_PUBLISHED_FIELDS: dict[str, tuple[str, bool]] = {
    "origin": (_STR, True),
    "destination": (_STR, True),
    "hours": (_NUM, True),
    "source": (_STR, True),
    "case": (_STR, True),
    "profile": (_STR, False),
    "measure": (_STR, False),
    "train": (_STR, False),
    "note": (_STR, False),
}
_TABLE_SECTIONS: dict[str, dict[str, tuple[str, bool]]] = {
    "add_hubs": _HUB_FIELDS,
    "change_hubs": _CHANGE_HUB_FIELDS,
    "add_links": _LINK_FIELDS,
    "change_links": _CHANGE_LINK_FIELDS,
    "published": _PUBLISHED_FIELDS,
}
_ID_SECTIONS: tuple[str, ...] = ("open_links", "remove_links", "close_links", "remove_hubs", "close_hubs")
_TOP_LEVEL: dict[str, str] = {
    "name": _STR,
    "description": _STR,
    "sources": _LIST,
    "extends": _STR,
    "year": _INT,
    "baseline_year": _INT,
    "profile": _STR,
    "modes": _LIST,
    "direct": _BOOL,
    "pairs": _LIST,
    "params": _TABLE,
    **dict.fromkeys(_TABLE_SECTIONS, _LIST),
    **dict.fromkeys(_ID_SECTIONS, _LIST),
}


@dataclass
class Entry:
    """One entry of a scenario file, with where it came from (for messages).

    Attributes
    ----------
    section
        The array it belongs to (``add_links``, ``remove_hubs``, ...).
    index
        Its position in that array in its file, counted from 1.
    file
        The file it was read from (a scenario may extend another).
    data
        Its fields; entries of id lists (``remove_links``) hold ``{"id": ...}``
        and ``pairs`` hold ``{"origin": ..., "destination": ...}``.
    """

    section: str
    index: int
    file: Path
    data: dict[str, Any]

    @property
    def where(self) -> str:
        """``file: section[index] 'id'``: the start of every message about this entry."""
        label = self.data.get("id") if isinstance(self.data.get("id"), str) else None
        return f"{self.file}: {self.section}[{self.index}]" + (f" '{label}'" if label else "")


@dataclass
class Scenario:
    """A scenario file, checked against the schema, with the files it extends merged in.

    Lists (added hubs and links, removals, pairs, published figures,
    sources) are the parent's followed by the child's; ``year``,
    ``baseline_year``, ``profile``, ``modes``, ``direct``, ``name`` and
    ``description`` are the child's where it sets them; parameter overrides apply parent first.
    The fields are those of ``routes/README.md``; ``None`` where the files do not set one.

    Attributes
    ----------
    path
        The file loaded (the last of the ``extends`` chain).
    name, description
        Shown in reports (``name`` defaults to the file name).
    sources
        Where the changes and figures come from.
    year
        The scenario's network as of this year (``None``: links open today).
    baseline_year
        The year of the network compared against (``None``: links open today).
    profile
        ``freight`` or ``passenger``, the profile of the comparison.
    modes
        Compare on these modes only.
    direct
        Route the key pairs and published figures on single services.
    pairs
        Key pairs compared, entries of ``{"origin": ..., "destination": ...}``.
    params
        Parameter overrides, ``(table, source)`` in the order they apply.
    add_hubs, change_hubs, add_links, change_links
        Entries of hubs and links to add or change.
    open_links, remove_links, close_links, remove_hubs, close_hubs
        Entries of link and hub ids (``{"id": ...}``) to open, remove or close.
    published
        Published travel times to compare with, ``[[published]]`` entries.
    files
        The files read, the furthest ancestor first.
    """

    path: Path
    name: str
    description: str = ""
    sources: list[str] = field(default_factory=list)
    year: int | None = None
    baseline_year: int | None = None
    profile: str | None = None
    modes: list[str] | None = None
    direct: bool | None = None
    pairs: list[Entry] = field(default_factory=list)
    params: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    add_hubs: list[Entry] = field(default_factory=list)
    change_hubs: list[Entry] = field(default_factory=list)
    add_links: list[Entry] = field(default_factory=list)
    change_links: list[Entry] = field(default_factory=list)
    open_links: list[Entry] = field(default_factory=list)
    remove_links: list[Entry] = field(default_factory=list)
    close_links: list[Entry] = field(default_factory=list)
    remove_hubs: list[Entry] = field(default_factory=list)
    close_hubs: list[Entry] = field(default_factory=list)
    published: list[Entry] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def model_params(self, base: ModelParams | None = None) -> ModelParams:
        """``base`` (default: ``corridor/model.toml``) with this scenario's ``[params]`` applied.

        Parameters
        ----------
        base
            Parameters to apply the overrides to.

        Returns
        -------
        ModelParams
            A new object; ``base`` is unchanged.

        Raises
        ------
        ScenarioError
            For an invalid override (the :class:`~corridor._errors.ParameterError`'s message).
        """
        params = base or ModelParams()
        for table, source in self.params:
            try:
                params = params.with_overrides(table, source=source)
            except ParameterError as exc:
                raise ScenarioError(str(exc)) from None
        return params


@dataclass
class AppliedScenario:
    """A scenario applied to a network: what downstream code needs, and what changed.

    Attributes
    ----------
    scenario
        The scenario.
    network
        The changed network (a new object; the baseline is untouched).
    params
        Model parameters with the scenario's overrides.
    year
        The scenario's year (``None``: links open today).
    baseline_year
        The year of the network to compare with (``None``: links open today).
    added_hubs, changed_hubs, removed_hubs, closed_hubs
        Hub ids. A removed or closed hub takes its links with it (they are
        listed in ``removed_links``).
    added_links, changed_links, opened_links, removed_links, closed_links
        Link ids. ``opened_links`` are links the scenario opens (``open_links``),
        also counted as changed.
    entering_service, leaving_service
        Link ids in service in the scenario (its network and year) but not
        in the baseline (network and ``baseline_year``), and the reverse:
        what a map of the difference highlights and greys out.
    """

    scenario: Scenario
    network: Network
    params: ModelParams
    year: int | None
    baseline_year: int | None
    added_hubs: list[str] = field(default_factory=list)
    changed_hubs: list[str] = field(default_factory=list)
    removed_hubs: list[str] = field(default_factory=list)
    closed_hubs: list[str] = field(default_factory=list)
    added_links: list[str] = field(default_factory=list)
    changed_links: list[str] = field(default_factory=list)
    opened_links: list[str] = field(default_factory=list)
    removed_links: list[str] = field(default_factory=list)
    closed_links: list[str] = field(default_factory=list)
    entering_service: list[str] = field(default_factory=list)
    leaving_service: list[str] = field(default_factory=list)

    def __iter__(self):
        """Unpack as ``network, params, year``."""
        return iter((self.network, self.params, self.year))

    def diff(self) -> dict[str, Any]:
        """The changes as a JSON-ready dict of id lists.

        Returns
        -------
        dict of str to list of str
            ``added_hubs`` to ``leaving_service`` (the id attributes), each a new list.
        """
        names = (
            "added_hubs", "changed_hubs", "removed_hubs", "closed_hubs", "added_links", "changed_links",
            "opened_links", "removed_links", "closed_links", "entering_service", "leaving_service",
        )
        return {name: list(getattr(self, name)) for name in names}


# -- reading and checking the file ---------------------------------------------------------------


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file and check it against the schema.

    Parameters
    ----------
    path
        A TOML scenario file. A bare name (``chongqingdong``) is looked up
        among the built-in scenarios in ``routes/``.

    Returns
    -------
    Scenario
        With the scenarios it extends merged in.

    Raises
    ------
    ScenarioError
        For an unreadable file, an unknown or mistyped field, a missing
        required field, a bad parameter override or an ``extends`` cycle.
    """
    return _load(_find(path), ())


def builtin_scenarios() -> list[Path]:
    """The scenario files shipped in ``routes/``.

    Returns
    -------
    list of pathlib.Path
        The ``.toml`` files, sorted.
    """
    return sorted(ROUTES_DIR.glob("*.toml"))


def _find(path: str | Path) -> Path:
    candidate = Path(path)
    if not candidate.exists() and candidate.parent == Path(".") and (ROUTES_DIR / candidate.with_suffix(".toml").name).exists():
        return ROUTES_DIR / candidate.with_suffix(".toml").name
    return candidate


def _load(path: Path, chain: tuple[Path, ...]) -> Scenario:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain[chain.index(resolved):], resolved))
        msg = f"{path}: field 'extends': cycle {cycle}; a scenario cannot extend itself, directly or through others"
        raise ScenarioError(msg)
    data = _read_toml(path)
    _check_top_level(path, data)
    parent: Scenario | None = None
    if "extends" in data:
        target = path.parent / data["extends"]
        if not target.is_file():
            msg = f"{path}: field 'extends': no such file {str(target)!r}; give a path relative to this file"
            raise ScenarioError(msg)
        parent = _load(target, (*chain, resolved))
    own = _scenario_from_table(path, data)
    scenario = _merged(parent, own) if parent else own
    if scenario.year is not None and scenario.baseline_year is not None and scenario.baseline_year > scenario.year:
        msg = (
            f"{path}: field 'baseline_year': {scenario.baseline_year} is after the scenario's year {scenario.year}; "
            f"the baseline is the network compared against: give a year no later than {scenario.year} (the same year isolates the scenario's own changes)"
        )
        raise ScenarioError(msg)
    return scenario


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        msg = f"{path}: no such scenario file; built-in scenarios: {', '.join(p.stem for p in builtin_scenarios()) or 'none'}"
        raise ScenarioError(msg) from None
    except tomllib.TOMLDecodeError as exc:
        msg = f"{path}: not valid TOML: {exc}"
        raise ScenarioError(msg) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: cannot read: {exc}"
        raise ScenarioError(msg) from None


def _check_top_level(path: Path, data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        if key not in _TOP_LEVEL:
            msg = f"{path}: unknown field '{key}'{did_you_mean(key, _TOP_LEVEL)}; known fields: {', '.join(_TOP_LEVEL)}"
            raise ScenarioError(msg)
        _check_type(f"{path}: field '{key}'", value, _TOP_LEVEL[key])
    for key in ("year", "baseline_year"):
        if key in data and not 1800 <= data[key] <= 2100:
            msg = f"{path}: field '{key}': {data[key]} is not a year; give a whole year such as 2030"
            raise ScenarioError(msg)
    if "profile" in data and data["profile"] not in PROFILES:
        msg = f"{path}: field 'profile': unknown profile {data['profile']!r}; use one of {', '.join(PROFILES)}"
        raise ScenarioError(msg)
    for index, source in enumerate(data.get("sources", []), start=1):
        _check_type(f"{path}: sources[{index}]", source, _STR)
    for index, mode in enumerate(data.get("modes", []), start=1):
        if mode not in MODES:
            msg = f"{path}: modes[{index}]: unknown mode {mode!r}; use one of {', '.join(MODES)}"
            raise ScenarioError(msg)


def _scenario_from_table(path: Path, data: Mapping[str, Any]) -> Scenario:
    scenario = Scenario(
        path=path,
        name=data.get("name", path.stem),
        description=data.get("description", ""),
        sources=list(data.get("sources", [])),
        year=data.get("year"),
        baseline_year=data.get("baseline_year"),
        profile=data.get("profile"),
        modes=data.get("modes"),
        direct=data.get("direct"),
        files=[path],
    )
    for section, fields in _TABLE_SECTIONS.items():
        entries = []
        for index, item in enumerate(data.get(section, []), start=1):
            entry = Entry(section, index, path, dict(item) if isinstance(item, Mapping) else {})
            if not isinstance(item, Mapping):
                msg = f"{entry.where}: must be a table ([[{section}]] with fields), got {item!r}"
                raise ScenarioError(msg)
            _check_fields(entry, fields)
            entries.append(entry)
        setattr(scenario, section, entries)
    for section in _ID_SECTIONS:
        entries = []
        for index, item in enumerate(data.get(section, []), start=1):
            if not isinstance(item, str) or not item.strip():
                msg = f"{path}: {section}[{index}]: must be an id (text), got {item!r}"
                raise ScenarioError(msg)
            entries.append(Entry(section, index, path, {"id": item}))
        setattr(scenario, section, entries)
    for index, item in enumerate(data.get("pairs", []), start=1):
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(h, str) and h for h in item)):
            msg = f"{path}: pairs[{index}]: must be [origin, destination] (two hub ids), got {item!r}"
            raise ScenarioError(msg)
        scenario.pairs.append(Entry("pairs", index, path, {"origin": item[0], "destination": item[1]}))
    if "params" in data:
        try:
            ModelParams().with_overrides(data["params"], source=f"{path}: params")
        except ParameterError as exc:
            raise ScenarioError(str(exc)) from None
        scenario.params.append((dict(data["params"]), f"{path}: params"))
    return scenario


def _check_fields(entry: Entry, fields: Mapping[str, tuple[str, bool]]) -> None:
    for name, value in entry.data.items():
        if name not in fields:
            msg = f"{entry.where}: unknown field '{name}'{did_you_mean(name, fields)}; known fields: {', '.join(fields)}"
            raise ScenarioError(msg)
        _check_type(f"{entry.where} field '{name}'", value, fields[name][0])
    for name, (_, required) in fields.items():
        if required and name not in entry.data:
            msg = f"{entry.where} field '{name}': missing; {entry.section} entries need {', '.join(n for n, (_, r) in fields.items() if r)}"
            raise ScenarioError(msg)
    data = entry.data
    checks = (("mode", MODES), ("status", STATUSES), ("kind", HUB_KINDS), ("profile", PROFILES),
              ("case", PUBLISHED_CASES), ("measure", PUBLISHED_MEASURES))
    for name, allowed in checks:
        if name in data and name in fields and data[name] not in allowed:
            msg = f"{entry.where} field '{name}': unknown value {data[name]!r}; use one of {', '.join(allowed)}"
            raise ScenarioError(msg)
    for name in ("speed_kmh", "operating_speed_kmh", "length_km", "detour", "hours"):
        if name in data and data[name] <= 0:
            msg = f"{entry.where} field '{name}': {data[name]!r} is not a positive number; give a number greater than 0"
            raise ScenarioError(msg)
    if "detour" in data and "length_km" in data:
        msg = f"{entry.where} field 'detour': give either length_km (published) or detour (measured length x detour), not both"
        raise ScenarioError(msg)
    if "lon" in data and not -180 <= data["lon"] <= 180 or "lat" in data and not -90 <= data["lat"] <= 90:
        msg = f"{entry.where} field 'lon'/'lat': ({data.get('lon')}, {data.get('lat')}) out of range; use EPSG:4326 degrees"
        raise ScenarioError(msg)
    if "from_hub" in data and data["from_hub"] == data.get("to_hub"):
        msg = f"{entry.where} field 'to_hub': a link cannot join hub '{data['from_hub']}' to itself"
        raise ScenarioError(msg)


def _check_type(where: str, value: Any, kind: str) -> None:
    if kind in (schema.DATE, schema.HISTORY):
        name = where.rsplit("'", 2)[-2]
        schema.check_value(where, value, schema.LINK_FIELD.get(name) or schema.HUB_FIELD[name], ScenarioError)
        return
    ok = {
        _STR: isinstance(value, str),
        _NUM: isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value),
        _INT: isinstance(value, int) and not isinstance(value, bool),
        _BOOL: isinstance(value, bool),
        _LIST: isinstance(value, list),
        _TABLE: isinstance(value, Mapping),
    }[kind]
    if not ok:
        msg = f"{where}: expected {kind}, got {type(value).__name__} {value!r}"
        raise ScenarioError(msg)


def _merged(parent: Scenario, child: Scenario) -> Scenario:
    merged = Scenario(
        path=child.path,
        name=child.name,
        description=child.description or parent.description,
        sources=[*parent.sources, *(s for s in child.sources if s not in parent.sources)],
        year=child.year if child.year is not None else parent.year,
        baseline_year=child.baseline_year if child.baseline_year is not None else parent.baseline_year,
        profile=child.profile or parent.profile,
        modes=child.modes or parent.modes,
        direct=child.direct if child.direct is not None else parent.direct,
        files=[*parent.files, *child.files],
    )
    for name in ("pairs", "params", *_TABLE_SECTIONS, *_ID_SECTIONS):
        setattr(merged, name, [*getattr(parent, name), *getattr(child, name)])
    return merged




# -- applying to a network -------------------------------------------------------------------------


def apply_scenario(network: Network, scenario: Scenario, *, params: ModelParams | None = None) -> AppliedScenario:
    """Apply ``scenario`` to a copy of ``network``.

    Every entry is checked against the network (and the hubs the scenario
    adds) with the rules of the network files (``corridor/_validate.py``):
    added hubs and links are whole records, changed links must stay valid.
    Entries apply in this order: add hubs, change hubs, add links, change
    links, open links, then remove or close links, then remove or close
    hubs (with their links).

    Parameters
    ----------
    network
        The baseline network; it is not modified.
    scenario
        From :func:`load_scenario`.
    params
        Base model parameters the scenario's overrides apply to (default:
        ``corridor/model.toml``).

    Returns
    -------
    AppliedScenario
        Unpacks as ``network, params, year``; also lists the ids added,
        changed and removed.

    Raises
    ------
    ScenarioError
        Naming the file, entry and field of the first problem.
    """
    hubs = network.hubs.copy()
    links = network.links.copy()
    result = AppliedScenario(scenario, network, scenario.model_params(params), scenario.year, scenario.baseline_year)

    hubs = _add_hubs(hubs, scenario.add_hubs, result)
    _change_rows(hubs, scenario.change_hubs, result.changed_hubs, _check_hub_row, set(hubs.index))
    hub_ids = set(hubs.index)
    links = _add_links(links, hubs, scenario.add_links, result)
    _change_rows(links, scenario.change_links, result.changed_links, _check_link_row, hub_ids)
    for entry in scenario.open_links:
        link_id = _known(entry, links, "links")
        links.at[link_id, "status"] = "open"
        links.at[link_id, "opened"] = None
        _remember(result.opened_links, link_id)
        _remember(result.changed_links, link_id)
    for section, ids in (("remove_links", result.removed_links), ("close_links", result.closed_links)):
        for entry in getattr(scenario, section):
            link_id = _known(entry, links, "links")
            links = links.drop(index=link_id)
            _remember(ids, link_id)
    for section, ids in (("remove_hubs", result.removed_hubs), ("close_hubs", result.closed_hubs)):
        for entry in getattr(scenario, section):
            hub_id = _known(entry, hubs, "hubs")
            touching = links.index[(links["from_hub"] == hub_id) | (links["to_hub"] == hub_id)]
            for link_id in touching:
                _remember(result.closed_links if section == "close_hubs" else result.removed_links, link_id)
            links = links.drop(index=touching)
            hubs = hubs.drop(index=hub_id)
            hubs.loc[hubs["city"] == hub_id, "city"] = hubs.index[hubs["city"] == hub_id]
            _remember(ids, hub_id)

    _check_references(scenario, set(hubs.index))
    result.network = Network(hubs=hubs, links=links, source=f"{network.source} + scenario {scenario.name}")
    before = links_in_service(network, scenario.baseline_year)
    after = links_in_service(result.network, scenario.year)
    result.entering_service = sorted(after - before)
    result.leaving_service = sorted(before - after)
    return result


def scenario_graphs(
    network: Network,
    applied: AppliedScenario,
    *,
    profile: str,
    modes: Sequence[str] | None = None,
    avoid: Sequence[str] | None = None,
    params: ModelParams | None = None,
) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """The routing graphs before and after a scenario: the one place both sides are built.

    Parameters
    ----------
    network
        The baseline network ``applied`` was applied to.
    applied
        From :func:`apply_scenario`.
    profile, modes, avoid
        As for :func:`corridor.graph.graph_from_network`, the same on both sides.
    params
        Base model parameters of the baseline side (default:
        ``corridor/model.toml``); the scenario side uses ``applied.params``
        (these with the scenario's overrides).

    Returns
    -------
    tuple of networkx.MultiDiGraph
        ``(before, after)``: ``network`` as of ``applied.baseline_year``, and
        ``applied.network`` as of ``applied.year``.
    """
    options: dict[str, Any] = {"profile": profile, "modes": modes, "avoid": avoid}
    before = graph_from_network(network, year=applied.baseline_year, params=params or ModelParams(), **options)
    after = graph_from_network(applied.network, year=applied.year, params=applied.params, **options)
    return before, after


def links_in_service(network: Network, year: int | None) -> set[str]:
    """Ids of the links of ``network`` that carry traffic in ``year`` (either profile).

    Parameters
    ----------
    network
        The hubs and links.
    year
        The network's year (``None``: links open today).

    Returns
    -------
    set of str
        Links in service (:func:`corridor.schema.in_service`) whose two hubs are open.
    """
    hubs = network.hubs.to_dict("index")
    return {
        link_id
        for link_id, link in network.links.to_dict("index").items()
        if schema.in_service(link, year) and schema.hub_open(hubs[link["from_hub"]], year) and schema.hub_open(hubs[link["to_hub"]], year)
    }


def _add_hubs(hubs: gpd.GeoDataFrame, entries: list[Entry], result: AppliedScenario) -> gpd.GeoDataFrame:
    if not entries:
        return hubs
    features = []
    hub_ids = set(hubs.index) | {e.data["id"] for e in entries}
    for entry in entries:
        record = {k: v for k, v in entry.data.items() if k not in ("lon", "lat")}
        if record["id"] in hubs.index or record["id"] in result.added_hubs:
            msg = f"{entry.where} field 'id': hub '{record['id']}' already exists; use change_hubs to change it"
            raise ScenarioError(msg)
        record.setdefault("city", record["id"])
        if "country" not in record:
            city = record["city"]
            if city in hubs.index:
                record["country"] = hubs.at[city, "country"]
            else:
                msg = f"{entry.where} field 'country': missing; give the ISO country code (e.g. 'CN') or a 'city' hub to take it from"
                raise ScenarioError(msg)
        _as_scenario_error(entry, _validate.check_hub, record, hub_ids)
        features.append({"properties": record, "geometry": mapping(Point(entry.data["lon"], entry.data["lat"]))})
        result.added_hubs.append(record["id"])
    added = _frame(features, schema.HUB_DEFAULTS)
    return pd.concat([hubs, added.to_crs(hubs.crs) if hubs.crs else added])


def _add_links(links: gpd.GeoDataFrame, hubs: gpd.GeoDataFrame, entries: list[Entry], result: AppliedScenario) -> gpd.GeoDataFrame:
    if not entries:
        return links
    features = []
    hub_ids = set(hubs.index)
    for entry in entries:
        data = entry.data
        if data["id"] in links.index or data["id"] in result.added_links:
            msg = f"{entry.where} field 'id': link '{data['id']}' already exists; use change_links to change it"
            raise ScenarioError(msg)
        for end in ("from_hub", "to_hub"):
            if data[end] not in hub_ids:
                msg = f"{entry.where} field '{end}': unknown hub {data[end]!r}{did_you_mean(data[end], hub_ids)}"
                raise ScenarioError(msg)
        coords = [_hub_xy(hubs, data["from_hub"]), *_via_points(entry, hubs), _hub_xy(hubs, data["to_hub"])]
        geometry = LineString(coords)
        record = {
            "status": "open",
            "freight": data["mode"] != "hsr",
            "passenger": data["mode"] in ("hsr", "rail", "expressway"),
            "stops": 0,
            **{k: v for k, v in data.items() if k not in ("via", "detour")},
            "via": [v if isinstance(v, str) else f"{v[0]},{v[1]}" for v in data.get("via", [])] or None,
        }
        if "length_km" in data:
            record["length_basis"] = "published"
        else:
            record["length_km"] = round(geodesic_km(coords) * data.get("detour", 1.0), 1)
            record["length_basis"] = "measured"
        _as_scenario_error(entry, _validate.check_link, record, hub_ids)
        features.append({"properties": record, "geometry": mapping(geometry)})
        result.added_links.append(record["id"])
    added = _frame(features, schema.LINK_DEFAULTS)
    return pd.concat([links, added])


def _via_points(entry: Entry, hubs: gpd.GeoDataFrame) -> list[tuple[float, float]]:
    points = []
    for index, item in enumerate(entry.data.get("via", []), start=1):
        where = f"{entry.where} field 'via' item {index}"
        if isinstance(item, str):
            if item not in hubs.index:
                msg = f"{where}: unknown hub {item!r}{did_you_mean(item, hubs.index)}; give a hub id or [lon, lat]"
                raise ScenarioError(msg)
            points.append(_hub_xy(hubs, item))
        elif (
            isinstance(item, list) and len(item) == 2 and all(isinstance(c, int | float) and not isinstance(c, bool) for c in item)
            and -180 <= item[0] <= 180 and -90 <= item[1] <= 90
        ):
            points.append((float(item[0]), float(item[1])))
        else:
            msg = f"{where}: {item!r} is neither a hub id nor a [lon, lat] waypoint in degrees"
            raise ScenarioError(msg)
    return points


def _hub_xy(hubs: gpd.GeoDataFrame, hub: str) -> tuple[float, float]:
    point = hubs.at[hub, "geometry"]
    return (point.x, point.y)


def geodesic_km(coords: Iterable[tuple[float, float]]) -> float:
    """Length in km on the WGS84 ellipsoid of a line through ``(lon, lat)`` points.

    Parameters
    ----------
    coords
        ``(lon, lat)`` points in degrees, in order.

    Returns
    -------
    float
        km.
    """
    points = list(coords)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return float(_GEOD.line_length(lons, lats)) / 1000.0


def _change_rows(frame: gpd.GeoDataFrame, entries: list[Entry], changed: list[str], check, hub_ids: set[str]) -> None:
    kind = "links" if check is _check_link_row else "hubs"
    for entry in entries:
        row_id = _known(entry, frame, kind)
        record = {**_clean(frame.loc[row_id].to_dict()), **entry.data}
        check(entry, record, hub_ids)
        for name, value in entry.data.items():
            if name == "id":
                continue
            if name not in frame.columns:
                frame[name] = None
            frame.at[row_id, name] = value
        _remember(changed, row_id)


def _check_link_row(entry: Entry, record: dict[str, Any], hub_ids: set[str]) -> None:
    _as_scenario_error(entry, _validate.check_link, record, hub_ids)


def _check_hub_row(entry: Entry, record: dict[str, Any], hub_ids: set[str]) -> None:
    _as_scenario_error(entry, _validate.check_hub, record, hub_ids)


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    """A frame row as a network-file record: NaN as None, whole-number floats of years and stops as int."""
    clean = {}
    for key, value in record.items():
        if isinstance(value, float) and value != value:
            value = None
        elif key in ("opened", "expected", "stops") and isinstance(value, float) and value.is_integer():
            value = int(value)
        clean[key] = value
    return clean


def _as_scenario_error(entry: Entry, check, record: Mapping[str, Any], hub_ids: set[str]) -> None:
    """Run a network-file check on a scenario entry; report failures against the entry."""
    try:
        check(f"{entry.file}: {entry.section}[{entry.index}]", record, hub_ids)
    except NetworkFileError as exc:
        raise ScenarioError(str(exc).replace("]: feature ", "] ", 1)) from None


def _known(entry: Entry, frame: gpd.GeoDataFrame, kind: str) -> str:
    row_id = entry.data["id"]
    if row_id not in frame.index:
        msg = f"{entry.where} field 'id': unknown {kind[:-1]} {row_id!r}{did_you_mean(row_id, frame.index)}"
        raise ScenarioError(msg)
    return row_id


def _check_references(scenario: Scenario, hub_ids: set[str]) -> None:
    """Pairs and published figures must name hubs of the scenario's network."""
    for entry in (*scenario.pairs, *scenario.published):
        for name in ("origin", "destination"):
            hub = entry.data[name]
            if hub not in hub_ids:
                msg = f"{entry.where} field '{name}': unknown hub {hub!r}{did_you_mean(hub, hub_ids)}"
                raise ScenarioError(msg)
        if entry.data["origin"] == entry.data["destination"]:
            msg = f"{entry.where} field 'destination': same hub as the origin ('{entry.data['origin']}')"
            raise ScenarioError(msg)


def _remember(ids: list[str], value: str) -> None:
    if value not in ids:
        ids.append(value)
