"""Property suite (issue 10, "nothing lost"): random messy register sheets written to real
.xlsx and .csv files and read back with `read_file`.

Each sheet is planned first — columns (a random subset of the register's, in random
order, headed in Chinese, English or an alias), a title row, a `销售员：` line, data rows
whose cells are valid values in the forms people type or odd values that are errors,
blank rows, totals and notes rows, exact repeats of earlier rows, a vertically merged
cell, a stray cell far off — and the plan says by hand what each row must become. The
reader must not crash, the row accounting must hold, every row must end where the plan
says, and every valid row's typed values must be in its record. One end-to-end
property syncs the files into a store and a master and finds each record in both.

CI budget: a fixed number of examples (`SALESFLOW_FUZZ_EXAMPLES` raises it locally).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_templates.codec import decode_record
from sheets_templates.registers import REGISTERS, Field, Kind
from sheets_templates.table import SheetResult
from sync.master_words import FILE, ROW, SHEET_TITLES
from sync.reader import read_file
from sync.run import XlsxMaster, sync_into
from sync.sources import file_sources
from sync.sqlite_store import open_store
from sync.store import current_records
from sync.window import ALL, Window

AS_OF = date(2026, 11, 26)
EXAMPLES = int(os.environ.get("SALESFLOW_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BAD = object()
"""A cell's typed value when the cell is an error."""
LEFT_OUT = {"amount"}
"""Columns the plan never writes (a typed amount must match quantity × unit price)."""
REPS = ["张三", "李四", "王五"]
TEXTS = ["华信科技", "东方建材", "Acme Ltd", "恒通物流", "王经理", "有意向", "下周再联系", "扫码枪"]
DEFINING = {"leads": {"grade", "negotiating"}, "visits": {"visit_type"}}
"""Columns beside the required ones that make the register unmistakable (which register
a sheet of few columns is, is `evidence`'s to decide and tested there)."""
STAGE_FACTS = {
    "negotiating",
    "solution_submitted",
    "met_with_interest",
    "bought_before",
    "accepts_meeting",
}
STAGE_TYPED = "~stage facts typed"
"""Not a value: marks a lead row whose grade is the rule's, which makes it another row
than one with the same values and no stage fact typed."""
FAR_ROW = 300_000
"""A stray cell this far down makes the sheet sparse: it is reported, not read as a row."""


@dataclass
class Plan:
    """A sheet as planned: its grid and what each of its rows must become."""

    register: str
    columns: list[tuple[Field | None, str]]
    grid: list[list[Any]] = field(default_factory=list)
    header_row: int = 0
    expected: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    """Excel row → the typed values of a valid row (None for a row with errors)."""
    duplicates: set[int] = field(default_factory=set)
    skipped: dict[str, int] = field(default_factory=lambda: {"totals": 0, "notes": 0})
    merges: list[str] = field(default_factory=list)
    far: bool = False


# --- values as people type them -------------------------------------------------------

DAYS = st.dates(min_value=date(2025, 1, 1), max_value=AS_OF)


def _date_forms(d: date) -> list[Any]:
    return [
        d,
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d:%Y%m%d}",
        f"{d.year}年{d.month}月{d.day}日",
    ]


def _mobile_forms(m: str) -> list[Any]:
    return [m, int(m), f"{m[:3]} {m[3:7]} {m[7:]}", f"+86 {m}", f"{m[:3]}-{m[3:7]}-{m[7:]}"]


def _money_forms(amount: Decimal) -> list[Any]:
    forms: list[Any] = [f"{amount:.2f}", f"¥{amount:,.2f}", f"{amount:.2f}元"]
    if amount == amount.to_integral_value():
        forms.append(int(amount))
    return forms


GOOD: dict[Kind, st.SearchStrategy[tuple[Any, Any]]] = {
    Kind.TEXT: st.one_of(
        st.sampled_from(TEXTS).map(lambda t: (t, t)),
        st.integers(1, 99999).map(lambda n: (n, str(n))),  # numbers where text is typed
    ),
    Kind.DATE: DAYS.flatmap(lambda d: st.sampled_from(_date_forms(d)).map(lambda f: (f, d))),
    Kind.TIME: st.builds(time, st.integers(8, 19), st.integers(0, 59)).flatmap(
        lambda t: st.sampled_from([t, f"{t:%H:%M}", f"{t.hour}:{t.minute:02d}:00"]).map(
            lambda f: (f, t)
        )
    ),
    Kind.PHONE: st.from_regex(r"\A1[3-9][0-9]{9}\Z").flatmap(
        lambda m: st.sampled_from(_mobile_forms(m)).map(lambda f: (f, m))
    ),
    Kind.YES_NO: st.sampled_from(
        [
            *[("是", True), ("Y", True), ("1", True), ("√", True), (True, True)],
            *[("否", False), ("N", False), ("0", False), ("×", False), (False, False)],
        ]
    ),
    Kind.GRADE: st.sampled_from([("A", "A"), ("b", "B"), ("C类", "C"), ("Ｄ", "D")]),
    Kind.MONEY: st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2).flatmap(
        lambda a: st.sampled_from(_money_forms(a)).map(lambda f: (f, a))
    ),
    Kind.QUANTITY: st.integers(1, 500).flatmap(
        lambda q: st.sampled_from([q, str(q), f"{q}台"]).map(lambda f: (f, Decimal(q)))
    ),
}
ODD: dict[Kind, list[Any]] = {
    Kind.DATE: ["2026-13-45", "明天", "2026/02/30"],
    Kind.TIME: ["25:99", "午饭后"],
    Kind.PHONE: ["1380013", "没留"],
    Kind.YES_NO: ["可能", "待定"],
    Kind.GRADE: ["Z级", "很好"],
    Kind.MONEY: ["很多", "1,2,3"],
    Kind.QUANTITY: ["0", "-3", "若干"],
}
"""Values that are errors in a column of that kind (text is never wrong)."""


@st.composite
def cell(draw: st.DrawFn, f: Field) -> tuple[Any, Any]:
    """(what is typed, its typed value or BAD): valid mostly, sometimes odd or blank."""
    roll = draw(st.integers(0, 9))
    if roll == 0 and f.kind in ODD:
        return draw(st.sampled_from(ODD[f.kind])), BAD
    if roll == 1 and f.name != "rep":
        blank = draw(st.sampled_from([None, "", "  "]))
        if f.required:
            return blank, BAD
        return blank, (False if f.kind is Kind.YES_NO else None)
    if f.name == "rep":
        name = draw(st.sampled_from(REPS))
        return name, name
    return draw(GOOD[f.kind])


# --- sheets --------------------------------------------------------------------------


def _header(draw: st.DrawFn, f: Field) -> str:
    choices = [f.header_zh, f.header_en, f.name]
    if f.aliases:
        choices.append(f.aliases[0])
    return draw(st.sampled_from(choices))


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    register = REGISTERS[draw(st.sampled_from(sorted(REGISTERS)))]
    rep_column = draw(st.booleans()) or draw(st.booleans())
    needed = {f.name for f in register.fields if f.required} | DEFINING.get(register.name, set())
    if not rep_column:
        needed.discard("rep")
    optional = [
        f
        for f in register.fields
        if f.name not in needed and f.name not in LEFT_OUT and f.name != "rep"
    ]
    chosen = [f for f in register.fields if f.name in needed]
    least = max(0, 3 - len(chosen))  # a header of fewer than 3 columns is no evidence
    chosen += draw(st.lists(st.sampled_from(optional), unique=True, min_size=least, max_size=4))
    chosen = draw(st.permutations(chosen))
    columns: list[tuple[Field | None, str]] = [(f, _header(draw, f)) for f in chosen]
    if draw(st.booleans()):
        columns.insert(draw(st.integers(0, len(columns))), (None, "附言"))
    plan = Plan(register.name, columns)

    if draw(st.booleans()):
        plan.grid.append([f"{register.title.zh}表 2026年11月"])
        if len(columns) > 1:
            plan.merges.append(f"A1:{_letter(len(columns) - 1)}1")
    label_rep = None if rep_column else draw(st.sampled_from(REPS))
    if label_rep:
        plan.grid.append([f"销售员：{label_rep}"])
    plan.grid.append([h for _f, h in columns])
    plan.header_row = len(plan.grid)

    valid_seen: list[tuple[Any, ...]] = []
    previous: tuple[list[Any], dict[str, Any] | None] | None = None
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["data"] * 6 + ["repeat", "merge", "blank", "totals", "note"]))
        excel_row = len(plan.grid) + 1
        if kind == "blank":
            plan.grid.append([None] * len(columns))
            continue
        if kind == "totals":
            plan.grid.append(["合计", *([None] * (len(columns) - 2)), 12][: max(len(columns), 1)])
            plan.skipped["totals"] += 1
            continue
        if kind == "note":
            plan.grid.append([draw(st.sampled_from(["注：以上为本周数据", "以上数据已核实"]))])
            plan.skipped["notes"] += 1
            continue
        if kind in ("repeat", "merge") and previous is not None:
            raw, typed = list(previous[0]), previous[1]
            merged_above = bool(plan.merges) and plan.merges[-1].endswith(f":A{excel_row - 1}")
            if kind == "merge" and plan.grid[-1] == raw and _filled(raw[1:]) and not merged_above:
                # the cell over both rows keeps its value in the upper one only (the lower
                # row has cells of its own: a merge over a last row with nothing else in
                # it reaches past the grid the reader builds)
                plan.merges.append(f"A{excel_row - 1}:A{excel_row}")
        else:
            raw, typed = _data_row(draw, columns, label_rep)
        plan.grid.append(raw)
        previous = (raw, typed)
        plan.expected[excel_row] = typed
        if typed is not None:
            same = tuple(typed.items())
            if same in valid_seen:
                plan.duplicates.add(excel_row)
            valid_seen.append(same)
    plan.far = draw(st.booleans())
    return plan


def _data_row(
    draw: st.DrawFn, columns: list[tuple[Field | None, str]], label_rep: str | None
) -> tuple[list[Any], dict[str, Any] | None]:
    raw: list[Any] = []
    typed: dict[str, Any] = {} if label_rep is None else {"rep": label_rep}
    bad = set()
    for f, header in columns:
        if f is None:
            text = draw(st.sampled_from([None, *TEXTS]))
            raw.append(text)
            typed[f"extra:{header}"] = text or None
            continue
        value, parsed = draw(cell(f))
        raw.append(value)
        if parsed is BAD:
            bad.add(f.name)
        typed[f.name] = parsed
        if f.name in STAGE_FACTS and _filled([value]):
            typed[STAGE_TYPED] = True  # a lead's grade then follows its stage facts
    if not _filled(raw):  # a text in the first cell only: a record if that is all it needs
        first = columns[0][0]
        if first is not None and first.kind is not Kind.TEXT:
            return _data_row(draw, columns, label_rep)
        raw[0] = TEXTS[0]
        if first is None:
            return raw, None
        typed[first.name] = TEXTS[0]
        bad.discard(first.name)
    return raw, (None if bad else typed)


def _filled(cells: list[Any]) -> bool:
    return any(not (v is None or (isinstance(v, str) and not v.strip())) for v in cells)


def _letter(c: int) -> str:
    return openpyxl.utils.get_column_letter(c + 1)


def write_xlsx(plan: Plan, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = REGISTERS[plan.register].title.zh
    for row in plan.grid:
        sheet.append(row)
    for cells in plan.merges:
        sheet.merge_cells(cells)
    if plan.far:
        sheet.cell(row=FAR_ROW, column=2, value="stray")
    book.save(path)
    return path


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "TRUE" if value else "FALSE"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(plan: Plan, path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([[_csv_text(v) for v in row] for row in plan.grid])
    return path


# --- what must hold ------------------------------------------------------------------


def assert_accounted(sheet: SheetResult) -> None:
    skipped = sum(sheet.skipped.values())
    assert sheet.rows == sheet.valid + sheet.error_rows + sheet.duplicates + skipped, sheet


def assert_as_planned(plan: Plan, sheet: SheetResult) -> None:
    assert_accounted(sheet)
    assert (sheet.kind, sheet.header_row) == (plan.register, plan.header_row)
    errors = sum(1 for typed in plan.expected.values() if typed is None)
    assert sheet.skipped == plan.skipped
    assert (sheet.rows, sheet.error_rows, sheet.duplicates) == (
        len(plan.expected) + sum(plan.skipped.values()),
        errors,
        len(plan.duplicates),
    )
    dup_rows = {p.row for p in sheet.problems if p.code == "row.duplicate"}
    assert dup_rows == plan.duplicates
    by_row = {r.source.row: r for r in sheet.records}
    kept = {
        row: typed
        for row, typed in plan.expected.items()
        if typed is not None and row not in plan.duplicates
    }
    assert set(by_row) == set(kept)
    for row, typed in kept.items():
        assert_values(plan.register, typed, vars(by_row[row]))


def assert_values(register: str, typed: dict[str, Any], values: dict[str, Any]) -> None:
    """Every typed value of the row is in its record (a lead's typed grade in
    `grade_typed`, an extra column under its header; a stored record leaves blanks out)."""
    for name, value in typed.items():
        if name == STAGE_TYPED:
            continue
        if name.startswith("extra:"):
            assert values["extra"].get(name[6:]) == value, (name, values)
        else:
            got = values.get("grade_typed" if (register, name) == ("leads", "grade") else name)
            assert got == value, (name, value, got)


@FUZZ
@given(plans())
def test_messy_sheets_are_read_as_planned_from_xlsx_and_csv(plan: Plan) -> None:
    with TemporaryDirectory() as folder:
        stem = REGISTERS[plan.register].title.zh
        xlsx = read_file(write_xlsx(plan, Path(folder) / f"{stem}.xlsx"), Path(folder), AS_OF)
        assert xlsx.error is None, xlsx.error
        (sheet,) = xlsx.sheets
        assert_as_planned(plan, sheet)
        if plan.far:
            far = [p for p in sheet.problems if p.code == "cell.far_off"]
            assert [(p.row, p.column) for p in far] == [(FAR_ROW, "B")]

        flat = Plan(**{**vars(plan), "merges": []})
        text = read_file(write_csv(flat, Path(folder) / f"{stem}.csv"), Path(folder), AS_OF)
        assert text.error is None, text.error
        (sheet,) = text.sheets
        assert_as_planned(flat, sheet)


def master_rows(book: Any, register: str) -> list[dict[str, Any]]:
    """A register sheet of the master as rows of {header: value} under its header row."""
    rows = [list(r) for r in book[SHEET_TITLES[register].zh].iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if FILE.zh in r and ROW.zh in r)
    header = rows[at]
    return [dict(zip(header, r, strict=False)) for r in rows[at + 1 :] if any(r)]


@settings(FUZZ, max_examples=max(EXAMPLES // 3, 5))
@given(st.lists(plans(), min_size=1, max_size=3))
def test_every_valid_row_reaches_the_store_and_the_master(batch: list[Plan]) -> None:
    """Synced into a store and a master: each planned record is an open version with its
    typed values, and a row of the master's register sheet with its text values."""
    with TemporaryDirectory() as folder:
        team = Path(folder) / "team"
        team.mkdir()
        names = []
        for n, plan in enumerate(batch):
            names.append(f"{REGISTERS[plan.register].title.zh}{n}.xlsx")
            write_xlsx(plan, team / names[-1])
        master = Path(folder) / "master.xlsx"
        store_path = Path(folder) / "master.sqlite"
        sources = file_sources([team], AS_OF)
        # the whole history on the master: its default window is the month of AS_OF
        window = Window(ALL)
        sync_into(sources, [XlsxMaster(master)], store_path, AS_OF, lock=master, window=window)
        with open_store(store_path) as store:
            stored = [(r, decode_record(r.register, r.data)) for r in current_records(store)]
        book = openpyxl.load_workbook(master, read_only=True)
        sheets = {register: master_rows(book, register) for register in REGISTERS}
        book.close()
        for plan, name in zip(batch, names, strict=True):
            kept = {
                row: typed
                for row, typed in plan.expected.items()
                if typed is not None and row not in plan.duplicates
            }
            mine = {r.row: values for r, values in stored if Path(r.path).name == name}
            assert set(mine) == set(kept), (name, sorted(mine), sorted(kept))
            for row, typed in kept.items():
                assert_values(plan.register, typed, {"extra": {}, **mine[row]})
            shown = {
                r[ROW.zh]: r for r in sheets[plan.register] if Path(str(r[FILE.zh])).name == name
            }
            assert set(shown) == set(kept), (name, sorted(shown), sorted(kept))
            for row, typed in kept.items():
                for f in REGISTERS[plan.register].fields:
                    if f.kind is Kind.TEXT and typed.get(f.name) is not None:
                        assert shown[row][f.header_zh] == typed[f.name], (f.name, shown[row])
