"""Fixtures for the spreadsheet-face tests: the workbooks whose formulas must be
recalculated, written once and recalculated by each engine (LibreOffice, Gnumeric) in
one batch, shared by the parity tests.

Without an engine its parity tests are skipped with the reason — except in CI
(`CI=true`), where a missing engine fails them: `.ci/run` installs both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sheets_templates.master_book import MASTER_NAME, master_template
from sync.templates_xlsx import write_master_workbook

from . import gnumeric, libreoffice
from .libreoffice import in_ci
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


@dataclass(frozen=True)
class Engine:
    """A spreadsheet engine the parity tests recalculate with."""

    name: str
    exe: Callable[[], str | None]
    missing_reason: Callable[[], str]
    recalc: Callable[[list[Path], Path], dict[Path, Path]]


ENGINES = (
    Engine("libreoffice", libreoffice.soffice, libreoffice.missing_reason, libreoffice.recalc),
    Engine("gnumeric", gnumeric.ssconvert, gnumeric.missing_reason, gnumeric.recalc),
)


@dataclass
class Written:
    """The workbooks every engine recalculates, as written, and what they hold."""

    grade_rows: list[dict]
    grades: Path
    twins: TwinBook
    today: list[tuple[TodayCase, Path]]
    master: Path

    def paths(self) -> list[Path]:
        return [self.grades, self.twins.path, *(p for _c, p in self.today), self.master]


@pytest.fixture(scope="session")
def written_for_engines(tmp_path_factory: pytest.TempPathFactory) -> Written:
    folder = tmp_path_factory.mktemp("engines-in")
    grades = folder / "grades.xlsx"
    grade_rows = write_grade_workbook(grades)
    twins = write_twins(folder / "twins.xlsx")
    cases = collect(today_cases(), TODAY_CASES)
    today = []
    for n, case in enumerate(cases):
        path = folder / f"today_{n:02d}.xlsx"
        write_today_workbook(path, case, "zh" if n % 2 == 0 else "en")
        today.append((case, path))
    master = folder / f"{MASTER_NAME}.xlsm"
    write_master_workbook(master, master_template("zh"))
    return Written(grade_rows, grades, twins, today, master)


@dataclass
class Recalculated:
    """Inputs as written and their outputs as one engine recalculated them."""

    engine: str
    grade_rows: list[dict]
    grades: Path
    twins: TwinBook
    twins_out: Path
    today: list[tuple[TodayCase, Path]]
    master_in: Path
    master_out: Path


@pytest.fixture(scope="session", params=ENGINES, ids=[e.name for e in ENGINES])
def recalculated(
    request: pytest.FixtureRequest,
    written_for_engines: Written,
    tmp_path_factory: pytest.TempPathFactory,
) -> Recalculated:
    """The workbooks recalculated by one engine (each test runs once per engine). A
    missing engine skips, except in CI (`CI=true`), where it fails: `.ci/run` installs both."""
    engine: Engine = request.param
    if engine.exe() is None:
        if in_ci():
            pytest.fail(f"CI=true and {engine.missing_reason()}")
        pytest.skip(engine.missing_reason())
    w = written_for_engines
    outputs = engine.recalc(w.paths(), tmp_path_factory.mktemp(f"{engine.name}-out"))
    return Recalculated(
        engine=engine.name,
        grade_rows=w.grade_rows,
        grades=outputs[w.grades],
        twins=w.twins,
        twins_out=outputs[w.twins.path],
        today=[(case, outputs[path]) for case, path in w.today],
        master_in=w.master,
        master_out=outputs[w.master],
    )


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A rep's filled workbook with one of each kind of mistake (`workbooks.PLANTED`)."""
    return write_mistakes_workbook(tmp_path / "张三.xlsx")
