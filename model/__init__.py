"""The diplomacy-legitimacy model: its container, rules, metrics and config schema.

`agents` (the states, outlets, observers, their actions and strategies) sits below this
package: the model imports it, and it imports nothing of the model.
"""

from agents.actions import Action
from model.config import ConfigError, ExperimentConfig, ModelSpec, load_config
from model.model import OUTPUT_COLUMNS, DiplomacyModel
from model.version import MODEL_VERSION

__all__ = [
    "MODEL_VERSION",
    "OUTPUT_COLUMNS",
    "Action",
    "ConfigError",
    "DiplomacyModel",
    "ExperimentConfig",
    "ModelSpec",
    "load_config",
]
