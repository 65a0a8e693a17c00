"""Registers by evidence: defining columns decide, weak ones never do."""

from sheets_templates.evidence import NearMiss, in_context, missing_groups


def test_a_customer_list_is_not_a_calls_register() -> None:
    fields = {"customer", "contact", "phone", "notes"}
    assert missing_groups("calls", fields) == [
        frozenset({"date"}),
        frozenset({"effective", "outcome"}),
    ]
    assert missing_groups("leads", fields) != []


def test_a_thin_calls_sheet_is_one() -> None:
    assert missing_groups("calls", {"date", "customer", "phone", "effective"}) == []


def test_a_visits_log_with_a_phone_column_is_visits_not_calls() -> None:
    fields = {"date", "rep", "customer", "contact", "phone", "visit_type", "purpose", "result"}
    assert missing_groups("visits", fields) == []
    assert missing_groups("calls", fields) == [frozenset({"effective", "outcome"})]


def test_an_invoice_without_dates_is_not_shipments() -> None:
    fields = {"product", "quantity", "unit_price", "amount"}
    assert missing_groups("shipments", fields) == [frozenset({"date", "ship_date"})]


def test_an_expense_claim_is_not_shipments() -> None:
    # 日期 / 金额 / 审批人: a date and an amount, but neither an order nor a product
    assert missing_groups("shipments", {"date", "amount", "approved_by"}) == [
        frozenset({"order_no", "product"})
    ]


def test_unit_is_the_customer_only_outside_item_tables() -> None:
    headers = {0: "单位", 1: "数量", 2: "单价"}
    item_table = {0: "customer", 1: "quantity", 2: "unit_price"}
    assert in_context(item_table, headers) == {1: "quantity", 2: "unit_price"}
    calls = {0: "customer", 1: "phone"}
    assert in_context(calls, {0: "单位", 1: "电话"}) == {0: "customer", 1: "phone"}


def test_the_skip_note_names_what_was_found_and_what_is_missing() -> None:
    miss = NearMiss(
        "calls",
        ("客户名称", "电话"),
        frozenset({"customer", "phone", "contact"}),
        (frozenset({"date"}), frozenset({"effective", "outcome"})),
    )
    assert (
        miss.note("zh") == "像客户名单：有 客户名称/电话；作为电话记录还缺 日期、通话结果/有效通话"
    )
    assert miss.note("en") == (
        "Looks like a customer list: has 客户名称/电话; as Calls it lacks Date, Outcome/Effective"
    )
