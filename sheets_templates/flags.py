"""What a manager must act on: stalled customers, two reps on one customer (撞单), and
receivables (each order line's status, what is overdue, aging per rep and customer).

Pure functions over records (`Mapping`s of field name → typed value). The rules they
apply (when a customer is stalled, when a line is overdue and for how long) live here
too: none of them is a cell formula, so none has a twin in `rules`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .rules import customer_key
from .values import to_cents
from .words import Text

Record = Mapping[str, Any]

# --- stalled customers and collisions ----------------------------------------------

STALLED_AFTER_VISITS = 3


def is_stalled(visits: list[Mapping[str, Any]]) -> bool:
    """Three or more visits with no breakthrough since the last one, and no new plan.

    `visits` are one rep's visits to one customer, in date order. Counting restarts
    after a breakthrough; a new plan on any visit since then lifts the flag.
    """
    since = visits_since_breakthrough(visits)
    if len(since) < STALLED_AFTER_VISITS:
        return False
    return not any((v.get("new_plan") or "").strip() for v in since)


def visits_since_breakthrough(visits: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The visits (in date order) after the last one that broke through."""
    since: list[Mapping[str, Any]] = []
    for visit in visits:
        if visit.get("breakthrough"):
            since = []
        else:
            since.append(visit)
    return since


@dataclass(frozen=True)
class Stalled:
    """Three or more visits to one customer with no breakthrough and no new plan."""

    rep: str
    customer: str
    visits: int
    first: date
    last: date
    record: Record


def stalled_customers(visits: Iterable[Record]) -> list[Stalled]:
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for v in visits:
        groups[(v["rep"], customer_key(v.get("customer")))].append(v)
    out = []
    for (rep, _key), group in groups.items():
        group.sort(key=lambda v: v["date"])
        if is_stalled(group):
            since = visits_since_breakthrough(group)
            last = since[-1]
            out.append(
                Stalled(rep, last["customer"], len(since), since[0]["date"], last["date"], last)
            )
    return sorted(out, key=lambda s: (s.rep, s.customer))


@dataclass(frozen=True)
class Collision:
    """Two reps claiming one customer (撞单): the earlier registration owns it."""

    customer: str
    rep: str
    registered: date | None
    owner: str
    owner_registered: date | None
    by: str
    record: Record


def collisions(leads: Sequence[Record]) -> list[Collision]:
    """Leads of different reps that are one customer, by normalised name or by phone.

    Claims on one customer are linked through any shared name or phone; the owner is
    the rep whose lead was registered first (an undated lead comes last), and every
    other rep's claim is one collision.
    """
    parent = list(range(len(leads)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, str], int] = {}
    for i, lead in enumerate(leads):
        for kind, value in (
            ("name", customer_key(lead.get("customer"))),
            ("phone", lead.get("phone")),
        ):
            if not value:
                continue
            j = seen.setdefault((kind, value), i)
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(leads)):
        groups[root(i)].append(i)
    out = []
    for members in groups.values():
        claims: dict[str, Record] = {}
        for i in sorted(members, key=lambda i: _registered_order(leads[i], i)):
            claims.setdefault(leads[i]["rep"], leads[i])
        if len(claims) < 2:
            continue
        (owner, owner_lead), *others = claims.items()
        for rep, lead in others:
            same_name = customer_key(lead.get("customer")) == customer_key(
                owner_lead.get("customer")
            )
            out.append(
                Collision(
                    owner_lead["customer"],
                    rep,
                    lead.get("registered"),
                    owner,
                    owner_lead.get("registered"),
                    "name" if same_name else "phone",
                    lead,
                )
            )
    return sorted(out, key=lambda c: (c.customer, c.rep))


def _registered_order(lead: Record, i: int) -> tuple[bool, date, int]:
    day = lead.get("registered")
    return (day is None, day or date.max, i)


# --- receivables -------------------------------------------------------------------

SHIPMENT_STATUS = {
    "pending": Text("待发货", "To ship"),
    "shipped": Text("已发货待确认", "Shipped, awaiting confirmation"),
    "confirmed": Text("已确认待回款", "Confirmed, awaiting payment"),
    "settled": Text("已结清", "Settled"),
}
"""Each `shipment_status` as the master shows it."""


def outstanding(amount: Decimal, received: Decimal | None) -> Decimal:
    return to_cents(amount - (received or Decimal(0)))


def happened(day: date | None, as_of: date) -> bool:
    """A ship or confirmation date counts only once it has come: a date after the as-of
    date is a typo or a plan (the reader reports it as `date.future`), never done."""
    return day is not None and day <= as_of


def shipment_status(
    ship_date: date | None,
    confirmed_date: date | None,
    amount: Decimal,
    received: Decimal | None,
    as_of: date,
) -> str:
    """Where an order line is in requisition → shipped → confirmed → collected, as of
    `as_of` (a ship or confirmation date still to come has not happened)."""
    shipped, confirmed = happened(ship_date, as_of), happened(confirmed_date, as_of)
    if outstanding(amount, received) <= 0 and (shipped or confirmed):
        return "settled"
    if confirmed:
        return "confirmed"
    if shipped:
        return "shipped"
    return "pending"


def overdue_days(
    due_date: date | None,
    amount: Decimal,
    received: Decimal | None,
    as_of: date,
    status: str,
) -> int:
    """Days past the due date with money still outstanding (0 when not overdue). Only
    goods that left age: an order not yet shipped (`pending`) is never overdue."""
    if status == "pending" or due_date is None or outstanding(amount, received) <= 0:
        return 0
    return max(0, (as_of - due_date).days)


AGING_BUCKETS = ((0, 30, "≤30"), (31, 60, "31–60"), (61, 90, "61–90"), (91, None, ">90"))


def aging_bucket(days_overdue: int) -> str | None:
    """The receivables aging column an overdue line falls into."""
    if days_overdue <= 0:
        return None
    for low, high, label in AGING_BUCKETS:
        if days_overdue >= low and (high is None or days_overdue <= high):
            return label
    return None


@dataclass(frozen=True)
class Receivable:
    """An order line along requisition → shipped → confirmed → collected."""

    record: Record
    status: str
    outstanding: Decimal
    overdue_days: int
    bucket: str | None


def receivables(shipments: Iterable[Record], as_of: date) -> list[Receivable]:
    out = []
    for s in shipments:
        amount = s.get("amount") or Decimal(0)
        received = s.get("received")
        status = shipment_status(
            s.get("ship_date"), s.get("confirmed_date"), amount, received, as_of
        )
        days = overdue_days(s.get("due_date"), amount, received, as_of, status)
        out.append(
            Receivable(
                s,
                status,
                outstanding(amount, received),
                days,
                aging_bucket(days),
            )
        )
    return sorted(
        out, key=lambda r: (r.record.get("order_no") or "", r.record.get("product") or "")
    )


@dataclass
class Aging:
    """Money outstanding for a rep (and a customer, or all of the rep's: None), split
    into not yet due and the overdue buckets of `AGING_BUCKETS`."""

    rep: str
    customer: str | None
    outstanding: Decimal = Decimal("0.00")
    not_due: Decimal = Decimal("0.00")
    buckets: dict[str, Decimal] = field(
        default_factory=lambda: {label: Decimal("0.00") for *_r, label in AGING_BUCKETS}
    )

    def add(self, line: Receivable) -> None:
        self.outstanding += line.outstanding
        if line.bucket is None:
            self.not_due += line.outstanding
        else:
            self.buckets[line.bucket] += line.outstanding


def aging(lines: Iterable[Receivable]) -> tuple[list[Aging], list[Aging]]:
    """Outstanding money per rep, and per rep and customer (lines with money owed)."""
    per_rep: dict[str, Aging] = {}
    per_customer: dict[tuple[str, str], Aging] = {}
    for line in lines:
        if line.outstanding <= 0:
            continue
        rep = line.record["rep"]
        name = line.record.get("customer") or ""
        per_rep.setdefault(rep, Aging(rep, None)).add(line)
        per_customer.setdefault((rep, customer_key(name)), Aging(rep, name)).add(line)
    return (
        sorted(per_rep.values(), key=lambda a: a.rep),
        sorted(per_customer.values(), key=lambda a: (a.rep, -a.outstanding)),
    )
