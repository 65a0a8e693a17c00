"""The record codec: one JSON text per record, the same values `check --json` writes."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from pathlib import Path

from sheets_templates.codec import decode_record, decode_records, encode_record

from .helpers import check_json, write_xlsx

CALL = {
    "date": date(2026, 11, 3),
    "time": time(9, 30),
    "rep": "张三",
    "customer": "华信科技",
    "phone": "13800138000",
    "effective": True,
    "wechat_added": False,
    "intent_grade": "B",
    "notes": None,
    "extra": {"区域": "华东"},
}
CALL_TEXT = (
    '{"date":"2026-11-03","time":"09:30","rep":"张三","customer":"华信科技",'
    '"phone":"13800138000","effective":true,"wechat_added":false,"intent_grade":"B",'
    '"extra":{"区域":"华东"}}'
)


def test_a_call_at_0930_encodes_as_0930_blanks_left_out_extra_last() -> None:
    assert encode_record("calls", CALL) == CALL_TEXT


def test_decoding_gives_the_typed_values_back() -> None:
    back = decode_record("calls", CALL_TEXT)
    assert back == {k: v for k, v in CALL.items() if v is not None}
    assert isinstance(back["time"], time) and isinstance(back["date"], date)


def test_times_with_seconds_from_older_stores_still_decode() -> None:
    old = '{"date":"2026-11-03","time":"09:30:00","rep":"张三"}'
    assert decode_record("calls", old)["time"] == time(9, 30)


def test_money_keeps_its_cents_both_ways() -> None:
    line = {
        "order_no": "HT-001",
        "quantity": Decimal("3"),
        "unit_price": Decimal("1234.5"),
        "amount": Decimal("3703.50"),
        "due_date": date(2026, 12, 1),
    }
    text = encode_record("shipments", line)
    assert text == (
        '{"order_no":"HT-001","quantity":"3.00","unit_price":"1234.50",'
        '"amount":"3703.50","due_date":"2026-12-01"}'
    )
    back = decode_record("shipments", text)
    assert back["amount"] == Decimal("3703.50") and back["unit_price"] == Decimal("1234.5")


def test_many_records_decode_as_each_would() -> None:
    texts = [f'{{"rep":"张三","time":"{h:02d}:15"}}' for h in range(9, 18)] * 300
    decoded = decode_records("calls", texts)
    assert len(decoded) == 2700
    assert decoded[0] == {"rep": "张三", "time": time(9, 15)}
    assert decoded[-1] == {"rep": "张三", "time": time(17, 15)}


def test_check_json_writes_the_time_the_store_keeps(tmp_path: Path) -> None:
    rows = [
        ["日期", "时间", "销售员", "客户名称", "电话", "有效通话"],
        ["2026-11-03", "09:30", "张三", "华信科技", "13800138000", "是"],
    ]
    write_xlsx(tmp_path / "电话记录.xlsx", rows)
    _code, doc = check_json("电话记录.xlsx", "--records", "--as-of", "2026-11-30", cwd=tmp_path)
    (record,) = doc["files"][0]["sheets"][0]["records"]
    assert record["time"] == "09:30"
    assert encode_record("calls", {"time": time(9, 30)}) == '{"time":"09:30"}'
