"""The rooms a classroom server holds, its lecturer key, and the clock that runs their timers.

`run.py classroom` starts the server with the config, the lecturer key and the participants'
link in the environment (`CONFIG_ENV` of the dashboard, `LECTURER_KEY_ENV`, `JOIN_URL_ENV`).
The lecturer's page creates rooms here; a participant's page finds a room only by its join
code. The clock is one thread, started with the first room, that ends timed weeks.
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from classroom.room import SEAT_GONE, Participant, Room, RoomError
from dashboards.catalog import CONFIG_ENV
from model.config import ExperimentConfig, load_config

LECTURER_KEY_ENV = "DIPLOMACY_CLASSROOM_LECTURER_KEY"
"""Environment variable holding the key of the lecturer's link."""
JOIN_URL_ENV = "DIPLOMACY_CLASSROOM_JOIN_URL"
"""Environment variable holding the participants' link (with the access token, if any)."""
ROOM_LIMIT = 8
"""Rooms a server keeps; creating one more closes the oldest."""
TICK_SECONDS = 0.25
"""How often the clock looks at the rooms' timers."""


class Hall:
    """The rooms of one server, by join code, and the clock of their timers."""

    def __init__(self) -> None:
        self._rooms: list[Room] = []
        self._lock = threading.Lock()
        self._clock: threading.Thread | None = None

    def create(self, config: ExperimentConfig, scenario: str, weeks: int) -> Room:
        """A new room on `scenario` of `config`, `weeks` long; starts the clock if needed."""
        room = Room(config, scenario, weeks=weeks)
        with self._lock:
            self._rooms = [*self._rooms[-(ROOM_LIMIT - 1) :], room]
            if self._clock is None:
                self._clock = threading.Thread(target=self._tick, name="room-clock", daemon=True)
                self._clock.start()
        return room

    def rooms(self) -> list[Room]:
        """The open rooms, oldest first."""
        with self._lock:
            return list(self._rooms)

    def find(self, code: object) -> Room:
        """The room whose join code is `code`, or RoomError (the same for any wrong code)."""
        text = code.strip().upper() if isinstance(code, str) else ""
        for room in self.rooms():
            if secrets.compare_digest(text.encode("utf-8", "replace"), room.code.encode()):
                return room
        raise RoomError("code: expected the join code the lecturer shows")

    def reclaim(self, seat: object) -> tuple[Room, Participant]:
        """The room and participant whose seat link carries `seat` (a reloaded page)."""
        for room in self.rooms():
            try:
                return room, room.reclaim(seat)
            except RoomError:
                continue
        raise RoomError(SEAT_GONE)

    def _tick(self) -> None:
        stop = threading.Event()
        while not stop.wait(TICK_SECONDS):
            for room in self.rooms():
                room.tick()


HALL = Hall()
"""The server's rooms."""


def lecturer_key() -> str | None:
    """The key the lecturer's link carries (None: no lecturer page on this server)."""
    return os.environ.get(LECTURER_KEY_ENV) or None


def is_lecturer(key: object) -> bool:
    """Whether `key` (from the page's link) is the lecturer's key."""
    expected = lecturer_key()
    if expected is None or not isinstance(key, str):
        return False
    return secrets.compare_digest(key.encode("utf-8", "replace"), expected.encode())


def join_url(code: str) -> str:
    """The participants' link with the room's code (for the QR code)."""
    base = os.environ.get(JOIN_URL_ENV, "/")
    return f"{base}{'&' if '?' in base else '?'}code={code}"


def served_config() -> ExperimentConfig:
    """The config the server was started with (validated by the command before)."""
    return load_config(Path(os.environ[CONFIG_ENV]))
