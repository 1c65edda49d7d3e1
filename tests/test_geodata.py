"""Checks of the shipped geodata (geodata/hubs.geojson, geodata/links.geojson)."""
import itertools
import json
import math
from pathlib import Path

import pytest

from corridor.schema import parse_date

GEO = Path(__file__).parents[1] / "geodata"
HUB_KINDS = {"city", "rail_station", "freight_yard", "dry_port", "river_port", "sea_port", "border_crossing"}
MODES = {"hsr", "rail", "expressway", "waterway", "sea"}
STATUSES = {"open", "under_construction", "planned"}
REQUIRED_HUBS = {
    "chongqing", "cq_north", "cq_west", "cq_station", "cq_shapingba", "cq_east", "cq_tuanjiecun", "cq_guoyuan",
    "huaihua", "huaihua_landport", "huaihua_south", "qinzhou", "qinzhou_port", "beihai_port", "fangchenggang_port",
    "shanghai_port", "singapore_port", "haiphong_port", "youyiguan", "pingxiang", "mohan", "boten",
    "beijing", "shanghai", "wuhan", "zhengzhou", "xian", "chengdu", "kunming", "guangzhou", "vientiane", "hanoi",
    "guiyang", "nanning", "liuzhou", "guangzhou_port", "nanning_port", "wuzhou_port", "xijin_pingtang",
    "three_gorges", "wanzhou", "yichang", "singapore", "haiphong", "zhanjiang",
}
# ids of hubs_facts.csv (renamed ones under their new id)
FACT_HUBS = {
    "chongqing", "cq_east", "cq_north", "cq_west", "cq_station", "cq_shapingba", "cq_tuanjiecun", "cq_guoyuan",
    "fuling_north", "wanzhou_north", "qianjiang", "huaihua", "huaihua_south", "huaihua_landport", "changsha_south",
    "zhangjiajie_west", "guiyang_north", "guiyang_east", "zunyi", "duyun_east", "liuzhou", "nanning", "nanning_east",
    "nanning_station", "qinzhou", "qinzhou_port", "beihai_port", "fangchenggang_port", "chongzuo", "pingxiang",
    "youyiguan", "wuzhou", "xijin_pingtang", "luwu", "kunming_south", "mohan", "boten", "vientiane_station",
    "dong_dang", "hanoi_gialam", "haiphong_port", "singapore_port", "chengdu_east", "xian_north", "zhengzhou_east",
    "xiangyang_east", "yichang_east", "wuhan_station", "beijing_west", "beijing_south", "shanghai_hongqiao",
    "shanghai_port", "guangzhou_south", "zhanjiang_port", "three_gorges",
}


def load(name):
    with open(GEO / name, encoding="utf-8") as f:
        return json.load(f)


def hav_km(a, b):
    r = 6371.0088
    p1, p2 = math.radians(a[1]), math.radians(b[1])
    dp, dl = p2 - p1, math.radians(b[0] - a[0])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def line_km(coords):
    return sum(hav_km(a, b) for a, b in itertools.pairwise(coords))


@pytest.fixture(scope="module")
def hubs():
    fc = load("hubs.geojson")
    assert fc["type"] == "FeatureCollection"
    return fc["features"]


@pytest.fixture(scope="module")
def links():
    fc = load("links.geojson")
    assert fc["type"] == "FeatureCollection"
    return fc["features"]


@pytest.fixture(scope="module")
def hub_by_id(hubs):
    return {f["properties"]["id"]: f for f in hubs}


def test_counts(hubs, links):
    assert len(hubs) >= 50
    assert len(links) >= 60


def test_ids_unique(hubs, links):
    hid = [f["properties"]["id"] for f in hubs]
    lid = [f["properties"]["id"] for f in links]
    assert len(hid) == len(set(hid))
    assert len(lid) == len(set(lid))


def test_required_hubs(hub_by_id):
    missing = (REQUIRED_HUBS | FACT_HUBS) - set(hub_by_id)
    assert not missing, missing


def test_hub_schema(hubs):
    for f in hubs:
        p = f["properties"]
        assert f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert 95 <= lon <= 125 and 0 <= lat <= 42, p["id"]
        assert p["kind"] in HUB_KINDS, p["id"]
        assert p["country"] in {"CN", "HK", "LA", "VN", "SG"}, p["id"]
        assert isinstance(p["aliases"], list)
        for k in ("name", "name_zh", "pinyin", "province", "source", "coord_source", "ref_source"):
            assert isinstance(p[k], str) and p[k], (p["id"], k)
        assert p["population"] is None or (isinstance(p["population"], int) and p["kind"] == "city"), p["id"]
        assert p["opened"] is None or parse_date(p["opened"]) is not None
    assert next(f for f in hubs if f["properties"]["id"] == "cq_east")["properties"]["opened"] == "2025-06"  # opened 27 Jun 2025


def test_hubs_near_reference(hubs):
    for f in hubs:
        p = f["properties"]
        d = hav_km(f["geometry"]["coordinates"], (p["ref_lon"], p["ref_lat"]))
        assert d <= p.get("ref_max_km", 5.0), (p["id"], round(d, 1))


def test_city_groups(hub_by_id):
    for hid, f in hub_by_id.items():
        city = f["properties"]["city"]
        assert city == hid or (city in hub_by_id and hub_by_id[city]["properties"]["kind"] == "city"), hid
        if f["properties"]["kind"] == "city":
            assert city == hid


def test_link_endpoints_exist(links, hub_by_id):
    for f in links:
        p = f["properties"]
        assert p["from_hub"] in hub_by_id and p["to_hub"] in hub_by_id, p["id"]
        assert p["from_hub"] != p["to_hub"], p["id"]


def test_link_schema(links):
    for f in links:
        p = f["properties"]
        assert f["geometry"]["type"] == "LineString"
        assert len(f["geometry"]["coordinates"]) >= 2
        assert p["mode"] in MODES, p["id"]
        assert p["status"] in STATUSES, p["id"]
        assert p["length_km"] > 0 and p["speed_kmh"] > 0, p["id"]
        assert p["length_basis"] in {"published", "derived", "knowledge", "measured"}, p["id"]
        if p["length_basis"] != "measured":
            assert p["length_source"], p["id"]
        assert isinstance(p["source"], str) and p["source"].strip(), p["id"]
        assert isinstance(p["via"], list) and isinstance(p["stops"], int), p["id"]
        assert isinstance(p["freight"], bool) and isinstance(p["passenger"], bool), p["id"]
        if p["status"] == "under_construction":
            assert parse_date(p["expected"]) is not None, p["id"]
        if p["mode"] == "hsr":
            assert p["freight"] is False, p["id"]
        if p["mode"] in ("sea", "waterway"):
            assert p["freight"] and not p["passenger"], p["id"]


def test_length_ratio(links):
    """Geometry follows the published length: measured links exactly, the rest within 10% for most rail and road km.

    Lines whose intermediate stations are missing from every public point set (mountain lines such as
    Guiyang–Kunming) stay short; ``corridor validate --report`` lists them, worst first.
    """
    land = within = 0.0
    for f in links:
        p = f["properties"]
        ratio = line_km(f["geometry"]["coordinates"]) / p["length_km"]
        assert 0.5 <= ratio <= 1.25, (p["id"], round(ratio, 3))
        if p["length_basis"] == "measured":
            assert abs(ratio - 1) < 0.01, p["id"]
        if p["mode"] in ("hsr", "rail", "expressway"):
            land += p["length_km"]
            within += p["length_km"] if abs(ratio - 1) <= 0.1 else 0.0
    assert within / land >= 0.62  # 65% in Nov 2026: see geodata/SOURCES.md, 'Geometry vs length'


def test_geometry_connects_hubs(links, hub_by_id):
    for f in links:
        p = f["properties"]
        c = f["geometry"]["coordinates"]
        a = hub_by_id[p["from_hub"]]["geometry"]["coordinates"]
        b = hub_by_id[p["to_hub"]]["geometry"]["coordinates"]
        assert hav_km(c[0], a) <= 30, p["id"]
        assert hav_km(c[-1], b) <= 30, p["id"]


def test_network_connected(links, hub_by_id):
    adj = {}
    for f in links:
        p = f["properties"]
        adj.setdefault(p["from_hub"], set()).add(p["to_hub"])
        adj.setdefault(p["to_hub"], set()).add(p["from_hub"])
    seen, todo = {"cq_tuanjiecun"}, ["cq_tuanjiecun"]
    while todo:
        for n in adj.get(todo.pop(), ()):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    for target in ("qinzhou_port", "singapore_port", "shanghai_port", "vientiane_station", "hanoi_gialam", "beijing_west", "haiphong_port"):
        assert target in seen, target


def test_open_links_have_opening_year(links):
    """Every open link carries an opening date, so the year filter covers roads, rivers and sea lanes,
    except waterways and sea lanes open throughout the modelled period (they say so in their notes)."""
    for f in links:
        p = f["properties"]
        if p["status"] != "open":
            continue
        if p["opened"] is None:
            assert p["mode"] in ("waterway", "sea") and "open throughout" in p["notes"], p["id"]
        else:
            assert 1800 <= parse_date(p["opened"]) < 2027, p["id"]


def test_year_1990_passenger_network_is_what_existed_in_1990():
    from corridor.graph import graph_from_network
    from corridor.io import load_network
    from corridor.routing import find_routes

    opened = {f["properties"]["id"]: f["properties"]["opened"] for f in load("links.geojson")["features"]}
    graph = graph_from_network(load_network(), profile="passenger", year=1990)
    used = {d["link_id"] for _, _, d in graph.edges(data=True) if d.get("edge_type") == "link"}
    assert used
    for lid in used:
        assert opened[lid] is not None and parse_date(opened[lid]) < 1991, lid
    # the first modelled expressway (G5 Chengdu–Chongqing) opened 1995; Laos's Route 13 North is an older
    # national road, and the Huanggang–Lok Ma Chau road crossing into Hong Kong opened in 1989
    roads = {d["link_id"] for _, _, d in graph.edges(data=True) if d.get("edge_type") == "link" and d["mode"] == "expressway"}
    assert roads == {"la_route13n", "sz_hk_road"}
    route = find_routes(graph, "chongqing", "beijing")[0]
    assert route.time_h > 0


def test_freight_reaches_central_and_south_china():
    """Regression for freight gaps: Changsha, Xi'an, Zhanjiang and Guangzhou were unreachable or only by absurd detours."""
    from corridor.graph import graph_from_network
    from corridor.io import load_network
    from corridor.routing import skim_matrix

    graph = graph_from_network(load_network(), profile="freight")
    od = skim_matrix(graph)
    for dest in ("changsha", "xian", "zhanjiang", "guangzhou"):
        assert od.loc["chongqing", dest] < 30, dest
    assert od.loc["nanning", "zhanjiang"] < 12
    assert od.loc["nanning", "guangzhou"] < 20
    assert od.loc["huaihua", "qinzhou_port"] < 20
