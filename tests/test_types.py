"""The package type-checks: ``mypy corridor`` (configured in pyproject.toml) reports no error.

The package ships ``py.typed``, so its annotations are part of its interface; this
test keeps them true in the README's test command and so in CI.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed (pip install -e '.[test]')")
def test_mypy_reports_no_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "corridor"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"mypy corridor failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
