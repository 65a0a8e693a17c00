"""Where a sheet's table starts: its header row (or two stacked rows), the register
the header names by evidence (`evidence`), and what the rows above it say (whose sheet
it is, which year). A sheet whose header names no register comes back as the closest
`NearMiss`, which says why it is skipped.

Pure functions over a list of rows of raw cell values, like `table`, which reads the
rows under the header this module finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .evidence import DEFINING, NearMiss, in_context, missing_groups
from .problems import display
from .registers import (
    HEADER_INDEX,
    KNOWN_HEADERS,
    REGISTERS,
    REP_WORDS,
    Register,
    match_header,
    normalize_header,
)
from .values import is_blank

HEADER_SEARCH_ROWS = 30
_REP_LABEL = re.compile(
    r"^\s*(" + "|".join(map(re.escape, sorted(REP_WORDS, key=len, reverse=True))) + r")\s*[:：]\s*"
    r"(\S.*?)(?=\s{2,}|\s+\S+\s*[:：]|\s*$)",
    re.IGNORECASE,
)
_REP_WORDS = {normalize_header(w) for w in REP_WORDS}
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年|(?<!\d)(20\d{2})(?!\d)")


def year_in(text: str) -> int | None:
    """A year written in a title or file name (`电话记录表 2026年11月`, `calls_2026-11`)."""
    m = _YEAR.search(text)
    return int(m[1] or m[2]) if m else None


@dataclass(frozen=True)
class HeaderMatch:
    """The header row of a sheet and what its columns are.

    `row` is the last header row (data starts below it); `top` is the first one, which
    differs when a merged group heading (`客户信息` over 客户名称 / 联系人 / 电话) makes
    the header two rows tall.
    """

    register: str
    row: int
    columns: dict[int, str]
    headers: dict[int, str]
    top: int | None = None

    @property
    def first_row(self) -> int:
        return self.row if self.top is None else self.top


def find_header(
    grid: list[list[Any]], sheet_name: str = "", file_name: str = ""
) -> HeaderMatch | NearMiss | None:
    """The row (or two stacked rows) and register whose headers are its evidence.

    A candidate counts only when it has every defining column of its register
    (`evidence.DEFINING`, with `单位` read in context); among those, most distinct
    fields matched wins, then the sheet's name and then the file's name (电话, 拜访,
    visits…) break a tie, then the number of required fields, then the higher row.
    When none counts, the closest candidate comes back as a `NearMiss`, so the sheet
    can be skipped with a note that says why; None when no row holds a known header.
    """
    best: tuple[tuple[int, int, int, int, int], HeaderMatch] | None = None
    near: tuple[tuple[int, int, int, int], NearMiss] | None = None
    rows = grid[: HEADER_SEARCH_ROWS + 1]
    texts = [[_header_text(c) for c in row] for row in rows]
    names = (normalize_header(sheet_name), normalize_header(file_name))
    named = {
        r.name: tuple(int(any(normalize_header(w) in n for w in r.sheet_words)) for n in names)
        for r in REGISTERS.values()
    }
    for r in range(min(len(rows), HEADER_SEARCH_ROWS)):
        if not any(t and match_header(KNOWN_HEADERS, t) for t in texts[r]):
            continue  # no known header in the row: neither a header nor its upper half
        for register in REGISTERS.values():
            single = _match_rows(register, rows, texts, r, r)
            candidates = [single]
            if r + 1 < len(rows) and _all_text(rows[r + 1]):
                stacked = _match_rows(register, rows, texts, r, r + 1)
                lower = _match_rows(register, rows, texts, r + 1, r + 1)
                if len(stacked.columns) > max(len(single.columns), len(lower.columns)):
                    candidates.append(stacked)
            for match in candidates:
                fields = set(match.columns.values())
                matched = len(fields)
                required = sum(1 for f in fields if register.by_name[f].required)
                missing = missing_groups(register.name, fields)
                if missing:
                    met = len(DEFINING[register.name]) - len(missing)
                    closeness = (met, matched + required, sum(named[register.name]), -match.row)
                    if near is None or closeness > near[0]:
                        near = (closeness, _near_miss(register, match, missing))
                    continue
                sheet_named, file_named = named[register.name]
                score = (matched, sheet_named, file_named, required, -match.row)
                if best is None or score > best[0]:
                    best = (score, match)
    if best is not None:
        return best[1]
    return near[1] if near is not None else None


def _near_miss(register: Register, match: HeaderMatch, missing: list[frozenset[str]]) -> NearMiss:
    """What a candidate that is not its register had (its defining columns, as typed)
    and which defining groups it lacked."""
    defining = frozenset().union(*DEFINING[register.name])
    return NearMiss(
        register.name,
        tuple(match.headers[c] for c, f in sorted(match.columns.items()) if f in defining),
        frozenset(match.columns.values()),
        tuple(missing),
    )


def _header_text(cell: Any) -> str:
    return cell.strip() if isinstance(cell, str) else ""


def _all_text(row: list[Any]) -> bool:
    """A row that could be the lower half of a header: text and blanks only."""
    return any(_header_text(c) for c in row) and all(isinstance(c, str) or c is None for c in row)


def _match_rows(
    register: Register, rows: list[list[Any]], texts: list[list[str]], top: int, bottom: int
) -> HeaderMatch:
    """Match one header row, or two: the lower row names the columns the upper leaves
    blank or heads with a group title."""
    index = HEADER_INDEX[register.name]
    columns: dict[int, str] = {}
    headers: dict[int, str] = {}
    width = max(len(texts[top]), len(texts[bottom]))
    for c in range(width):
        for r in (top, bottom) if top != bottom else (top,):
            text = texts[r][c] if c < len(texts[r]) else ""
            if not text:
                continue
            field_name = match_header(index, text)
            if r == bottom and c in columns:
                continue  # the upper row already names this column
            headers[c] = text
            if field_name is not None and field_name not in columns.values():
                columns[c] = field_name
    columns = in_context(columns, headers)
    return HeaderMatch(register.name, bottom, columns, headers, top if top != bottom else None)


def sheet_rep(above: list[list[Any]]) -> str | None:
    """A `销售员: 张三` (or `rep: …`) cell above the header, or a label cell followed by the name."""
    for row in above:
        for c, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            if m := _REP_LABEL.match(cell):
                return m[2]
            label = normalize_header(cell)
            if label in _REP_WORDS:
                rest = [x for x in row[c + 1 :] if not is_blank(x) and x != cell]
                if rest:
                    return display(rest[0]).strip()
    return None
