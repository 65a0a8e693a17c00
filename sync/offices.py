"""Several offices in one store: which office a sync is of, what it may replace, and
the head office's view of every office.

A company on a database server has offices syncing their own folders into one store
(`--office 华东区`). Each source belongs to the office whose sync stored it, so an
office's sync replaces only its own sources: a file missing from 华东区's folders is
gone from 华东区, never from 华南区. A rep belongs to one office: records of a rep
another office already holds are refused with a problem (`rep.other_office`), never
merged into that rep's figures. The head office (`--all-offices`) reads nothing and
marks nothing gone: it consolidates every office's current records, with each
record's office beside it.

The office "" is a company of one office (no office named, and the roster names none
or several): its sync is the whole store's, exactly as before offices. A named
office also takes over the sources stored under "" (a store from before offices, or a
sync that named none), so a team whose roster comes to name one office goes on with
its records as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sheets_templates.problems import REP_OTHER_OFFICE, Problem
from sheets_templates.roster import Roster, roster_from_rows
from sheets_templates.words import Text

from .parsed import ParsedSource
from .sources import Source
from .store import Store, StoredSource
from .team import ROSTER_SETTING

HEAD_OFFICE = "*"
"""The key the head office's own settings (its roster, its targets) are kept under."""


@dataclass(frozen=True)
class Scope:
    """Which office a sync is of: `office` as named (`--office`, `SALESFLOW_OFFICE`),
    None for the roster's office when the team sheet gives exactly one (else "");
    `head_office` consolidates every office and reads nothing (`--all-offices`)."""

    office: str | None = None
    head_office: bool = False


ONE_OFFICE = Scope()
"""A sync that names no office (the default): a company of one office, or the roster's."""


@dataclass(frozen=True)
class OfficeView:
    """Each source's and each rep's office, for the head-office master's office column
    and office ranking."""

    by_source: Mapping[str, str]
    by_rep: Mapping[str, str]

    @property
    def offices(self) -> list[str]:
        """The offices the registers hold records of, in name order."""
        return sorted(set(self.by_source.values()))


def roster_office(roster: Roster) -> str:
    """The office the team sheet gives, when it gives exactly one; else ""."""
    named = {m.office.strip() for m in roster.members if m.office and m.office.strip()}
    return named.pop() if len(named) == 1 else ""


def syncing_office(scope: Scope, team_rows: list[list[Any]] | None, store: Store) -> str | None:
    """The office this sync is of; None for the head office. Unnamed, it is the office
    of the team sheet (the master's, else the one the last sync of "" left)."""
    if scope.head_office:
        return None
    if scope.office is not None:
        return scope.office.strip()
    rows = team_rows if team_rows is not None else store.setting(ROSTER_SETTING)
    return roster_office(roster_from_rows(rows)) if rows else ""


def setting_name(name: str, office: str | None) -> str:
    """A store setting kept per office (the roster, the targets): an office's own under
    `name@office`, the one-office company's under `name` as before offices."""
    if office == "":
        return name
    return f"{name}@{HEAD_OFFICE if office is None else office}"


def own_sources(store: Store, office: str | None) -> dict[str, StoredSource]:
    """The stored sources a sync of `office` may read again, replace or mark gone: its
    own and those of no office; every source for the office "" (the whole store, as
    before offices); none for the head office (it reads nothing)."""
    if office is None:
        return {}
    if office == "":
        return store.sources()
    return {**store.sources(""), **store.sources(office)}


PATH_TAKEN = Text(
    "{office} 已有一个路径相同的文件，本文件未读取（一个文件只属于一个办公室，按路径区分）："
    "请把 {here} 的文件夹换个名字（例如 {here}/team），再同步",
    "{office} already has a file at this path, so this one was not read (a file belongs "
    "to one office, told by its path): give {here}'s folder a name of its own (e.g. "
    "{here}/team) and sync again",
)


def held_elsewhere(
    store: Store, office: str | None, sources: Iterable[Source]
) -> list[ParsedSource]:
    """The `sources` a named office's sync must leave alone, as unreadable with the
    reason: their path is another office's source (two offices each syncing `team/`
    from their own machine), whose records this sync would otherwise replace."""
    if not office:
        return []
    stored = store.sources()
    return [
        ParsedSource(s.path, s.kind, s.content_hash, *PATH_TAKEN.both(office=k.office, here=office))
        for s in sources
        if (k := stored.get(s.path)) and k.office not in ("", office) and k.state != "gone"
    ]


def shown_sources(store: Store, office: str | None) -> set[str] | None:
    """The sources whose records and problems a named office's master shows: its own
    (and those of no office); None, every source, for the office "" and the head office."""
    return set(own_sources(store, office)) if office else None


def keep_to_own_office(parsed: ParsedSource, elsewhere: Mapping[str, str], here: str) -> None:
    """Leave out of `parsed` the records of reps another office holds (`elsewhere`:
    rep → office), with an error at each rep's first such row per sheet."""
    if not elsewhere:
        return
    kept, refused = [], {}
    for record in parsed.records:
        office = elsewhere.get(record.rep)
        if office is None:
            kept.append(record)
        elif (record.sheet, record.rep) not in refused:
            refused[(record.sheet, record.rep)] = (office, record.row)
    parsed.records = kept
    if refused:  # what the worker kept beside the records counted the refused ones too
        parsed.kept = None
    for (sheet, rep), (office, row) in refused.items():
        finding = REP_OTHER_OFFICE.at(rep, office=office, here=here)
        parsed.problems.append(Problem.place(finding, parsed.path, sheet, row))


def source_offices(
    store: Store, office: str | None, sources: Iterable[Source]
) -> dict[str, str | None]:
    """Each source's office, by path, for the roster (a new rep's office): the office
    its folders name; for the head office, the office that stored it."""
    if office is None:
        return {p: s.office for p, s in store.sources().items() if s.state != "gone"}
    return {s.path: s.office for s in sources}


def office_view(
    registers: Mapping[str, Sequence[Mapping[str, Any]]], by_source: Mapping[str, str | None]
) -> OfficeView:
    """Each source's office, and each rep's: the office of the first source (in path
    order) holding a record of theirs."""
    offices = {path: office or "" for path, office in by_source.items()}
    by_rep: dict[str, tuple[str, str]] = {}
    for rows in registers.values():
        for record in rows:
            rep, path = record.get("rep"), record["source"][0]
            if rep and (rep not in by_rep or path < by_rep[rep][0]):
                by_rep[rep] = (path, offices.get(path, ""))
    return OfficeView(offices, {rep: office for rep, (_p, office) in by_rep.items()})
