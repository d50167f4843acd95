"""The dashboard's set-up form: what the browser typed, what parsed, what the next reset applies.

Every value comes from a browser and is hostile until checked: a choice must be one the page
offered, a number must parse and lie in its range (the parameter registry's, or the
dashboard's narrower one for observers), a strategy option must validate as a config's would.
A field that does not parse keeps its text (`drafts`) and one line naming the field and what
was expected (`errors`), and the last good value stays pending. Settings that need a new model
(scenario, strategies, the negotiator's deterrence, the media ecology, the observer count, the
seed, the lecture parameters of `KNOBS` and the mechanism switches) are `pending` until the
session resets; `applied` are those of the running model. The lecture parameters are the
registry's (`model.parameters`): their meaning and their range come from there, one source.
"""

from __future__ import annotations

import dataclasses
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from agents.actions import SIDES
from agents.strategies import STRATEGIES
from dashboards.knobs import KNOB_BY_LABEL, KNOBS, spec_value
from model.config import MEDIA_PRESETS, ExperimentConfig, ModelSpec, describe_error
from model.parameters import BY_NAME, MECHANISM_NAMES
from model.streams import SEED_MAX

SCENARIO_MEDIA = "as in the scenario"
"""Media-ecology choice that keeps the outlets the scenario sets."""

OBSERVER_RANGE = (10, 100_000)
"""Observer counts the dashboard accepts (a wider range exists for batch runs)."""

STRATEGY_DEFAULTS: dict[str, dict[str, Any]] = {
    "walk_away_at": {"at": 50},
    "add_conditions_at": {"at": 50},
    "costly_reassurance": {"concede_from": 20, "concede_for": 20},
    "sanction_every": {"every": 10, "from": 0},
    "adaptive": {"rationality": 5.0},
}
"""Option values a strategy starts with when chosen in the dashboard."""


class SessionError(ValueError):
    """An operation the session cannot do now (its message is shown in the page)."""


def check_role(role: str) -> None:
    """Raise SessionError unless `role` is one of the two sides."""
    if role not in SIDES:
        raise SessionError(f"role: expected one of {', '.join(SIDES)}, found {role!r}")


@dataclass(frozen=True)
class Settings:
    """Everything a new model is built from besides the config: the dashboard's set-up fields.

    `seed` is the config's base seed (the run seed is `replicate_seed(seed, 0)`); `media` is a
    preset name of `MEDIA_PRESETS` or `SCENARIO_MEDIA`; a side's options are its strategy's
    keys as a config spells them.
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
    parameters: Mapping[str, float] = field(default_factory=dict)
    mechanisms: Mapping[str, bool] = field(default_factory=dict)

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
            parameters={k.label: float(spec_value(spec, k.label)) for k in KNOBS},
            mechanisms={m: bool(getattr(spec.mechanisms, m)) for m in MECHANISM_NAMES},
        )

    def strategy(self, role: str) -> tuple[str, Mapping[str, Any]]:
        """The strategy name and options of side `role`."""
        return getattr(self, f"{role}_strategy"), getattr(self, f"{role}_options")

    def overrides(self) -> dict[str, Any]:
        """The dashboard's layer over the scenario's resolved model (config shape)."""
        layer: dict[str, Any] = {"observers": self.observers}
        for role in SIDES:
            name, options = self.strategy(role)
            layer[role] = {"strategy": name, **options}
        layer["negotiator"]["deterrence"] = self.deterrence
        if self.media != SCENARIO_MEDIA:
            layer["media"] = self.media
        for label, value in self.parameters.items():
            *path, key = label.split(".")
            place = layer
            for step in path:
                place = place.setdefault(step, {})
            place[key] = value
        if self.mechanisms:
            layer["mechanisms"] = dict(self.mechanisms)
        return layer


def media_choice(spec: ModelSpec) -> str:
    """The preset name whose outlets `spec` has, or `SCENARIO_MEDIA`."""
    outlets = [o.model_dump() for o in spec.media]
    for name, preset in MEDIA_PRESETS.items():
        if outlets == [dict(o) for o in preset]:
            return name
    return SCENARIO_MEDIA


@dataclass(eq=False)
class SetupForm:
    """The set-up fields of one session over `config`: applied, pending, drafts and errors."""

    config: ExperimentConfig
    applied: Settings
    pending: Settings
    drafts: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_scenario(cls, config: ExperimentConfig, scenario: str, seed: int) -> SetupForm:
        """A form whose applied and pending settings reproduce `scenario` with base `seed`."""
        return cls.of_settings(config, Settings.of_scenario(config, scenario, seed))

    @classmethod
    def of_settings(cls, config: ExperimentConfig, settings: Settings) -> SetupForm:
        """A form whose applied and pending settings are `settings`, every field as it parsed."""
        return cls(config, settings, settings)

    def set_scenario(self, name: str) -> bool:
        """Choose a scenario: its strategies, deterrence, media and observers become pending."""
        if name not in self.config.scenarios:
            self.errors["scenario"] = (
                f"scenario: expected one of {', '.join(self.config.scenarios)}, found {name!r}"
            )
            return False
        self.errors.pop("scenario", None)
        self._forget(lambda label: label.split(".")[0] in SIDES)
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
        check_role(role)
        choices = self.strategy_choices(role)
        if name not in choices:
            self.errors[f"{role}.strategy"] = (
                f"{role}.strategy: expected one of {', '.join(choices)}, found {name!r}"
            )
            return False
        self.errors.pop(f"{role}.strategy", None)
        self._forget(lambda label: label.startswith(role + "."))
        chosen = self.config.scenario_spec(self.pending.scenario).side(role).strategy
        if chosen.name == name:
            options = chosen.config_values()
        else:
            options = {
                **STRATEGIES[name].Options.config_defaults(),
                **STRATEGY_DEFAULTS.get(name, {}),
            }
        self.pending = dataclasses.replace(
            self.pending, **{f"{role}_strategy": name, f"{role}_options": options}
        )
        return True

    def option_fields(self, role: str) -> list[tuple[str, str]]:
        """The editable options of `role`'s pending strategy: (key, kind 'int' or 'float')."""
        name, _ = self.pending.strategy(role)
        return list(STRATEGIES[name].Options.number_keys().items())

    def set_option(self, role: str, key: str, text: str) -> bool:
        """Set option `key` of `role`'s pending strategy from the text of its field."""
        check_role(role)
        name, options = self.pending.strategy(role)
        label = f"{role}.{key}"
        kind = STRATEGIES[name].Options.number_keys().get(key)
        if kind is None:
            self.errors[label] = f"{label}: strategy {name} has no editable option {key!r}"
            return False
        self.drafts[label] = text
        try:
            value: Any = parse_number(text, kind)
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
        """Set the negotiator's deterrence (within the registry's range)."""
        label = "negotiator.deterrence"
        low, high = deterrence_range()
        try:
            number = parse_number(value, "float") if isinstance(value, str) else float(value)
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
        value = self._integer("observers", text, *OBSERVER_RANGE)
        if value is None:
            return False
        self.pending = dataclasses.replace(self.pending, observers=value)
        return True

    def set_seed(self, text: str | int) -> bool:
        """Set the base seed from the text of its field (an integer from 0 to SEED_MAX)."""
        value = self._integer("seed", text, 0, SEED_MAX)
        if value is None:
            return False
        self.pending = dataclasses.replace(self.pending, seed=value)
        return True

    def set_parameter(self, label: str, value: float | str) -> bool:
        """Set the lecture parameter at `label` (one of `KNOBS`) within the registry's range."""
        knob = KNOB_BY_LABEL.get(label)
        if knob is None:
            self.errors["parameter"] = "parameter: expected one of the parameters offered"
            return False
        low, high = knob.range
        try:
            if isinstance(value, bool):
                raise TypeError(value)
            number = parse_number(value, "float") if isinstance(value, str) else float(value)
        except (TypeError, ValueError, OverflowError):
            number = math.nan
        if not low <= number <= high:
            shown = str(value)[:20]
            self.errors[label] = (
                f"{label}: expected a number from {low:g} to {high:g}, found {shown!r}"
            )
            return False
        self._accept(label)
        self.errors.pop("parameter", None)
        parameters = {**self.pending.parameters, label: number}
        self.pending = dataclasses.replace(self.pending, parameters=parameters)
        return True

    def set_mechanism(self, name: str, on: bool) -> bool:
        """Switch mechanism `name` (one of the registry's) on or off."""
        label = f"mechanisms.{name}"
        if name not in MECHANISM_NAMES:
            self.errors["mechanisms"] = "mechanisms: expected one of the switches offered"
            return False
        if not isinstance(on, bool):
            self.errors[label] = f"{label}: expected on or off, found {str(on)[:20]!r}"
            return False
        self._accept(label)
        self.errors.pop("mechanisms", None)
        mechanisms = {**self.pending.mechanisms, name: on}
        self.pending = dataclasses.replace(self.pending, mechanisms=mechanisms)
        return True

    def restore_scenario(self) -> None:
        """Every pending setting back to the scenario's own (the seed stays)."""
        self.drafts.clear()
        self.errors.clear()
        self.pending = Settings.of_scenario(self.config, self.pending.scenario, self.pending.seed)

    def new_seed(self) -> int:
        """A new random base seed, pending until Reset; returns it."""
        seed = secrets.randbelow(SEED_MAX + 1)
        while seed == self.pending.seed:
            seed = secrets.randbelow(SEED_MAX + 1)
        self._accept("seed")
        self.pending = dataclasses.replace(self.pending, seed=seed)
        return seed

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
        for knob in KNOBS:
            before, after = old.parameters.get(knob.label), new.parameters.get(knob.label)
            if before != after:
                lines.append(f"{knob.label}: {_format_option(before)} → {_format_option(after)}")
        for name in MECHANISM_NAMES:
            before, after = old.mechanisms.get(name), new.mechanisms.get(name)
            if before != after:
                lines.append(f"mechanism {name}: {_on_off(before)} → {_on_off(after)}")
        return lines

    def _accept(self, label: str) -> None:
        self.drafts.pop(label, None)
        self.errors.pop(label, None)

    def _forget(self, matches: Any) -> None:
        """Drop the drafts and errors of the fields whose label `matches`."""
        for table in (self.drafts, self.errors):
            for label in [k for k in table if matches(k)]:
                del table[label]

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


def deterrence_range() -> tuple[float, float]:
    """The range a side's deterrence may take (the parameter registry's)."""
    parameter = BY_NAME["deterrence"]
    return float(parameter.low), float(parameter.high)


def parse_number(text: str, kind: str) -> int | float:
    """The number a field's text holds (``int`` or a finite ``float``); ValueError if none."""
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


def _on_off(value: bool | None) -> str:
    return "on" if value else "off"


def _strategy_text(name: str, options: Mapping[str, Any]) -> str:
    shown = {k: v for k, v in options.items() if k != "timeline"}
    if not shown:
        return name
    return f"{name} (" + ", ".join(f"{k} {_format_option(v)}" for k, v in shown.items()) + ")"
