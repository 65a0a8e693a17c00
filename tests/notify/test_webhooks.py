"""Posting a meeting to each platform's robot, received by a real loopback server:
the documented request shapes, signatures checked independently of our code, the
documented error codes in plain words, bounded retries, the key never shown, and a
long meeting split at line boundaries within each platform's limit."""

from __future__ import annotations

import base64
import hashlib
import hmac
import socket
import time
from typing import Any

import pytest

from sync.notify import meeting_lines, post_meeting
from sync.webhooks import UnknownWebhook, dingtalk_sign, feishu_sign, platform_of

from .documents import EVENING, EVENING_EN_TITLE, EVENING_ZH, big_team
from .receiver import receiver

WECOM = "/cgi-bin/webhook/send"
DINGTALK = "/robot/send"
FEISHU = "/open-apis/bot/v2/hook/5f1e0c2a-feishu-hook-id"
OK = {"errcode": 0, "errmsg": "ok"}
FEISHU_OK = {"code": 0, "data": {}, "msg": "success"}
KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


class Pauses(list[float]):
    """The pauses between tries, kept instead of slept (the retries' schedule)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_the_platform_is_told_by_the_path_behind_any_host() -> None:
    assert platform_of(f"https://qyapi.weixin.qq.com{WECOM}?key={KEY}") == "wecom"
    assert platform_of(f"http://proxy.corp.local:8080/im{WECOM}?key={KEY}") == "wecom"
    assert platform_of("https://oapi.dingtalk.com/robot/send?access_token=abc") == "dingtalk"
    assert platform_of(f"https://open.feishu.cn{FEISHU}") == "feishu"
    assert platform_of("https://gw.corp.local/hooks/42", "dingtalk") == "dingtalk"


def test_an_unknown_webhook_says_how_to_name_it_without_its_key() -> None:
    with pytest.raises(UnknownWebhook) as caught:
        platform_of(f"https://gw.corp.local/hooks/send?key={KEY}")
    assert "--kind" in caught.value.message("zh") and "--kind" in caught.value.message("en")
    assert KEY not in caught.value.message("zh") + caught.value.message("en")
    assert "key=***" in caught.value.message("en")
    with pytest.raises(UnknownWebhook):
        platform_of("ftp://example.com/robot/send")


def test_signatures_match_values_worked_out_with_openssl() -> None:
    # printf '1700000000000\nSECtest' | openssl dgst -sha256 -hmac 'SECtest' -binary | base64
    assert (
        dingtalk_sign("SECtest", 1700000000000) == "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D"
    )
    # printf '' | openssl dgst -sha256 -hmac "$(printf '1700000000\nSECtest')" -binary | base64
    assert feishu_sign("SECtest", 1700000000) == "G7XpBpG8NgG02fJOAhX6FRAObIljmFoxVReo8I62pEk="


def test_wecom_gets_its_documented_markdown_message() -> None:
    with receiver(OK) as robot:
        outcome = post_meeting(EVENING, robot.url(f"{WECOM}?key={KEY}"), None, None, "zh")
    assert outcome.ok and (outcome.sent, outcome.parts) == (1, 1)
    [got] = robot.received
    assert (got.path, got.query) == (WECOM, {"key": KEY})
    assert got.content_type.startswith("application/json")
    assert got.body == {"msgtype": "markdown", "markdown": {"content": EVENING_ZH}}


def test_dingtalk_gets_markdown_with_title_and_a_signature_that_checks_out() -> None:
    secret = "SEC0123456789abcdef"
    with receiver(OK) as robot:
        before = time.time()
        outcome = post_meeting(
            EVENING, robot.url(f"{DINGTALK}?access_token=tok123"), None, secret, "en"
        )
    assert outcome.ok
    [got] = robot.received
    assert got.path == DINGTALK and got.query["access_token"] == "tok123"
    assert got.body["msgtype"] == "markdown"
    assert got.body["markdown"]["title"] == EVENING_EN_TITLE
    assert got.body["markdown"]["text"].split("\n\n")[:2] == [
        EVENING_EN_TITLE,
        "**PK · Effective calls**",
    ]
    stamp = got.query["timestamp"]
    assert abs(int(stamp) / 1000 - before) < 60
    expected = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    assert got.query["sign"] == base64.b64encode(expected).decode()  # parse_qs un-quoted it


def test_feishu_gets_a_card_signed_in_the_body() -> None:
    secret = "feishu-secret"
    with receiver(FEISHU_OK) as robot:
        outcome = post_meeting(EVENING, robot.url(FEISHU), None, secret, "zh")
    assert outcome.ok
    [got] = robot.received
    body: dict[str, Any] = got.body
    assert body["msg_type"] == "interactive"
    assert body["card"]["header"]["title"] == {
        "tag": "plain_text",
        "content": EVENING_ZH.split("\n")[0],
    }
    assert body["card"]["elements"] == [{"tag": "markdown", "content": EVENING_ZH}]
    key = f"{body['timestamp']}\n{secret}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


REFUSALS = [
    (
        WECOM + f"?key={KEY}",
        {"errcode": 93000, "errmsg": "invalid webhook url"},
        "地址无效",
        "not valid",
        1,
    ),
    (
        WECOM + f"?key={KEY}",
        {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"},
        "消息太长",
        "too long",
        1,
    ),
    (
        WECOM + f"?key={KEY}",
        {"errcode": 45009, "errmsg": "api freq out of limit"},
        "限流",
        "rate limiting",
        3,
    ),
    (
        DINGTALK + "?access_token=tok",
        {"errcode": 310000, "errmsg": "sign not match"},
        "签名不匹配",
        "signature",
        1,
    ),
    (
        DINGTALK + "?access_token=tok",
        {"errcode": 310000, "errmsg": "keywords not in content"},
        "关键词",
        "keyword",
        1,
    ),
    (
        DINGTALK + "?access_token=tok",
        {"errcode": 310000, "errmsg": "ip 1.2.3.4 not in whitelist"},
        "白名单",
        "whitelist",
        1,
    ),
    (
        DINGTALK + "?access_token=tok",
        {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
        "限流",
        "rate limiting",
        3,
    ),
    (
        DINGTALK + "?access_token=tok",
        {"errcode": 300001, "errmsg": "token is not exist"},
        "地址无效",
        "not valid",
        1,
    ),
    (
        FEISHU,
        {
            "code": 19021,
            "msg": "sign match fail or timestamp is not within one hour from current time",
        },
        "签名不匹配",
        "signature",
        1,
    ),
    (FEISHU, {"code": 19024, "msg": "Key Words Not Found"}, "关键词", "keyword", 1),
    (FEISHU, {"code": 11232, "msg": "frequency limited"}, "限流", "rate limiting", 3),
]


@pytest.mark.parametrize(("path", "answer", "zh", "en", "tries"), REFUSALS)
def test_documented_error_codes_come_back_in_plain_words(
    path: str, answer: dict[str, Any], zh: str, en: str, tries: int
) -> None:
    pauses = Pauses()
    with receiver(answer) as robot:
        outcome = post_meeting(EVENING, robot.url(path), None, "s", "zh", sleep=pauses)
    assert not outcome.ok and outcome.sent == 0
    assert zh in outcome.message("zh", "夕会") and en in outcome.message("en", "evening meeting")
    assert len(robot.received) == tries  # only a rate limit is tried again
    assert pauses == [1.0, 2.0][: tries - 1]
    assert KEY not in outcome.message("zh", "夕会") + outcome.message("en", "evening")


def test_a_server_error_is_tried_again_and_then_goes_through() -> None:
    pauses = Pauses()
    with receiver(OK) as robot:
        robot.script = [(500, {"error": "internal"})]
        outcome = post_meeting(
            EVENING, robot.url(f"{WECOM}?key={KEY}"), None, None, "en", sleep=pauses
        )
    assert outcome.ok and len(robot.received) == 2 and pauses == [1.0]
    assert robot.received[0].body == robot.received[1].body


def test_retries_are_bounded() -> None:
    pauses = Pauses()
    with receiver(OK) as robot:
        robot.script = [(502, {}), (503, {}), (500, {}), (200, OK)]
        outcome = post_meeting(
            EVENING, robot.url(f"{WECOM}?key={KEY}"), None, None, "en", sleep=pauses
        )
    assert not outcome.ok and len(robot.received) == 3 and pauses == [1.0, 2.0]
    assert "HTTP 500" in outcome.message("en", "evening") and "3 times" in outcome.message(
        "en", "evening"
    )


def test_a_client_error_is_not_tried_again() -> None:
    with receiver(OK) as robot:
        robot.script = [(404, {})]
        outcome = post_meeting(
            EVENING, robot.url(f"{WECOM}?key={KEY}"), None, None, "en", sleep=Pauses()
        )
    assert not outcome.ok and len(robot.received) == 1
    assert outcome.message("en", "evening").endswith("(HTTP 404), tried 1 time")


def test_an_unreachable_robot_is_tried_three_times_and_said_so_without_the_key() -> None:
    with socket.socket() as s:  # a port nobody listens on once this socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    pauses = Pauses()
    url = f"http://127.0.0.1:{port}{WECOM}?key={KEY}"
    outcome = post_meeting(EVENING, url, None, None, "zh", sleep=pauses)
    assert not outcome.ok and pauses == [1.0, 2.0]
    assert "连不上企业微信" in outcome.message("zh", "夕会")
    assert outcome.message("zh", "夕会").endswith("共尝试 3 次")
    assert KEY not in outcome.message("zh", "夕会")


LIMITS = [
    (WECOM + f"?key={KEY}", lambda body: len(body["markdown"]["content"].encode()), 4096, "\n"),
    (
        DINGTALK + "?access_token=tok",
        lambda body: len(body["markdown"]["text"].encode()),
        20_000,
        "\n\n",
    ),
    (FEISHU, None, 20 * 1024, "\n"),
]


@pytest.mark.parametrize(("path", "measure", "limit", "joiner"), LIMITS)
def test_a_long_meeting_is_split_between_lines_within_the_limit(
    path: str, measure: Any, limit: int, joiner: str
) -> None:
    document = big_team(400)  # 800 lines of ~60 bytes: ~48 KB of markdown
    with receiver(FEISHU_OK if path == FEISHU else OK) as robot:
        outcome = post_meeting(document, robot.url(path), None, "s", "zh", top=400)
    assert outcome.ok and outcome.parts == len(robot.received) > 1
    texts = []
    for got in robot.received:
        size = got.size if measure is None else measure(got.body)
        assert size <= limit
        body = got.body
        texts.append(
            body["card"]["elements"][0]["content"]
            if path == FEISHU
            else body["markdown"].get("content") or body["markdown"]["text"]
        )
    n = len(texts)
    lines: list[str] = []
    for part, text in enumerate(texts, start=1):
        title, *rest = text.split(joiner)
        assert title == f"夕会 · 2026-11-26（周四）截至 18:00（{part}/{n}）"
        lines += rest
    assert lines == meeting_lines(document, "zh", top=400)  # every line whole, in order
    assert (
        "🥇 销售员0000 500/600" in lines
        and "- 销售员0399：有效通话 差 499（应完成 600，实际 101）" in lines
    )
