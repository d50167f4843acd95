"""The diplomacy-legitimacy model: its container, rules, strategies, metrics and config schema.

The public names are loaded on first use, so that `agents` and `model` can import each
other's modules without a cycle.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Action": "model.actions",
    "ConfigError": "model.config",
    "ExperimentConfig": "model.config",
    "ModelSpec": "model.config",
    "load_config": "model.config",
    "DiplomacyModel": "model.model",
    "OUTPUT_COLUMNS": "model.model",
    "MODEL_VERSION": "model.version",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")
