"""One sync into the master, for every caller: the CLI, the Refresh button, the demo.

Where the master lives is behind `MasterTarget`, a two-method protocol (read the
targets the manager typed, write the master's sheets), the way httpx keeps its I/O
behind a transport: the `.xlsx` file here, the open workbook in `addin.buttons`, the
Google spreadsheet in `sync.google.master`. A new place for the master (a web board)
is one more class; `sync_into` and the engine stay as they are.

Every fault of the surroundings — another sync holds the lock, the store or a master
cannot be written, a read-only folder, Google refusing — leaves `sync_into` as one
`SyncFailed`, whose words the caller shows (stderr, or the master's status cell).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from sheets_templates.words import Lang, Text

from .crash import log_detail
from .engine import SyncResult, run_sync
from .errors import Bilingual
from .lock import DEFAULT_WAIT, sync_lock
from .master_file import (
    TargetsUnreadable,
    read_manager_sheet_xlsx,
    read_stamp,
    read_targets_xlsx,
    remove_dead_temps,
    write_master_xlsx,
)
from .master_model import MasterSheet
from .master_xlsx import WriteAbandoned, frame_styles
from .meeting import NOW, Moment
from .offices import ONE_OFFICE, Scope
from .reading import ProgressFn
from .sheet_xml import Tails
from .sources import Source
from .store import Location
from .window import Window

NO_SOURCES = Text(
    "没有找到任何登记表（.xlsx / .xlsm / .csv），总表未改动",
    "no registers found (.xlsx / .xlsm / .csv); the master was left as it was",
)
FOLDER_NOT_WRITABLE = Text(
    "无法在 {where} 创建文件（{why}），请检查文件夹权限",
    "cannot create a file in {where} ({why}); check the folder's permissions",
)


YOUNG_OBJECTS = 50_000
"""Allocations between young collections (Python's default is 700): a sync makes
millions of short-lived objects beside 100k records it keeps, none in a cycle."""


def tune_gc() -> None:
    """Tune the garbage collector for a sync, once, at an entry point (the command,
    the Refresh button); never inside library code, which must not change the
    process it runs in. What was imported so far lives as long as the process, so it
    is frozen out of the collections (until a sync moves it to the oldest generation:
    `collections_paused`), and young collections come far less often."""
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, middle, old)


@contextmanager
def collections_paused() -> Iterator[None]:
    """No cyclic collection while a sync runs; what it keeps is then put in the oldest
    generation without being walked (`gc.freeze` then `gc.unfreeze`, as documented),
    and the collector is as it was.

    A sync keeps what it builds (a month's calls as records, then as the master's rows:
    350k containers at 500k calls), and young collections would walk each of them at
    least once (0.15 s of a one-file sync); a sync makes no cycles worth finding early.
    What was frozen before (`tune_gc`) leaves with the rest, to the oldest generation:
    still out of the young collections."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


class MasterTarget(Protocol):
    """A place the master is written to; the first target of a sync also holds the
    sheets the manager edits, targets (指标) and team (团队), which the sync reads back."""

    def read_targets(self) -> list[list[Any]] | None:
        """The targets sheet's rows as the manager left them; None when there is none."""
        ...

    def read_team(self) -> list[list[Any]] | None:
        """The team sheet's rows as the manager left them; None when there is none."""
        ...

    def stamp(self) -> str | None:
        """The stamp of what the master holds (`stamp.stamp_of`), when the target keeps
        one; None: unknown (it is always written)."""
        ...

    def begin(self, sheet: MasterSheet) -> AbstractContextManager[object]:
        """Begin on `sheet`, one of the next `write`'s sheets, known before the others
        (the window's calls, while the figures are computed): a target may make part of
        it meanwhile. Leaving the context ends what was begun, used by `write` or not."""
        ...

    def write(
        self, sheets: list[MasterSheet], stamp: str, stop: Callable[[], bool] | None = None
    ) -> None:
        """Replace the master's sheets with `sheets` (other sheets are left alone), and
        keep `stamp` with them where the target can; a target that writes for long asks
        `stop` on the way and gives up (`WriteAbandoned`) once it says so."""
        ...


@dataclass(frozen=True)
class XlsxMaster:
    """The master as an `.xlsx` file, replaced atomically with the old one kept as a
    backup (`master_file.write_master_xlsx`). A big table begun early has its last rows
    rendered by a forked child while the sync goes on (`sheet_xml.Tails`)."""

    path: Path
    tails: Tails = field(default_factory=Tails, compare=False, repr=False)

    def read_targets(self) -> list[list[Any]] | None:
        return read_targets_xlsx(self.path) if self.path.exists() else None

    def read_team(self) -> list[list[Any]] | None:
        return read_manager_sheet_xlsx(self.path, "team")

    def stamp(self) -> str | None:
        remove_dead_temps(self.path)  # a killed write's file goes, written again or not
        return read_stamp(self.path) if self.path.exists() else None

    def begin(self, sheet: MasterSheet) -> AbstractContextManager[object]:
        self.tails.begin(sheet, frame_styles())
        return closing(self.tails)

    def write(
        self, sheets: list[MasterSheet], stamp: str, stop: Callable[[], bool] | None = None
    ) -> None:
        write_master_xlsx(sheets, self.path, stamp=stamp, stop=stop, tails=self.tails)


class SyncFailed(Bilingual):
    """A sync that could not run or could not write a master, in words a manager can
    act on; raised with the fault that caused it as its cause."""


def sync_into(
    sources: Sequence[Source],
    targets: Sequence[MasterTarget],
    store_path: Location,
    as_of: date,
    lang: Lang = "zh",
    *,
    lock: Path,
    wait: float = DEFAULT_WAIT,
    progress: ProgressFn | None = None,
    moment: Moment = NOW,
    computed: Callable[[SyncResult], None] | None = None,
    window: Window | None = None,
    scope: Scope = ONE_OFFICE,
    superseded: Callable[[], bool] | None = None,
) -> SyncResult:
    """Sync `sources` into the store and write the master into every target.

    `lock` is the master file whose lock (`lock.sync_lock`) keeps two syncs of one
    master apart. The targets sheet is read from the first target. Every target is
    written even when an earlier one fails; the first failure is then raised. No
    sources at all is refused before anything is touched: a wrong folder must not
    empty the master (every record would be marked gone); the head office (`scope`)
    reads none. `window` is the command line's (`sync.window`), None to take the 指标
    sheet's. `computed`, when given, hears the result as soon as the store has it,
    before the master is written (the live board shows a save without waiting for the
    workbook). `superseded`, when given, is asked once the figures are known, between
    the steps of the master and while it is written: once it says a newer sync is
    wanted, this one leaves the master to it (`SyncResult.superseded`).
    """
    if not sources and not scope.head_office:
        raise SyncFailed(*NO_SOURCES.both())
    try:
        with sync_lock(lock, wait), collections_paused(), ExitStack() as begun:
            notices: list[Bilingual] = []
            rows = team = None
            try:
                rows = targets[0].read_targets() if targets else None
                team = targets[0].read_team() if targets else None
            except TargetsUnreadable as exc:  # said, never silently replaced by defaults
                log_detail(str(lock), exc.detail)
                notices.append(exc)

            def heard(result: SyncResult) -> None:
                result.notices[:0] = notices
                if computed is not None:
                    computed(result)

            def begin(sheet: MasterSheet) -> None:
                for target in targets:
                    begun.enter_context(target.begin(sheet))

            # a master whose sheets could not be read back is written whatever its stamp
            stamps = {target.stamp() for target in targets} if not notices else {None}
            result = run_sync(
                list(sources),
                store_path,
                as_of,
                lang,
                rows,
                progress,
                moment,
                team_rows=team,
                window=window,
                scope=scope,
                computed=heard,
                shown=stamps.pop() if len(stamps) == 1 else None,
                superseded=superseded,
                read_early=computed is None,  # the board wants the figures first
                # the calls' sheet early, unless it may be given up half-way (the board)
                begin=begin if computed is None and superseded is None else None,
            )
            failures: list[Exception] = []
            for target in targets if result.sheets else ():
                try:
                    target.write(result.sheets, result.stamp, superseded)
                except WriteAbandoned:  # a newer sync writes the master
                    result.sheets, result.superseded = [], True
                    break
                except (Bilingual, OSError) as exc:
                    failures.append(exc)
            if failures:
                raise failures[0]
    except Bilingual as exc:
        log_detail(str(lock), exc.detail)
        raise SyncFailed(exc.zh, exc.en) from exc
    except OSError as exc:  # no lock file beside the master: a read-only folder
        where = exc.filename or lock.parent
        why = exc.strerror or str(exc)
        raise SyncFailed(
            FOLDER_NOT_WRITABLE("zh", where=where, why=why),
            FOLDER_NOT_WRITABLE("en", where=where, why=why),
        ) from exc
    return result
