"""Reading is bounded: memory and time follow the cells that hold data, a file too large
to read safely says so, and a reader that dies costs that one file, never the others.

Every file here is a real workbook on disk, crafted the way the failures were found:
a space typed at XFD1048576 (Ctrl+End, then a key), a value at AZ1048576, a small zip
that unpacks to hundreds of megabytes, and a spreadsheet that makes calamine abort.
"""

from __future__ import annotations

import os
import signal
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from sheets_templates.words import Text
from sync.check import run_check
from sync.reader import load_cells
from sync.workers import read_in_workers
from sync.xlsx_cells import Stray

from .helpers import AS_OF, check_json, only_sheet, read_one, salesflow

CALLS = [
    ["日期", "时间", "销售员", "客户名称", "电话", "有效通话"],
    [date(2026, 11, 3), "09:30", "张三", "华信科技", "13800138000", "是"],
    [date(2026, 11, 3), "09:41", "张三", "东方建材", "13900139000", "否"],
]
ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="电话记录">'
    '<table:table-row><table:table-cell office:value-type="string"><text:p>日期</text:p>'
    "</table:table-cell></table:table-row>"
    '<table:table-row table:number-rows-repeated="{rows}">'
    '<table:table-cell table:number-columns-repeated="{columns}"/></table:table-row>'
    '<table:table-row><table:table-cell table:number-columns-repeated="{before}"/>'
    '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    "</table:table-row></table:table></office:spreadsheet></office:body>"
    "</office:document-content>"
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
    'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
    'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/></manifest:manifest>'
)


def calls_workbook(path: Path, far: dict[str, Any]) -> Path:
    """Two calls, as a rep keeps them, and `far` cells typed somewhere below or right."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "电话记录"
    for row in CALLS:
        ws.append(row)
    for ref, value in far.items():
        ws[ref] = value
    wb.save(path)
    return path


def ods_with_last_cell(path: Path, rows: int, columns: int) -> Path:
    """An .ods (as LibreOffice stores one) whose furthest cell is at (rows, columns):
    the empty rows between are one repeated row, so the file is tiny."""
    content = ODS_CONTENT.format(rows=rows - 2, columns=columns, before=columns - 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        mimetype = "application/vnd.oasis.opendocument.spreadsheet"
        z.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", ODS_MANIFEST)
    return path


def test_a_space_at_xfd1048576_and_a_value_at_az1048576_cost_only_their_cells(
    tmp_path: Path,
) -> None:
    path = calls_workbook(tmp_path / "张三.xlsx", {"XFD1048576": " ", "AZ1048576": "x"})
    sheet = only_sheet(read_one(path))
    assert (sheet.kind, sheet.header_row, sheet.rows, sheet.valid) == ("calls", 1, 2, 2)
    [far] = sheet.problems  # the typed space is blank: nothing to report
    assert (far.code, far.severity, far.row, far.column, far.value) == (
        "cell.far_off",
        "warning",
        1048576,
        "AZ",
        "x",
    )
    assert "far outside the table" in far.message_en
    grids, strays = load_cells(path)
    [(name, grid)] = grids
    assert (name, len(grid), {len(row) for row in grid}) == ("电话记录", 3, {6})
    assert strays == {"电话记录": [Stray(1048575, 51, "x"), Stray(1048575, 16383, " ")]}


def test_the_sparse_reader_gives_the_cells_calamine_gives(tmp_path: Path) -> None:
    """The same sheet read by calamine (near cells only) and by the sparse reader (a far
    cell added): every kind of value people keep comes out the same."""

    def build(path: Path, far: bool) -> Path:
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("拜访")
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        clock = book.add_format({"num_format": "hh:mm"})
        chinese = book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, ["日期", "时刻", "客户", "金额", "有效", "备注", "中文日期"])
        sheet.write_datetime(1, 0, datetime(2026, 11, 3), day)
        sheet.write_datetime(1, 1, datetime(2026, 11, 3, 9, 30), stamp)
        sheet.write_string(1, 2, "华信科技")
        sheet.write_number(1, 3, 1234.5)
        sheet.write_boolean(1, 4, True)
        sheet.write_rich_string(1, 5, "先", bold, "打电话", "再去")
        sheet.write_datetime(1, 6, datetime(2026, 11, 4), chinese)
        sheet.write_datetime(2, 1, datetime(1899, 12, 31, 14, 5), clock)
        sheet.write_number(2, 3, 12)
        sheet.write_boolean(2, 4, False)
        sheet.write_formula(2, 5, "=1/0", None, "#DIV/0!")
        sheet.write_formula(2, 2, '="东"&"方"', None, "东方")
        sheet.merge_range(3, 0, 4, 0, "合并的客户")
        sheet.write_string(4, 2, "恒通物流")
        if far:
            sheet.write_string(1048575, 16383, "远")
        book.close()
        return path

    near_grids, near_strays = load_cells(build(tmp_path / "near.xlsx", far=False))
    far_grids, far_strays = load_cells(build(tmp_path / "far.xlsx", far=True))
    assert near_strays == {}
    assert far_strays == {"拜访": [Stray(1048575, 16383, "远")]}
    assert far_grids == near_grids
    [(_name, grid)] = far_grids
    assert grid[1] == [
        date(2026, 11, 3),
        datetime(2026, 11, 3, 9, 30),
        "华信科技",
        1234.5,
        True,
        "先打电话再去",
        date(2026, 11, 4),
    ]
    assert grid[2][1:6] == [time(14, 5), "东方", 12.0, False, "#DIV/0!"]
    assert [row[0] for row in grid[3:5]] == ["合并的客户", "合并的客户"]


def test_a_small_zip_that_unpacks_to_hundreds_of_megabytes_is_too_large(tmp_path: Path) -> None:
    """320 KB of repeated text that unpacks to 300 MB: refused from the zip's directory,
    before anything is unpacked; the workbook beside it is read."""
    bomb = tmp_path / "重复.xlsx"
    calls_workbook(bomb, {})
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z,
        z.open("xl/notes.xml", "w") as out,
    ):
        chunk = b"<t>" + "重复的文字".encode() * 20_000 + b"</t>"
        for _ in range((300 << 20) // len(chunk)):
            out.write(chunk)
    assert bomb.stat().st_size < 2 << 20
    good = calls_workbook(tmp_path / "李四.xlsx", {})
    report = run_check([bomb, good], AS_OF)
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["重复.xlsx"].status == "unreadable"
    assert "太大" in (by_name["重复.xlsx"].reason("zh") or "")
    assert "too large to read safely" in (by_name["重复.xlsx"].reason("en") or "")
    assert by_name["李四.xlsx"].sheets[0].valid == 2
    assert report.exit_code() == 1


def test_more_cells_than_can_be_read_safely_is_too_large(tmp_path: Path) -> None:
    """Five million cells holding values (a dump, not a register): refused by count."""
    path = tmp_path / "导出.xlsx"
    calls_workbook(path, {})
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    start, end = sheet.index(b"<sheetData"), sheet.index(b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(name, data)
                continue
            with z.open(name, "w") as out:
                out.write(data[:start] + b"<sheetData>")
                for first in range(1, 1_000_002, 1000):  # 1,000,001 rows of 5 numbers
                    out.write(
                        b"".join(
                            b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>2</v></c>'
                            b'<c r="C%d"><v>3</v></c><c r="D%d"><v>4</v></c>'
                            b'<c r="E%d"><v>5</v></c></row>' % ((n,) * 6)
                            for n in range(first, first + 1000)
                        )
                    )
                out.write(data[end:])
    result = read_one(path)
    assert result.status == "unreadable"
    assert "too large to read safely" in (result.reason("en") or "")


def test_an_ods_wider_than_calamine_allows_is_too_large(tmp_path: Path) -> None:
    path = ods_with_last_cell(tmp_path / "远.ods", 1048576, 16384)
    result = read_one(path)
    assert result.status == "unreadable"
    assert "too large to read safely" in (result.reason("en") or "")


def test_an_ods_whose_furthest_cell_makes_too_big_a_grid_is_too_large(tmp_path: Path) -> None:
    """Within calamine's own limit (its grid of 6.3 million cells is built, in Rust),
    but too big a grid to hand to Python and read: refused."""
    result = read_one(ods_with_last_cell(tmp_path / "长.ods", 300_000, 21))
    assert result.status == "unreadable"
    assert "too large to read safely" in (result.reason("en") or "")
    short = read_one(ods_with_last_cell(tmp_path / "短.ods", 3, 6))
    assert (short.status, [s.sheet for s in short.sheets]) == ("ok", ["电话记录"])


def test_a_reader_that_dies_costs_its_file_and_the_others_are_read(tmp_path: Path) -> None:
    """An .ods whose furthest cell is AZ1048576 makes calamine ask for 2.6 GB at once:
    over the worker's memory cap, calamine aborts (SIGABRT, a Rust backtrace) and the
    worker process dies. That file is unreadable with a plain reason, and the files
    before and after it, in the same pool, are read."""
    first = calls_workbook(tmp_path / "张三.xlsx", {})
    dying = ods_with_last_cell(tmp_path / "崩溃.ods", 1048576, 52)
    last = calls_workbook(tmp_path / "王五.xlsx", {})
    report = run_check([first, dying, last], AS_OF)
    assert [Path(f.path).name for f in report.files] == ["张三.xlsx", "崩溃.ods", "王五.xlsx"]
    crashed = report.files[1]
    assert crashed.status == "unreadable"
    assert crashed.reason("zh") == "读取时程序崩溃"
    assert crashed.reason("en") == "the reader crashed on this file"
    assert [f.sheets[0].valid for f in report.files if f is not crashed] == [2, 2]
    assert report.exit_code() == 1


def test_check_on_the_command_line_lists_the_far_cell_and_the_dying_file(tmp_path: Path) -> None:
    """What a user saw was exit 134 and a Rust backtrace naming no file; now each file
    has its line and the command ends as a check with problems does (exit 1)."""
    calls_workbook(tmp_path / "张三.xlsx", {"XFD1048576": " ", "AZ1048576": "x"})
    ods_with_last_cell(tmp_path / "崩溃.ods", 1048576, 52)
    code, report = check_json("张三.xlsx", "崩溃.ods", "--as-of", AS_OF.isoformat(), cwd=tmp_path)
    assert code == 1
    far, dying = report["files"]
    assert (far["path"], far["status"], dying["path"], dying["status"]) == (
        "张三.xlsx",
        "ok",
        "崩溃.ods",
        "unreadable",
    )
    assert dying["error"] == "读取时程序崩溃"
    [issue] = far["sheets"][0]["issues"]
    assert (issue["row"], issue["column"], issue["code"], issue["value"]) == (
        1048576,
        "AZ",
        "cell.far_off",
        "x",
    )
    text = salesflow("check", "张三.xlsx", "崩溃.ods", "--lang", "en", cwd=tmp_path)
    assert "崩溃.ods" in text.stdout and "the reader crashed on this file" in text.stdout
    assert "backtrace" not in text.stderr and "memory allocation" not in text.stderr


def shout_or_die(word: str) -> str:
    """A task for the pool: the word in capitals; `kill` makes its worker die as the
    kernel's out-of-memory killer would (SIGKILL); `bad` is a bug in the task."""
    if word == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if word == "bad":
        raise ValueError("a bug in one read")
    return word.upper()


def gone(word: str, reason: Text) -> str:
    return f"{word}: {reason('en')}"


def test_workers_killed_one_after_another_cost_only_their_tasks() -> None:
    words = ["a", "kill", "b", "kill", "kill", "c", "d", "kill"]
    assert list(read_in_workers(words, shout_or_die, gone, workers=2)) == [
        "A",
        "kill: the reader crashed on this file",
        "B",
        "kill: the reader crashed on this file",
        "kill: the reader crashed on this file",
        "C",
        "D",
        "kill: the reader crashed on this file",
    ]


def test_a_bug_in_a_read_is_raised_not_hidden() -> None:
    with pytest.raises(ValueError, match="a bug in one read"):
        list(read_in_workers(["a", "bad", "b"], shout_or_die, gone, workers=2))
