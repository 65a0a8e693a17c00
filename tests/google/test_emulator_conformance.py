"""Replay gspread's recorded Google traffic against the emulator and compare the answers.

Why: the emulator is only useful if it answers like Google. The cassettes in
``../shared/gspread-cassettes`` (vcrpy JSON from gspread's own test suite) are real
request/response pairs; replaying each file in order against a fresh emulator, with the
recorded spreadsheet and sheet ids mapped to the ones the emulator allocated, pins every
emulated behaviour they cover: canonical range echoes, trimming, error envelopes, metadata.

The comparison is the whole recorded JSON body except for what the emulator deliberately
does not model (see ``_normalised``), plus the HTTP status.
"""

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from requests import Session

from .emulator import SheetsEmulator

CASSETTES = Path(__file__).parents[2].parent / "shared" / "gspread-cassettes"
RECORDED_INTERACTIONS = 342  # as stated by the cassettes' README

# (cassette file, interaction index) -> why the emulator cannot match it. Every entry must
# still differ, so the list cannot rot; keep it short.
KNOWN_DIFFERENCES: dict[tuple[str, int], str] = {}

# Never read by gspread and not modelled: the spreadsheet's default cell format and theme.
_UNMODELLED_KEYS = frozenset({"defaultFormat", "spreadsheetTheme"})
# Wall-clock values: compared by shape only.
_TIMESTAMP_KEYS = frozenset({"createdTime", "modifiedTime"})
_TIMESTAMP_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _cassette_names() -> list[str]:
    return sorted(path.name for path in CASSETTES.glob("*.json")) if CASSETTES.is_dir() else []


def _require_cassettes() -> None:
    """Skip where the shared folder is absent, but never silently in CI."""
    if CASSETTES.is_dir():
        return
    reason = f"gspread cassettes not found at {CASSETTES}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class _IdMap:
    """Recorded ids -> the ids the emulator allocated for the same objects."""

    spreadsheets: dict[str, str] = field(default_factory=dict)
    sheets: dict[int, int] = field(default_factory=dict)

    def learn(self, recorded: Any, answered: Any) -> None:
        """Pair ids from a recorded answer with the emulator's answer to the same request."""
        if not isinstance(recorded, dict) or not isinstance(answered, dict):
            return
        if recorded.get("kind") == "drive#file" and "id" in answered:
            self.spreadsheets[recorded["id"]] = answered["id"]
        for old, new in zip(recorded.get("replies", []), answered.get("replies", []), strict=False):
            if "addSheet" in old and "addSheet" in new:
                old_id = old["addSheet"]["properties"]["sheetId"]
                self.sheets[old_id] = new["addSheet"]["properties"]["sheetId"]

    def text(self, value: str) -> str:
        for old, new in self.spreadsheets.items():
            value = value.replace(old, new)
        return value

    def json(self, node: Any) -> Any:
        """Rewrite spreadsheet ids inside strings and every ``sheetId`` value."""
        if isinstance(node, dict):
            return {
                key: self.sheets.get(value, value) if key == "sheetId" else self.json(value)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [self.json(item) for item in node]
        return self.text(node) if isinstance(node, str) else node


def _normalised(node: Any) -> Any:
    """Drop unmodelled keys and reduce timestamps to their shape."""
    if isinstance(node, dict):
        return {
            key: _timestamp_shape(value) if key in _TIMESTAMP_KEYS else _normalised(value)
            for key, value in node.items()
            if key not in _UNMODELLED_KEYS
        }
    if isinstance(node, list):
        return [_normalised(item) for item in node]
    return node


def _timestamp_shape(value: Any) -> Any:
    return "<timestamp>" if isinstance(value, str) and _TIMESTAMP_RE.fullmatch(value) else value


def _parse(text: str) -> Any:
    return json.loads(text) if text.strip() else None


@dataclass(frozen=True)
class _Exchange:
    """One replayed interaction: what Google answered and what the emulator answered."""

    index: int
    request: str
    expected: tuple[int, Any]
    answered: tuple[int, Any]

    @property
    def equal(self) -> bool:
        return self.expected == self.answered


def _replay(emulator: SheetsEmulator, interactions: list[dict[str, Any]]) -> Iterator[_Exchange]:
    """Send each recorded request (ids mapped, host rewritten) in order."""
    ids = _IdMap()
    with Session() as session:
        session.trust_env = False
        for index, interaction in enumerate(interactions):
            request, response = interaction["request"], interaction["response"]
            parts = urlsplit(ids.text(request["uri"]))
            url = emulator.url + parts.path + (f"?{parts.query}" if parts.query else "")
            body = request["body"]
            data = json.dumps(ids.json(json.loads(body))).encode() if body else None
            headers = {"Content-Type": "application/json"} if data else {}
            reply = session.request(request["method"], url, data=data, headers=headers)
            recorded = _parse(response["body"]["string"])
            answered = _parse(reply.text)
            ids.learn(recorded, answered)
            yield _Exchange(
                index,
                f"{request['method']} {request['uri']}",
                (response["status"]["code"], _normalised(ids.json(recorded))),
                (reply.status_code, _normalised(answered)),
            )


@pytest.mark.parametrize("cassette", _cassette_names() or ["<cassettes missing>"])
def test_cassette_replays_like_google(cassette: str, conformance_tally: Counter[str]) -> None:
    _require_cassettes()
    interactions = json.loads((CASSETTES / cassette).read_text())["interactions"]
    with SheetsEmulator() as emulator:
        exchanges = list(_replay(emulator, interactions))
    conformance_tally["compared"] += len(exchanges)
    conformance_tally["equal"] += sum(exchange.equal for exchange in exchanges)
    unexpected = [
        exchange
        for exchange in exchanges
        if not exchange.equal and (cassette, exchange.index) not in KNOWN_DIFFERENCES
    ]
    stale = [key for key in KNOWN_DIFFERENCES if key[0] == cassette and exchanges[key[1]].equal]
    assert len(exchanges) == len(interactions)
    assert not unexpected, "\n\n".join(
        f"#{e.index} {e.request}\n  google:   {e.expected}\n  emulator: {e.answered}"
        for e in unexpected[:5]
    )
    assert not stale, f"allow-listed interactions now match; remove them: {stale}"


def test_cassettes_hold_every_recorded_interaction() -> None:
    """Guard against a partial copy of the folder silently shrinking the comparison."""
    _require_cassettes()
    total = sum(
        len(json.loads((CASSETTES / name).read_text())["interactions"])
        for name in _cassette_names()
    )
    assert total == RECORDED_INTERACTIONS
