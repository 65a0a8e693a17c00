"""`serve --notify-at`'s schedule: the times as typed, and when the next post is due."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from sync.notify import BadTimes, next_due, notify_times


def test_times_are_read_as_typed_earliest_first_each_once() -> None:
    assert notify_times("18:00,08:45") == [time(8, 45), time(18, 0)]
    assert notify_times(" 8:45，18:00 18:00") == [time(8, 45), time(18, 0)]


@pytest.mark.parametrize("text", ["", "8", "25:00", "08:60", "8.45", "noon"])
def test_anything_else_is_refused_in_both_languages(text: str) -> None:
    with pytest.raises(BadTimes) as caught:
        notify_times(text)
    assert "08:45,18:00" in caught.value.message("zh")
    assert "08:45,18:00" in caught.value.message("en")


def test_the_next_post_is_later_today_else_tomorrow_morning() -> None:
    times = [time(8, 45), time(18, 0)]
    assert next_due(times, datetime(2026, 11, 26, 7, 0)) == datetime(2026, 11, 26, 8, 45)
    assert next_due(times, datetime(2026, 11, 26, 8, 45)) == datetime(2026, 11, 26, 18, 0)
    assert next_due(times, datetime(2026, 11, 26, 12, 0)) == datetime(2026, 11, 26, 18, 0)
    assert next_due(times, datetime(2026, 11, 26, 18, 0, 1)) == datetime(2026, 11, 27, 8, 45)
    assert next_due(times, datetime(2026, 11, 30, 23, 59)) == datetime(2026, 12, 1, 8, 45)
