"""今天先联系谁: each rep's follow-up list for a day, the morning meeting's plan.

A rep should contact today: the A and B customers nobody called or visited for the
number of working days the targets sheet says (A 3, B 7: `targets.FOLLOW_UP_AFTER`),
the stalled customers (a new plan before another trip, `flags.stalled_customers`), the
customers promised a call (下次联系) or a visit (下次拜访) today — unless the rep has
already kept the promise today (a call today keeps a call promise, a visit a visit: the
list is read again during the day) — and the customers whose shipped goods are overdue
for payment. A customer can be on the list for two reasons (promised today and money
overdue): each is a thing to do, so each is a row.

Pure functions over records, like `kpi` and `flags`; the list shows the contact and
phone (it is the rep's working list), the meeting sheets only count it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from . import rules
from .flags import Receivable, Stalled
from .targets import FOLLOW_UP_AFTER, Targets
from .words import Count, Lang, Text

Record = Mapping[str, Any]

SILENT_A, SILENT_B, STALLED, CALL_PROMISED, VISIT_PROMISED, OVERDUE = (
    "silent_a",
    "silent_b",
    "stalled",
    "call_promised",
    "visit_promised",
    "overdue",
)
REASONS = {
    CALL_PROMISED: Text("约定今天联系", "Call promised for today"),
    VISIT_PROMISED: Text("约定今天拜访", "Visit promised for today"),
    OVERDUE: Text("逾期回款待催", "Overdue payment to chase"),
    STALLED: Text("停滞客户：先定新计划", "Stalled: a new plan first"),
    SILENT_A: Text("A类客户久未联系", "A customer gone quiet"),
    SILENT_B: Text("B类客户久未联系", "B customer gone quiet"),
}
"""Why a customer is on the list, in the order the list gives them (a promise first)."""
PROMISED = Text("{day} 约定", "promised on {day}")
"""A promise's detail: the day of the call or visit that made it."""
DETAILS = {
    OVERDUE: Count(
        "欠款 ¥{amount}，逾期 {n} 天",
        "¥{amount} owed, {n} day overdue",
        "¥{amount} owed, {n} days overdue",
    ),
    STALLED: Count(
        "{n} 次拜访无突破（最近 {day}）",
        "{n} visit without a breakthrough (last {day})",
        "{n} visits without a breakthrough (last {day})",
    ),
    SILENT_A: Count(
        "{n} 个工作日未联系（最近 {day}）",
        "not contacted for {n} working day (last {day})",
        "not contacted for {n} working days (last {day})",
    ),
}
"""The other rows' detail, by reason (`n` the row's `days`, `day` its date)."""
DETAILS[SILENT_B] = DETAILS[SILENT_A]
_SILENT = {"A": SILENT_A, "B": SILENT_B}
PROMISES = {"calls": ("follow_up", CALL_PROMISED), "visits": ("next_visit", VISIT_PROMISED)}
"""The field of a register that promises the next contact on a day (下次联系, 下次拜访),
and the reason a customer promised today is on the list."""
_ORDER = list(REASONS)


class Graded(Protocol):
    """A customer's current grade for a rep (`kpi.PipelineEntry`)."""

    @property
    def rep(self) -> str: ...
    @property
    def customer(self) -> str: ...
    @property
    def grade(self) -> str: ...


@dataclass(frozen=True)
class FollowUp:
    """A customer a rep should contact today, and why. `day` is the last contact (a
    quiet A/B customer), the promise's record (a promise), the last visit (stalled) or
    the earliest payment due date (overdue); `days` the working days without contact,
    the visits without a breakthrough or the days overdue; `amount` the money owed."""

    rep: str
    reason: str
    customer: str
    contact: str | None
    phone: str | None
    day: date | None
    days: int | None = None
    amount: Decimal | None = None


@dataclass
class _Customer:
    """What a rep's records say of one customer: the last contact, who, which phone."""

    name: str
    last: date | None = None
    contact: str | None = None
    phone: str | None = None

    def saw(self, r: Record, day: date | None, as_of: date) -> None:
        if day is not None and day <= as_of and (self.last is None or day > self.last):
            self.last = day
        self.contact = self.contact or r.get("contact")
        self.phone = self.phone or r.get("phone")


LEAD_DATES = ("registered", "last_contact")
"""A lead's dates that say when the rep was in touch with the customer."""
TOUCHES = ("calls", "visits")
"""The registers whose records are a contact on their date."""


def _customers(
    registers: Mapping[str, Iterable[Record]], as_of: date
) -> dict[tuple[str, str], _Customer]:
    """Each (rep, customer key)'s last contact by `as_of`, and the name, contact and
    phone to show: the lead's (the ones the rep keeps for the customer), else those of
    the latest call or visit by then.

    Only the latest call or visit of each customer matters, so a sync hands over the
    calls of a year as each customer's latest (`sync.current.load_current`)."""
    known: dict[tuple[str, str], _Customer] = {}
    for r in registers.get("leads", ()):
        if r.get("customer"):
            key = (r["rep"], rules.customer_key(r["customer"]))
            customer = known.setdefault(key, _Customer(r["customer"]))
            for name in LEAD_DATES:
                customer.saw(r, r.get(name), as_of)
    latest: dict[tuple[str, str], tuple[date, Record]] = {}
    for register in TOUCHES:
        for r in registers.get(register, ()):
            day = r.get("date")
            if r.get("customer") and day is not None and day <= as_of:
                key = (r["rep"], rules.customer_key(r["customer"]))
                if key not in latest or day >= latest[key][0]:  # the later typed wins a tie
                    latest[key] = (day, r)
    for key, (day, r) in latest.items():
        known.setdefault(key, _Customer(r["customer"])).saw(r, day, as_of)
    return known


def _today_by_customer(
    records: Iterable[Record], as_of: date
) -> dict[tuple[str, str], list[Record]]:
    """The records dated `as_of`, by rep and customer (`rules.customer_key`)."""
    out: dict[tuple[str, str], list[Record]] = {}
    for r in records:
        if r.get("date") == as_of and r.get("customer"):
            out.setdefault((r["rep"], rules.customer_key(r["customer"])), []).append(r)
    return out


def _kept_by(contact: Record, promise: Record) -> bool:
    """Whether `contact` (dated today, same rep, same customer) keeps `promise`: it
    came after the record that made the promise, which is always so when the promise
    is from an earlier day; a promise made earlier today only when both times say so
    (the call that made the promise keeps nothing)."""
    made_on = promise.get("date")
    if made_on is None or made_on < contact["date"]:
        return True
    made, at = promise.get("time"), contact.get("time")
    return made_on == contact["date"] and made is not None and at is not None and at > made


def quiet_for(last: date, as_of: date, holidays: frozenset[date] = frozenset()) -> int:
    """Working days since the last contact: after it, up to and including `as_of`
    (Thursday's customer is 1 day quiet on Friday and 3 on Tuesday)."""
    return rules.working_days(last + timedelta(days=1), as_of, holidays)


def follow_ups(
    registers: Mapping[str, Iterable[Record]],
    as_of: date,
    targets: Targets,
    grades: Iterable[Graded],
    stalled: Sequence[Stalled],
    receivables: Sequence[Receivable],
    holidays: frozenset[date] = frozenset(),
) -> list[FollowUp]:
    """Every rep's list for `as_of`, by rep, then reason (`REASONS`' order), then the
    longest wait first."""
    customers = _customers(registers, as_of)

    def about(rep: str, name: str) -> _Customer:
        return customers.get((rep, rules.customer_key(name))) or _Customer(name)

    out: set[FollowUp] = set()
    for register, (field, reason) in PROMISES.items():
        records = registers.get(register, ())
        today = _today_by_customer(records, as_of)
        for r in records:
            if r.get(field) != as_of or not r.get("customer"):
                continue
            key = (r["rep"], rules.customer_key(r["customer"]))
            if any(_kept_by(contact, r) for contact in today.get(key, ())):
                continue  # kept already: a call keeps a call promise, a visit a visit
            c = about(r["rep"], r["customer"])
            out.add(FollowUp(r["rep"], reason, c.name, c.contact, c.phone, r.get("date")))
    for g in grades:
        setting = FOLLOW_UP_AFTER.get(g.grade)
        after = targets.value(g.rep, setting.name) if setting else None
        c = about(g.rep, g.customer)
        if after is None or c.last is None:
            continue
        quiet = quiet_for(c.last, as_of, holidays)
        if quiet >= after:
            out.add(FollowUp(g.rep, _SILENT[g.grade], c.name, c.contact, c.phone, c.last, quiet))
    for s in stalled:
        c = about(s.rep, s.customer)
        out.add(FollowUp(s.rep, STALLED, c.name, c.contact, c.phone, s.last, s.visits))
    owed: dict[tuple[str, str], list[Receivable]] = {}
    for line in receivables:
        if line.overdue_days > 0:
            rep, name = line.record["rep"], line.record.get("customer") or ""
            owed.setdefault((rep, rules.customer_key(name)), []).append(line)
    for lines in owed.values():
        rep, name = lines[0].record["rep"], lines[0].record.get("customer") or ""
        c = about(rep, name)
        due = min(line.record["due_date"] for line in lines)
        amount = sum((line.outstanding for line in lines), Decimal("0.00"))
        days = max(line.overdue_days for line in lines)
        out.add(FollowUp(rep, OVERDUE, c.name, c.contact, c.phone, due, days, amount))
    return sorted(out, key=lambda f: (f.rep, _ORDER.index(f.reason), -(f.days or 0), f.customer))


def detail(f: FollowUp, lang: Lang) -> str:
    """The row's detail in the team's language (`PROMISED`, `DETAILS`)."""
    day = f.day.isoformat() if f.day else "?"
    if f.reason in (CALL_PROMISED, VISIT_PROMISED):
        return PROMISED(lang, day=day)
    amount = f"{f.amount:,.2f}" if f.amount is not None else ""
    return DETAILS[f.reason](f.days or 0, lang, day=day, amount=amount)


def counts(items: Iterable[FollowUp]) -> dict[str, int]:
    """How many follow-ups each rep has (the meeting counts them per rep)."""
    out: dict[str, int] = {}
    for f in items:
        out[f.rep] = out.get(f.rep, 0) + 1
    return out
