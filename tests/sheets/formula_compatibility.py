"""The compatibility table of `docs/formula-compatibility.md` as data, and the reader
that takes a formula apart into the functions and constructs it uses.

A twin may use only what the table lists: each function there was looked up in every
engine's documentation (the doc names the source of each cell), and the parity tests
recalculate them in LibreOffice and Gnumeric. Anything else — a new function, an inline
array `{…}`, a structured reference `Table[Col]`, a wildcard in a criteria argument —
is an implicit assumption about engines nobody checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FUNCTIONS = frozenset(
    {
        "ABS", "AND", "DAY", "HOUR", "IF", "INT", "ISNUMBER", "LEFT", "LEN", "MAX", "MIN",
        "MINUTE", "MONTH", "NOT", "NOW", "OR", "ROUND", "SUBSTITUTE", "SUMPRODUCT", "TIME",
        "TODAY", "TRIM", "YEAR",
    }
)  # fmt: skip
"""Every function a twin may call (the doc's function rows)."""

CONSTRUCTS = frozenset({"array formula"})
"""Every construct beyond plain references, operators and literals (the doc's construct
rows): a single-cell array formula (`t="array"` in the xlsx, ARRAYFORMULA in Sheets)."""

CRITERIA_FUNCTIONS = frozenset(
    {"COUNTIF", "COUNTIFS", "SUMIF", "SUMIFS", "AVERAGEIF", "AVERAGEIFS", "MATCH",
     "VLOOKUP", "HLOOKUP", "SEARCH", "XLOOKUP", "XMATCH", "MAXIFS", "MINIFS"}
)  # fmt: skip
"""Functions whose text arguments may be read as wildcard patterns (`?`, `*`, `~`)."""

_STRING = re.compile(r'"(?:[^"]|"")*"')
_SHEET = re.compile(r"'(?:[^']|'')*'!")
_FUNCTION = re.compile(r"([A-Z][A-Z0-9._]*)\s*\(", re.IGNORECASE)
_STRUCTURED = re.compile(r"[A-Za-z_\u4e00-\u9fff][\w.]*\[")


@dataclass
class Parts:
    """What one formula uses: function names, and constructs outside the plain grammar."""

    functions: set[str] = field(default_factory=set)
    constructs: set[str] = field(default_factory=set)


def parts(formula: str, array: bool = False) -> Parts:
    """The functions and constructs of a formula (`array`: written as an array formula)."""
    found = Parts(constructs={"array formula"} if array else set())
    strings = _STRING.findall(formula)
    bare = _SHEET.sub("Sheet!", _STRING.sub('""', formula))
    found.functions = {name.upper() for name in _FUNCTION.findall(bare)}
    if "{" in bare:
        found.constructs.add("inline array")
    if _STRUCTURED.search(bare):
        found.constructs.add("structured reference")
    if found.functions & CRITERIA_FUNCTIONS and any(ch in s for s in strings for ch in "?*~"):
        found.constructs.add("wildcard criteria")
    return found


def outside_the_table(formula: str, array: bool = False) -> set[str]:
    """What a formula uses that the compatibility table does not list (empty: all listed)."""
    used = parts(formula, array)
    return (used.functions - FUNCTIONS) | (used.constructs - CONSTRUCTS)
