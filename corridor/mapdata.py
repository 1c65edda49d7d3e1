"""What a map shows, computed: a network (after a scenario, if any), hub ranks, routes and savings.

:func:`map_data` runs the analyses behind ``corridor map`` and the overview
map: it applies a scenario (:func:`corridor.scenario.apply_scenario`),
compares it with its baseline (:func:`corridor.whatif.compare_scenario`,
reduced to :func:`corridor.whatif.savings_table`), ranks the hubs
(:func:`corridor.centrality.hub_ranking`) and finds the requested routes
(:func:`map_routes`). It returns the results as a :class:`MapData`;
:mod:`corridor.maps` and :mod:`corridor.figures` only draw them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd

from corridor._errors import CorridorError
from corridor.centrality import hub_ranking
from corridor.graph import graph_from_network, hub_node
from corridor.network import Network
from corridor.params import ModelParams
from corridor.routing import Route, find_routes
from corridor.scenario import AppliedScenario, apply_scenario, load_scenario
from corridor.whatif import DEFAULT_PROFILE, compare_scenario, savings_table


@dataclass
class MapRoute:
    """Routes between one origin and destination: the best first, then alternatives.

    Attributes
    ----------
    label
        Shown in the layer control and the popups ("Chongqing → Singapore").
    routes
        From :func:`corridor.routing.find_routes`, best first.
    hub_names
        Hub id to display name, for the popups.
    """

    label: str
    routes: list[Route]
    hub_names: dict[str, str] = field(default_factory=dict)


@dataclass
class MapData:
    """The results a map draws.

    Attributes
    ----------
    network
        The network drawn (with a scenario: the network after it).
    base
        The network before the scenario (``network`` without one).
    year, profile
        The year of the drawn network (``None``: open today) and the profile
        of the routes, ranking and savings.
    routes
        Routes to highlight.
    ranking, measure
        Hub centrality (:func:`corridor.centrality.hub_ranking`) and its
        measure, or ``None`` for hubs coloured by kind.
    applied
        The applied scenario, or ``None``.
    savings
        The scenario's OD time savings (:func:`corridor.whatif.savings_table`), or ``None``.
    """

    network: Network
    base: Network
    year: int | None
    profile: str
    routes: list[MapRoute] = field(default_factory=list)
    ranking: pd.DataFrame | None = None
    measure: str | None = None
    applied: AppliedScenario | None = None
    savings: pd.DataFrame | None = None


def map_data(
    network: Network,
    *,
    pairs: Sequence[tuple[str, str]] = (),
    k: int = 3,
    by: str = "time",
    scenario: str | Path | None = None,
    measure: str | None = "betweenness",
    year: int | None = None,
    profile: str | None = None,
    params: ModelParams | None = None,
    skip_missing: bool = False,
) -> MapData:
    """Run the analyses a map of ``network`` shows.

    Parameters
    ----------
    network
        The network (with ``scenario``: the baseline it changes).
    pairs
        ``(origin, destination)`` hub names whose routes are highlighted.
    k, by, skip_missing
        As for :func:`map_routes`.
    scenario
        A scenario file (or built-in scenario name) whose changes are drawn.
    measure
        Centrality measure of the hub markers (``None`` or ``"none"``: by kind).
    year
        The network as of this year (default: the scenario's year, else open today).
    profile
        ``"freight"`` or ``"passenger"``: routes, ranking and the scenario's
        savings (default: the scenario's ``profile``, else
        :data:`corridor.whatif.DEFAULT_PROFILE`).
    params
        Model parameters (default: ``corridor/model.toml``; a scenario's
        overrides apply on top).

    Returns
    -------
    MapData
        The drawn network's ranking and routes; with a scenario also the
        applied scenario and its savings.

    Raises
    ------
    CorridorError
        For a bad scenario file, an unknown measure, or (without
        ``skip_missing``) an unknown hub or a pair without a route.
    """
    drawn, applied, savings = network, None, None
    if scenario is not None:
        spec = load_scenario(scenario)
        profile = profile or spec.profile or DEFAULT_PROFILE
        applied = apply_scenario(network, spec, params=params)
        savings = savings_table(compare_scenario(network, applied, profile=profile, params=params))
        drawn, params = applied.network, applied.params
        year = year if year is not None else applied.year
    profile = profile or DEFAULT_PROFILE
    graph = graph_from_network(drawn, profile=profile, year=year, params=params)
    if not measure or measure == "none":
        ranking, measure = None, None
    else:
        ranking = hub_ranking(graph, measure=measure)
    routes = map_routes(graph, pairs, k=k, by=by, skip_missing=skip_missing)
    return MapData(drawn, network, year, profile, routes, ranking, measure, applied, savings)


def map_routes(
    graph: nx.MultiDiGraph,
    pairs: Iterable[tuple[str, str]],
    *,
    k: int = 3,
    by: str = "time",
    skip_missing: bool = False,
) -> list[MapRoute]:
    """Find the routes to highlight: for each pair the best route and up to ``k - 1`` alternatives.

    Parameters
    ----------
    graph
        A corridor graph (its profile and year apply).
    pairs
        ``(origin, destination)`` hub names as a person types them.
    k, by
        As for :func:`corridor.routing.find_routes`.
    skip_missing
        Leave out pairs with an unknown hub or no route (for the overview map)
        instead of raising.

    Returns
    -------
    list of MapRoute
        One per pair found, in the order of ``pairs``.

    Raises
    ------
    CorridorError
        Without ``skip_missing``: for an unknown hub or a pair without a route.
    """
    found: list[MapRoute] = []
    for origin, destination in pairs:
        try:
            routes = find_routes(graph, origin, destination, by=by, k=k)
        except CorridorError:
            if skip_missing:
                continue
            raise
        names = {hub: graph.nodes[hub_node(graph, hub)]["name"] for route in routes for hub in route.hubs}
        first = routes[0]
        label = f"{names[first.hubs[0]]} → {names[first.hubs[-1]]}"
        found.append(MapRoute(label=label, routes=routes, hub_names=names))
    return found
