"""What the rows under a sheet's header mean: which are records, which are valid, and
what is wrong with the rest (`header` finds the header and the register).

Pure functions over a list of rows of raw cell values, so an Excel sheet, a CSV file
and a Google Sheets tab all go through the same code. Row and column numbers in
problems are the ones the rep sees in Excel (1-based rows, letters for columns).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from . import problems as p
from . import rules
from .evidence import NearMiss
from .excel import ERROR_VALUES
from .failing import failing_columns
from .furniture import SKIP_REASONS, data_rows
from .header import HeaderMatch, find_header, sheet_rep, year_in
from .problems import Finding, Problem, Severity, ValueProblem, column_letter, display
from .records import MODELS, Record, SourceRef, build, defaults, pack, unpack
from .registers import GRADE_TYPED, REGISTERS, Field, Kind, Register
from .values import (
    ReadContext,
    is_blank,
    parse_date,
    parse_grade,
    parse_money,
    parse_phone,
    parse_quantity,
    parse_text,
    parse_time,
    parse_yes_no,
)

PARSERS: dict[Kind, Callable[[Any, ReadContext], Any]] = {
    Kind.TEXT: parse_text,
    Kind.DATE: parse_date,
    Kind.TIME: parse_time,
    Kind.PHONE: parse_phone,
    Kind.YES_NO: parse_yes_no,
    Kind.GRADE: parse_grade,
    Kind.MONEY: parse_money,
    Kind.QUANTITY: parse_quantity,
}

FUTURE_CHECKED = {
    "calls": frozenset({"date"}),
    "visits": frozenset({"date"}),
    "shipments": frozenset({"ship_date", "confirmed_date"}),
}
"""Dates that record something done, so cannot be after the as-of date (`date.future`,
a warning): a call or visit, goods shipped or confirmed (the receivables never count
them as done, `flags.happened`). An order's date or its payment due date may be later."""

_ONCE_PER_SHEET = {p.DATE_YEAR_ASSUMED.code}
"""Problems that say the same thing of every row: reported at their first cell only."""


@dataclass
class SheetContext:
    """What the grid alone does not say: the file it came from and whose it is.

    `as_of_given` is False when no as-of date was asked for (the check of today): a
    date without a year then takes the current year with a warning. With
    `keep_records=False` only counts and problems are produced, which is what a plain
    check needs and is much cheaper for large sheets.
    """

    file: str
    sheet: str
    as_of: date
    owner_rep: str | None = None
    settings_rep: str | None = None
    settings_year: int | None = None
    file_year: int | None = None
    as_of_given: bool = True
    keep_records: bool = True


@dataclass
class SheetResult:
    """One sheet read: its register, its valid records and its problems.

    Its rows are accounted for: every non-blank row under the header is exactly one of
    a valid record, a row with errors, a duplicate or a skipped row (`skipped` says how
    many of each reason: totals, notes), so `rows == valid + error_rows + duplicates +
    sum(skipped.values())` and nothing a rep typed vanishes unexplained.
    """

    file: str
    sheet: str
    kind: str | None
    header_row: int | None = None
    rows: int = 0
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rep: str | None = None
    valid: int = 0
    error_rows: int = 0
    duplicates: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKIP_REASONS, 0))
    near_miss: NearMiss | None = None  # why a sheet with register words is no register

    def __getstate__(self) -> dict[str, Any]:
        """Records travel between processes as tuples (see `records.pack`)."""
        return {**self.__dict__, "records": pack(self.records)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, records=unpack(state["records"]))

    @property
    def errors(self) -> int:
        return sum(1 for x in self.problems if x.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for x in self.problems if x.severity is Severity.WARNING)


def sheet_year(above: list[list[Any]], ctx: SheetContext) -> tuple[int | None, bool]:
    """The year for dates typed without one, and whether it is known rather than assumed.

    In order: the sheet's title (or name), the file name, the settings sheet; else None,
    the as-of date's (the most recent such day, see `ReadContext`), which is an
    assumption when no as-of date was asked for.
    """
    for row in above:
        for cell in row:
            if isinstance(cell, str) and (year := year_in(cell)):
                return year, True
    year = year_in(ctx.sheet) or ctx.file_year or ctx.settings_year
    if year:
        return year, True
    return None, ctx.as_of_given


def fill_merged(
    grid: list[list[Any]], ranges: list[tuple[tuple[int, int], tuple[int, int]]]
) -> None:
    """Give every row of a vertically merged cell its value (in place).

    A rep who merges the date cell over all of a day's calls means that date for each
    of them; a spreadsheet stores it in the top cell only. Merges within one row
    (titles, notes, group headings) are left as they are.
    """
    for (r0, c0), (r1, _c1) in ranges:
        if r1 <= r0 or r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0 + 1, min(r1, len(grid) - 1) + 1):
            if c0 < len(grid[r]):
                grid[r][c0] = value


def read_grid(grid: list[list[Any]], ctx: SheetContext) -> SheetResult:
    """Turn one sheet's cells into records and located problems."""
    match = find_header(grid, ctx.sheet, PurePath(ctx.file).stem)
    if match is None:
        return SheetResult(ctx.file, ctx.sheet, None)
    if isinstance(match, NearMiss):
        return SheetResult(ctx.file, ctx.sheet, None, near_miss=match)
    register = REGISTERS[match.register]
    above = grid[: match.first_row]
    year, year_known = sheet_year(above, ctx)
    read_ctx = ReadContext(year=year, year_known=year_known, today=ctx.as_of)
    default_rep = sheet_rep(above) or ctx.settings_rep or ctx.owner_rep
    result = SheetResult(ctx.file, ctx.sheet, register.name, match.row + 1, rep=default_rep)
    _SheetReader(register, match, ctx, read_ctx, default_rep, result).read(grid[match.row + 1 :])
    return result


_Extra = tuple[str, tuple[Any, ...], dict[Any, str]]
"""A column no field claims: (its header, its cells, the text of each distinct value)."""
_Outcome = tuple[Any, tuple[Finding, ...], bool]
"""A cell value read: (the value, what was found about it, whether that is an error)."""


class _SheetReader:
    """Reads the data rows of one sheet, column by column.

    A register column holds few distinct values (dates, yes/no, grades, reps) or values
    read once each (phones), so each distinct value is parsed once and every cell looks
    its outcome up; rows are then assembled from the columns. Reading cells this way
    costs a fraction of what opening the workbook does (see tests/benchmarks).
    """

    def __init__(
        self,
        register: Register,
        match: HeaderMatch,
        ctx: SheetContext,
        read_ctx: ReadContext,
        default_rep: str | None,
        result: SheetResult,
    ) -> None:
        self.register = register
        self.ctx = ctx
        self.read_ctx = read_ctx
        self.default_rep = default_rep
        self.result = result
        self.columns = sorted((c, register.by_name[name]) for c, name in match.columns.items())
        self.column_of = {f.name: c for c, f in self.columns}
        self.headers = match.headers
        self.header_row = match.row + 1
        self.missing = [
            f
            for f in register.fields
            if f.required and f.name not in self.column_of and f.name != "rep"
        ]
        self.rep_unknown = default_rep is None and "rep" not in self.column_of
        self.future_checked = FUTURE_CHECKED.get(register.name, frozenset())
        self.values: dict[str, list[Any]] = {}
        self.found: list[tuple[int, int | None, Finding, Field | None]] = []
        self.error_rows: set[int] = set()

    # --- one distinct value --------------------------------------------------------------

    def _outcome(self, f: Field, raw: Any) -> _Outcome:
        if raw is None or (raw.__class__ is str and (not raw or raw.isspace())):
            if f.name == "rep" and self.default_rep:
                return self.default_rep, (), False
            if f.required:
                return None, (p.REQUIRED_MISSING.at(""),), True
            return (False if f.kind is Kind.YES_NO else None), (), False
        if isinstance(raw, str) and raw.lstrip()[:1] == "#" and raw.strip().upper() in ERROR_VALUES:
            return None, (p.VALUE_ERROR.at(raw.strip()),), True
        warnings = self.read_ctx.warnings
        try:
            value = PARSERS[f.kind](raw, self.read_ctx)
        except ValueProblem as problem:
            warnings.clear()
            return None, (problem.finding,), True
        found: tuple[Finding, ...] = ()
        if warnings:
            found = tuple(warnings)
            warnings.clear()
        if f.name in self.future_checked and rules.is_future(value, self.ctx.as_of):
            found += (p.DATE_FUTURE.at(raw, today=self.ctx.as_of.isoformat()),)
        return value, found, False

    def _read_column(
        self, c: int, f: Field, col: tuple[Any, ...], distinct: set[Any], is_data: list[bool]
    ) -> None:
        """Parse each distinct value once; note the findings of the data cells."""
        if (True in distinct or False in distinct) and _mixes_bools(col):
            # True == 1 and False == 0 share a set slot: read such a column cell by cell
            outcomes = [self._outcome(f, v) for v in col]
            self.values[f.name] = [out[0] for out in outcomes]
            for i, (_value, found, error) in enumerate(outcomes):
                if found and is_data[i]:
                    self._found(i, c, f, found, error)
            return
        by_value = {v: self._outcome(f, v) for v in distinct}
        self.values[f.name] = list(map({v: out[0] for v, out in by_value.items()}.get, col))
        bad = {v for v, out in by_value.items() if out[1]}
        if bad:
            for i, v in enumerate(col):
                if v in bad and is_data[i]:
                    _value, found, error = by_value[v]
                    self._found(i, c, f, found, error)

    def _found(self, i: int, c: int, f: Field, found: tuple[Finding, ...], error: bool) -> None:
        self.found.extend((i, c, finding, f) for finding in found)
        if error:
            self.error_rows.add(i)

    # --- the sheet -----------------------------------------------------------------------

    def read(self, body: list[list[Any]]) -> None:
        width = max([len(r) for r in body] + [c + 1 for c, _ in self.columns] + [0])
        if any(len(r) != width for r in body):
            body = [list(r) + [""] * (width - len(r)) for r in body]
        cols: list[tuple[Any, ...]] = list(zip(*body, strict=True)) if body else [()] * width
        distinct = [set(col) for col in cols]
        data, skipped = data_rows(body, distinct)
        self.result.rows = len(data) + sum(skipped.values())
        self.result.skipped = skipped
        is_data = [False] * len(body)
        for i in data:
            is_data[i] = True
        for c, f in self.columns:
            self._read_column(c, f, cols[c], distinct[c], is_data)
        blocked = bool(self.missing) or self.rep_unknown
        good = [] if blocked else [i for i in data if i not in self.error_rows]
        if self.register.name == "leads":
            self._grades(data, cols)
        elif self.register.name == "shipments":
            good = self._amounts(good, cols)
        extras = self._extra_columns(cols)
        kept = self._without_duplicates(good, extras)
        self.result.valid = len(kept)
        self.result.duplicates = len(good) - len(kept)
        self.result.error_rows = len(data) - len(good)
        if self.ctx.keep_records:
            self.result.records = self._records(kept, len(body), extras)
        place = (self.ctx.file, self.ctx.sheet, self.header_row)
        self.found, failing = failing_columns(self.found, len(data), self.headers, *place)
        self.result.problems = self._sheet_problems() + failing + self._cell_problems()

    # --- rules across a row's fields -----------------------------------------------------

    def _grades(self, data: list[int], cols: list[tuple[Any, ...]]) -> None:
        """`grade` is the rule's grade when any stage fact is filled in, else the typed one;
        `grade_typed` keeps what was typed; a typed grade the facts contradict is a warning."""
        n = len(cols[0]) if cols else 0
        typed = self.values.get("grade", [None] * n)
        self.values[GRADE_TYPED.name] = typed
        facts = [
            (name, self.column_of[name]) for name in rules.STAGE_FACTS if name in self.column_of
        ]
        if not facts:
            self.values["grade"] = typed
            return
        graded = list(typed)
        grade_col = self.column_of.get("grade")
        for i in data:
            if not any(not is_blank(cols[c][i]) for _name, c in facts):
                continue
            computed = rules.grade(**{name: bool(self.values[name][i]) for name, _c in facts})
            graded[i] = computed
            if grade_col is not None and rules.grade_disagrees(typed[i], computed):
                finding = p.GRADE_DISAGREES.at(cols[grade_col][i], expected=computed or "无/none")
                self.found.append((i, grade_col, finding, self.register.by_name["grade"]))
        self.values["grade"] = graded

    def _amounts(self, good: list[int], cols: list[tuple[Any, ...]]) -> list[int]:
        """An order line's amount, if typed, must be quantity × unit price to the cent;
        a blank amount is computed."""
        if "quantity" not in self.values or "unit_price" not in self.values:
            return good
        n = len(cols[0])
        qty, price = self.values["quantity"], self.values["unit_price"]
        amount = self.values.setdefault("amount", [None] * n)
        amount_col = self.column_of.get("amount")
        kept = []
        for i in good:
            expected = rules.line_amount(qty[i], price[i])
            if amount[i] is None:
                amount[i] = expected
            elif amount_col is not None and not rules.amount_agrees(amount[i], qty[i], price[i]):
                finding = p.AMOUNT_MISMATCH.at(cols[amount_col][i], expected=f"{expected:.2f}")
                self.found.append((i, amount_col, finding, self.register.by_name["amount"]))
                continue
            kept.append(i)
        return kept

    def _without_duplicates(self, good: list[int], extras: list[_Extra]) -> list[int]:
        """Without the rows that repeat an earlier valid row in every field (its typed
        values and its extra columns): a warning each, not counted again.

        Rows that differ in anything are separate records even when they share a natural
        key (a redial of the same number on the same day, a second shipment batch of one
        order line); the store tells those apart by their order (`#2`).
        """
        columns = [
            *self.values.values(),
            *(list(map(shown.__getitem__, col)) for _h, col, shown in extras),
        ]
        every = list(zip(*columns, strict=True)) if columns else []
        rows = [every[i] for i in good]
        if len(set(rows)) == len(rows):
            return good
        first: dict[tuple[Any, ...], int] = {}
        kept = []
        for i, row in zip(good, rows, strict=True):
            j = first.setdefault(row, i)
            if j == i:
                kept.append(i)
                continue
            finding = p.ROW_DUPLICATE.at("", first_row=self._excel_row(j), key=self._key_text(i))
            self.found.append((i, None, finding, None))
        return kept

    def _key_text(self, i: int) -> str:
        """Row `i`'s natural key as the rep reads it in a duplicate's message."""
        parts = []
        for name in self.register.natural_key:
            column = self.values.get(name)
            value = (
                column[i] if column is not None else (self.default_rep if name == "rep" else None)
            )
            parts.append(rules.key_part(name, value))
        return " / ".join(k for k in parts if k)

    # --- output --------------------------------------------------------------------------

    def _excel_row(self, i: int) -> int:
        return self.header_row + 1 + i

    def _records(self, good: list[int], n: int, extras: list[_Extra]) -> list[Record]:
        model = MODELS[self.register.name]
        base = defaults(model)
        if "rep" not in self.values:
            base["rep"] = self.default_rep
        names = list(self.values)
        rows = list(zip(*self.values.values(), strict=True)) if names else [()] * n
        file, sheet, first = self.ctx.file, self.ctx.sheet, self._excel_row(0)
        records = []
        for i in good:
            values = base.copy()
            values.update(zip(names, rows[i], strict=True))
            values["source"] = build(SourceRef, {"file": file, "sheet": sheet, "row": first + i})
            values["extra"] = (
                {h: t for h, col, shown in extras if (t := shown[col[i]])} if extras else {}
            )
            records.append(build(model, values))
        return records

    def _extra_columns(self, cols: list[tuple[Any, ...]]) -> list[_Extra]:
        """Columns no field claims, as (header, cells, text of each distinct value).

        A column without a header keeps its cells under its letter, and a header used
        twice names its second column with the letter too (`备注 (K)`), so nothing typed
        in the table is lost.
        """
        out = []
        names: set[str] = set()
        for c, col in enumerate(cols):
            if c in self.column_of.values():
                continue
            shown = {v: display(v).strip() for v in set(col)}
            if c in self.headers or any(shown.values()):
                name = self.headers.get(c, column_letter(c))
                if name in names:
                    name = f"{name} ({column_letter(c)})"
                names.add(name)
                out.append((name, col, shown))
        return out

    def _sheet_problems(self) -> list[Problem]:
        ctx, row = self.ctx, self.header_row
        out = [
            Problem.place(
                p.COLUMN_MISSING.at(header=f.header_zh),
                ctx.file,
                ctx.sheet,
                row,
                None,
                f.header_zh,
                f.name,
            )
            for f in self.missing
        ]
        if self.rep_unknown:
            out.append(
                Problem.place(p.REP_MISSING.at(""), ctx.file, ctx.sheet, row, None, None, "rep")
            )
        return out

    def _cell_problems(self) -> list[Problem]:
        self.found.sort(key=lambda x: (x[0], x[1] if x[1] is not None else 1 << 30))
        seen: set[str] = set()
        out = []
        for i, c, finding, f in self.found:
            code = finding.kind.code
            if code in _ONCE_PER_SHEET:
                if code in seen:
                    continue
                seen.add(code)
            header = (
                None
                if f is None
                else f.header_zh
                if c is None
                else self.headers.get(c, f.header_zh)
            )
            out.append(
                Problem.place(
                    finding,
                    self.ctx.file,
                    self.ctx.sheet,
                    self._excel_row(i),
                    column_letter(c) if c is not None else None,
                    header,
                    f.name if f is not None else None,
                )
            )
        return out


def _mixes_bools(col: tuple[Any, ...]) -> bool:
    """TRUE/FALSE cells beside numbers: 1 and True would look the same up."""
    types = set(map(type, col))
    return bool in types and (int in types or float in types)
