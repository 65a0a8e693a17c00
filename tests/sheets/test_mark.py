"""`salesflow mark` and the Check button: every problem cell marked, every value kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from openpyxl.comments import Comment
from openpyxl.worksheet.formula import ArrayFormula

from addin import buttons
from sheets_templates import rules
from sheets_templates.problems import Problem, Severity
from sheets_templates.templates import rep_template
from sync.check import run_check
from sync.cli import main
from sync.mark import MARK_FILL, PROBLEMS_SHEET, cell_of, mark_file

from .fake_excel import Book
from .workbooks import DAY, PLANTED


def _problems(path: Path) -> list[tuple[str, Problem]]:
    report = run_check([path], DAY)
    return [(s.sheet, p) for f in report.files for s in f.sheets for p in s.problems]


def _value(value: Any) -> Any:
    """A cell's value as compared: an array formula (an object without equality) as
    its range and text."""
    return (value.ref, value.text) if isinstance(value, ArrayFormula) else value


def _values(path: Path) -> dict[tuple[str, str], Any]:
    book = openpyxl.load_workbook(path)
    return {
        (ws.title, c.coordinate): _value(c.value)
        for ws in book.worksheets
        if ws.title not in PROBLEMS_SHEET.values()
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def _fill(cell: Any) -> str | None:
    return f"#{cell.fill.fgColor.rgb[-6:]}" if cell.fill.fill_type == "solid" else None


def test_mark_keeps_every_value_and_marks_every_problem(workbook: Path, tmp_path: Path):
    problems = _problems(workbook)
    assert {p.code for _s, p in problems} == PLANTED
    out = tmp_path / "marked.xlsx"
    result = mark_file(workbook, out, DAY)
    assert _values(out) == _values(workbook)
    marked = openpyxl.load_workbook(out)
    for sheet, p in problems:
        cell = marked[sheet][cell_of(p)]
        here = [q for s, q in problems if s == sheet and cell_of(q) == cell_of(p)]
        worst = (
            Severity.ERROR if any(q.severity == Severity.ERROR for q in here) else Severity.WARNING
        )
        assert _fill(cell) == MARK_FILL[worst]
        assert p.message("zh") in cell.comment.text
    listed = list(marked[PROBLEMS_SHEET["zh"]].iter_rows(values_only=True))
    assert len(listed) == 1 + len(problems) == 1 + result.problems
    assert {r[6] for r in listed[1:]} == PLANTED
    assert marked.calculation.fullCalcOnLoad


def test_marking_again_clears_old_marks_and_gives_cells_their_fill_back(
    workbook: Path, tmp_path: Path
):
    first = tmp_path / "first.xlsx"
    mark_file(workbook, first, DAY)
    problems = dict((p.code, (s, cell_of(p))) for s, p in _problems(workbook))
    book = openpyxl.load_workbook(first)
    phone_sheet, phone_cell = problems["phone.invalid"]
    grade_sheet, grade_cell = problems["grade.disagrees"]
    book[phone_sheet][phone_cell].value = "13800138000"
    leads = rep_template("zh").register("leads")
    row = int(grade_cell[1:])
    book[grade_sheet][grade_cell].value = rules.grade_formula(
        *(f"${leads.column(f).letter}{row}" for f in rules.STAGE_FACTS)
    )
    book.save(first)
    second = tmp_path / "second.xlsx"
    mark_file(first, second, DAY)
    again = openpyxl.load_workbook(second)
    assert _fill(again[phone_sheet][phone_cell]) is None
    assert again[phone_sheet][phone_cell].comment is None
    assert _fill(again[grade_sheet][grade_cell]) == "#F2F2F2"  # the computed column's own fill
    codes = [r[6] for r in again[PROBLEMS_SHEET["zh"]].iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == sorted(PLANTED - {"phone.invalid", "grade.disagrees"})


def test_a_reps_own_note_is_kept(workbook: Path, tmp_path: Path):
    sheet, cell = next((s, cell_of(p)) for s, p in _problems(workbook) if p.code == "phone.invalid")
    book = openpyxl.load_workbook(workbook)
    book[sheet][cell].comment = Comment("客户说换号了", "张三")
    book.save(workbook)
    out = tmp_path / "marked.xlsx"
    mark_file(workbook, out, DAY)
    marked = openpyxl.load_workbook(out)
    assert marked[sheet][cell].comment.text == "客户说换号了"
    assert _fill(marked[sheet][cell]) == MARK_FILL[Severity.ERROR]


def test_mark_command(workbook: Path, tmp_path: Path):
    runner = CliRunner()
    done = runner.invoke(main, ["mark", str(workbook), "--as-of", DAY.isoformat(), "--json"])
    assert done.exit_code == 1, done.output
    assert workbook.with_name("张三.marked.xlsx").exists()
    same = runner.invoke(main, ["mark", str(workbook), "--out", str(workbook)])
    assert same.exit_code == 2
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(workbook.read_bytes()[:900])
    assert runner.invoke(main, ["mark", str(broken)]).exit_code == 2


def test_check_button_marks_the_open_workbook_like_mark(workbook: Path, tmp_path: Path):
    expected = tmp_path / "marked.xlsx"
    mark_file(workbook, expected, DAY)
    book = Book.open(workbook)
    assert buttons.check(book, DAY) == len({(s, cell_of(p)) for s, p in _problems(workbook)})
    opened = tmp_path / "opened.xlsx"
    book.save(opened)
    want, got = openpyxl.load_workbook(expected), openpyxl.load_workbook(opened)
    for ws in want.worksheets:
        mine = got[ws.title]
        for row in ws.iter_rows():
            for c in row:
                assert (_fill(mine[c.coordinate]), bool(mine[c.coordinate].comment)) == (
                    _fill(c),
                    bool(c.comment),
                ), c.coordinate
    rows = lambda b: [tuple(r) for r in b[PROBLEMS_SHEET["zh"]].iter_rows(values_only=True)]  # noqa: E731
    assert rows(got) == rows(want)
    assert _values(opened) == _values(workbook)


def test_check_button_again_clears_the_previous_marks(workbook: Path):
    book = Book.open(workbook)
    buttons.check(book, DAY)
    sheet, cell = next((s, cell_of(p)) for s, p in _problems(workbook) if p.code == "phone.invalid")
    book.sheets[sheet].range(cell).value = [["13800138000"]]
    buttons.check(book, DAY)
    target = book.sheets[sheet].range(cell)
    assert target.color is None and target.note is None
    listed = [r for r in book.sheets[PROBLEMS_SHEET["zh"]].used_range.value if any(r)]
    assert "phone.invalid" not in [r[6] for r in listed]
    assert len(listed) == len(PLANTED)  # the header and every other problem
