"""The dashboard's per-session controller: one model, its settings, interventions and event log.

Plain Python without Solara, so that tests drive it directly. Each browser session makes its
own `DashboardSession`; the page calls its methods and draws its `snapshot()`.

Settings that need a new model (scenario, strategies, the negotiator's deterrence, the media
ecology, the observer count, the seed) are *pending* until `reset()`. Bad input never replaces
the running model: a field that does not parse keeps its last good value and reports one line
naming the field and what was expected, and a config or a set of settings that does not
validate leaves the last good model in place.

The seed field is the config's base `seed`: the model's run seed is `replicate_seed(seed, 0)`,
the seed that `run.py batch` gives replicate 0 and `run.py run` uses by default, so a session
saved with `scenario_yaml` replays exactly.
"""

from __future__ import annotations

import dataclasses
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import ValidationError

from agents.actions import SIDES, Action
from agents.strategies import ALL_STRATEGY_KEYS, STRATEGIES, strategy_keys
from dashboards.catalog import CONFIG_ENV as CONFIG_ENV
from dashboards.catalog import ConfigCatalog, NotOfferedError, page_lines, start_config
from model.config import (
    MEDIA_PRESETS,
    NAME_PATTERN,
    ConfigError,
    ExperimentConfig,
    ModelSpec,
    describe_error,
    load_config,
    resolve_model,
)
from model.live import model_tables
from model.model import DiplomacyModel
from model.streams import SEED_MAX, replicate_seed

ROLE_LABELS = {"negotiator": "Negotiator (N)", "adversary": "Adversary (A)"}
"""How the two sides are named on the page: by role, never by country."""

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

SCENARIO_MEDIA = "as in the scenario"
"""Media-ecology choice that keeps the outlets the scenario sets."""

OBSERVER_RANGE = (10, 100_000)
"""Observer counts the dashboard accepts (a wider range exists for batch runs)."""

DETERRENCE_RANGE = (0.0, 1.0)
"""Valid deterrence values (the parameter registry's range)."""

STRATEGY_DEFAULTS: dict[str, dict[str, Any]] = {
    "walk_away_at": {"at": 50},
    "add_conditions_at": {"at": 50},
    "costly_reassurance": {"concede_from": 20, "concede_for": 20},
    "sanction_every": {"every": 10, "from": 0},
    "adaptive": {"rationality": 5.0},
}
"""Option values a strategy starts with when chosen in the dashboard."""

NETWORK_SAMPLE = 300
"""Most observers drawn in the network view."""


class SessionError(ValueError):
    """An operation the session cannot do now (its message is shown in the page)."""


def action_label(action: Action | str | None) -> str:
    """An action as words (``walk away``); an em dash for no action."""
    if action is None or (isinstance(action, float) and math.isnan(action)):
        return "—"
    value = action.value if isinstance(action, Action) else str(action)
    return value.replace("_", " ")


@dataclass(frozen=True)
class Settings:
    """Everything a new model is built from besides the config: the dashboard's set-up fields.

    `seed` is the config's base seed (the run seed is `replicate_seed(seed, 0)`); `media` is a
    preset name of `MEDIA_PRESETS` or `SCENARIO_MEDIA`.
    """

    scenario: str
    negotiator_strategy: str
    negotiator_options: Mapping[str, Any]
    adversary_strategy: str
    adversary_options: Mapping[str, Any]
    deterrence: float
    media: str
    observers: int
    seed: int

    @classmethod
    def of_scenario(cls, config: ExperimentConfig, scenario: str, seed: int) -> Settings:
        """The settings that reproduce `scenario` of `config` as written."""
        spec = config.scenario_spec(scenario)
        return cls(
            scenario=scenario,
            negotiator_strategy=spec.negotiator.strategy.name,
            negotiator_options=spec.negotiator.strategy.config_values(),
            adversary_strategy=spec.adversary.strategy.name,
            adversary_options=spec.adversary.strategy.config_values(),
            deterrence=float(spec.negotiator.deterrence),
            media=media_choice(spec),
            observers=spec.observers,
            seed=seed,
        )

    def strategy(self, role: str) -> tuple[str, Mapping[str, Any]]:
        """The strategy name and options of side `role`."""
        return getattr(self, f"{role}_strategy"), getattr(self, f"{role}_options")

    def overrides(self) -> dict[str, Any]:
        """The dashboard's layer over the scenario's resolved model (config shape)."""
        layer: dict[str, Any] = {"observers": self.observers}
        for role in SIDES:
            name, options = self.strategy(role)
            layer[role] = {"strategy": name, **_config_options(options)}
        layer["negotiator"]["deterrence"] = self.deterrence
        if self.media != SCENARIO_MEDIA:
            layer["media"] = self.media
        return layer


def media_choice(spec: ModelSpec) -> str:
    """The preset name whose outlets `spec` has, or `SCENARIO_MEDIA`."""
    outlets = [o.model_dump() for o in spec.media]
    for name, preset in MEDIA_PRESETS.items():
        if outlets == [dict(o) for o in preset]:
            return name
    return SCENARIO_MEDIA


def _config_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Strategy options in config spelling (a timeline's actions as their values)."""
    out: dict[str, Any] = {}
    for key, value in options.items():
        if key == "timeline":
            value = {
                int(step): a.value if isinstance(a, Action) else a for step, a in value.items()
            }
        out[key] = value
    return out


@dataclass(frozen=True)
class Event:
    """One side's action in one step; `intervention` when a dashboard click forced it."""

    step: int
    role: str
    action: Action
    intervention: bool


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What the views draw: the tables of the running model at one moment.

    `key` changes whenever the model steps or is replaced, so views can cache on it.
    `timeseries`, `blocs` and `media` are the model's output tables; `events` has one row per
    side and step; `redline` holds the negotiator's estimate of the adversary's red line (mean,
    sd and a 95% band) per step; `gap` is every observer's L^N - L^A now; `nodes` and `edges`
    are a sample of the observer network with fixed positions.
    """

    key: tuple[int, int]
    step: int
    horizon: int
    observers: int
    timeseries: pd.DataFrame
    blocs: pd.DataFrame
    media: pd.DataFrame
    events: pd.DataFrame
    redline: pd.DataFrame
    true_red_line: float
    gap: np.ndarray
    nodes: pd.DataFrame
    edges: pd.DataFrame


@dataclass
class _Network:
    nodes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    edges: pd.DataFrame


@dataclass(eq=False)
class DashboardSession:
    """The state of one browser session: a config, a running model and what the user did.

    Build it with `open`. `configs` are the configs the page may open by name (those in the
    folder of the first one). `applied` are the settings of the running model, `pending` those the
    next `reset()` applies; `drafts` and `errors` hold the text of fields that did not parse
    and their messages; `problems` holds page-level messages (a config or settings that did
    not validate). `events` records both sides' actions step by step, interventions marked.
    `revision` counts the page's changes to the session (the page redraws its controls on it).
    """

    config: ExperimentConfig
    config_path: Path | None
    applied: Settings
    pending: Settings
    model: DiplomacyModel
    configs: ConfigCatalog | None = None
    events: list[Event] = field(default_factory=list)
    drafts: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    revision: int = 0
    _redline: list[tuple[int, float, float]] = field(default_factory=list)
    _network: _Network | None = None
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
        settings = Settings.of_scenario(config, config.scenarios[0], config.seed)
        model = _build_model(config, settings)
        session = cls(config, path, settings, settings, model, configs)
        session._record_start()
        return session

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
            settings = Settings.of_scenario(config, config.scenarios[0], config.seed)
            model = _build_model(config, settings)
            self.config, self.config_path = config, path
            self._replace_model(model, settings)
        return True

    # ---------------------------------------------------------------------------------------
    # Set-up fields (pending until reset)
    # ---------------------------------------------------------------------------------------

    def set_scenario(self, name: str) -> bool:
        """Choose a scenario: its strategies, deterrence, media and observers become pending."""
        if name not in self.config.scenarios:
            self.errors["scenario"] = (
                f"scenario: expected one of {', '.join(self.config.scenarios)}, found {name!r}"
            )
            return False
        self.errors.pop("scenario", None)
        for key in [k for k in self.drafts if k.split(".")[0] in SIDES]:
            del self.drafts[key]
        for key in [k for k in self.errors if k.split(".")[0] in SIDES]:
            del self.errors[key]
        self.pending = Settings.of_scenario(self.config, name, self.pending.seed)
        return True

    def strategy_choices(self, role: str) -> list[str]:
        """Strategies the page offers for `role` (scripted only where the scenario has one)."""
        names = [n for n in STRATEGIES if n != "scripted"]
        spec = self.config.scenario_spec(self.pending.scenario)
        if spec.side(role).strategy.name == "scripted":
            names.append("scripted")
        return names

    def set_strategy(self, role: str, name: str) -> bool:
        """Choose side `role`'s strategy; its options start from the scenario's or defaults."""
        _check_role(role)
        if name not in self.strategy_choices(role):
            self.errors[f"{role}.strategy"] = (
                f"{role}.strategy: expected one of {', '.join(self.strategy_choices(role))}, "
                f"found {name!r}"
            )
            return False
        self.errors.pop(f"{role}.strategy", None)
        for key in [k for k in self.drafts if k.startswith(role + ".")]:
            del self.drafts[key]
        for key in [k for k in self.errors if k.startswith(role + ".")]:
            del self.errors[key]
        spec = self.config.scenario_spec(self.pending.scenario).side(role)
        if spec.strategy.name == name:
            options = spec.strategy.config_values()
        else:
            fields = STRATEGIES[name].Options.model_fields
            options = {
                (f.alias or k): f.default
                for k, f in fields.items()
                if k != "name" and not f.is_required()
            }
            options.update(STRATEGY_DEFAULTS.get(name, {}))
        self.pending = dataclasses.replace(
            self.pending, **{f"{role}_strategy": name, f"{role}_options": options}
        )
        return True

    def option_fields(self, role: str) -> list[tuple[str, str]]:
        """The editable options of `role`'s pending strategy: (key, kind 'int' or 'float')."""
        name, _ = self.pending.strategy(role)
        out = []
        for key in strategy_keys(name):
            kind = _option_kind(name, key)
            if kind is not None:
                out.append((key, kind))
        return out

    def set_option(self, role: str, key: str, text: str) -> bool:
        """Set option `key` of `role`'s pending strategy from the text of its field."""
        _check_role(role)
        name, options = self.pending.strategy(role)
        label = f"{role}.{key}"
        kind = _option_kind(name, key) if key in strategy_keys(name) else None
        if kind is None:
            self.errors[label] = f"{label}: strategy {name} has no editable option {key!r}"
            return False
        self.drafts[label] = text
        try:
            value: Any = _parse_number(text, kind)
        except ValueError:
            expected = "an integer" if kind == "int" else "a number"
            self.errors[label] = f"{label}: expected {expected}, found {text.strip()!r}"
            return False
        candidate = {**options, key: value}
        try:
            STRATEGIES[name].Options.model_validate(candidate)
        except ValidationError as error:
            self.errors[label] = f"{label}: {describe_error(error.errors()[0])}"
            return False
        self._accept(label)
        self.pending = dataclasses.replace(self.pending, **{f"{role}_options": candidate})
        return True

    def set_deterrence(self, value: float | str) -> bool:
        """Set the negotiator's deterrence (0 to 1)."""
        label = "negotiator.deterrence"
        low, high = DETERRENCE_RANGE
        try:
            number = _parse_number(value, "float") if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not low <= number <= high:
            self.drafts[label] = str(value)
            self.errors[label] = (
                f"{label}: expected a number from {low:g} to {high:g}, found {value!r}"
            )
            return False
        self._accept(label)
        self.pending = dataclasses.replace(self.pending, deterrence=number)
        return True

    def media_choices(self) -> list[str]:
        """Media ecologies the page offers: the presets, and the scenario's own if it differs."""
        spec = self.config.scenario_spec(self.pending.scenario)
        own = [SCENARIO_MEDIA] if media_choice(spec) == SCENARIO_MEDIA else []
        return own + list(MEDIA_PRESETS)

    def set_media(self, name: str) -> bool:
        """Choose the media ecology (a preset name or `SCENARIO_MEDIA`)."""
        if name not in self.media_choices():
            self.errors["media"] = (
                f"media: expected one of {', '.join(self.media_choices())}, found {name!r}"
            )
            return False
        self.errors.pop("media", None)
        self.pending = dataclasses.replace(self.pending, media=name)
        return True

    def set_observers(self, text: str | int) -> bool:
        """Set the observer count from the text of its field."""
        low, high = OBSERVER_RANGE
        value = self._integer("observers", text, low, high)
        if value is None:
            return False
        self.pending = dataclasses.replace(self.pending, observers=value)
        return True

    def set_seed(self, text: str | int) -> bool:
        """Set the base seed from the text of its field (an integer from 0 to 2**63 - 1)."""
        value = self._integer("seed", text, 0, SEED_MAX)
        if value is None:
            return False
        self.pending = dataclasses.replace(self.pending, seed=value)
        return True

    def draft(self, label: str) -> str:
        """The text a field shows: what was typed if it did not parse, else the pending value."""
        if label in self.drafts:
            return self.drafts[label]
        if label in ("seed", "observers"):
            return str(getattr(self.pending, label))
        if label == "negotiator.deterrence":
            return f"{self.pending.deterrence:g}"
        role, key = label.split(".", 1)
        return _format_option(self.pending.strategy(role)[1].get(key))

    def pending_changes(self) -> list[str]:
        """What the next reset changes, one line per setting (``seed: 1 → 2``)."""
        old, new = self.applied, self.pending
        lines = []
        if new.scenario != old.scenario:
            lines.append(f"scenario: {old.scenario} → {new.scenario}")
        for role in SIDES:
            if old.strategy(role) != new.strategy(role):
                lines.append(
                    f"{role} strategy: {_strategy_text(*old.strategy(role))} → "
                    f"{_strategy_text(*new.strategy(role))}"
                )
        if new.deterrence != old.deterrence:
            lines.append(f"negotiator deterrence: {old.deterrence:g} → {new.deterrence:g}")
        if new.media != old.media:
            lines.append(f"media ecology: {old.media} → {new.media}")
        if new.observers != old.observers:
            lines.append(f"observers: {old.observers:,} → {new.observers:,}")
        if new.seed != old.seed:
            lines.append(f"seed: {old.seed} → {new.seed}")
        return lines

    # ---------------------------------------------------------------------------------------
    # Running
    # ---------------------------------------------------------------------------------------

    def reset(self) -> bool:
        """A new model from the pending settings; on a problem keep the running one.

        Clears the interventions and the event log. Returns whether a new model was built.
        """
        if self.errors:
            self.problems = [
                "not reset: fix the fields first",
                *(self.errors[k] for k in sorted(self.errors)),
            ]
            return False
        try:
            model = _build_model(self.config, self.pending)
        except ConfigError as error:
            self.problems = [f"not reset: {line}" for line in error.lines]
            return False
        with self._lock:
            self._replace_model(model, self.pending)
        return True

    @property
    def step_count(self) -> int:
        """Steps taken by the running model."""
        return self.model.steps

    @property
    def horizon(self) -> int:
        """Steps the run lasts (the config's `steps`)."""
        return self.model.horizon

    @property
    def finished(self) -> bool:
        """Whether the run reached its horizon."""
        return self.model.steps >= self.model.horizon

    def step(self, count: int = 1, model: DiplomacyModel | None = None) -> int:
        """Advance up to `count` steps (not past the horizon); return the steps taken.

        With `model`, step only if that is still the running model (a play loop started before
        a reset must not step the new one).
        """
        done = 0
        with self._lock:
            if model is not None and model is not self.model:
                return 0
            model = self.model
            for _ in range(count):
                if model.steps >= model.horizon:
                    break
                forced = [state.intervention is not None for state in model.states]
                model.step()
                for state, flag in zip(model.states, forced, strict=True):
                    self.events.append(Event(model.steps, state.role, state.action, flag))
                self._record_redline()
                done += 1
        return done

    def intervention(self, role: str) -> Action | None:
        """The action forced on `role` from the next step on, or None (its strategy decides)."""
        _check_role(role)
        return self.model.states[SIDES.index(role)].intervention

    def intervene(self, role: str, action: Action | None) -> None:
        """Force `role`'s action from the next step on until the next call (None: strategy)."""
        _check_role(role)
        if action is not None and action not in INTERVENTIONS[role]:
            allowed = ", ".join(a.value for a in INTERVENTIONS[role])
            raise SessionError(f"{role}: expected one of {allowed}, found {action.value}")
        with self._lock:
            self.model.set_intervention(role, action)

    def dismiss_problems(self) -> None:
        """Clear the page-level messages."""
        self.problems = []

    # ---------------------------------------------------------------------------------------
    # Save as scenario
    # ---------------------------------------------------------------------------------------

    def timeline(self, role: str) -> dict[int, str]:
        """Side `role`'s actions so far as a scripted timeline: {step: action} at each change."""
        _check_role(role)
        timeline: dict[int, str] = {}
        previous = None
        for event in self.events:
            if event.role == role and event.action is not previous:
                timeline[event.step] = event.action.value
                previous = event.action
        return timeline

    def scenario_config(self, name: str = "dashboard_session") -> dict[str, Any]:
        """The session as an experiment config whose one scenario replays it exactly.

        Both sides follow `scripted` timelines of the actions they actually took; `model`
        holds the running model's resolved parameters; `seed` is the session's base seed and
        `steps` the steps taken, with one replication.

        Raises:
            SessionError: before the first step, for a bad name, or if the saved config would
                not rebuild the running model.
        """
        if not re.fullmatch(NAME_PATTERN, name or ""):
            raise SessionError(
                f"scenario name: expected only letters, digits, - and _, found {name!r}"
            )
        with self._lock:
            if self.model.steps < 1:
                raise SessionError("save as scenario: take at least one step first")
            spec = self.model.spec
            section = spec.to_dict()
            for role in SIDES:
                for key in [k for k in section[role] if k == "strategy" or k in ALL_STRATEGY_KEYS]:
                    del section[role][key]
            source = self.config_path.name if self.config_path else self.config.name
            data = {
                "name": name,
                "description": (
                    f"Both sides' actions in a dashboard session on {source} (scenario "
                    f"{self.applied.scenario}), replayed as scripted timelines"
                ),
                "steps": self.model.steps,
                "replications": 1,
                "seed": self.applied.seed,
                "model": section,
                "scenarios": {
                    name: {
                        role: {"strategy": "scripted", "timeline": self.timeline(role)}
                        for role in SIDES
                    }
                },
            }
            _check_replays(data, name, spec, self.model.seed)
        return data

    def scenario_yaml(self, name: str = "dashboard_session") -> str:
        """`scenario_config` as YAML text, with a header saying how to replay it."""
        data = self.scenario_config(name)
        header = (
            f"# Saved from the live dashboard: {data['description']}.\n"
            f"# Replay: python run.py batch {name}.yaml  (or: python run.py run {name}.yaml)\n"
        )
        return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    # ---------------------------------------------------------------------------------------
    # What the views draw
    # ---------------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The running model's tables now (see `Snapshot`), computed once per step."""
        with self._lock:
            model = self.model
            cached = self._snapshot
            if cached is not None and cached.key == (id(model), model.steps):
                return cached
            tables = model_tables(model)
            if self._network is None:
                self._network = _network_sample(model)
            net = self._network
            gap = model.legitimacy[0] - model.legitimacy[1]
            nodes = pd.DataFrame(
                {
                    "observer": net.nodes,
                    "x": net.x,
                    "y": net.y,
                    "gap": gap[net.nodes],
                    "bloc": np.asarray(model.bloc_names, dtype=object)[
                        model.observer_bloc[net.nodes]
                    ],
                    "elite": model.is_elite[net.nodes],
                }
            )
            events = pd.DataFrame(
                {
                    "step": [e.step for e in self.events],
                    "side": [e.role for e in self.events],
                    "action": [e.action.value for e in self.events],
                    "intervention": [e.intervention for e in self.events],
                }
            )
            steps, means, sds = (list(c) for c in zip(*self._redline, strict=True))
            mean, sd = np.array(means), np.array(sds)
            redline = pd.DataFrame(
                {
                    "step": steps,
                    "estimate": mean,
                    "sd": sd,
                    "low_95": mean - 1.96 * sd,
                    "high_95": mean + 1.96 * sd,
                }
            )
            self._snapshot = Snapshot(
                key=(id(model), model.steps),
                step=model.steps,
                horizon=model.horizon,
                observers=model.spec.observers,
                timeseries=tables.timeseries,
                blocs=tables.blocs,
                media=tables.media,
                events=events,
                redline=redline,
                true_red_line=float(model.red_line[1]),
                gap=gap,
                nodes=nodes,
                edges=net.edges,
            )
            return self._snapshot

    # ---------------------------------------------------------------------------------------
    # Internals
    # ---------------------------------------------------------------------------------------

    def _replace_model(self, model: DiplomacyModel, settings: Settings) -> None:
        self.model = model
        self.applied = self.pending = settings
        self.events = []
        self.drafts = {}
        self.errors = {}
        self.problems = []
        self._network = None
        self._snapshot = None
        self._record_start()

    def _record_start(self) -> None:
        self._redline = []
        self._record_redline()

    def _record_redline(self) -> None:
        m = self.model
        self._redline.append(
            (m.steps, float(m.redline_mean[0]), float(math.sqrt(m.redline_variance[0])))
        )

    def _accept(self, label: str) -> None:
        self.drafts.pop(label, None)
        self.errors.pop(label, None)

    def _integer(self, label: str, text: str | int, low: int, high: int) -> int | None:
        raw = str(text)
        try:
            value = int(raw.strip().replace("_", "").replace(",", ""))
        except ValueError:
            self.drafts[label] = raw
            self.errors[label] = (
                f"{label}: expected an integer from {low} to {high}, found {raw.strip()!r}"
            )
            return None
        if not low <= value <= high:
            self.drafts[label] = raw
            self.errors[label] = f"{label}: expected an integer from {low} to {high}, found {value}"
            return None
        self._accept(label)
        return value


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


def _build_model(config: ExperimentConfig, settings: Settings) -> DiplomacyModel:
    """The model of `settings` over `config`, with replicate 0's seed and the config's steps."""
    base = config.scenario_spec(settings.scenario).to_dict()
    spec, problems = resolve_model([("scenario", base), ("dashboard", settings.overrides())])
    if spec is None:
        raise ConfigError(problems)
    return DiplomacyModel(spec, rng=replicate_seed(settings.seed, 0), horizon=config.steps)


def _check_replays(data: dict[str, Any], name: str, spec: ModelSpec, run_seed: int) -> None:
    """Raise SessionError unless the saved config rebuilds `spec` (strategies aside)."""
    try:
        saved = load_config(data, source="saved scenario")
    except ConfigError as error:
        raise SessionError("; ".join(error.lines)) from None
    if _without_strategies(saved.scenario_spec(name)) != _without_strategies(spec):
        raise SessionError("saved scenario would not rebuild the running model's parameters")
    if replicate_seed(saved.seed, 0) != run_seed:
        raise SessionError("saved scenario would not reproduce the running model's seed")


def _without_strategies(spec: ModelSpec) -> dict[str, Any]:
    data = spec.to_dict()
    for role in SIDES:
        for key in [k for k in data[role] if k == "strategy" or k in ALL_STRATEGY_KEYS]:
            del data[role][key]
    return data


def _network_sample(model: DiplomacyModel) -> _Network:
    """Up to `NETWORK_SAMPLE` observers around observer 0 (breadth first), laid out once."""
    import networkx as nx

    indptr, indices = model.network_indptr, model.network_indices
    n = model.spec.observers
    if n <= NETWORK_SAMPLE:
        chosen = list(range(n))
    else:
        chosen, seen, frontier = [], {0}, [0]
        while frontier and len(chosen) < NETWORK_SAMPLE:
            node = frontier.pop(0)
            chosen.append(node)
            for j in indices[indptr[node] : indptr[node + 1]]:
                if int(j) not in seen:
                    seen.add(int(j))
                    frontier.append(int(j))
    nodes = np.array(sorted(chosen), dtype=np.int64)
    position = {int(v): i for i, v in enumerate(nodes)}
    pairs = []
    for v in nodes:
        for j in indices[indptr[v] : indptr[v + 1]]:
            if int(j) in position and v < j:
                pairs.append((int(v), int(j)))
    graph = nx.Graph()
    graph.add_nodes_from(int(v) for v in nodes)
    graph.add_edges_from(pairs)
    layout = nx.spring_layout(graph, seed=7, iterations=60)
    x = np.array([layout[int(v)][0] for v in nodes])
    y = np.array([layout[int(v)][1] for v in nodes])
    a = np.array([position[p] for p, _ in pairs], dtype=np.int64)
    b = np.array([position[q] for _, q in pairs], dtype=np.int64)
    edges = pd.DataFrame({"x": x[a], "y": y[a], "x2": x[b], "y2": y[b]})
    return _Network(nodes, x, y, edges)


def _check_role(role: str) -> None:
    if role not in SIDES:
        raise SessionError(f"role: expected one of {', '.join(SIDES)}, found {role!r}")


def _option_kind(strategy: str, key: str) -> str | None:
    fields = {(f.alias or k): f for k, f in STRATEGIES[strategy].Options.model_fields.items()}
    annotation = fields[key].annotation
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    return None


def _parse_number(text: str, kind: str) -> int | float:
    cleaned = str(text).strip().replace("_", "")
    if kind == "int":
        return int(cleaned)
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _format_option(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _strategy_text(name: str, options: Mapping[str, Any]) -> str:
    shown = {k: v for k, v in options.items() if k != "timeline"}
    if not shown:
        return name
    return f"{name} (" + ", ".join(f"{k} {_format_option(v)}" for k, v in shown.items()) + ")"
