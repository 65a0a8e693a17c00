"""Office spreadsheets for the Google tests: workbooks "uploaded" to the emulator.

A workbook written to disk by `sync.demo` is read back cell by cell (python-calamine,
as the file reader reads it) and stored in the emulator the way Google Sheets keeps
the same cells after an import: dates and times as serial numbers, whole numbers
without `.0`. So a spreadsheet and a workbook hold the same typed cells, and a sync of
either must give the same records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sheets_templates.values import date_to_excel_serial
from sync.engine import SyncResult
from sync.reader import load_grids
from sync.summary import sync_json
from tests.conftest import AS_OF as AS_OF  # the pinned day, for the Google tests

from .emulator import SheetsEmulator

TOKEN = "ya29.test-token-0123456789abcdef"


def google_cell(value: Any) -> Any:
    """A cell as Google Sheets stores it (what `UNFORMATTED_VALUE` + `SERIAL_NUMBER` gives)."""
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return date_to_excel_serial(value.date()) + seconds / 86400
    if isinstance(value, date):
        return date_to_excel_serial(value)
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def google_rows(grid: Iterable[Iterable[Any]]) -> list[list[Any]]:
    return [[google_cell(v) for v in row] for row in grid]


def upload_workbook(
    emu: SheetsEmulator,
    path: Path,
    title: str | None = None,
    rename: dict[str, str] | None = None,
    owner_token: str | None = None,
) -> str:
    """Store a workbook's sheets as one spreadsheet's tabs; returns the key."""
    rename = rename or {}
    tabs = {rename.get(name, name): google_rows(grid) for name, grid in load_grids(path)}
    return emu.create_spreadsheet(title or path.stem, tabs, owner_token=owner_token)


def comparable(result: SyncResult) -> dict[str, Any]:
    """What a sync found, without where it was read from (file names differ by nature)."""
    summary = sync_json(result)
    flags = [
        {k: v for k, v in flag.items() if k not in ("file", "first")} for flag in summary["flags"]
    ]
    return {
        "records": summary["records"],
        "kpi": sorted(json.dumps(k, sort_keys=True) for k in summary["kpi"]),
        "flags": sorted(json.dumps(f, sort_keys=True, ensure_ascii=False) for f in flags),
        "problems": sorted((p.sheet, p.row or 0, p.column or "", p.code) for p in result.problems),
        "registers": {
            sheet.key: sorted(
                # a register row ends with where it was typed: file, sheet, row
                json.dumps(row[:-3], default=str, ensure_ascii=False)
                for row in sheet.tables[0].rows
            )
            for sheet in result.sheets
            if sheet.key in ("calls", "visits", "leads", "shipments")
        },
    }


def google_calls(n: int, customer: str = "华信科技") -> list[list[object]]:
    """`n` effective calls by 张三 on the as-of date (serial 46352 = 2026-11-26), one
    customer each, as Google keeps them (a register tab's rows under its header)."""
    return [
        [
            46352,
            0.4 + k / 10000,
            "张三",
            f"{customer}{k}",
            "王经理",
            13800000000 + k,
            "制造",
            "",
            "是",
        ]
        for k in range(n)
    ]
