"""How well a network's figures are sourced: published lengths, knowledge flags, geometry agreement.

:func:`sourcing_report` answers what a planner asks before quoting a figure:
which share of the rail and road kilometres rests on a published length,
which figures come from general knowledge, and which links' drawn geometry
disagrees with their length (``corridor validate --report``).
"""

from __future__ import annotations

from typing import Any

from pyproj import Geod

from corridor.network import Network

_GEOD = Geod(ellps="WGS84")

#: ``length_basis`` values: a figure a page states, a figure worked out from stated ones (a
#: difference of mileposts, a total shared by geometry), general knowledge, or the geometry itself.
LENGTH_BASES: tuple[str, ...] = ("published", "derived", "knowledge", "measured")

#: Modes whose lengths the target of 90% published kilometres applies to.
LAND_MODES: tuple[str, ...] = ("hsr", "rail", "expressway")


def sourcing_report(network: Network, *, tolerance: float = 0.1) -> dict[str, Any]:
    """Shares of link-km by length basis, knowledge-flagged figures, and geometry/length disagreements.

    Parameters
    ----------
    network
        The network to report on.
    tolerance
        Relative difference between a link's geometry length and its
        ``length_km`` above which the link is listed.

    Returns
    -------
    dict
        ``km_by_basis`` (per mode, then basis), ``published_share`` (share of
        rail, HSR and expressway link-km on a published or derived length),
        ``knowledge_share`` (share of all link-km whose length, speed or
        opening date is flagged ``knowledge``), ``knowledge_links`` and
        ``geometry_mismatches`` (id, geometry km, length km, ratio), worst first.
    """
    links = network.links
    km_by_basis: dict[str, dict[str, float]] = {}
    mismatches = []
    knowledge_links = []
    land_km = sourced_km = total_km = knowledge_km = 0.0
    for link_id, link in links.iterrows():
        km = float(link["length_km"])
        basis = str(link.get("length_basis") or "measured")
        mode = str(link["mode"])
        km_by_basis.setdefault(mode, dict.fromkeys(LENGTH_BASES, 0.0))
        km_by_basis[mode][basis if basis in LENGTH_BASES else "measured"] += km
        total_km += km
        if mode in LAND_MODES:
            land_km += km
            sourced_km += km if basis in ("published", "derived") else 0.0
        flags = _knowledge_flags(link, basis)
        if flags:
            knowledge_km += km
            knowledge_links.append({"id": link_id, "km": round(km, 1), "figures": flags})
        coords = list(link.geometry.coords)
        drawn = _GEOD.line_length([c[0] for c in coords], [c[1] for c in coords]) / 1000.0
        ratio = drawn / km
        if abs(ratio - 1.0) > tolerance:
            mismatches.append(
                {"id": link_id, "mode": mode, "geometry_km": round(drawn, 1), "length_km": round(km, 1), "ratio": round(ratio, 2), "length_basis": basis}
            )
    mismatches.sort(key=lambda row: abs(row["ratio"] - 1.0), reverse=True)
    return {
        "source": network.source,
        "km_by_basis": {mode: {b: round(v, 1) for b, v in bases.items()} for mode, bases in km_by_basis.items()},
        "published_share": round(sourced_km / land_km, 3) if land_km else None,
        "knowledge_share": round(knowledge_km / total_km, 3) if total_km else None,
        "knowledge_links": knowledge_links,
        "tolerance": tolerance,
        "geometry_mismatches": mismatches,
    }


def _knowledge_flags(link: Any, basis: str) -> list[str]:
    """Which of a link's figures (length, speed, opening date) come from general knowledge."""
    flags = []
    if basis == "knowledge":
        flags.append("length")
    history = link.get("speed_history")
    if not (isinstance(history, list) and history) and "knowledge" in _text(link.get("speed_source")).lower()[:20]:
        flags.append("speed")  # the model uses the dated operating speeds where a link has them
    notes = _text(link.get("notes")).lower()
    if not _text(link.get("date_source")) and ("opened" in notes and "knowledge" in notes[:60] or "opening year knowledge" in notes):
        flags.append("opened")
    return flags


def _text(value: Any) -> str:
    """A text field, empty where the frame has no value (None or NaN)."""
    return value if isinstance(value, str) else ""
