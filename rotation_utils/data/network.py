"""The one place that decides whether the live sources may be asked, and for how long.

Why: a network that accepts connections but never answers used to cost minutes
per call (yfinance's cookie and crumb requests wait 30 s each, a statements
call 150 s), and a proxy-only network was judged offline. Everything here is
bounded and says *why* a run went offline, so the reports can print it.

- :func:`probe` checks once per process that a data host (or the HTTPS proxy)
  can be reached: DNS lookup and TCP connect together within ``timeout``.
- :data:`GUARD` remembers per run which source is down and why: after the
  first timeout (or an exhausted rate limit) a source is not asked again for
  ``DOWN_FOR_S``. With ``$ROTATION_RUN_DIR`` set (a ``rotation run``), the
  state is shared by the run's notebooks through a small JSON file there.
- :func:`bounded_session` is the HTTP session handed to yfinance: every
  request is capped at ``YAHOO_TIMEOUT_S`` and refused at once while Yahoo is
  marked down.
- :func:`live_allowed` is what analytics code asks before an optional live look-up.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import getproxies, proxy_bypass

from .. import config

PROBE_HOSTS = (("query1.finance.yahoo.com", 443), ("fred.stlouisfed.org", 443))
PROBE_TIMEOUT_S = 2.0
#: cap on one Yahoo request (yfinance's own defaults are 10-30 s per request)
YAHOO_TIMEOUT_S = 10.0
#: connect / read timeouts for FRED, Wikipedia and iShares
HTTP_TIMEOUT_S = (5.0, 20.0)
#: how long a source stays "down" after a timeout or an exhausted rate limit
DOWN_FOR_S = 15 * 60
STATUS_FILE = ".network-status.json"


class SourceDown(ConnectionError):
    """Raised instead of a request while a source is marked down for this run."""


@dataclass(frozen=True)
class ProbeResult:
    """Whether the network looked usable, and the reason when it did not."""

    ok: bool
    reason: str = ""


_PROBES: dict[tuple, ProbeResult] = {}


def _resolve(host: str, port: int, timeout: float):
    """``getaddrinfo`` bounded by ``timeout`` (the C call itself has no timeout)."""
    box: dict = {}

    def run():
        try:
            box["addr"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise TimeoutError(f"DNS lookup of {host} took longer than {timeout:g} s")
    if "error" in box:
        raise OSError(f"DNS lookup of {host} failed ({box['error'].__class__.__name__})")
    return box["addr"]


def _target(host: str, port: int) -> tuple[str, int, str]:
    """Where a connection to ``host`` really goes: the HTTPS proxy when one is set."""
    proxy = getproxies().get("https")
    if proxy and not proxy_bypass(host):
        p = urlparse(proxy if "://" in proxy else f"http://{proxy}")
        if p.hostname:
            return p.hostname, p.port or 8080, f"HTTPS proxy {p.hostname}:{p.port or 8080}"
    return host, port, f"{host}:{port}"


def probe(hosts=PROBE_HOSTS, timeout: float = PROBE_TIMEOUT_S) -> ProbeResult:
    """Can the first data host (or the HTTPS proxy) be reached within ``timeout`` s?

    DNS lookup and TCP connect share the budget. Cached per process.
    Returns a :class:`ProbeResult` whose ``reason`` says what failed.
    """
    key = (tuple(hosts), timeout, getproxies().get("https"))
    if key not in _PROBES:
        host, port, label = _target(*hosts[0])
        deadline = time.monotonic() + timeout
        try:
            addrs = _resolve(host, port, timeout)
            family, kind, proto, _, addr = addrs[0]
            with socket.socket(family, kind, proto) as s:
                s.settimeout(max(0.05, deadline - time.monotonic()))
                s.connect(addr)
            _PROBES[key] = ProbeResult(True)
        except (OSError, IndexError) as exc:
            what = str(exc) if "DNS" in str(exc) else f"{exc.__class__.__name__}"
            _PROBES[key] = ProbeResult(False, f"network probe of {label} failed: {what}")
    return _PROBES[key]


class Guard:
    """Which live sources are down in this run, and why (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._down: dict[str, tuple[float, str]] = {}

    def _file(self) -> Path | None:
        run_dir = config.run_dir()
        return run_dir / STATUS_FILE if run_dir else None

    def _shared(self) -> dict:
        f = self._file()
        if f is None or not f.is_file():
            return {}
        try:
            return {k: (float(v[0]), str(v[1])) for k, v in json.loads(f.read_text()).items()}
        except (OSError, ValueError, TypeError, IndexError):
            return {}

    def down(self, source: str) -> str | None:
        """The reason ``source`` is down for this run, or None when it may be asked."""
        with self._lock:
            until, reason = self._down.get(source) or self._shared().get(source) or (0.0, "")
        return reason if until > time.time() else None

    def mark_down(self, source: str, reason: str, for_s: float = DOWN_FOR_S) -> None:
        """Stop asking ``source`` for ``for_s`` seconds (shared with the run's other notebooks)."""
        entry = (time.time() + for_s, reason)
        with self._lock:
            if source in self._down and self._down[source][0] > time.time():
                return  # keep the first reason
            self._down[source] = entry
            f = self._file()
            if f is not None and f.parent.is_dir():
                state = {**self._shared(), source: entry}
                tmp = f.with_suffix(f".{os.getpid()}.tmp")
                try:
                    tmp.write_text(json.dumps(state))
                    os.replace(tmp, f)
                except OSError:
                    tmp.unlink(missing_ok=True)

    def reset(self) -> None:
        """Forget every mark (tests, and a long-lived process starting a new run)."""
        with self._lock:
            self._down.clear()


GUARD = Guard()


def is_timeout(exc: BaseException) -> bool:
    """A timeout from requests, curl_cffi or the socket layer."""
    name = exc.__class__.__name__.lower()
    return isinstance(exc, TimeoutError) or "timeout" in name or "timed out" in str(exc).lower()


def bounded_session(source: str = "yahoo", timeout: float = YAHOO_TIMEOUT_S):
    """An HTTP session for yfinance whose every request is capped and guarded.

    yfinance accepts a curl_cffi (or requests) session; this subclass of the
    session class yfinance would build caps each request's timeout, refuses
    requests while ``source`` is down (:class:`SourceDown`), and marks the source
    down after its first timeout.
    """
    from yfinance import _http  # yfinance's own choice of HTTP backend (curl_cffi or requests)

    class BoundedSession(_http.requests.Session):
        def request(self, method, url, *args, **kw):  # noqa: D102 - see the class docstring
            reason = GUARD.down(source)
            if reason:
                raise SourceDown(reason)
            t = kw.get("timeout")
            kw["timeout"] = timeout if not isinstance(t, (int, float)) else min(float(t), timeout)
            try:
                return super().request(method, url, *args, **kw)
            except Exception as exc:
                if is_timeout(exc):
                    GUARD.mark_down(
                        source, f"{source} did not answer within {timeout:g} s ({urlparse(str(url)).hostname})"
                    )
                raise

    if _http.HAS_CURL_CFFI:
        return BoundedSession(impersonate="chrome")
    session = BoundedSession()
    session.headers.update(_http.new_session().headers)
    return session


def live_allowed(source: str) -> bool:
    """Whether optional live look-ups may run for data source ``source`` (not 'snapshot',
    not ``ROTATION_OFFLINE``, and the probe reaches the network)."""
    return source != "snapshot" and not config.offline_forced() and probe().ok
