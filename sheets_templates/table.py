"""What a sheet's grid of cells means: where its header is, which register it is, and
which of its rows are valid records.

Pure functions over a list of rows of raw cell values, so an Excel sheet, a CSV file
and a Google Sheets tab all go through the same code. Row and column numbers in
problems are the ones the rep sees in Excel (1-based rows, letters for columns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import problems as p
from . import rules
from .problems import Finding, Problem, Severity, ValueProblem, column_letter, display
from .records import MODELS, Record, SourceRef
from .registers import HEADER_INDEX, REGISTERS, Kind, Register, normalize_header
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

PARSERS = {
    Kind.TEXT: parse_text,
    Kind.DATE: parse_date,
    Kind.TIME: parse_time,
    Kind.PHONE: parse_phone,
    Kind.YES_NO: parse_yes_no,
    Kind.GRADE: parse_grade,
    Kind.MONEY: parse_money,
    Kind.QUANTITY: parse_quantity,
}
_CACHED_KINDS = {Kind.DATE, Kind.TIME, Kind.YES_NO, Kind.GRADE, Kind.MONEY, Kind.QUANTITY}

HEADER_SEARCH_ROWS = 30
MIN_HEADER_FIELDS = 3
_TOTALS = re.compile(r"^\s*(合\s*计|总\s*计|小\s*计|共计|total|subtotal|sum)\b", re.IGNORECASE)
_NOTE = re.compile(r"^\s*(注|备注|说明|制表|填表|审核人?|note|notes)\s*[:：]", re.IGNORECASE)
_REP_LABEL = re.compile(
    r"^\s*(销售员|业务员|销售人员|销售|负责人|姓名|rep|salesperson|sales rep)\s*[:：]\s*(\S.*?)\s*$",
    re.IGNORECASE,
)
_REP_WORDS = {
    normalize_header(w) for w in ("销售员", "业务员", "销售人员", "负责人", "rep", "salesperson")
}
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年|(?<!\d)(20\d{2})(?!\d)")
_EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!"}


def year_in(text: str) -> int | None:
    """A year written in a title or file name (`电话记录表 2026年11月`, `calls_2026-11`)."""
    m = _YEAR.search(text)
    return int(m[1] or m[2]) if m else None


@dataclass(frozen=True)
class HeaderMatch:
    """The header row of a sheet and what its columns are."""

    register: str
    row: int
    columns: dict[int, str]
    headers: dict[int, str]

    @property
    def extras(self) -> dict[int, str]:
        """Columns no register field claims: kept with the record, never an error."""
        return {c: h for c, h in self.headers.items() if c not in self.columns}


def find_header(grid: list[list[Any]], sheet_name: str = "") -> HeaderMatch | None:
    """The row and register whose headers match best among the first rows.

    Most distinct fields matched wins; the sheet's name (电话, 拜访, visits…) breaks a
    tie between registers. A row needs at least three known headers to count, so a
    title like `电话记录表` is never taken for a header.
    """
    best: tuple[tuple[int, int, int], HeaderMatch] | None = None
    name = normalize_header(sheet_name)
    for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        texts = [normalize_header(c) if isinstance(c, str) and c.strip() else "" for c in row]
        if sum(1 for t in texts if t) < MIN_HEADER_FIELDS:
            continue
        for register in REGISTERS.values():
            match = _match_row(register, r, row, texts)
            matched = len(match.columns)
            if matched < MIN_HEADER_FIELDS:
                continue
            required = sum(1 for f in match.columns.values() if register.by_name[f].required)
            named = int(any(normalize_header(w) in name for w in register.sheet_words))
            score = (matched + required, named, -r)
            if best is None or score > best[0]:
                best = (score, match)
    return best[1] if best else None


def _match_row(register: Register, r: int, row: list[Any], texts: list[str]) -> HeaderMatch:
    index = HEADER_INDEX[register.name]
    columns: dict[int, str] = {}
    headers: dict[int, str] = {}
    for c, text in enumerate(texts):
        if not text:
            continue
        headers[c] = str(row[c]).strip()
        name = index.get(text)
        if name is not None and name not in columns.values():
            columns[c] = name
    return HeaderMatch(register.name, r, columns, headers)


@dataclass
class SheetContext:
    """What the grid alone does not say: the file it came from and whose it is."""

    file: str
    sheet: str
    as_of: date
    owner_rep: str | None = None
    settings_rep: str | None = None
    settings_year: int | None = None
    file_year: int | None = None


@dataclass
class SheetResult:
    """One sheet read: its register, its valid records and its problems."""

    file: str
    sheet: str
    kind: str | None
    header_row: int | None = None
    rows: int = 0
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rep: str | None = None
    valid: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for x in self.problems if x.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for x in self.problems if x.severity is Severity.WARNING)


def sheet_rep(above: list[list[Any]]) -> str | None:
    """A `销售员: 张三` (or `rep: …`) cell above the header, or a label cell followed by the name."""
    for row in above:
        for c, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            if m := _REP_LABEL.match(cell):
                return m[2]
            if normalize_header(cell) in _REP_WORDS:
                rest = [x for x in row[c + 1 :] if not is_blank(x)]
                if rest:
                    return display(rest[0]).strip()
    return None


def _title_year(above: list[list[Any]], sheet: str) -> int | None:
    for row in above:
        for cell in row:
            if isinstance(cell, str) and (y := year_in(cell)):
                return y
    return year_in(sheet)


def _is_furniture(row: list[Any]) -> bool:
    """A totals row (合计/总计/小计) or a note under the table: not a record."""
    filled = [c for c in row if not is_blank(c)]
    if any(isinstance(c, str) and _TOTALS.match(c) for c in filled[:3]):
        return True
    return len(filled) == 1 and isinstance(filled[0], str) and bool(_NOTE.match(filled[0]))


def read_grid(grid: list[list[Any]], ctx: SheetContext) -> SheetResult:
    """Turn one sheet's cells into records and located problems."""
    match = find_header(grid, ctx.sheet)
    if match is None:
        return SheetResult(ctx.file, ctx.sheet, None)
    register = REGISTERS[match.register]
    above = grid[: match.row]
    title_year = _title_year(above, ctx.sheet)
    year = title_year or ctx.file_year or ctx.settings_year
    read_ctx = ReadContext(
        year=year or ctx.as_of.year, year_known=year is not None, today=ctx.as_of
    )
    default_rep = sheet_rep(above) or ctx.settings_rep or ctx.owner_rep
    result = SheetResult(ctx.file, ctx.sheet, register.name, match.row + 1, rep=default_rep)
    reader = _RowReader(register, match, ctx, read_ctx, default_rep, result)
    for r in range(match.row + 1, len(grid)):
        row = grid[r]
        if all(is_blank(c) for c in row) or _is_furniture(row):
            continue
        result.rows += 1
        reader.read(row, r + 1)
    header_row = match.row + 1
    sheet_problems = [
        Problem.place(
            p.COLUMN_MISSING.at(header=f.header_zh),
            ctx.file,
            ctx.sheet,
            header_row,
            None,
            f.header_zh,
            f.name,
        )
        for f in reader.missing
        if f.name != "rep"
    ]
    if reader.rep_unknown:
        sheet_problems.append(
            Problem.place(p.REP_MISSING.at(""), ctx.file, ctx.sheet, header_row, None, None, "rep")
        )
    result.problems[:0] = sheet_problems
    result.valid = len(result.records)
    return result


class _RowReader:
    """Reads the data rows of one sheet, caching parses of repeated values per column."""

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
        self.model = MODELS[register.name]
        self.columns = [
            (c, register.by_name[name], column_letter(c)) for c, name in match.columns.items()
        ]
        self.headers = match.headers
        self.extras = list(match.extras.items())
        self.missing = [
            f for f in register.fields if f.required and f.name not in match.columns.values()
        ]
        self.rep_unknown = default_rep is None and "rep" not in match.columns.values()
        self.caches: dict[int, dict[Any, tuple[Any, tuple[Finding, ...]]]] = {
            c: {} for c, f, _ in self.columns if f.kind in _CACHED_KINDS
        }
        self.first_row_of_key: dict[tuple[str, ...], int] = {}
        self.today = ctx.as_of

    def _parse(self, c: int, f: Any, raw: Any) -> tuple[Any, tuple[Finding, ...]]:
        cache = self.caches.get(c)
        if cache is not None:
            hit = cache.get(raw)
            if hit is not None:
                return hit
        warnings = self.read_ctx.warnings
        try:
            value = PARSERS[f.kind](raw, self.read_ctx)
            out: tuple[Any, tuple[Finding, ...]] = (value, tuple(warnings))
        except ValueProblem as problem:
            out = (None, (problem.finding,))
        warnings.clear()
        if cache is not None:
            cache[raw] = out
        return out

    def read(self, row: list[Any], excel_row: int) -> None:
        values: dict[str, Any] = {}
        findings: list[tuple[Finding, int | None, Any]] = []
        width = len(row)
        for c, f, _letter in self.columns:
            raw = row[c] if c < width else None
            if isinstance(raw, str) and raw.strip() in _EXCEL_ERRORS:
                findings.append((p.VALUE_ERROR.at(raw), c, f))
                continue
            if is_blank(raw):
                if f.required and not (f.name == "rep" and self.default_rep):
                    findings.append((p.REQUIRED_MISSING.at(""), c, f))
                continue
            value, found = self._parse(c, f, raw)
            if value is not None:
                values[f.name] = value
            for finding in found:
                findings.append((finding, c, f))
        if "rep" not in values and self.default_rep:
            values["rep"] = self.default_rep
        findings.extend(self._rules(values))
        problems = [self._place(fd, excel_row, c, f) for fd, c, f in findings]
        self.result.problems.extend(problems)
        if self.missing and not (len(self.missing) == 1 and self.default_rep):
            return  # a required column is absent: reported once for the sheet
        if any(x.severity is Severity.ERROR for x in problems) or "rep" not in values:
            return
        key = rules.natural_key(self.register.name, values)
        first = self.first_row_of_key.get(key)
        if first is not None:
            finding = p.ROW_DUPLICATE.at("", first_row=first, key=" / ".join(k for k in key if k))
            self.result.problems.append(self._place(finding, excel_row, None, None))
            return
        self.first_row_of_key[key] = excel_row
        extra = {
            self.headers[c]: display(row[c]).strip()
            for c, _h in self.extras
            if c < width and not is_blank(row[c])
        }
        source = SourceRef.model_construct(file=self.ctx.file, sheet=self.ctx.sheet, row=excel_row)
        self.result.records.append(self.model.model_construct(source=source, extra=extra, **values))

    def _rules(self, values: dict[str, Any]) -> list[tuple[Finding, int | None, Any]]:
        """Rules across a row's fields: lead grades, order amounts, dates in the future."""
        out: list[tuple[Finding, int | None, Any]] = []
        name = self.register.name
        if name == "leads":
            typed = values.get("grade")
            values["grade_typed"] = typed
            if any(fact in values for fact in rules.STAGE_FACTS):
                computed = rules.grade(**{f: values.get(f, False) for f in rules.STAGE_FACTS})
                values["grade"] = computed
                if rules.grade_disagrees(typed, computed):
                    finding = p.GRADE_DISAGREES.at(typed, expected=computed or "无/none")
                    out.append((finding, self._column_of("grade"), self.register.by_name["grade"]))
        elif name == "shipments":
            qty, price, amount = (
                values.get("quantity"),
                values.get("unit_price"),
                values.get("amount"),
            )
            if qty is not None and price is not None:
                expected = rules.line_amount(qty, price)
                if amount is None:
                    values["amount"] = expected
                elif not rules.amount_agrees(amount, qty, price):
                    finding = p.AMOUNT_MISMATCH.at(amount, expected=f"{expected:.2f}")
                    out.append(
                        (finding, self._column_of("amount"), self.register.by_name["amount"])
                    )
        if name in ("calls", "visits"):
            day = values.get("date")
            if day is not None and day > self.today:
                finding = p.DATE_FUTURE.at(day, today=self.today.isoformat())
                out.append((finding, self._column_of("date"), self.register.by_name["date"]))
        return out

    def _column_of(self, field_name: str) -> int | None:
        for c, f, _ in self.columns:
            if f.name == field_name:
                return c
        return None

    def _place(self, finding: Finding, excel_row: int, c: int | None, f: Any) -> Problem:
        return Problem.place(
            finding,
            self.ctx.file,
            self.ctx.sheet,
            excel_row,
            column_letter(c) if c is not None else None,
            self._header(c, f),
            f.name if f is not None else None,
        )

    def _header(self, c: int | None, f: Any) -> str | None:
        """The header as the sheet shows it, so the rep finds the column."""
        if c is not None and c in self.headers:
            return self.headers[c]
        return f.header_zh if f is not None else None
