"""Find hubs by the names people use: ids, English, Chinese, pinyin, aliases."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

import networkx as nx

from corridor._errors import UnknownHubError

_SEPARATORS = re.compile(r"[\s'’\-_.,()]+")


def normalise_name(name: str) -> str:
    """Case-fold a name, drop spaces, hyphens and apostrophes ("Xi'an" -> "xian") and a trailing 站 (station).

    Parameters
    ----------
    name
        A hub name as a person types it.

    Returns
    -------
    str
        The key names are compared by.
    """
    return _SEPARATORS.sub("", name.casefold()).removesuffix("站")


def hub_names(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Every name a hub answers to, by hub id.

    Parameters
    ----------
    graph
        A corridor graph.

    Returns
    -------
    dict of str to list of str
        The id, English and Chinese names, pinyin and aliases of each hub in
        the graph, empty ones left out.
    """
    return {hub: [hub, *names_of(graph.nodes[node])] for hub, node in graph.graph["hub_nodes"].items()}


def names_of(hub: Mapping[str, Any]) -> list[str]:
    """The names a hub record or hub node answers to besides its id: English, Chinese, pinyin, aliases.

    Parameters
    ----------
    hub
        A hub record or the attributes of its graph node.

    Returns
    -------
    list of str
        The non-empty names, in that order.
    """
    aliases = hub.get("aliases")
    candidates = (hub.get("name"), hub.get("name_zh"), hub.get("pinyin"), *(aliases if isinstance(aliases, list) else ()))
    return [name for name in candidates if isinstance(name, str) and name]


def resolve_hub(graph: nx.MultiDiGraph, name: str) -> str:
    """Return the id of the hub called ``name``.

    Parameters
    ----------
    graph
        A graph from :func:`corridor.graph.graph_from_network`.
    name
        A hub id, English or Chinese name, pinyin or alias; case, spaces,
        hyphens and apostrophes are ignored. Where several hubs share a name
        (a city and its main station), the city wins, then the first hub.

    Returns
    -------
    str
        The hub id.

    Raises
    ------
    UnknownHubError
        When nothing matches; the message suggests the closest name, or says
        why the hub is missing in the graph's year.
    """
    if name in graph.graph["hub_nodes"]:
        return name
    wanted = normalise_name(name)
    names = hub_names(graph)
    matches = [hub for hub, labels in names.items() if any(normalise_name(label) == wanted for label in labels)]
    if matches:
        cities = [hub for hub in matches if graph.nodes[graph.graph["hub_nodes"][hub]]["kind"] == "city"]
        return (cities or matches)[0]
    excluded_names = graph.graph.get("excluded_hub_names", {})
    for hub, reason in graph.graph.get("excluded_hubs", {}).items():
        if any(normalise_name(label) == wanted for label in [hub, *excluded_names.get(hub, ())]):
            msg = f"hub '{hub}' is not in the network as of {graph.graph['year']}: it {reason}"
            raise UnknownHubError(msg)
    by_normal = {normalise_name(label): label for labels in names.values() for label in labels}
    close = difflib.get_close_matches(wanted, list(by_normal), n=1, cutoff=0.6)
    hint = f"; did you mean '{by_normal[close[0]]}'?" if close else "; `corridor hubs` lists them"
    msg = f"unknown hub '{name}'{hint}"
    raise UnknownHubError(msg)
