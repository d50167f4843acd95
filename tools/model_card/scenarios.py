"""The scenarios of the model card: the essay's contestable claims as named `model` layers.

A layer is a mapping in the shape of a config's `model` section (or a scenario), merged over the
defaults. The claims table (`tools.model_card.claims_table`), the claim maps
(`tools.model_card.mapping`) and the Sobol config (`tools.model_card.drivers`) build on these, so
that each claim means the same comparison everywhere. Scenario names follow the shipped configs
(`adversary_walks`, `both_engage`, ...), so that `run.py compare` recognises the claims of
`experiments.claims` in a batch of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Layer = Mapping[str, Any]


def deep_merge(*layers: Layer) -> dict[str, Any]:
    """Merge mappings key by key (later wins), for stacking a scenario over a condition."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
                out[key] = deep_merge(out[key], value)
            else:
                out[key] = dict(value) if isinstance(value, Mapping) else value
    return out


WALKOUT_STEP = 50
"""When the adversary walks away (or talks start) in the card's scenarios."""
CONCEDE_FROM, CONCEDE_FOR = 20, 20
"""The negotiator's concession window: weeks 20-39."""

BOTH_ENGAGE: Layer = {}


def adversary_walks(at: int = WALKOUT_STEP) -> Layer:
    """The adversary walks away at `at`; the negotiator keeps engaging."""
    return {"adversary": {"strategy": "walk_away_at", "at": at}}


def negotiator_tit_for_tat(at: int = WALKOUT_STEP) -> Layer:
    """The adversary walks away at `at`; the negotiator answers in kind (tit-for-tat)."""
    return deep_merge(adversary_walks(at), {"negotiator": {"strategy": "tit_for_tat"}})


def reassure_then_adversary_walks(at: int = WALKOUT_STEP) -> Layer:
    """The negotiator concedes in weeks 20-39, then engages; the adversary walks away at `at`."""
    reassure = {
        "strategy": "costly_reassurance",
        "concede_from": CONCEDE_FROM,
        "concede_for": CONCEDE_FOR,
    }
    return deep_merge(adversary_walks(at), {"negotiator": reassure})


NEGOTIATOR_SILENT: Layer = {"negotiator": {"strategy": "silent"}}
"""The negotiator stays silent; the adversary engages (waits alone at the table)."""


def talks_from(at: int = WALKOUT_STEP) -> Layer:
    """The negotiator is silent until `at`, then engages: talks start at `at`."""
    return {"negotiator": {"strategy": "scripted", "timeline": {0: "silent", at: "engage"}}}


def media_walkout(preset: str, at: int = WALKOUT_STEP) -> Layer:
    """The adversary walks away at `at` under the media preset `preset`."""
    return deep_merge(adversary_walks(at), {"media": preset})


def media_engage(preset: str) -> Layer:
    """Both sides engage under the media preset `preset`."""
    return {"media": preset}


def sanctions(every: int = 2, multilateral: bool = False, start: int = WALKOUT_STEP) -> Layer:
    """The adversary engages and sanctions every `every` weeks from `start` (a dual track)."""
    return {
        "adversary": {
            "strategy": "sanction_every",
            "every": every,
            "from": start,
            "multilateral": multilateral,
        }
    }


SILENT_BOTH: Layer = {"negotiator": {"strategy": "silent"}, "adversary": {"strategy": "silent"}}
"""No channel: both sides silent."""

VERIFICATION: Layer = {
    "mechanisms": {
        "talk_fatigue": False,
        "justified_exit": False,
        "backfire": False,
        "deals": False,
        "weight_signal": False,
    }
}
"""MODEL_SPEC's verification settings: rivals, deals and the weight signal off."""

SOBOL_SCENARIOS: dict[str, Layer] = {
    "both_engage": BOTH_ENGAGE,
    "adversary_walks": adversary_walks(),
    "negotiator_tit_for_tat": negotiator_tit_for_tat(),
    "reassure_then_adversary_walks": reassure_then_adversary_walks(),
    "negotiator_silent": NEGOTIATOR_SILENT,
    "talks_from_50": talks_from(),
    "neutral_media": media_walkout("neutral"),
    "polarized_media": media_walkout("polarized"),
    "unilateral_sanctions": sanctions(),
}
"""The scenarios of the Sobol analysis (configs/sensitivity.yaml), by name."""
