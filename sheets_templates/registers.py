"""The four registers reps keep: each field's name, template header, aliases and type.

This is the single description of what a sheet holds. The reader matches headers
against it, the templates write it, the master lays its register sheets out from it.
Aliases are a floor: they list what real sheets were seen to use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from .words import Text


class Kind(StrEnum):
    """How a cell's text is parsed (see `values`)."""

    TEXT = "text"
    DATE = "date"
    TIME = "time"
    PHONE = "phone"
    YES_NO = "yes_no"
    GRADE = "grade"
    MONEY = "money"
    QUANTITY = "quantity"


@dataclass(frozen=True)
class Field:
    """One column of a register."""

    name: str
    header: Text
    """The template's header in each language (`field.header(lang)`)."""
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def header_zh(self) -> str:
        """The team's header: what a problem names the column by when the sheet has none."""
        return self.header.zh

    @property
    def header_en(self) -> str:
        return self.header.en


@dataclass(frozen=True)
class Register:
    """A kind of sheet: calls, visits, leads or shipments."""

    name: str
    title: Text
    """The register's sheet name in each language (`register.title(lang)`)."""
    fields: tuple[Field, ...]
    natural_key: tuple[str, ...]
    """The fields that say "this is the same row" (see `rules.natural_key`)."""
    sheet_words: tuple[str, ...] = ()
    derived: tuple[Field, ...] = ()
    """Fields a record has that no column is read into: the reader works them out."""
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    @property
    def record_fields(self) -> tuple[Field, ...]:
        """Every field of a record: the columns read, then the derived ones."""
        return self.fields + self.derived

    @property
    def title_zh(self) -> str:
        return self.title.zh


def _f(
    name: str, zh: str, en: str, kind: Kind = Kind.TEXT, required: bool = False, *aliases: str
) -> Field:
    return Field(name, Text(zh, en), kind, required, aliases)


T, D, TM, P, YN, G, M, Q = (
    Kind.TEXT,
    Kind.DATE,
    Kind.TIME,
    Kind.PHONE,
    Kind.YES_NO,
    Kind.GRADE,
    Kind.MONEY,
    Kind.QUANTITY,
)

REP_WORDS: tuple[str, ...] = (
    "销售员",
    "业务员",
    "销售人员",
    "销售",
    "负责人",
    "姓名",
    "rep",
    "salesperson",
    "sales rep",
)
"""Words that name the rep: a rep column's header, the label of a `销售员: 张三` cell
above a header, the rep row of a settings sheet, the first header of the targets sheet."""
_REP = (*REP_WORDS, "员工", "owner")
_CUSTOMER = (
    "客户",
    "公司名称",
    "单位名称",
    "客户单位",
    "公司",
    "单位",
    "客户全称",
    "company",
    "client",
    "customer name",
    "company name",
    "client name",
)
_CONTACT = ("客户姓名", "联系人姓名", "对接人", "contact person", "contact name")
_PHONE = (
    "联系电话",
    "手机",
    "手机号",
    "手机号码",
    "电话号码",
    "联系方式",
    "mobile",
    "tel",
    "telephone",
    "phone number",
    "phone no",
    "mobile phone",
    "tel no",
)

CALLS = Register(
    "calls",
    Text("电话记录", "Calls"),
    (
        _f("date", "日期", "Date", D, True, "通话日期", "拨打日期", "来电日期", "call date"),
        _f("time", "时间", "Time", TM, False, "通话时间", "拨打时间", "call time"),
        _f("rep", "销售员", "Rep", T, True, *_REP),
        _f("customer", "客户名称", "Customer", T, True, *_CUSTOMER),
        _f("contact", "联系人", "Contact", T, False, *_CONTACT),
        _f("phone", "电话", "Phone", P, True, *_PHONE),
        _f("industry", "行业", "Industry", T, False, "所属行业"),
        _f("outcome", "通话结果", "Outcome", T, False, "结果", "通话情况", "call result", "result"),
        _f(
            "effective",
            "有效通话",
            "Effective",
            YN,
            True,
            "是否有效",
            "有用电话",
            "有效",
            "effective call",
        ),
        _f(
            "wechat_added",
            "添加微信",
            "WeChat added",
            YN,
            False,
            "加微信",
            "是否加微信",
            "微信",
            "wechat",
            "wechat add",
        ),
        _f(
            "intent_grade",
            "意向等级",
            "Intent grade",
            G,
            False,
            "意向",
            "客户等级",
            "等级",
            "grade",
            "intent",
        ),
        _f("objection", "客户异议", "Objection", T, False, "异议", "objections"),
        _f(
            "objection_kind",
            "异议类型",
            "Objection kind",
            T,
            False,
            "异议分类",
            "objection type",
            "objection category",
        ),
        _f(
            "open_question",
            "待解决问题",
            "Open question",
            T,
            False,
            "问题备注",
            "未解决问题",
            "问题",
            "question",
        ),
        _f(
            "follow_up",
            "下次联系",
            "Next contact",
            D,
            False,
            "下次跟进",
            "跟进日期",
            "回访日期",
            "下次联系日期",
            "follow up",
            "follow up date",
            "followup",
        ),
        _f("notes", "备注", "Notes", T, False, "说明", "remark", "remarks", "note", "comments"),
    ),
    ("rep", "date", "time", "phone"),
    ("电话", "通话", "call", "calls"),
)

VISITS = Register(
    "visits",
    Text("拜访记录", "Visits"),
    (
        _f("date", "日期", "Date", D, True, "拜访日期", "visit date"),
        _f("rep", "销售员", "Rep", T, True, *_REP),
        _f("customer", "客户名称", "Customer", T, True, *_CUSTOMER),
        _f("contact", "联系人", "Contact", T, False, "拜访对象", *_CONTACT),
        _f("visit_type", "拜访类型", "Visit type", T, False, "类型", "拜访方式", "type"),
        _f("purpose", "拜访目的", "Purpose", T, False, "目的"),
        _f("result", "拜访结果", "Result", T, False, "结果", "拜访情况", "outcome"),
        _f("breakthrough", "是否突破", "Breakthrough", YN, False, "突破", "有无突破"),
        _f("customer_grade", "客户等级", "Customer grade", G, False, "等级", "意向等级", "grade"),
        _f("next_step", "下一步计划", "Next step", T, False, "下一步", "后续计划", "next steps"),
        _f(
            "next_visit",
            "下次拜访",
            "Next visit",
            D,
            False,
            "下次拜访日期",
            "回访日期",
            "next visit date",
        ),
        _f("trip", "出差", "Trip", YN, False, "是否出差", "business trip"),
        _f("new_plan", "新计划", "New plan", T, False, "新方案"),
        _f("notes", "备注", "Notes", T, False, "说明", "remark", "remarks", "note", "comments"),
    ),
    ("rep", "date", "customer"),
    ("拜访", "visit", "visits"),
)

GRADE_TYPED = Field("grade_typed", Text("填写的等级", "Typed grade"), Kind.GRADE)
"""A lead's grade as the rep typed it; the record's `grade` is the stage facts' grade
when any fact is filled in (see `rules.grade`)."""

LEADS = Register(
    "leads",
    Text("意向客户", "Leads"),
    (
        _f("customer", "客户名称", "Customer", T, True, *_CUSTOMER),
        _f("contact", "联系人", "Contact", T, False, *_CONTACT),
        _f("phone", "电话", "Phone", P, False, *_PHONE),
        _f("industry", "行业", "Industry", T, False, "所属行业"),
        _f("lead_source", "来源", "Lead source", T, False, "客户来源", "渠道", "source"),
        _f("rep", "负责人", "Rep", T, True, *_REP),
        _f(
            "negotiating",
            "商务谈判中",
            "Negotiating",
            YN,
            False,
            "商务谈判",
            "谈判中",
            "in negotiation",
        ),
        _f(
            "solution_submitted",
            "已递交方案",
            "Solution submitted",
            YN,
            False,
            "递交方案",
            "已提交方案",
            "方案已递交",
            "proposal sent",
        ),
        _f(
            "met_with_interest",
            "面谈有兴趣",
            "Met with interest",
            YN,
            False,
            "面谈后有兴趣",
            "有浓厚兴趣",
            "interested after meeting",
        ),
        _f(
            "bought_before",
            "曾购买同类产品",
            "Bought before",
            YN,
            False,
            "曾购买",
            "购买过同类产品",
            "bought similar",
        ),
        _f(
            "accepts_meeting",
            "接受产品可面谈",
            "Accepts meeting",
            YN,
            False,
            "可面谈",
            "接受面谈",
            "近期能面谈",
        ),
        _f("grade", "等级", "Grade", G, False, "客户等级", "意向等级", "分类", "lead grade"),
        _f(
            "registered",
            "登记日期",
            "Registered",
            D,
            False,
            "登记时间",
            "录入日期",
            "日期",
            "date",
            "registered date",
        ),
        _f(
            "last_contact",
            "最近联系",
            "Last contact",
            D,
            False,
            "最近联系日期",
            "最后联系",
            "last contacted",
        ),
        _f(
            "signed_date",
            "签约日期",
            "Signed date",
            D,
            False,
            "签约时间",
            "成交日期",
            "signed",
            "signed on",
        ),
        _f("notes", "备注", "Notes", T, False, "说明", "remark", "remarks", "note", "comments"),
    ),
    ("rep", "customer"),
    ("意向", "客户", "lead", "leads"),
    derived=(GRADE_TYPED,),
)

SHIPMENTS = Register(
    "shipments",
    Text("发货", "Shipments"),
    (
        _f(
            "order_no",
            "合同号",
            "Order no",
            T,
            True,
            "订单号",
            "合同编号",
            "订单编号",
            "order",
            "order number",
            "contract no",
        ),
        _f("date", "申请日期", "Date", D, True, "日期", "需货日期", "request date"),
        _f("rep", "销售员", "Rep", T, True, *_REP),
        _f("customer", "客户名称", "Customer", T, True, *_CUSTOMER),
        _f(
            "product",
            "产品",
            "Product",
            T,
            True,
            "型号",
            "产品型号",
            "产品名称",
            "品名",
            "item",
            "model",
        ),
        _f("quantity", "数量", "Quantity", Q, True, "qty"),
        _f("unit_price", "单价", "Unit price", M, True, "price"),
        _f("amount", "金额", "Amount", M, False, "总金额", "合计金额", "销售额", "total"),
        _f("approved_by", "审核", "Approved by", T, False, "审核人", "审批人", "approver"),
        _f("ship_date", "发货日期", "Ship date", D, False, "出库日期", "shipped", "shipped on"),
        _f("outbound_no", "出库单号", "Outbound no", T, False, "出库单", "outbound slip"),
        _f(
            "confirmed_date",
            "客户确认日期",
            "Confirmed date",
            D,
            False,
            "确认日期",
            "签收日期",
            "confirmed",
        ),
        _f("received", "回款金额", "Received", M, False, "回款", "已回款", "收款金额", "collected"),
        _f("due_date", "回款期限", "Due date", D, False, "付款期限", "应回款日期", "due"),
        _f("notes", "备注", "Notes", T, False, "说明", "remark", "remarks", "note", "comments"),
    ),
    ("order_no", "product"),
    ("发货", "出库", "订单", "shipment", "shipments", "orders"),
)

REGISTERS: dict[str, Register] = {r.name: r for r in (CALLS, VISITS, LEADS, SHIPMENTS)}

_UNIT_SUFFIX = re.compile(r"[(（\[【].*?[)）\]】]$")
_PUNCT = re.compile(r"[\s\-_:：/\\.·,，、?？*]+")


def normalize_header(text: object) -> str:
    """A header as compared: width-folded, lower case, no spaces or punctuation, no `(元)`.

    `客户名称(全称)`, `客户名称：` and `Customer  Name` all compare by their core words,
    which is what lets a rep's own header variations map to a field.
    """
    return _normalized(str(text))


@lru_cache(maxsize=8192)
def _normalized(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = _UNIT_SUFFIX.sub("", s).strip()
    return _PUNCT.sub("", s)


_ALTERNATIVES = re.compile(r"[/／|｜、]|或")


def match_header(index: dict[str, str], header: object) -> str | None:
    """The field a header names, or None; `电话/手机` names the field either word names."""
    name = index.get(normalize_header(header))
    if name is None and isinstance(header, str) and _ALTERNATIVES.search(header):
        for part in _ALTERNATIVES.split(header):
            if part.strip() and (name := index.get(normalize_header(part))):
                break
    return name


def header_index(register: Register) -> dict[str, str]:
    """Normalised header → field name, for every header the register accepts.

    The template header wins over an alias of another field (`等级` is the leads'
    grade, even though calls also accept it), and the canonical snake_case name and
    its plain phrase (`unit_price`, `unit price`) are always accepted.
    """
    index: dict[str, str] = {}
    for f in register.fields:
        for text in (f.name, f.name.replace("_", " "), f.header_zh, f.header_en):
            index[normalize_header(text)] = f.name
    for f in register.fields:
        for alias in f.aliases:
            index.setdefault(normalize_header(alias), f.name)
    return index


HEADER_INDEX: dict[str, dict[str, str]] = {name: header_index(r) for name, r in REGISTERS.items()}
KNOWN_HEADERS: dict[str, str] = {k: k for index in HEADER_INDEX.values() for k in index}
"""Every header any register accepts (normalised): a row without one is no header."""
