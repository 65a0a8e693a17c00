"""Each meeting sheet prints on one page, rendered through LibreOffice to PDF as a
manager would print or project it: the demo team's, and a team of twelve (the most the
meeting sheets are made for). The trend is a native sparkline over each rep's 7 working
days of effective calls, in the cell beside the week so far."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import openpyxl

from sync.demo import _workdays, call_rows, lead_rows, make_team, visit_rows, write_workbook
from sync.engine import SyncResult
from sync.master_xlsx import write_xlsx
from tests.sheets.libreoffice import convert

from .conftest import run
from .teams import AS_OF

PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
"""A page object of a PDF (not the /Pages tree)."""
TWELVE = (
    "王磊",
    "李娜",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "赵敏",
    "黄强",
    "周丽",
    "吴昊",
    "徐婷",
    "孙浩",
)


def pages_of_each_meeting(result: SyncResult, folder: Path) -> dict[str, int]:
    meetings = {s.key: s for s in result.sheets if s.one_page}
    assert set(meetings) == {"morning", "evening"}
    books = []
    for key, sheet in meetings.items():
        books.append(folder / f"{key}.xlsx")
        write_xlsx([sheet], books[-1])
    pdfs = convert(books, folder / "pdf", "pdf")
    return {book.stem: len(PAGE.findall(pdf.read_bytes())) for book, pdf in pdfs.items()}


def test_each_meeting_sheet_of_the_demo_master_prints_on_one_page(tmp_path: Path) -> None:
    team = make_team(tmp_path / "team", AS_OF)
    result = run(team.folder, tmp_path / "master.xlsx")
    assert pages_of_each_meeting(result, tmp_path) == {"morning": 1, "evening": 1}
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


def test_a_team_of_twelve_gets_one_page_per_meeting_with_a_sparkline_per_rep(
    tmp_path: Path,
) -> None:
    rng = random.Random(12)
    days = _workdays(AS_OF, 8)
    for rep in TWELVE:
        calls = call_rows(rng, rep, days, 15)
        write_workbook(
            tmp_path / "team" / f"{rep}.xlsx",
            [
                ("电话记录", "calls", calls, "zh"),
                ("拜访记录", "visits", visit_rows(rng, rep, days[-3:]), "zh"),
                ("意向客户", "leads", lead_rows(rng, rep, days, 4), "zh"),
            ],
        )
    result = run(tmp_path / "team", tmp_path / "master.xlsx")
    assert sorted(result.figures.reps) == sorted(TWELVE)
    assert pages_of_each_meeting(result, tmp_path) == {"morning": 1, "evening": 1}
    with zipfile.ZipFile(tmp_path / "master.xlsx") as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = {n: book.read(n).decode() for n in sheets}
    evening = xml["xl/worksheets/sheet1.xml"]  # the as-of day is over: the evening's
    assert "<x14:sparklineGroup " in evening
    # the heading, a blank row, the banner (title, header, row), a blank row, the
    # ranking's title and header: its 12 reps and total on rows 9-21, each with a
    # sparkline in P over its 7 days in Q:W
    spark = re.findall(r"<xm:f>夕会!([A-Z]+\d+:[A-Z]+\d+)</xm:f><xm:sqref>([A-Z]+\d+)<", evening)
    assert spark == [(f"Q{r}:W{r}", f"P{r}") for r in range(9, 22)]
