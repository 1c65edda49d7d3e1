"""Loading and validating network files: every bad input fails with one line naming file, feature, field."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import run_corridor

from corridor import NetworkFileError, schema
from corridor.graph import graph_from_network
from corridor.io import load_network
from corridor.network import network_from_features

MINI = Path(__file__).parent / "data" / "mini"


def _write(tmp_path: Path, hubs: dict, links: dict) -> Path:
    (tmp_path / "hubs.geojson").write_text(json.dumps(hubs), encoding="utf-8")
    (tmp_path / "links.geojson").write_text(json.dumps(links), encoding="utf-8")
    return tmp_path


@pytest.fixture
def mini_json():
    hubs = json.loads((MINI / "hubs.geojson").read_text(encoding="utf-8"))
    links = json.loads((MINI / "links.geojson").read_text(encoding="utf-8"))
    return copy.deepcopy(hubs), copy.deepcopy(links)


def _link(links: dict, link_id: str) -> dict:
    return next(f for f in links["features"] if f["properties"]["id"] == link_id)


def _hub(hubs: dict, hub_id: str) -> dict:
    return next(f for f in hubs["features"] if f["properties"]["id"] == hub_id)


def test_mini_network_loads(mini_network):
    assert len(mini_network.hubs) == 8 and len(mini_network.links) == 10
    summary = mini_network.summary()
    assert summary["km"]["rail"]["open"] == 3150.0
    assert summary["links"]["by_mode"]["hsr"] == {"open": 1, "under_construction": 1, "planned": 0}


# (what to break, file, expected fragments of the one-line message)
CASES = {
    "unknown from_hub": (
        lambda h, l: _link(l, "yuhuai")["properties"].update(from_hub="cq_wset"),
        "links.geojson", ["'yuhuai'", "'from_hub'", "did you mean 'cq_west'"],
    ),
    "unknown to_hub": (lambda h, l: _link(l, "sea_sg")["properties"].update(to_hub="nowhere"), "links.geojson", ["'sea_sg'", "'to_hub'", "unknown hub"]),
    "duplicate link id": (lambda h, l: _link(l, "jiaoliu")["properties"].update(id="yuhuai"), "links.geojson", ["'yuhuai'", "'id'", "duplicate"]),
    "duplicate hub id": (lambda h, l: _hub(h, "guiyang")["properties"].update(id="huaihua"), "hubs.geojson", ["'huaihua'", "'id'", "duplicate"]),
    "missing length": (lambda h, l: _link(l, "g75")["properties"].pop("length_km"), "links.geojson", ["'g75'", "'length_km'", "missing"]),
    "zero length": (lambda h, l: _link(l, "g75")["properties"].update(length_km=0), "links.geojson", ["'g75'", "'length_km'", "positive"]),
    "negative speed": (lambda h, l: _link(l, "g75")["properties"].update(speed_kmh=-5), "links.geojson", ["'g75'", "'speed_kmh'", "positive"]),
    "text speed": (lambda h, l: _link(l, "g75")["properties"].update(speed_kmh="fast"), "links.geojson", ["'g75'", "'speed_kmh'"]),
    "unknown mode": (lambda h, l: _link(l, "g75")["properties"].update(mode="hyperloop"), "links.geojson", ["'g75'", "'mode'", "hyperloop", "expressway"]),
    "unknown status": (lambda h, l: _link(l, "g75")["properties"].update(status="dreaming"), "links.geojson", ["'g75'", "'status'", "under_construction"]),
    "hsr with freight": (lambda h, l: _link(l, "yugui_hsr")["properties"].update(freight=True), "links.geojson", ["'yugui_hsr'", "'freight'"]),
    "self loop": (lambda h, l: _link(l, "g75")["properties"].update(to_hub="chongqing"), "links.geojson", ["'g75'", "itself"]),
    "empty geometry": (lambda h, l: _link(l, "g75")["geometry"].update(coordinates=[]), "links.geojson", ["'g75'", "'geometry'", "empty"]),
    "point for a link": (
        lambda h, l: _link(l, "g75").update(geometry={"type": "Point", "coordinates": [1, 2]}),
        "links.geojson", ["'g75'", "'geometry'", "LineString"],
    ),
    "null geometry": (lambda h, l: _hub(h, "hanoi").update(geometry=None), "hubs.geojson", ["'hanoi'", "'geometry'"]),
    "latitude out of range": (
        lambda h, l: _hub(h, "hanoi")["geometry"].update(coordinates=[105.8, 121.0]),
        "hubs.geojson", ["'hanoi'", "'geometry'", "out of range"],
    ),
    "projected coordinates": (
        lambda h, l: _link(l, "jiaoliu")["geometry"].update(coordinates=[[500000, 3000000], [600000, 3100000]]),
        "links.geojson", ["'jiaoliu'", "out of range"],
    ),
    "other crs": (lambda h, l: h.update(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}), "hubs.geojson", ["'crs'", "EPSG:4326"]),
    "unknown kind": (lambda h, l: _hub(h, "hanoi")["properties"].update(kind="village"), "hubs.geojson", ["'hanoi'", "'kind'", "rail_station"]),
    "missing id": (lambda h, l: _hub(h, "hanoi")["properties"].pop("id"), "hubs.geojson", ["'id'", "missing"]),
    "freight_terminal not a flag": (
        lambda h, l: _hub(h, "cq_port")["properties"].update(freight_terminal="no"),
        "hubs.geojson", ["'cq_port'", "'freight_terminal'", "true or false"],
    ),
    "bad year": (lambda h, l: _link(l, "g75")["properties"].update(opened="2010s"), "links.geojson", ["'g75'", "'opened'", "year"]),
    "two-part link": (
        lambda h, l: _link(l, "g75").update(geometry={"type": "MultiLineString", "coordinates": [[[106.5, 29.5], [107, 28]], [[107, 28], [108, 22]]]}),
        "links.geojson", ["'g75'", "'geometry'", "2 parts", "split it into 2 links"],
    ),
    "two-part hub": (
        lambda h, l: _hub(h, "hanoi").update(geometry={"type": "MultiPoint", "coordinates": [[105.8, 21.0], [105.9, 21.1]]}),
        "hubs.geojson", ["'hanoi'", "'geometry'", "2 parts", "a hub is one point"],
    ),
    "link of no parts": (
        lambda h, l: _link(l, "g75").update(geometry={"type": "MultiLineString", "coordinates": []}),
        "links.geojson", ["'g75'", "'geometry'", "empty"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_names_file_feature_field(tmp_path, mini_json, case):
    hubs, links = mini_json
    breaker, filename, fragments = CASES[case]
    breaker(hubs, links)
    folder = _write(tmp_path, hubs, links)
    with pytest.raises(NetworkFileError) as info:
        load_network(folder)
    message = str(info.value)
    assert "\n" not in message
    assert filename in message
    for fragment in fragments:
        assert fragment in message


def test_invalid_json_names_line(tmp_path, mini_json):
    hubs, links = mini_json
    folder = _write(tmp_path, hubs, links)
    (folder / "links.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(NetworkFileError, match=r"links.geojson: not valid JSON \(line 1"):
        load_network(folder)


def test_missing_folder_and_file(tmp_path):
    with pytest.raises(NetworkFileError, match="does not exist"):
        load_network(tmp_path / "nope")
    with pytest.raises(NetworkFileError, match="hubs.geojson: no such file"):
        load_network(tmp_path)


def test_validate_cli(tmp_path, mini_json):
    ok = run_corridor("validate", MINI)
    assert ok.exit_code == 0 and "valid" in ok.stdout
    hubs, links = mini_json
    _link(links, "g75")["properties"]["mode"] = "teleport"
    bad = run_corridor("validate", _write(tmp_path, hubs, links))
    assert bad.exit_code == 2
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    assert "'g75'" in bad.stderr and "'mode'" in bad.stderr


def test_year_filter(mini_network):
    before = graph_from_network(mini_network, profile="passenger", year=2017)
    after = graph_from_network(mini_network, profile="passenger", year=2030)
    today = graph_from_network(mini_network, profile="passenger")
    links = lambda g: {d["link_id"] for _, _, d in g.edges(data=True) if d["edge_type"] == "link"}  # noqa: E731
    assert "yugui_hsr" not in links(before) and "yugui_hsr" in links(today)
    assert "new_hsr" in links(after) and "new_hsr" not in links(today)


def test_profiles_select_what_may_move(mini_network):
    freight = graph_from_network(mini_network, profile="freight")
    passenger = graph_from_network(mini_network, profile="passenger")
    modes = lambda g: {d["mode"] for _, _, d in g.edges(data=True) if d["edge_type"] == "link"}  # noqa: E731
    assert "hsr" not in modes(freight) and "sea" in modes(freight)
    assert "hsr" in modes(passenger) and "sea" not in modes(passenger)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("length_km", 1e308, "above the plausible 20000"),
        ("speed_kmh", 5000, "above the plausible 1000"),
        ("operating_speed_kmh", 1e308, "above the plausible 1000"),
        ("opened", "2025-13", "is not a date"),
        ("speed_history", [{"from": "2017-09", "speed_kmh": 350}], "'source': missing"),
        ("section_times", [{"from": "2020", "minutes": 1e9, "source": "x"}], "above the plausible"),
    ],
)
def test_implausible_link_values_are_rejected_naming_the_field(tmp_path, field, value, words):
    """Every numeric field has a plausible range and every dated list its source (corridor.schema)."""
    folder = tmp_path / "net"
    folder.mkdir()
    for name in ("hubs.geojson", "links.geojson"):
        (folder / name).write_text((Path(__file__).parent / "data" / "mini" / name).read_text(encoding="utf-8"), encoding="utf-8")
    links = json.loads((folder / "links.geojson").read_text(encoding="utf-8"))
    links["features"][0]["properties"][field] = value
    (folder / "links.geojson").write_text(json.dumps(links), encoding="utf-8")
    link_id = links["features"][0]["properties"]["id"]
    with pytest.raises(NetworkFileError) as error:
        load_network(folder)
    assert f"'{link_id}'" in str(error.value) and f"'{field}'" in str(error.value) and words in str(error.value)


def test_single_part_multilinestring_is_read_as_its_line_and_multi_part_is_rejected(tmp_path):
    """GIS tools save an edited line as a one-part MultiLineString (geopandas/pyogrio, QGIS)."""
    folder = tmp_path / "net"
    folder.mkdir()
    for name in ("hubs.geojson", "links.geojson"):
        (folder / name).write_text((Path(__file__).parent / "data" / "mini" / name).read_text(encoding="utf-8"), encoding="utf-8")
    links = json.loads((folder / "links.geojson").read_text(encoding="utf-8"))
    first = links["features"][0]
    line = first["geometry"]["coordinates"]
    first["geometry"] = {"type": "MultiLineString", "coordinates": [line]}
    (folder / "links.geojson").write_text(json.dumps(links), encoding="utf-8")
    network = load_network(folder)
    assert network.links.geometry.iloc[0].geom_type == "LineString"
    first["geometry"] = {"type": "MultiLineString", "coordinates": [line, line[::-1]]}
    (folder / "links.geojson").write_text(json.dumps(links), encoding="utf-8")
    with pytest.raises(NetworkFileError, match=f"'{first['properties']['id']}'.*2 parts"):
        load_network(folder)


def test_single_part_multipoint_hub_is_read_as_its_point(tmp_path, mini_json):
    hubs, links = mini_json
    hanoi = _hub(hubs, "hanoi")
    point = hanoi["geometry"]["coordinates"]
    hanoi["geometry"] = {"type": "MultiPoint", "coordinates": [point]}
    network = load_network(_write(tmp_path, hubs, links))
    assert network.hubs.geometry["hanoi"].geom_type == "Point"
    assert list(network.hubs.geometry["hanoi"].coords) == [tuple(point)]


def test_overview_of_a_user_network_pairs_its_own_largest_places():
    """`overview --network mine/` reports routes between the network's own places, not the built-in pairs."""
    from corridor.overview import KEY_PAIRS, key_pairs

    mini = load_network(Path(__file__).parent / "data" / "mini")
    pairs = key_pairs(mini)
    assert pairs and set(pairs).isdisjoint(KEY_PAIRS)
    assert all(a in mini.hubs.index and b in mini.hubs.index for a, b in pairs)
    assert key_pairs(load_network()) == list(KEY_PAIRS)


# -- validation a column at a time (issue 12): never passes what the record-by-record check fails --

SAMPLES = [
    None, "", "open", "rail", "hsr", "x", "2023-08", "2023-13", 2018, 0, -1, 1, 7, 350, 20_001, 1e308, 0.5, -0.5,
    float("nan"), float("inf"), True, False, [], ["a"], {"a": 1}, [{"from": "2017", "speed_kmh": 350, "source": "s"}],
]


def _passes(value, field: schema.Field) -> bool:
    """Whether one value passes the record-by-record check (:func:`corridor._validate._check_fields`)."""
    if value is None:
        return not field.required
    try:
        schema.check_value("here", value, field, NetworkFileError)
    except NetworkFileError:
        return False
    return True


@pytest.mark.parametrize("field", schema.HUB_FIELDS + schema.LINK_FIELDS, ids=lambda field: field.name)
def test_a_column_passes_exactly_when_each_of_its_plain_values_does(field):
    for value in SAMPLES:
        assert schema.column_valid([value], field) == _passes(value, field), value
        assert schema.column_valid(["open" if field.kind == schema.TEXT else None, value], field) == (
            _passes(value, field) and _passes("open" if field.kind == schema.TEXT else None, field)
        ), value


@pytest.mark.parametrize("field", [schema.LINK_FIELD["length_km"], schema.HUB_FIELD["name"], schema.LINK_FIELD["freight"]], ids=str)
def test_a_column_of_values_it_does_not_check_whole_is_left_to_the_record_by_record_check(field):
    class Text(str):
        pass

    numpy = pytest.importorskip("numpy")
    for value in (numpy.float64(3.0), Text("a"), numpy.bool_(True)):
        assert not schema.column_valid([value], field)


@pytest.mark.parametrize(
    ("layer", "index", "field", "value", "words"),
    [
        ("hubs", 3, "kind", "castle", "unknown kind 'castle'"),
        ("hubs", 2, "city", "atlantis", "unknown hub 'atlantis'"),
        ("hubs", 1, "name", "  ", "'name': missing or empty"),
        ("links", 4, "to_hub", "nowhere", "unknown hub 'nowhere'"),
        ("links", 2, "speed_kmh", float("nan"), "is not a number"),
        ("links", 5, "freight", 1, "must be true or false"),
    ],
)
def test_a_network_with_one_bad_record_names_it_as_the_record_by_record_check_does(mini_features, layer, index, field, value, words):
    hubs, links = mini_features
    record = (hubs if layer == "hubs" else links)[index]["properties"]
    record[field] = value
    with pytest.raises(NetworkFileError) as error:
        network_from_features(hubs, links)
    assert f"feature '{record['id']}' field '{field}'" in str(error.value) and words in str(error.value)
    assert str(error.value).startswith(f"{layer}.geojson")
