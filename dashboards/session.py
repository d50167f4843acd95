"""The dashboard's per-session controller: a config, its set-up form and one live run.

Plain Python without Solara, so that tests drive it directly. Each browser session makes its
own `DashboardSession`; the page calls its methods and draws its `snapshot()`. The session
holds a `SetupForm` (`dashboards.form`: the fields, pending until `reset()`) and a `LiveRun`
(`model.live`: the model's boundary); it saves the run as a scenario through
`dashboards.export` and draws it through `dashboards.snapshot`. Bad input never replaces the
running model: a config or a set of settings that does not validate leaves the last good run
in place and says why in `problems`.

The seed field is the config's base `seed`: the run's seed is `replicate_seed(seed, 0)`, the
seed that `run.py batch` gives replicate 0 and `run.py run` uses by default, so a session saved
with `scenario_yaml` replays exactly.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.actions import Action
from dashboards import export
from dashboards.catalog import ConfigCatalog, NotOfferedError, page_lines, start_config
from dashboards.form import SessionError, Settings, SetupForm, check_role
from dashboards.snapshot import (
    NetworkLayout,
    PinnedRun,
    Snapshot,
    network_layout,
    pin,
    take_snapshot,
)
from model.config import ConfigError, ExperimentConfig, load_config
from model.live import LiveRun
from model.streams import replicate_seed

INTERVENTIONS: dict[str, tuple[Action, ...]] = {
    "negotiator": (Action.ENGAGE, Action.CONCEDE, Action.ADD_CONDITIONS, Action.WALK_AWAY),
    "adversary": (
        Action.ENGAGE,
        Action.ADD_CONDITIONS,
        Action.WALK_AWAY,
        Action.SANCTION,
        Action.ESCALATE_RHETORIC,
    ),
}
"""The actions each side's intervention buttons can force."""

PIN_LIMIT = 3
"""Most runs pinned at once; pinning one more drops the oldest (and says so)."""

LABEL_PATTERN = re.compile(r"[\w .,:;()+#/-]{1,40}")
"""What a pinned run's label may hold (it comes from the browser): 1-40 plain characters."""

NOT_RESET = "not reset: fix the fields first"
"""The first line of the page's messages while a reset waits for fields to be fixed."""

REFERENCE_LAST_CHANGE = "the week before the last change"
REFERENCE_START = "week 0"
REFERENCE_PINNED = "pinned: "
"""The references headline changes are measured against (a pinned run: its label after
`REFERENCE_PINNED`)."""


@dataclass(eq=False)
class DashboardSession:
    """The state of one browser session: a config, its set-up form, a live run, its messages.

    Build it with `open`. `configs` are the configs the page may open by name (those in the
    folder of the first one). `problems` holds page-level messages (a config or settings that
    did not validate, an action refused; `refused_action` says the last action was refused,
    and the page clears its message once another goes through). `revision` counts the page's
    changes to the session (the page redraws its controls on it).
    """

    config: ExperimentConfig
    config_path: Path | None
    form: SetupForm
    run: LiveRun
    configs: ConfigCatalog | None = None
    problems: list[str] = field(default_factory=list)
    revision: int = 0
    pinned: list[PinnedRun] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    reference: str = REFERENCE_LAST_CHANGE
    refused_action: bool = False
    _pins: int = 0
    _refused: bool = False
    _layout: NetworkLayout | None = None
    _snapshot: Snapshot | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # ---------------------------------------------------------------------------------------
    # Opening
    # ---------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None) -> DashboardSession:
        """A session on the config at `path` (default: `CONFIG_ENV`, else the baseline).

        `path` is the server's choice, never the browser's; the configs beside it are the ones
        the page offers.

        Raises:
            ConfigError: if the config does not validate.
        """
        path = Path(path) if path is not None else start_config()
        config = load_live_config(path)
        return cls.from_config(config, path, ConfigCatalog.beside(path))

    @classmethod
    def from_config(
        cls,
        config: ExperimentConfig,
        path: Path | None = None,
        configs: ConfigCatalog | None = None,
    ) -> DashboardSession:
        """A session on a validated config, running its first scenario with the config's seed."""
        form = SetupForm.of_scenario(config, config.scenarios[0], config.seed)
        return cls(config, path, form, start_run(config, form.applied), configs)

    def available_configs(self) -> list[str]:
        """File names of the configs the page offers (those in the first config's folder)."""
        return self.configs.names() if self.configs is not None else []

    def open_config(self, name: str) -> bool:
        """Open the offered config `name`; on success run its first scenario, else keep everything.

        `name` comes from the browser: it is looked up among `available_configs()` and never
        used as a path. Returns whether it opened. Problems go to `problems`, one line each,
        naming the file and key path but never repeating the name refused or the file's content.
        """
        try:
            if self.configs is None:
                raise NotOfferedError("config: this session offers no other config")
            path = self.configs.path(name)
        except NotOfferedError as error:
            self.problems = [f"config not opened: {error}"]
            return False
        try:
            config = load_live_config(path)
        except ConfigError as error:
            self.problems = [f"config not opened: {line}" for line in page_lines(error, path.name)]
            return False
        with self._lock:
            form = SetupForm.of_scenario(config, config.scenarios[0], config.seed)
            run = start_run(config, form.applied)
            self.config, self.config_path = config, path
            self._replace_run(run, form)
        return True

    # ---------------------------------------------------------------------------------------
    # Running
    # ---------------------------------------------------------------------------------------

    def reset(self) -> bool:
        """A new run from the pending settings; on a problem keep the running one.

        Clears the interventions and the event log. Returns whether a new run was started.
        """
        form = self.form
        if form.errors:
            self.problems = []
            self._refused = True
            return False
        try:
            run = start_run(self.config, form.pending)
        except ConfigError as error:
            self.problems = [f"not reset: {line}" for line in error.lines]
            return False
        with self._lock:
            self._replace_run(run, SetupForm.of_settings(self.config, form.pending))
        return True

    @property
    def step_count(self) -> int:
        """Steps taken by the running model."""
        return self.run.step_count

    @property
    def horizon(self) -> int:
        """Steps the run lasts (the config's `steps`)."""
        return self.run.horizon

    @property
    def finished(self) -> bool:
        """Whether the run reached its horizon."""
        return self.run.finished

    def step(
        self,
        count: int = 1,
        run: LiveRun | None = None,
        unless: threading.Event | None = None,
    ) -> int:
        """Advance up to `count` steps (not past the horizon); return the steps taken.

        With `run`, step only if that is still the running one (a play loop started before a
        reset must not step the new run); with `unless`, take no step once that flag is set
        (checked under the session's lock, just before each step).
        """
        taken = 0
        for _ in range(max(0, int(count))):
            with self._lock:
                if run is not None and run is not self.run:
                    break
                if unless is not None and unless.is_set():
                    break
                done = self.run.step(1)
            if done == 0:
                break
            taken += done
        return taken

    def intervention(self, role: str) -> Action | None:
        """The action forced on `role` from the next step on, or None (its strategy decides)."""
        check_role(role)
        return self.run.intervention(role)

    def intervene(self, role: str, action: Action | None) -> None:
        """Force `role`'s action from the next step on until the next call (None: strategy)."""
        check_role(role)
        if self.finished:
            raise SessionError("intervention: the run has ended; Reset to start again")
        if action is not None and action not in INTERVENTIONS[role]:
            allowed = ", ".join(a.value for a in INTERVENTIONS[role])
            raise SessionError(f"{role}: expected one of {allowed}, found {action.value}")
        with self._lock:
            self.run.intervene(role, action)

    def dismiss_problems(self) -> None:
        """Clear the page-level messages."""
        self.problems = []
        self.notices = []
        self._refused = False

    def current_problems(self) -> list[str]:
        """The page-level messages now: a refused reset lists the fields still wrong, if any.

        Once every field is fixed the refusal is no longer shown (no message quotes an old
        value).
        """
        if self._refused and self.form.errors:
            errors = self.form.errors
            return [NOT_RESET, *(errors[k] for k in sorted(errors)), *self.problems]
        return list(self.problems)

    # ---------------------------------------------------------------------------------------
    # Pinned runs and the reference of the headline figures
    # ---------------------------------------------------------------------------------------

    def default_label(self) -> str:
        """The label a pinned run gets unless another is typed (``both_engage, seed 11``)."""
        applied = self.form.applied
        forced = sorted(
            {
                row.side
                for row in self.snapshot().changes.itertuples()
                if row.cause == "intervention"
            }
        )
        how = f", {' and '.join(forced)} steered" if forced else ""
        return f"{applied.scenario}, seed {applied.seed}{how}"[:40]

    def pin(self, label: str | None = None) -> str:
        """Keep the running run as a reference named `label` (default: `default_label`).

        At most `PIN_LIMIT` runs stay pinned; pinning one more drops the oldest. Returns what
        happened in words (also in `notices`).

        Raises:
            SessionError: before the first step, or for a label that is not 1-40 plain
                characters.
        """
        if self.step_count < 1:
            raise SessionError("pin: take at least one step first")
        text = (label or "").strip() or self.default_label()
        if not LABEL_PATTERN.fullmatch(text):
            raise SessionError("pin label: expected 1 to 40 letters, digits, spaces or .,:;()+#/-")
        with self._lock:
            taken = {run.label for run in self.pinned}
            unique, n = text, 2
            while unique in taken:
                unique, n = f"{text} ({n})", n + 1
            applied = self.form.applied
            about = (
                f"{self.config.name} / {applied.scenario}, {applied.observers:,} observers, "
                f"seed {applied.seed}, weeks 0-{self.step_count}"
            )
            self.pinned.append(pin(self.snapshot(), unique, about))
            notice = f"pinned: {unique}"
            if len(self.pinned) > PIN_LIMIT:
                dropped = self.pinned.pop(0)
                notice += f" (at most {PIN_LIMIT} pinned: dropped the oldest, {dropped.label})"
                if self.reference == REFERENCE_PINNED + dropped.label:
                    self.reference = REFERENCE_LAST_CHANGE
            self._pins += 1
            self._snapshot = None
        self.notices = [notice]
        return notice

    def unpin(self, label: str) -> None:
        """Drop the pinned run named `label` (one of `pinned`; SessionError otherwise)."""
        with self._lock:
            kept = [run for run in self.pinned if run.label != label]
            if len(kept) == len(self.pinned):
                raise SessionError("unpin: expected the label of a pinned run")
            self.pinned = kept
            if self.reference == REFERENCE_PINNED + label:
                self.reference = REFERENCE_LAST_CHANGE
            self._pins += 1
            self._snapshot = None
        self.notices = [f"unpinned: {label}"]

    def reference_choices(self) -> list[str]:
        """What the headline changes may be measured against: the last change, week 0, a pin."""
        return [
            REFERENCE_LAST_CHANGE,
            REFERENCE_START,
            *(REFERENCE_PINNED + run.label for run in self.pinned),
        ]

    def set_reference(self, choice: str) -> None:
        """Measure the headline changes against `choice` (one of `reference_choices`)."""
        if choice not in self.reference_choices():
            raise SessionError("reference: expected one of the choices offered")
        self.reference = choice

    def reference_run(self) -> PinnedRun | None:
        """The pinned run the headline changes are measured against, or None."""
        for run in self.pinned:
            if self.reference == REFERENCE_PINNED + run.label:
                return run
        return None

    # ---------------------------------------------------------------------------------------
    # Taking it away, drawing it
    # ---------------------------------------------------------------------------------------

    def scenario_config(self, name: str = "dashboard_session") -> dict[str, Any]:
        """The session as an experiment config whose one scenario replays it exactly.

        Raises:
            SessionError: before the first step, for a bad name, or if the saved config would
                not rebuild the running model (`dashboards.export.scenario_config`).
        """
        source = self.config_path.name if self.config_path else self.config.name
        about = f"{source} (scenario {self.form.applied.scenario})"
        with self._lock:
            return export.scenario_config(self.run, self.form.applied.seed, about, name)

    def scenario_yaml(self, name: str = "dashboard_session") -> str:
        """`scenario_config` as YAML text, with a header saying how to replay it."""
        return export.scenario_yaml(self.scenario_config(name))

    def archive(self) -> bytes:
        """The whole session as one zip archive (`dashboards.export.session_archive`).

        Raises:
            SessionError: before the first step (there is nothing to replay yet).
        """
        if self.step_count < 1:
            raise SessionError("export: take at least one step first")
        with self._lock:
            text = self.scenario_yaml()
            snap = self.snapshot()
            applied = self.form.applied
            about = {
                "config": self.config_path.name if self.config_path else self.config.name,
                "scenario": applied.scenario,
                "seed": applied.seed,
                "run_seed": self.run.seed,
                "observers": applied.observers,
                "week": snap.step,
                "horizon": snap.horizon,
                "headline_reference": self.reference,
            }
            pinned = [(run.label, run.about, run_tables(run)) for run in self.pinned]
            return export.session_archive(run_tables(snap), pinned, text, about)

    def snapshot(self) -> Snapshot:
        """The running model's tables now (see `Snapshot`), computed once per step."""
        with self._lock:
            run = self.run
            cached = self._snapshot
            key = (id(run), run.step_count, self._pins)
            if cached is not None and cached.key == key:
                return cached
            if self._layout is None:
                self._layout = network_layout(run)
            self._snapshot = take_snapshot(run, self._layout, tuple(self.pinned), "this run", key)
            return self._snapshot

    def _replace_run(self, run: LiveRun, form: SetupForm) -> None:
        self.run = run
        self.form = form
        self.problems = []
        self._refused = False
        self._layout = None
        self._snapshot = None


def run_tables(run: Snapshot | PinnedRun) -> dict[str, Any]:
    """The tables of the archive (`dashboards.export.ARCHIVE_TABLES`) of a run or a snapshot."""
    return {
        "timeseries": run.timeseries,
        "blocs": run.blocs,
        "media": run.media,
        "events": run.events,
        "action_changes": run.changes,
        "redline": run.redline,
    }


def start_run(config: ExperimentConfig, settings: Settings) -> LiveRun:
    """The run of `settings` over `config`, with replicate 0's seed and the config's steps.

    Raises:
        ConfigError: if the settings do not validate over the scenario.
    """
    return LiveRun.from_config(
        config,
        settings.scenario,
        seed=replicate_seed(settings.seed, 0),
        overrides=settings.overrides(),
        layer="dashboard",
    )


def load_live_config(path: Path) -> ExperimentConfig:
    """Load a config for the live dashboard: valid, and each scenario's run within the limit.

    A live run is held in the server's memory, so a scenario whose run is estimated past the
    memory limit of `experiments.limits` is refused here, with no `--force`.

    Raises:
        ConfigError: the config's problems, or one line per scenario past the limit.
    """
    from experiments import limits

    config = load_config(path)
    try:
        for scenario in config.scenarios:
            limits.check(config, scenario=scenario)
    except ConfigError as error:
        live = "the live dashboard holds the run in memory"
        problems = [line.replace(limits.FORCE_HINT, live) for line in error.problems]
        raise ConfigError(problems, error.source) from None
    return config
