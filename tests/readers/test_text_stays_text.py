"""Text that looks like a formula (`=`, `+`, `-`, `@`) is stored as text and carries
Excel's `quotePrefix` style, in every writer that writes text someone typed: the
master, the rep workbook, the marked copy's 问题 sheet. Other text carries no such
style (a quote prefix on every cell would hide nothing but cost a style each)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from sheets_templates.templates import rep_template
from sync.templates_xlsx import write_rep_workbook

from .conftest import FORMULA_LIKE, Written


def quoted_texts(path: Path, sheet: str) -> dict[str, bool]:
    """Each text cell of a sheet: whether it carries `quotePrefix`."""
    ws = openpyxl.load_workbook(path)[sheet]
    return {
        c.value: bool(c.quotePrefix)
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "s" and isinstance(c.value, str)
    }


def test_the_master_keeps_typed_formulas_as_quoted_text(written: Written) -> None:
    cells = quoted_texts(written.files["master"], "电话记录")
    assert {text: cells[text] for text in FORMULA_LIKE} == dict.fromkeys(FORMULA_LIKE, True)
    assert cells["备注"] is False and cells["甲"] is False  # a header, a rep


def test_the_marked_copy_lists_a_formula_like_value_as_quoted_text(written: Written) -> None:
    cells = quoted_texts(written.files["marked copy"], "问题")
    assert cells["+86 abc"] is True
    assert cells["工作表"] is False


def test_the_rep_workbook_keeps_typed_formulas_as_quoted_text(tmp_path: Path) -> None:
    notes = [{"customer": "远东", "phone": "13800000000", "notes": n} for n in FORMULA_LIKE]
    path = write_rep_workbook(
        tmp_path / "rep.xlsx", rep_template("zh"), {"calls": notes}, {"rep": "=甲"}
    )
    cells = quoted_texts(path, "电话记录")
    assert {text: cells[text] for text in FORMULA_LIKE} == dict.fromkeys(FORMULA_LIKE, True)
    assert cells["远东"] is False
    assert quoted_texts(path, "设置")["=甲"] is True  # a setting, typed the same way
