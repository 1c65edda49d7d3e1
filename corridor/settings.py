"""Vocabulary and default locations shared by every corridor module.

The sets below are the values the network schema accepts; they are
documented in ``geodata/SOURCES.md`` and checked on load.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Transport modes of a link, fastest passenger mode first.
MODES: tuple[str, ...] = ("hsr", "rail", "expressway", "waterway", "sea")

#: Readable names of the modes, for tables, legends and popups.
MODE_LABELS: dict[str, str] = {
    "hsr": "High-speed rail",
    "rail": "Conventional rail",
    "expressway": "Expressway",
    "waterway": "Inland waterway",
    "sea": "Sea lane",
}

#: Kinds of hub. ``junction``: a node of an imported OpenStreetMap network where
#: lines meet; never a trip's end, no change of mode there, no marker on maps
#: (see ``docs/DEVELOPING.md``).
HUB_KINDS: tuple[str, ...] = (
    "city",
    "rail_station",
    "freight_yard",
    "dry_port",
    "river_port",
    "sea_port",
    "border_crossing",
    "junction",
)

#: The hub kind of a junction (:data:`HUB_KINDS`).
JUNCTION = "junction"

#: Construction status of a link.
STATUSES: tuple[str, ...] = ("open", "under_construction", "planned")

#: What moves on the network: ``freight`` (no high-speed rail) or ``passenger``.
PROFILES: tuple[str, ...] = ("freight", "passenger")

#: The only coordinate reference system network files may use.
CRS = "EPSG:4326"

#: Folder of the built-in network; ``CORRIDOR_GEODATA`` overrides it.
GEODATA_DIR = Path(os.environ.get("CORRIDOR_GEODATA", Path(__file__).resolve().parents[1] / "geodata"))

#: Folder of the built-in scenario files.
ROUTES_DIR = Path(__file__).resolve().parents[1] / "routes"

#: Folder where maps are written by default.
MAPS_DIR = Path("maps")


def cache_dir() -> Path:
    """Folder of corridor's caches: ``CORRIDOR_CACHE``, else ``$XDG_CACHE_HOME/corridor``, else ``~/.cache/corridor``.

    Returns
    -------
    pathlib.Path
        The folder (it may not exist yet).
    """
    if os.environ.get("CORRIDOR_CACHE"):
        return Path(os.environ["CORRIDOR_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "corridor"
