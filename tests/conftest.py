"""Suite-wide settings and the two things every kind of test shares: the pinned as-of
day, and the console script run as a user runs it.

Hypothesis' per-example deadline measures wall time, which on a shared 2-core CI
machine says more about the neighbours than about our parsers: speed is the
benchmarks' job (tests/benchmarks/), so property tests run without a deadline.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("salesflow", deadline=None, print_blob=True)
settings.load_profile("salesflow")

AS_OF = date(2026, 11, 26)
"""The day every test syncs and checks as of, so no answer depends on the real date:
a Thursday, its week started on Monday 11-23."""

SALESFLOW = Path(sys.executable).with_name("salesflow")
"""The `salesflow` console script installed beside this interpreter (`pip install -e .`);
it imports whatever `sync` PYTHONPATH points at, so a work tree tests its own copy."""


def salesflow(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The console script in a child process, as a user runs it from `cwd`."""
    assert SALESFLOW.exists(), f"{SALESFLOW} is not installed (pip install -e .)"
    return subprocess.run(
        [str(SALESFLOW), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.fixture
def as_of() -> date:
    """The pinned as-of day (`AS_OF`)."""
    return AS_OF


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs the console script: `cli("check", "team", cwd=tmp_path)`."""
    return salesflow
