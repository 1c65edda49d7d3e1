"""corridor: analyse logistics corridor networks.

The public modules, one per concern:

- :mod:`corridor.network`: load and validate hubs and links (``load_network``)
- :mod:`corridor.params`: the travel-time and cost model's parameters
- :mod:`corridor.graph`: the multimodal routing graph (``graph_from_network``)
- :mod:`corridor.hubs`: find hubs by name (``resolve_hub``)
- :mod:`corridor.routing`: routes, alternatives and OD skims

The names below are imported on first use, so ``corridor --help`` starts
without loading geopandas.
"""

from __future__ import annotations

import importlib
from typing import Any

from corridor._errors import CorridorError, NetworkFileError, NoRouteError, ScenarioError, UnknownHubError

__version__ = "0.1.0"

_LAZY = {
    "ModelParams": "corridor.params",
    "Network": "corridor.network",
    "load_network": "corridor.network",
    "graph_from_network": "corridor.graph",
    "Route": "corridor.routing",
    "find_routes": "corridor.routing",
    "od_matrix": "corridor.routing",
}

__all__ = ["CorridorError", "NetworkFileError", "NoRouteError", "ScenarioError", "UnknownHubError", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module 'corridor' has no attribute {name!r}"
    raise AttributeError(msg)
