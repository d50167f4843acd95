"""How many browser sessions the dashboard serves at once, and how long an idle one lives.

Each browser session is a Solara kernel. Its page takes a seat when it first draws (`take_seat`)
and gives it back when the kernel closes: the tab was closed, Solara culled a disconnected page,
or the session sat idle (no click, no field changed) longer than the idle timeout, in which case
a watchdog closes its kernel. Closing a kernel drops the page and with it the session's model.
A page that finds every seat taken shows why instead of building a model.

The limits come from the environment (`run.py dashboard --max-sessions N --idle-timeout MIN`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

MAX_SESSIONS_ENV = "DIPLOMACY_DASHBOARD_MAX_SESSIONS"
"""Environment variable: the most browser sessions served at once."""

IDLE_MINUTES_ENV = "DIPLOMACY_DASHBOARD_IDLE_MINUTES"
"""Environment variable: minutes without activity after which a session is closed."""

DEFAULT_MAX_SESSIONS = 20
"""Sessions served at once unless `--max-sessions` says otherwise (a class of about 20)."""

DEFAULT_IDLE_MINUTES = 30.0
"""Idle minutes before a session is closed unless `--idle-timeout` says otherwise."""


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


_registry: SessionRegistry | None = None
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


def _start_watchdog(seats: SessionRegistry) -> None:
    period = min(60.0, max(0.5, seats.idle_seconds / 4))

    def watch() -> None:
        while True:
            time.sleep(period)
            seats.expire()

    threading.Thread(target=watch, name="dashboard-idle-watchdog", daemon=True).start()


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

        kernel_context.get_current_context().on_close(lambda: seats.release(key))
    return True


def touch_seat() -> None:
    """Record activity in the current browser session (it is not idle)."""
    key = _kernel_id()
    if key is not None:
        registry().touch(key)
