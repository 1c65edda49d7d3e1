"""The code passes ruff: ``ruff check corridor tests benchmarks scripts`` (rules in pyproject.toml) reports nothing.

ruff comes with the test extra, so the README's test command, and with it CI
(``.ci/run``), keeps the checked conventions (pyflakes, pycodestyle, import
order, bugbear, pyupgrade) true.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ["corridor", "tests", "benchmarks", "scripts"]


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed (pip install -e '.[test]')")
def test_ruff_reports_no_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *CHECKED],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, f"ruff check {' '.join(CHECKED)} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
