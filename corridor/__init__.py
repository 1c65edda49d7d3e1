"""corridor: analyse logistics corridor networks.

The public modules, one per concern:

- :mod:`corridor.network`: validate hubs and links (``Network``);
  :mod:`corridor.io`: load a GeoJSON folder or a GeoPackage (``load_network``)
- :mod:`corridor.params`: the travel-time and cost model's parameters
- :mod:`corridor.graph`: the multimodal routing graph (``graph_from_network``)
- :mod:`corridor.hubs`: find hubs by name (``resolve_hub``)
- :mod:`corridor.routing`: routes, alternatives and skims (``skim_matrix``)
- analyses: ``hub_ranking``, ``criticality``, ``compare_scenario``, ``rank_candidates``,
  ``accessibility_by_mode``, ``scenario_isochrones``, ``options_by_mode_chain``, ``calibrate``

The names below are imported on first use, so ``corridor --help`` starts
without loading geopandas.
"""

from __future__ import annotations

import importlib
from typing import Any

from corridor._errors import CorridorError, NetworkFileError, NoRouteError, ScenarioError, UnknownHubError

__version__ = "0.1.0"

_LAZY = {
    # data and model
    "ModelParams": "corridor.params",
    "Network": "corridor.network",
    "load_network": "corridor.io",
    "graph_from_network": "corridor.graph",
    # routes and skims
    "Route": "corridor.routing",
    "find_routes": "corridor.routing",
    "skim_matrix": "corridor.routing",
    "od_matrix": "corridor.routing",  # deprecated name of skim_matrix
    "options_by_mode_chain": "corridor.options",
    # rankings, criticality, demand
    "hub_ranking": "corridor.centrality",
    "criticality": "corridor.centrality",
    "demand_matrix": "corridor.demand",
    # scenarios and new links
    "load_scenario": "corridor.scenario",
    "apply_scenario": "corridor.scenario",
    "scenario_graphs": "corridor.scenario",
    "compare_scenario": "corridor.whatif",
    "generate_candidates": "corridor.candidates",
    "rank_candidates": "corridor.candidates",
    # accessibility and isochrones (the functions named like their modules are reached as
    # corridor.accessibility.accessibility and corridor.isochrones.isochrones)
    "accessibility_by_mode": "corridor.accessibility",
    "scenario_accessibility": "corridor.accessibility",
    "scenario_isochrones": "corridor.isochrones",
    # calibration, sourcing, overview, maps
    "calibrate": "corridor.calibration",
    "sourcing_report": "corridor.sourcing",
    "network_overview": "corridor.overview",
    "map_data": "corridor.mapdata",
    "write_map": "corridor.maps",
}

__all__ = ["CorridorError", "NetworkFileError", "NoRouteError", "ScenarioError", "UnknownHubError", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module 'corridor' has no attribute {name!r}"
    raise AttributeError(msg)
