"""One HTTP client for every source: timeouts, bounded retries, per-host pacing, a size limit,
an on-disk cache. Every failure is one SourceError naming the source and what happened."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

from storage.sources.cache import ResponseCache
from storage.sources.errors import SourceError

T = TypeVar("T")
USER_AGENT = "papershelf/0.1 (terminal reading list for research papers)"
MAX_BYTES = 20 * 2**20
RETRY_STATUSES = frozenset({429, 503})


class Pacer:
    """At most one request per `interval` seconds to a host, one at a time, counted from the end
    of the previous request. `clock` and `sleep` are injectable so tests need not wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.clock = clock
        self.sleep = sleep
        self._last: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @contextmanager
    def turn(self, host: str, interval: float) -> Iterator[None]:
        if interval <= 0:
            yield
            return
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._last.get(host, -interval) + interval - self.clock()
            if wait > 0:
                self.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = self.clock()


class Client:
    """GET with everything a polite, robust fetch needs. Use as a context manager, or close()."""

    def __init__(
        self,
        *,
        cache: ResponseCache | None = None,
        use_cache: bool = True,
        timeout: float = 20.0,
        max_bytes: int = MAX_BYTES,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        pacer: Pacer | None = None,
    ) -> None:
        self.cache = (cache or ResponseCache()) if use_cache else None
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.pacer = pacer or Pacer()
        self.requests = 0  # requests actually sent (cache hits are not requests)
        self._http = httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=True)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get(self, url: str, *, source: str, interval: float = 0.0, max_age: float | None = None) -> bytes:
        """The body of a 200 answer to GET `url`, from the cache if it holds one no older than
        `max_age` seconds (None: any age; 0: never). `interval`: pacing for this URL's host."""
        return self.get_parsed(url, lambda body, _source: body, source=source, interval=interval, max_age=max_age)

    def get_parsed(self, url: str, parse: Callable[[bytes, str], T], *, source: str, interval: float = 0.0,
                   max_age: float | None = None) -> T:  # fmt: skip
        """`parse(body, source)` of the answer, as `get`; an answer is cached only once it parsed,
        so an HTML error page served with 200 is asked again next time, not replayed."""
        cached = self.cache.get(url, max_age) if self.cache and max_age != 0 else None
        if cached is not None:
            try:
                return parse(cached, source)
            except SourceError:
                pass  # a cache file from before this rule, or damaged: ask again
        body = self._fetch(url, source, interval)
        parsed = parse(body, source)
        if self.cache:
            self.cache.put(url, body)
        return parsed

    def _fetch(self, url: str, source: str, interval: float) -> bytes:
        host = urlsplit(url).netloc
        for attempt in range(self.retries + 1):
            with self.pacer.turn(host, interval):
                status, reason, headers, body = self._send(url, source)
            if status == 200:
                return body
            if status not in RETRY_STATUSES or attempt == self.retries:
                break
            wait = retry_delay(headers.get("retry-after"), datetime.now(timezone.utc))
            wait = self.backoff * 2**attempt if wait is None else wait
            if wait > self.max_wait:
                raise SourceError(source, f"HTTP {status} {reason} from {where(url)} (asked to wait {wait:.0f} s)", status=status, body=body)
            self.pacer.sleep(wait)
        tries = f" (after {self.retries} retries)" if status in RETRY_STATUSES and self.retries else ""
        raise SourceError(source, f"HTTP {status} {reason} from {where(url)}{tries}", status=status, body=body)

    def _send(self, url: str, source: str) -> tuple[int, str, httpx.Headers, bytes]:
        self.requests += 1
        try:
            with self._http.stream("GET", url) as response:
                body = self._read(response, url, source)
                return response.status_code, response.reason_phrase, response.headers, body
        except httpx.TimeoutException:
            raise SourceError(source, f"no answer from {where(url)} within {self.timeout:g} s") from None
        except httpx.ConnectError as error:
            raise SourceError(source, f"cannot connect to {urlsplit(url).netloc} ({connect_reason(error)})") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as error:
            raise SourceError(source, f"the answer from {where(url)} was cut off ({error})") from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise SourceError(source, f"request to {url} failed ({error or type(error).__name__})") from None

    def _read(self, response: httpx.Response, url: str, source: str) -> bytes:
        declared = response.headers.get("content-length", "")
        too_big = f"the answer from {where(url)} is larger than {self.max_bytes:,} bytes"
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceError(source, too_big)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise SourceError(source, too_big)
        return bytes(body)


def retry_delay(header: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds, or an HTTP date), or None if absent/invalid."""
    value = (header or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())


def connect_reason(error: Exception) -> str:
    message = str(error)
    if "refused" in message.lower():
        return "connection refused"
    if any(code in message for code in ("Errno -2]", "Errno -3]", "Errno -5]", "Errno 8]", "Errno 11001]", "not known")):
        return "host name not found"
    return message or type(error).__name__


def where(url: str) -> str:
    """Host and path of a URL, without the query (which may hold a hundred ids)."""
    parts = urlsplit(url)
    return parts.netloc + parts.path
