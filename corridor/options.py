"""Options by mode chain: the best route for each feasible combination of modes.

A planner's first question after "what is the fastest route" is "what are the
options and how do they compare": all-road, rail+sea, road+sea, river+sea...
:func:`options_by_mode_chain` answers it on any corridor graph. For every
non-empty subset of the graph's modes it runs one Dijkstra search (by
generalised cost, by default) that may use only those modes, and keeps the
route it finds under the chain of modes the route actually uses (in order of
first use), the best one per chain. Freight has four modes (15 subsets),
passengers three (7).

Each option reports door-to-door time, time moving, km, generalised cost,
CO2 (kg CO2e per TEU or passenger, see ``model.toml``) and transfers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from corridor._errors import CorridorError, NoRouteError
from corridor.graph import hub_node
from corridor.hubs import resolve_hub
from corridor.routing import WEIGHTS, Route, route_from_nodes
from corridor.settings import MODES

#: Separator of the modes of a chain in its label ("rail+sea").
CHAIN_SEPARATOR = "+"


@dataclass
class Option:
    """The best route of one mode chain.

    Attributes
    ----------
    chain
        Modes the route uses, in order of first use.
    route
        The route.
    """

    chain: tuple[str, ...]
    route: Route

    @property
    def label(self) -> str:
        """The chain as text, e.g. ``"rail+sea"``."""
        return chain_label(self.chain)

    def as_dict(self) -> dict[str, Any]:
        """The option in the JSON contract of ``corridor options --json``.

        Returns
        -------
        dict
            ``chain``, ``modes``, ``time_h``, ``moving_h``, ``length_km``,
            ``cost``, ``co2_kg`` (rounded), ``transfers``, ``hubs`` and ``via``
            (the lines of the legs other than urban ones).
        """
        route = self.route
        return {
            "chain": self.label,
            "modes": list(self.chain),
            "time_h": round(route.time_h, 2),
            "moving_h": round(route.moving_h, 2),
            "length_km": round(route.length_km, 1),
            "cost": round(route.cost, 1),
            "co2_kg": round(route.co2, 1),
            "transfers": route.transfers,
            "hubs": route.hubs,
            "via": [leg.line for leg in route.legs if leg.mode != "urban"],
        }


def chain_label(modes: Iterable[str]) -> str:
    """Label of a mode chain: its modes joined by ``+``.

    Parameters
    ----------
    modes
        The modes, in order.

    Returns
    -------
    str
        E.g. ``"rail+sea"``.
    """
    return CHAIN_SEPARATOR.join(modes)


def options_by_mode_chain(graph: nx.MultiDiGraph, origin: str, destination: str, *, by: str = "cost") -> list[Option]:
    """The best route of each feasible mode chain between two hubs.

    Parameters
    ----------
    graph
        A corridor graph (one profile and year).
    origin, destination
        Hub names as a person types them (see :func:`corridor.hubs.resolve_hub`).
    by
        Criterion of the best route within a chain: ``"cost"`` (generalised
        cost, default: how shippers choose), ``"time"``, ``"length"`` or ``"co2"``.

    Returns
    -------
    list of Option
        One per chain, best (least ``by``) first.

    Raises
    ------
    NoRouteError
        When no chain joins the hubs.

    Notes
    -----
    One Dijkstra search per non-empty subset of the graph's modes, on the
    graph itself with a weight function that hides edges of other modes
    (urban transfers stay usable). A subset's route may use fewer modes than
    the subset; it then counts for the chain it uses, and of two routes of a
    chain the one with less ``by`` is kept.
    """
    weight = _weight(by)
    source_hub, target_hub = resolve_hub(graph, origin), resolve_hub(graph, destination)
    if source_hub == target_hub:
        msg = f"origin and destination are the same hub '{source_hub}'"
        raise NoRouteError(msg)
    source, target = hub_node(graph, source_hub), hub_node(graph, target_hub)
    best: dict[tuple[str, ...], tuple[float, Route]] = {}
    for allowed in _mode_subsets(graph_modes(graph)):
        route = _best_route_within(graph, source, target, allowed, weight)
        if route is None or not route.modes:
            continue
        chain = tuple(route.modes)
        value = _route_value(route, weight)
        if chain not in best or value < best[chain][0]:
            best[chain] = (value, route)
    if not best:
        msg = f"no route from '{source_hub}' to '{target_hub}' by any chain of {', '.join(graph_modes(graph))}"
        raise NoRouteError(msg)
    ranked = sorted(best.items(), key=lambda item: (item[1][0], item[0]))
    return [Option(chain, route) for chain, (_, route) in ranked]


def options_report(graph: nx.MultiDiGraph, options: Sequence[Option], *, by: str = "cost") -> dict[str, Any]:
    """Options as one JSON-ready object: origin, destination, profile, year, by, options.

    Parameters
    ----------
    graph
        The graph the options were found on (its ``profile`` and ``year`` are reported).
    options
        :func:`options_by_mode_chain` of one pair, at least one.
    by
        The criterion they were found by.

    Returns
    -------
    dict
        ``origin`` and ``destination`` (hub ids), ``profile``, ``year``, ``by``
        and ``options`` (:meth:`Option.as_dict` of each).
    """
    first = options[0].route
    return {
        "origin": first.hubs[0],
        "destination": first.hubs[-1],
        "profile": graph.graph.get("profile"),
        "year": graph.graph.get("year"),
        "by": by,
        "options": [option.as_dict() for option in options],
    }


def graph_modes(graph: nx.MultiDiGraph) -> list[str]:
    """Modes the graph was built with, in :data:`corridor.settings.MODES` order.

    Parameters
    ----------
    graph
        A corridor graph.

    Returns
    -------
    list of str
        Its ``modes``; every mode where the graph does not say.
    """
    chosen = set(graph.graph.get("modes") or MODES)
    return [mode for mode in MODES if mode in chosen]


def _weight(by: str) -> str:
    if by not in WEIGHTS:
        msg = f"unknown option criterion {by!r}; use one of {', '.join(WEIGHTS)}"
        raise CorridorError(msg)
    return WEIGHTS[by]


def _mode_subsets(modes: Sequence[str]) -> Iterable[frozenset[str]]:
    for size in range(1, len(modes) + 1):
        for subset in itertools.combinations(modes, size):
            yield frozenset(subset)


def _best_route_within(graph: nx.MultiDiGraph, source: int, target: int, allowed: frozenset[str], weight: str) -> Route | None:
    """The least-``weight`` route using only ``allowed`` modes (and urban transfers), or None."""

    def usable(data: dict) -> bool:
        return data.get("mode") not in MODES or data["mode"] in allowed

    def cost(u: int, v: int, parallel: dict) -> float | None:
        values = [data.get(weight, 0.0) for data in parallel.values() if usable(data)]
        return min(values) if values else None

    try:
        nodes = nx.dijkstra_path(graph, source, target, weight=cost)
    except nx.NetworkXNoPath:
        return None
    keys = []
    for u, v in itertools.pairwise(nodes):
        parallel = graph[u][v]
        keys.append(min((key for key, data in parallel.items() if usable(data)), key=lambda key: parallel[key].get(weight, 0.0)))
    return route_from_nodes(graph, nodes, weight, keys=keys)


def _route_value(route: Route, weight: str) -> float:
    return {"travel_time": route.time_h, "length": route.length_km, "cost": route.cost, "co2": route.co2}[weight]
