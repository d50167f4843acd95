"""The diplomacy-legitimacy model: its container, rules, strategies, metrics and config schema."""

from model.actions import Action
from model.config import ConfigError, ExperimentConfig, ModelSpec, load_config
from model.model import OUTPUT_COLUMNS, DiplomacyModel

__all__ = [
    "OUTPUT_COLUMNS",
    "Action",
    "ConfigError",
    "DiplomacyModel",
    "ExperimentConfig",
    "ModelSpec",
    "load_config",
]
