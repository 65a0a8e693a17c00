"""The master's streamed cells wear the formats the frame declared.

`master_xlsx` streams cell XML itself and refers to xlsxwriter's formats by their xf
index, which it takes from xlsxwriter's private `Format._get_xf_index` (xlsxwriter has
no public way to ask). pyproject pins xlsxwriter to the range this was checked with;
this test is what fails when a release moves that internal: every styled cell is read
back with openpyxl and must carry its own format, not a neighbour's or none.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from sync.master_model import DATE, INT, MONEY, TEXT, Column, MasterSheet, Table
from sync.master_xlsx import write_xlsx


def test_title_header_empty_and_value_cells_carry_their_own_formats(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsx"
    tables = [
        Table(
            "发货",
            [
                Column("客户", TEXT),
                Column("日期", DATE),
                Column("金额", MONEY),
                Column("数量", INT),
            ],
            [["甲公司", date(2026, 11, 3), Decimal("1234.5"), 7]],
        ),
        Table("空表", [Column("a")], [], empty="（无）"),
    ]
    write_xlsx([MasterSheet("styles", "样式", tables)], path)
    ws = openpyxl.load_workbook(path)["样式"]

    title = ws["A1"]
    assert (title.value, title.font.b, title.font.sz) == ("发货", True, 13)
    assert title.font.color.rgb == "FF1F3864"

    headers = [ws.cell(2, c) for c in range(1, 5)]
    assert [h.value for h in headers] == ["客户", "日期", "金额", "数量"]
    assert all(h.font.b and h.fill.fgColor.rgb == "FFDDEBF7" for h in headers)
    assert [h.alignment.horizontal for h in headers] == ["left", "right", "right", "right"]

    row = [ws.cell(3, c) for c in range(1, 5)]
    assert [c.number_format for c in row] == ["General", "yyyy-mm-dd", '"¥"#,##0.00', "0"]
    assert not row[0].font.b

    # the empty table: title on row 5, header on row 6, its note on row 7
    note = ws["A7"]
    assert (note.value, note.font.i, note.font.color.rgb) == ("（无）", True, "FF808080")
