"""The one HTTP client of the commands that fetch (`enrich`, image mirroring): polite by construction.

* It names itself: a User-Agent with the project's name and version (and a contact
  address when the site gives one), so an API operator knows who is calling.
* One request at a time per host, at least `interval(host)` seconds apart (arXiv asks
  for 3 s), measured from the end of the previous request.
* Retries with exponential backoff on 429, 5xx and connection errors, honouring
  Retry-After (seconds or an HTTP date); a server that asks for a longer pause than
  `max_wait` gets a clear error instead of a hung command.
* Timeouts on connecting and on each read, and a deadline for the whole body; bodies
  larger than the size limit are refused (by Content-Length, or while reading).
* Only http and https, redirects included (they are followed here, not by urllib, so
  a redirect to file:, ftp: or anything else is refused, and each hop is rate-limited).

Time comes from an injectable clock and sleep, so tests check the pauses without waiting.
Standard library only: urllib does everything needed here.
"""
from __future__ import annotations

import email.utils
import http.client
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from typing import Callable
from urllib.parse import urlencode, urljoin, urlsplit

from . import __version__

USER_AGENT = f"site-builder/{__version__} (static site generator for paper summaries; Python urllib)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SCHEMES = ("http", "https")
CHUNK = 64 * 1024


class FetchError(Exception):
    """A request that did not give a usable answer; `str()` says which URL and why."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status, self.retry_after = url, reason, status, retry_after


@dataclass
class Response:
    url: str  # after redirects
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ("" when the server sent none)."""
        return (self.headers.get_content_type() if self.headers.get("Content-Type") else "").lower()

    def text(self) -> str:
        charset = self.headers.get_content_charset() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            return self.body.decode("utf-8", errors="replace")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """3xx answers come back as HTTPError; Client.get follows them itself."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - urllib's hook
        return None


@dataclass
class Client:
    """GET with politeness built in. `clock`/`sleep` are injectable (tests use a fake clock)."""

    timeout: float = 20.0  # seconds to connect and for each read
    body_timeout: float = 120.0  # seconds for a whole body
    retries: int = 3  # after the first try
    backoff: float = 1.0  # first pause; doubles each retry
    max_wait: float = 120.0  # the longest pause (Retry-After or backoff) taken before giving up
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    default_interval: float = 0.0  # seconds between requests to a host with no interval of its own
    contact: str = ""  # an e-mail address added to the User-Agent
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall_clock: Callable[[], float] = time.time  # for Retry-After given as a date
    intervals: dict[str, float] = field(default_factory=dict)
    requests: int = 0  # requests made (each retry and redirect counts)
    _last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirects)

    @property
    def user_agent(self) -> str:
        return USER_AGENT[:-1] + f"; mailto:{self.contact})" if self.contact else USER_AGENT

    def set_interval(self, url_or_host: str, seconds: float) -> None:
        """At least `seconds` between two requests to this host (the larger wins if set twice)."""
        host = host_of(url_or_host) or url_or_host.lower()
        self.intervals[host] = max(seconds, self.intervals.get(host, 0.0))

    def interval(self, host: str) -> float:
        return self.intervals.get(host, self.default_interval)

    def get(self, url: str, *, params: dict[str, str] | None = None, accept: str = "*/*",
            max_bytes: int | None = None) -> Response:
        """The response to GET `url` (with `params` as its query), a 2xx one; else FetchError."""
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        limit = self.max_bytes if max_bytes is None else max_bytes
        for _ in range(self.max_redirects + 1):
            response = self._with_retries(url, accept, limit)
            if response.status not in REDIRECT_STATUSES:
                return response
            location = response.headers.get("Location")
            if not location:
                raise FetchError(url, f"HTTP {response.status} redirect without a Location", status=response.status)
            target = urljoin(url, location.strip())
            if urlsplit(target).scheme.lower() not in SCHEMES:
                raise FetchError(url, f"refused a redirect to {target[:100]!r} (only http and https are followed)")
            url = target
        raise FetchError(url, f"more than {self.max_redirects} redirects")

    # -- one URL, retried ---------------------------------------------------------------
    def _with_retries(self, url: str, accept: str, limit: int) -> Response:
        parts = urlsplit(url)
        if parts.scheme.lower() not in SCHEMES or not parts.hostname:
            raise FetchError(url, "only http:// and https:// URLs are fetched")
        host = host_of(url)
        attempt = 0
        while True:
            self._wait_turn(host)
            try:
                return self._once(url, accept, limit)
            except _Retryable as exc:
                failure = exc
            finally:
                self._last[host] = self.clock()  # the pause to the next request counts from here
            if attempt >= self.retries:
                raise FetchError(url, f"{failure.reason} (gave up after {attempt + 1} tries)",
                                 status=failure.status, retry_after=failure.retry_after)
            pause = failure.retry_after if failure.retry_after is not None else self.backoff * 2 ** attempt
            if pause > self.max_wait:
                raise FetchError(url, f"{failure.reason}; the server asks to wait {pause:.0f} s, longer than "
                                      f"{self.max_wait:.0f} s: try again later",
                                 status=failure.status, retry_after=failure.retry_after)
            self.sleep(max(pause, 0.0))
            attempt += 1

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = last + self.interval(host) - self.clock()
            if pause > 0:
                self.sleep(pause)

    def _once(self, url: str, accept: str, limit: int) -> Response:
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept": accept})
        self.requests += 1
        try:
            raw = self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            with exc:
                status, headers = exc.code, exc.headers
                if status in REDIRECT_STATUSES:
                    return Response(url, status, headers, b"")
                if status in RETRY_STATUSES:
                    raise _Retryable(f"HTTP {status}", status, self._retry_after(headers)) from None
                raise FetchError(url, f"HTTP {status} {exc.reason}".rstrip(), status=status) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise _Retryable(_describe(exc)) from None
        with raw:
            declared = raw.headers.get("Content-Length")
            if declared and declared.strip().isdigit() and int(declared) > limit:
                raise FetchError(url, f"{int(declared):,} bytes, over the {limit:,}-byte limit")
            body = self._read(raw, url, limit)
            return Response(raw.geturl() or url, raw.status, raw.headers, body)

    def _read(self, raw, url: str, limit: int) -> bytes:
        deadline = self.clock() + self.body_timeout
        chunks, size = [], 0
        try:
            while True:
                chunk = raw.read(CHUNK)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > limit:
                    raise FetchError(url, f"more than {limit:,} bytes, over the limit")
                if self.clock() > deadline:
                    raise _Retryable(f"the body took more than {self.body_timeout:.0f} s")
                chunks.append(chunk)
        except (http.client.HTTPException, OSError) as exc:
            raise _Retryable(_describe(exc)) from None

    def _retry_after(self, headers: Message) -> float | None:
        value = (headers.get("Retry-After") or "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        return max(0.0, when.timestamp() - self.wall_clock())


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.status, self.retry_after = reason, status, retry_after


def _describe(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    if isinstance(exc, urllib.error.URLError) and reason is not None:
        exc = reason if isinstance(reason, BaseException) else exc
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "host not found"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return f"connection failed ({text})"


def host_of(url: str) -> str:
    """The host[:port] a URL names, lower case ("" if none)."""
    try:
        return (urlsplit(url).netloc.rsplit("@", 1)[-1]).lower()
    except ValueError:
        return ""
