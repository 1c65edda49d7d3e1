#!/usr/bin/env python3
"""Build geodata/hubs.geojson, geodata/links.geojson and geodata/SOURCES.md.

DEVELOPER TOOL, run by hand:  /tmp/probe/bin/python scripts/build_geodata.py
It reads the public reference data in /work/shared/data (Natural Earth places, ports, rivers;
OSM railway stations of China (ODbL); pyecharts city coordinates (MIT)) and the curated tables
in scripts/geodata_src/. Its output in geodata/ is committed; the runtime package never reads
/work/shared. Requires shapely and pyproj.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from pyproj import Geod
from shapely.geometry import LineString, Point, shape
from shapely.ops import substring

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "geodata_src"))
from hubs_table import HUBS  # noqa: E402
from links_table import EXPRESSWAY_SPEED_SRC, LINKS  # noqa: E402

SHARED = Path("/work/shared")
DATA = SHARED / "data"
GEOD = Geod(ellps="WGS84")


def load(name):
    return json.load(open(DATA / name, encoding="utf-8"))["features"]


OSM: dict[str, tuple] = {}
for f in load("osm_railway_stations_cn.geojson"):
    n = f["properties"].get("name")
    if n and n not in OSM:  # first occurrence wins; duplicates are rare (checked by hand)
        OSM[n] = tuple(f["geometry"]["coordinates"][:2])
PYE = {f["properties"]["name"]: tuple(f["geometry"]["coordinates"][:2]) for f in load("pyecharts_city_coordinates_cn.geojson")}
NE: dict[str, tuple] = {}
NE_POP: dict[str, int] = {}
for f in load("ne_10m_populated_places_region.geojson"):
    p = f["properties"]
    for key in (p["NAME"], p["NAMEASCII"]):
        if key not in NE:
            NE[key] = (p["LONGITUDE"], p["LATITUDE"])
            NE_POP[key] = p["POP_MAX"]
NEPORT: dict[str, list] = {}
for f in load("ne_10m_ports_region.geojson"):
    NEPORT.setdefault(f["properties"]["name"], []).append(tuple(f["geometry"]["coordinates"][:2]))
RIVERS = [(f["properties"]["name"], shape(f["geometry"])) for f in load("ne_10m_rivers_region.geojson")]

SRC_LABEL = {
    "o": "OSM railway station (© OpenStreetMap contributors, ODbL) named",
    "p": "pyecharts city coordinates (MIT) point",
    "n": "Natural Earth populated place",
    "np": "Natural Earth port",
}


def resolve(tok: str, hubs=None):
    kind, _, name = tok.partition(":")
    if kind == "o":
        return OSM[name]
    if kind == "p":
        return PYE[name]
    if kind == "n":
        return NE[name]
    if kind == "np":
        nm, _, lon = name.partition("@")
        pts = NEPORT[nm]
        if lon:
            pts = [min(pts, key=lambda c: abs(c[0] - float(lon)))]
        return pts[0]
    if kind == "w":
        a, b = name.split(",")
        return (float(a), float(b))
    if kind == "h":
        return hubs[name]["_xy"]
    raise KeyError(tok)


def tok_label(tok: str) -> str:
    kind, _, name = tok.partition(":")
    return f"{SRC_LABEL[kind]} '{name.split('@')[0]}'"


def hav_km(a, b):
    r = 6371.0088
    p1, p2 = math.radians(a[1]), math.radians(b[1])
    dp, dl = p2 - p1, math.radians(b[0] - a[0])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def geod_len_km(coords):
    lons, lats = zip(*coords, strict=True)
    return GEOD.line_length(lons, lats) / 1000.0


# ---------------------------------------------------------------- rivers
def chain(pieces, start):
    """Concatenate LineStrings greedily from the piece end nearest to start."""
    pieces = [list(p.coords) for p in pieces]
    out = []
    cur = start
    while pieces:
        best = min(
            ((hav_km(cur, p[0]), i, False) for i, p in enumerate(pieces))
            and [(min(hav_km(cur, p[0]), hav_km(cur, p[-1])), i, hav_km(cur, p[-1]) < hav_km(cur, p[0])) for i, p in enumerate(pieces)]
        )
        _, i, rev = best
        p = pieces.pop(i)
        if rev:
            p = p[::-1]
        out.extend(p if not out else p[1:])
        cur = out[-1]
    return LineString(out)


def river_parts(name):
    out = []
    for n, g in RIVERS:
        if n == name:
            out.extend(getattr(g, "geoms", [g]))
    return out


def build_rivers():
    cj = [g for g in river_parts("Chang Jiang") if len(g.coords) > 10]
    yz = [g for g in river_parts("Yangtze") if len(g.coords) > 10]
    yangtze = chain(cj + yz, (103.85, 28.67))
    # Below Zhenjiang (end of the NE centreline) the river runs on through channel waypoints checked
    # to lie in water on the Natural Earth 1:10m land polygons, past Jiangyin to Waigaoqiao.
    tail = [NEPORT["Jiangyin"][0], (120.3, 31.95), (120.4, 32.01), (120.5, 32.06), (120.6, 32.03), (120.7, 32.02), (120.8, 32.0),
            (120.9, 31.85), (121.0, 31.78), (121.1, 31.75), (121.2, 31.67), (121.3, 31.57), (121.4, 31.5), (121.5, 31.42), (121.6, 31.36)]
    yangtze = LineString(list(yangtze.coords) + tail)
    yong = river_parts("Yong")
    yu = river_parts("Yu")
    xun = river_parts("Xun")
    xi = river_parts("Xi")
    main = max(xi, key=lambda g: len(g.coords))
    branch = [g for g in xi if abs(g.coords[0][0] - 113.08) < 0.02 and abs(g.coords[0][1] - 22.76) < 0.02][0]
    cut = main.project(Point(branch.coords[0]))
    main_part = substring(main, 0, cut)
    up = chain(yong + yu + xun, (108.09, 22.84))
    xijiang = LineString(list(up.coords) + list(main_part.coords)[1:] + list(branch.coords))
    return {"yangtze": yangtze, "xijiang": xijiang}


RIV = build_rivers()


def river_section(river, a, b):
    line = RIV[river]
    da, db = line.project(Point(a)), line.project(Point(b))
    seg = substring(line, min(da, db), max(da, db))
    coords = list(seg.coords)
    if da > db:
        coords = coords[::-1]
    return [a] + coords + [b]


# ---------------------------------------------------------------- hubs
FACTS_HUBS = {}
import csv  # noqa: E402

for row in csv.DictReader(open(SHARED / "facts" / "hubs_facts.csv", encoding="utf-8")):
    FACTS_HUBS[row["id"]] = row


def build_hubs():
    hubs = {}
    for args, kw in HUBS:
        hid, name, zh, pinyin, aliases, kind, city, country, province, ref = args
        ref_xy = resolve(ref)
        pos = kw.get("pos")
        if pos is None:
            xy = ref_xy
            coord_source = tok_label(ref)
        elif isinstance(pos, str) and pos.startswith("snap:"):
            line = RIV[pos[5:]]
            pt = line.interpolate(line.project(Point(ref_xy)))
            xy = (pt.x, pt.y)
            coord_source = f"{tok_label(ref)} projected onto the Natural Earth river centreline ({pos[5:]})"
        else:
            xy = pos
            coord_source = "knowledge: best real-world position of the facility (checked against the reference point)"
        fact = FACTS_HUBS.get(kw.get("facts", ""), None)
        if fact:
            source = fact["fact_source"]
        elif kind == "city":
            source = "Natural Earth populated places / pyecharts (position); knowledge (role)"
        else:
            source = "knowledge (role of the facility); position as coord_source"
        ref_source = tok_label(ref)
        if kw.get("ref_note"):
            ref_source += " — " + kw["ref_note"]
        pop = pop_source = None
        if kind == "city" and kw.get("pop"):
            pop = NE_POP.get(kw["pop"])
            if pop is not None:
                pop, pop_source = int(pop), f"Natural Earth 1:10m populated places POP_MAX ({kw['pop']})"
        elif kind == "city" and kw.get("pop_knowledge"):
            pop, pop_source = kw["pop_knowledge"], "knowledge: approximate urban population (not in Natural Earth)"
        props = {
            "id": hid, "name": name, "name_zh": zh, "pinyin": pinyin, "aliases": aliases,
            "kind": kind, "city": city, "country": country, "province": province,
            "population": pop, "population_source": pop_source,
            "ref_lon": round(ref_xy[0], 5), "ref_lat": round(ref_xy[1], 5), "ref_source": ref_source,
            "source": source, "coord_source": coord_source, "opened": kw.get("opened"),
            "freight_terminal": kw.get("freight_terminal", True),
        }
        if kw.get("through_running"):
            props["through_running"] = True
            props["through_running_source"] = kw["through_running"]
        if "through_lines" in kw:
            props["through_lines"] = [f"{a} | {b}" for a, b, _ in kw["through_lines"] if a]
            props["through_lines_source"] = " ; ".join(f"{a} | {b}: {src}" if a else src for a, b, src in kw["through_lines"])
        if kw.get("ref_max"):
            props["ref_max_km"] = kw["ref_max"]
        props["_xy"] = (round(xy[0], 5), round(xy[1], 5))
        props["_facts"] = kw.get("facts")
        assert hid not in hubs, hid
        hubs[hid] = props
    return hubs


# ---------------------------------------------------------------- links
DEFAULT_SPEED = {"expressway": 120, "waterway": 15.6, "sea": 26}
DEFAULT_SPEED_SRC = {
    "expressway": EXPRESSWAY_SPEED_SRC,
    "waterway": "derived: https://accesschinatravel.com/guide-v158-transportation-in-yangtze-river.html — \"the 1,125 km journey between "
                "Wuhan and Shanghai may take up to four days upstream and tree days downstream\" (1,125 km in 3 days = 15.6 km/h)",
    "sea": "https://casualnavigation.com/cargo-ship-speed-comparison-how-fast-do-they-go/ — \"Container ship 14 knots\" (Statista average "
           "service speed; 14 kn = 26 km/h)",
}


def read_link_facts():
    """Sourced figures per link from scripts/geodata_src/link_facts.csv (one row per number)."""
    facts: dict[str, list[dict]] = {}
    with open(ROOT / "scripts" / "geodata_src" / "link_facts.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            facts.setdefault(row["link_id"], []).append(row)
    return facts


def month(date: str) -> str | int:
    """'2012-09-28' -> '2012-09'; '1935' -> 1935 (the schema's date forms)."""
    date = date.strip()
    return date[:7] if len(date) >= 7 else int(date[:4])


def cite(row: dict) -> str:
    """One figure's citation: the page, the phrase stating the number, and how it was used."""
    text = f"{row['source']} — \"{row['quote']}\""
    note = row["note"].split(" | ")[0] if row["note"].lower().startswith("derived") else ""
    if note:
        text += f" ({note})"
    return text


def basis(row: dict) -> str:
    note = row["note"].lower()
    if "knowledge" in note and row["confidence"] == "low":
        return "knowledge"
    return "derived" if note.startswith("derived") else "published"


def apply_link_facts(kw: dict, rows: list[dict]) -> dict:
    """Fold a link's sourced figures into its table entry (kwargs of L())."""
    kw = dict(kw)
    for row in sorted(rows, key=lambda r: r["as_of"]):
        field, value = row["field"], row["value"]
        if field == "length_km":
            kw.update(length=float(value), length_source=cite(row), length_basis=basis(row))
        elif field == "speed_kmh":
            kw.update(speed=float(value), speed_source=cite(row))
        elif field == "operating_kmh":
            kw.setdefault("speed_history", []).append({"from": month(row["as_of"]), "speed_kmh": float(value), "source": cite(row)})
        elif field == "section_min":
            kw.setdefault("section_times", []).append({"from": month(row["as_of"]), "minutes": float(value), "source": cite(row)})
        elif field == "freight_section_min":
            kw.setdefault("freight_section_times", []).append({"from": month(row["as_of"]), "minutes": float(value), "source": cite(row)})
        elif field == "per_week":
            kw.setdefault("departures", []).append({"from": month(row["as_of"]), "per_week": float(value), "source": cite(row)})
        elif field == "wait_h":
            kw.setdefault("waits", []).append({"from": month(row["as_of"]), "hours": float(value), "source": cite(row)})
        elif field in ("chain_min", "freight_chain_min", "length_share"):
            continue  # shared out over the chain's links by share_chain_figures()
        elif field == "fastest_stops":
            kw["fastest_stops"] = int(value)
        elif field in ("opened", "expected"):
            kw[field] = month(value)
            kw.setdefault("date_sources", []).append(f"{field}: {cite(row)}")
        elif field == "status":
            kw["status"] = value
        else:
            raise SystemExit(f"link_facts.csv: unknown field {field!r} for {row['link_id']}")
    if kw.get("status") == "open":
        kw.pop("expected", None)
    return kw


def speed_at(kw: dict, mode: str, when: str) -> float:
    """Operating speed of a link (its table entry) in force at a date."""
    key = str(when)[:7]
    dated = [h for h in kw.get("speed_history", []) if str(h["from"]) <= key]
    if dated:
        return dated[-1]["speed_kmh"]
    return float(kw.get("operating") or kw.get("speed", DEFAULT_SPEED.get(mode)))


def share_lengths(entries: dict, facts: dict, drawn: dict) -> None:
    """A published length over a chain of links ("a+b"), shared out in proportion to their geometry."""
    for key, rows in facts.items():
        for row in rows:
            if row["field"] != "length_share":
                continue
            ids = key.split("+")
            total = sum(drawn[lid] for lid in ids)
            for lid in ids:
                entries[lid][1].update(length=round(float(row["value"]) * drawn[lid] / total, 1), length_source=cite(row), length_basis="derived")


def share_chain_times(entries: dict, facts: dict, drawn: dict, field: str = "chain_min", target: str = "section_times") -> None:
    """Turn published times over chains of links ("a+b+c") into section times of each link.

    ``field``/``target``: ``chain_min`` into the passenger ``section_times``, or
    ``freight_chain_min`` into the freight service's ``freight_section_times``.

    A chain's time, less the section times its links already have in force
    at its date (published for that month, or earlier with no change of
    speed since), is shared out over the other links in proportion to their
    time at the operating speed of the date. Shorter chains go first, so a
    time over two links beats a time over five, and a through train's time
    over several lines does not replace a line's own fastest time. Where the
    times in force leave nothing to share, only the same month's count.
    """
    chains = [row for key, rows in facts.items() if "+" in key for row in rows if row["field"] == field]
    for row in sorted(chains, key=lambda r: (r["link_id"].count("+"), r["as_of"])):
        ids, when = row["link_id"].split("+"), str(month(row["as_of"]))
        known, free = _known_times(entries, ids, when, in_force=True, target=target)
        if float(row["value"]) - known <= 0:
            known, free = _known_times(entries, ids, when, in_force=False, target=target)
        if not free:
            continue
        weights = {lid: (entries[lid][1].get("length") or drawn[lid]) / speed_at(entries[lid][1], entries[lid][0][3], when) for lid in free}
        remaining = float(row["value"]) - known
        assert remaining > 0, f"chain {row['link_id']} {when}: its links' own times exceed it"
        for lid in free:
            minutes = round(remaining * weights[lid] / sum(weights.values()), 1)
            chain = row["note"].split(" (")[0] or row["link_id"]
            source = f"derived: share of the published {chain} time ({row['value']} min) — {row['source']} — \"{row['quote']}\""
            entries[lid][1].setdefault(target, []).append({"from": when, "minutes": minutes, "source": source})
    for _, kw in entries.values():
        kw.get(target, []).sort(key=lambda t: str(t["from"]))


def read_link_shapes():
    """Intermediate points per link from scripts/geodata_src/link_shapes.csv, replacing the table's via tokens."""
    shapes: dict[str, list[str]] = {}
    with open(ROOT / "scripts" / "geodata_src" / "link_shapes.csv", encoding="utf-8", newline="") as f:
        for row in sorted(csv.DictReader(f), key=lambda r: int(r["seq"])):
            tokens = shapes.setdefault(row["link_id"], [])
            if row["token"]:
                tokens.append(row["token"])
    return shapes


def _known_times(entries: dict, ids: list[str], when: str, *, in_force: bool, target: str = "section_times") -> tuple[float, list[str]]:
    """Minutes of a chain's links that already have a section time at ``when``, and the links that have none.

    ``in_force``: the latest time published at or before ``when`` counts unless
    the line's speed changed after it; otherwise only a time of that month.
    """
    known, free = 0.0, []
    for lid in ids:
        kw = entries[lid][1]
        times = sorted((t for t in kw.get(target, []) if str(t["from"]) <= when), key=lambda t: str(t["from"]))
        if not in_force:
            times = [t for t in times if str(t["from"]) == when]
        elif times and any(str(times[-1]["from"]) < str(h["from"]) <= when for h in kw.get("speed_history", [])):
            times = []
        if times:
            known += times[-1]["minutes"]
        else:
            free.append(lid)
    return known, free


def build_links(hubs):
    links = []
    facts = read_link_facts()
    shapes = read_link_shapes()
    ids = {args[0] for args, _ in LINKS}
    unknown = {part for key in [*facts, *shapes] for part in key.split("+")} - ids
    assert not unknown, f"link_facts.csv or link_shapes.csv names unknown links: {sorted(unknown)}"
    entries = {args[0]: ((*args[:6], shapes.get(args[0], args[6])), apply_link_facts(kw, facts.get(args[0], []))) for args, kw in LINKS}
    drawn = {
        lid: geod_len_km([hubs[args[4]]["_xy"]] + [resolve(t, hubs) for t in args[6]] + [hubs[args[5]]["_xy"]])
        for lid, (args, kw) in entries.items() if not kw.get("river")
    }
    share_lengths(entries, facts, drawn)
    share_chain_times(entries, facts, drawn)
    share_chain_times(entries, facts, drawn, "freight_chain_min", "freight_section_times")
    for args, kw in entries.values():
        lid, line, zh, mode, a, b, via = args
        assert a in hubs and b in hubs and a != b, lid
        pa, pb = hubs[a]["_xy"], hubs[b]["_xy"]
        if kw.get("river"):
            coords = river_section(kw["river"], pa, pb)
            via_names = []
        else:
            pts = [resolve(t, hubs) for t in via]
            coords = [pa] + pts + [pb]
            via_names = [t.split(":", 1)[1].split("@")[0] if not t.startswith("w:") else None for t in via]
            via_names = [hubs[v]["name"] if v in hubs else v for v in via_names if v]
        coords = [(round(x, 5), round(y, 5)) for x, y in coords]
        # drop consecutive duplicates
        cc = [coords[0]]
        for c in coords[1:]:
            if c != cc[-1]:
                cc.append(c)
        coords = cc
        glen = geod_len_km(coords)
        if kw.get("length") is not None:
            length, length_basis, lsrc = float(kw["length"]), kw.get("length_basis", "published"), kw["length_source"]
            if "knowledge" in lsrc.lower() and length_basis == "published":
                length_basis = "knowledge"
        else:
            length, length_basis, lsrc = round(glen, 1), "measured", None
        ratio = glen / length
        speed = kw.get("speed", DEFAULT_SPEED.get(mode))
        ssrc = kw.get("speed_source")
        if ssrc is None:
            if mode == "expressway" and speed != 120:
                ssrc = "knowledge (mountain/urban section design speed); max 120 km/h per " + EXPRESSWAY_SPEED_SRC
            else:
                ssrc = DEFAULT_SPEED_SRC.get(mode, "knowledge")
        freight = {"hsr": False, "rail": True, "expressway": True, "waterway": True, "sea": True}[mode]
        passenger = {"hsr": True, "rail": not kw.get("freight_only"), "expressway": True, "waterway": False, "sea": False}[mode]
        if kw.get("freight_only"):
            freight = True
        zh_name = zh
        name = f"{line}: {hubs[a]['name']}–{hubs[b]['name']}"
        props = {
            "id": lid, "name": name, "name_zh": zh_name, "line": line, "mode": mode,
            "from_hub": a, "to_hub": b,
            "length_km": round(length, 2), "length_basis": length_basis, "length_source": lsrc,
            "speed_kmh": speed, "operating_speed_kmh": kw.get("operating"), "speed_source": ssrc,
            "status": kw.get("status", "open"), "opened": kw.get("opened"), "expected": kw.get("expected"),
            "freight": freight, "passenger": passenger,
            "via": via_names, "stops": kw.get("stops", 0 if mode in ("sea", "waterway", "expressway") else len(via_names)),
            "source": kw["source"], "notes": kw.get("notes", ""),
        }
        for name in ("speed_history", "section_times", "freight_section_times", "departures", "waits", "fastest_stops"):
            if kw.get(name) is not None:
                props[name] = kw[name]
        if kw.get("date_sources"):
            props["date_source"] = " ; ".join(kw["date_sources"])
        props["_coords"] = coords
        props["_ratio"] = ratio
        props["_glen"] = glen
        links.append(props)
    return links


def fc(features):
    return {"type": "FeatureCollection", "features": features}


def main():
    hubs = build_hubs()
    links = build_links(hubs)
    bad = []
    for h in hubs.values():
        d = hav_km(h["_xy"], (h["ref_lon"], h["ref_lat"]))
        tol = h.get("ref_max_km", 5.0)
        if d > tol:
            bad.append(f"hub {h['id']} {d:.1f} km from ref (tol {tol})")
    loose = [l for l in links if not (0.9 <= l["_ratio"] <= 1.1)]
    for l in links:
        print(f"{l['id']:22s} {l['mode']:10s} {l['length_km']:8.1f} {l['length_basis']:9s} ratio {l['_ratio']:.3f}")
    for l in loose:
        print(f"geometry/length {l['_ratio']:.2f}: {l['id']} (geometry {l['_glen']:.1f} km, length {l['length_km']} km, {l['length_basis']})")
    if bad:
        print("\n".join(bad))
        sys.exit(1)
    out = ROOT / "geodata"
    out.mkdir(exist_ok=True)
    hf = []
    for h in hubs.values():
        p = {k: v for k, v in h.items() if not k.startswith("_")}
        hf.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": list(h["_xy"])}, "properties": p})
    lf = []
    for l in links:
        p = {k: v for k, v in l.items() if not k.startswith("_")}
        lf.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [list(c) for c in l["_coords"]]}, "properties": p})
    (out / "hubs.geojson").write_text(json.dumps(fc(hf), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "links.geojson").write_text(json.dumps(fc(lf), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # The runtime schema is the last word: the built files must load as any user's network would.
    sys.path.insert(0, str(ROOT))
    from corridor.io import load_network  # noqa: E402

    load_network(out)
    import sources_md  # noqa: E402
    (out / "SOURCES.md").write_text(sources_md.render(hubs, links, redrawn=len(read_link_shapes())), encoding="utf-8")
    print(f"{len(hf)} hubs, {len(lf)} links written")


if __name__ == "__main__":
    main()
