"""The main job: a summary of a network and its key routes for both profiles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corridor._errors import NoRouteError, UnknownHubError
from corridor.graph import graph_from_network
from corridor.network import Network
from corridor.params import ModelParams
from corridor.routing import find_routes
from corridor.settings import PROFILES

#: What the overview reports for each pair: (profile, criterion).
CASES: tuple[tuple[str, str], ...] = (("freight", "time"), ("freight", "cost"), ("passenger", "time"))

#: Origin-destination pairs the overview reports by default.
KEY_PAIRS: tuple[tuple[str, str], ...] = (
    ("chongqing", "qinzhou_port"),
    ("chongqing", "beijing"),
    ("huaihua", "qinzhou_port"),
    ("chongqing", "singapore"),
)


#: How many of a user network's largest cities the overview pairs up when the built-in pairs do not apply.
USER_PAIR_CITIES = 3


def key_pairs(network: Network) -> list[tuple[str, str]]:
    """The pairs the overview reports: the corridor's key pairs, or a user network's largest places.

    Parameters
    ----------
    network
        The network the overview is about.

    Returns
    -------
    list of (str, str)
        :data:`KEY_PAIRS` when all their hubs exist; otherwise every pair of
        the network's :data:`USER_PAIR_CITIES` largest cities by population
        (hubs with the most links where no population is given).
    """
    ids = set(network.hubs.index)
    if all(hub in ids for pair in KEY_PAIRS for hub in pair):
        return list(KEY_PAIRS)
    places = network.hubs[network.hubs["kind"] != "junction"]
    degree = network.links["from_hub"].value_counts().add(network.links["to_hub"].value_counts(), fill_value=0)
    population = {hub: value if isinstance(value, int | float) and value == value else -1.0 for hub, value in places["population"].items()}
    order = sorted(places.index, key=lambda hub: (-population[hub], -degree.get(hub, 0), hub))
    chosen = order[:USER_PAIR_CITIES]
    return [(a, b) for i, a in enumerate(chosen) for b in chosen[i + 1 :]]


def network_overview(
    network: Network,
    *,
    year: int | None = None,
    params: ModelParams | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
) -> dict:
    """Summary of ``network`` and, for each pair, the fastest and cheapest freight route and the fastest passenger route.

    Parameters
    ----------
    network
        The network.
    year
        The network's year (``None``: open today).
    params
        Model parameters (default: ``corridor/model.toml``).
    pairs
        Origin-destination hub pairs (default: :func:`key_pairs`).

    Returns
    -------
    dict
        ``summary`` (see :meth:`Network.summary`), ``hub_names`` (of the
        pairs' hubs) and ``routes``: one entry
        per pair, profile and criterion (``by``) with ``time_h``,
        ``moving_h``, ``length_km``, ``modes``, ``hubs`` and ``via`` (the
        lines used), or ``error`` when the pair has no route; ``options``:
        the freight options by mode chain of each pair (see
        :mod:`corridor.options`).
    """
    rows = []
    graphs = {profile: graph_from_network(network, profile=profile, year=year, params=params) for profile in PROFILES}
    pairs = pairs if pairs is not None else key_pairs(network)
    for origin, destination in pairs:
        for profile, by in CASES:
            graph = graphs[profile]
            row: dict[str, Any] = {"origin": origin, "destination": destination, "profile": profile, "by": by}
            try:
                route = find_routes(graph, origin, destination, by=by)[0]
            except (NoRouteError, UnknownHubError) as exc:
                row["error"] = str(exc)
            else:
                row |= {
                    "time_h": round(route.time_h, 2),
                    "moving_h": round(route.moving_h, 2),
                    "length_km": round(route.length_km, 1),
                    "transfers": route.transfers,
                    "modes": route.modes,
                    "hubs": route.hubs,
                    "via": [leg.line for leg in route.legs if leg.mode != "urban"],
                }
            rows.append(row)
    names = {hub: network.hubs.at[hub, "name"] or hub for pair in pairs for hub in pair if hub in network.hubs.index}
    return {"summary": network.summary(), "year": year, "hub_names": names, "routes": rows, "options": _freight_options(graphs["freight"], pairs)}


def _freight_options(graph, pairs: Sequence[tuple[str, str]]) -> list[dict]:
    """Options by mode chain (:mod:`corridor.options`) of each freight pair, or ``error``."""
    from corridor.options import options_by_mode_chain

    rows = []
    for origin, destination in pairs:
        row: dict = {"origin": origin, "destination": destination}
        try:
            row["options"] = [option.as_dict() for option in options_by_mode_chain(graph, origin, destination)]
        except (NoRouteError, UnknownHubError) as exc:
            row["error"] = str(exc)
        rows.append(row)
    return rows
