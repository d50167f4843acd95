"""How many browser sessions the dashboard serves at once, and how long an idle one lives.

Each browser session is a Solara kernel. Its page takes a seat when it first draws (`take_seat`)
and gives it back when the kernel closes: the tab was closed, Solara culled a disconnected page,
or the session sat idle (no click, no field changed) longer than the idle timeout, in which case
a watchdog closes its kernel. Closing a kernel drops the page and with it the session's model.
A page that finds every seat taken shows why instead of building a model.

A closed session's memory goes back to the system: after a kernel closes, `reclaim_soon` has a
thread collect the garbage and hand the allocator's free pages back (glibc's ``malloc_trim``),
so that a server which served a class returns near its starting memory.

Heavy runs (observers x weeks at least `heavy_work`) are counted apart (`HeavyRuns`): at most
`--max-heavy-sessions` sessions hold one at once, and a session that would start one more is
refused with one line saying why (`claim_run`, called wherever a session starts a run).

The limits come from the environment (`run.py dashboard --max-sessions N --idle-timeout MIN
--max-heavy-sessions N --heavy-run OBSERVER_WEEKS`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import threading
import time
from collections.abc import Callable

from model.config import ConfigError

MAX_SESSIONS_ENV = "DIPLOMACY_DASHBOARD_MAX_SESSIONS"
"""Environment variable: the most browser sessions served at once."""

IDLE_MINUTES_ENV = "DIPLOMACY_DASHBOARD_IDLE_MINUTES"
"""Environment variable: minutes without activity after which a session is closed."""

DEFAULT_MAX_SESSIONS = 20
"""Sessions served at once unless `--max-sessions` says otherwise (a class of about 20)."""

DEFAULT_IDLE_MINUTES = 30.0
"""Idle minutes before a session is closed unless `--idle-timeout` says otherwise."""

MAX_HEAVY_ENV = "DIPLOMACY_DASHBOARD_MAX_HEAVY_SESSIONS"
"""Environment variable: the most sessions holding a heavy run at once."""

HEAVY_WORK_ENV = "DIPLOMACY_DASHBOARD_HEAVY_RUN"
"""Environment variable: observers x weeks from which a run counts as heavy."""

DEFAULT_MAX_HEAVY = 4
"""Sessions holding a heavy run at once unless `--max-heavy-sessions` says otherwise."""

DEFAULT_HEAVY_WORK = 5_000_000
"""Observers x weeks from which a run is heavy unless `--heavy-run` says otherwise (25,000
observers over 200 weeks; a run of 100,000 observers holds about 55 MiB on the server)."""


class HeavyRunError(ConfigError):
    """A session would start a heavy run while the most allowed at once are open."""


class SessionRegistry:
    """Seats for browser sessions: at most `limit` at once, each closed after `idle_seconds`.

    Sessions are known by a key (the Solara kernel id). `close(key)` is called for a session
    idle too long; it must end the session, which then calls `release(key)`.
    """

    def __init__(
        self,
        limit: int,
        idle_seconds: float,
        close: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.idle_seconds = idle_seconds
        self._close = close
        self._clock = clock
        self._last_active: dict[str, float] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._last_active)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._last_active

    def claim(self, key: str) -> bool:
        """Take a seat for session `key` (it keeps its seat if it has one); False when full."""
        with self._lock:
            if key not in self._last_active and len(self._last_active) >= self.limit:
                return False
            self._last_active[key] = self._clock()
            return True

    def release(self, key: str) -> None:
        """Give back the seat of session `key` (nothing if it has none)."""
        with self._lock:
            self._last_active.pop(key, None)

    def touch(self, key: str) -> None:
        """Record activity in session `key` now."""
        with self._lock:
            if key in self._last_active:
                self._last_active[key] = self._clock()

    def expire(self) -> list[str]:
        """Close every session idle longer than the timeout; return their keys."""
        now = self._clock()
        with self._lock:
            idle = [k for k, t in self._last_active.items() if now - t > self.idle_seconds]
        for key in idle:
            self._close(key)
            self.release(key)
        return idle


class HeavyRuns:
    """Which sessions hold a heavy run: at most `limit` at once.

    A run is heavy when its observers x weeks reach `work`. Sessions are known by their
    kernel id, as in `SessionRegistry`.
    """

    def __init__(self, limit: int, work: int) -> None:
        self.limit = limit
        self.work = work
        self._holders: set[str] = set()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._holders)

    def claim(self, key: str, observers: int, steps: int) -> None:
        """Record that session `key` starts a run of `observers` over `steps` weeks.

        A light run gives back the session's place among the heavy ones.

        Raises:
            HeavyRunError: the run is heavy and `limit` other sessions hold one (one line).
        """
        with self._lock:
            if observers * steps < self.work:
                self._holders.discard(key)
                return
            if key not in self._holders and len(self._holders) >= self.limit:
                raise HeavyRunError(
                    [
                        f"observers: the server is running its maximum of {self.limit} large "
                        f"runs ({self.work:,} observer-weeks or more) at once; choose fewer "
                        f"than {self.work // max(1, steps):,} observers, or try again when "
                        "another session ends"
                    ]
                )
            self._holders.add(key)

    def release(self, key: str) -> None:
        """Session `key` holds no run any more."""
        with self._lock:
            self._holders.discard(key)


_registry: SessionRegistry | None = None
_heavy: HeavyRuns | None = None
_registry_lock = threading.Lock()


def registry() -> SessionRegistry:
    """The server's registry, made on first use from the environment, with its watchdog."""
    global _registry
    with _registry_lock:
        if _registry is None:
            limit = int(os.environ.get(MAX_SESSIONS_ENV) or DEFAULT_MAX_SESSIONS)
            minutes = float(os.environ.get(IDLE_MINUTES_ENV) or DEFAULT_IDLE_MINUTES)
            _registry = SessionRegistry(limit, minutes * 60.0, close_kernel)
            _start_watchdog(_registry)
        return _registry


def install(replacement: SessionRegistry | None) -> None:
    """Use `replacement` as the server's registry (None: make one from the environment)."""
    global _registry
    with _registry_lock:
        _registry = replacement


def heavy_runs() -> HeavyRuns:
    """The server's count of heavy runs, made on first use from the environment."""
    global _heavy
    with _registry_lock:
        if _heavy is None:
            limit = int(os.environ.get(MAX_HEAVY_ENV) or DEFAULT_MAX_HEAVY)
            work = int(os.environ.get(HEAVY_WORK_ENV) or DEFAULT_HEAVY_WORK)
            _heavy = HeavyRuns(limit, work)
        return _heavy


def install_heavy_runs(replacement: HeavyRuns | None) -> None:
    """Use `replacement` as the server's count of heavy runs (None: from the environment)."""
    global _heavy
    with _registry_lock:
        _heavy = replacement


def _page_thread(target: Callable[[], None], name: str) -> threading.Thread:
    """A daemon thread of the server, belonging to no page.

    Solara gives a thread made inside a page the page's kernel, which the thread then keeps
    for as long as it runs: a server thread started while a page draws would keep that page's
    widgets and model alive after its tab closed.
    """
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.current_context = None  # type: ignore[attr-defined]
    return thread


def trim_memory() -> bool:
    """Collect garbage and hand the allocator's free pages back to the system (glibc only)."""
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):
        return False


RECLAIM_DELAY = 1.0
"""Seconds after a kernel closes before its memory is reclaimed (the close finishes first)."""

_reclaim_wanted = threading.Event()
_reclaimer: threading.Thread | None = None


def reclaim_soon() -> None:
    """Reclaim the memory of closed sessions shortly, in a thread of the server."""
    global _reclaimer

    def reclaim() -> None:
        while True:
            _reclaim_wanted.wait()
            time.sleep(RECLAIM_DELAY)
            _reclaim_wanted.clear()
            trim_memory()

    with _registry_lock:
        if _reclaimer is None:
            _reclaimer = _page_thread(reclaim, "dashboard-memory-reclaim")
            _reclaimer.start()
    _reclaim_wanted.set()


def _start_watchdog(seats: SessionRegistry) -> None:
    period = min(60.0, max(0.5, seats.idle_seconds / 4))

    def watch() -> None:
        while True:
            time.sleep(period)
            seats.expire()

    _page_thread(watch, "dashboard-idle-watchdog").start()


def close_kernel(key: str) -> None:
    """Close Solara's kernel `key` (its page, widgets and session go with it)."""
    from solara.server import kernel_context

    context = kernel_context.contexts.get(key)
    if context is not None and not context.closed_event.is_set():
        context.close(reason="cull")


def _kernel_id() -> str | None:
    from solara.server import kernel_context

    if not kernel_context.has_current_context():
        return None
    return kernel_context.get_current_context().id


def take_seat() -> bool:
    """Claim a seat for the current browser session; False when every seat is taken.

    Outside a Solara kernel (a page rendered in-process) there is nothing to count. The seat is
    given back when the kernel closes.
    """
    key = _kernel_id()
    if key is None:
        return True
    seats = registry()
    had_seat = key in seats
    if not seats.claim(key):
        return False
    if not had_seat:
        from solara.server import kernel_context

        def closed() -> None:
            seats.release(key)
            heavy_runs().release(key)
            reclaim_soon()

        kernel_context.get_current_context().on_close(closed)
    return True


def claim_run(observers: int, steps: int) -> None:
    """Count a run the current browser session starts (nothing outside a Solara kernel).

    Raises:
        HeavyRunError: a heavy run while the most allowed at once are open (one line).
    """
    key = _kernel_id()
    if key is not None:
        heavy_runs().claim(key, observers, steps)


def touch_seat() -> None:
    """Record activity in the current browser session (it is not idle)."""
    key = _kernel_id()
    if key is not None:
        registry().touch(key)
