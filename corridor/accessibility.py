"""Accessibility: how many people a city reaches within T hours, and a gravity index.

Two measures of each city hub (a hub whose ``city`` is itself, see
:func:`corridor.demand.city_hubs`), from the door-to-door times of the
passenger graph (city centre to city centre: urban time, terminal times,
the trains or coaches, dwell and border times):

- *cumulative opportunities*: the population of the city hubs reached within
  ``T`` hours (the city's own population included, at 0 h), for each ``T``
  asked (2, 4 and 6 h by default);
- the *gravity index*: ``sum_j P_j * 0.5 ** (t_ij / h)``, every reachable
  city's population weighted down by half for each ``h`` hours of travel
  (``gravity_half_life_h`` in ``corridor/model.toml``), the own city at full
  weight. It is in people: "the population that counts as near".

Populations are the city hubs' ``population`` (in the built-in geodata from
Natural Earth ``POP_MAX``, each with its ``population_source``); a city hub
without one counts 0 and is listed as such. Both measures are computed per
mode group (:data:`MODE_GROUPS`: by train, by road, by any passenger mode),
each on a graph restricted to the group's modes.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from corridor._errors import CorridorError
from corridor.demand import city_hubs
from corridor.graph import graph_from_network, hub_node
from corridor.network import Network
from corridor.params import ModelParams
from corridor.routing import shortest_path_lengths
from corridor.scenario import AppliedScenario, scenario_graphs

#: Travel-time thresholds (hours) of the cumulative-opportunity measure by default.
DEFAULT_HOURS: tuple[float, ...] = (2.0, 4.0, 6.0)

#: Mode groups accessibility is reported for: name to the passenger modes allowed (``None``: all).
MODE_GROUPS: dict[str, tuple[str, ...] | None] = {
    "train": ("hsr", "rail"),
    "road": ("expressway",),
    "all": None,
}

#: Threshold (hours) of the headline a what-if states ("N million more people within 6 h").
HEADLINE_HOURS: float = 6.0

#: Mode group of the headline.
HEADLINE_MODE: str = "train"

#: How many hubs a what-if lists per mode group (besides the scenario's own origins).
TOP_HUBS: int = 10


def within_column(hours: float) -> str:
    """Name of the column of the population within ``hours`` (``population_within_6h``).

    Parameters
    ----------
    hours
        The threshold in hours.

    Returns
    -------
    str
        ``population_within_<hours>h``, the hours formatted with ``:g``.
    """
    return f"population_within_{hours:g}h"


def city_populations(graph: nx.MultiDiGraph, population: Mapping[str, float] | None = None) -> pd.Series:
    """Population of each city hub of ``graph`` (0 where none is known), indexed by hub id.

    Parameters
    ----------
    graph
        A corridor graph (its hub nodes carry ``population``).
    population
        Populations by hub id overriding the graph's.

    Returns
    -------
    pandas.Series
        People (float, 0 where none is known or the value is not a positive
        number), named ``population``, indexed by city hub id.
    """
    cities = city_hubs(graph)
    given = {hub: graph.nodes[hub_node(graph, hub)].get("population") for hub in cities} | dict(population or {})
    return pd.Series([_count(given.get(hub)) for hub in cities], index=cities, dtype=float, name="population")


def _count(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def city_hours(graph: nx.MultiDiGraph, origins: Sequence[str], destinations: Sequence[str]) -> np.ndarray:
    """Fastest door-to-door hours from ``origins`` to ``destinations`` (hub ids), ``inf`` where unreachable.

    One run of scipy's Dijkstra (:func:`corridor.routing.shortest_path_lengths`).

    Parameters
    ----------
    graph
        A corridor graph.
    origins, destinations
        Hub ids of the graph.

    Returns
    -------
    numpy.ndarray
        Hours, one row per origin and one column per destination.
    """
    sources = [hub_node(graph, hub) for hub in origins]
    targets = [hub_node(graph, hub) for hub in destinations]
    return shortest_path_lengths(graph, sources, targets, weight="travel_time") / 3600.0


def gravity_weights(hours: np.ndarray, half_life_h: float) -> np.ndarray:
    """``0.5 ** (hours / half_life_h)``: 1 at 0 h, 0 where unreachable (``inf``).

    Parameters
    ----------
    hours
        Travel times in hours (``inf`` where unreachable).
    half_life_h
        Hours that halve the weight.

    Returns
    -------
    numpy.ndarray
        Weights in [0, 1], the shape of ``hours``.

    Raises
    ------
    CorridorError
        When ``half_life_h`` is not positive.
    """
    if not half_life_h > 0:
        msg = f"gravity half-life {half_life_h!r} h: give a positive number of hours (passenger.gravity_half_life_h in corridor/model.toml)"
        raise CorridorError(msg)
    with np.errstate(over="ignore"):
        return np.where(np.isfinite(hours), np.power(0.5, np.where(np.isfinite(hours), hours, 0.0) / half_life_h), 0.0)


def accessibility(
    graph: nx.MultiDiGraph,
    *,
    hours: Iterable[float] = DEFAULT_HOURS,
    origins: Sequence[str] | None = None,
    population: Mapping[str, float] | None = None,
    half_life_h: float | None = None,
) -> pd.DataFrame:
    """Population within each of ``hours`` and the gravity index, per origin hub.

    Parameters
    ----------
    graph
        A corridor graph (passenger, for people).
    hours
        Thresholds of the cumulative-opportunity measure.
    origins
        Hub ids to measure from (default: every city hub of the graph).
    population
        Populations by hub id, overriding the graph's (see :func:`city_populations`).
    half_life_h
        Hours that halve a city's weight in the gravity index (default:
        ``passenger.gravity_half_life_h`` of ``corridor/model.toml``).

    Returns
    -------
    pandas.DataFrame
        Indexed by origin hub id: ``name``, ``population`` (its own),
        one :func:`within_column` per threshold (people), ``cities_within_<T>h``
        for the largest threshold, and ``gravity`` (people).

    Examples
    --------
    On the mini corridor with Chongqing and Guiyang at 1 million each and
    Guiyang 3.4 h away by train, Chongqing reaches 1 million within 2 h and
    2 million within 4 h.
    """
    thresholds = check_hours(hours)
    half_life = ModelParams().value("passenger", "gravity_half_life_h") if half_life_h is None else half_life_h
    people = city_populations(graph, population)
    sources = list(origins) if origins is not None else list(people.index)
    times = city_hours(graph, sources, list(people.index))
    values = people.to_numpy()
    table = pd.DataFrame(index=pd.Index(sources, name="hub"))
    table["name"] = [graph.nodes[hub_node(graph, hub)].get("name", hub) for hub in sources]
    table["population"] = [float(people.get(hub, 0.0)) for hub in sources]
    for limit in thresholds:
        table[within_column(limit)] = (times <= limit) @ values
    table[f"cities_within_{thresholds[-1]:g}h"] = ((times <= thresholds[-1]) & (values > 0)).sum(axis=1)
    table["gravity"] = gravity_weights(times, half_life) @ values
    return table


def check_hours(hours: Iterable[float]) -> list[float]:
    """Thresholds or bands in hours, sorted and without repeats.

    Parameters
    ----------
    hours
        Numbers of hours (anything ``float`` accepts).

    Returns
    -------
    list of float
        The distinct hours, ascending.

    Raises
    ------
    CorridorError
        When there is none, or one is not a positive finite number.
    """
    given = list(hours)
    try:
        values = sorted({float(h) for h in given})
    except (TypeError, ValueError):
        values = []
    if not values or any(not math.isfinite(h) or h <= 0 for h in values):
        msg = f"hours {given!r}: give one or more positive numbers of hours, e.g. --hours 2,4,6"
        raise CorridorError(msg)
    return values


def accessibility_by_mode(
    network: Network,
    *,
    year: int | None = None,
    params: ModelParams | None = None,
    hours: Iterable[float] = DEFAULT_HOURS,
    groups: Iterable[str] = tuple(MODE_GROUPS),
    origins: Sequence[str] | None = None,
    population: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """:func:`accessibility` of the passenger network for each mode group, in one long table.

    Parameters
    ----------
    network
        The hubs and links.
    year
        The network as of this year (``None``: open today).
    params
        Model parameters (default: ``corridor/model.toml``); the gravity
        half-life is theirs.
    hours, origins, population
        As for :func:`accessibility`.
    groups
        Names of :data:`MODE_GROUPS`.

    Returns
    -------
    pandas.DataFrame
        One row per mode group and origin: ``mode`` then the columns of :func:`accessibility`.
    """
    params = params or ModelParams()
    graphs = {group: mode_graph(network, group, year=year, params=params) for group in groups}
    return _by_mode(graphs, params=params, hours=hours, origins=origins, population=population)


def _by_mode(
    graphs: Mapping[str, nx.MultiDiGraph],
    *,
    params: ModelParams,
    hours: Iterable[float],
    origins: Sequence[str] | None = None,
    population: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """:func:`accessibility` on the graph of each mode group (name to graph), in one long table."""
    hours = list(hours)
    frames = []
    for group, graph in graphs.items():
        known = [hub for hub in origins if hub in graph.graph["hub_nodes"]] if origins is not None else None
        frame = accessibility(graph, hours=hours, origins=known, population=population,
                              half_life_h=params.value("passenger", "gravity_half_life_h"))  # fmt: skip
        frame.insert(0, "mode", group)
        frames.append(frame)
    return pd.concat(frames)


def mode_graph(network: Network, group: str, *, year: int | None, params: ModelParams) -> nx.MultiDiGraph:
    """The passenger graph of ``network`` restricted to the modes of mode group ``group``.

    Parameters
    ----------
    network
        The hubs and links.
    group
        A name of :data:`MODE_GROUPS`.
    year
        The network as of this year (``None``: open today).
    params
        Model parameters.

    Returns
    -------
    networkx.MultiDiGraph
        The ``passenger`` profile graph of :func:`corridor.graph.graph_from_network`.

    Raises
    ------
    CorridorError
        For a group not in :data:`MODE_GROUPS`.
    """
    if group not in MODE_GROUPS:
        msg = f"unknown mode group {group!r}; use one of {', '.join(MODE_GROUPS)}"
        raise CorridorError(msg)
    return graph_from_network(network, profile="passenger", year=year, modes=MODE_GROUPS[group], params=params)


def accessibility_change(before: pd.DataFrame, after: pd.DataFrame, *, hours: float = HEADLINE_HOURS) -> pd.DataFrame:
    """Before and after of two :func:`accessibility_by_mode` tables, per mode group and hub.

    Parameters
    ----------
    before, after
        :func:`accessibility_by_mode` tables with the column of ``hours``
        (:func:`within_column`); only hubs in both are compared.
    hours
        The threshold compared.

    Returns
    -------
    pandas.DataFrame
        Columns ``mode``, ``hub``, ``name``, ``before``, ``after``, ``change``
        (population within ``hours``), ``gravity_before``, ``gravity_after``,
        ``gravity_change``; largest change first.
    """
    column = within_column(hours)
    keys = ["mode", "hub"]
    old = before.reset_index()[[*keys, "name", column, "gravity"]]
    new = after.reset_index()[[*keys, column, "gravity"]]
    both = old.merge(new, on=keys, suffixes=("_before", "_after"))
    table = pd.DataFrame({
        "mode": both["mode"], "hub": both["hub"], "name": both["name"],
        "before": both[f"{column}_before"], "after": both[f"{column}_after"],
        "gravity_before": both["gravity_before"], "gravity_after": both["gravity_after"],
    })  # fmt: skip
    table["change"] = table["after"] - table["before"]
    table["gravity_change"] = table["gravity_after"] - table["gravity_before"]
    order = table.assign(_size=-table["change"].abs(), _gravity=-table["gravity_change"].abs())
    return order.sort_values(["_size", "_gravity", "mode", "hub"], kind="stable").drop(columns=["_size", "_gravity"]).reset_index(drop=True)


def scenario_accessibility(
    network: Network,
    applied: AppliedScenario,
    *,
    params: ModelParams | None = None,
    hours: float = HEADLINE_HOURS,
    focus: Sequence[str] = (),
    top: int = TOP_HUBS,
) -> dict[str, Any]:
    """What an applied scenario changes in each city's accessibility, for ``corridor whatif``.

    Parameters
    ----------
    network
        The baseline network.
    applied
        A :class:`corridor.scenario.AppliedScenario` of ``network``.
    params
        Base model parameters (the scenario's own apply on its side).
    hours
        Threshold of the reported population.
    focus
        Hubs always reported (the scenario's origins); a station counts for its city.
    top
        How many other hubs to list, by largest change.

    Returns
    -------
    dict
        ``hours``, ``half_life_h``, ``population_source``, ``rows`` (see
        :func:`accessibility_change`, the changed hubs and ``focus``) and
        ``headline`` (one sentence for the first focus hub by train, or the
        largest change, or ``None`` when nothing changes).
    """
    base = params or ModelParams()
    sides = {
        group: scenario_graphs(network, applied, profile="passenger", modes=modes, params=base)
        for group, modes in MODE_GROUPS.items()
    }
    before = _by_mode({group: pair[0] for group, pair in sides.items()}, params=base, hours=[hours])
    after = _by_mode({group: pair[1] for group, pair in sides.items()}, params=applied.params, hours=[hours])
    change = accessibility_change(before, after, hours=hours)
    wanted = set(_cities_of(network, focus))
    moved = change[(change["change"] != 0) | (change["gravity_change"].abs() > 1e-6)]
    listed = pd.concat([change[change["hub"].isin(wanted)], moved.groupby("mode", sort=False).head(top)]).drop_duplicates(["mode", "hub"])
    rows = [_row(r) for r in listed.to_dict("records")]
    return {
        "hours": hours,
        "half_life_h": base.value("passenger", "gravity_half_life_h"),
        "population_source": "city hubs' population in the network (built-in: Natural Earth POP_MAX, see population_source)",
        "rows": rows,
        "headline": headline(applied.scenario.name, change, focus=[h for h in _cities_of(network, focus)], hours=hours),
    }


def _cities_of(network: Network, hubs: Sequence[str]) -> list[str]:
    records = network.hub_records()
    return list(dict.fromkeys(records.get(hub, {}).get("city") or hub for hub in hubs))


def _row(record: Mapping[Hashable, Any]) -> dict[Hashable, Any]:
    return {key: (float(value) if isinstance(value, np.floating | float) else value) for key, value in record.items()}


def headline(scenario: str, change: pd.DataFrame, *, focus: Sequence[str] = (), hours: float = HEADLINE_HOURS, mode: str = HEADLINE_MODE) -> str | None:
    """One sentence on the accessibility change by ``mode`` of the first ``focus`` hub (else the largest change).

    "Chongqingdong brings 12.3 million more people within 6 h of Chongqing by
    train (45.6 million before, 57.9 million after)".

    Parameters
    ----------
    scenario
        Name of the scenario, the sentence's subject.
    change
        An :func:`accessibility_change` table.
    focus
        Hub ids; the first one is reported if it is in ``change``.
    hours
        The threshold of ``change``.
    mode
        The mode group reported.

    Returns
    -------
    str or None
        The sentence; ``None`` when no hub of ``mode`` changes and no focus hub is in ``change``.
    """
    rows = change[change["mode"] == mode]
    chosen = rows[rows["hub"].isin(focus[:1])] if focus else rows.iloc[:0]
    if chosen.empty:
        chosen = rows[rows["change"] != 0].head(1)
    if chosen.empty:
        return None
    r = chosen.iloc[0]
    verb = "more" if r["change"] >= 0 else "fewer"
    how = {"train": "by train", "road": "by road", "all": "by any mode"}.get(mode, f"by {mode}")
    return (
        f"{scenario} brings {_millions(abs(r['change']))} {verb} people within {hours:g} h of {r['name']} {how} "
        f"({_millions(r['before'])} before, {_millions(r['after'])} after)"
    )


def _millions(people: float) -> str:
    return f"{people / 1e6:,.1f} million"
