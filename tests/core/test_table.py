"""The grid reader on grids as other sources give them (a Google tab, a CSV): no merged
cells filled in, ragged rows, error strings; and the records it builds."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sheets_templates.evidence import DEFINING
from sheets_templates.header import find_header
from sheets_templates.records import MODELS, build, defaults, pack, unpack
from sheets_templates.registers import REGISTERS
from sheets_templates.table import SheetContext, fill_merged, read_grid

from .helpers import AS_OF, codes, grid_result


def test_a_two_row_header_without_merge_information() -> None:
    """A Google tab gives a merged group heading as one cell and blanks beside it."""
    grid = [
        ["电话记录 2026年11月", "", "", "", "", ""],
        ["日期", "客户信息", "", "", "有效通话", "销售员"],
        ["", "客户名称", "联系人", "电话", "", ""],
        ["11月3日", "华信科技", "王经理", "13800138000", "是", "张三"],
    ]
    match = find_header(grid, "电话")
    assert match is not None
    assert (match.top, match.row) == (1, 2)
    assert match.columns == {
        0: "date",
        1: "customer",
        2: "contact",
        3: "phone",
        4: "effective",
        5: "rep",
    }
    sheet = grid_result(grid)
    assert (sheet.header_row, sheet.valid, sheet.problems) == (3, 1, [])
    assert sheet.records[0].date == date(2026, 11, 3)


def test_a_first_data_row_of_text_is_not_taken_for_a_second_header_row() -> None:
    grid = [
        ["客户名称", "负责人", "来源", "商务谈判中", "备注"],
        ["华信科技", "张三", "电话", "是", "客户"],
    ]
    match = find_header(grid, "意向客户")
    assert match is not None and match.row == 0 and match.top is None
    assert grid_result(grid, sheet="意向客户").valid == 1


def test_fill_merged_gives_each_row_of_a_vertical_merge_its_value() -> None:
    grid = [["title", "", ""], ["2026-11-03", "a", ""], ["", "b", ""], ["", "c", "x"]]
    fill_merged(grid, [((0, 0), (0, 2)), ((1, 0), (3, 1)), ((3, 2), (9, 2))])
    assert grid == [
        ["title", "", ""],
        ["2026-11-03", "a", ""],
        ["2026-11-03", "b", ""],
        ["2026-11-03", "c", "x"],
    ]


def test_ragged_rows_and_error_strings_from_a_csv_or_a_google_tab() -> None:
    grid = [
        ["销售员", "日期", "客户名称", "电话", "有效通话", "备注"],
        ["张三", "2026-11-03", "华信科技", "13800138000", "是"],
        ["张三", "2026-11-03", "东方建材", "#N/A", "是", "查找失败", "多出来的一格"],
        ["张三", "2026-11-04"],
    ]
    sheet = grid_result(grid)
    assert codes(sheet) == [
        (3, "D", "cell.error"),
        (4, "C", "required.missing"),
        (4, "D", "required.missing"),
        (4, "E", "required.missing"),
    ]
    assert sheet.problems[0].value == "#N/A"
    assert sheet.valid == 1 and sheet.rows == 3


def test_true_and_one_in_one_column_are_read_each_as_itself() -> None:
    grid = [["销售员", "日期", "客户名称", "电话", "有效通话", "时间"]]
    grid += [
        ["张三", "2026-11-03", "华信", "13800138000", True, 1],
        ["张三", "2026-11-03", "东方", "13900139000", 1, True],
    ]
    sheet = grid_result(grid)
    assert codes(sheet) == [(2, "F", "time.invalid"), (3, "F", "time.invalid")]
    assert [p.value for p in sheet.problems] == ["1", "True"]


def test_a_future_date_is_a_warning_showing_what_was_typed() -> None:
    grid = [
        ["销售员", "日期", "客户名称", "电话", "有效通话"],
        ["张三", "2027/1/5", "华信", "13800138000", "是"],
    ]
    sheet = grid_result(grid)
    (warning,) = sheet.problems
    assert (warning.code, warning.severity, warning.value) == ("date.future", "warning", "2027/1/5")
    assert sheet.valid == 1


def test_a_plain_check_builds_no_records_but_counts_them() -> None:
    grid = [
        ["销售员", "日期", "客户名称", "电话", "有效通话"],
        ["张三", "2026-11-03", "华信", "13800138000", "是"],
    ]
    ctx = SheetContext("f.xlsx", "电话", AS_OF, keep_records=False)
    sheet = read_grid(grid, ctx)
    assert (sheet.valid, sheet.records) == (1, [])


def _example(register: str) -> dict[str, object]:
    values = {
        "calls": {
            "date": date(2026, 11, 3),
            "rep": "张三",
            "customer": "华信",
            "phone": "13800138000",
            "effective": True,
        },
        "visits": {"date": date(2026, 11, 3), "rep": "张三", "customer": "华信"},
        "leads": {"customer": "华信", "rep": "张三", "grade": "B", "grade_typed": "A"},
        "shipments": {
            "order_no": "HT1",
            "date": date(2026, 11, 3),
            "rep": "赵六",
            "customer": "华信",
            "product": "扫码枪",
            "quantity": Decimal(2),
            "unit_price": Decimal("1.5"),
            "amount": Decimal("3.00"),
        },
    }[register]
    return {**values, "source": {"file": "f.xlsx", "sheet": "s", "row": 2}, "extra": {"序号": "1"}}


def test_build_writes_the_slots_pydantic_keeps_a_model_in() -> None:
    """`records.build` sets pydantic's instance slots itself (the public `model_construct`
    costs a default lookup per field on the hot path): this fails when a pydantic
    release moves them, before any record comes out half-built."""
    assert BaseModel.__slots__ == (
        "__dict__",
        "__pydantic_fields_set__",
        "__pydantic_extra__",
        "__pydantic_private__",
    )


def test_built_records_equal_validated_ones_and_travel_as_tuples() -> None:
    for register, model in MODELS.items():
        validated = model.model_validate(_example(register))
        values = {**defaults(model), **validated.__dict__}
        built = build(model, values)
        assert built == validated
        assert built.model_dump(mode="json") == validated.model_dump(mode="json")
        assert unpack(pack([built, validated])) == [validated, validated]
        assert pickle.loads(pickle.dumps(built)) == validated
    assert unpack(pack([])) == []


HEADER_WORDS = sorted(
    {h for r in REGISTERS.values() for f in r.fields for h in (f.header_zh, f.name)}
)
CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(
        [*HEADER_WORDS, "合计", "注：备注", "销售员：张三", "#N/A", "是", "11月3日", " "]
    ),
    st.floats(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)


@given(
    st.sampled_from(list(REGISTERS)),
    st.lists(st.lists(CELLS, max_size=9), max_size=8),
    st.integers(min_value=0, max_value=4),
)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_grid_reads_without_raising(register: str, rows: list[list[object]], at: int) -> None:
    """Whatever a sheet holds, reading it gives problems at cells, never an exception."""
    fields = REGISTERS[register].fields
    defining = [next(f for f in fields if f.name in group) for group in DEFINING[register]]
    headers = [f.header_zh for f in [*defining, *(f for f in fields if f not in defining)]][
        : len(defining) + at * 3
    ]
    grid = [*rows[:at], headers, *rows[at:]]
    sheet = grid_result(grid, sheet=REGISTERS[register].title_zh)
    assert sheet.kind is not None
    assert sheet.valid <= sheet.rows <= len(grid)
    for problem in sheet.problems:
        assert problem.row is not None and 1 <= problem.row <= len(grid)
        assert problem.column is None or problem.column.isalpha()
        assert problem.message_zh and problem.message_en
    for record in sheet.records:
        assert 1 <= record.source.row <= len(grid)
        record.model_dump(mode="json")
