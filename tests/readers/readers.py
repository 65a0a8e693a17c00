"""Seven independent readers of an `.xlsx`/`.xlsm`, each giving what it sees as a `Book`:
sheet names in order, and per sheet the non-empty cells by reference.

A cell is `("s", text)`, `("n", number)` (dates and times as Excel serial numbers),
`("b", bool)`, `("f", formula text)` or `("e", error)`. Empty cells and empty strings
are left out. Readers that cannot show formulas (calamine, pandas, Gnumeric's CSV) show
the formula cells' cached values instead; `compare` leaves those cells out for them.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import subprocess
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import python_calamine
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.formula import ArrayFormula

Cell = tuple[str, Any]
Sheet = dict[str, Cell]
Book = dict[str, Sheet]

HERE = Path(__file__).parent
TIMEOUT = 600


def cell(value: Any) -> Cell | None:
    """A Python value as a reader gives it, as a `Cell` (None for an empty cell)."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime | date | time | timedelta):
        return ("n", round(float(to_excel(value)), 9))
    if isinstance(value, int | float):
        return ("n", round(float(value), 9))
    return ("s", str(value))


_QUOTED_SHEET = re.compile(r"'([^' !(),=<>&+\-*/^:;]+)'!")


def formula(text: str) -> Cell:
    """A formula without its `=`, the `_xlfn.` marks some writers add, and quotes around
    sheet names that need none (LibreOffice drops them: `'设置'!B5` is `设置!B5`)."""
    return ("f", _QUOTED_SHEET.sub(r"\1!", text.removeprefix("=").replace("_xlfn.", "")))


def grid_sheet(rows: list[list[Any]]) -> Sheet:
    """A sheet from a grid of values starting at A1."""
    sheet = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            seen = cell(value)
            if seen is not None:
                sheet[f"{get_column_letter(c)}{r}"] = seen
    return sheet


def openpyxl_book(path: Path) -> Book:
    book = openpyxl.load_workbook(path)
    out: Book = {}
    for ws in book.worksheets:
        sheet: Sheet = {}
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    text = c.value.text if isinstance(c.value, ArrayFormula) else c.value
                    sheet[c.coordinate] = formula(text)
                elif c.data_type == "e":
                    sheet[c.coordinate] = ("e", c.value)
                elif (seen := cell(c.value)) is not None:
                    sheet[c.coordinate] = seen
        out[ws.title] = sheet
    return out


def calamine_book(path: Path) -> Book:
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return {
        name: grid_sheet(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
        for name in workbook.sheet_names
    }


def pandas_book(path: Path) -> Book:
    frames = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    return {name: grid_sheet(frame.values.tolist()) for name, frame in frames.items()}


def node_book(reader: str, path: Path) -> Book:
    """SheetJS (`sheetjs`) or ExcelJS (`exceljs`) through `read.js`."""
    done = subprocess.run(
        ["node", str(HERE / "read.js"), reader, str(path)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{reader} cannot read {path.name}: {done.stderr.strip()[-1500:]}")
    return {
        sheet["name"]: {
            ref: formula(value) if kind == "f" else cell(value) or (kind, value)
            for ref, (kind, value) in sheet["cells"].items()
        }
        for sheet in json.loads(done.stdout)["sheets"]
    }


def gnumeric_book(path: Path, out_dir: Path) -> tuple[Book, str]:
    """Gnumeric's `ssconvert`, a raw-values CSV per sheet (named `<n>_<sheet>.csv`), and
    what it said on stderr. Every CSV field is text: numbers are kept as their text."""
    out_dir.mkdir(parents=True, exist_ok=True)
    exe = shutil.which("ssconvert")
    if exe is None:
        raise FileNotFoundError("Gnumeric (ssconvert) is not installed: apt-get install gnumeric")
    done = subprocess.run(
        [
            exe,
            "-S",
            "-I",
            "Gnumeric_Excel:xlsx",
            "-T",
            "Gnumeric_stf:stf_assistant",
            "-O",
            "format=raw separator=, quoting-mode=auto",
            str(path),
            str(out_dir / "%n_%s.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ssconvert cannot read {path.name}: {done.stderr[-1500:]}")
    files = sorted(out_dir.glob("*.csv"), key=lambda f: int(f.name.split("_", 1)[0]))
    book: Book = {}
    for file in files:
        with file.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        book[file.stem.split("_", 1)[1]] = {
            ref: ("csv", value[1]) for ref, value in grid_sheet(rows).items()
        }
    return book, done.stderr


def as_csv(seen: Cell) -> Cell:
    """What a raw-values CSV holds for a cell: text as it is, a number as its text."""
    kind, value = seen
    if kind == "b":
        return ("csv", "TRUE" if value else "FALSE")
    if kind == "n":
        return ("csv", round(value, 9))
    return ("csv", value)


def csv_numbers(sheet: Sheet, reference: Sheet) -> Sheet:
    """A CSV sheet with the fields where the reference has a number read as numbers."""
    out = dict(sheet)
    for ref, (kind, _value) in reference.items():
        if kind == "n" and ref in out:
            out[ref] = ("csv", round(float(out[ref][1]), 9))
    return out


def without_formulas(book: Book, reference: Book) -> Book:
    """`book` without the cells where `reference` has a formula (a reader that shows
    cached values shows the writer's placeholder there)."""
    return {
        name: {
            ref: seen
            for ref, seen in sheet.items()
            if reference.get(name, {}).get(ref, ("", None))[0] != "f"
        }
        for name, sheet in book.items()
    }
