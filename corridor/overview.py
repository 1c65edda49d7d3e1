"""The main job: a summary of a network and its key routes for both profiles."""

from __future__ import annotations

from collections.abc import Sequence

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


def network_overview(
    network: Network,
    *,
    year: int | None = None,
    params: ModelParams | None = None,
    pairs: Sequence[tuple[str, str]] = KEY_PAIRS,
) -> dict:
    """Summary of ``network`` and, for each pair, the fastest and cheapest freight route and the fastest passenger route.

    Returns
    -------
    dict
        ``summary`` (see :meth:`Network.summary`) and ``routes``: one entry
        per pair, profile and criterion (``by``) with ``time_h``,
        ``moving_h``, ``length_km``, ``modes``, ``hubs`` and ``via`` (the
        lines used), or ``error`` when the pair has no route.
    """
    rows = []
    graphs = {profile: graph_from_network(network, profile=profile, year=year, params=params) for profile in PROFILES}
    for origin, destination in pairs:
        for profile, by in CASES:
            graph = graphs[profile]
            row = {"origin": origin, "destination": destination, "profile": profile, "by": by}
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
    return {"summary": network.summary(), "year": year, "routes": rows}
