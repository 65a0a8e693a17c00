"""The gspread client salesflow talks through: bounded retries, clear errors.

gspread 6.2.1's own `BackOffHTTPClient` retries a permanent 429 by recursion with
growing sleeps (973 tries and a `RecursionError` here, ~34 hours of sleeping). Ours
retries 429 and 5xx (and dropped connections) at most `RetryPolicy.tries` times, with
exponential backoff plus jitter, honouring `Retry-After`, never sleeping more than
`RetryPolicy.budget` seconds in all; then it raises a `GoogleError` naming the status.
The sleep function is a parameter so tests run the whole schedule instantly.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import gspread
import requests
from gspread.exceptions import APIError
from gspread.http_client import FileType, HTTPClient, ParamsType

from .errors import explain, http_error

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TIMEOUT = (15.0, 180.0)
"""Connect and read timeouts (s): a hung gateway must not hang a scheduled sync."""


@dataclass(frozen=True)
class RetryPolicy:
    """At most `tries` tries, sleeping `first_delay` · 2ⁿ (+ up to 1 s of jitter) between
    them, and at most `budget` seconds of sleeping in all."""

    tries: int = 5
    first_delay: float = 2.0
    budget: float = 60.0
    statuses: frozenset[int] = RETRY_STATUSES

    def delay(
        self, tries: int, slept: float, retry_after: float | None, jitter: float
    ) -> float | None:
        """Seconds to wait after try number `tries`, or None when the bound is reached."""
        if tries >= self.tries:
            return None
        wait = max(self.first_delay * 2 ** (tries - 1) + jitter, retry_after or 0.0)
        return wait if slept + wait <= self.budget else None


DEFAULT_POLICY = RetryPolicy()


def retry_after(response: requests.Response | None) -> float | None:
    """`Retry-After` in seconds, when Google sends one as a number."""
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with bounded retries and `GoogleError`s instead of `APIError`s.

    `account` names who Google sees (for "share it with …" messages); `secrets` returns
    every secret the caller holds, so no message can carry one.
    """

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        policy: RetryPolicy = DEFAULT_POLICY,
        account: str | None = None,
        secrets: Callable[[], Iterable[str]] = tuple,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(auth, session)
        self.sleep = sleep
        self.policy = policy
        self.account = account
        self._secrets = secrets
        self._jitter = jitter

    def secrets(self) -> list[str]:
        return [*self._secrets(), str(self.session.headers.get("Authorization", ""))]

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: FileType = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        tries, slept = 0, 0.0
        while True:
            tries += 1
            response: requests.Response | None = None
            try:
                return super().request(method, endpoint, params, data, json, files, headers)
            except APIError as error:
                response = error.response
                if response.status_code not in self.policy.statuses:
                    raise http_error(
                        response.status_code, response, self.account, self.secrets()
                    ) from None
                failure: BaseException = error
            except (requests.ConnectionError, requests.Timeout) as error:
                failure = error
            wait = self.policy.delay(tries, slept, retry_after(response), self._jitter())
            if wait is None:
                if response is not None:
                    raise http_error(
                        response.status_code, response, self.account, self.secrets(), tries, slept
                    ) from None
                raise explain(failure, self.account, self.secrets()) from None
            self.sleep(wait)
            slept += wait


def google_client(
    session: requests.Session,
    *,
    sleep: Callable[[float], None] = time.sleep,
    policy: RetryPolicy = DEFAULT_POLICY,
    account: str | None = None,
    secrets: Callable[[], Iterable[str]] = tuple,
) -> gspread.Client:
    """A real gspread `Client` over `session`, with our retrying HTTP client inside."""
    factory = partial(
        RetryingHTTPClient, sleep=sleep, policy=policy, account=account, secrets=secrets
    )
    client = gspread.Client(auth=None, session=session, http_client=factory)  # type: ignore[arg-type]
    client.set_timeout(TIMEOUT)
    return client


def account_of(client: gspread.Client) -> str | None:
    return getattr(client.http_client, "account", None)


def secrets_of(client: gspread.Client) -> list[str]:
    """Secrets a client holds (its Authorization header at least), for redaction."""
    http = client.http_client
    if isinstance(http, RetryingHTTPClient):
        return http.secrets()
    return [str(http.session.headers.get("Authorization", ""))]
