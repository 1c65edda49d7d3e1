"""Routing invariants on random networks (hypothesis)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import shape

from corridor import NoRouteError
from corridor.graph import add_link_edges, graph_from_network
from corridor.network import network_from_features
from corridor.params import ModelParams
from corridor.routing import find_routes, skim_matrix

GEOD = Geod(ellps="WGS84")
MODES = ["hsr", "rail", "expressway", "waterway", "sea"]


def _link_feature(draw, link_id: str, points, a: int, b: int) -> dict:
    """A link between hubs ``a`` and ``b`` of a random mode and speed, a little longer than the straight line."""
    mode = draw(st.sampled_from(MODES))
    (x1, y1), (x2, y2) = points[a], points[b]
    straight_km = GEOD.inv(x1, y1, x2, y2)[2] / 1000
    return {"type": "Feature",
            "properties": {"id": link_id, "mode": mode, "from_hub": f"h{a}", "to_hub": f"h{b}",
                           "length_km": max(straight_km * draw(st.floats(1.0, 1.6)), 1.0),
                           "speed_kmh": draw(st.sampled_from([30, 80, 120, 200, 350])), "status": "open",
                           "freight": mode != "hsr", "passenger": mode not in ("sea", "waterway"),
                           "stops": draw(st.integers(0, 5))},
            "geometry": {"type": "LineString", "coordinates": [[x1, y1], [x2, y2]]}}


def _hub_pair(n: int):
    return st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])


@st.composite
def network_features(draw):
    """Hub and link features of a random network of 3 to 8 hubs and 2 to 16 links, and the hubs' points."""
    n = draw(st.integers(3, 8))
    points = draw(st.lists(st.tuples(st.floats(100, 115), st.floats(18, 35)), min_size=n, max_size=n, unique=True))
    hubs = [
        {"type": "Feature", "properties": {"id": f"h{i}", "name": f"Hub {i}", "kind": "city", "country": "CN"},
         "geometry": {"type": "Point", "coordinates": [x, y]}}
        for i, (x, y) in enumerate(points)
    ]
    pairs = draw(st.lists(_hub_pair(n), min_size=2, max_size=16))
    links = [_link_feature(draw, f"l{j}", points, a, b) for j, (a, b) in enumerate(pairs)]
    return hubs, links, points


@st.composite
def networks(draw):
    hubs, links, _ = draw(network_features())
    return network_from_features(hubs, links)


@st.composite
def networks_and_a_new_link(draw):
    """A random network's features and one more link between two of its hubs."""
    hubs, links, points = draw(network_features())
    a, b = draw(_hub_pair(len(hubs)))
    return hubs, links, _link_feature(draw, "new", points, a, b)


def _top_speed(network, params, profile):
    links = network.links[network.links[profile]]
    return max(params.speed_kmh(profile, m, s) for m, s in zip(links["mode"], links["speed_kmh"], strict=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(), profile=st.sampled_from(["freight", "passenger"]))
def test_route_never_beats_straight_line_at_top_speed(network, profile):
    params = ModelParams()
    if not network.links[profile].any():
        return
    graph = graph_from_network(network, profile=profile, params=params)
    top = _top_speed(network, params, profile)
    skim = skim_matrix(graph)
    for a, b in itertools.permutations(network.hubs.index, 2):
        if skim.loc[a, b] == float("inf"):
            continue
        pa, pb = network.hubs.geometry[a], network.hubs.geometry[b]
        straight_km = GEOD.inv(pa.x, pa.y, pb.x, pb.y)[2] / 1000
        assert skim.loc[a, b] >= straight_km / top - 1e-9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(), k=st.integers(1, 4), by=st.sampled_from(["time", "length", "cost"]))
def test_k_routes_sorted_distinct_and_first_is_optimal(network, k, by):
    graph = graph_from_network(network, profile="freight")
    try:
        routes = find_routes(graph, "h0", "h1", by=by, k=k)
    except NoRouteError:
        assert skim_matrix(graph, ["h0", "h1"]).loc["h0", "h1"] == float("inf")
        return
    attribute = {"time": "time_h", "length": "length_km", "cost": "cost"}[by]
    values = [getattr(r, attribute) for r in routes]
    assert values == sorted(values)
    assert len(routes) <= k
    link_sets = [frozenset(link for leg in r.legs for link in leg.links) for r in routes]
    assert len(set(link_sets)) == len(routes)
    skim = skim_matrix(graph, ["h0", "h1"], by=by)
    assert values[0] == pytest.approx(skim.loc["h0", "h1"], rel=1e-6, abs=1e-6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(features=networks_and_a_new_link(), profile=st.sampled_from(["freight", "passenger"]), by=st.sampled_from(["time", "length", "cost"]))
def test_adding_a_link_never_lengthens_a_shortest_path(features, profile, by):
    hubs, links, new = features
    params = ModelParams()
    before = skim_matrix(graph_from_network(network_from_features(hubs, links), profile=profile, params=params), by=by)
    after = skim_matrix(graph_from_network(network_from_features(hubs, [*links, new]), profile=profile, params=params), by=by)
    assert (after.to_numpy() <= before.loc[after.index, after.columns].to_numpy() + 1e-9).all()
    # the incremental build (candidates, scenarios) gives the same shortest paths as building the graph again
    grown = graph_from_network(network_from_features(hubs, links), profile=profile, params=params)
    if new["properties"][profile]:
        add_link_edges(grown, {**new["properties"], "geometry": shape(new["geometry"])}, profile=profile, params=params)
    assert skim_matrix(grown, by=by).loc[after.index, after.columns].to_numpy() == pytest.approx(after.to_numpy(), rel=1e-9)
