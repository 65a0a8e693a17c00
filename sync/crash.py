"""What a bug leaves behind: the traceback in `salesflow.log`, one line for the person.

A fault of the surroundings (a locked file, a read-only folder, Google refusing) is
explained in words and exits 2. Anything else is a bug in salesflow: turning it into
"source unreadable" would hide it, and a traceback on the manager's screen helps
nobody. So a command that meets one exits 3 with one line naming the file it was
working on and the log, and the traceback goes to the log for whoever maintains it.

The same log keeps the technical side of faults that are explained in words: a
damaged file is "not a valid Excel workbook" on screen and `ZipError: … EOCD` here
(`DETAILS`, written to only when there is something to say).
"""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import datetime
from pathlib import Path

from sheets_templates.words import Lang, Text, lang_of

LOG_NAME = "salesflow.log"
EXIT_BUG = 3
CRASHED = Text(
    "salesflow 内部错误（{kind}），处理 {file} 时发生；详情已写入 {log}，请发给维护人员",
    "salesflow hit a bug ({kind}) while working on {file}; the details are in {log} "
    "— please send it to whoever maintains salesflow",
)
NOT_LOGGED = Text("（无法写入日志）", "(the log could not be written)")
DETAILS = logging.getLogger("salesflow")
"""Technical details of faults shown in words (`Bilingual.detail`): to the log only;
nowhere (not stderr) when no command named a log, as in the add-in or a library use."""
DETAILS.addHandler(logging.NullHandler())


def log_details_to(folder: Path) -> None:
    """Send this command's `DETAILS` to `folder/salesflow.log`, made on the first line
    (until `stop_logging_details`, when the command ends)."""
    stop_logging_details()
    # a file name that is no UTF-8 (a GBK name from a zip) is logged escaped, not lost
    handler = logging.FileHandler(
        folder / LOG_NAME, encoding="utf-8", errors="backslashreplace", delay=True
    )
    handler.setFormatter(logging.Formatter("=== %(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
    DETAILS.addHandler(handler)
    DETAILS.setLevel(logging.INFO)
    DETAILS.propagate = False


def stop_logging_details() -> None:
    """Close the log a command named: a command run in a process that goes on (tests,
    the add-in) leaves no log behind for the next one to write into."""
    for old in [h for h in DETAILS.handlers if isinstance(h, logging.FileHandler)]:
        DETAILS.removeHandler(old)
        old.close()


def log_detail(path: str, detail: str | None) -> None:
    """Log why `path` could not be read, in the reading library's words (if it said).
    A folder that refuses the log gets it on stderr: the words were already said, and
    a log that cannot be written must not turn a fault into a failed run."""
    if not detail:
        return
    try:
        DETAILS.warning("%s: %s", path, detail)
    except OSError:
        print(f"{path}: {detail}", file=sys.stderr)


class FailedOn(Exception):
    """A bug met while working on one file (a source being read, possibly in a worker
    process): `path` names the file, `detail` is the original traceback as text, so it
    survives the trip back from a worker."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(path, detail)
        self.path, self.detail = path, detail

    @classmethod
    def wrap(cls, path: str, exc: BaseException) -> FailedOn:
        return cls(path, "".join(traceback.format_exception(exc)))


def report_bug(exc: BaseException, folder: Path, working_on: str, lang: Lang) -> str:
    """Append the traceback to `folder/salesflow.log` and say so in one line on stderr;
    that line is returned (the add-in's Refresh shows it in the master).

    The file named is the one `FailedOn` names when the bug met one, else
    `working_on` (the master, or the files a check was given). Where the log cannot be
    written, the traceback goes to stderr instead: it must not be lost."""
    failed = next((e for e in _chain(exc) if isinstance(e, FailedOn)), None)
    file = failed.path if failed is not None else working_on
    kind = type(exc).__name__ if failed is None else _kind(failed)
    text = "".join(traceback.format_exception(exc))
    if failed is not None:
        text += failed.detail
    log = folder / LOG_NAME
    entry = f"=== {datetime.now().isoformat(timespec='seconds')} {' '.join(sys.argv)}\n"
    entry += f"working on: {file}\n{text}\n"
    language = lang_of(lang)
    try:
        with log.open("a", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(entry)
    except OSError:
        line = CRASHED(language, kind=kind, file=file, log=NOT_LOGGED(language))
        print(line, file=sys.stderr)
        print(entry, file=sys.stderr)
        return line
    line = CRASHED(language, kind=kind, file=file, log=log)
    print(line, file=sys.stderr)
    return line


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes and contexts, outermost first."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _kind(failed: FailedOn) -> str:
    """The original exception's type, from the last line of its traceback."""
    last = failed.detail.rstrip().splitlines()[-1] if failed.detail.strip() else ""
    return last.split(":", 1)[0].rsplit(".", 1)[-1] or type(failed).__name__
