"""Google Sheets for salesflow: an office spreadsheet as a source, the master and the
rep templates written into spreadsheets, over gspread with bounded retries.

Every function takes a gspread `Client` (made by `GoogleAccess.client()` from
credentials, or any other), so the same code runs against Google and the tests' emulator.
Names are loaded on first use: the `salesflow` command imports this package for its
options, and gspread and google-auth cost a third of a second to import.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "GoogleAccess": "access",
    "connect": "access",
    "GoogleError": "errors",
    "RetryPolicy": "http",
    "google_client": "http",
    "cell_link": "source",
    "fetch_book": "source",
    "google_sources": "source",
    "spreadsheet_key": "source",
    "GoogleMaster": "master",
    "read_targets_google": "master",
    "write_master_google": "master",
    "write_templates_google": "templates",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
