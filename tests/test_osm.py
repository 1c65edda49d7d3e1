"""OpenStreetMap import: mode rules, speeds, snapping, and the network of hubs, junctions and links (tests/data/osm)."""

from __future__ import annotations

import bz2
import json
import math
from pathlib import Path

import pytest
from conftest import CliResult, run_corridor

from corridor import CorridorError, NetworkFileError
from corridor.graph import graph_from_network
from corridor.network import Network
from corridor.osm import (
    DEFAULT_SPEEDS_KMH,
    KIND_MODES,
    PLACE_RANKS,
    classify_way,
    extract_category,
    hubs_from_pbf,
    hubs_from_xml,
    is_pbf,
    network_from_pbf,
    network_from_xml,
    parse_duration_h,
    parse_maxspeed,
    parse_places,
    read_hubs,
    read_osm_pbf,
    read_osm_xml,
    summary,
)
from corridor.params import ModelParams
from corridor.routing import find_routes, skim_matrix
from corridor.settings import HUB_KINDS, MODES

OSM = Path(__file__).parent / "data" / "osm"
HUBS_CSV = OSM / "hubs.csv"


@pytest.fixture(scope="module")
def province():
    return network_from_xml(OSM / "province.osm", HUBS_CSV)


@pytest.fixture(scope="module")
def freight(province):
    return graph_from_network(province, profile="freight")


@pytest.fixture(scope="module")
def passenger(province):
    return graph_from_network(province, profile="passenger")


def _junctions(network: Network):
    return network.hubs[network.hubs["kind"] == "junction"]


def _lines(network: Network) -> list[dict]:
    """The links of the OSM lines (between junctions; not the access links), as records."""
    links = network.links
    return links[links["from_hub"].isin(_junctions(network).index)].to_dict(orient="records")


def _by_way(network: Network) -> dict[int, list[dict]]:
    """Line links by the OSM way ids they came from (merged ways list both)."""
    ways: dict[int, list[dict]] = {}
    for data in _lines(network):
        for way in data["osmid"].split(";"):
            ways.setdefault(int(way), []).append(data)
    return ways


def _terminals(network: Network) -> dict[tuple[str, str], str]:
    """The junction each hub's access link of each mode reaches."""
    access = network.links[network.links.index.str.endswith("-access")]
    return {(hub, mode): junction for hub, mode, junction in zip(access["from_hub"], access["mode"], access["to_hub"], strict=True)}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0), ("100 km/h", 100.0), ("50 mph", 80.4672), ("80;100", 90.0), ("none", None), ("signals", None), ("CN:urban", None),
        (None, None), (["60", "80"], 70.0),
    ],
)
def test_parse_maxspeed(value, expected):
    assert parse_maxspeed(value) == (pytest.approx(expected) if expected else None)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"railway": "rail", "highspeed": "yes"}, ("hsr", "hsr")),
        ({"railway": "rail", "maxspeed": "200"}, ("hsr", "hsr")),
        ({"railway": "rail", "maxspeed": "199"}, ("rail", "rail")),
        ({"railway": "rail", "usage": "main"}, ("rail", "rail")),
        ({"railway": "abandoned"}, None),
        ({"railway": "subway"}, None),
        ({"highway": "motorway"}, ("expressway", "motorway")),
        ({"highway": "trunk_link"}, ("expressway", "trunk_link")),
        ({"highway": "primary"}, None),
        ({"highway": "proposed", "proposed": "motorway"}, None),
        ({"route": "ferry"}, ("sea", "ferry")),
        ({"waterway": "river", "CEMT": "IV"}, ("waterway", "waterway")),
        ({"waterway": "canal", "ship": "yes"}, ("waterway", "waterway")),
        ({"waterway": "river"}, None),
        ({"waterway": "fairway"}, ("waterway", "waterway")),
        ({"building": "yes"}, None),
        ({"foo": "bar"}, None),
    ],
)
def test_classify_way(tags, expected):
    assert classify_way(tags) == expected


def test_every_kind_snaps_to_known_modes():
    assert set(KIND_MODES) == set(HUB_KINDS) - {"junction"}  # junctions are the imported nodes, not user hubs
    assert all(set(modes) <= set(MODES) for modes in KIND_MODES.values())


def test_railway_rules_and_speeds():
    ways = _by_way(network_from_xml(OSM / "rail.osm", HUBS_CSV))
    assert {d["mode"] for d in ways[101]} == {"rail"}
    assert {(d["speed_kmh"], d["speed_source"]) for d in ways[101]} == {(100.0, "maxspeed")}
    assert {(d["speed_kmh"], d["speed_source"]) for d in ways[102]} == {(DEFAULT_SPEEDS_KMH["rail"], "default")}
    assert all(d["freight"] and d["passenger"] for d in ways[101] + ways[102])
    siding, branch = ways[103], ways[104]
    assert all(d["freight"] and not d["passenger"] for d in siding + branch)
    assert {d["speed_source"] for d in branch} == {"default"}  # maxspeed=signals
    assert 105 not in ways  # railway=abandoned
    assert {d["mode"] for d in ways[201] + ways[202] + ways[203]} == {"hsr"}
    assert all(not d["freight"] and d["passenger"] for d in ways[201] + ways[203])
    assert {d["speed_kmh"] for d in ways[203]} == {200.0}
    assert {d["mode"] for d in ways[204]} == {"rail"}
    assert all(len(d) == 1 and not d[0]["oneway"] for d in (ways[101], ways[204]))  # two-way: one link, both directions


def test_road_rules_speeds_and_oneway():
    ways = _by_way(network_from_xml(OSM / "road.osm", HUBS_CSV))
    assert set(ways) == {301, 302, 303, 304, 305, 306, 309, 311, 312}  # no residential, building, proposed
    assert {d["speed_kmh"] for d in ways[301]} == {120.0}
    assert {(d["speed_kmh"], d["speed_source"]) for d in ways[302]} == {(120.0, "default")}
    assert {d["speed_kmh"] for d in ways[303]} == {100.0}
    assert {(d["speed_kmh"], d["speed_source"]) for d in ways[306]} == {(DEFAULT_SPEEDS_KMH["trunk"], "default")}
    assert {d["speed_kmh"] for d in ways[304]} == {DEFAULT_SPEEDS_KMH["motorway_link"]}
    assert [(d["speed_kmh"], d["oneway"]) for d in ways[309]] == [(pytest.approx(80.4672), False)]  # 50 mph, one two-way link
    assert {d["speed_kmh"] for d in ways[311]} == {90.0}
    assert all(d["oneway"] for d in ways[301] + ways[303])
    assert len(ways[301]) == 2  # two segments (a junction at node 22 is kept by way 303), one direction only
    assert all("foo" not in d for d in ways[301])


def test_ferry_and_waterways():
    ways = _by_way(network_from_xml(OSM / "water.osm", HUBS_CSV))
    assert set(ways) == {501, 502, 504}  # the untagged river is dropped
    assert {(d["mode"], d["speed_kmh"], d["freight"], d["passenger"]) for d in ways[501]} == {("sea", 30.0, True, False)}
    assert {d["mode"] for d in ways[502] + ways[504]} == {"waterway"}


def test_modes_are_separate_networks(province):
    """A level crossing (node 5) joins the railway to a trunk road in OSM, but not in the network."""
    modes: dict[str, set[str]] = {}
    for link in _lines(province):
        for end in (link["from_hub"], link["to_hub"]):
            modes.setdefault(end, set()).add(link["mode"])
    assert all(len(found) == 1 for found in modes.values())  # a junction joins lines of one mode
    junctions = _junctions(province)
    crossing = junctions.index[junctions["osm_id"] == 5]
    assert [modes[j] for j in crossing] == [{"expressway"}]  # a junction of the trunk roads
    rail_through = [d for d in _lines(province) if d["mode"] == "rail" and (106.85, 29.495) in d["geometry"].coords]
    assert rail_through  # the railway runs through the crossing without stopping there


def test_routing_graph_layout(freight):
    graph = freight
    assert graph.graph["crs"] == "EPSG:4326"
    assert graph.graph["profile"] == "freight"
    assert isinstance(graph.graph["version"], int)
    assert all(isinstance(n, int) for n in graph.nodes)
    for hub, node in graph.graph["hub_nodes"].items():
        data = graph.nodes[node]
        assert data["node_type"] == "hub"
        assert data["hub"] == hub
        for field in ("name", "name_zh", "pinyin", "aliases", "kind", "city", "country", "x", "y"):
            assert field in data
    for (hub, mode), node in graph.graph["terminal_nodes"].items():
        assert graph.nodes[node]["mode"] == mode
        hub_at = graph.graph["hub_nodes"][hub]
        assert {d["edge_type"] for d in graph[hub_at][node].values()} == {"board"}
        assert {d["edge_type"] for d in graph[node][hub_at].values()} == {"alight"}
    for _, _, data in graph.edges(data=True):
        for field in ("length", "travel_time", "cost", "mode", "edge_type", "geometry"):
            assert field in data
        assert data["travel_time"] >= 0 and data["length"] >= 0
    assert not any(d["mode"] == "hsr" for _, _, d in graph.edges(data=True) if d["edge_type"] == "link")  # freight: no HSR


def test_snapping(province):
    terminals = _terminals(province)
    osm_id = {key: province.hubs.loc[junction, "osm_id"] for key, junction in terminals.items()}
    assert osm_id["a_station", "rail"] == 1
    assert osm_id["a_east", "hsr"] == 11
    assert osm_id["port_one", "sea"] == 51
    assert osm_id["river_port", "waterway"] == 54
    assert ("river_port", "rail") not in terminals  # modes column: waterway;expressway only
    assert not any(hub == "far_town" for hub, _ in terminals)
    assert {(h, m) for h, m, _ in province.unsnapped} >= {("far_town", "rail"), ("port_two", "expressway")}
    near = _terminals(network_from_xml(OSM / "province.osm", HUBS_CSV, max_snap_km=1.0))
    assert ("a_city", "expressway") not in near  # 6.7 km away
    assert ("a_station", "rail") in near


def test_junctions_are_the_network_nodes(province):
    """The user's hubs come first as they are; every network node is a junction, named by OSM where OSM names it."""
    hubs = province.hubs
    assert list(hubs.index[hubs["kind"] != "junction"]) == [hub["id"] for hub in read_hubs(HUBS_CSV)]
    junctions = _junctions(province)
    assert list(junctions.index) == [f"n{i}" for i in range(len(hubs) - len(junctions), len(hubs))]
    assert (junctions["city"] == junctions.index).all()
    on_rail = {link["from_hub"] for link in _lines(province) if link["mode"] == "rail"}
    mid = junctions[(junctions["osm_id"] == 4) & junctions.index.isin(on_rail)]
    assert list(mid["name"]) == ["中间站"]
    unnamed = junctions[junctions["osm_id"] == 5]
    assert list(unnamed["name"]) == list(unnamed.index)  # no OSM name: the junction's id


def test_hub_ranking_counts_trips_through_terminals(freight):
    """A hub counts the trips that use it; trips passing the junction it is snapped to do not."""
    from corridor.centrality import hub_ranking

    ranking = hub_ranking(freight, measure="betweenness").set_index("id")["score"]
    assert ranking["mid_yard"] == 0.0  # A City - B City trucks pass the yard's G75 junction without entering the yard
    assert ranking["b_city"] > 0  # A City - Port Two changes from truck to ship at Port One, a hub of B City
    through_only = hub_ranking(freight, measure="betweenness", by_station=True).set_index("id")["score"]
    assert ranking["b_city"] > through_only["port_one"], "B City also counts the traffic through its junctions"
    assert ranking["a_city"] == ranking["far_town"] == 0.0  # at the end of the line / cut off


def test_travel_time_from_the_model(province):
    """Links run at the model's speed for their own speed, with no dwell (OSM does not say where trains stop)."""
    params = ModelParams()
    speed = province.links["speed_kmh"].to_dict()
    for profile in ("freight", "passenger"):
        graph = graph_from_network(province, profile=profile, params=params)
        for _, _, d in graph.edges(data=True):
            if d["edge_type"] == "link":
                hours = d["length"] / 1000.0 / params.speed_kmh(profile, d["mode"], speed[d["link_id"]])
                assert d["travel_time"] == pytest.approx(hours * 3600.0)
            elif d["edge_type"] in ("board", "alight"):
                assert d["travel_time"] == pytest.approx(params.value(profile, "terminal_h", d["mode"]) * 3600.0)
    slow = ModelParams({"freight": {"speed_kmh": {"expressway": 30.0}}})
    fast_graph, slow_graph = graph_from_network(province, params=params), graph_from_network(province, params=slow)
    for u, v, k, d in fast_graph.edges(keys=True, data=True):
        if d["edge_type"] == "link" and d["mode"] == "expressway" and speed[d["link_id"]] >= 60:
            ratio = params.value("freight", "speed_kmh", "expressway") / 30.0
            assert slow_graph.edges[u, v, k]["travel_time"] == pytest.approx(ratio * d["travel_time"])


def test_routes_on_the_imported_network(freight, passenger):
    route = find_routes(freight, "A City", "Port Two")[0]
    assert route.modes == ["expressway", "sea"]
    assert route.hubs[0] == "a_city" and route.hubs[-1] == "port_two"
    assert route.terminal_h == pytest.approx(1.0 + 24.0 + 24.0 + 1.0)  # on/off the truck, on/off the ship
    fast = find_routes(passenger, "甲市", "乙市")[0]
    assert fast.modes == ["hsr"]
    skim = skim_matrix(passenger, ["a_city", "b_city", "port_two"])
    assert skim.loc["a_city", "b_city"] == pytest.approx(fast.time_h)
    assert skim.loc["a_city", "port_two"] == float("inf")  # ships carry no passengers in the model


def test_route_lists_only_hubs(freight):
    """Junctions (hub=None) are passed over: the route lists the hubs it boards and alights at."""
    route = find_routes(freight, "A City", "Port Two")[0]
    assert route.hubs == ["a_city", "port_one", "port_two"]
    lines = [leg.line for leg in route.legs]
    # the access from a hub to its junction is folded into the line it joins: no 0.6 km "access" legs
    assert not any(line.startswith("access to") for line in lines)
    assert lines == ["G75", "G212", "一号港-二号港轮渡"]
    assert route.legs[0].origin == "a_city" and route.legs[-1].destination == "port_two"
    assert route.legs[0].links[0].endswith("-access") and route.legs[-1].links[-1].endswith("-access")
    assert sum(leg.length_km for leg in route.legs) == pytest.approx(route.length_km)
    assert sum(leg.time_h for leg in route.legs) + route.terminal_h == pytest.approx(route.time_h)


def test_mode_filters_and_year(province):
    by_rail = graph_from_network(province, profile="freight", avoid=["expressway"])
    assert find_routes(by_rail, "a_station", "b_city")[0].modes == ["rail"]
    assert ("a_city", "expressway") not in by_rail.graph["terminal_nodes"]
    # no opening years in OSM: every year sees the whole network open
    assert skim_matrix(graph_from_network(province, year=2030)).equals(skim_matrix(graph_from_network(province)))
    with pytest.raises(CorridorError, match="unknown mode"):
        graph_from_network(province, modes=["tram"])


def test_bz2_extract(tmp_path, province):
    packed = tmp_path / "province.osm.bz2"
    packed.write_bytes(bz2.compress((OSM / "province.osm").read_bytes()))
    network = network_from_xml(packed, HUBS_CSV)
    assert network.hubs.drop(columns="source").equals(province.hubs.drop(columns="source"))
    assert network.links.equals(province.links)


def test_geojson_hubs_match_csv():
    from_csv = {h["id"]: h for h in read_hubs(HUBS_CSV)}
    for hub in read_hubs(OSM / "hubs.geojson"):
        assert hub == from_csv[hub["id"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id,name,kind,lon\na,A,city,106\n", "missing column(s) lat"),
        ("id,name,kind,lon,lat\na,A,metro,106,29\n", "feature 'a' field 'kind'"),
        ("id,name,kind,lon,lat\na,A,city,east,29\n", "feature 'a' field 'lon'"),
        ("id,name,kind,lon,lat,modes\na,A,city,106,29,rail;tram\n", "feature 'a' field 'modes'"),
        ("id,name,kind,lon,lat\na,A,city,106,29\na,B,city,107,29\n", "duplicate id"),
    ],
)
def test_bad_hubs_files(tmp_path, text, expected):
    path = tmp_path / "hubs.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NetworkFileError, match=expected.replace("(", r"\(").replace(")", r"\)")) as info:
        read_hubs(path)
    assert str(path) in str(info.value)


def test_malformed_and_empty_extracts():
    with pytest.raises(NetworkFileError) as info:
        network_from_xml(OSM / "malformed.osm", HUBS_CSV)
    message = str(info.value)
    assert "malformed.osm" in message and "not valid OSM XML" in message and "\n" not in message
    with pytest.raises(NetworkFileError, match="no such file"):
        read_osm_xml(OSM / "missing.osm")


def test_real_osm_sample_has_no_corridor_mode():
    """The osmnx test extract (Bavaria: buildings, service and residential roads) reads, then nothing is kept."""
    raw = read_osm_xml(OSM / "osmnx_sample.osm")
    highways = {d.get("highway") for _, _, d in raw.edges(data=True)}
    assert {"residential", "service"} <= highways
    with pytest.raises(NetworkFileError, match="nothing to import"):
        network_from_xml(OSM / "osmnx_sample.osm", HUBS_CSV)


def _corridor(*args: str, cwd: Path) -> CliResult:
    return run_corridor(*args, cwd=cwd)


@pytest.fixture(scope="module")
def imported_gpkg(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    out = folder / "net.gpkg"
    done = _corridor("import-osm", str(OSM / "province.osm"), "--hubs", str(HUBS_CSV), "--out", str(out), "--json", cwd=folder)
    assert done.exit_code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["hubs"] == 9 and "a_city/hsr" in report["terminals"]
    return out


def test_cli_route_on_imported_network(imported_gpkg):
    route = _corridor("route", "A City", "Port Two", "--network", str(imported_gpkg), "--json", cwd=imported_gpkg.parent)
    assert route.exit_code == 0, route.stderr
    assert json.loads(route.stdout)["routes"][0]["modes"] == ["expressway", "sea"]


def test_cli_import_then_od(imported_gpkg, tmp_path):
    out = imported_gpkg
    od = _corridor("od", "--network", str(out), "--profile", "passenger", "--hubs", "a_city,b_city", "--json", cwd=tmp_path)
    assert od.exit_code == 0, od.stderr
    assert json.loads(od.stdout)["matrix"][0][1] > 0


def test_cli_malformed_file_one_line_exit_2(tmp_path):
    done = _corridor("import-osm", str(OSM / "malformed.osm"), "--hubs", str(HUBS_CSV), "--out", str(tmp_path / "x.gpkg"), cwd=tmp_path)
    assert done.exit_code == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "malformed.osm" in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "x.gpkg").exists()


SCENARIO = """
name = "a-b freight line"
description = "A new freight railway from A Station to Port One on the imported network."
profile = "freight"

[[add_links]]
id = "a_port_rail"
mode = "rail"
from_hub = "a_station"
to_hub = "port_one"
speed_kmh = 120
length_km = 90
freight = true
passenger = false
"""


@pytest.mark.parametrize(
    "args",
    [
        ["route", "a_city", "b_city", "--profile", "passenger", "--json"],
        ["od", "--json"],
        ["rank", "--json"],
        ["rank", "--by", "demand", "--json"],
        ["critical", "--json"],
        ["critical", "--links", "--top", "3", "--json"],
        ["map", "--no-tiles", "--out", "{tmp}/osm.html", "--route", "a_city", "port_two"],
        ["whatif", "{tmp}/scenario.toml", "--json"],
        ["candidates", "--mode", "expressway", "--json"],
        ["overview", "--out", "{tmp}/overview.html", "--json"],
        ["hubs", "--json"],
        ["validate", "{network}"],
    ],
    ids=lambda args: "-".join(a for a in args[:2] if not a.startswith("{")),
)
def test_every_command_on_an_imported_geopackage(imported_gpkg, tmp_path, args):
    """Issue 7: every command that reads a network runs on the GeoPackage `import-osm` writes."""
    from typer.testing import CliRunner

    from corridor.cli import app

    (tmp_path / "scenario.toml").write_text(SCENARIO, encoding="utf-8")
    args = [a.format(tmp=tmp_path, network=imported_gpkg) for a in args]
    if args[0] != "validate":
        args += ["--network", str(imported_gpkg)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    if args[0] == "candidates":
        report = json.loads(result.stdout)
        assert report["candidates"] and not any(c[end].startswith("n") and c[end][1:].isdigit() for c in report["candidates"] for end in ("from_hub", "to_hub"))
    if args[0] == "whatif":
        assert "a_port_rail" in result.stdout
    if args[0] == "map":
        page = (tmp_path / "osm.html").read_text(encoding="utf-8")
        assert "hub-a_city" in page and "hub-n1" not in page  # markers for hubs, none for junctions


def test_cli_route_legs_add_up_on_imported_network(imported_gpkg):
    done = _corridor("route", "a_city", "b_city", "--network", str(imported_gpkg), "--profile", "passenger", "--json", cwd=imported_gpkg.parent)
    assert done.exit_code == 0, done.stderr
    route = json.loads(done.stdout)["routes"][0]
    assert sum(leg["length_km"] for leg in route["legs"]) == pytest.approx(route["length_km"], abs=0.15)  # legs rounded to 0.1 km
    assert route["legs"][0]["from"] == "a_city" and route["legs"][-1]["to"] == "b_city"


@pytest.mark.parametrize(("value", "expected"), [("10 knots", 18.52), ("12 kn", 22.224), ("60 km/h", 60.0), ("30 MPH", 48.28032)])
def test_parse_maxspeed_units(value, expected):
    """Knots and miles an hour are converted; a ferry tagged `maxspeed=10 knots` does not crawl at 10 km/h."""
    assert parse_maxspeed(value) == pytest.approx(expected)


@pytest.mark.parametrize(("value", "hours"), [("01:30", 1.5), ("2:15:00", 2.25), ("PT45M", 0.75), ("PT1H", 1.0), ("90", 1.5), ("soon", None), ("0:00", None)])
def test_parse_duration(value, hours):
    assert parse_duration_h(value) == (pytest.approx(hours) if hours else None)


def _write_osm(path: Path, nodes: dict[int, tuple[float, float]], ways: list[tuple[list[int], dict[str, str]]]) -> Path:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="corridor test">']
    lines += [f'  <node id="{n}" version="1" lat="{lat}" lon="{lon}"/>' for n, (lon, lat) in nodes.items()]
    for index, (refs, tags) in enumerate(ways, start=1):
        lines.append(f'  <way id="{index}" version="1">')
        lines += [f'    <nd ref="{ref}"/>' for ref in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _write_hubs(path: Path, rows: list[tuple[str, str, float, float]]) -> Path:
    path.write_text("id,name,kind,lon,lat\n" + "".join(f"{h},{h},{kind},{lon},{lat}\n" for h, kind, lon, lat in rows), encoding="utf-8")
    return path


def test_ferry_duration_gives_its_time_and_summary_counts_a_line_once(tmp_path):
    nodes = {1: (108.60, 21.60), 2: (108.70, 21.60), 3: (108.80, 21.60)}
    osm = _write_osm(tmp_path / "ferry.osm", nodes, [([1, 2, 3], {"route": "ferry", "duration": "01:30", "name": "Test ferry"})])
    hubs = _write_hubs(tmp_path / "hubs.csv", [("west_port", "sea_port", 108.60, 21.601), ("east_port", "sea_port", 108.80, 21.601)])
    network = network_from_xml(osm, hubs)
    ferry = [d for d in _lines(network) if d["mode"] == "sea"]
    km = ferry[0]["length_km"]
    assert ferry[0]["speed_source"] == "duration" and ferry[0]["speed_kmh"] == pytest.approx(km / 1.5)
    report = summary(network)
    assert report["km_by_mode"]["sea"] == pytest.approx(km, abs=0.1)  # one line, not both directions
    assert report["edges_by_mode"]["sea"] == 1
    route = find_routes(graph_from_network(network, profile="freight"), "west_port", "east_port")[0]
    assert route.moving_h == pytest.approx(1.5, abs=0.03)  # the crossing plus two short access links; slower than the sea cap


def test_hub_snaps_to_the_main_network_not_a_nearer_fragment(tmp_path):
    """A hub 117 m from a 0.4 km siding and 1.4 km from the main line goes to the main line."""
    main = {i: (106.50 + 0.05 * i, 29.50) for i in range(1, 6)}
    fragment = {10: (106.601, 29.5135), 11: (106.605, 29.5135)}
    osm = _write_osm(tmp_path / "rail.osm", {**main, **fragment}, [
        ([1, 2, 3, 4, 5], {"railway": "rail", "maxspeed": "120"}),
        ([10, 11], {"railway": "rail", "maxspeed": "60"}),
    ])  # fmt: skip
    hubs = _write_hubs(tmp_path / "hubs.csv", [
        ("yard", "freight_yard", 106.601, 29.5125), ("end", "rail_station", 106.75, 29.501), ("stranded", "rail_station", 106.605, 29.514),
    ])  # fmt: skip
    network = network_from_xml(osm, hubs, max_snap_km=1.5)
    freight = graph_from_network(network, profile="freight")
    assert find_routes(freight, "yard", "end")[0].length_km > 10
    isolated = {item["hub"]: item for item in summary(network)["isolated"]}
    assert "yard" not in isolated
    assert isolated["stranded"]["piece_nodes"] == 2 and isolated["stranded"]["main_network_km"] == pytest.approx(1.56, abs=0.1)


def test_route_report_names_junctions(freight):
    """Legs on an imported network name a junction by its OSM name, or the line it is on, never `n21`."""
    from corridor.routing import routes_report

    report = routes_report(freight, find_routes(freight, "A City", "Port Two"), by="time")
    places = {place for leg in report["routes"][0]["legs"] for place in (leg["from"], leg["to"])}
    names = [report["hub_names"][place] for place in places]
    assert "乙枢纽" in names and not any(name.startswith("n") and name[1:].isdigit() for name in names)


# -- issue 13, item 11: an extract imports as it is, its hubs taken from its own stations, ports, yards and places

EXTRACT = OSM / "extract.osm"


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"railway": "station", "name": "X"}, "rail_station"),
        ({"public_transport": "station", "train": "yes"}, "rail_station"),
        ({"public_transport": "station", "bus": "yes"}, None),
        ({"railway": "station", "station": "subway"}, None),
        ({"railway": "station", "station": "light_rail"}, None),
        ({"railway": "halt"}, None),
        ({"landuse": "port"}, "port"),
        ({"industrial": "port"}, "port"),
        ({"harbour": "yes"}, "port"),
        ({"railway": "yard"}, "freight_yard"),
        ({"landuse": "railway"}, "freight_yard"),
        ({"place": "city"}, "place"),
        ({"place": "town"}, "place"),
        ({"place": "village"}, None),
        ({"place": "country"}, None),
        ({"building": "yes"}, None),
    ],
)
def test_extract_category(tags, expected):
    assert extract_category(tags) == expected


def test_extract_category_by_place_rank():
    assert extract_category({"place": "village"}, places=["city", "town", "village"]) == "place"
    assert extract_category({"place": "town"}, places=["city"]) is None


@pytest.fixture(scope="module")
def extract_import():
    return network_from_xml(EXTRACT, max_snap_km=50.0)


def _hubs(network: Network) -> dict[str, dict]:
    hubs = network.hubs
    return hubs[hubs["kind"] != "junction"].to_dict(orient="index")


def test_extract_without_hubs_file_takes_its_own_hubs(extract_import):
    """Named station, port, harbour, freight yard, city and town; no metro station, unnamed station, station grounds or village."""
    hubs = _hubs(extract_import)
    assert {hub: (data["name"], data["kind"]) for hub, data in hubs.items()} == {
        "qin_east": ("Qin East", "rail_station"),  # name:en; the station's landuse=railway grounds are not a yard
        "qinzhou_port": ("Qinzhou Port", "sea_port"),  # landuse=port area, nearer the ferry than the river
        "river_wharf": ("River Wharf", "river_port"),  # harbour=yes node on the river
        "qin_freight_yard": ("Qin Freight Yard", "freight_yard"),
        "qinzhou": ("Qinzhou", "city"),
        "dongchang": ("Dongchang", "city"),  # its node and its outline are one hub
    }
    assert extract_import.hubs_found == {
        "found": {"rail_station": 1, "port": 2, "freight_yard": 1, "place": 2}, "unnamed": 1, "places": ["city", "town"],
    }  # fmt: skip
    station, city = hubs["qin_east"], hubs["qinzhou"]
    assert station["name_zh"] == "钦东站" and "钦东站" in station["aliases"]
    assert city["name_zh"] == "钦州" and city["population"] == 3_300_000
    report = summary(extract_import)
    assert report["hubs_found"] == extract_import.hubs_found and report["hubs"] == 6


def test_extract_hubs_are_snapped_as_a_hubs_file_would_be(extract_import):
    terminals = _terminals(extract_import)
    assert {mode for hub, mode in terminals if hub == "qinzhou_port"} == {"sea", "rail", "expressway"}
    assert {mode for hub, mode in terminals if hub == "river_wharf"} == {"waterway", "rail", "expressway"}
    assert {mode for hub, mode in terminals if hub == "qin_east"} == {"rail"}  # no hsr in the extract
    station = extract_import.hubs.loc[terminals["qin_east", "rail"], "geometry"]
    assert (station.x, station.y) == pytest.approx((108.40, 21.95))  # the station's own node on the line
    unsnapped = {(hub, mode) for hub, mode, _km in extract_import.unsnapped}
    assert ("qinzhou_port", "waterway") not in unsnapped and ("river_wharf", "sea") not in unsnapped  # the other water mode is no terminal to miss
    freight = graph_from_network(extract_import, profile="freight")
    route = find_routes(freight, "Qin East", "Qinzhou Port")[0]
    assert route.modes == ["rail"] and route.length_km == pytest.approx(36.7, abs=0.5)
    assert find_routes(freight, "钦东站", "River Wharf")  # hubs answer to their OSM name too


def test_extract_place_ranks():
    hubs, counts = hubs_from_xml(EXTRACT, places=("city", "town", "village"))
    assert counts["found"]["place"] == 3 and "shaping" in {hub["id"] for hub in hubs}
    hubs, counts = hubs_from_xml(EXTRACT, places=())
    assert counts["found"]["place"] == 0 and {hub["kind"] for hub in hubs} == {"rail_station", "sea_port", "freight_yard"}
    assert parse_places("City, town") == ("city", "town") and parse_places("none") == ()
    for bad, words in ((",,", "names no place rank"), ("metropolis", "'metropolis': not a place rank")):
        with pytest.raises(CorridorError, match=words):
            parse_places(bad)
    with pytest.raises(CorridorError, match="--places"):
        network_from_xml(EXTRACT, HUBS_CSV, places=["city"])


def test_extract_with_nothing_to_use_as_a_hub(tmp_path):
    osm = _write_osm(tmp_path / "bare.osm", {1: (108.3, 21.9), 2: (108.4, 21.9)}, [([1, 2], {"railway": "rail"})])
    with pytest.raises(NetworkFileError) as info:
        network_from_xml(osm)
    message = str(info.value)
    assert "bare.osm" in message and "no named railway station, port, freight yard or place (city, town)" in message and "--hubs" in message


def test_cli_import_osm_without_hubs_prints_what_it_found(tmp_path):
    from typer.testing import CliRunner

    from corridor.cli import app

    out = tmp_path / "extract.gpkg"
    result = CliRunner().invoke(app, ["import-osm", str(EXTRACT), "--out", str(out)])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"wrote {out}: 6 hubs, ")
    assert lines[1] == "hubs from the extract (no --hubs): 1 railway station, 2 ports, 1 freight yard, 2 places (city, town); 1 unnamed left out"
    top = next(i for i, line in enumerate(lines) if line.startswith("┏"))
    header = [line.rstrip()[1:-1].split("┃") for line in lines[top + 1 : next(i for i, line in enumerate(lines) if line.startswith("┡"))]]
    titles = [" ".join(part.strip() for part in column if part.strip()) for column in zip(*header, strict=True)]
    assert titles == ["mode", "links", "km", "links without maxspeed"]  # a count of links, titled as one however it wraps
    rows = {cells[0]: cells[1:] for cells in ([c.strip() for c in line.rstrip()[1:-1].split("│")] for line in lines if line.startswith("│"))}
    assert rows["waterway"] == ["2", "27.3", "2"]  # the river has no maxspeed
    assert any(line.startswith("links without maxspeed: no readable maxspeed tag; they run at their class's default speed") for line in lines)
    hubs = CliRunner().invoke(app, ["hubs", "--network", str(out), "--json"])
    assert {hub["id"] for hub in json.loads(hubs.stdout)["hubs"]} >= {"qin_east", "qinzhou_port", "dongchang"}
    villages = CliRunner().invoke(app, ["import-osm", str(EXTRACT), "--out", str(out), "--places", "city,town,village", "--json"])
    assert json.loads(villages.stdout)["hubs_found"]["found"]["place"] == 3


def test_cli_import_osm_places_with_hubs_is_one_line(tmp_path):
    done = _corridor("import-osm", str(EXTRACT), "--hubs", str(HUBS_CSV), "--places", "city", "--out", str(tmp_path / "x.gpkg"), cwd=tmp_path)
    assert done.exit_code == 2 and len(done.stderr.strip().splitlines()) == 1 and "--places" in done.stderr
    assert not (tmp_path / "x.gpkg").exists()


# -- PBF: the same network as the XML of the same data -----------------------------------------------


def _pbf_of(xml: Path, out: Path) -> Path:
    """The PBF of an XML fixture, written by pyosmium (the library that reads it back)."""
    import osmium

    with osmium.SimpleWriter(str(out)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            (writer.add_node if obj.is_node() else writer.add_way if obj.is_way() else writer.add_relation)(obj)
    return out


def _same_network(a, b) -> None:
    from geopandas.testing import assert_geodataframe_equal

    assert_geodataframe_equal(a.hubs, b.hubs)
    assert_geodataframe_equal(a.links, b.links)
    assert (a.unsnapped, a.isolated, a.hubs_found) == (b.unsnapped, b.isolated, b.hubs_found)


@pytest.mark.parametrize(
    ("fixture", "hubs", "snap_km"),
    [("province.osm", HUBS_CSV, 10.0), ("rail.osm", HUBS_CSV, 10.0), ("road.osm", HUBS_CSV, 10.0), ("water.osm", HUBS_CSV, 1.0), ("extract.osm", None, 50.0)],
)
def test_pbf_imports_as_its_xml(tmp_path, fixture, hubs, snap_km):
    """Hubs, junctions and links with every field and geometry, and the notes: all equal, in the same order."""
    pbf = _pbf_of(OSM / fixture, tmp_path / fixture.replace(".osm", ".osm.pbf"))
    _same_network(network_from_xml(OSM / fixture, hubs, max_snap_km=snap_km), network_from_pbf(pbf, hubs, max_snap_km=snap_km))
    assert is_pbf(pbf) and not is_pbf(OSM / fixture)


def test_pbf_imports_as_its_xml_in_corner_cases(tmp_path):
    """One-way against the node order, a roundabout, parallel ways, a speed change mid-line, a timed ferry,
    a ring with no junction, a repeated node and a hub mid-way: the array path gives osmnx's network."""
    nodes = {i: (round(106.50 + 0.01 * i, 6), round(29.50 + 0.002 * (i % 3), 6)) for i in range(1, 13)}
    nodes |= {20 + i: (round(106.60 + 0.01 * math.cos(i), 6), round(29.60 + 0.01 * math.sin(i), 6)) for i in range(4)}  # the roundabout
    nodes |= {30 + i: (round(106.80 + 0.01 * math.cos(i), 6), round(29.40 + 0.01 * math.sin(i), 6)) for i in range(4)}  # a ring of rail
    nodes |= {40: (108.6, 21.6), 41: (108.7, 21.6), 42: (108.8, 21.6)}
    ways = [
        ([1, 2, 3, 4, 4, 5], {"railway": "rail", "maxspeed": "120", "name": "Line A"}),
        ([5, 6, 7], {"railway": "rail", "maxspeed": "160", "name": "Line A"}),
        ([1, 2, 3], {"railway": "rail", "service": "siding"}),
        ([7, 8, 9], {"highway": "motorway", "oneway": "-1", "ref": "G1"}),
        ([9, 10, 11, 12], {"highway": "trunk", "oneway": "yes"}),
        ([12, 11], {"highway": "trunk"}),
        ([20, 21, 22, 23, 20], {"highway": "trunk", "junction": "roundabout"}),
        ([12, 20], {"highway": "trunk_link"}),
        ([30, 31, 32, 33, 30], {"railway": "rail"}),
        ([40, 41, 42], {"route": "ferry", "duration": "01:30"}),
    ]
    osm = _write_osm(tmp_path / "corners.osm", nodes, ways)
    hubs = _write_hubs(tmp_path / "hubs.csv", [("mid", "freight_yard", 106.535, 29.501), ("port", "sea_port", 108.7, 21.601)])
    pbf = _pbf_of(osm, tmp_path / "corners.osm.pbf")
    _same_network(network_from_xml(osm, hubs, max_snap_km=50.0), network_from_pbf(pbf, hubs, max_snap_km=50.0))


def test_pbf_hubs_of_the_extract_as_its_xml(tmp_path):
    pbf = _pbf_of(EXTRACT, tmp_path / "extract.osm.pbf")
    for ranks in (("city", "town"), ("city", "town", "village"), ()):
        assert hubs_from_pbf(pbf, places=ranks) == hubs_from_xml(EXTRACT, places=ranks)
    sample = _pbf_of(OSM / "osmnx_sample.osm", tmp_path / "sample.osm.pbf")  # relations, no corridor mode
    assert hubs_from_pbf(sample, places=PLACE_RANKS) == hubs_from_xml(OSM / "osmnx_sample.osm", places=PLACE_RANKS)


def test_pbf_keeps_corridor_ways_and_their_nodes_only(tmp_path):
    """The reader's filter: residential streets, buildings and their nodes never reach Python's memory."""
    road = read_osm_pbf(_pbf_of(OSM / "road.osm", tmp_path / "road.osm.pbf"))
    assert set(road.way_ids.tolist()) == {301, 302, 303, 304, 305, 306, 309, 311, 312}  # no residential, building, proposed
    assert all(classify_way(tags) for tags in road.way_tags) and len(road.starts) == len(road.way_ids) + 1
    assert set(road.node_ids.tolist()) == set(road.refs.tolist())
    assert len(road.lon) == len(road.lat) == len(road.node_ids)
    sample = _pbf_of(OSM / "osmnx_sample.osm", tmp_path / "sample.osm.pbf")
    assert len(read_osm_pbf(sample).way_ids) == len(read_osm_pbf(sample).node_ids) == 0
    with pytest.raises(NetworkFileError, match="nothing to import"):
        network_from_pbf(sample, HUBS_CSV)


def test_pbf_unreadable_or_missing(tmp_path):
    fake = tmp_path / "fake.osm.pbf"
    fake.write_bytes(b"<osm>not a pbf</osm>")
    with pytest.raises(NetworkFileError) as info:
        network_from_pbf(fake, HUBS_CSV)
    assert "fake.osm.pbf" in str(info.value) and "cannot read OSM PBF" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(NetworkFileError, match="no such file"):
        network_from_pbf(tmp_path / "missing.osm.pbf", HUBS_CSV)


def test_cli_import_osm_reads_pbf(tmp_path):
    pbf = _pbf_of(EXTRACT, tmp_path / "extract.osm.pbf")
    reports = []
    for source in (EXTRACT, pbf):
        done = _corridor("import-osm", str(source), "--out", str(tmp_path / f"{source.name}.gpkg"), "--json", cwd=tmp_path)
        assert done.exit_code == 0, done.stderr
        reports.append({k: v for k, v in json.loads(done.stdout).items() if k not in ("source", "out")})
    assert reports[0] == reports[1] and reports[0]["hubs"] == 6
