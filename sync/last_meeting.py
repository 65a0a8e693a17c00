"""The meetings of the last sync, as the store keeps them: what `salesflow notify`
(and `serve`'s schedule) posts without syncing again.

The sync writes both meetings — the one it opened the master on and the other — as the
same documents as `sync --json`'s `meeting`, with the day and time it synced, into the
store's settings inside its transaction: the document always belongs to the registers
it was computed from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .meeting import Meeting
from .store import Store

MEETING_SETTING = "meeting"
"""The store setting that holds `{"kind", "as_of", "synced_at", "morning", "evening"}`."""


def meetings_document(
    chosen: Meeting, other: Meeting, as_of: date, synced_at: datetime
) -> dict[str, Any]:
    """Both meetings of a sync as documents (`meeting.both_meetings`): `chosen` (the
    sync's) and the other kind, so `notify --meeting` can pick either."""
    from .summary import meeting_json  # summary imports engine, which imports this

    return {
        "kind": chosen.kind,
        "as_of": as_of.isoformat(),
        "synced_at": synced_at.isoformat(timespec="seconds"),
        chosen.kind: meeting_json(chosen),
        other.kind: meeting_json(other),
    }


def last_meetings(store: Store) -> dict[str, Any] | None:
    """The meetings the last sync stored, or None before the first sync that did."""
    document = store.setting(MEETING_SETTING)
    return document if isinstance(document, dict) else None
