"""Group-chat robots: WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书) webhooks —
which platform a URL is, the request each one documents, its signature, its size
limit, its error codes in plain words, and a bounded, retried POST.

Nothing here knows what a meeting is: `notify` makes the markdown, this module gets
it into the group. The webhook's secret part (WeCom's `key=`, DingTalk's
`access_token=`, Feishu's hook id) is a password: every message this module makes
passes through `mask`.

Request shapes and limits, from each platform's documentation:
- WeCom group robot, https://developer.work.weixin.qq.com/document/path/91770:
  `{"msgtype": "markdown", "markdown": {"content": …}}`, content at most 4096 bytes
  of UTF-8 (errcode 40058 past it); 93000 invalid webhook key; 45009 over the
  20-messages-a-minute limit.
- DingTalk custom robot, https://open.dingtalk.com/document/orgapp/custom-robot-access
  and …/customize-robot-security-settings: `{"msgtype": "markdown", "markdown":
  {"title", "text"}}`; signing adds `timestamp` (ms) and `sign` = URL-encoded base64
  of HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}") to the query. 310000
  covers a signature mismatch, a missing keyword and an IP outside the whitelist
  (`errmsg` says which); 130101/410100 sending too fast; 300001/400101 no such
  token; the text is kept under 20,000 bytes.
- Feishu custom bot, https://open.feishu.cn/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN
  ("自定义机器人使用指南"): `{"msg_type": "interactive", "card": …}`, with
  `timestamp` (s) and `sign` = base64 of HMAC-SHA256(key=f"{timestamp}\\n{secret}",
  msg=b"") in the body; "请求体的数据大小不能超过 20 KB" (the whole request body);
  19021 signature mismatch or stale timestamp, 19022 IP not allowed, 19024 keyword
  not found, 11232 rate limited, 19001 invalid hook.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal
from urllib.parse import quote_plus, urlsplit

from sheets_templates.words import Count, Lang, Text

from .errors import Bilingual

Platform = Literal["wecom", "dingtalk", "feishu"]
PLATFORMS: tuple[Platform, ...] = ("wecom", "dingtalk", "feishu")
NAMES: dict[Platform, Text] = {
    "wecom": Text("企业微信", "WeCom"),
    "dingtalk": Text("钉钉", "DingTalk"),
    "feishu": Text("飞书", "Feishu"),
}
PATHS: dict[Platform, re.Pattern[str]] = {
    "wecom": re.compile(r"/cgi-bin/webhook/send/?$"),
    "dingtalk": re.compile(r"/robot/send/?$"),
    "feishu": re.compile(r"/open-apis/bot/v2/hook/[^/]+/?$"),
}
"""Each platform's webhook path: the end of the path, so a company proxy in front works."""

LIMITS: dict[Platform, int] = {"wecom": 4096, "dingtalk": 20_000, "feishu": 20 * 1024}
"""Bytes: WeCom's markdown content, DingTalk's markdown text, Feishu's request body."""

FEISHU_SLACK = 64
"""Bytes kept free in a Feishu body for what `fits`'s probe lacks (a real timestamp's
digits), with room to spare."""

ATTEMPTS = 3
"""Tries per message: a server error, a timeout or a rate limit is tried again twice."""
TIMEOUT = 10.0
"""Seconds to wait for the platform's answer."""
FIRST_PAUSE = 1.0
"""Seconds before the second try; doubled before the third."""

SECRET_PARTS = re.compile(
    r"((?:key|access_token|token|sign)=)[^&\s\"']+|(/open-apis/bot/v2/hook/)[^/?#\s\"']+",
    re.IGNORECASE,
)

UNKNOWN_PLATFORM = Text(
    "认不出 {url} 是哪个平台的机器人：请用 --kind wecom|dingtalk|feishu 指定"
    "（企业微信地址以 /cgi-bin/webhook/send 结尾，钉钉 /robot/send，飞书 /open-apis/bot/v2/hook/…）",
    "cannot tell which platform {url} is: say it with --kind wecom|dingtalk|feishu"
    " (WeCom's path ends /cgi-bin/webhook/send, DingTalk's /robot/send, Feishu's"
    " /open-apis/bot/v2/hook/…)",
)
NOT_HTTP = Text(
    "webhook 地址必须以 http:// 或 https:// 开头: {url}",
    "the webhook must be an http:// or https:// URL: {url}",
)
INVALID_KEY = Text(
    "{name}机器人地址无效（key / access_token 错误或机器人已被删除），请从群设置里重新复制 webhook 地址",
    "the {name} webhook is not valid (wrong key or access token, or the robot was removed): copy it again from the group's settings",
)
SIGN_MISMATCH = Text(
    "{name}签名不匹配：--secret 与机器人“加签”设置里的密钥不一致，或本机时间不准",
    "{name} rejected the signature: --secret differs from the robot's signing secret, or this computer's clock is off",
)
KEYWORD = Text(
    "{name}机器人设置了自定义关键词，消息里没有：把关键词（如“晨会”“夕会”）加到机器人的关键词里",
    "the {name} robot requires a keyword the message lacks: add one it contains (e.g. the meeting's name) to the robot's keywords",
)
IP_BLOCKED = Text(
    "{name}机器人的 IP 白名单不包含本机地址：把本机的出口 IP 加进白名单",
    "this computer's IP address is not on the {name} robot's whitelist: add it there",
)
RATE_LIMITED = Text(
    "{name}限流：发送太频繁（每个机器人每分钟最多 20 条），稍后再试",
    "{name} is rate limiting: too many messages (20 a minute per robot); try again later",
)
TOO_LONG = Text(
    "{name}拒收：消息太长（{size} 字节）",
    "{name} refused the message as too long ({size} bytes)",
)
OTHER_CODE = Text("{name}返回错误 {code}: {message}", "{name} answered error {code}: {message}")
HTTP_FAILED = Text(
    "{name}服务器出错（HTTP {status}），{tries}",
    "the {name} server failed (HTTP {status}), {tries}",
)
UNREACHABLE = Text(
    "连不上{name}（{reason}），{tries}", "could not reach {name} ({reason}), {tries}"
)
TRIES = Count("共尝试 {n} 次", "tried {n} time", "tried {n} times")


def mask(text: str) -> str:
    """`text` with every webhook secret replaced by `***` (key, access_token, the
    Feishu hook id, a signature): what may be printed or logged."""
    return SECRET_PARTS.sub(lambda m: (m.group(1) or m.group(2)) + "***", text)


def platform_of(url: str, kind: str | None = None) -> Platform:
    """The platform `--kind` names, else the one the URL's path says; `UnknownWebhook` (with
    the masked URL in words) when neither does."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UnknownWebhook(*NOT_HTTP.both(url=mask(url)))
    if kind in PLATFORMS:
        return kind
    for platform, path in PATHS.items():
        if path.search(parts.path):
            return platform
    raise UnknownWebhook(*UNKNOWN_PLATFORM.both(url=mask(url)))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign`: base64 HMAC-SHA256 of "timestamp\\nsecret" keyed by the
    secret, URL-encoded (as its security settings page shows in Python)."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's `sign`: base64 HMAC-SHA256 keyed by "timestamp\\nsecret" of an empty
    message (as its custom-bot guide shows)."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class Request:
    """One POST: where, and the JSON body's bytes."""

    url: str
    body: bytes


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def build_request(
    platform: Platform, url: str, title: str, text: str, secret: str | None, now: float
) -> Request:
    """The documented request carrying markdown `text` (headed `title` where the
    platform shows one), signed with `secret` at `now` (seconds since the epoch)."""
    if platform == "wecom":
        return Request(url, _json({"msgtype": "markdown", "markdown": {"content": text}}))
    if platform == "dingtalk":
        body = _json({"msgtype": "markdown", "markdown": {"title": title, "text": text}})
        if secret:
            ms = int(now * 1000)
            joiner = "&" if urlsplit(url).query else "?"
            url = f"{url}{joiner}timestamp={ms}&sign={dingtalk_sign(secret, ms)}"
        return Request(url, body)
    card = {
        "msg_type": "interactive",
        "card": {
            "header": {"title": {"tag": "plain_text", "content": title}},
            "elements": [{"tag": "markdown", "content": text}],
        },
    }
    if secret:
        seconds = int(now)
        card = {"timestamp": str(seconds), "sign": feishu_sign(secret, seconds), **card}
    return Request(url, _json(card))


def fits(platform: Platform, title: str, text: str) -> bool:
    """Whether `text` is within the platform's documented size (see `LIMITS`)."""
    if platform == "feishu":  # the whole body, signature included
        probe = build_request(platform, "", title, text, "x", 0.0)
        # a real signature is as long as this one; its timestamp has 9 more digits
        return len(probe.body) + FEISHU_SLACK <= LIMITS[platform]
    return len(text.encode()) <= LIMITS[platform]


# --- answers -----------------------------------------------------------------------


class Refusal(Bilingual):
    """Why a message did not go out, in both languages; `again` when trying later may
    help (a server error, a timeout, a rate limit). Returned, not raised: a post's
    outcome, like the platform's answer it reads."""

    def __init__(self, zh: str, en: str, again: bool = False) -> None:
        super().__init__(zh, en)
        self.again = again


class UnknownWebhook(Bilingual, ValueError):
    """A webhook URL that is not one, or whose platform cannot be told."""


def _words(phrase: Text, again: bool = False, **values: Any) -> Refusal:
    """A refusal in both languages, secrets masked; a value that is itself words (a
    platform's name, a `Count` bound to its number) is said in each language's own."""

    def said(lang: Lang) -> str:
        filled = {k: v(lang) if callable(v) else v for k, v in values.items()}
        return mask(phrase(lang, **filled))

    return Refusal(said("zh"), said("en"), again)


def refusal(platform: Platform, answer: dict[str, Any], size: int) -> Refusal | None:
    """The platform's answer in plain words, None when it accepted the message.
    WeCom and DingTalk answer `errcode`, Feishu `code` (older hooks `StatusCode`)."""
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
    message = str(answer.get("errmsg", answer.get("msg", answer.get("StatusMessage", ""))))
    if code in (0, None):
        return None
    name = NAMES[platform]
    said = message.lower()
    if code in (93000, 300001, 400101, 400106, 19001) or "token is not exist" in said:
        return _words(INVALID_KEY, name=name)
    if code in (45009, 130101, 410100, 11232):
        return _words(RATE_LIMITED, again=True, name=name)
    if code == 19021 or "sign" in said:
        return _words(SIGN_MISMATCH, name=name)
    if code == 19024 or "keyword" in said:
        return _words(KEYWORD, name=name)
    if code == 19022 or "whitelist" in said or "ip not" in said:
        return _words(IP_BLOCKED, name=name)
    if code in (40058, 19036, 34016) or "length" in said or "too long" in said:
        return _words(TOO_LONG, name=name, size=size)
    return _words(OTHER_CODE, name=name, code=code, message=message)


Sleep = Callable[[float], None]


def post(platform: Platform, request: Request, sleep: Sleep = time.sleep) -> Refusal | None:
    """POST `request`, trying again (up to `ATTEMPTS` in all, pausing 1 s then 2 s) on a
    server error, a timeout, an unreachable host or a rate limit; None when the
    platform accepted it, else why not."""
    name = NAMES[platform]
    pause = FIRST_PAUSE
    problem: Refusal | None = None
    for attempt in range(1, ATTEMPTS + 1):
        if attempt > 1:
            sleep(pause)
            pause *= 2
        problem = _try(platform, name, request, attempt)
        if problem is None or not problem.again:
            return problem
    return problem


def _try(platform: Platform, name: Text, request: Request, attempt: int) -> Refusal | None:
    http = urllib.request.Request(
        request.url,
        data=request.body,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(http, timeout=TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:  # some answer a refusal with a 4xx and its code
        said = refusal(platform, _answer(exc.read()), len(request.body))
        if said is not None and exc.code < 500:
            return said
        again = exc.code >= 500 or exc.code == 429
        tries = partial(TRIES, attempt)
        return _words(HTTP_FAILED, again, name=name, status=exc.code, tries=tries)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        tries = partial(TRIES, attempt)
        return _words(UNREACHABLE, True, name=name, reason=reason, tries=tries)
    return refusal(platform, _answer(raw, strict=True), len(request.body))


def _answer(raw: bytes, strict: bool = False) -> dict[str, Any]:
    """The platform's JSON answer; text that is not JSON is an error when `strict` (a
    success always answers JSON), else nothing to report."""
    try:
        answer = json.loads(raw.decode("utf-8", "replace") or "{}")
    except ValueError:
        answer = {"errcode": -1, "errmsg": raw[:200].decode("utf-8", "replace")} if strict else {}
    return answer if isinstance(answer, dict) else {}
