"""`salesflow notify`: post the last sync's meeting into the team's group chat.

Kept out of `cli.py` (registered there with one line) so the command's options and
messages live beside nothing else. It reads the store the sync wrote (no sync runs),
so a scheduled job can sync at 08:30 and post at 08:45.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import click

from sheets_templates.words import Lang, Text, lang_of

from .errors import Bilingual
from .last_meeting import last_meetings
from .master_meeting import TITLES
from .meeting import KINDS, Kind
from .notify import DEFAULT_TOP, post_meeting
from .options import LANG, MEETING, STORE, master_option
from .store import default_store, location, open_store

NO_SYNC = Text(
    "{store} 里还没有同步结果：先运行 salesflow sync --master {master}",
    "{store} holds no sync yet: run salesflow sync --master {master} first",
)
NO_MEETING = Text(
    "上次同步没有保存{meeting}：用新版 salesflow 再同步一次",
    "the last sync kept no {meeting}: sync again with this salesflow",
)


class Refused(click.ClickException):
    """The post cannot be made or the platform refused it: its words in red on stderr,
    exit 2 (as every error of the surroundings)."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.secho(self.message, fg="red", err=True)


def webhook_options(required: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The group robot's options, the same for `notify` and `serve --notify-at`."""
    options = (
        click.option(
            "--webhook",
            required=required,
            metavar="URL",
            help="The group robot's webhook address (WeCom, DingTalk or Feishu; a proxy works).",
        ),
        click.option(
            "--kind",
            "platform",
            type=click.Choice(["wecom", "dingtalk", "feishu"]),
            help="The platform, when the webhook's path does not show it.",
        ),
        click.option("--secret", help="The robot's signing secret (DingTalk, Feishu: 加签)."),
        click.option(
            "--top",
            type=click.IntRange(1),
            default=DEFAULT_TOP,
            show_default=True,
            help="Places shown per PK metric.",
        ),
    )

    def apply(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


@click.command(name="notify")
@master_option("The master whose last sync to post (its store: NAME.sqlite beside it).")
@webhook_options(required=True)
@STORE
@MEETING
@LANG
def notify_command(
    master: Path,
    webhook: str,
    platform: str | None,
    secret: str | None,
    store: str | None,
    top: int,
    meeting: Kind | None,
    lang: Lang,
) -> None:
    """Post the last sync's meeting (ranking, praise, under target, data health) to a
    WeCom, DingTalk or Feishu group robot."""
    words = lang_of(lang)
    where = location(store) if store else default_store(master)
    stored = None
    if not isinstance(where, Path) or where.exists():
        try:
            with open_store(where) as db:
                stored = last_meetings(db)
        except Bilingual as exc:
            raise Refused(exc.message(words)) from None
    if stored is None:
        raise Refused(NO_SYNC(words, store=where, master=master))
    kind: Kind = meeting or stored.get("kind", KINDS[0])
    name = TITLES[kind](words)
    document = stored.get(kind)
    if not isinstance(document, dict):
        raise Refused(NO_MEETING(words, meeting=name))
    try:
        outcome = post_meeting(document, webhook, platform, secret, words, top)
    except Bilingual as exc:
        raise Refused(exc.message(words)) from None
    if not outcome.ok:
        raise Refused(outcome.message(words, name))
    click.echo(outcome.message(words, name))
