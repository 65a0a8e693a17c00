"""The rep's template where it used to hurt: phones, dropdowns, English words, printing.

The written files are opened again by LibreOffice (recalculated, and printed to PDF)
and checked as a rep would see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from sheets_templates.templates import PHONE_WIDTH, rep_template
from sync.templates_xlsx import write_rep_workbook

from . import libreoffice
from .libreoffice import in_ci

pytestmark = pytest.mark.libreoffice

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
"""Chinese characters and full-width forms: none may show in the English template."""
PHONES = ("13800138000", "0571-88886666-123", "010-12345678", "+86 139 0000 1111")
"""Phones as reps type them, landline with extension the longest."""


@dataclass
class Rendered:
    """The empty templates and a filled English one, as written and as LibreOffice saw them."""

    written: dict[str, Path]
    pdf_pages: dict[str, int]
    recalculated: dict[str, Path]


def _pages(pdf: Path) -> int:
    """A PDF's page count: its page objects (`/Type /Page`, not `/Pages`)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    if libreoffice.soffice() is None:
        if in_ci():
            pytest.fail(f"CI=true and {libreoffice.missing_reason()}")
        pytest.skip(libreoffice.missing_reason())
    folder = tmp_path_factory.mktemp("rep-templates")
    written = {
        lang: write_rep_workbook(folder / f"empty_{lang}.xlsx", rep_template(lang))
        for lang in ("zh", "en")
    }
    calls = [
        {"date": "2026-11-30", "customer": f"Customer {n}", "phone": phone, "effective": "Yes"}
        for n, phone in enumerate(PHONES)
    ]
    written["phones"] = write_rep_workbook(
        folder / "phones.xlsx", rep_template("en"), {"calls": calls}
    )
    pdfs = libreoffice.convert([written["zh"], written["en"]], folder / "pdf", "pdf")
    recalculated = libreoffice.recalc([written["en"], written["phones"]], folder / "xlsx")
    return Rendered(
        written,
        {lang: _pages(pdf) for lang, pdf in zip(("zh", "en"), pdfs.values(), strict=True)},
        {"en": recalculated[written["en"]], "phones": recalculated[written["phones"]]},
    )


def test_an_empty_template_prints_one_page_per_sheet(rendered: Rendered):
    """Today, the four registers' header pages, settings: 6 pages, not the 37 that the
    1000 prepared rows of each register used to print."""
    assert rendered.pdf_pages == {"zh": 6, "en": 6}


def test_register_pages_repeat_the_header_and_fit_the_width(rendered: Rendered):
    book = openpyxl.load_workbook(rendered.written["zh"])
    for sheet in rep_template("zh").registers:
        ws = book[sheet.name]
        last = sheet.columns[-1].letter
        assert ws.print_area == f"'{sheet.name}'!$A$1:${last}$31"
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)


def test_phones_stay_text_and_show_whole(rendered: Rendered):
    """The phone column is text (`@`): LibreOffice keeps every phone as typed, never a
    number like 1.39E+10, and the column is wide enough for a landline with extension."""
    sheet = rep_template("en").register("calls")
    phone = sheet.column("phone")
    assert phone.number_format == "@"
    assert phone.width == PHONE_WIDTH >= len("0571-88886666-123") + 2
    ws = openpyxl.load_workbook(rendered.recalculated["phones"])[sheet.name]
    assert ws.column_dimensions[phone.letter].width >= PHONE_WIDTH
    cells = [ws[f"{phone.letter}{sheet.first_row + n}"] for n in range(len(PHONES))]
    assert [(c.value, c.data_type) for c in cells] == [(p, "s") for p in PHONES]
    assert {c.number_format for c in cells} == {"@"}


@pytest.mark.parametrize(
    ("lang", "field", "choices"),
    [
        ("zh", "outcome", ("有意向", "约面谈", "已加微信", "稍后回电", "暂无需求", "无人接听", "拒绝", "空号错号")),
        ("zh", "objection_kind", ("价格", "需求", "信任", "时机", "竞品", "其他")),
        ("en", "objection_kind", ("Price", "Need", "Trust", "Timing", "Competitor", "Other")),
    ],
)  # fmt: skip
def test_call_outcome_and_objection_kind_have_dropdowns(
    rendered: Rendered, lang: str, field: str, choices: tuple[str, ...]
):
    sheet = rep_template(lang).register("calls")  # type: ignore[arg-type]
    column = sheet.column(field)
    ws = openpyxl.load_workbook(rendered.written[lang])[sheet.name]
    where = f"{column.letter}{sheet.first_row}:{column.letter}{sheet.last_row}"
    dv = next(v for v in ws.data_validations.dataValidation if str(v.sqref) == where)
    assert (dv.type, dv.errorStyle) == ("list", "warning")  # other words may be typed
    assert dv.formula1.strip('"').split(",") == list(choices)


def _words_of(book: openpyxl.Workbook) -> list[tuple[str, str]]:
    """Everything a rep reads in a workbook: sheet names, cell values (formulas as their
    results), comments, and each data validation's title, message and choices."""
    words = [("sheet", name) for name in book.sheetnames]
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    words.append((f"{ws.title}!{cell.coordinate}", cell.value))
                if cell.comment is not None:
                    words.append((f"{ws.title}!{cell.coordinate} comment", cell.comment.text))
        for dv in ws.data_validations.dataValidation:
            for part in (dv.promptTitle, dv.prompt, dv.errorTitle, dv.error, dv.formula1):
                if part:
                    words.append((f"{ws.title}!{dv.sqref} validation", part))
    return words


def test_the_english_template_has_no_chinese_anywhere(rendered: Rendered):
    """Every word of the English template as written (names, headers, hints, dropdowns)
    and every formula result as LibreOffice computed it (Today's sentences and status)."""
    written = openpyxl.load_workbook(rendered.written["en"])
    computed = openpyxl.load_workbook(rendered.recalculated["en"], data_only=True)
    words = _words_of(written)
    results = [(where, text) for where, text in _words_of(computed) if "!" in where]
    assert len(words) > 100 and any(text == "On pace" or "more" in text for _w, text in results)
    chinese = [
        (where, text)
        for where, text in words + results
        if CJK.search(text) and not text.startswith("=")  # a formula's words are not shown
    ]
    assert chinese == []
