"""A classroom room: one shared run of the model, played week by week by its participants.

The room is plain Python (no web page): who joined, who plays which role, the votes of the
week, the timer, the log of every choice, and what each participant may see. Every request
names the participant it comes from (an id the server gave that participant's page, never one
the browser chose) and is checked here: a participant acts only for their own role, only while
the room plays, and only with a choice the role offers; anything else is a `RoomError`.
Lecturer actions need the room's lecturer key (`Room.lecture`).

A week advances when every role with participants has chosen (a team under the majority rule:
all its members; under the captain rule: its captain), or when the lecturer's timer runs out
(`Room.tick`); a role without a choice then follows the config's strategy. Media roles set
their outlet's bias for the coming week.
"""

from __future__ import annotations

import math
import secrets
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum

import pandas as pd

from agents.actions import SIDES, Action
from classroom.roles import Role, Source, TeamRule, parse_slant, roles_for, team_choice
from dashboards.snapshot import NetworkLayout, Snapshot, network_layout, take_snapshot
from model.config import ExperimentConfig
from model.live import LiveRun
from model.streams import replicate_seed

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Join-code letters: no 0/O or 1/I/L to misread."""
CODE_LENGTH = 6
NAME_LIMIT = 24
"""Longest participant name, in characters."""
PARTICIPANT_LIMIT = 200
"""Most participants a room admits."""
SEAT_GONE = "seat: this link's seat is in no open room; join again with the code"


class RoomError(ValueError):
    """A request the room refuses: one line saying what was expected."""


class Phase(Enum):
    """Where the room is: gathering, playing, paused by the lecturer, or ended."""

    LOBBY = "lobby"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass
class Participant:
    """Someone who joined: a server-made `id`, the `name` they chose, their role's key or None.

    `seat` is the secret of the participant's own link back to their seat (their page's address
    after joining carries it), so a reloaded tab finds the same participant; the `id` itself
    never leaves the server.
    """

    id: str
    name: str
    role: str | None = None
    seat: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)


@dataclass(frozen=True)
class LogEntry:
    """One line of the room's log: a choice made, or a role's fallback to its strategy.

    `choice` is what the participant chose (empty for a fallback); `applied` what the role's
    side or outlet did that week; `source` where that came from.
    """

    week: int
    role: str
    participant: str
    choice: str
    applied: str
    source: str


def new_code() -> str:
    """A random join code of `CODE_LENGTH` letters and digits."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def check_name(name: object) -> str:
    """A participant's chosen name, trimmed, or RoomError."""
    if not isinstance(name, str):
        raise RoomError("name: expected text")
    name = " ".join(name.split())
    if not 1 <= len(name) <= NAME_LIMIT or not name.isprintable():
        raise RoomError(f"name: expected 1 to {NAME_LIMIT} printable characters")
    return name


@dataclass
class _Week:
    """The votes of the week in progress, by role key then participant id, and its deadline."""

    votes: dict[str, dict[str, Action | float]] = field(default_factory=dict)
    deadline: float | None = None


class Room:
    """One shared run of scenario `scenario` of `config`, `weeks` weeks long, and its players.

    Args:
        config: the validated config.
        scenario: the scenario played (default: the config's first).
        weeks: weeks the class plays (default: the config's `steps`).
        clock: the time source of the timer (monotonic seconds).
    """

    def __init__(
        self,
        config: ExperimentConfig,
        scenario: str | None = None,
        *,
        weeks: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.scenario = scenario or config.scenarios[0]
        self.weeks = weeks or config.steps
        spec = config.scenario_spec(self.scenario)
        self.run = LiveRun(spec, replicate_seed(config.seed, 0), self.weeks)
        self.code = new_code()
        self.lecturer_key = secrets.token_urlsafe(18)
        self.roles = roles_for(self.run.outlet_biases())
        self.rules = {side: TeamRule.MAJORITY for side in SIDES}
        self.captains: dict[str, str | None] = {side: None for side in SIDES}
        self.timer: float | None = None
        self.phase = Phase.LOBBY
        self.revealed = False
        self.participants: dict[str, Participant] = {}
        self.log: list[LogEntry] = []
        self.slants: dict[int, dict[str, float]] = {}
        self._clock = clock
        self._week = _Week()
        self._layout: NetworkLayout | None = None
        self._snapshot: Snapshot | None = None
        self._changed = threading.Condition(threading.RLock())
        self.revision = 0

    # ---------------------------------------------------------------------------------------
    # Joining and roles
    # ---------------------------------------------------------------------------------------

    def join(self, code: object, name: object) -> Participant:
        """Admit `name` with the join code `code`; they get a role if the room auto-balances."""
        with self._changed:
            if not isinstance(code, str) or not secrets.compare_digest(
                code.strip().upper().encode("utf-8", "replace"), self.code.encode()
            ):
                raise RoomError("code: expected the join code the lecturer shows")
            name = check_name(name)
            if any(p.name.casefold() == name.casefold() for p in self.participants.values()):
                raise RoomError("name: already taken in this room; choose another")
            if len(self.participants) >= PARTICIPANT_LIMIT:
                raise RoomError(f"room: full ({PARTICIPANT_LIMIT} participants)")
            participant = Participant(secrets.token_urlsafe(12), name)
            self.participants[participant.id] = participant
            participant.role = self._least_filled()
            self._note_change()
            return participant

    def reclaim(self, seat: object) -> Participant:
        """The participant whose seat link carries `seat`, or RoomError."""
        text = seat.encode("utf-8", "replace") if isinstance(seat, str) else b""
        for participant in list(self.participants.values()):
            if secrets.compare_digest(text, participant.seat.encode()):
                return participant
        raise RoomError(SEAT_GONE)

    def participant(self, pid: str) -> Participant:
        """The participant with id `pid`, or RoomError."""
        found = self.participants.get(pid)
        if found is None:
            raise RoomError("participant: not in this room; join again with the code")
        return found

    def members(self, role: str) -> list[str]:
        """Ids of the participants playing `role`, in the order they joined."""
        return [p.id for p in self.participants.values() if p.role == role]

    def role(self, key: str) -> Role:
        """The role with key `key`, or RoomError."""
        for role in self.roles:
            if role.key == key:
                return role
        raise RoomError("role: expected one of the room's roles")

    def _least_filled(self) -> str:
        """The role with fewest members (sides first, then outlets, in order)."""
        counts = [(len(self.members(r.key)), i) for i, r in enumerate(self.roles)]
        sides = [c for c in counts if self.roles[c[1]].is_side]
        fewest = min(sides) if min(sides)[0] < 2 else min(counts)
        return self.roles[fewest[1]].key

    # ---------------------------------------------------------------------------------------
    # Lecturer
    # ---------------------------------------------------------------------------------------

    def lecture(self, key: object) -> Lecture:
        """The lecturer's controls of this room, for the holder of its lecturer key."""
        if not isinstance(key, str) or not secrets.compare_digest(
            key.encode("utf-8", "replace"), self.lecturer_key.encode()
        ):
            raise RoomError("lecturer: this page needs the lecturer's link")
        return Lecture(self)

    # ---------------------------------------------------------------------------------------
    # Playing
    # ---------------------------------------------------------------------------------------

    def choose(self, pid: str, role: object, choice: object) -> None:
        """Record participant `pid`'s choice for `role` this week (refused unless theirs).

        A side's choice is an action's name; an outlet's a number in [-1, 1]. The week
        advances when every role with members has chosen.
        """
        with self._changed:
            participant = self.participant(pid)
            if not isinstance(role, str) or role != participant.role:
                raise RoomError("role: you may choose only for the role you were given")
            if self.phase is not Phase.PLAYING:
                raise RoomError("room: choices are open only while the room plays")
            if self.role(role).is_side:
                if not isinstance(choice, str):
                    raise RoomError("action: expected one of the model's actions")
                try:
                    value: Action | float = Action.parse(choice)
                except ValueError:
                    raise RoomError("action: expected one of the model's actions") from None
            else:
                try:
                    value = parse_slant(choice)
                except ValueError as error:
                    raise RoomError(str(error)) from None
            self._week.votes.setdefault(role, {})[pid] = value
            if self._everyone_chose():
                self._advance(timed_out=False)
            self._note_change()

    def tick(self) -> bool:
        """Advance the week if the timer ran out; whether it did."""
        with self._changed:
            deadline = self._week.deadline
            if self.phase is not Phase.PLAYING or deadline is None or self._clock() < deadline:
                return False
            self._advance(timed_out=True)
            self._note_change()
            return True

    def waiting_for(self) -> list[str]:
        """Keys of the roles with members that have not chosen this week."""
        return [
            r.key for r in self.roles if self.members(r.key) and self._decision(r, False) is None
        ]

    def seconds_left(self) -> float | None:
        """Seconds until the timer ends the week, or None without a timer."""
        if self._week.deadline is None or self.phase is not Phase.PLAYING:
            return None
        return max(0.0, self._week.deadline - self._clock())

    def own_choice(self, pid: str) -> Action | float | None:
        """What participant `pid` chose this week so far, or None."""
        participant = self.participant(pid)
        return self._week.votes.get(participant.role or "", {}).get(pid)

    def _everyone_chose(self) -> bool:
        active = [r for r in self.roles if self.members(r.key)]
        return bool(active) and all(self._decision(r, False) is not None for r in active)

    def _decision(self, role: Role, timed_out: bool) -> tuple[Action | float, Source] | None:
        """The role's choice this week, or None if it is not complete (or not made)."""
        members = self.members(role.key)
        votes = {m: v for m, v in self._week.votes.get(role.key, {}).items() if m in members}
        if not timed_out and any(m not in votes for m in self._deciders(role, members)):
            return None
        if not role.is_side:
            if not votes:
                return None
            return float(statistics.median(votes.values())), Source.PARTICIPANT
        side = role.side or ""
        chosen, source = team_choice(
            votes,  # type: ignore[arg-type]
            members,
            self.rules[side],
            self.captain(side),
            self.run.strategy_action(side),
        )
        return None if chosen is None or source is None else (chosen, source)

    def _deciders(self, role: Role, members: list[str]) -> list[str]:
        if role.is_side and self.rules[role.side or ""] is TeamRule.CAPTAIN:
            captain = self.captain(role.side or "")
            return [captain] if captain is not None else members
        return members

    def captain(self, side: str) -> str | None:
        """The id of side `side`'s captain: the one the lecturer chose, else its first member."""
        captain = self.captains[side]
        members = self.members(side)
        if captain in members:
            return captain
        return members[0] if members else None

    def _advance(self, timed_out: bool) -> None:
        """Apply every role's choice (or its strategy), take one step, log it, open the next."""
        run, week = self.run, self.run.step_count + 1
        decisions = {r.key: self._decision(r, timed_out) for r in self.roles}
        for role in self.roles:
            decided = decisions[role.key]
            if role.is_side:
                action = decided[0] if decided is not None else None
                run.intervene(role.side or "", action)  # type: ignore[arg-type]
            elif decided is not None:
                run.set_outlet_bias(role.outlet or "", float(decided[0]))  # type: ignore[arg-type]
                self.slants.setdefault(week, {})[role.outlet or ""] = float(decided[0])  # type: ignore[arg-type]
        run.step(1)
        events = run.events()
        taken = dict(zip(events["side"].iloc[-2:], events["action"].iloc[-2:], strict=True))
        biases = run.outlet_biases()
        for role in self.roles:
            applied = taken[role.side] if role.side else f"{biases[role.outlet or '']:+.2f}"
            self._log_role(week, role, decisions[role.key], applied)
        for side in SIDES:
            run.intervene(side, None)
        self._week = _Week()
        self._start_week()
        if run.finished:
            self.phase = Phase.ENDED

    def _log_role(
        self, week: int, role: Role, decided: tuple[Action | float, Source] | None, applied: str
    ) -> None:
        votes = self._week.votes.get(role.key, {})
        members = self.members(role.key)
        for pid in members:
            if pid in votes:
                vote = votes[pid]
                choice = vote.value if isinstance(vote, Action) else f"{vote:+.2f}"
                source = decided[1].value if decided is not None else Source.STRATEGY.value
                name = self.participants[pid].name
                self.log.append(LogEntry(week, role.key, name, choice, applied, source))
        if decided is None:
            source = Source.TIMER if members else Source.STRATEGY
            self.log.append(LogEntry(week, role.key, "", "", applied, source.value))

    def _start_week(self) -> None:
        self._week.deadline = None if self.timer is None else self._clock() + self.timer

    # ---------------------------------------------------------------------------------------
    # Seeing
    # ---------------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The shared view of the run now: what everyone may see (no red lines in it)."""
        cached = self._snapshot
        if cached is not None and cached.step == self.run.step_count:
            return cached
        with self._changed:
            if self._snapshot is None or self._snapshot.step != self.run.step_count:
                if self._layout is None:
                    self._layout = network_layout(self.run)
                snap = take_snapshot(self.run, self._layout)
                hidden = snap.redline.iloc[0:0]
                self._snapshot = replace(snap, redline=hidden, true_red_line=math.nan)
            return self._snapshot

    def private_sides(self, pid: str | None) -> tuple[str, ...]:
        """The sides whose private view participant `pid` sees (None: the lecturer sees both).

        A side's team sees its own estimate of the other side's red line; after the reveal,
        everyone sees both estimates and both true red lines.
        """
        if pid is None or self.revealed:
            return SIDES
        role = self.participant(pid).role
        return (role,) if role in SIDES else ()

    def private_view(self, pid: str | None, side: str) -> PrivateView:
        """Side `side`'s estimate of the other's red line, if `pid` may see it (else RoomError)."""
        with self._changed:
            if side not in self.private_sides(pid):
                raise RoomError("view: only the side's own team sees its estimates")
            estimates = self.run.redline_estimates(side)
            other = SIDES[1 - SIDES.index(side)]
            truth = self.run.true_red_line(other) if pid is None or self.revealed else None
            return PrivateView(side, estimates, truth)

    def log_frame(self) -> pd.DataFrame:
        """The log as a table: week, role, participant, choice, applied, source."""
        columns = ["week", "role", "participant", "choice", "applied", "source"]
        return pd.DataFrame([vars(e) for e in self.log], columns=columns)

    # ---------------------------------------------------------------------------------------
    # Change notification
    # ---------------------------------------------------------------------------------------

    def wait(self, revision: int, timeout: float) -> int:
        """Block until the room changes past `revision` (or `timeout` seconds); the revision."""
        with self._changed:
            self._changed.wait_for(lambda: self.revision != revision, timeout)
            return self.revision

    def _note_change(self) -> None:
        self.revision += 1
        self._changed.notify_all()


@dataclass(frozen=True)
class PrivateView:
    """What one side knows privately: its estimate of the other's red line week by week.

    `truth` is the other side's true red line, shown only to the lecturer or after the reveal.
    """

    side: str
    estimates: pd.DataFrame
    truth: float | None


class Lecture:
    """The lecturer's controls of a room (made by `Room.lecture` with the lecturer key)."""

    def __init__(self, room: Room) -> None:
        self.room = room

    def _change(self, apply: Callable[[Room], None]) -> None:
        room = self.room
        with room._changed:
            apply(room)
            room._note_change()

    def assign(self, pid: str, role: str | None) -> None:
        """Give participant `pid` the role `role` (None: no role, they watch)."""

        def apply(room: Room) -> None:
            participant = room.participant(pid)
            participant.role = None if role is None else room.role(role).key
            if room.phase is Phase.PLAYING and room._everyone_chose():
                room._advance(timed_out=False)

        self._change(apply)

    def set_rule(self, side: str, rule: TeamRule) -> None:
        """Let side `side`'s team decide by `rule`."""
        if side not in SIDES or not isinstance(rule, TeamRule):
            raise RoomError("rule: expected a side and majority or captain")
        self._change(lambda room: room.rules.__setitem__(side, rule))

    def set_captain(self, side: str, pid: str) -> None:
        """Make participant `pid` (a member of the side's team) its captain."""

        def apply(room: Room) -> None:
            if side not in SIDES or room.participant(pid).role != side:
                raise RoomError("captain: expected a member of that side's team")
            room.captains[side] = pid

        self._change(apply)

    def set_timer(self, seconds: float | None) -> None:
        """End each week after `seconds` (None: only when everyone has chosen)."""
        if seconds is not None and not (isinstance(seconds, int | float) and 5 <= seconds <= 3600):
            raise RoomError("timer: expected 5 to 3600 seconds, or none")

        def apply(room: Room) -> None:
            room.timer = None if seconds is None else float(seconds)
            if room.phase is Phase.PLAYING:
                room._start_week()

        self._change(apply)

    def start(self) -> None:
        """Open the first week (or go on after a pause)."""

        def apply(room: Room) -> None:
            if room.phase is Phase.ENDED:
                raise RoomError("room: the run has ended")
            room.phase = Phase.PLAYING
            room._start_week()

        self._change(apply)

    def pause(self) -> None:
        """Stop the clock: choices wait until the lecturer starts again."""

        def apply(room: Room) -> None:
            if room.phase is Phase.PLAYING:
                room.phase = Phase.PAUSED

        self._change(apply)

    def reveal(self) -> None:
        """Show everyone both sides' true red lines and both estimates."""
        self._change(lambda room: setattr(room, "revealed", True))

    def end(self) -> None:
        """End the run: no more choices; the debrief opens."""
        self._change(lambda room: setattr(room, "phase", Phase.ENDED))

    def advance(self) -> None:
        """End the week now, as if the timer had run out."""

        def apply(room: Room) -> None:
            if room.phase is not Phase.PLAYING:
                raise RoomError("room: the week can end only while the room plays")
            room._advance(timed_out=True)

        self._change(apply)


def week_actions(room: Room) -> dict[str, dict[int, Action]]:
    """Each side's action in every week played, from the run's events."""
    events = room.run.events()
    return {
        side: {
            int(step): Action(a)
            for step, a in zip(
                events.loc[events["side"] == side, "step"],
                events.loc[events["side"] == side, "action"],
                strict=True,
            )
        }
        for side in SIDES
    }
