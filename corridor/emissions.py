"""CO2 of routes, skims and scenarios, from the emission factors of ``model.toml``.

Every graph edge carries ``co2`` (kg CO2e per TEU for freight, per passenger
for passengers; :func:`corridor.graph.edge_co2_kg`): moving edges the
distance times the mode's factor per TEU-km or passenger-km, board and
alight edges the handling emissions of one lift. Sums along a route are its
CO2 (:attr:`corridor.routing.Route.co2`); this module sums them over OD
pairs, weighted by demand, for scenarios.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np

from corridor.graph import hub_node
from corridor.params import ModelParams
from corridor.routing import path_attribute_totals

#: What one unit of CO2 refers to, by profile.
UNIT = {"freight": "kg CO2e per TEU", "passenger": "kg CO2e per passenger"}


def emission_factors(params: ModelParams, profile: str) -> list[dict[str, Any]]:
    """The emission factors of a profile by mode: grams per TEU-km (or passenger-km) and per lift.

    Parameters
    ----------
    params
        Model parameters.
    profile
        ``freight`` or ``passenger``.

    Returns
    -------
    list of dict
        One per mode with a ``co2_g_per_km`` factor: ``mode``, ``g_per_km``
        and ``g_per_lift`` (0 where the profile gives none).
    """
    per_km = params.data[profile].get("co2_g_per_km", {})
    per_lift = params.data[profile].get("co2_g_per_lift", {})
    return [{"mode": mode, "g_per_km": per_km[mode], "g_per_lift": per_lift.get(mode, 0.0)} for mode in per_km]


def co2_matrix(graph: nx.MultiDiGraph, hubs: Sequence[str], *, by: str = "cost") -> np.ndarray:
    """kg CO2e between ``hubs`` along the routes that minimise ``by`` (``inf`` where unreachable).

    Parameters
    ----------
    graph
        A corridor graph (its edges carry ``co2``).
    hubs
        Hub ids, the rows and columns.
    by
        Criterion of the routes: ``"time"`` or ``"cost"``.

    Returns
    -------
    numpy.ndarray
        Square, kg CO2e per TEU or passenger (see :data:`UNIT`), origins as rows.
    """
    nodes = [hub_node(graph, hub) for hub in hubs]
    return path_attribute_totals(graph, nodes, nodes, by=by, attribute="co2")


def demand_weighted_co2(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, cities: Sequence[str], flows: np.ndarray, *, by: str = "cost"
) -> dict[str, Any]:
    """Demand-weighted CO2 before and after a change, along the routes chosen by ``by``.

    Parameters
    ----------
    before, after
        Graphs of the two sides (same profile).
    cities
        Hub ids of both graphs, the rows and columns of ``flows``.
    flows
        Demand between the cities (a gravity index or a demand table's unit).
    by
        Criterion of the routes: ``"time"`` or ``"cost"``.

    Returns
    -------
    dict
        ``before`` and ``after`` (sum of flow x kg CO2e over the pairs
        connected on both sides), ``change`` (after - before), ``change_pct``
        and ``per_unit_before`` / ``per_unit_after`` (kg CO2e per TEU or
        passenger, flow-weighted mean).
    """
    old, new = co2_matrix(before, cities, by=by), co2_matrix(after, cities, by=by)
    both = np.isfinite(old) & np.isfinite(new) & (flows > 0)
    total_old = float((flows * np.where(both, old, 0.0)).sum())
    total_new = float((flows * np.where(both, new, 0.0)).sum())
    counted = float(flows[both].sum())
    return {
        "before": total_old,
        "after": total_new,
        "change": total_new - total_old,
        "change_pct": 100.0 * (total_new - total_old) / total_old if total_old else 0.0,
        "per_unit_before": total_old / counted if counted else 0.0,
        "per_unit_after": total_new / counted if counted else 0.0,
    }
