"""Helpers for the foundation tests: real workbooks on disk, the real console script."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from sheets_templates.registers import REGISTERS
from sheets_templates.table import SheetContext, SheetResult, read_grid
from sync.reader import FileResult, read_file
from tests.conftest import AS_OF, salesflow


def template_headers(register: str, lang: str = "zh") -> list[str]:
    return [f.header(lang) for f in REGISTERS[register].fields]


def write_xlsx(
    path: Path,
    rows: list[list[Any]],
    sheet: str = "电话记录",
    merges: tuple[str, ...] = (),
    hidden_columns: tuple[str, ...] = (),
    extra_sheets: dict[str, list[list[Any]]] | None = None,
) -> Path:
    """A workbook as a person makes it in Excel (openpyxl): one sheet of rows, merges."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    for letter in hidden_columns:
        ws.column_dimensions[letter].hidden = True
    for name, more in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in more:
            other.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def read_one(path: Path, root: Path | None = None, as_of: date | None = AS_OF) -> FileResult:
    return read_file(path, root or path.parent, as_of)


def only_sheet(result: FileResult) -> SheetResult:
    assert result.error is None, result.error
    registers = [s for s in result.sheets if s.kind]
    assert len(registers) == 1, [(s.sheet, s.kind) for s in result.sheets]
    return registers[0]


def grid_result(grid: list[list[Any]], sheet: str = "电话记录", **ctx: Any) -> SheetResult:
    ctx.setdefault("as_of", AS_OF)
    return read_grid(grid, SheetContext(file="f.xlsx", sheet=sheet, **ctx))


def codes(sheet: SheetResult) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.code) for p in sheet.problems]


def check_json(*args: str, cwd: Path) -> tuple[int, dict[str, Any]]:
    done = salesflow("check", *args, "--json", cwd=cwd)
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)
