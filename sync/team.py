"""The team roster in a sync: read back from the master, applied to the records, grown.

The master's 团队 sheet (`sheets_templates.roster`) is read back before every sync,
like the 指标 sheet: from the master when it has one, else as the last sync left it in
the store. It decides whose a file is (`Source.owned_by`) and which rep a written name
means: a row typed `小王` counts for 王磊. The first sync, with no roster yet, seeds it
from the reps found. After that a name the roster does not know is a warning
(`rep.unknown`) on the data-problems sheet, once per name; its records still count,
and the name joins the 团队 sheet marked new until the manager confirms it or merges it
into a rep's other names.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sheets_templates.problems import REP_UNKNOWN, Problem
from sheets_templates.roster import Roster, roster_from_rows
from sheets_templates.targets import Targets

from .store import Store

ROSTER_SETTING = "roster_rows"


def load_roster(
    store: Store, rows: list[list[Any]] | None, setting: str = ROSTER_SETTING
) -> Roster:
    """The roster from the master's 团队 sheet (or tab), else the one the last sync
    left under `setting` (an office's own: `offices.setting_name`); empty on the first
    sync."""
    if rows is None:
        rows = store.setting(setting)
    return roster_from_rows(rows) if rows else Roster()


@dataclass
class Team:
    """The roster after a sync, and the warnings for names it did not know."""

    roster: Roster
    problems: list[Problem]


def apply_roster(
    registers: Mapping[str, Sequence[MutableMapping[str, Any]]],
    roster: Roster,
    offices: Mapping[str, str | None],
) -> Team:
    """Give every record its rep's roster name, in place, and grow the roster.

    `offices` is the office each source's path names, by source path: a name joins
    the roster with the first office its records' paths name. Records name their source as
    `source` = (path, sheet, row); a warning points at a name's first record.
    """
    first: dict[str, tuple[str, str, int]] = {}
    names: dict[str, str] = {}  # a team writes a few names on many rows
    found_offices: dict[str, str | None] = {}
    for rows in registers.values():
        for record in rows:
            written = record.get("rep")
            if not written:
                continue
            name = names.get(written) or names.setdefault(written, roster.name_of(written))
            record["rep"] = name
            place = record["source"]
            if name not in first or place < first[name]:
                first[name] = place
            if name not in found_offices and (office := offices.get(place[0])):
                found_offices[name] = office
    first = dict(sorted(first.items(), key=lambda item: item[1]))  # the order found
    if not roster:
        return Team(roster.with_new(first, found_offices, new=False), [])
    unknown = [n for n in first if (m := roster.member(n)) is None or m.new]
    problems = []
    for name in unknown:
        path, sheet, row = first[name]
        problems.append(Problem.place(REP_UNKNOWN.at(name), path, sheet, row))
    return Team(roster.with_new(unknown, found_offices), problems)


def targets_by_roster(targets: Targets, roster: Roster) -> Targets:
    """The targets with each rep row under the rep's roster name: a row the manager
    kept for 孙七 after merging 孙七 into 王磊 is 王磊's (王磊's own row wins where both
    fill a metric), so a merged name leaves the KPIs instead of ranking at zero."""
    reps: dict[str, dict[str, Decimal | None]] = {}
    for written, own in sorted(
        targets.reps.items(), key=lambda item: roster.name_of(item[0]) == item[0]
    ):
        reps.setdefault(roster.name_of(written), {}).update(own)
    unread = {
        (roster.name_of(rep) if rep else rep, metric): raw
        for (rep, metric), raw in targets.unread.items()
    }
    return replace(targets, reps=reps, unread=unread)
