"""The Google options of the `salesflow` commands, and what they do, kept out of
`sync.cli` so the commands stay thin: `check`, `sync` and `templates` add
`@google_options` and call a `GoogleSettings` method.

Credentials are opened only when a Google key is used, once per command. Any Google
failure ends the command with exit 2 and its message in the chosen language, with
every secret the command holds removed (the token from the option or the environment,
the key file's secrets, the access token in use).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sheets_templates.words import Count, Lang, Text, lang_of

if TYPE_CHECKING:
    import gspread

    from ..reader import FileResult
    from ..sources import Source
    from .access import GoogleAccess
    from .master import GoogleMaster, MasterWrite
    from .templates import TemplateWrite

SHEET_URL = "https://docs.google.com/spreadsheets/d/{key}/edit"


@dataclass
class GoogleSettings:
    """The Google options of one command; connects on first use."""

    credentials: Path | None = None
    token: str | None = None
    api_root: str | None = None
    lang: Lang = "zh"
    exits: bool = True
    """A refusal ends the command (exit 2); False raises it instead, for a command that
    outlives one sync (`serve`, which shows it on the board and syncs again later)."""
    _access: GoogleAccess | None = field(default=None, repr=False)
    _client: gspread.Client | None = field(default=None, repr=False)

    def secrets(self) -> list[str]:
        held = [self.token] if self.token else []
        return held + (self._access.secrets() if self._access else [])

    def _run(self, work: Callable[[], Any]) -> Any:
        """Do `work`; a `GoogleError` ends the command (exit 2) with its message (or is
        raised, when the command does not `exit`)."""
        from .errors import GoogleError, redact

        try:
            return work()
        except GoogleError as error:
            if not self.exits:
                raise
            click.secho(redact(error.message(self.lang), self.secrets()), fg="red", err=True)
            sys.exit(2)

    def client(self) -> gspread.Client:
        return self._run(self._connected)

    def _connected(self) -> gspread.Client:
        """The client, connecting once; raises `GoogleError` when that fails."""
        from .access import connect

        if self._client is None:
            self._access = connect(self.credentials, self.token, self.api_root)
            self._client = self._access.client()
        return self._client

    def sources(self, keys: tuple[str, ...], as_of: date) -> list[Source]:
        """The spreadsheets as sources; when Google cannot be reached at all, each one
        is an unreachable source, so the local files still sync."""
        if not keys:
            return []  # before the import: gspread costs a second to load
        from .errors import GoogleError
        from .source import google_sources, spreadsheet_key, unreachable_source

        def find() -> list[Source]:
            try:
                client = self._connected()
            except GoogleError as error:
                if not error.outage:
                    raise
                return [unreachable_source(spreadsheet_key(k), error) for k in keys]
            return google_sources(client, keys, as_of)

        return self._run(find)

    def check_files(
        self, keys: tuple[str, ...], as_of: date, keep_records: bool
    ) -> list[FileResult]:
        """Each spreadsheet as `check` reports a file (records kept only with --records)."""
        results = []
        for source in self.sources(keys, as_of):
            result = source.read()
            if not keep_records:
                for sheet in result.sheets:
                    sheet.records = []
            results.append(result)
        return results

    def master(self, key: str) -> GoogleMaster:
        """The Google master as a sync target (connecting now, so a credentials
        problem ends the command before the sync starts)."""
        from .master import GoogleMaster

        return GoogleMaster(self.client(), _key(key))

    def redact(self, text: str) -> str:
        """`text` without any secret this command holds (for a Google failure that
        reaches the command through the sync)."""
        secrets = self.secrets()
        if not secrets:
            return text  # before the import: google-auth costs a third of a second
        from .errors import redact

        return redact(text, secrets)

    def write_templates(self, key: str) -> TemplateWrite:
        from .templates import write_templates_google

        return self._run(lambda: write_templates_google(self.client(), _key(key), self.lang))


def _key(text: str) -> str:
    from .source import spreadsheet_key

    return spreadsheet_key(text)


def google_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --credentials, --google-token and --google-api-root (each with its
    environment variable) to a click command, which receives them as `google`.

    A decorator like any other: `functools.update_wrapper` carries over what the
    decorators below it declared, and the options are added with `click.option`."""

    def wrapper(
        *args: Any,
        credentials: Path | None,
        google_token: str | None,
        google_api_root: str | None,
        **kwargs: Any,
    ) -> Any:
        settings = GoogleSettings(
            credentials, google_token, google_api_root, kwargs.get("lang", "zh")
        )
        return command(*args, google=settings, **kwargs)

    functools.update_wrapper(wrapper, command)
    options = (
        click.option(
            "--credentials",
            type=click.Path(dir_okay=False, path_type=Path),
            envvar="GOOGLE_APPLICATION_CREDENTIALS",
            show_envvar=True,
            help="Google credentials: a service-account key or OAuth authorised-user JSON file.",
        ),
        click.option(
            "--google-token",
            envvar="SALESFLOW_GOOGLE_TOKEN",
            show_envvar=True,
            help="A Google access token (from a gateway) instead of a credentials file.",
        ),
        click.option(
            "--google-api-root",
            envvar="SALESFLOW_GOOGLE_API_ROOT",
            show_envvar=True,
            help="Send every Sheets and Drive call to this root URL (gateway, proxy, tests).",
        ),
    )
    for option in reversed(options):  # click lists them in the order written above
        option(wrapper)
    return wrapper


def google_keys_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--google KEY` (repeatable): a spreadsheet by its key or its browser link."""
    return click.option("--google", "google_keys", multiple=True, metavar="KEY", help=help_text)


GOOGLE_MASTER = Count(
    "Google 总表: {url}（{n} 个表，{requests} 次请求）",
    "Google master: {url} ({n} tab, {requests} requests)",
    "Google master: {url} ({n} tabs, {requests} requests)",
)
GOOGLE_TEMPLATE = Text("Google 模板: {url}", "Google template: {url}")
CREATED = Text("  新建: {tabs}", "  created: {tabs}")
KEPT = Text("  已存在（未改动）: {tabs}", "  already there (unchanged): {tabs}")
LIST_SEPARATOR = Text("、", ", ")


def master_note(key: str, written: MasterWrite, lang: Lang) -> str:
    """One line saying where the Google master is and what the write cost."""
    url = SHEET_URL.format(key=_key(key))
    return GOOGLE_MASTER(len(written.tabs), lang_of(lang), url=url, requests=written.requests)


def templates_note(key: str, written: TemplateWrite, lang: Lang) -> list[str]:
    language = lang_of(lang)
    url = SHEET_URL.format(key=_key(key))
    sep = LIST_SEPARATOR(language)
    made, kept = sep.join(written.created) or "—", sep.join(written.kept) or "—"
    return [
        GOOGLE_TEMPLATE(language, url=url),
        CREATED(language, tabs=made),
        KEPT(language, tabs=kept),
    ]
