"""`salesflow serve`: the live board, from the same options as `salesflow sync`.

It syncs the team exactly as `sync` does (same sources, same store, same master),
again whenever a rep's file changes, and serves the meeting to the office's browsers.
"""

from __future__ import annotations

import dataclasses
import socket
import sys
import threading
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import click
import uvicorn

from sheets_templates.words import Lang, Text, lang_of

from ..engine import SyncResult
from ..google.commands import GoogleSettings, google_keys_option, google_options
from ..meeting import Kind, Moment
from ..notify import BadTimes, notify_times, post_meeting
from ..notify_command import webhook_options
from ..options import AS_OF_AT, GOOGLE_MASTER, LANG, MEETING, STORE, folders_option, master_option
from . import access
from .app import Settings, make_app
from .watch import Outcome, Syncer, poll_tabs, post_on_schedule, watch_folders

CODES_MADE = Text(
    "已生成访问码（只显示这一次，请记下）:\n  看板（电视）: {viewer}\n  经理（刷新、个人页面）: {manager}\n"
    "  已加密保存在 {path}；删除该文件并重启可换新的访问码",
    "Access codes made (shown this once; note them):\n  board (TV): {viewer}\n"
    "  manager (refresh, rep pages): {manager}\n"
    "  kept hashed in {path}; delete it and restart for new codes",
)
SERVING = Text(
    "看板: {url}（电视链接: {url}?key=看板访问码）  按 Ctrl+C 停止",
    "Board: {url} (TV link: {url}?key=BOARD-CODE)  Ctrl+C stops it",
)
NO_CODES = Text(
    "无法保存访问码 {path}（{why}）：没有访问码，看板不启动",
    "cannot keep the access codes in {path} ({why}); without codes the board does not start",
)
PORT_BUSY = Text(
    "无法在 {host}:{port} 上提供看板（{why}）：换一个 --port 试试",
    "cannot serve on {host}:{port} ({why}); try another --port",
)
POSTED = Text("{at} 群消息: {outcome}", "{at} group chat: {outcome}")
NO_WEBHOOK = Text(
    "--notify-at 需要 --webhook（群机器人的地址）",
    "--notify-at needs --webhook (the robot's address)",
)
GOOGLE_POLL = 60.0
"""Seconds between reads of the Google tabs, which send no change events."""


@click.command(name="serve")
@folders_option("The team's folder, watched for changes; repeat for more.")
@master_option("The master workbook each sync writes (.xlsx); the access codes are kept beside it.")
@STORE
@google_keys_option("An office's Google spreadsheet to sync (key or link); repeat for more.")
@GOOGLE_MASTER
@google_options
@click.option(
    "--host",
    metavar="ADDRESS",
    default="127.0.0.1",
    show_default=True,
    help="Where to listen; anything but this computer (127.0.0.1) needs the access codes.",
)
@click.option("--port", type=int, default=8765, show_default=True, help="The port to listen on.")
@click.option(
    "--poll",
    metavar="SECONDS",
    type=float,
    default=GOOGLE_POLL,
    show_default=True,
    help="Seconds between reads of the Google spreadsheets (--google).",
)
@click.option(
    "--notify-at",
    metavar="HH:MM,…",
    help="Post the meeting to the group chat (--webhook) at these times each day, "
    "e.g. 08:45,18:00.",
)
@webhook_options(required=False)
@AS_OF_AT
@MEETING
@LANG
def serve_command(
    folders: tuple[Path, ...],
    master: Path,
    store: str | None,
    google_keys: tuple[str, ...],
    google_master: str | None,
    google: GoogleSettings,
    host: str,
    port: int,
    poll: float,
    notify_at: str | None,
    webhook: str | None,
    platform: str | None,
    secret: str | None,
    top: int,
    as_of: tuple[date, time | None] | None,
    meeting: Kind | None,
    lang: Lang,
) -> None:
    """Serve the live board: the meeting on the office TV, one rep's day on a phone."""
    from ..cli import fail, log_beside, master_targets, require_sources, require_xlsx_master
    from ..crash import report_bug
    from ..errors import Bilingual
    from ..run import SyncFailed, sync_into
    from ..store import default_store, location
    from ..team_sources import team_sources

    require_sources(
        folders, google_keys, "say where the team's registers are: --from DIR or --google KEY"
    )
    require_xlsx_master(master)
    log_beside(master.parent, str(master), lang)
    words = lang_of(lang)
    schedule = posting_times(notify_at, webhook, words)
    try:  # before anything is made: a busy port is the user's to fix (exit 2)
        socket.create_server((host, port)).close()
    except OSError as exc:
        fail(PORT_BUSY(words, host=host, port=port, why=exc.strerror or exc))
    try:
        codes, made = access.load_or_create(access.access_path(master))
    except access.AccessUnreadable as exc:
        fail(exc.message(lang))
    except OSError as exc:  # no codes, no server: not even the board on loopback
        fail(NO_CODES(words, path=access.access_path(master), why=exc.strerror or exc))
    if made is not None:
        path = access.access_path(master)
        click.secho(CODES_MADE(words, path=path, **made), bold=True)
    store_path = location(store) if store else default_store(master)
    pinned_day, at = as_of or (None, None)

    online = dataclasses.replace(google, exits=False)  # a refusal is shown, not the end

    def sync(computed: Callable[[SyncResult], None], superseded: Callable[[], bool]) -> SyncResult:
        day = pinned_day or date.today()
        try:  # Google refusing (access, credentials), reading or writing: on the board
            sources = team_sources(folders, google_keys, online, master, day)
            _, targets = master_targets(master, google_master, online)
            return sync_into(
                sources,
                targets,
                store_path,
                day,
                lang,
                lock=master,
                moment=Moment(at, meeting),
                computed=computed,
                superseded=superseded,
            )
        except Bilingual as exc:
            raise SyncFailed(online.redact(exc.zh), online.redact(exc.en)) from exc

    def watchers(syncer: Syncer) -> Callable[[], None]:
        stopping = threading.Event()
        threads: list[threading.Thread] = []
        if folders:  # each one exists: `require_sources` said so
            threads.append(watch_folders(folders, master, syncer, stopping))
        if google_keys:
            threads.append(poll_tabs(poll, syncer, stopping))
        if schedule and webhook:
            post = group_post(webhook, platform, secret, top, words)
            threads.append(post_on_schedule(schedule, syncer, post, stopping))

        def stop() -> None:
            stopping.set()
            for thread in threads:
                thread.join(timeout=5)

        return stop

    def bug(exc: Exception) -> None:
        report_bug(exc, master.parent, str(master), lang)

    app = make_app(Settings(words, access.is_loopback(host), codes, sync, watchers, bug))
    shown = f"[{host}]" if ":" in host else host
    click.secho(SERVING(words, url=f"http://{shown}:{port}/"), bold=True)
    sys.stdout.flush()
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2)


def posting_times(notify_at: str | None, webhook: str | None, lang: Lang) -> list[time]:
    """The day's posting times (`--notify-at`), refused before the board starts when
    they are not clock times or there is no robot to post to."""
    if not notify_at:
        return []
    if not webhook:
        raise click.UsageError(NO_WEBHOOK(lang))
    try:
        return notify_times(notify_at)
    except BadTimes as exc:
        raise click.UsageError(exc.message(lang)) from None


def group_post(
    webhook: str, platform: str | None, secret: str | None, top: int, lang: Lang
) -> Callable[[Outcome], None]:
    """What a scheduled post does with the sync run for it: the meeting of that moment
    to the robot, one line on the console either way (the webhook's key never in it).
    A failed sync posts nothing: the board already shows why."""
    from ..errors import Bilingual
    from ..master_meeting import TITLES
    from ..summary import meeting_json

    def post(outcome: Outcome) -> None:
        if outcome.result is None:
            return
        meeting = outcome.result.meeting
        at = datetime.now().strftime("%H:%M")
        try:
            done = post_meeting(meeting_json(meeting), webhook, platform, secret, lang, top)
            said = done.message(lang, TITLES[meeting.kind](lang))
        except Bilingual as exc:
            said = exc.message(lang)
        click.echo(POSTED(lang, at=at, outcome=said))

    return post
