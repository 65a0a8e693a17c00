"""What a rep's page and the board say, worked by hand from DESIGN's pace (40 of 100
effective calls by 12:00 over 09:30–12:00, 60 more by 17:30 over 13:50–17:30)."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest

from sync.web.board import checkpoint_words, shown

HUNDRED = Decimal(100)


@pytest.mark.parametrize(
    ("actual", "target", "at", "zh", "en"),
    [
        (10, HUNDRED, time(10, 0), "12:00 前还差 30 个", "30 more by 12:00"),
        (45, HUNDRED, time(11, 0), "12:00 前的进度已完成", "on pace for 12:00"),
        (50, HUNDRED, time(15, 0), "17:30 前还差 50 个", "50 more by 17:30"),
        (5, Decimal(50), time(9, 0), "12:00 前还差 15 个", "15 more by 12:00"),  # 40% of 50
        (19, Decimal(48), time(12, 30), "17:30 前还差 29 个", "29 more by 17:30"),
        (80, HUNDRED, time(18, 0), "今天还差 20 个", "20 short today"),
        (100, HUNDRED, time(17, 30), "达标", "Met"),
    ],
)
def test_the_gap_to_the_next_checkpoint(
    actual: int, target: Decimal, at: time, zh: str, en: str
) -> None:
    assert checkpoint_words(actual, target, at, "zh") == zh
    assert checkpoint_words(actual, target, at, "en") == en


def test_figures_as_a_person_reads_them() -> None:
    assert shown("effective_calls", 85) == "85"
    assert shown("effective_calls", Decimal("75.45")) == "75.5"
    assert shown("signed_customers", Decimal("2.45")) == "2.5"  # 3 × 18 / 22, half up
    assert shown("signed_customers", Decimal("2.59")) == "2.6"
    assert shown("sales_amount", Decimal("12000")) == "12000.00"
    assert shown("wechat_adds", None) == ""
