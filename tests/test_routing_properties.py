"""Routing invariants on random networks (hypothesis)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from corridor import NoRouteError
from corridor.graph import graph_from_network
from corridor.network import network_from_features
from corridor.params import ModelParams
from corridor.routing import find_routes, skim_matrix

GEOD = Geod(ellps="WGS84")
MODES = ["hsr", "rail", "expressway", "waterway", "sea"]


@st.composite
def networks(draw):
    n = draw(st.integers(3, 8))
    points = draw(st.lists(st.tuples(st.floats(100, 115), st.floats(18, 35)), min_size=n, max_size=n, unique=True))
    hubs = [
        {"type": "Feature", "properties": {"id": f"h{i}", "name": f"Hub {i}", "kind": "city", "country": "CN"},
         "geometry": {"type": "Point", "coordinates": [x, y]}}
        for i, (x, y) in enumerate(points)
    ]
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]), min_size=2, max_size=16))
    links = []
    for j, (a, b) in enumerate(pairs):
        mode = draw(st.sampled_from(MODES))
        (x1, y1), (x2, y2) = points[a], points[b]
        straight_km = GEOD.inv(x1, y1, x2, y2)[2] / 1000
        links.append(
            {"type": "Feature",
             "properties": {"id": f"l{j}", "mode": mode, "from_hub": f"h{a}", "to_hub": f"h{b}",
                            "length_km": max(straight_km * draw(st.floats(1.0, 1.6)), 1.0),
                            "speed_kmh": draw(st.sampled_from([30, 80, 120, 200, 350])), "status": "open",
                            "freight": mode != "hsr", "passenger": mode not in ("sea", "waterway"),
                            "stops": draw(st.integers(0, 5))},
             "geometry": {"type": "LineString", "coordinates": [[x1, y1], [x2, y2]]}}
        )
    return network_from_features(hubs, links)


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
    assert values[0] == __import__("pytest").approx(skim.loc["h0", "h1"], rel=1e-6, abs=1e-6)
