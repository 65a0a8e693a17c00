"""A sync run: sources → validated records → store → the master's content.

`run_sync` reads the sources whose content changed (in worker processes when there
are enough of them), replaces their records in the store in one transaction, and
computes everything the master shows from the current registers. It does not write
the master: `run.sync_into` (what the CLI, Refresh and the demo call) takes the lock
and writes `result.sheets` into each `MasterTarget` — the same content each time. The
summary of a run, as JSON and as text, is `summary`'s.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sheets_templates import kpi
from sheets_templates import targets as target_sheet
from sheets_templates.kpi import Figures
from sheets_templates.problems import Problem, column_letter
from sheets_templates.roster import Roster, roster_rows
from sheets_templates.words import Lang, Text, lang_of

from . import offices
from .current import (
    EARLY_MOST,
    Changes,
    Current,
    Superseded,
    changes_of,
    early_window,
    load_current,
    rename,
    window_calls,
    written_names,
)
from .day_counts import counted
from .errors import Bilingual
from .last_meeting import MEETING_SETTING, meetings_document
from .master_model import Duplicate, MasterInput, MasterSheet
from .master_sheets import build_sheets, register_sheet
from .master_words import SHEET_TITLES
from .meeting import NOW, Meeting, Moment, both_meetings, clock_for, kind_at
from .parsed import ParsedSource
from .reading import ProgressFn, needs_reading, owned_anew, read_sources
from .sheet_limits import EXCEL_MAX_TEXT, Cut, fit_sheets
from .source_status import STATUSES, SourceStatus, source_statuses, unreachable_statuses
from .sources import Source
from .stamp import LAST_CHANGE_SETTING, stamp_of
from .store import (
    Location,
    Store,
    SyncCounts,
    open_store,
)
from .team import ROSTER_SETTING, apply_roster, load_roster, targets_by_roster
from .unreachable import kept_as_unreadable, unreachable
from .window import Window, choose_window

TARGETS_SETTING = "targets_rows"


IN_MASTER = Text("（总表）", "(master)")


@dataclass
class SyncResult:
    """What a sync did and found; `sheets` is the master's content."""

    sync_id: int
    as_of: date
    lang: Lang
    store_path: Location
    sources: list[SourceStatus]
    records: dict[str, int]
    changes: Changes
    problems: list[Problem]
    duplicates: list[Duplicate]
    figures: Figures
    sheets: list[MasterSheet]
    meeting: Meeting
    parsed: list[str] = field(default_factory=list)
    notices: list[Bilingual] = field(default_factory=list)
    """Faults the sync worked around (an unreadable targets sheet), for the user to hear."""
    team: Roster = field(default_factory=Roster)
    """The roster as the sync used and grew it (the master's 团队 sheet)."""
    office: str | None = ""
    """The office synced ("" a company of one office); None for the head office."""
    offices: list[str] = field(default_factory=list)
    """The offices the registers hold records of (the head office's master)."""
    stamp: str = ""
    """What the master shows, as a stamp (`stamp_of`): the same stamp, the same master."""
    superseded: bool = False
    """A newer sync was wanted before this one built the master: it left it to that one."""

    @property
    def issues(self) -> int:
        return len(self.problems)

    @property
    def master_kept(self) -> bool:
        """Nothing the master shows changed (`stamp`): its sheets were not built, and it
        is left as the last sync wrote it."""
        return not self.sheets and not self.superseded

    def count(self, status: str) -> int:
        return sum(1 for s in self.sources if s.status == status)

    def exit_code(self) -> int:
        """0 every source clean; 1 problems found (the sync completed); 2 nothing synced."""
        live = [s for s in self.sources if s.status != "gone"]
        if self.office is None:  # the head office reads nothing: only problems count
            return 1 if self.problems else 0
        if not live or all(s.status == "unreadable" for s in live):
            return 2
        return 1 if self.problems or self.count("unreadable") else 0


def sheet_duplicates(problems: Iterable[Problem], store: Store) -> list[Duplicate]:
    """The reader's `row.duplicate` warnings, as flags (rep from the sheet when known)."""
    sheets = {(s.path, s.sheet): s for group in store.sheets().values() for s in group}
    out = []
    for p in problems:
        if p.code != "row.duplicate":
            continue
        sheet = sheets.get((p.file, p.sheet))
        if sheet is None or sheet.kind is None:
            continue
        out.append(
            Duplicate(
                sheet.kind, sheet.rep, None, p.file, p.sheet, p.row, p.message_zh, p.message_en
            )
        )
    return out


# --- targets -----------------------------------------------------------------------


def load_targets(
    store: Store, rows: list[list[Any]] | None, lang: Lang, office: str | None = ""
) -> tuple[target_sheet.Targets, list[Problem]]:
    """Targets from the master's sheet (or a tab), else the ones the last sync of this
    office used, else DESIGN's defaults; cells that cannot be read become problems."""
    if rows is None:
        rows = store.setting(offices.setting_name(TARGETS_SETTING, office))
    if not rows:
        return target_sheet.DEFAULT_TARGETS, []
    targets, issues = target_sheet.targets_from_rows(rows)
    where = IN_MASTER(lang_of(lang))
    sheet = SHEET_TITLES["targets"](lang_of(lang))
    problems = [
        Problem.place(
            i.finding, where, sheet, i.row + 1, column_letter(i.column), i.header, "target"
        )
        for i in issues
    ]
    return targets, problems


# --- the run -----------------------------------------------------------------------


def run_sync(
    sources: list[Source],
    store_path: Location,
    as_of: date,
    lang: Lang = "zh",
    targets_rows: list[list[Any]] | None = None,
    progress: ProgressFn | None = None,
    moment: Moment = NOW,
    team_rows: list[list[Any]] | None = None,
    window: Window | None = None,
    scope: offices.Scope = offices.ONE_OFFICE,
    computed: Callable[[SyncResult], None] | None = None,
    shown: str | None = None,
    superseded: Callable[[], bool] | None = None,
    read_early: bool = True,
    begin: Callable[[MasterSheet], None] | None = None,
) -> SyncResult:
    """Sync `sources` into the store at `store_path` and compute the master's content.

    `targets_rows` are the rows of the targets sheet as the manager left them (from
    `master_file.read_targets_xlsx`, a Google tab or the open workbook); None uses the
    targets of the last sync, or the defaults on the first. `team_rows` are the 团队
    sheet's rows the same way (`team.load_roster`). `window` is the command line's
    (`sync.window.choose_window`: else the 指标 sheet's, else the last sync's). `scope`
    says which office's sources these are, or that this is the head office (`offices`).

    `computed` hears the result as soon as the figures and the meeting are known, before
    the master's sheets are built (the live board shows a save without waiting for
    them). `shown` is the stamp of the master as it is (`SyncResult.stamp`): when this
    sync's is the same, nothing the master shows changed and its sheets are not built
    (`SyncResult.sheets` stays empty). Nor are they when `superseded` says, once the
    figures are known, that a newer sync is already wanted (the live board, while reps
    keep saving): that sync writes the master (`SyncResult.superseded`). `read_early`
    reads the window's calls of the sources left as they are while the workers parse
    the others; the live board, which wants the figures first, reads them after.
    `begin`, when given, hears the calls' sheet (the window's) as soon as it is built,
    before the figures are computed, when a source changed (`MasterTarget.begin`: the
    `.xlsx` file renders it meanwhile); a master written holds that very sheet.
    """
    unique: dict[str, Source] = {}
    for source in sources:  # a file named twice (overlapping folders) is read once
        unique.setdefault(source.path, source)
    with open_store(store_path) as store:
        sheets = (targets_rows, team_rows)
        result, master, current, ready = _run(
            store,
            list(unique.values()),
            as_of,
            lang,
            sheets,
            progress,
            moment,
            window,
            scope,
            read_early,
            begin,
        )
        if computed is not None:
            computed(result)

        def given_up() -> bool:  # asked between the steps of the master, the longest part
            result.superseded = superseded is not None and superseded()
            return result.superseded

        if result.stamp != shown and not given_up():
            seen = result.office or ""
            with contextlib.suppress(Superseded):  # asked between batches of calls too
                if ready is None:
                    shows = (master.window, as_of, lang, master.offices)
                    ready = window_sheet(store, seen, shows, current, result.team, given_up)
                if not given_up():
                    built = build_sheets(master, ready.sheet)
                    cuts: list[Cut] = []
                    for sheet in built:  # the calls' sheet was cut to fit when built
                        cuts += ready.cuts if sheet is ready.sheet else fit_sheets([sheet], lang)
                    result.notices += [cut.notice() for cut in cuts]
                    result.sheets = built
    return result


@dataclass
class Ready:
    """The calls' sheet, built apart from the others (`window_sheet`), and the cuts
    that made it fit a sheet (`fit_sheets`)."""

    sheet: MasterSheet
    cuts: list[Cut]


def window_sheet(
    store: Store,
    office: str,
    shows: tuple[Window, date, Lang, offices.OfficeView | None],
    current: Current,
    roster: Roster,
    stop: Callable[[], bool] | None = None,
) -> Ready:
    """The calls' sheet of a master that `shows` a window of a day, in a language (with
    the offices on the head office's): the window's calls of `office`
    (`current.window_calls`, read apart from the figures' records; `stop` as there),
    their reps named as `roster` names them, cut to fit."""
    window, as_of, lang, view = shows
    calls, longest = window_calls(store, office, window.span(as_of), current, stop)
    rename({"calls": calls}, roster)
    fit = longest <= EXCEL_MAX_TEXT
    sheet = register_sheet("calls", calls, window, as_of, lang_of(lang), view, texts_fit=fit)
    return Ready(sheet, fit_sheets([sheet], lang))


def _run(
    store: Store,
    sources: list[Source],
    as_of: date,
    lang: Lang,
    manager_rows: tuple[list[list[Any]] | None, list[list[Any]] | None],
    progress: ProgressFn | None,
    moment: Moment,
    window: Window | None = None,
    scope: offices.Scope = offices.ONE_OFFICE,
    read_early: bool = False,
    begin: Callable[[MasterSheet], None] | None = None,
) -> tuple[SyncResult, MasterInput, Current, Ready | None]:
    """The sync itself, in the store's transaction: the result without the master's
    sheets, what they are built from, and the current registers read for the figures.
    With `read_early`, the window's calls of the sources left as they are are read while
    the workers parse the others (`current.early_window`). With `begin`, the calls'
    sheet is built as soon as the registers and the roster are known, and heard by
    `begin` before the figures are computed (`Ready`)."""
    targets_rows, team_rows = manager_rows
    office = offices.syncing_office(scope, team_rows, store)
    with store.transaction(as_of, office or "") as sync_id:  # committed before the master
        window, targets_rows, notices = choose_window(store, window, targets_rows)
        roster = load_roster(store, team_rows, offices.setting_name(ROSTER_SETTING, office))
        refused = offices.held_elsewhere(store, office, sources)
        left_alone = {p.path for p in refused}
        sources = [s for s in sources if s.path not in left_alone]
        given, sources = sources, [s.owned_by(roster) for s in sources]
        known = offices.own_sources(store, office)
        to_read = [s for s in sources if needs_reading(s, known.get(s.path), as_of)]
        reading = {s.path for s in to_read}
        unchanged = [s for s in sources if s.path not in reading]
        if progress is not None:
            for n, s in enumerate(unchanged, start=1):
                progress(n, len(sources), s.path)
        present = {s.path for s in sources}
        hidden = unreachable(sources, known)
        gone = sorted(
            path
            for path, k in known.items()
            if path not in present and path not in hidden and k.state != "gone"
        )
        parsed: dict[str, ParsedSource] = {}
        elsewhere = store.reps_elsewhere(office) if office and to_read else {}
        reads = read_sources(to_read, progress, offset=len(unchanged), total=len(sources))
        changing = {*reading, *gone}
        early = None  # while the workers parse, the calls that will not change are read
        if read_early and reading and unchanged and len(changing) <= EARLY_MOST:
            early = early_window(store, office or "", window.span(as_of), changing)
        for p in reads:
            parsed[p.path] = _stored(store, sync_id, p, elsewhere, office or "", as_of)
        if parsed:  # a file its records' rep names now (a first sync learns 销售01 from them)
            grown = apply_roster(written_names(store, office or ""), roster, {}).roster
            again = owned_anew(given, parsed, roster, grown)
            for p in read_sources(list(again.values())):
                parsed[p.path] = _stored(store, sync_id, p, elsewhere, office or "", as_of)
            sources = [again.get(s.path, s) for s in sources]
        touched = [*parsed, *gone]
        for path in gone:
            store.mark_gone(sync_id, path)
        kept = [kept_as_unreadable(known[path], behind) for path, behind in sorted(hidden.items())]
        for p in kept:
            store.mark_unreadable(sync_id, p)

        seen = office or ""  # the head office (None) sees every office, as "" does
        current = load_current(store, seen, as_of, sync_id, touched)
        current.early, early = early, None  # `window_calls` takes it over
        by_path = offices.source_offices(store, office, sources)
        names = written_names(store, seen)
        team = apply_roster(names, roster, by_path)
        rename(current.registers, team.roster)
        view = offices.office_view(names, by_path) if office is None else None
        ready = None
        if begin is not None and (reading or gone or kept):  # while the figures are computed
            ready = window_sheet(store, seen, (window, as_of, lang, view), current, team.roster)
            begin(ready.sheet)
        team_table = roster_rows(team.roster, lang)
        store.put_setting(offices.setting_name(ROSTER_SETTING, office), team_table)
        targets, target_problems = load_targets(store, targets_rows, lang, office)
        targets = targets_by_roster(targets, team.roster)
        count = counted(
            store.tallies(seen),
            store.gradings(seen),
            store.reps(seen),
            current.copies,
            team.roster,
        )
        figures = kpi.figures_of(count, current.registers, as_of, targets)
        targets_header = target_sheet.targets_header(lang)
        targets_table = target_sheet.targets_rows(targets, figures.reps, lang)
        store.put_setting(
            offices.setting_name(TARGETS_SETTING, office), [targets_header, *targets_table]
        )

        shown = offices.shown_sources(store, office)
        source_problems = [p for p in store.problems() if shown is None or p.file in shown]
        problems = source_problems + target_problems + team.problems
        statuses = source_statuses(sources, parsed, store, lang)
        statuses += [SourceStatus(path, None, "gone", 0, 0) for path in gone]
        statuses += unreachable_statuses(kept, store, lang)
        statuses += unreachable_statuses(refused, None, lang)
        duplicates = sheet_duplicates(source_problems, store) + current.duplicates
        for d in duplicates:
            d.rep = team.roster.name_of(d.rep) if d.rep else d.rep
        stored = store.record_counts(seen)
        records = {
            name: stored.get(name, 0) - len(current.copies[name]) for name in current.registers
        }
        changes = changes_of(store, seen, sync_id, touched, sum(records.values()))
        counts = SyncCounts(
            **{status: sum(1 for s in statuses if s.status == status) for status in STATUSES},
            records=sum(records.values()),
            added=changes.added,
            updated=changes.updated,
            removed=changes.removed,
            issues=len(problems),
        )
        synced_at = datetime.now()
        at = moment.at or clock_for(as_of, synced_at)
        unreadable = sum(1 for s in statuses if s.status == "unreadable")
        meeting, other_meeting = both_meetings(
            figures, at, kind_at(at, moment.kind), problems, unreadable
        )
        meetings = meetings_document(meeting, other_meeting, as_of, synced_at)
        store.put_setting(MEETING_SETTING, meetings)
        store.log_sync(sync_id, counts)
        sync_log: list[tuple[Any, ...]] = [*store.sync_log()]
        if reading or gone or kept:
            store.put_setting(LAST_CHANGE_SETTING, sync_id)
        changed = store.setting(LAST_CHANGE_SETTING)
    master = MasterInput(
        as_of=as_of,
        synced_at=synced_at,
        lang=lang,
        registers=current.registers,
        figures=figures,
        duplicates=duplicates,
        problems=problems,
        unreadable=[
            (p.path, p.error_zh or "", p.error_en or "")
            for p in (*parsed.values(), *kept, *refused)
            if p.error_zh
        ],
        targets_header=targets_header,
        targets_rows=targets_table,
        team_rows=team_table,
        sync_log=sync_log,
        meeting=meeting,
        other_meeting=other_meeting,
        window=window,
        offices=view,
    )
    result = SyncResult(
        sync_id=sync_id,
        as_of=as_of,
        lang=lang,
        store_path=store.path,
        sources=statuses,
        records=records,
        changes=changes,
        problems=problems,
        duplicates=duplicates,
        figures=figures,
        sheets=[],
        meeting=meeting,
        parsed=list(parsed),
        notices=notices,
        team=team.roster,
        office=office,
        offices=view.offices if view else [],
    )
    result.stamp = stamp_of(changed, master, notices)
    return result, master, current, ready


def _stored(
    store: Store,
    sync_id: int,
    parsed: ParsedSource,
    elsewhere: Mapping[str, str],
    office: str,
    as_of: date,
) -> ParsedSource:
    """A source read, put in the store (or marked unreadable), its records and what is
    kept beside them let go of: the registers are read back from the store."""
    if parsed.error_zh:
        store.mark_unreadable(sync_id, parsed)
    else:
        offices.keep_to_own_office(parsed, elsewhere, office)
        store.replace_source(sync_id, parsed, as_of)
    parsed.records, parsed.kept = [], None
    return parsed
