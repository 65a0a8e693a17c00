"""Which record is which, from one sync to the next (DESIGN "record identity").

A record's identity is its register's natural key and its order among the rows of its
sheet that share that key: a redial of one number on one day, or a second shipment
batch of one order line, is a record of its own, `张三 / 2026-11-03 / 13800138000 #2`.
The first row of a key keeps the bare key text, so stores written before the order
counted see their records unchanged; `history` finds every one of them by the key.

Between two reads, the rows of one key are paired by content first and by order
after: a row whose data is unchanged is the same record wherever it moved; the rest
pair in order as updates, and what is left over was added or removed. So editing the
2nd of two same-key rows is one update, and deleting the 1st is one removal (the 2nd,
unchanged, becomes the 1st), never an update of the 1st plus a removal of the 2nd.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

_ORDINAL = re.compile(r" #([2-9]|[1-9]\d+)$")

Old = TypeVar("Old")
New = TypeVar("New")
Identity = tuple[Hashable, str]
"""What pairing compares: (the group of rows that share a key, the data's hash)."""


def numbered(keys: Iterable[str]) -> list[str]:
    """Each key text with its order among the equal keys before it: the first as it is,
    then `key #2`, `key #3` …"""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        n = seen[key] = seen.get(key, 0) + 1
        out.append(key if n == 1 else f"{key} #{n}")
    return out


def base_key(key: str) -> str:
    """A stored key text without its order (`… #2` → `…`)."""
    if " #" not in key:  # most keys: no regex search for each of 100k records
        return key
    found = _ORDINAL.search(key)
    return key[: found.start()] if found else key


@dataclass
class Pairing(Generic[Old, New]):
    """Old rows matched to new ones: unchanged, changed, and the rows left over."""

    same: list[tuple[Old, New]] = field(default_factory=list)
    changed: list[tuple[Old, New]] = field(default_factory=list)
    removed: list[Old] = field(default_factory=list)
    added: list[New] = field(default_factory=list)


def pair(
    old: Sequence[Old],
    new: Sequence[New],
    old_identity: Callable[[Old], Identity],
    new_identity: Callable[[New], Identity],
) -> Pairing[Old, New]:
    """Pair old and new rows within each group: equal data first (in order), then the
    rest in order as changes; the surplus on either side is removed or added."""
    out: Pairing[Old, New] = Pairing()
    old_groups: dict[Hashable, list[tuple[str, Old]]] = {}
    for row in old:
        group, data_hash = old_identity(row)
        old_groups.setdefault(group, []).append((data_hash, row))
    new_groups: dict[Hashable, list[tuple[str, New]]] = {}
    for item in new:
        group, data_hash = new_identity(item)
        new_groups.setdefault(group, []).append((data_hash, item))
    for group, items in new_groups.items():
        rows = old_groups.pop(group, [])
        if not rows:  # a new key (every key of a first sync): nothing to pair with
            out.added.extend(item for _h, item in items)
            continue
        if len(rows) == 1 == len(items):  # the usual case: one row per key
            (old_hash, row), (new_hash, item) = rows[0], items[0]
            (out.same if old_hash == new_hash else out.changed).append((row, item))
            continue
        left, fresh = _pair_equal(rows, items, out.same)
        out.changed.extend(zip(left, fresh, strict=False))
        out.removed.extend(left[len(fresh) :])
        out.added.extend(fresh[len(left) :])
    for rows in old_groups.values():
        out.removed.extend(row for _h, row in rows)
    return out


def _pair_equal(
    rows: list[tuple[str, Old]], items: list[tuple[str, New]], same: list[tuple[Old, New]]
) -> tuple[list[Old], list[New]]:
    """Match rows and items of equal hash in order (into `same`); the others, in order."""
    waiting: dict[str, list[int]] = {}
    for i in reversed(range(len(rows))):
        waiting.setdefault(rows[i][0], []).append(i)
    matched: set[int] = set()
    fresh = []
    for data_hash, item in items:
        candidates = waiting.get(data_hash)
        if candidates:
            i = candidates.pop()
            matched.add(i)
            same.append((rows[i][1], item))
        else:
            fresh.append(item)
    return [row for i, (_h, row) in enumerate(rows) if i not in matched], fresh
