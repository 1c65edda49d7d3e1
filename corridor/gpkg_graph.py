"""The routing graph of a corridor GeoPackage.

:func:`graph_from_gpkg` is ``graph_from_network(network_from_gpkg(path), ...)``: the
GeoPackage is read as a :class:`corridor.network.Network` by
:func:`corridor.io.network_from_gpkg` (data layer) and built into a graph by
:func:`corridor.graph.graph_from_network`, so it sits in the graph layer
(``tests/test_layers.py``) and :mod:`corridor.io` never imports the graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from corridor.graph import graph_from_network
from corridor.io import network_from_gpkg
from corridor.params import ModelParams


def graph_from_gpkg(
    path: str | Path,
    *,
    profile: str = "freight",
    year: int | None = None,
    modes: Iterable[str] | None = None,
    avoid: Iterable[str] | None = None,
    params: ModelParams | None = None,
) -> nx.MultiDiGraph:
    """The routing graph of a GeoPackage network, for one profile, year, mode filter and parameters.

    ``graph_from_network(network_from_gpkg(path), ...)``.

    Parameters
    ----------
    path
        A network GeoPackage (``corridor export``, ``corridor import-osm``;
        hubs and links layers).
    profile
        ``"freight"`` or ``"passenger"``: links whose flag for the profile is
        false are left out.
    year
        As in :func:`corridor.graph.graph_from_network`. An imported network has
        no opening years: every year sees all of it open.
    modes, avoid
        Modes that may (default: all) and may not be used.
    params
        Travel-time and cost parameters (default: ``corridor/model.toml``).

    Returns
    -------
    networkx.MultiDiGraph
        A graph in the corridor layout (``docs/DEVELOPING.md``).
    """
    return graph_from_network(network_from_gpkg(path), profile=profile, year=year, modes=modes, avoid=avoid, params=params)
