"""Header matching: every alias of every register maps to its field, in a sheet and in a
real workbook; the aliases DESIGN.md lists are all there; header variants still match."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from sheets_templates.header import HeaderMatch, find_header
from sheets_templates.registers import REGISTERS, header_index, match_header, normalize_header

from .helpers import only_sheet, read_one


def every_header() -> list[tuple[str, str, str]]:
    """(register, field, header) for every name a field is known by."""
    out = []
    for register in REGISTERS.values():
        for f in register.fields:
            names = {f.name, f.name.replace("_", " "), f.header_zh, f.header_en, *f.aliases}
            out += [(register.name, f.name, text) for text in sorted(names)]
    return out


def header_row_with(register: str, field: str, header: str) -> list[str]:
    """The register's template headers, with one field's header replaced by `header`."""
    return [header if f.name == field else f.header_zh for f in REGISTERS[register].fields]


UNIT_OF_MEASURE = {("shipments", "customer", "单位")}
"""Aliases a shipments header row never means: beside 数量 and 单价, `单位` is the unit of
measure, not the customer (`evidence.in_context`)."""


@pytest.mark.parametrize(("register", "field", "header"), every_header())
def test_every_alias_maps_to_its_field(register: str, field: str, header: str) -> None:
    assert match_header(header_index(REGISTERS[register]), header) == field
    headers = header_row_with(register, field, header)
    match = find_header([["登记表"], headers], sheet_name="Sheet1")
    assert isinstance(match, HeaderMatch) and match.register == register
    if (register, field, header) in UNIT_OF_MEASURE:
        assert headers.index(header) not in match.columns
    else:
        assert match.columns[headers.index(header)] == field


# DESIGN.md "The four registers": the aliases it lists are a floor.
DESIGN_ALIASES = {
    "calls": {
        "date": ["日期", "通话日期", "拨打日期", "date"],
        "time": ["时间", "通话时间", "time"],
        "rep": ["销售员", "业务员", "销售人员", "员工", "rep", "salesperson"],
        "customer": ["客户名称", "客户", "公司名称", "单位名称", "customer", "company"],
        "contact": ["联系人", "客户姓名", "contact"],
        "phone": ["电话", "联系电话", "手机", "手机号", "电话号码", "phone", "mobile"],
        "industry": ["行业", "industry"],
        "outcome": ["通话结果", "结果", "outcome"],
        "effective": ["有效通话", "是否有效", "有用电话", "effective"],
        "wechat_added": ["添加微信", "加微信", "是否加微信", "wechat"],
        "intent_grade": ["意向等级", "意向", "客户等级", "等级", "grade"],
        "objection": ["客户异议", "异议", "objection"],
        "open_question": ["待解决问题", "问题备注", "未解决问题", "open question"],
        "follow_up": ["下次联系", "下次跟进", "跟进日期", "回访日期", "follow up", "next contact"],
        "notes": ["备注", "notes", "remark"],
    },
    "visits": {
        "visit_type": ["拜访类型"],
        "purpose": ["拜访目的"],
        "result": ["拜访结果"],
        "breakthrough": ["是否突破"],
        "customer_grade": ["客户等级", "customer_grade", "customer grade"],
        "next_step": ["下一步计划"],
        "next_visit": ["下次拜访"],
        "trip": ["出差"],
        "new_plan": ["新计划"],
    },
    "leads": {
        "lead_source": ["来源"],
        "rep": ["负责人"],
        "negotiating": ["商务谈判中"],
        "solution_submitted": ["已递交方案"],
        "met_with_interest": ["面谈有兴趣"],
        "bought_before": ["曾购买同类产品"],
        "accepts_meeting": ["接受产品可面谈"],
        "grade": ["等级"],
        "registered": ["登记日期"],
        "last_contact": ["最近联系"],
        "signed_date": ["签约日期"],
    },
    "shipments": {
        "order_no": ["合同号", "订单号"],
        "date": ["申请日期"],
        "product": ["产品", "型号"],
        "quantity": ["数量"],
        "unit_price": ["单价", "unit_price", "unit price"],
        "amount": ["金额"],
        "approved_by": ["审核"],
        "ship_date": ["发货日期"],
        "outbound_no": ["出库单号"],
        "confirmed_date": ["客户确认日期"],
        "received": ["回款金额"],
        "due_date": ["回款期限"],
    },
}


@pytest.mark.parametrize(
    ("register", "field", "header"),
    [(r, f, h) for r, fields in DESIGN_ALIASES.items() for f, hs in fields.items() for h in hs],
)
def test_the_design_aliases_are_all_accepted(register: str, field: str, header: str) -> None:
    assert match_header(header_index(REGISTERS[register]), header) == field


@pytest.mark.parametrize(
    ("header", "register", "field"),
    [
        ("客户名称(全称)", "calls", "customer"),
        ("客户名称（全称）", "calls", "customer"),
        ("客户名称：", "calls", "customer"),
        (" 客户 名称 ", "calls", "customer"),
        ("*客户名称", "calls", "customer"),
        ("金额(元)", "shipments", "amount"),
        ("金额（元）", "shipments", "amount"),
        ("单价(元/台)", "shipments", "unit_price"),
        ("Unit Price (RMB)", "shipments", "unit_price"),
        ("UNIT_PRICE", "shipments", "unit_price"),
        ("Customer Name", "calls", "customer"),
        ("电话/手机", "calls", "phone"),
        ("手机／电话", "calls", "phone"),
        ("ＤＡＴＥ", "calls", "date"),
        ("回款金额【元】", "shipments", "received"),
    ],
)
def test_header_variants(header: str, register: str, field: str) -> None:
    assert normalize_header(header)
    assert match_header(header_index(REGISTERS[register]), header) == field


def test_a_template_header_wins_over_another_fields_alias() -> None:
    """`等级` is the leads' grade even though calls also accept it as intent grade."""
    assert header_index(REGISTERS["leads"])[normalize_header("等级")] == "grade"
    assert header_index(REGISTERS["visits"])[normalize_header("结果")] == "result"


def test_every_alias_in_a_real_workbook(tmp_path: Path) -> None:
    """Workbooks written with xlsxwriter, one sheet per alias round: sheet k names every
    field by its k-th alias (or its template header when it has fewer)."""
    for register in REGISTERS.values():
        names = {
            f.name: sorted({f.name, f.name.replace("_", " "), f.header_en, *f.aliases})
            for f in register.fields
        }
        rounds = max(len(v) for v in names.values())
        path = tmp_path / f"{register.name}.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        expected: dict[str, dict[str, str]] = {}
        for k in range(rounds):
            ws = wb.add_worksheet(f"{register.title_zh}{k}")
            headers = [
                names[f.name][k] if k < len(names[f.name]) else f.header_zh for f in register.fields
            ]
            ws.write_row(0, 0, headers)
            expected[ws.name] = {
                h: f.name
                for h, f in zip(headers, register.fields, strict=True)
                if (register.name, f.name, h) not in UNIT_OF_MEASURE
            }
        wb.close()
        result = read_one(path)
        assert result.error is None
        for sheet in result.sheets:
            assert sheet.kind == register.name, sheet.sheet
            assert sheet.header_row == 1
        # the mapping itself: each header text read back maps to the intended field
        for sheet_name, mapping in expected.items():
            match = find_header([list(mapping)], sheet_name)
            assert isinstance(match, HeaderMatch)
            assert {match.headers[c]: f for c, f in match.columns.items()} == mapping


def test_english_template_headers_make_a_sheet_of_each_register(tmp_path: Path) -> None:
    for register in REGISTERS.values():
        path = tmp_path / f"{register.name}_en.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        wb.add_worksheet("Sheet1").write_row(0, 0, [f.header_en for f in register.fields])
        wb.close()
        assert only_sheet(read_one(path)).kind == register.name
