"""Every formula the templates write uses only what `docs/formula-compatibility.md`
lists, and that table and its data (`formula_compatibility.py`) say the same."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from sheets_templates.words import LANGS
from sync.templates_xlsx import write_templates

from .formula_compatibility import CONSTRUCTS, FUNCTIONS, outside_the_table, parts

DOC = Path(__file__).resolve().parents[2] / "docs" / "formula-compatibility.md"


def _formulas(path: Path) -> list[tuple[str, bool, bool]]:
    """Every formula of a workbook as (text, is an array formula, is a conditional format)."""
    book = openpyxl.load_workbook(path)
    out = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, ArrayFormula):
                    out.append((str(c.value.text), True, False))
                elif isinstance(c.value, str) and c.value.startswith("="):
                    out.append((c.value, False, False))
        for rules_ in ws.conditional_formatting:
            out += [(f, False, True) for rule in rules_.rules for f in rule.formula]
    return out


@pytest.fixture(scope="module", params=LANGS)
def formulas(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    paths = write_templates(tmp_path_factory.mktemp(f"compat-{request.param}"), request.param)
    return [f for p in paths if p.suffix in (".xlsx", ".xlsm") for f in _formulas(p)]


def test_every_template_formula_uses_only_the_table(formulas):
    assert len(formulas) > 1000
    assert any(array for _f, array, _cf in formulas)  # the Today counts
    outside = {f: outside_the_table(f, array) for f, array, _cf in formulas}
    assert {f: what for f, what in outside.items() if what} == {}


def test_every_function_of_the_table_is_used(formulas):
    """No row of the table is dead: each is what some twin needs."""
    used = set().union(*(parts(f, array).functions for f, array, _cf in formulas))
    assert used == FUNCTIONS


def test_formulas_fit_every_engine_limits(formulas):
    assert all(len(f) < 8192 for f, _a, _cf in formulas)
    assert all(len(f) <= 255 for f, _a, cf in formulas if cf)


@pytest.mark.parametrize(
    ("formula", "array", "outside"),
    [
        ('=OR(TRIM(A1)={"1","是"})', False, {"inline array"}),
        ("=MATCH(TRIM(A1),$Z$1:$Z$9,0)", False, {"MATCH"}),
        ('=COUNTIF(A:A,"是*")', False, {"COUNTIF", "wildcard criteria"}),
        ("=SUMPRODUCT(Table1[Sales])", False, {"structured reference"}),
        ("=FILTER(A1:A9,B1:B9=1)", False, {"FILTER"}),
        ('=SUMPRODUCT(--(TRIM(A1:A9)="是"))', True, set()),
        ('=IF(ISNUMBER(\'表[1]\'!$B$5),"{x}","")', False, set()),
    ],
)
def test_the_check_catches_what_the_table_leaves_out(formula, array, outside):
    assert outside_the_table(formula, array) == outside


def _doc_rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 7 and not set(cells[0]) <= {"-"}:
            rows[cells[0]] = cells[1:]
    rows.pop("Function / construct")
    return rows


def test_the_doc_table_is_the_data():
    rows = _doc_rows()
    assert set(rows) == FUNCTIONS | CONSTRUCTS


def test_every_cited_source_is_listed():
    text = DOC.read_text(encoding="utf-8")
    cited = {
        ref for cells in _doc_rows().values() for c in cells for ref in re.findall(r"\[(\w+)\]", c)
    }
    listed = set(re.findall(r"^- \[(\w+)\] ", text, re.MULTILINE))
    assert cited and cited == listed
