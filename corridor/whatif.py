"""Compare a network before and after a scenario: times, routes, savings, hub ranks.

:func:`compare_scenario` builds the baseline graph (the network as of the
scenario's ``baseline_year`` with the base model parameters) and the
scenario graph (the changed network as of the scenario's ``year`` with its
parameter overrides), then reports, side by side:

- the best route of each key origin-destination pair (the scenario's
  ``pairs`` and :data:`DEFAULT_PAIRS`) before and after: door-to-door time,
  generalised cost, time on the move, the lines used and whether the route
  changed. "Best" is the fastest (``by="time"``, the default) or the
  cheapest in generalised cost (``by="cost"``: hours x value of time +
  haulage per km + handling, how freight chooses between expressway and
  rail-sea); the hours reported are those of the chosen routes;
- the demand-weighted total saving, in hours and in generalised cost, over
  every pair of city hubs along the routes chosen by ``by``
  (flows from :func:`corridor.demand.demand_matrix`, held at the baseline's
  demand), and the pairs that gain most. With the gravity model the flows are
  a relative index (no unit: not trips or tonnes), so the total is in
  demand-weighted hours of that index, for comparing scenarios with each
  other; only a demand table in trips (or tonnes) a year gives trip-hours
  (tonne-hours) a year;
- the shift of each hub's centrality rank (:func:`corridor.centrality.hub_ranking`);
- the scenario's published figures (``[[published]]``) against the model,
  with the difference, so a gap between model and timetable is shown, not hidden.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from corridor._errors import CorridorError, NoRouteError, UnknownHubError
from corridor.accessibility import scenario_accessibility
from corridor.emissions import UNIT, demand_weighted_co2
from corridor.graph import hub_node
from corridor.network import Network
from corridor.params import ModelParams
from corridor.routing import WEIGHTS, Route, find_routes, path_attribute_totals, shortest_path_lengths
from corridor.scenario import PUBLISHED_CASES, AppliedScenario, Scenario, apply_scenario, scenario_graphs

#: Origin-destination pairs every comparison reports (those whose hubs the network has and
#: that have a route before or after).
DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (
    ("chongqing", "qinzhou_port"),
    ("chongqing", "beijing"),
    ("chongqing", "shanghai"),
    ("chongqing", "singapore"),
    ("chengdu", "qinzhou_port"),
    ("huaihua", "qinzhou_port"),
    ("kunming", "vientiane"),
    ("nanning", "hanoi"),
)

#: Profile of a comparison when neither the scenario nor the caller names one.
DEFAULT_PROFILE = "freight"

#: A model figure within this many hours of a published one "agrees" with it.
PUBLISHED_TOLERANCE_H = 0.5

#: How many pairs ``top_gains`` and hubs ``rank_shifts`` list.
TOP = 10

#: Unit of the demand-weighted saving with the gravity model: its flows are relative, not trips.
DEMAND_UNIT_GRAVITY = "demand-weighted hours (gravity index)"

#: Unit of the demand-weighted saving with a demand table: its flow unit times hours.
DEMAND_UNIT_TABLE = "flow x hours (flows in the demand table's unit)"

#: Route criteria a comparison may choose routes by.
CRITERIA: tuple[str, ...] = ("time", "cost")


def compare_scenario(
    network: Network,
    scenario: Scenario | AppliedScenario,
    *,
    profile: str | None = None,
    modes: Sequence[str] | None = None,
    params: ModelParams | None = None,
    demand_csv: str | Path | None = None,
    top: int = TOP,
    by: str = "time",
) -> dict[str, Any]:
    """Compare ``network`` before and after ``scenario``.

    Parameters
    ----------
    network
        The baseline network.
    scenario
        From :func:`corridor.scenario.load_scenario` (applied here) or
        already applied to ``network``.
    profile
        ``"freight"`` or ``"passenger"``; default: the scenario's
        ``profile``, else :data:`DEFAULT_PROFILE`. Published figures are
        always compared on their own profile.
    modes
        Modes the comparison may use (default: the scenario's ``modes``, else
        all). Freight by time mostly goes by expressway; ``["rail", "sea"]``
        shows what a rail or port project does for rail-sea freight.
    params
        Base model parameters of both sides (default: ``corridor/model.toml``);
        the scenario's ``[params]`` apply on top of them on the scenario side.
    demand_csv
        A demand table (``origin,destination,flow``); default: the gravity model.
    top
        How many pairs ``top_gains`` and hubs ``rank_shifts`` list.
    by
        ``"time"`` (the fastest routes) or ``"cost"`` (the cheapest in
        generalised cost, ``cost`` of the graph's edges). Key pairs, the
        demand-weighted saving and ``top_gains`` follow the routes that
        minimise it; hub rank shifts (betweenness on time) and published
        figures (timetable times) stay on time.

    Returns
    -------
    dict
        ``scenario``, ``file``, ``profile``, ``by``, ``baseline_year``,
        ``year``, ``changes`` (ids, see :meth:`AppliedScenario.diff`), ``link_names`` (of changed links),
        ``hub_names`` (of the hubs in the pairs, gains, published figures and mode shares),
        ``pairs`` (one row per key pair: ``origin``, ``destination``,
        ``before_h``, ``after_h``, ``saving_h`` (hours of the routes chosen
        by ``by``), ``before_cost``, ``after_cost``, ``saving_cost``,
        ``before_moving_h``, ``after_moving_h``, ``before_via``,
        ``after_via``, ``route_changed``, ``note``), ``total_saving_h``
        (demand-weighted: flow x hours along the chosen routes; with the
        gravity model a relative index, see ``demand["unit"]``),
        ``total_saving_cost`` (flow x generalised cost, the same routes),
        ``demand``, ``top_gains``, ``rank_shifts``, ``published`` and
        ``notes``. Hours and costs are ``None`` where there is no route.

    Raises
    ------
    CorridorError
        For ``by`` not in :data:`CRITERIA`; a
        :class:`~corridor._errors.ScenarioError` where the scenario does not
        apply to ``network``.
    """
    if by not in CRITERIA:
        msg = f"unknown comparison criterion {by!r}; use one of {', '.join(CRITERIA)}"
        raise CorridorError(msg)
    applied = scenario if isinstance(scenario, AppliedScenario) else apply_scenario(network, scenario, params=params)
    spec = applied.scenario
    profile = profile or spec.profile or DEFAULT_PROFILE
    chosen_modes = list(modes) if modes else spec.modes
    base_params = params or ModelParams()
    graphs: dict[str, dict[str, nx.MultiDiGraph]] = {}

    def graph(side: str, of_profile: str) -> nx.MultiDiGraph:
        if of_profile not in graphs:
            modes = chosen_modes if of_profile == profile else None
            both = scenario_graphs(network, applied, profile=of_profile, modes=modes, params=base_params)
            graphs[of_profile] = dict(zip(PUBLISHED_CASES, both, strict=True))
        return graphs[of_profile][side]

    before, after = graph("before", profile), graph("after", profile)
    notes: list[str] = []
    named = {(e.data["origin"], e.data["destination"]) for e in spec.pairs}
    pairs = [
        row for row in _pair_rows(before, after, _key_pairs(spec, applied.network), by=by, direct=bool(spec.direct))
        if (row["origin"], row["destination"]) in named or row["before_h"] is not None or row["after_h"] is not None
    ]
    saving = _demand_weighted_saving(network, before, after, demand_csv=demand_csv, top=top, by=by)
    published = [_published_row(entry.data, graph, direct=bool(spec.direct)) for entry in spec.published]
    for row in published:
        if row["model_h"] is not None and not row["agrees"]:
            notes.append(
                f"model differs from the published {row['origin']}-{row['destination']} ({row['case']}) figure by "
                f"{row['difference_h']:+.2f} h ({row['model_h']:.2f} h vs {row['published_h']:.2f} h, {row['source']})"
            )
    rank_shifts = _rank_shifts(before, after, top=top)
    co2 = _co2_summary(saving["co2"], profile=profile, by=by)
    mode_shares = _mode_share_rows(before, after, _key_pairs(spec, applied.network), base_params, applied.params, profile)
    changed = set().union(*applied.diff().values())
    mentioned = {r[end] for rows in (pairs, saving["top_gains"], published, mode_shares) for r in rows for end in ("origin", "destination")}
    return {
        "scenario": spec.name,
        "file": str(spec.path),
        "description": spec.description,
        "sources": spec.sources,
        "profile": profile,
        "by": by,
        "direct": bool(spec.direct),
        "modes": chosen_modes,
        "baseline_year": applied.baseline_year,
        "year": applied.year,
        "changes": applied.diff(),
        "link_names": {i: name or i for net in (network, applied.network) for i, name in net.links["name"].items() if i in changed},
        "hub_names": {i: name or i for net in (network, applied.network) for i, name in net.hubs["name"].items() if i in mentioned},
        "pairs": pairs,
        "total_saving_h": saving["total_saving_h"],
        "total_saving_cost": saving["total_saving_cost"],
        "demand": saving["demand"],
        "top_gains": saving["top_gains"],
        "rank_shifts": rank_shifts,
        "published": published,
        "notes": notes,
        "co2": co2,
        "mode_shares": mode_shares,
        "mode_share_summary": _mode_share_summary(mode_shares, profile),
        "accessibility": scenario_accessibility(network, applied, params=base_params, focus=[o for o, _ in _key_pairs(spec, applied.network)][:1]),
    }


def savings_table(report: dict[str, Any]) -> pd.DataFrame:
    """The OD time savings of a :func:`compare_scenario` report, largest first.

    Parameters
    ----------
    report
        From :func:`compare_scenario`.

    Returns
    -------
    pandas.DataFrame
        The key pairs and the pairs of city hubs that gain most (by
        demand-weighted saving) together, one row per pair with a saving:
        ``origin``, ``destination``, ``base_h``, ``scenario_h``, ``saved_h``.
    """
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for row in [*report["pairs"], *report["top_gains"]]:
        saved = row["saving_h"]
        if saved is None:
            continue
        key = (row["origin"], row["destination"])
        rows.setdefault(key, {"origin": key[0], "destination": key[1], "base_h": row["before_h"],
                              "scenario_h": row["after_h"], "saved_h": float(saved)})  # fmt: skip
    table = pd.DataFrame(list(rows.values()), columns=["origin", "destination", "base_h", "scenario_h", "saved_h"])
    return table.sort_values("saved_h", ascending=False, kind="stable").reset_index(drop=True)


def _key_pairs(scenario: Scenario, network: Network) -> list[tuple[str, str]]:
    named = [(e.data["origin"], e.data["destination"]) for e in scenario.pairs]
    defaults = [(o, d) for o, d in DEFAULT_PAIRS if o in network.hubs.index and d in network.hubs.index]
    return list(dict.fromkeys([*named, *defaults]))


def _best_route(graph: nx.MultiDiGraph, origin: str, destination: str, by: str = "time", *, direct: bool = False) -> Route | None:
    """The best route, or ``None``; with ``direct``, the best single service where one runs, else the best trip."""
    if origin not in graph.graph["hub_nodes"] or destination not in graph.graph["hub_nodes"]:
        return None
    for single in (True, False) if direct else (False,):
        try:
            return find_routes(graph, origin, destination, by=by, direct=single)[0]
        except (NoRouteError, UnknownHubError):
            continue
    return None


def _pair_rows(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, pairs: Sequence[tuple[str, str]], *, by: str = "time", direct: bool = False
) -> list[dict[str, Any]]:
    rows = []
    for origin, destination in pairs:
        old, new = _best_route(before, origin, destination, by, direct=direct), _best_route(after, origin, destination, by, direct=direct)
        row: dict[str, Any] = {
            "origin": origin,
            "destination": destination,
            "before_h": _hours(old.time_h if old else None),
            "after_h": _hours(new.time_h if new else None),
            "saving_h": _hours(old.time_h - new.time_h) if old and new else None,
            "before_cost": _money(old.cost if old else None),
            "after_cost": _money(new.cost if new else None),
            "saving_cost": _money(old.cost - new.cost) if old and new else None,
            "before_moving_h": _hours(old.moving_h if old else None),
            "after_moving_h": _hours(new.moving_h if new else None),
            "before_via": _via(old),
            "after_via": _via(new),
            "before_hubs": old.hubs if old else [],
            "after_hubs": new.hubs if new else [],
            "route_changed": _links(old) != _links(new),
            "before_co2_kg": _money(old.co2 if old else None),
            "after_co2_kg": _money(new.co2 if new else None),
            "change_co2_kg": _money(new.co2 - old.co2) if old and new else None,
        }
        if old is None and new is None:
            row["note"] = "no route before or after"
        elif old is None:
            row["note"] = "new connection"
        elif new is None:
            row["note"] = "connection lost"
        else:
            row["note"] = "route changed" if row["route_changed"] else ""
        rows.append(row)
    return rows


def _hours(value: float | None) -> float | None:
    return None if value is None or value is False else round(float(value), 2)


def _money(value: float | None) -> float | None:
    return None if value is None or value is False else round(float(value), 1)


def _via(route: Route | None) -> list[str]:
    return [leg.line for leg in route.legs if leg.mode != "urban"] if route else []


def _links(route: Route | None) -> list[str]:
    return [link for leg in route.legs for link in leg.links] if route else []


def city_time_matrix(graph: nx.MultiDiGraph, hubs: Sequence[str]) -> np.ndarray:
    """Fastest door-to-door hours between ``hubs`` (ids of the graph), ``inf`` where unreachable.

    Parameters
    ----------
    graph
        A corridor graph.
    hubs
        Hub ids, the rows and columns.

    Returns
    -------
    numpy.ndarray
        Square, hours, origins as rows.
    """
    nodes = [hub_node(graph, hub) for hub in hubs]
    return shortest_path_lengths(graph, nodes, nodes, weight="travel_time") / 3600.0


def city_matrices(graph: nx.MultiDiGraph, hubs: Sequence[str], *, by: str = "time") -> tuple[np.ndarray, np.ndarray]:
    """Door-to-door hours and generalised cost between ``hubs`` along the routes that minimise ``by``.

    ``inf`` where unreachable. The minimised quantity comes from one Dijkstra
    run; the other is summed along its shortest-path trees
    (:func:`corridor.routing.path_attribute_totals`).

    Parameters
    ----------
    graph
        A corridor graph.
    hubs
        Hub ids, the rows and columns.
    by
        What the routes minimise: ``"time"`` or ``"cost"`` (a key of
        :data:`corridor.routing.WEIGHTS`).

    Returns
    -------
    tuple of numpy.ndarray
        Hours and generalised cost, both square with origins as rows.
    """
    nodes = [hub_node(graph, hub) for hub in hubs]
    if by == "time":
        hours = city_time_matrix(graph, hubs)
        cost = path_attribute_totals(graph, nodes, nodes, by="time", attribute="cost")
    else:
        cost = shortest_path_lengths(graph, nodes, nodes, weight=WEIGHTS[by])
        hours = path_attribute_totals(graph, nodes, nodes, by=by, attribute="travel_time") / 3600.0
    return hours, cost


def _demand_weighted_saving(
    network: Network,
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    *,
    demand_csv: str | Path | None,
    top: int,
    by: str = "time",
) -> dict[str, Any]:
    from corridor.demand import demand_matrix

    demand = demand_matrix(before, csv=demand_csv)
    cities = [hub for hub in demand.index if hub in after.graph["hub_nodes"]]
    flows = demand.loc[cities, cities].to_numpy(dtype=float)
    (old, old_cost), (new, new_cost) = city_matrices(before, cities, by=by), city_matrices(after, cities, by=by)
    both = np.isfinite(old) & np.isfinite(new) & (flows > 0)
    with np.errstate(invalid="ignore"):
        gained = np.where(both, old - new, 0.0)
        gained_cost = np.where(both, old_cost - new_cost, 0.0)
    weighted = flows * gained
    weighted_cost = flows * gained_cost
    summary = _demand_summary(flows, old, new, both, weighted, demand_csv, len(cities))
    summary["mean_saving_cost"] = float(weighted_cost.sum() / summary["flow_counted"]) if summary["flow_counted"] else 0.0
    return {
        "co2": demand_weighted_co2(before, after, cities, flows, by=by),
        "total_saving_h": float(weighted.sum()),
        "total_saving_cost": float(weighted_cost.sum()),
        "demand": summary,
        "top_gains": _top_gains(
            cities, flows, (old, old_cost), (new, new_cost), weighted if by == "time" else weighted_cost, top
        ),
    }


def _demand_summary(flows, old, new, both, weighted, demand_csv, n_cities: int) -> dict[str, Any]:
    counted = float(flows[both].sum())
    return {
        "source": str(demand_csv) if demand_csv else "gravity model (corridor.demand)",
        "unit": DEMAND_UNIT_TABLE if demand_csv else DEMAND_UNIT_GRAVITY,
        "cities": n_cities,
        "total_flow": float(flows.sum()),
        "flow_counted": counted,
        "mean_saving_h": float(weighted.sum() / counted) if counted else 0.0,
        "newly_connected_flow": float(flows[~np.isfinite(old) & np.isfinite(new)].sum()),
        "disconnected_flow": float(flows[np.isfinite(old) & ~np.isfinite(new)].sum()),
    }


def _top_gains(cities, flows, old_both, new_both, weighted, top: int) -> list[dict[str, Any]]:
    """Pairs of cities by demand-weighted saving of the criterion, both directions together.

    ``old_both`` and ``new_both`` are (hours, cost) matrices; ``weighted`` is
    flow x saving of the criterion the routes minimise. Times and costs are
    origin to destination.
    """
    (old, old_cost), (new, new_cost) = old_both, new_both
    both_ways = np.triu(weighted + weighted.T, k=1)
    with np.errstate(invalid="ignore"):
        pair_h, pair_cost = (
            np.where(np.isfinite(a) & np.isfinite(b) & (flows > 0), flows * (a - b), 0.0)
            for a, b in ((old, new), (old_cost, new_cost))
        )
    pair_h, pair_cost = pair_h + pair_h.T, pair_cost + pair_cost.T
    gains = []
    for flat in np.argsort(-both_ways, axis=None)[: max(top, 0)]:
        i, j = divmod(int(flat), len(cities))
        if both_ways[i, j] <= 1e-12:
            break
        gains.append(
            {
                "origin": cities[i],
                "destination": cities[j],
                "before_h": round(float(old[i, j]), 2),
                "after_h": round(float(new[i, j]), 2),
                "saving_h": round(float(old[i, j] - new[i, j]), 2),
                "before_cost": round(float(old_cost[i, j]), 1),
                "after_cost": round(float(new_cost[i, j]), 1),
                "saving_cost": round(float(old_cost[i, j] - new_cost[i, j]), 1),
                "flow": round(float(flows[i, j] + flows[j, i]), 3),
                "weighted_saving_h": round(float(pair_h[i, j]), 3),
                "weighted_saving_cost": round(float(pair_cost[i, j]), 1),
            }
        )
    return gains

def _rank_shifts(before: nx.MultiDiGraph, after: nx.MultiDiGraph, *, top: int) -> list[dict[str, Any]]:
    """Hubs (cities with their stations) whose betweenness rank moves, largest moves first."""
    from corridor.centrality import compare_rankings, hub_ranking

    old = hub_ranking(before, measure="betweenness")
    compared = compare_rankings(hub_ranking(after, measure="betweenness"), old)
    scores = old.set_index("id")["score"]
    rows = []
    for row in compared.to_dict(orient="records"):
        change = row["change"]
        if change == 0:
            continue
        rows.append(
            {
                "id": row["id"],
                "name": row["name"],
                "rank_before": None if change is None else int(row["rank"] + change),
                "rank_after": int(row["rank"]),
                "shift": change,
                "score_before": float(scores[row["id"]]) if row["id"] in scores.index else None,
                "score_after": float(row["score"]),
            }
        )
    rows.sort(key=lambda r: (-(abs(r["shift"]) if r["shift"] is not None else math.inf), r["rank_after"]))
    return rows[:top]


def _published_row(entry: dict[str, Any], graph, *, direct: bool = False) -> dict[str, Any]:
    profile = entry.get("profile", "passenger")
    measure = entry.get("measure", "moving")
    route = _best_route(graph(entry["case"], profile), entry["origin"], entry["destination"], direct=bool(direct))
    model = None if route is None else (route.moving_h if measure == "moving" else route.time_h)
    difference = None if model is None else model - entry["hours"]
    return {
        "origin": entry["origin"],
        "destination": entry["destination"],
        "case": entry["case"],
        "profile": profile,
        "measure": measure,
        "published_h": float(entry["hours"]),
        "model_h": _hours(model),
        "model_time_h": _hours(route.time_h if route else None),
        "difference_h": _hours(difference),
        "agrees": difference is not None and abs(difference) <= PUBLISHED_TOLERANCE_H,
        "model_via": _via(route),
        "train": entry.get("train", ""),
        "source": entry["source"],
        "note": entry.get("note", ""),
    }


# -- CO2 and mode shares (issue 14) --


def _co2_summary(co2: dict[str, Any], *, profile: str, by: str) -> dict[str, Any]:
    """The demand-weighted CO2 of both sides with a one-line explanation."""
    unit = UNIT.get(profile, "kg CO2e")
    chosen = "fastest" if by == "time" else "cheapest (generalised cost)"
    explanation = (
        f"CO2: {co2['per_unit_before']:,.1f} -> {co2['per_unit_after']:,.1f} {unit} ({co2['change_pct']:+.1f}%), "
        f"the demand-weighted mean along the {chosen} route of every city pair connected before and after "
        f"(GLEC-style factors per TEU-km or passenger-km plus handling per lift, model.toml)"
    )
    return {**{k: round(v, 3) for k, v in co2.items()}, "unit": unit, "explanation": explanation}


def _mode_share_rows(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, pairs: Sequence[tuple[str, str]], params_before: ModelParams, params_after: ModelParams, profile: str
) -> list[dict[str, Any]]:
    """Logit mode shares over the options by mode chain of each key pair, before and after, and the shift."""
    from corridor.shares import share_label, share_shift, shares_table

    rows = []
    for origin, destination in pairs:
        old, new = _options(before, origin, destination), _options(after, origin, destination)
        if not old and not new:
            continue
        shares_before = shares_table(old, params_before, profile) if old else {}
        shares_after = shares_table(new, params_after, profile) if new else {}
        shift = share_shift(shares_before, shares_after)
        rows.append(
            {
                "origin": origin,
                "destination": destination,
                "before": shares_before,
                "after": shares_after,
                "shift_points": shift,
                "label": share_label(params_after, profile),
            }
        )
    return rows


def _options(graph: nx.MultiDiGraph, origin: str, destination: str) -> list:
    from corridor.options import options_by_mode_chain

    if origin not in graph.graph["hub_nodes"] or destination not in graph.graph["hub_nodes"]:
        return []
    try:
        return options_by_mode_chain(graph, origin, destination, by="cost")
    except (NoRouteError, UnknownHubError):
        return []


def _mode_share_summary(rows: Sequence[dict[str, Any]], profile: str = "freight") -> dict[str, Any]:
    """The largest share shift over the key pairs, explained in one line."""
    largest = None
    for row in rows:
        for chain, points in row["shift_points"].items():
            if largest is None or abs(points) > abs(largest[2]):
                largest = (row, chain, points)
    if largest is None or abs(largest[2]) < 0.05:
        label = rows[0]["label"] if rows else "indicative"
        return {"explanation": f"Mode shares ({label} logit over generalised cost): no key pair's shares move by 0.1 point or more"}
    row, chain, points = largest
    return {
        "origin": row["origin"],
        "destination": row["destination"],
        "chain": chain,
        "shift_points": points,
        "explanation": (
            f"Mode shares ({row['label']}: a logit over the generalised cost of the options by mode chain, model.toml): "
            f"{row['origin']}-{row['destination']} {chain} {100 * row['before'].get(chain, 0.0):.0f}% -> "
            f"{100 * row['after'].get(chain, 0.0):.0f}% ({points:+.1f} points), the largest shift of a key pair; "
            + ("shares of the pair's containers, not tonnes" if profile == "freight" else "shares of the pair's travellers")
        ),
    }
