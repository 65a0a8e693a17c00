"""Each meeting sheet of the demo team's master prints on one page: rendered through
LibreOffice to PDF, as a manager would print or project it."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from sync.demo import make_team
from sync.master_xlsx import write_xlsx
from tests.sheets.libreoffice import convert

from .conftest import run
from .teams import AS_OF

PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
"""A page object of a PDF (not the /Pages tree)."""


def test_each_meeting_sheet_of_the_demo_master_prints_on_one_page(tmp_path: Path) -> None:
    team = make_team(tmp_path / "team", AS_OF)
    result = run(team.folder, tmp_path / "master.xlsx")
    meetings = {s.key: s for s in result.sheets if s.one_page}
    assert set(meetings) == {"morning", "evening"}
    books = []
    for key, sheet in meetings.items():
        books.append(tmp_path / f"{key}.xlsx")
        write_xlsx([sheet], books[-1])
    pdfs = convert(books, tmp_path / "pdf", "pdf")
    pages = {book.stem: len(PAGE.findall(pdf.read_bytes())) for book, pdf in pdfs.items()}
    assert pages == {"morning": 1, "evening": 1}
    wb = openpyxl.load_workbook(tmp_path / "master.xlsx")
    for title in ("晨会", "夕会"):
        sheet = wb[title]
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth) == ("landscape", 9, None)
        # None: absent, OOXML's default of one page; the other sheets say 0, as tall as needed
        assert setup.fitToHeight is None and wb["电话记录"].page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.freeze_panes == "A2"  # the heading: which day, which time
        assert sheet.print_area is not None
