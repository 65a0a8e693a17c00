"""Fixtures for tests that talk to Google Sheets through the loopback emulator."""

from collections import Counter
from collections.abc import Iterator

import pytest

from .emulator import SheetsEmulator

_CONFORMANCE = pytest.StashKey[Counter[str]]()


@pytest.fixture
def sheets_emulator() -> Iterator[SheetsEmulator]:
    """A fresh, empty emulator per test: starting one takes milliseconds, and sharing
    state between tests would make them order-dependent."""
    with SheetsEmulator() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def conformance_tally(pytestconfig: pytest.Config) -> Counter[str]:
    """Counts of replayed cassette interactions ("compared", "equal"), reported at the end."""
    return pytestconfig.stash.setdefault(_CONFORMANCE, Counter())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how much of the recorded Google traffic the emulator reproduced."""
    tally = terminalreporter.config.stash.get(_CONFORMANCE, None)
    if tally:
        terminalreporter.write_line(
            f"gspread cassette conformance: {tally['equal']} of {tally['compared']} "
            "recorded interactions compared equal"
        )
