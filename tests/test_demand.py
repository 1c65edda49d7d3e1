"""OD demand: the gravity model and demand tables, on the mini corridor."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from corridor._errors import CorridorError, ScenarioError, UnknownHubError
from corridor.demand import (
    DEFAULT_POPULATION,
    GRAVITY_BETA,
    GRAVITY_K,
    city_hubs,
    demand_matrix,
)
from corridor.graph import city_of

CITIES = ["chongqing", "huaihua", "guiyang", "qinzhou_port", "singapore", "hanoi"]


def test_city_hubs_are_hubs_whose_city_is_themselves(mini_freight):
    assert city_hubs(mini_freight) == CITIES
    assert city_of(mini_freight, "cq_west") == "chongqing"
    assert city_of(mini_freight, "cq_port") == "chongqing"
    assert city_of(mini_freight, "huaihua") == "huaihua"


def test_city_of_a_hub_or_city_outside_the_graph_is_the_hub_itself(mini_freight):
    """One rule for demand, rankings and candidates: the answer is the hub or a city hub of the graph."""
    assert city_of(mini_freight, "no_such_hub") == "no_such_hub"
    graph = mini_freight.copy()
    graph.graph = {**mini_freight.graph, "hub_nodes": {h: n for h, n in mini_freight.graph["hub_nodes"].items() if h != "chongqing"}}
    assert city_of(graph, "cq_west") == "cq_west"  # its city hub is not in the graph
    assert city_of(graph, "huaihua") == "huaihua"


def test_gravity_by_hand(mini_freight):
    population = {"chongqing": 10e6, "guiyang": 4e6, "cq_west": 99e6}  # a station's population is ignored
    matrix = demand_matrix(mini_freight, population=population)
    assert list(matrix.index) == CITIES and list(matrix.columns) == CITIES
    km = Geod(ellps="WGS84").inv(106.55, 29.56, 106.63, 26.65)[2] / 1000.0
    expected = GRAVITY_K * 10e6 * 4e6 / km**GRAVITY_BETA
    assert matrix.loc["chongqing", "guiyang"] == pytest.approx(expected, rel=5e-3)
    assert matrix.loc["guiyang", "chongqing"] == matrix.loc["chongqing", "guiyang"]
    assert (np.diag(matrix) == 0).all()
    others = matrix.drop(index=["chongqing", "guiyang"])
    assert (others.to_numpy() == 0).all(), "cities without a population have no demand"


def test_gravity_without_populations_counts_every_city_alike(mini_freight):
    matrix = demand_matrix(mini_freight)
    near, far = matrix.loc["chongqing", "guiyang"], matrix.loc["chongqing", "singapore"]
    assert near > far > 0
    assert matrix.loc["qinzhou_port", "hanoi"] == pytest.approx(matrix.loc["hanoi", "qinzhou_port"])
    assert DEFAULT_POPULATION > 0


def test_gravity_reads_node_populations(mini_freight):
    graph = mini_freight
    graph.nodes[graph.graph["hub_nodes"]["huaihua"]]["population"] = 2e6
    graph.nodes[graph.graph["hub_nodes"]["hanoi"]]["population"] = 3e6
    matrix = demand_matrix(graph)
    assert matrix.loc["huaihua", "hanoi"] > 0
    assert matrix.loc["huaihua", "chongqing"] == 0


def test_builtin_hub_nodes_carry_populations(builtin_network):
    from corridor.graph import graph_from_network

    graph = graph_from_network(builtin_network)
    assert graph.nodes[graph.graph["hub_nodes"]["chongqing"]]["population"] > 1e6
    assert graph.nodes[graph.graph["hub_nodes"]["cq_north"]]["population"] is None
    matrix = demand_matrix(graph)
    assert matrix.loc["chongqing", "huaihua"] > 0


def _write(tmp_path, text):
    path = tmp_path / "demand.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_resolves_names_to_cities_and_adds_rows(mini_freight, tmp_path):
    path = _write(
        tmp_path,
        "origin,destination,flow\n重庆,Singapore,10\nChongqing West,singapore,5\n\nHuaihua,Guiyang,2.5\n",
    )
    matrix = demand_matrix(mini_freight, csv=path)
    assert matrix.loc["chongqing", "singapore"] == 15
    assert matrix.loc["huaihua", "guiyang"] == 2.5
    assert matrix.to_numpy().sum() == 17.5


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [
        ("from,to,flow\nchongqing,hanoi,1\n", ScenarioError, ["row 1", "'origin'"]),
        ("origin,destination,flow\nchongqing,hanoi,1\nchongqing,hanoi,lots\n", ScenarioError, ["row 3", "'flow'", "lots"]),
        ("origin,destination,flow\nchongqing,hanoi,-4\n", ScenarioError, ["row 2", "'flow'"]),
        ("origin,destination,flow\nchongqing,hanoy,1\n", UnknownHubError, ["row 2", "'destination'", "Hanoi"]),
        ("origin,destination,flow\n,hanoi,1\n", ScenarioError, ["row 2", "'origin'", "empty"]),
        ("origin,destination,flow\ncq_west,chongqing,1\n", ScenarioError, ["row 2", "same city"]),
        ("", ScenarioError, ["empty"]),
    ],
)
def test_csv_errors_name_file_row_and_field(mini_freight, tmp_path, text, error, words):
    path = _write(tmp_path, text)
    with pytest.raises(error) as caught:
        demand_matrix(mini_freight, csv=path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    for word in words:
        assert word in message


def test_missing_csv_is_a_corridor_error(mini_freight, tmp_path):
    with pytest.raises(CorridorError, match="cannot read"):
        demand_matrix(mini_freight, csv=tmp_path / "nowhere.csv")
