"""Which register a sheet is, decided by evidence, and why a sheet is not one.

Reps' workbooks hold customer lists, price lists, invoices and order forms beside their
registers, and those share words with the registers: a customer list has 客户名称 and
电话 like a calls register, an invoice has 数量 / 单价 / 金额 like a shipments register.
Counting known columns mistakes one for the other. So each register declares the columns
that *define* it — groups of which at least one must be present — and a sheet is that
register only when every group is met. Weak columns (备注, 联系人, 姓名 …) are in no
group and never decide. A sheet that meets no register is skipped with a note that names
what was recognised and what is missing, so a rep sees why, in one line.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .registers import REGISTERS, header_index, normalize_header
from .words import Lang, Text

DEFINING: dict[str, tuple[frozenset[str], ...]] = {
    "calls": (
        frozenset({"date"}),
        frozenset({"phone", "customer"}),
        frozenset({"effective", "outcome"}),
    ),
    "visits": (
        frozenset({"date"}),
        frozenset({"customer"}),
        frozenset({"visit_type", "purpose", "result", "breakthrough", "next_step", "next_visit"}),
    ),
    "leads": (
        frozenset({"customer"}),
        frozenset(
            {
                "grade",
                "negotiating",
                "solution_submitted",
                "met_with_interest",
                "bought_before",
                "accepts_meeting",
            }
        ),
    ),
    "shipments": (
        frozenset({"order_no", "product"}),
        frozenset({"quantity", "amount"}),
        frozenset({"date", "ship_date"}),
    ),
}
"""Per register, the groups of fields of which one each must be present."""

_ITEM_FIELDS = frozenset({"quantity", "unit_price", "product", "amount"})
_ITEM_INDEX = header_index(REGISTERS["shipments"])
_ITEM_WORDS = frozenset(
    normalize_header(w)
    for w in ("规格", "规格型号", "物料", "物料名称", "物料编码", "存货名称", "用量", "sku", "spec")
)
"""Headers of item tables that name no register field: a BOM has 物料名称 / 规格 / 用量."""
_UNIT_WORDS = frozenset(normalize_header(w) for w in ("单位", "unit"))


def in_context(columns: Mapping[int, str], headers: Mapping[int, str]) -> dict[int, str]:
    """The columns with ambiguous words read in their context.

    `单位` names the customer (工作单位, 客户单位) in a calls sheet but the unit of measure
    (台, 个, 箱) in an item table: beside a quantity, price, product, amount or an item
    word (规格, 物料名称) anywhere in the header row it is not the customer."""
    texts = [normalize_header(h) for h in headers.values()]
    items = _ITEM_FIELDS & set(columns.values()) or any(
        t in _ITEM_WORDS or _ITEM_INDEX.get(t) in _ITEM_FIELDS for t in texts
    )
    if not items:
        return dict(columns)
    return {
        c: name
        for c, name in columns.items()
        if not (name == "customer" and normalize_header(headers.get(c, "")) in _UNIT_WORDS)
    }


def missing_groups(register: str, fields: Collection[str]) -> list[frozenset[str]]:
    """The defining groups of `register` that `fields` leaves unmet (none: it is one)."""
    present = set(fields)
    return [group for group in DEFINING[register] if not group & present]


def group_header(register: str, group: frozenset[str], lang: Lang) -> str:
    """A group named by its fields' headers in the register's order: 有效通话/通话结果."""
    fields = [f for f in REGISTERS[register].fields if f.name in group]
    return "/".join(f.header(lang) for f in fields)


LOOKS_LIKE_CUSTOMERS = Text("像客户名单", "Looks like a customer list")
LOOKS_LIKE_ITEMS = Text("像明细单（订单、发票或清单）", "Looks like an item list (order, invoice)")
LOOKS_LIKE_PRODUCTS = Text("像产品清单", "Looks like a product list")
NOT_A_REGISTER = Text("不是登记表", "Not a register")
SKIP_NOTE = Text(
    "{what}：有 {found}；作为{register}还缺 {missing}",
    "{what}: has {found}; as {register} it lacks {missing}",
)
NOTHING_FOUND = Text(
    "{what}：没有认出登记表的关键列", "{what}: none of a register's key columns recognised"
)
LIST_SEPARATOR = Text("、", ", ")


def looks_like(fields: Collection[str]) -> Text:
    """A plain guess at what a sheet that is no register holds, for the skip note."""
    present = set(fields)
    dated = bool({"date", "ship_date"} & present)
    if not dated and "customer" in present and {"phone", "contact"} & present:
        return LOOKS_LIKE_CUSTOMERS
    if not dated and {"quantity", "amount"} & present:
        return LOOKS_LIKE_ITEMS
    if {"product", "unit_price"} & present and not {"quantity", "amount"} & present:
        return LOOKS_LIKE_PRODUCTS
    return NOT_A_REGISTER


@dataclass(frozen=True)
class NearMiss:
    """The register a skipped sheet came closest to, what it had and what it lacked."""

    register: str
    headers: tuple[str, ...]
    fields: frozenset[str]
    missing: tuple[frozenset[str], ...]

    def note(self, lang: Lang) -> str:
        what = looks_like(self.fields)(lang)
        if not self.headers:
            return NOTHING_FOUND(lang, what=what)
        return SKIP_NOTE(
            lang,
            what=what,
            found="/".join(self.headers),
            register=REGISTERS[self.register].title(lang),
            missing=LIST_SEPARATOR(lang).join(
                group_header(self.register, g, lang) for g in self.missing
            ),
        )
