"""Issue 9: every kind of file salesflow writes opens in every spreadsheet reader we can
run, and each sees the same sheets, the same values and the formulas as formulas.

openpyxl is the reference the others are compared with; it is itself pinned to
hand-worked facts about each file first. The kinds: the master from `salesflow sync`,
the whole history from `salesflow export`, the rep template and the master `.xlsm` from
`salesflow templates`, a marked copy from `salesflow mark`.

Readers that show cached values instead of formulas (calamine, pandas, Gnumeric's CSV)
are compared on every other cell. A missing reader is a failure, never a skip.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.sheets.libreoffice import convert

from .conftest import FORMULA_LIKE, Written
from .readers import (
    Book,
    as_csv,
    calamine_book,
    csv_numbers,
    gnumeric_book,
    node_book,
    openpyxl_book,
    pandas_book,
    without_formulas,
)

KINDS = ("master", "export", "rep template", "master template", "marked copy")
REGISTERS = ["电话记录", "拜访记录", "意向客户", "发货"]
SHEETS = {
    "master": [
        "夕会",  # a past day synced without a time: its evening meeting comes first
        "晨会",
        "今天先联系谁",
        "指标完成情况",
        "客户异议",
        "客户分级",
        "预警",
        "应收款",
        "数据问题",
        *REGISTERS,
        "指标",
        "团队",
        "同步记录",
    ],
    "export": REGISTERS,
    "rep template": ["今日", *REGISTERS, "设置"],
    "master template": ["首页", "xlwings.conf"],
    "marked copy": ["今日", *REGISTERS, "设置", "问题"],
}


@pytest.fixture(scope="session")
def references(written: Written) -> dict[str, Book]:
    return {kind: openpyxl_book(path) for kind, path in written.files.items()}


def texts(book: Book, sheet: str) -> set[str]:
    return {value for kind, value in book[sheet].values() if kind == "s"}


def test_the_reference_reader_sees_what_was_written(references: dict[str, Book]) -> None:
    assert {kind: list(book) for kind, book in references.items()} == SHEETS
    master = references["master"]
    assert set(FORMULA_LIKE) <= texts(master, "电话记录")  # typed notes, as text
    assert master["夕会"]["A3"] == ("s", "数据健康（点击数字查看明细）")
    assert not [c for sheet in master.values() for c in sheet.values() if c[0] == "f"]
    export = references["export"]
    assert set(FORMULA_LIKE) <= texts(export, "电话记录")  # the same notes, as text
    assert export["电话记录"]["A1"] == ("s", "日期")  # the master's header, on the first row
    assert not [c for sheet in export.values() for c in sheet.values() if c[0] == "f"]
    template = references["rep template"]
    assert template["今日"]["B2"] == ("f", "设置!$B$5")  # the rep's name, from the settings
    assert template["设置"]["A2"] == ("s", "销售员")
    marked = references["marked copy"]
    assert marked["问题"]["A1"] == ("s", "工作表")
    assert "+86 abc" in texts(marked, "问题")  # the bad phone, listed as text
    assert marked["今日"]["B2"] == ("f", "设置!$B$5")
    assert marked["设置"]["B2"] == ("s", "甲")


READERS = {
    "calamine": calamine_book,
    "pandas": pandas_book,
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("kind", KINDS)
def test_python_readers_see_the_same_values(
    written: Written, references: dict[str, Book], kind: str, reader: str
) -> None:
    reference = references[kind]
    seen = READERS[reader](written.files[kind])
    assert list(seen) == SHEETS[kind]
    assert without_formulas(seen, reference) == without_formulas(reference, reference)


NODE = [
    (kind, reader)
    for kind in KINDS
    for reader in ("sheetjs", "exceljs")
    # ExcelJS 4.4 cannot read cell comments as openpyxl writes them (any openpyxl
    # workbook with a comment fails there); the marked copy's notes are such comments.
    # `test_exceljs_still_cannot_read_openpyxl_comments` keeps the exemption honest.
    if (kind, reader) != ("marked copy", "exceljs")
]


@pytest.mark.parametrize(("kind", "reader"), NODE)
def test_javascript_readers_see_the_same_cells_and_formulas(
    node_modules: Path, written: Written, references: dict[str, Book], kind: str, reader: str
) -> None:
    seen = node_book(reader, written.files[kind])
    assert list(seen) == SHEETS[kind]
    assert seen == references[kind]


def test_exceljs_still_cannot_read_openpyxl_comments(node_modules: Path, written: Written) -> None:
    with pytest.raises(RuntimeError, match="reading 'comments'"):
        node_book("exceljs", written.files["marked copy"])


@pytest.fixture(scope="session")
def libreoffice_round_trip(written: Written) -> dict[str, Path]:
    """Each file converted by LibreOffice to .ods and back to .xlsx (one run each way).
    A file LibreOffice cannot load (or would have to repair) produces no output, and
    `convert` fails on that."""
    files = list(written.files.values())
    ods = convert(files, written.folder / "lo-ods", "ods")
    back = convert(list(ods.values()), written.folder / "lo-back", "xlsx")
    return {kind: back[ods[path]] for kind, path in written.files.items()}


@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_keeps_every_cell_and_formula_through_ods(
    libreoffice_round_trip: dict[str, Path], references: dict[str, Book], kind: str
) -> None:
    seen = openpyxl_book(libreoffice_round_trip[kind])
    assert list(seen) == SHEETS[kind]
    assert seen == references[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_gnumeric_sees_every_value_in_every_sheet(
    written: Written, references: dict[str, Book], kind: str, tmp_path: Path
) -> None:
    reference = without_formulas(references[kind], references[kind])
    seen, said = gnumeric_book(written.files[kind], tmp_path)
    assert list(seen) == SHEETS[kind]
    assert "Invalid" not in said  # what it said for every cell without `r`
    numbers = {name: csv_numbers(sheet, reference[name]) for name, sheet in seen.items()}
    expected = {name: {ref: as_csv(c) for ref, c in s.items()} for name, s in reference.items()}
    assert without_formulas(numbers, references[kind]) == expected


def test_node_readers_are_the_pinned_ones(node_modules: Path) -> None:
    versions = subprocess.run(
        ["npm", "ls", "--depth=0", "--json"],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert '"xlsx": {\n      "version": "0.18.5"' in versions
    assert '"exceljs": {\n      "version": "4.4.0"' in versions
