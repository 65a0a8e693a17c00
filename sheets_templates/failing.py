"""A column whose cells nearly all fail the same way, said once for its sheet.

An export whose 有效通话 column is blank in 19,998 of 20,000 rows is one problem, not
19,998: listed row by row it would bury every other problem on the master's
data-problems sheet and in `check`. The rows are still rows with errors (not valid
records); only the telling is shortened. `table` reads the rows and calls this on what
it found.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import problems as p
from .problems import Finding, Problem, Severity, column_letter
from .registers import Field

Found = tuple[int, int | None, Finding, Field | None]
"""What the reader found: (data row index, column index or None, finding, field)."""

NEARLY_ALL = 0.9
NEARLY_ALL_MIN_ROWS = 20
"""A column failing the same way in at least this share of a sheet's rows, and in at
least this many rows, is reported once at sheet level."""


def failing_columns(
    found: list[Found],
    rows: int,
    headers: Mapping[int, str],
    file: str,
    sheet: str,
    header_row: int,
) -> tuple[list[Found], list[Problem]]:
    """The findings left to report cell by cell, and one sheet-level problem per column
    whose errors of one code cover nearly all `rows` (placed at the header cell, naming
    the count and the first such cell's message)."""
    if rows < NEARLY_ALL_MIN_ROWS:
        return found, []
    hits: dict[tuple[int, str], set[int]] = {}
    for i, c, finding, _f in found:
        if c is not None and finding.kind.severity is Severity.ERROR:
            hits.setdefault((c, finding.kind.code), set()).add(i)
    failing = {key for key, at in hits.items() if len(at) >= NEARLY_ALL * rows}
    if not failing:
        return found, []
    first: dict[tuple[int, str], tuple[int, Finding, Field | None]] = {}
    kept = []
    for i, c, finding, f in found:
        if c is None or (c, finding.kind.code) not in failing:
            kept.append((i, c, finding, f))
        elif (c, finding.kind.code) not in first or i < first[c, finding.kind.code][0]:
            first[c, finding.kind.code] = (i, finding, f)
    out = []
    for (c, code), (i, finding, f) in sorted(first.items()):
        header = headers.get(c, f.header_zh if f else "")
        example = Problem.place(finding, file, sheet, header=header)
        kind = p.COLUMN_MOSTLY_EMPTY if code == p.REQUIRED_MISSING.code else p.COLUMN_MOSTLY_INVALID
        said = kind.at(
            "",
            count=f"{len(hits[c, code]):,}",
            rows=f"{rows:,}",
            first_row=header_row + 1 + i,
            first_zh=example.message_zh,
            first_en=example.message_en,
        )
        column = column_letter(c)
        name = f.name if f else None
        out.append(Problem.place(said, file, sheet, header_row, column, header, name))
    return kept, out
