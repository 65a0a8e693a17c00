"""Nothing lost (issue 10): rows that share a natural key are records of their own, told
apart by their order; only a row repeating another in every field is a duplicate; and
changes between syncs are counted by that identity."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sync.engine import SyncResult, run_sync
from sync.identity import base_key, numbered
from sync.sources import file_sources
from sync.sqlite_store import open_store

from .teams import AS_OF

CALLS = "日期,销售员,客户名称,电话,通话结果,有效通话\n"
NO_ANSWER = "2026-11-26,张三,华信科技,13800138000,无人接听,否\n"
ANSWERED = "2026-11-26,张三,华信科技,13800138000,已接通,是\n"
KEY = "张三 / 2026-11-26 /  / 13800138000"
"""The redial's natural key: rep, date, time (none typed), phone."""


def sync(folder: Path, store: Path) -> SyncResult:
    return run_sync(file_sources([folder], AS_OF), store, AS_OF)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def effective_calls_today(result: SyncResult, rep: str) -> int | Decimal:
    (kpi,) = [
        k
        for k in result.figures.kpis
        if (k.rep, k.period, k.metric) == (rep, "day", "effective_calls")
    ]
    return kpi.actual


def test_a_redial_counts_as_a_call_and_the_answered_one_is_effective(tmp_path: Path) -> None:
    write(tmp_path / "team" / "张三.csv", CALLS + NO_ANSWER + ANSWERED)
    result = sync(tmp_path / "team", tmp_path / "s.sqlite")
    assert result.records["calls"] == 2
    assert effective_calls_today(result, "张三") == 1
    assert result.duplicates == [] and result.problems == []
    assert vars(result.changes) == {"added": 2, "updated": 0, "removed": 0}
    with open_store(tmp_path / "s.sqlite") as store:
        versions, total = store.history("13800138000")
    assert total == 2
    assert [(v.key, v.data["outcome"]) for v in versions] == [
        (KEY, "无人接听"),
        (KEY + " #2", "已接通"),
    ]


def test_a_second_shipment_batch_stays_in_sales_and_receivables(tmp_path: Path) -> None:
    """Two batches of one order line, both confirmed, nothing paid, due 2026-11-10: the
    ¥15,000 batch is overdue beside the ¥10,000 one."""
    header = (
        "合同号,申请日期,销售员,客户名称,产品,数量,单价,发货日期,客户确认日期,回款金额,回款期限\n"
    )
    first = "HT009,2026-11-05,赵六,恒通物流,扫码枪,10,1000,2026-11-06,2026-11-07,0,2026-11-10\n"
    second = "HT009,2026-11-05,赵六,恒通物流,扫码枪,15,1000,2026-11-08,2026-11-09,0,2026-11-10\n"
    write(tmp_path / "team" / "发货.csv", header + first + second)
    result = sync(tmp_path / "team", tmp_path / "s.sqlite")
    assert result.records["shipments"] == 2
    overdue = sorted(r.outstanding for r in result.figures.overdue)
    assert overdue == [Decimal("10000.00"), Decimal("15000.00")]
    (sales,) = [
        k.actual
        for k in result.figures.kpis
        if (k.rep, k.period, k.metric) == ("赵六", "month", "sales_amount")
    ]
    assert sales == Decimal("25000.00")


def test_an_exact_repeat_is_one_duplicate(tmp_path: Path) -> None:
    write(tmp_path / "team" / "张三.csv", CALLS + ANSWERED + ANSWERED)
    result = sync(tmp_path / "team", tmp_path / "s.sqlite")
    assert result.records["calls"] == 1
    ((problem,), (duplicate,)) = (result.problems, result.duplicates)
    assert (problem.code, problem.row) == ("row.duplicate", 3)
    assert (duplicate.file, duplicate.row) == ("team/张三.csv", 3)


def test_editing_the_second_of_two_same_key_rows_is_one_update(tmp_path: Path) -> None:
    path, store = tmp_path / "team" / "张三.csv", tmp_path / "s.sqlite"
    write(path, CALLS + NO_ANSWER + ANSWERED)
    sync(path.parent, store)
    write(path, CALLS + NO_ANSWER + ANSWERED.replace("已接通", "已接通约面谈"))
    result = sync(path.parent, store)
    assert vars(result.changes) == {"added": 0, "updated": 1, "removed": 0}
    with open_store(store) as db:
        versions, _total = db.history(KEY + " #2")
    assert [(v.data["outcome"], v.end_reason) for v in versions] == [
        ("已接通", "updated"),
        ("已接通约面谈", None),
    ]


def test_deleting_the_first_of_two_same_key_rows_is_one_removal(tmp_path: Path) -> None:
    """The answered call, unchanged, is the same record (now the 1st of its key, on row
    2); the unanswered one is removed. Not an update of the 1st and a removal of the 2nd."""
    path, store = tmp_path / "team" / "张三.csv", tmp_path / "s.sqlite"
    write(path, CALLS + NO_ANSWER + ANSWERED)
    sync(path.parent, store)
    write(path, CALLS + ANSWERED)
    result = sync(path.parent, store)
    assert vars(result.changes) == {"added": 0, "updated": 0, "removed": 1}
    assert result.records["calls"] == 1
    with open_store(store) as db:
        versions, total = db.history("13800138000")
    assert total == 2
    assert [(v.key, v.data["outcome"], v.row, v.end_reason) for v in versions] == [
        (KEY, "无人接听", 2, "removed"),
        (KEY, "已接通", 2, None),
    ]


def test_the_same_key_in_two_files_is_two_records_unless_the_data_repeats(
    tmp_path: Path,
) -> None:
    team = tmp_path / "team"
    write(team / "张三.csv", CALLS + NO_ANSWER)
    write(team / "张三-备份.csv", CALLS + ANSWERED)
    result = sync(team, tmp_path / "s.sqlite")
    assert result.records["calls"] == 2 and result.duplicates == []
    assert effective_calls_today(result, "张三") == 1

    write(team / "张三-备份.csv", CALLS + NO_ANSWER)
    result = sync(team, tmp_path / "s.sqlite")
    assert result.records["calls"] == 1
    assert vars(result.changes) == {"added": 0, "updated": 0, "removed": 1}
    (duplicate,) = result.duplicates
    assert (duplicate.file, duplicate.row) == ("team/张三.csv", 2)
    assert duplicate.first == ("team/张三-备份.csv", "张三-备份", 2)


def test_keys_are_numbered_in_order_and_the_first_keeps_its_text() -> None:
    keys = ["a / 1", "b / 1", "a / 1", "a / 1"]
    assert numbered(keys) == ["a / 1", "b / 1", "a / 1 #2", "a / 1 #3"]
    assert [base_key(k) for k in numbered(keys)] == ["a / 1", "b / 1", "a / 1", "a / 1"]
    assert base_key("HT001 / 扫码枪 #1") == "HT001 / 扫码枪 #1"  # never an order: #1 is bare
