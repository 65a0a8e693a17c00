"""The `salesflow` command: a thin shell over `sync` and `sheets_templates`.

Exit codes everywhere: 0 clean, 1 data problems found (and reported), 2 usage error,
nothing could be read or the surroundings refused (a busy sync, a read-only folder),
3 a bug in salesflow (the traceback goes to `salesflow.log`, see `crash`).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from sheets_templates.words import Count, Lang, Text, lang_of

from .check import report_json, report_text, run_check
from .crash import EXIT_BUG, log_details_to, report_bug, stop_logging_details
from .export_command import export
from .google.commands import GoogleSettings, google_keys_option, google_options
from .history_command import history_command
from .meeting import Kind, Moment
from .notify_command import notify_command
from .options import (
    AS_OF,
    AS_OF_AT,
    GOOGLE_MASTER,
    LANG,
    MEETING,
    STORE,
    STORE_ENV,
    WINDOW,
    folders_option,
    master_option,
)
from .progress import progress_bar
from .run import MasterTarget, SyncFailed, XlsxMaster, tune_gc
from .web.command import serve_command
from .window import Window

if TYPE_CHECKING:
    from .google.master import GoogleMaster

TEMPLATES_WRITTEN = Text("模板已写入:", "Templates written:")
MARKED = Count(
    "已标出 {n} 个单元格（{errors} 个错误，{warnings} 个提醒）: {out}",
    "Marked {n} cell ({errors} errors, {warnings} warnings): {out}",
    "Marked {n} cells ({errors} errors, {warnings} warnings): {out}",
)
MASTER_AT = Text("总表: {path}", "Master: {path}")
SAMPLE_WRITTEN = Text("示例团队已写入 {folder}", "Sample team written to {folder}")
DEMO_MASTER = Text(
    "总表已写入 {master}（打开它开晨会）", "Master written to {master} (open it for the meeting)"
)
OFFICE_ENV = "SALESFLOW_OFFICE"
"""The environment variable that names the syncing office when `--office` is not given."""
REBUILD = Text("重建数据库的命令: {command}", "to rebuild the store: {command}")
STORE_SET_ASIDE = Text(
    "损坏的数据库已改名保留为 {aside}，正在从团队的文件重建",
    "the damaged store was kept aside as {aside}; rebuilding it from the team's files",
)
LOG_AT = "salesflow.log_at"
"""`ctx.meta` key: (folder for the log, file worked on, language), set by a command."""
EXIT_PIPE = 141
"""What a shell reports for a command whose reader went away (128 + SIGPIPE)."""


def echo_lines(lines: list[tuple[str, str | None]]) -> None:
    for text, style in lines:
        colour = {"error": "red", "warning": "yellow"}.get(style or "", style)
        if colour in ("bold", "dim"):
            click.secho(text, bold=colour == "bold", dim=colour == "dim")
        else:
            click.secho(text, fg=colour)


def require_sources(paths: tuple[Path, ...], google_keys: tuple[str, ...], ask: str) -> None:
    """A usage error (exit 2) when no source is named or a named path does not exist."""
    if not paths and not google_keys:
        raise click.UsageError(ask)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")


def require_xlsx_master(master: Path) -> None:
    """A usage error (exit 2) for a master that is not an `.xlsx` file."""
    if master.suffix.lower() != ".xlsx":
        raise click.UsageError(
            "the master must be an .xlsx file (an .xlsm master refreshes itself)"
        )


def master_targets(
    master: Path, google_master: str | None, google: GoogleSettings
) -> tuple[GoogleMaster | None, list[MasterTarget]]:
    """Where a sync writes the master (`sync`, and `serve` on every sync): the Google
    spreadsheet first when one is named (its targets and team tabs are the ones read
    back), then the `.xlsx` file. Connects to Google now, so credentials Google refuses
    stop `sync` before it starts."""
    online = google.master(google_master) if google_master else None
    xlsx = XlsxMaster(master)
    return online, [online, xlsx] if online else [xlsx]


def echo_json(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


class _Commands(click.Group):
    """The `salesflow` commands: a bug in any of them exits 3 with one line on stderr,
    its traceback logged beside the master (or in the current folder). Output cut
    short by its reader (`salesflow sync … | head`) is no bug: the command stops there,
    as other command-line tools do."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return self._invoke(ctx)
        finally:
            stop_logging_details()

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # Python would complain again when it flushes stdout at exit: point it nowhere
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_PIPE)
        except Exception as exc:
            unnamed = (Path.cwd(), ctx.invoked_subcommand or ctx.info_name, "zh")
            folder, working_on, lang = ctx.meta.get(LOG_AT, unnamed)
            report_bug(exc, folder, working_on, lang)
            sys.exit(EXIT_BUG)


def log_beside(folder: Path, working_on: str, lang: Lang) -> None:
    """Where a bug in the running command is logged, and which file it names; the
    technical details of unreadable files go to the same log."""
    click.get_current_context().meta[LOG_AT] = (folder, working_on, lang)
    log_details_to(folder)


@click.group(cls=_Commands)
@click.version_option(package_name="salesflow")
def main() -> None:
    """salesflow: the team's sales registers, validated and consolidated."""
    tune_gc()


main.add_command(export)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report (see README).")
@click.option("--records", is_flag=True, help="With --json: include every valid record.")
@google_keys_option("A Google spreadsheet to check (its key or link); repeat for more.")
@google_options
@AS_OF
@LANG
def check(
    paths: tuple[Path, ...],
    as_json: bool,
    records: bool,
    as_of: date | None,
    lang: Lang,
    google_keys: tuple[str, ...],
    google: GoogleSettings,
) -> None:
    """Check registers (files, folders, Google spreadsheets): every problem with its cell."""
    require_sources(paths, google_keys, "name the files or folders to check, or --google KEY")
    log_beside(Path.cwd(), ", ".join([*map(str, paths), *google_keys]), lang)
    report = run_check(paths, as_of, keep_records=records)
    report.files += google.check_files(google_keys, as_of or date.today(), records)
    if as_json:
        echo_json(report_json(report, lang, records))
    else:
        echo_lines(report_text(report, lang))
    sys.exit(report.exit_code())


@main.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--team-folder",
    default="team",
    show_default=True,
    help="The reps' folder the master's Refresh reads (relative to the master).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the files written as JSON.")
@click.option(
    "--google",
    "google_key",
    metavar="KEY",
    help="Also (or instead) make the rep tabs in this Google spreadsheet (key or link).",
)
@google_options
@LANG
def templates(
    folder: Path | None,
    team_folder: str,
    as_json: bool,
    lang: Lang,
    google_key: str | None,
    google: GoogleSettings,
) -> None:
    """Write the rep workbook (.xlsx) and the master workbook (.xlsm) into FOLDER."""
    from .google.commands import templates_note
    from .templates_xlsx import write_templates

    if folder is None and google_key is None:
        raise click.UsageError("name the FOLDER to write into, or --google KEY")
    written: list[Path] = []
    try:
        if folder is not None:
            written = write_templates(folder, lang, team_folder)
    except (OSError, KeyError) as exc:  # no xlwings quickstart workbook, or no write access
        click.secho(f"{type(exc).__name__}: {exc}", fg="red", err=True)
        sys.exit(2)
    tabs = google.write_templates(google_key) if google_key else None
    if as_json:
        document: dict[str, Any] = {"files": [str(p) for p in written]}
        if tabs is not None:
            document["google"] = {"created": tabs.created, "kept": tabs.kept}
        echo_json(document)
        return
    if written:
        click.secho(TEMPLATES_WRITTEN(lang_of(lang)), bold=True)
    for path in written:
        click.echo(f"  {path}")
    if tabs is not None and google_key:
        for line in templates_note(google_key, tabs, lang):
            click.echo(line)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the marked copy (default: FILE.marked.xlsx beside it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@AS_OF
@LANG
def mark(file: Path, out: Path | None, as_json: bool, as_of: date | None, lang: Lang) -> None:
    """Write a copy of FILE with problem cells filled and commented, and a 问题 sheet.

    The Check button without Excel: every value stays exactly as typed.
    """
    from .mark import mark_file
    from .reader import Unreadable

    if not file.exists():
        raise click.UsageError(f"no such file: {file}")
    if out is not None and out.resolve() == file.resolve():
        raise click.UsageError("--out must differ from FILE: the original is never changed")
    log_beside(Path.cwd(), str(file), lang)
    try:
        result = mark_file(file, out, as_of, lang)
    except Unreadable as exc:
        click.secho(f"{file}: {exc.message(lang)}", fg="red", err=True)
        sys.exit(2)
    if as_json:
        echo_json(
            {
                "out": str(result.out),
                "cells": result.marks,
                "problems": result.problems,
                "errors": result.errors,
                "warnings": result.warnings,
            }
        )
    else:
        click.echo(
            MARKED(
                result.marks,
                lang_of(lang),
                errors=result.errors,
                warnings=result.warnings,
                out=result.out,
            )
        )
    sys.exit(1 if result.problems else 0)


def fail(message: str) -> NoReturn:
    """An error of the surroundings: its words on stderr, exit 2."""
    click.secho(message, fg="red", err=True)
    sys.exit(2)


@main.command(name="sync")
@folders_option("The team's folder (a rep's file or folder name names the rep); repeat for more.")
@master_option("The master workbook to write (.xlsx).")
@STORE
@click.option("--json", "as_json", is_flag=True, help="Print the JSON summary (see README).")
@click.option(
    "--wait",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds to wait for another sync of the same master before giving up.",
)
@google_keys_option("An office's Google spreadsheet to sync (key or link); repeat for more.")
@GOOGLE_MASTER
@click.option(
    "--rebuild-store",
    is_flag=True,
    help="Keep the store aside (NAME.damaged-…) and rebuild it from the team's files.",
)
@click.option(
    "--office",
    envvar=OFFICE_ENV,
    help="The office these registers are (its sync replaces only its own files); default"
    f" the team sheet's office when it names one; also ${OFFICE_ENV}.",
)
@click.option(
    "--all-offices",
    is_flag=True,
    help="The head office's master: every office's records in the --store, reading no files.",
)
@google_options
@AS_OF_AT
@MEETING
@WINDOW
@LANG
def sync_command(
    folders: tuple[Path, ...],
    master: Path,
    store: str | None,
    as_json: bool,
    wait: float,
    rebuild_store: bool,
    office: str | None,
    all_offices: bool,
    as_of: tuple[date, time | None] | None,
    meeting: Kind | None,
    window: Window | None,
    lang: Lang,
    google_keys: tuple[str, ...],
    google_master: str | None,
    google: GoogleSettings,
) -> None:
    """Sync the team's registers into the store and the master workbook."""
    from .google.commands import master_note
    from .offices import Scope
    from .run import sync_into
    from .store import StoreError, default_store, location
    from .store_faults import set_aside
    from .summary import summary_lines, sync_json
    from .team_sources import team_sources

    if all_offices:
        head_office_usage(folders, google_keys, store, office)
    else:
        require_sources(
            folders, google_keys, "say where the team's registers are: --from DIR or --google KEY"
        )
    require_xlsx_master(master)
    log_beside(master.parent, str(master), lang)
    day, at = as_of or (date.today(), None)
    sources = team_sources(folders, google_keys, google, master, day)
    online, targets = master_targets(master, google_master, google)
    store_path = location(store) if store else default_store(master)
    if rebuild_store:
        if not isinstance(store_path, Path):
            raise click.UsageError("--rebuild-store rebuilds a store file, not a database server")
        try:
            aside = set_aside(store_path, datetime.now())
        except OSError as exc:
            fail(f"{store_path}: {exc.strerror or exc}")
        if aside is not None:
            click.secho(STORE_SET_ASIDE(lang_of(lang), aside=aside), fg="yellow", err=True)
    with progress_bar(not as_json) as progress:
        try:
            result = sync_into(
                sources,
                targets,
                store_path,
                day,
                lang,
                lock=master,
                wait=wait,
                progress=progress,
                moment=Moment(at, meeting),
                window=window,
                scope=Scope(office, all_offices),
            )
        except SyncFailed as exc:
            message = google.redact(exc.message(lang))
            if isinstance(exc.__cause__, StoreError) and exc.__cause__.damaged:
                command = shlex.join(["salesflow", *sys.argv[1:], "--rebuild-store"])
                message += "\n" + REBUILD(lang_of(lang), command=command)
            fail(message)
    for notice in result.notices:
        click.secho(notice.message(lang), fg="yellow", err=True)
    if as_json:
        echo_json(sync_json(result))
    else:
        echo_lines(summary_lines(result))
        click.secho(MASTER_AT(lang_of(lang), path=master), bold=True)
        if online is not None and online.written is not None and google_master:
            click.secho(master_note(google_master, online.written, lang), bold=True)
    sys.exit(result.exit_code())


def head_office_usage(
    folders: tuple[Path, ...], google_keys: tuple[str, ...], store: str | None, office: str | None
) -> None:
    """A usage error unless `--all-offices` stands alone: it reads no files and is no
    office, and it needs the offices' shared store named."""
    if folders or google_keys:
        raise click.UsageError("--all-offices reads the store only: leave out --from and --google")
    if office is not None:
        raise click.UsageError("--all-offices is every office: leave out --office")
    if store is None:
        raise click.UsageError(
            f"--all-offices reads the offices' shared store: name it with --store or ${STORE_ENV}"
        )


@main.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path), default="salesflow-demo")
@AS_OF
@LANG
def demo(folder: Path, as_of: date | None, lang: Lang) -> None:
    """Write a sample team folder and check it (the sample has mistakes on purpose)."""
    from .demo import NotADemoFolder, claim_demo_folder, make_team
    from .run import sync_into
    from .sources import file_sources
    from .store import default_store
    from .summary import summary_lines

    try:
        claim_demo_folder(folder)
    except NotADemoFolder as exc:
        fail(exc.message(lang))
    except OSError as exc:
        fail(f"{folder}: {exc.strerror or exc}")
    master = folder / "master.xlsx"
    log_beside(folder, str(master), lang)
    as_of = as_of or date.today()
    team = make_team(folder / "team", as_of)
    click.secho(SAMPLE_WRITTEN(lang_of(lang), folder=team.folder), bold=True)
    report = run_check([team.folder], as_of)
    echo_lines(report_text(report, lang))
    sources = file_sources([team.folder], as_of)
    try:
        result = sync_into(
            sources, [XlsxMaster(master)], default_store(master), as_of, lang, lock=master
        )
    except SyncFailed as exc:
        fail(exc.message(lang))
    click.echo()
    echo_lines(summary_lines(result))
    click.secho(DEMO_MASTER(lang_of(lang), master=master), bold=True)


main.add_command(history_command)
main.add_command(notify_command)
main.add_command(serve_command)
