"""Fixtures for the spreadsheet-face tests: one LibreOffice run for every workbook
whose formulas must be recalculated, shared by the parity tests.

Without `soffice` the parity tests are skipped with the reason — except in CI
(`CI=true`), where a missing LibreOffice fails them: `.ci/run` installs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from sheets_templates.master_book import MASTER_NAME, master_template
from sync.templates_xlsx import write_master_workbook

from .libreoffice import in_ci, missing_reason, recalc, soffice
from .workbooks import (
    TodayCase,
    TwinBook,
    collect,
    today_cases,
    write_grade_workbook,
    write_mistakes_workbook,
    write_today_workbook,
    write_twins,
)

TODAY_CASES = 8


@pytest.fixture(scope="session")
def libreoffice() -> str:
    exe = soffice()
    if exe is None:
        if in_ci():
            pytest.fail(f"CI=true and {missing_reason()}")
        pytest.skip(missing_reason())
    return exe


@dataclass
class Recalculated:
    """Inputs as written and their LibreOffice-recalculated outputs."""

    grade_rows: list[dict]
    grades: Path
    twins: TwinBook
    twins_out: Path
    today: list[tuple[TodayCase, Path]]
    master_in: Path
    master_out: Path


@pytest.fixture(scope="session")
def recalculated(libreoffice: str, tmp_path_factory: pytest.TempPathFactory) -> Recalculated:
    folder = tmp_path_factory.mktemp("libreoffice")
    grades = folder / "in" / "grades.xlsx"
    grade_rows = write_grade_workbook(grades)
    twins = write_twins(folder / "in" / "twins.xlsx")
    cases = collect(today_cases(), TODAY_CASES)
    today_inputs = []
    for n, case in enumerate(cases):
        path = folder / "in" / f"today_{n:02d}.xlsx"
        write_today_workbook(path, case, "zh" if n % 2 == 0 else "en")
        today_inputs.append((case, path))
    master_in = folder / "in" / f"{MASTER_NAME}.xlsm"
    write_master_workbook(master_in, master_template("zh"))
    inputs = [grades, twins.path, *(p for _c, p in today_inputs), master_in]
    outputs = recalc(inputs, folder / "out")
    return Recalculated(
        grade_rows=grade_rows,
        grades=outputs[grades],
        twins=twins,
        twins_out=outputs[twins.path],
        today=[(case, outputs[path]) for case, path in today_inputs],
        master_in=master_in,
        master_out=outputs[master_in],
    )


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A rep's filled workbook with one of each kind of mistake (`workbooks.PLANTED`)."""
    return write_mistakes_workbook(tmp_path / "张三.xlsx")
