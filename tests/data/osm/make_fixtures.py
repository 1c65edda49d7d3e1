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


if __name__ == "__main__":
    main()
