"""Shared fixtures: a small corridor you can check on paper, the built-in network, and the command line in-process."""

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from rich.console import Console
from typer.testing import CliRunner

from corridor import _render
from corridor.cli import main
from corridor.graph import graph_from_network
from corridor.io import load_network
from corridor.network import Network
from corridor.params import ModelParams

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"


@pytest.fixture(scope="session")
def mini_network() -> Network:
    """Eight hubs from Chongqing to Singapore and Hanoi; see tests/data/mini."""
    return load_network(MINI)


@pytest.fixture
def mini_features() -> tuple[list[dict], list[dict]]:
    """The mini corridor's hub and link features, fresh copies to change (``network_from_features`` builds a Network)."""
    return tuple(json.loads((MINI / name).read_text(encoding="utf-8"))["features"] for name in ("hubs.geojson", "links.geojson"))


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


@dataclass(frozen=True)
class CliResult:
    """What one run of ``corridor`` printed, and its exit status."""

    exit_code: int
    stdout: str
    stderr: str


def run_corridor(*args: str | Path, columns: int = 120, cwd: Path | None = None) -> CliResult:
    """Run ``corridor ARGS`` in this process, as the console script does.

    The console script is :func:`corridor.cli.main` (it turns errors into one
    line and an exit status), so this calls it inside typer's ``CliRunner``
    isolation (stdin, stdout and stderr captured, environment set) with
    ``sys.argv`` set, instead of starting Python again for every command (2-3 s
    each). The tables get ``columns`` columns and no colour, as when the output
    is piped (120) or ``COLUMNS`` is set. An exception that escapes ``main``
    (a traceback the user would see) propagates and fails the test.
    """
    runner = CliRunner(env={"COLUMNS": str(columns), "NO_COLOR": "1", "TERM": "dumb", "FORCE_COLOR": None})
    argv = ["corridor", *map(str, args)]
    with contextlib.ExitStack() as stack:
        stdout, stderr, _ = stack.enter_context(runner.isolation())
        # The tables' console is made when corridor._render is imported; one per run sees this run's width.
        stack.enter_context(mock.patch.object(_render, "console", Console(width=columns, color_system=None)))
        stack.enter_context(mock.patch.object(sys, "argv", argv))
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        else:  # pragma: no cover - main always exits
            code = 0
        sys.stdout.flush()
        sys.stderr.flush()
        out, err = stdout.getvalue(), stderr.getvalue()
    exit_code = code if isinstance(code, int) else (0 if code is None else 1)
    return CliResult(exit_code, out.decode("utf-8").replace("\r\n", "\n"), err.decode("utf-8", "replace").replace("\r\n", "\n"))

