"""Playing a session's run: steps at an asked speed that Pause, Step and Reset always stop.

Plain Python without Solara, so that tests drive it directly. A `Player` plays the running
model of one `DashboardSession` in a loop owned by the page (a thread): before every step it
checks its halt flag under the session's lock, so Pause takes effect within one step however
fast it plays; after a step it asks for a redraw and, once a browser has acknowledged a drawn
week (`shown`), waits for that week to be shown before the next step, so the page never runs
ahead of what the audience sees and no redraws pile up behind a click. The speed is honest:
`achieved` is the weeks per second actually played, measured over the last seconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from dashboards.form import SessionError
from dashboards.session import DashboardSession

SPEEDS = (1, 30)
"""The speeds the page offers, in weeks per second (lowest, highest)."""

DISPLAY_WAIT = 2.0
"""Longest wait, in seconds, for the browser to show a week before the next step."""

FRAME = 0.25
"""Seconds between redraws when running fast to a week (the weeks between are not drawn)."""

WINDOW = 3.0
"""Seconds of recent steps over which the achieved speed is measured."""


@dataclass(eq=False)
class Player:
    """Plays one session's run: its speed, an optional week to stop at, and a halt flag.

    Attributes:
        session: the session whose running model it steps.
        speed: the asked speed in weeks per second (`SPEEDS` bounds it).
        until: the week to stop at, or None (play to the end of the run).
        fast: step as fast as the page can show (run to a week, step N weeks).
        clock: the time source in seconds (tests pass their own).
    """

    session: DashboardSession
    speed: int = 5
    until: int | None = None
    fast: bool = False
    clock: Callable[[], float] = time.perf_counter
    _halt: threading.Event = field(default_factory=threading.Event)
    _shown: threading.Condition = field(default_factory=threading.Condition)
    _shown_week: int = -1
    _acknowledged: bool = False
    _times: deque[float] = field(default_factory=lambda: deque(maxlen=256))

    # ---------------------------------------------------------------------------------------
    # What the page asks
    # ---------------------------------------------------------------------------------------

    def set_speed(self, speed: int | float | str) -> int:
        """Set the asked speed (weeks per second), clipped to `SPEEDS`; return it."""
        try:
            value = int(float(speed))
        except (TypeError, ValueError):
            value = self.speed
        self.speed = min(max(value, SPEEDS[0]), SPEEDS[1])
        return self.speed

    def prepare(self, until: int | None = None, fast: bool = False) -> None:
        """Get ready to play to week `until` (None: the end), `fast` or at the asked speed."""
        self._halt.clear()
        self.until = until
        self.fast = fast
        self._times.clear()
        with self._shown:
            self._shown_week = -1

    def halt(self) -> None:
        """Stop playing before the next step (Pause, Reset, a closed page)."""
        self._halt.set()
        with self._shown:
            self._shown.notify_all()

    @property
    def halted(self) -> bool:
        """Whether a halt was asked since the last `prepare`."""
        return self._halt.is_set()

    def shown(self, week: int) -> None:
        """The browser reports that it shows `week` (the page's acknowledgement)."""
        with self._shown:
            self._acknowledged = True
            self._shown_week = int(week)
            self._shown.notify_all()

    @property
    def achieved(self) -> float | None:
        """Weeks per second played over the last `WINDOW` seconds, or None (too few steps)."""
        times = list(self._times)
        if len(times) < 3:
            return None
        recent = [t for t in times if t >= times[-1] - WINDOW]
        if len(recent) < 3 or recent[-1] <= recent[0]:
            return None
        return (len(recent) - 1) / (recent[-1] - recent[0])

    def speed_text(self) -> str:
        """The asked and the achieved speed in words (``30 weeks/s asked, 12 achieved``)."""
        asked = "as fast as it can" if self.fast else f"{self.speed} weeks/s asked"
        achieved = self.achieved
        if achieved is None:
            return asked
        return f"{asked}, {achieved:.0f} achieved"

    # ---------------------------------------------------------------------------------------
    # The loop
    # ---------------------------------------------------------------------------------------

    def play(self, redraw: Callable[[], None], cancel: threading.Event | None = None) -> str:
        """Step the running model until halted, at `until`, or at the end; return why it stopped.

        `redraw` shows the new week (it may return before the browser shows it); when `fast`,
        only every `FRAME` seconds and at the last week. `cancel`
        is the owning thread's own stop flag. The reason is ``halted``, ``reached``,
        ``finished`` or ``replaced`` (a reset started another run).
        """
        session = self.session
        run = session.run
        drawn = -math.inf
        while True:
            if self._halt.is_set() or (cancel is not None and cancel.is_set()):
                return "halted"
            if self.until is not None and run.step_count >= self.until:
                return "reached"
            began = self.clock()
            done = session.step(run=run, unless=self._halt)
            if done == 0:
                if self._halt.is_set():
                    return "halted"
                return "finished" if run is session.run else "replaced"
            now = self.clock()
            self._times.append(now)
            last = run.finished or (self.until is not None and run.step_count >= self.until)
            if not self.fast or last or now - drawn >= FRAME:
                redraw()
                drawn = now
                self._wait_shown(run.step_count)
            if not self.fast:
                rest = 1.0 / self.speed - (self.clock() - began)
                if rest > 0:
                    self._halt.wait(rest)

    def _wait_shown(self, week: int) -> None:
        """Wait until the browser shows `week` (if a browser acknowledges), or a halt."""
        deadline = time.monotonic() + DISPLAY_WAIT
        with self._shown:
            while (
                self._acknowledged
                and self._shown_week < week
                and not self._halt.is_set()
                and time.monotonic() < deadline
            ):
                self._shown.wait(max(0.0, deadline - time.monotonic()))


def target_week(session: DashboardSession, text: str | int) -> int:
    """The week typed in "Run to week": an integer after the current week, up to the horizon.

    Raises:
        SessionError: naming the field and the weeks it accepts.
    """
    low, high = session.step_count + 1, session.horizon
    return _week_field("run to week", text, low, high)


def weeks_ahead(session: DashboardSession, text: str | int) -> int:
    """The weeks typed in "Weeks to advance": from 1 to the weeks left in the run.

    Raises:
        SessionError: naming the field and the weeks it accepts.
    """
    return _week_field("weeks to advance", text, 1, session.horizon - session.step_count)


def _week_field(label: str, text: str | int, low: int, high: int) -> int:
    if high < low:
        raise SessionError(f"{label}: the run has ended; Reset to start again")
    raw = str(text).strip()
    try:
        value = int(raw.replace("_", "").replace(",", ""))
    except ValueError:
        raise SessionError(
            f"{label}: expected an integer from {low} to {high}, found {raw[:20]!r}"
        ) from None
    if not low <= value <= high:
        raise SessionError(f"{label}: expected an integer from {low} to {high}, found {value}")
    return value
