"""GeoPackage in and out: exported and imported networks round-trip and route alike."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from corridor import NetworkFileError
from corridor.gpkg_graph import graph_from_gpkg
from corridor.graph import graph_from_network
from corridor.io import load_network, network_from_gpkg, read_meta, save_network_gpkg
from corridor.osm import network_from_xml
from corridor.params import ModelParams
from corridor.routing import skim_matrix

OSM = Path(__file__).parent / "data" / "osm"


@pytest.fixture(scope="module")
def imported():
    return network_from_xml(OSM / "province.osm", OSM / "hubs.csv")


@pytest.fixture(scope="module")
def saved(imported, tmp_path_factory):
    path = tmp_path_factory.mktemp("gpkg") / "net.gpkg"
    save_network_gpkg(imported, path)
    return path


def test_network_round_trip(mini_network, tmp_path):
    path = tmp_path / "mini.gpkg"
    save_network_gpkg(mini_network, path)
    back = network_from_gpkg(path)
    assert list(back.hubs.index) == list(mini_network.hubs.index)
    assert list(back.links.index) == list(mini_network.links.index)
    for frame, other in ((mini_network.hubs, back.hubs), (mini_network.links, back.links)):
        for column in frame.columns:
            if column == "geometry":
                assert all(a.equals(b) for a, b in zip(frame.geometry, other.geometry, strict=True))
            else:
                assert [_plain(v) for v in frame[column]] == [_plain(v) for v in other[column]], column


def _plain(value):
    return None if value is None or value != value else value


@pytest.mark.parametrize(("profile", "year"), [("freight", None), ("passenger", None), ("freight", 2030)])
def test_exported_network_routes_like_geojson(mini_network, round_params, tmp_path, profile, year):
    path = tmp_path / "mini.gpkg"
    save_network_gpkg(mini_network, path)
    expected = skim_matrix(graph_from_network(mini_network, profile=profile, year=year, params=round_params))
    got = skim_matrix(graph_from_gpkg(path, profile=profile, year=year, params=round_params))
    assert got.equals(expected)


def test_builtin_export_cli(tmp_path, builtin_network):
    from corridor.cli import app

    out = tmp_path / "corridor.gpkg"
    result = CliRunner().invoke(app, ["export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    back = network_from_gpkg(out)
    assert len(back.hubs) == len(builtin_network.hubs) and len(back.links) == len(builtin_network.links)
    graph = graph_from_gpkg(out)
    assert isinstance(graph, nx.MultiDiGraph) and graph.graph["hub_nodes"]


def test_not_a_geopackage(tmp_path):
    path = tmp_path / "notes.gpkg"
    path.write_text("not a database", encoding="utf-8")
    with pytest.raises(NetworkFileError, match="notes.gpkg: not a readable GeoPackage"):
        graph_from_gpkg(path)
    with pytest.raises(NetworkFileError, match="no such file"):
        graph_from_gpkg(tmp_path / "missing.gpkg")


def test_invalid_hubs_layer_names_layer_and_field(mini_network, tmp_path):
    network = type(mini_network)(hubs=mini_network.hubs.copy(), links=mini_network.links, source="mini")
    network.hubs.loc[network.hubs.index[0], "kind"] = "metro"
    path = tmp_path / "bad.gpkg"
    save_network_gpkg(network, path)
    with pytest.raises(NetworkFileError, match=r"bad\.gpkg:hubs: feature '.+' field 'kind'"):
        network_from_gpkg(path)


# -- layers edited in a GIS: one-part multi-geometries (issue 13, item 6) ------------------


def _as_multi(frame, part: int | None = None):
    """The layer as geopandas writes it after an edit: each geometry a one-part Multi-geometry.

    With ``part``, that row gets a second part (the next row's geometry): a real multi-part geometry.
    """
    from shapely.geometry import MultiLineString, MultiPoint

    multi = MultiPoint if frame.geom_type.iloc[0] == "Point" else MultiLineString
    geometries = [multi([geometry]) for geometry in frame.geometry]
    if part is not None:
        geometries[part] = multi([frame.geometry.iloc[part], frame.geometry.iloc[part + 1]])
    return frame.set_geometry(geometries, crs=frame.crs)


def _rewrite(path: Path, layer: str, part: int | None = None) -> None:
    import geopandas as gpd
    import pyogrio

    _as_multi(gpd.read_file(path, layer=layer), part).to_file(path, layer=layer, driver="GPKG")
    assert pyogrio.read_info(path, layer=layer)["geometry_type"].startswith("Multi")


def test_network_gpkg_with_one_part_multi_geometries_reads_as_lines_and_points(mini_network, round_params, tmp_path):
    path = tmp_path / "edited.gpkg"
    save_network_gpkg(mini_network, path)
    _rewrite(path, "hubs")
    _rewrite(path, "links")
    back = network_from_gpkg(path)
    assert set(back.hubs.geom_type) == {"Point"} and set(back.links.geom_type) == {"LineString"}
    assert all(a.equals(b) for a, b in zip(back.links.geometry, mini_network.links.geometry, strict=True))
    assert all(a.equals(b) for a, b in zip(back.hubs.geometry, mini_network.hubs.geometry, strict=True))
    expected = skim_matrix(graph_from_network(mini_network, params=round_params))
    assert skim_matrix(graph_from_gpkg(path, params=round_params)).equals(expected)


@pytest.mark.parametrize(("layer", "kind", "words"), [("links", "MultiLineString", "a link is one line"), ("hubs", "MultiPoint", "a hub is one point")])
def test_network_gpkg_with_a_multi_part_geometry_names_file_feature_and_field(mini_network, tmp_path, layer, kind, words):
    path = tmp_path / "edited.gpkg"
    save_network_gpkg(mini_network, path)
    _rewrite(path, layer, part=1)
    frame = mini_network.links if layer == "links" else mini_network.hubs
    with pytest.raises(NetworkFileError) as error:
        network_from_gpkg(path)
    message = str(error.value)
    assert message.startswith(f"{path}:{layer}: feature '{frame.index[1]}' field 'geometry': a {kind} of 2 parts; {words}")
    assert "\n" not in message


# -- reading column-wise: geometries checked on arrays, else feature by feature (issue 12) ------------


def _old_features(path: Path, layer: str) -> list[dict]:
    """The features as the reader built them before (geopandas frame, a cell and a ``__geo_interface__`` at a time)."""
    import geopandas as gpd

    from corridor.io import read_meta

    meta = read_meta(path)
    frame = gpd.read_file(path, layer=layer)
    columns = [c for c in frame.columns if c != "geometry"]
    features = []
    for row in zip(*(frame[c].tolist() for c in columns), frame.geometry, strict=True):
        properties = {name: None if v is None or v != v else v for name, v in zip(columns, row[:-1], strict=True)}
        for name in meta["json_fields"].get(layer, []):
            if isinstance(properties[name], str):
                properties[name] = json.loads(properties[name])
        for name in meta["int_fields"].get(layer, []):
            if isinstance(properties[name], float) and properties[name].is_integer():
                properties[name] = int(properties[name])
        geometry = row[-1].__geo_interface__
        features.append({"properties": properties, "geometry": {"type": geometry["type"], "coordinates": json.loads(json.dumps(geometry["coordinates"]))}})
    return features


@pytest.mark.parametrize("which", ["mini", "imported"])
def test_column_wise_features_equal_the_frame_read(mini_network, saved, tmp_path, which):
    from corridor.io import _layer_features, read_meta

    path = saved
    if which == "mini":
        path = tmp_path / "mini.gpkg"
        save_network_gpkg(mini_network, path)
    meta = read_meta(path)
    for layer, kind in (("hubs", "Point"), ("links", "LineString")):
        ours = _layer_features(path, layer, kind, meta["json_fields"][layer], meta["int_fields"][layer])
        theirs = _old_features(path, layer)
        assert [f["properties"] for f in ours] == [f["properties"] for f in theirs]
        assert [f["geometry"] for f in ours] == [f["geometry"] for f in theirs]
        pairs = [(a, b) for f, g in zip(ours, theirs, strict=True) for a, b in zip(f["properties"].values(), g["properties"].values(), strict=True)]
        assert all(type(a) is type(b) for a, b in pairs)


def _with_geometry(path: Path, layer: str, row: int, geometry) -> None:
    import geopandas as gpd

    frame = gpd.read_file(path, layer=layer)
    frame.loc[frame.index[row], "geometry"] = geometry
    frame.to_file(path, layer=layer, driver="GPKG")


@pytest.mark.parametrize(
    ("layer", "geometry", "words"),
    [
        ("hubs", "POINT (200 10)", "coordinates (200.0, 10.0) out of range"),
        ("links", "LINESTRING (100 20, 100 95)", "coordinates (100.0, 95.0) out of range"),
        ("links", "LINESTRING (100 20, 100 20, 100 20)", "degenerate line, all positions equal"),
        ("hubs", None, "expected a Point, got None"),
        ("links", "POINT (100 20)", "expected a LineString, got 'Point'"),
    ],
)
def test_a_bad_geometry_is_named_as_feature_by_feature(mini_network, tmp_path, layer, geometry, words):
    from shapely import wkt

    path = tmp_path / "bad.gpkg"
    save_network_gpkg(mini_network, path)
    _with_geometry(path, layer, 2, None if geometry is None else wkt.loads(geometry))
    frame = mini_network.hubs if layer == "hubs" else mini_network.links
    with pytest.raises(NetworkFileError) as error:
        network_from_gpkg(path)
    assert str(error.value).startswith(f"{path}:{layer}: feature '{frame.index[2]}' field 'geometry': {words}")


# -- an imported network: written as any network ----------------------------------------


def test_imported_network_round_trip_is_exact(imported, saved):
    from geopandas.testing import assert_geodataframe_equal

    back = load_network(saved)
    assert read_meta(saved)["format"] == "corridor-network"
    for frame, other in ((imported.hubs, back.hubs), (imported.links, back.links)):
        assert list(other.index) == list(frame.index)
        assert_geodataframe_equal(other[frame.columns], frame, check_dtype=False)


def test_imported_network_has_junctions_and_access_links(imported):
    from corridor.osm import OSM_SOURCE, read_hubs

    hubs, links = imported.hubs, imported.links
    junctions = hubs[hubs["kind"] == "junction"]
    assert list(hubs.index[: len(hubs) - len(junctions)]) == [hub["id"] for hub in read_hubs(OSM / "hubs.csv")]  # the hubs as they are
    assert set(junctions["source"]) == {OSM_SOURCE} and set(links["source"]) == {OSM_SOURCE}
    assert set(links["status"]) == {"open"}
    access = links[links.index.str.endswith("-access")]
    assert (access["length_km"] >= 0.005).all() and set(access["to_hub"]) <= set(junctions.index)
    one = links.loc["a_station-rail-access"]
    assert one["from_hub"] == "a_station" and hubs.loc[one["to_hub"], "osm_id"] == 1
    lines = links.drop(access.index)  # one link per edge: both directions of a two-way edge are one link, a one-way edge is marked
    assert set(lines["from_hub"]) | set(lines["to_hub"]) <= set(junctions.index)
    assert lines["oneway"].any() and not lines["oneway"].all()


@pytest.mark.parametrize("profile", ["freight", "passenger"])
def test_saved_network_routes_like_the_imported_one(imported, saved, profile):
    expected = skim_matrix(graph_from_network(imported, profile=profile))
    assert skim_matrix(graph_from_gpkg(saved, profile=profile)).equals(expected)
    assert (expected.to_numpy() > 0).sum() > 0


def test_params_apply_on_load(saved):
    base = skim_matrix(graph_from_gpkg(saved), ["a_city", "b_city"])
    slower = ModelParams({"freight": {"terminal_h": {"expressway": 2.0, "rail": 7.0}}})
    changed = skim_matrix(graph_from_gpkg(saved, params=slower), ["a_city", "b_city"])
    assert changed.loc["a_city", "b_city"] == pytest.approx(base.loc["a_city", "b_city"] + 2.0)


def test_mode_filter_on_load(saved):
    graph = graph_from_gpkg(saved, profile="passenger", avoid=["hsr"])
    assert "hsr" not in {d["mode"] for _, _, d in graph.edges(data=True)}
    assert set(graph.graph["modes"]) == {"rail", "expressway", "waterway", "sea"}


def test_save_is_atomic_and_overwrites(imported, tmp_path):
    path = tmp_path / "net.gpkg"
    save_network_gpkg(imported, path)
    save_network_gpkg(imported, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.gpkg"]


def test_graph_geopackage_of_an_earlier_import_says_import_again(tmp_path):
    import osmnx as ox

    graph = nx.MultiDiGraph(crs="EPSG:4326")
    graph.add_node(1, x=106.0, y=29.0)
    graph.add_node(2, x=106.1, y=29.0)
    graph.add_edge(1, 2, length=9700.0, highway="motorway")
    path = tmp_path / "plain.gpkg"
    ox.save_graph_geopackage(graph, path)
    with pytest.raises(NetworkFileError, match=r"plain\.gpkg: no layer\(s\) hubs, links; .*nodes and edges.*import the extract again") as error:
        graph_from_gpkg(path)
    assert "\n" not in str(error.value)


def test_junctions_are_no_hubs(saved):
    from corridor import UnknownHubError
    from corridor.hubs import resolve_hub

    graph = graph_from_gpkg(saved, profile="freight")
    junction_nodes = [n for n, d in graph.nodes(data=True) if d["node_type"] == "junction"]
    assert junction_nodes and len(graph.graph["junction_nodes"]) == len(junction_nodes)
    assert not any(n in graph.graph["hub_nodes"].values() for n in junction_nodes)
    for node in junction_nodes:
        assert graph.nodes[node]["hub"] is None
        assert {d["edge_type"] for _, _, d in graph.out_edges(node, data=True)} == {"link"}  # no board, alight or urban
        assert {d["edge_type"] for _, _, d in graph.in_edges(node, data=True)} == {"link"}
    assert not any(d["cross_border"] for _, _, d in graph.edges(data=True) if d["edge_type"] == "link")
    with pytest.raises(UnknownHubError):
        resolve_hub(graph, graph.nodes[junction_nodes[0]]["junction"])


def test_year_on_an_imported_network_is_everything_open(saved):
    assert skim_matrix(graph_from_gpkg(saved, year=2030)).equals(skim_matrix(graph_from_gpkg(saved)))
