"""Mesa agent classes (the two states, the media outlets, the observers) and how states choose.

This package sits below `model`: the model imports it, and it imports nothing of the model.
The vocabulary both share lives here, with the agents who use it: the actions and roles
(`agents.actions`) and the strategies (`agents.strategies`, including the adaptive
strategy's logit choice), since a strategy is how a state chooses its action. The rules of
MODEL_SPEC that turn actions into evidence, news and legitimacy are the model's
(`model.rules`). An agent knows its model only through the arrays it views (`ArrayView`), so
the import graph has no cycle and needs no deferred import.
"""

from agents.media_outlet import MediaOutlet
from agents.observer import Observer
from agents.state import State

__all__ = ["MediaOutlet", "Observer", "State"]
