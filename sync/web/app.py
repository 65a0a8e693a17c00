"""The board's web app: its routes, who may reach each, and the push to open pages.

`/` the board (the meeting, for the TV), `/rep/NAME` one rep's day (manager), `/events`
the server-sent events every open page listens to, `/api/meeting` the meeting as
`sync --json` has it, `POST /refresh` a sync now (manager code and CSRF token, every
time), `POST /login` a code for a session, `/static/…` the assets and nothing else.

Each sync is rendered once (the board's HTML and the meeting's JSON) and the same
event is pushed to every page: 200 televisions cost one render.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sheets_templates.kpi import Figures
from sheets_templates.words import Lang, Text

from ..meeting import Meeting
from ..summary import meeting_json
from . import access
from .access import Attempts, Codes, Role, Sessions
from .board import board, rep_day
from .watch import Outcome, Syncer, SyncRun

HERE = Path(__file__).parent
STATIC = HERE / "static"
KEEPALIVE = 15.0
"""Seconds between comments on a quiet event stream (a closed page is noticed)."""
HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
"""Every response's security headers: no script, style or font from anywhere else (the
offices are often offline, and nothing should be injected), no framing, no sniffing."""

WAITING = Text("正在进行第一次同步……", "the first sync is running…")
SYNC_FAILED = Text("上次同步失败：{why}", "the last sync failed: {why}")
QUEUED = Text("已开始同步，看板稍后自动更新", "syncing now; the board updates by itself")
WRONG_CODE = Text("访问码不对", "wrong code")
TOO_MANY = Text("错误次数太多，请一分钟后再试", "too many wrong codes; try again in a minute")
BAD_FORM = Text("页面已过期，请刷新页面后再试", "the page has expired; reload it and try again")
NEEDS_CODE = Text("请输入访问码", "enter the access code")
NEEDS_MANAGER = Text("此页面需要经理访问码", "this page needs the manager code")
NO_SUCH_REP = Text("没有这个销售员：{rep}", "no such rep: {rep}")
CODE = Text("访问码", "Access code")
ENTER = Text("进入", "Enter")
REFRESH = Text("刷新", "Refresh")
MANAGER_CODE = Text("经理访问码", "Manager code")
LIVE = Text("实时", "live")
HTML_LANG = Text("zh-CN", "en")
"""The pages' `lang` attribute (fonts and screen readers follow it)."""


class SecurityHeaders:
    """Adds `HEADERS` to every response, the assets' and errors' included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def loopback_host(host: str) -> bool:
    """Whether a Host header names this computer (`127.0.0.1:8765`, `[::1]:8765`)."""
    name = host if host.endswith("]") else host.rpartition(":")[0] or host
    return name.strip("[]").lower() in LOOPBACK_NAMES


class LoopbackOnly:
    """On loopback the board needs no code, so a page that only *resolves* to this
    computer (a web site re-pointing its own name here: DNS rebinding) must not read
    it: a request must name this computer in its Host header, else 400."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            if not loopback_host(host):
                await PlainTextResponse("bad host", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class Shown:
    """What the pages show of a sync: its meeting and figures (not the master's sheets,
    which can be large and are on disk)."""

    meeting: Meeting
    figures: Figures


@dataclass
class Live:
    """The board's current state and the pages listening for the next one."""

    lang: Lang
    shown: Shown | None = None
    failure: str | None = None
    """Why the last sync failed (None when it did not); the last good figures stay."""
    version: int = 0
    event: bytes | None = None
    """The last sync's event, framed and encoded once for every page."""
    html: str | None = None
    """The board's part as last rendered (once per sync)."""
    listeners: set[asyncio.Queue[bytes]] = field(default_factory=set)

    def fan_out(self, event: bytes) -> None:
        """Hand `event` to every listener; a slow one only ever holds the newest."""
        self.event = event
        for queue in self.listeners:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)


@dataclass(frozen=True)
class Settings:
    """What the app is told at start: the language, whether it is bound to loopback
    (then the board needs no code), the codes' hashes and the syncer's work."""

    lang: Lang
    loopback: bool
    codes: Codes
    sync: SyncRun
    watchers: Callable[[Syncer], Callable[[], None]]
    """Starts the triggers (folder watcher, Google poll) for a syncer; returns their stop."""
    bug: Callable[[Exception], None]
    """Logs a bug met by a sync (`crash.report_bug`)."""


def make_app(settings: Settings) -> Starlette:
    """The board's app; its lifespan starts the syncer (a first sync at once) and the
    watchers, and stops them."""
    pages = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    lang = settings.lang
    live = Live(lang)
    sessions = Sessions()
    attempts = Attempts()
    loop_holder: list[asyncio.AbstractEventLoop] = []

    def render(name: str, **values: Any) -> str:
        return pages.get_template(name).render(html_lang=HTML_LANG(lang), **values)

    def board_html() -> str:
        failure = live.failure
        view = None
        if live.shown is not None:
            view = board(live.shown.meeting, lang, datetime.now().strftime("%H:%M:%S"))
        return render(
            "board_part.html",
            board=view,
            waiting=WAITING(lang),
            failure=SYNC_FAILED(lang, why=failure) if failure else None,
        )

    def finished(outcome: Outcome) -> None:
        """From the sync thread: keep the last good figures, render once, push."""
        if outcome.result is not None:
            live.shown = Shown(outcome.result.meeting, outcome.result.figures)
        live.failure = outcome.failure.message(lang) if outcome.failure else None
        live.version += 1
        live.html = board_html()
        document: dict[str, Any] = {"version": live.version, "html": live.html}
        if live.shown is not None:
            document["meeting"] = meeting_json(live.shown.meeting)
        event = f"data: {json.dumps(document, ensure_ascii=False)}\n\n".encode()
        loop_holder[0].call_soon_threadsafe(live.fan_out, event)

    syncer = Syncer(settings.sync, finished, settings.bug)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        loop_holder.append(asyncio.get_running_loop())
        syncer.start()
        syncer.request()
        stop_watchers = settings.watchers(syncer)
        try:
            yield
        finally:
            stop_watchers()
            await asyncio.to_thread(syncer.stop)

    def role(request: Request) -> Role | None:
        return sessions.role(request.cookies.get(access.SESSION_COOKIE))

    def may_view(request: Request) -> bool:
        return settings.loopback or role(request) is not None

    def page(request: Request, name: str, status: int = 200, **values: Any) -> Response:
        """A full page, with a CSRF token in it and in its cookie."""
        token = request.cookies.get(access.CSRF_COOKIE) or access.new_csrf()
        response = HTMLResponse(
            render(name, csrf=token, live=LIVE(lang), **values), status_code=status
        )
        response.set_cookie(access.CSRF_COOKIE, token, httponly=True, samesite="strict")
        return response

    def login_page(request: Request, why: str, status: int = 401) -> Response:
        return page(
            request,
            "login.html",
            status,
            why=why,
            code_label=CODE(lang),
            enter=ENTER(lang),
            next=request.url.path,
        )

    def address(request: Request) -> str:
        return request.client.host if request.client else "?"

    def try_code(request: Request, code: str) -> Role | Response:
        """The role `code` proves, or the refusal (429 past the wrong-code limit)."""
        if attempts.blocked(address(request)):
            return JSONResponse({"message": TOO_MANY(lang)}, status_code=429)
        proven = settings.codes.role_of(code)
        if proven is None:
            attempts.failed(address(request))
            return JSONResponse({"message": WRONG_CODE(lang)}, status_code=403)
        return proven

    def signed_in(target: str, proven: Role) -> Response:
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            access.SESSION_COOKIE, sessions.token(proven), httponly=True, samesite="strict"
        )
        return response

    def with_key(request: Request) -> Response | None:
        """A link carrying `?key=CODE` (the TV's link) signs in and drops the key."""
        code = request.query_params.get("key")
        if code is None:
            return None
        proven = try_code(request, code)
        return proven if isinstance(proven, Response) else signed_in(request.url.path, proven)

    async def home(request: Request) -> Response:
        if (keyed := with_key(request)) is not None:
            return keyed
        if not may_view(request):
            return login_page(request, NEEDS_CODE(lang))
        return page(
            request,
            "board.html",
            part=live.html or board_html(),
            refresh=REFRESH(lang),
            manager_code=MANAGER_CODE(lang),
        )

    async def events(request: Request) -> Response:
        if not may_view(request):
            return JSONResponse({"message": NEEDS_CODE(lang)}, status_code=401)
        queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=1)
        live.listeners.add(queue)

        async def stream() -> AsyncIterator[bytes]:
            try:
                if live.event is not None:
                    yield live.event
                while True:
                    try:
                        event = await asyncio.wait_for(queue.get(), KEEPALIVE)
                    except TimeoutError:
                        yield b": still here\n\n"
                        continue
                    yield event
            finally:
                live.listeners.discard(queue)

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    async def api_meeting(request: Request) -> Response:
        if not may_view(request):
            return JSONResponse({"message": NEEDS_CODE(lang)}, status_code=401)
        if live.shown is None:
            return JSONResponse({"message": WAITING(lang)}, status_code=503)
        return JSONResponse(meeting_json(live.shown.meeting))

    def rep_view(request: Request) -> Response | str:
        """The rep's part of the page, or why not."""
        if role(request) != "manager":
            return login_page(request, NEEDS_MANAGER(lang))
        name = request.path_params["name"]
        shown = live.shown
        if shown is None:
            return render("rep_part.html", day=None, waiting=WAITING(lang))
        if name not in shown.figures.reps:
            return page(request, "message.html", 404, message=NO_SUCH_REP(lang, rep=name))
        day = rep_day(shown.figures, shown.meeting.at, name, lang)
        return render("rep_part.html", day=day, waiting=WAITING(lang))

    async def rep_page(request: Request) -> Response:
        if (keyed := with_key(request)) is not None:
            return keyed
        part = rep_view(request)
        if isinstance(part, Response):
            return part
        return page(request, "rep.html", part=part, rep=request.path_params["name"])

    async def rep_part(request: Request) -> Response:
        part = rep_view(request)
        return part if isinstance(part, Response) else HTMLResponse(part)

    async def login(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if not access.csrf_ok(request.cookies.get(access.CSRF_COOKIE), form.get("csrf")):
            return page(request, "message.html", 403, message=BAD_FORM(lang))
        proven = try_code(request, form.get("code", ""))
        if isinstance(proven, Response):
            why = WRONG_CODE(lang) if proven.status_code == 403 else TOO_MANY(lang)
            return login_page(request, why, proven.status_code)
        target = form.get("next", "/")
        local = target.startswith("/") and not target.startswith("//")
        return signed_in(target if local else "/", proven)

    async def refresh(request: Request) -> Response:
        sent = request.headers.get(access.CSRF_HEADER)
        if not access.csrf_ok(request.cookies.get(access.CSRF_COOKIE), sent):
            return JSONResponse({"message": BAD_FORM(lang)}, status_code=403)
        try:
            body = json.loads(await request.body() or b"{}")
            code = str(body.get("code", "")) if isinstance(body, dict) else ""
        except ValueError:
            code = ""
        proven = try_code(request, code)
        if isinstance(proven, Response):
            return proven
        if proven != "manager":
            attempts.failed(address(request))
            return JSONResponse({"message": WRONG_CODE(lang)}, status_code=403)
        syncer.request()
        return JSONResponse({"message": QUEUED(lang)}, status_code=202)

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/events", events),
            Route("/api/meeting", api_meeting),
            Route("/rep/{name}", rep_page),
            Route("/rep/{name}/part", rep_part),
            Route("/login", login, methods=["POST"]),
            Route("/refresh", refresh, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
    )
    if settings.loopback:
        app.add_middleware(LoopbackOnly)
    app.add_middleware(SecurityHeaders)
    return app
