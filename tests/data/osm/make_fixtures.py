"""Write the hand-made OSM XML fixtures of tests/data/osm (run once; the .osm files are committed).

Coordinates are invented around a made-up province (lon 106.5-107.6, lat 28.8-29.6);
tags follow OpenStreetMap conventions for Chinese railways, expressways and ferries.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).parent

# node id: (lon, lat, tags)
RAIL_NODES = {
    1: (106.50, 29.50, {"railway": "station", "name": "甲站", "public_transport": "station"}),
    2: (106.55, 29.505, {}),
    3: (106.60, 29.50, {}),
    4: (106.70, 29.50, {"railway": "station", "name": "中间站"}),
    5: (106.85, 29.495, {"railway": "level_crossing"}),
    6: (107.00, 29.50, {"railway": "station", "name": "乙站"}),
    7: (106.66, 29.49, {}),
    8: (107.10, 29.52, {}),
    9: (107.15, 29.53, {}),
    11: (106.50, 29.55, {"railway": "station", "name": "甲东站"}),
    12: (106.60, 29.56, {}),
    13: (106.75, 29.55, {}),
    14: (106.85, 29.56, {}),
    15: (107.00, 29.55, {"railway": "station", "name": "乙东站"}),
    16: (107.10, 29.56, {}),
    17: (107.20, 29.57, {}),
}
RAIL_WAYS = [
    (101, [1, 2, 3, 4], {"railway": "rail", "usage": "main", "maxspeed": "100", "electrified": "contact_line", "name": "甲乙铁路", "ref": "JY"}),
    (102, [4, 5, 6], {"railway": "rail", "usage": "main", "electrified": "contact_line", "name": "甲乙铁路", "ref": "JY"}),
    (103, [4, 7], {"railway": "rail", "service": "siding"}),
    (104, [6, 8], {"railway": "rail", "usage": "industrial", "maxspeed": "signals", "railway:traffic_mode": "freight", "name": "乙港支线"}),
    (105, [8, 9], {"railway": "abandoned", "name": "旧线"}),
    (201, [11, 12, 13], {"railway": "rail", "highspeed": "yes", "usage": "main", "electrified": "contact_line", "name": "甲乙高速铁路"}),
    (202, [13, 14, 15], {"railway": "rail", "maxspeed": "250", "usage": "main", "name": "甲乙高速铁路"}),
    (203, [15, 16], {"railway": "rail", "maxspeed": "200", "name": "乙丙城际铁路"}),
    (204, [16, 17], {"railway": "rail", "maxspeed": "199", "name": "乙丙城际铁路"}),
]

ROAD_NODES = {
    21: (106.50, 29.45, {"highway": "motorway_junction", "name": "甲枢纽", "ref": "1"}),
    22: (106.62, 29.455, {}),
    23: (106.75, 29.45, {"highway": "motorway_junction", "name": "中间互通"}),
    24: (106.88, 29.445, {}),
    25: (107.00, 29.45, {"highway": "motorway_junction", "name": "乙枢纽"}),
    26: (106.76, 29.44, {}),
    27: (106.85, 29.40, {}),
    28: (106.86, 29.39, {}),
    29: (106.87, 29.388, {}),
    30: (106.701, 29.401, {}),
    31: (106.702, 29.401, {}),
    32: (106.702, 29.402, {}),
    33: (107.05, 29.30, {}),
    34: (107.10, 29.20, {}),
    35: (107.20, 29.01, {}),
    36: (106.85, 29.52, {}),
    37: (106.85, 29.60, {}),
}
ROAD_WAYS = [
    (301, [21, 22, 23], {"highway": "motorway", "oneway": "yes", "ref": "G75", "name": "兰海高速公路", "maxspeed": "120", "lanes": "2", "foo": "bar"}),
    (302, [23, 24, 25], {"highway": "motorway", "oneway": "yes", "ref": "G75", "name": "兰海高速公路", "lanes": "2"}),
    (303, [25, 24, 23, 22, 21], {"highway": "motorway", "oneway": "yes", "ref": "G75", "name": "兰海高速公路", "maxspeed": "100 km/h"}),
    (304, [23, 26, 27], {"highway": "motorway_link", "oneway": "yes"}),
    (305, [27, 23], {"highway": "motorway_link", "oneway": "yes", "maxspeed": "40"}),
    (306, [27, 28], {"highway": "trunk", "ref": "G210"}),
    (307, [28, 29], {"highway": "residential", "name": "河滨路"}),
    (308, [30, 31, 32, 30], {"building": "yes"}),
    (309, [25, 33, 34, 35], {"highway": "trunk", "ref": "G212", "name": "港口大道", "maxspeed": "50 mph"}),
    (310, [24, 33], {"highway": "proposed", "proposed": "motorway"}),
    (311, [5, 36, 37], {"highway": "trunk", "ref": "S105", "maxspeed": "80;100"}),
    (312, [36, 5], {"highway": "trunk", "ref": "S105"}),
]

WATER_NODES = {
    51: (107.20, 29.00, {"amenity": "ferry_terminal", "name": "一号港码头"}),
    52: (107.40, 28.90, {}),
    53: (107.60, 28.80, {"amenity": "ferry_terminal", "name": "二号港码头"}),
    54: (106.90, 29.40, {}),
    55: (107.00, 29.35, {}),
    56: (107.10, 29.30, {}),
    57: (106.60, 29.30, {}),
    58: (106.65, 29.25, {}),
    59: (107.15, 29.25, {}),
}
WATER_WAYS = [
    (501, [51, 52, 53], {"route": "ferry", "name": "一号港-二号港轮渡", "motor_vehicle": "yes"}),
    (502, [54, 55, 56], {"waterway": "river", "name": "乌江", "CEMT": "IV"}),
    (503, [57, 58], {"waterway": "river", "name": "小溪"}),
    (504, [56, 59], {"waterway": "canal", "ship": "yes", "name": "港池航道"}),
]

# extract.osm: an extract with no hubs file; its hubs are its named stations, ports, yards and places
# (invented coordinates on a made-up coast around lon 108.2-108.9, lat 21.5-22.1)
EXTRACT_NODES = {
    61: (108.30, 21.95, {}),
    62: (108.40, 21.95, {"railway": "station", "public_transport": "station", "train": "yes", "name": "钦东站", "name:en": "Qin East"}),
    63: (108.50, 21.95, {"railway": "station"}),  # unnamed: left out
    64: (108.60, 21.90, {}),
    65: (108.65, 21.80, {}),
    66: (108.41, 21.96, {"railway": "station", "station": "subway", "name": "Metro Stop"}),  # a metro station: no hub
    67: (108.395, 21.945, {}), 68: (108.405, 21.945, {}), 69: (108.405, 21.955, {}), 70: (108.395, 21.955, {}),
    71: (108.54, 21.92, {}), 72: (108.56, 21.92, {}), 73: (108.56, 21.94, {}), 74: (108.54, 21.94, {}),
    81: (108.65, 21.77, {}), 82: (108.67, 21.77, {}), 83: (108.67, 21.79, {}), 84: (108.65, 21.79, {}),
    85: (108.66, 21.76, {}),
    86: (108.90, 21.50, {}),
    91: (108.20, 22.10, {}),
    92: (108.35, 22.05, {}),
    93: (108.45, 22.02, {}),
    94: (108.351, 22.051, {"harbour": "yes", "name": "River Wharf"}),
    101: (108.30, 21.90, {}),
    102: (108.50, 21.90, {}),
    103: (108.64, 21.79, {}),
    110: (108.62, 21.95, {"place": "city", "name": "Qinzhou", "name:zh": "钦州", "population": "3,300,000"}),
    111: (108.42, 21.90, {"place": "town", "name": "Dongchang"}),
    112: (108.45, 21.93, {"place": "village", "name": "Shaping"}),
    113: (108.41, 21.89, {}), 114: (108.43, 21.89, {}), 115: (108.43, 21.91, {}), 116: (108.41, 21.91, {}),
}
EXTRACT_WAYS = [
    (601, [61, 62, 63, 64, 65], {"railway": "rail", "maxspeed": "120", "name": "钦港铁路"}),
    (602, [67, 68, 69, 70, 67], {"landuse": "railway", "name": "钦东站"}),  # the station's grounds: no yard
    (603, [71, 72, 73, 74, 71], {"railway": "yard", "name": "Qin Freight Yard"}),
    (604, [81, 82, 83, 84, 81], {"landuse": "port", "name": "Qinzhou Port"}),
    (605, [85, 86], {"route": "ferry", "name": "Qinzhou-Beihai ferry"}),
    (606, [91, 92, 93], {"waterway": "river", "CEMT": "IV", "name": "Qin River"}),
    (607, [101, 102, 103], {"highway": "motorway", "ref": "G75", "maxspeed": "120"}),
    (608, [113, 114, 115, 116, 113], {"place": "town", "name": "Dongchang"}),  # the town's outline: same hub as its node
]


def _xml(nodes: dict, ways: list) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="corridor hand-made fixture">']
    lines.append('  <bounds minlat="28.7" minlon="106.4" maxlat="29.7" maxlon="107.7"/>')
    for nid, (lon, lat, tags) in nodes.items():
        head = f'  <node id="{nid}" version="1" lat="{lat}" lon="{lon}"'
        if not tags:
            lines.append(head + "/>")
            continue
        lines.append(head + ">")
        lines.extend(f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
        lines.append("  </node>")
    for wid, refs, tags in ways:
        lines.append(f'  <way id="{wid}" version="1">')
        lines.extend(f'    <nd ref="{r}"/>' for r in refs)
        lines.extend(f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def main() -> None:
    (HERE / "rail.osm").write_text(_xml(RAIL_NODES, RAIL_WAYS), encoding="utf-8")
    (HERE / "road.osm").write_text(_xml({**ROAD_NODES, 5: RAIL_NODES[5]}, ROAD_WAYS), encoding="utf-8")
    (HERE / "water.osm").write_text(_xml(WATER_NODES, WATER_WAYS), encoding="utf-8")
    province = _xml({**RAIL_NODES, **ROAD_NODES, **WATER_NODES}, RAIL_WAYS + ROAD_WAYS + WATER_WAYS)
    (HERE / "province.osm").write_text(province, encoding="utf-8")
    (HERE / "malformed.osm").write_text(province[: len(province) // 2], encoding="utf-8")
    (HERE / "extract.osm").write_text(_xml(EXTRACT_NODES, EXTRACT_WAYS), encoding="utf-8")


if __name__ == "__main__":
    main()
