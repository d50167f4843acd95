"""The registry parameters the set-up panel offers a lecturer, grouped as the panel shows them.

A data table: each `Knob` names a parameter of the registry (`model.parameters`) and where it
sits in a config; its range and its meaning are read from the registry, one source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from model.config import ModelSpec
from model.parameters import BY_NAME


@dataclass(frozen=True)
class Knob:
    """A registry parameter the set-up panel offers: where it sits in a config, and its words.

    `label` is its path in a config's `model` section (``dynamics.event_rate``,
    ``adversary.hawkishness``, ``elite_share``); `parameter` its registry name; `group` the
    panel section it sits in; `title` a short name on the page.
    """

    label: str
    parameter: str
    group: str
    title: str

    @property
    def range(self) -> tuple[float, float]:
        """The values it may take (the registry's)."""
        entry = BY_NAME[self.parameter]
        return float(entry.low), float(entry.high)

    @property
    def meaning(self) -> str:
        """What it means (the registry's words)."""
        return BY_NAME[self.parameter].meaning


KNOBS: tuple[Knob, ...] = (
    Knob("adversary.deterrence", "deterrence", "The sides", "Adversary (A) deterrence"),
    Knob("adversary.hawkishness", "hawkishness", "The sides", "Adversary (A) hawkishness"),
    Knob(
        "negotiator.initial_legitimacy.mean",
        "initial_legitimacy.mean",
        "The sides",
        "Negotiator (N) starting legitimacy",
    ),
    Knob(
        "adversary.initial_legitimacy.mean",
        "initial_legitimacy.mean",
        "The sides",
        "Adversary (A) starting legitimacy",
    ),
    Knob("elite_share", "elite_share", "Observers", "Share of elites"),
    Knob(
        "dynamics.strength_orientation_mean",
        "strength_orientation_mean",
        "Observers",
        "Taste for strength over good faith",
    ),
    Knob("dynamics.peer_rate", "peer_rate", "Observers", "Pull of neighbours"),
    Knob("dynamics.anchoring", "anchoring", "Observers", "Pull back to first images"),
    Knob("dynamics.attribution_bias", "attribution_bias", "Observers", "Attribution bias"),
    Knob("dynamics.event_rate", "event_rate", "News and media", "Weight of direct news"),
    Knob("dynamics.media_rate", "media_rate", "News and media", "Weight of media reports"),
    Knob("dynamics.media_slant", "media_slant", "News and media", "Media slant"),
    Knob(
        "dynamics.selective_exposure",
        "selective_exposure",
        "News and media",
        "Choosing like-minded outlets",
    ),
    Knob("dynamics.contrast", "contrast", "Judging the sides", "Weight of the contrast"),
    Knob("dynamics.talk_fatigue", "talk_fatigue", "Judging the sides", "Talk fatigue"),
    Knob("dynamics.justified_exit", "justified_exit", "Judging the sides", "Justified exit"),
    Knob("dynamics.blame_rate", "blame_rate", "Judging the sides", "Speed of blame"),
    Knob("dynamics.hazard_base", "hazard_base", "Crisis", "Base weekly crisis hazard"),
)
"""The registry parameters a lecturer would change, grouped as the set-up panel shows them."""

KNOB_BY_LABEL: dict[str, Knob] = {knob.label: knob for knob in KNOBS}


def knob_groups() -> list[tuple[str, list[Knob]]]:
    """The knobs by group, in panel order."""
    groups: dict[str, list[Knob]] = {}
    for knob in KNOBS:
        groups.setdefault(knob.group, []).append(knob)
    return list(groups.items())


def spec_value(spec: ModelSpec, label: str) -> Any:
    """The value at config path `label` of a resolved model."""
    value: Any = spec
    for key in label.split("."):
        value = getattr(value, key)
    return value
