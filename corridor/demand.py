"""Origin-destination demand between cities: a user table or a gravity model.

Demand lives on *city hubs*: hubs whose ``city`` is themselves (a city
centre, or a port or station that stands alone). Trips start and end at the
city hub's node; the city's stations and terminals are on the way. A
station or terminal named in a demand table counts for its city.

Gravity model
-------------
Without a table, annual flows come from the hubs' populations (Natural Earth
``POP_MAX`` in the built-in geodata)::

    T_ij = GRAVITY_K * P_i * P_j / max(d_ij, GRAVITY_MIN_KM) ** GRAVITY_BETA

with ``d_ij`` the geodesic distance in km (WGS84) between the two city hubs.
The parameters are the module-level constants below (not in
``corridor/model.toml``, which holds the travel-time and cost model). Only
city hubs with a population generate or attract demand. If no city hub of
the graph has a population (a user network without the field), every city
hub counts as ``DEFAULT_POPULATION``, so the model reduces to distance decay
alone.

Demand table
------------
A CSV file with a header ``origin,destination,flow``: hub names as a person
types them (see :func:`corridor.hubs.resolve_hub`) and a non-negative
annual flow. Rows with the same pair add up. A bad row stops the load with
one line naming the file, the row (counted as a spreadsheet counts, the
header being row 1) and the field.
"""

from __future__ import annotations

import csv as csv_module
import math
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from corridor._errors import ScenarioError, UnknownHubError
from corridor.graph import city_of
from corridor.hubs import resolve_hub

#: Scale of the gravity model: flow units per (person x person / km ** beta).
#: Chosen so two cities of 10 million 1,000 km apart exchange 100 units a year;
#: rankings and criticality depend only on ratios, not on this scale.
GRAVITY_K: float = 1e-9

#: Distance decay exponent of the gravity model (an assumption, not fitted:
#: 1.0 is typical of long-distance freight, 2.0 of short passenger trips).
GRAVITY_BETA: float = 1.0

#: Distances below this (km) count as this, so neighbouring cities do not blow up.
GRAVITY_MIN_KM: float = 50.0

#: Population every city hub counts as when no city hub of the graph has one.
DEFAULT_POPULATION: float = 1e6

#: Columns a demand table must have.
CSV_COLUMNS: tuple[str, ...] = ("origin", "destination", "flow")

def city_hubs(graph: nx.MultiDiGraph) -> list[str]:
    """Ids of the graph's city hubs (hubs whose ``city`` is themselves), in graph order.

    Hubs without a ``city`` attribute (imported networks) count as their own city.

    Parameters
    ----------
    graph
        A corridor graph.

    Returns
    -------
    list of str
        Hub ids.
    """
    return [hub for hub, node in graph.graph["hub_nodes"].items() if graph.nodes[node].get("city", hub) == hub]


def demand_matrix(
    graph: nx.MultiDiGraph,
    *,
    csv: str | Path | None = None,
    population: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Annual flows between city hubs: from a CSV table, or the gravity model.

    Parameters
    ----------
    graph
        A corridor graph (built for a profile, year and mode filter).
    csv
        A demand table (``origin,destination,flow``); ``None`` for the
        gravity model.
    population
        Populations by hub id for the gravity model, overriding the hub
        nodes' ``population`` attribute (which the graph builder copies from
        the network's hubs).

    Returns
    -------
    pandas.DataFrame
        Square, indexed by city hub id (origins as rows, destinations as
        columns), zero on the diagonal and where there is no demand.

    Raises
    ------
    ScenarioError
        For a table that is missing, lacks a column, or has a bad flow.
    UnknownHubError
        For a hub name in the table that matches no hub (with file and row).

    References
    ----------
    The gravity model of trip distribution, here with a power-law decay of distance:

    .. [1] Zipf, G. K. (1946). "The P1 P2/D hypothesis: on the intercity movement of
       persons". American Sociological Review, 11(6), 677-686.
    .. [2] Ortúzar, J. de D., and Willumsen, L. G. (2011). Modelling Transport, 4th ed.,
       chapter 5 (trip distribution). Wiley.
    """
    ids = city_hubs(graph)
    if csv is not None:
        return _demand_from_csv(graph, Path(csv), ids)
    return _gravity(graph, ids, population)


def _gravity(graph: nx.MultiDiGraph, ids: list[str], population: Mapping[str, float] | None) -> pd.DataFrame:
    nodes = [graph.nodes[graph.graph["hub_nodes"][hub]] for hub in ids]
    given = {hub: data.get("population") for hub, data in zip(ids, nodes, strict=True)} | dict(population or {})
    values = np.array([_positive(given.get(hub)) for hub in ids])
    if not values.any():
        values = np.full(len(ids), DEFAULT_POPULATION)
    km = _geodesic_km(np.array([data["x"] for data in nodes]), np.array([data["y"] for data in nodes]))
    flows = GRAVITY_K * np.outer(values, values) / np.maximum(km, GRAVITY_MIN_KM) ** GRAVITY_BETA
    np.fill_diagonal(flows, 0.0)
    return pd.DataFrame(flows, index=ids, columns=ids)


def _positive(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number > 0 and math.isfinite(number) else 0.0


def _geodesic_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Distances on the WGS84 ellipsoid between every pair of points (degrees), km (pyproj, as every length in corridor)."""
    from pyproj import Geod

    a, b = np.meshgrid(np.arange(len(lon)), np.arange(len(lon)), indexing="ij")
    _, _, metres = Geod(ellps="WGS84").inv(lon[a], lat[a], lon[b], lat[b])
    return np.asarray(metres) / 1000.0


def _demand_from_csv(graph: nx.MultiDiGraph, path: Path, ids: list[str]) -> pd.DataFrame:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv_module.reader(handle))
    except OSError as exc:
        msg = f"{path}: cannot read the demand table ({exc.strerror or exc}); give a CSV file with columns {','.join(CSV_COLUMNS)}"
        raise ScenarioError(msg) from exc
    except UnicodeDecodeError as exc:
        msg = f"{path}: not a UTF-8 text file; give a CSV file with columns {','.join(CSV_COLUMNS)}"
        raise ScenarioError(msg) from exc
    if not rows:
        msg = f"{path}: empty file; give a header row {','.join(CSV_COLUMNS)} and one row per origin-destination pair"
        raise ScenarioError(msg)
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        msg = f"{path}: row 1: no column '{missing[0]}'; the header must name {','.join(CSV_COLUMNS)}"
        raise ScenarioError(msg)
    where = {column: header.index(column) for column in CSV_COLUMNS}
    position = {hub: i for i, hub in enumerate(ids)}
    flows = np.zeros((len(ids), len(ids)))
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        ends = [_city_in_row(graph, path, number, row, where[field], field, position) for field in ("origin", "destination")]
        flow = _flow_in_row(path, number, row, where["flow"])
        if ends[0] == ends[1]:
            msg = f"{path}: row {number}: field 'destination': same city as the origin ('{ids[ends[0]]}'); demand is between cities"
            raise ScenarioError(msg)
        flows[ends[0], ends[1]] += flow
    return pd.DataFrame(flows, index=ids, columns=ids)


def _cell(row: list[str], column: int) -> str:
    return row[column].strip() if column < len(row) else ""


def _city_in_row(graph, path: Path, number: int, row: list[str], column: int, field: str, position: dict[str, int]) -> int:
    name = _cell(row, column)
    if not name:
        msg = f"{path}: row {number}: field '{field}': empty; give a hub id or name"
        raise ScenarioError(msg)
    try:
        hub = resolve_hub(graph, name)
    except UnknownHubError as exc:
        msg = f"{path}: row {number}: field '{field}': {exc}"
        raise UnknownHubError(msg) from None
    city = city_of(graph, hub)
    if city not in position:
        msg = f"{path}: row {number}: field '{field}': hub '{hub}' belongs to no city hub of the network; name a city"
        raise ScenarioError(msg)
    return position[city]


def _flow_in_row(path: Path, number: int, row: list[str], column: int) -> float:
    text = _cell(row, column)
    try:
        flow = float(text)
    except ValueError:
        flow = math.nan
    if not math.isfinite(flow) or flow < 0:
        msg = f"{path}: row {number}: field 'flow': '{text}' is not a non-negative number"
        raise ScenarioError(msg)
    return flow
