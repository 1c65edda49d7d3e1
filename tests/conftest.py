"""Shared fixtures: a small corridor you can check on paper, and the built-in network."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.graph import graph_from_network
from corridor.network import Network, load_network
from corridor.params import ModelParams

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"


@pytest.fixture(scope="session")
def mini_network() -> Network:
    """Eight hubs from Chongqing to Singapore and Hanoi; see tests/data/mini."""
    return load_network(MINI)


@pytest.fixture(scope="session")
def round_params() -> ModelParams:
    """Model parameters in round numbers (tests/data/mini/round.toml)."""
    return ModelParams.from_file(MINI / "round.toml")


@pytest.fixture
def mini_freight(mini_network, round_params):
    return graph_from_network(mini_network, profile="freight", params=round_params)


@pytest.fixture
def mini_passenger(mini_network, round_params):
    return graph_from_network(mini_network, profile="passenger", params=round_params)


@pytest.fixture(scope="session")
def builtin_network() -> Network:
    """The shipped western land-sea corridor (geodata/)."""
    return load_network()
