"""The docked reference implementation: the observer rules the plain Mesa way, one agent each.

`ReferenceDiplomacyModel` (`tools.reference.model`) steps `ReferenceObserver` agents
(`tools.reference.observer`) instead of the model's whole-array rules; tests/test_docking.py
holds the two side by side, and benchmarks/bench_scale.py times them.
"""

from tools.reference.model import ReferenceDiplomacyModel
from tools.reference.observer import ReferenceObserver

__all__ = ["ReferenceDiplomacyModel", "ReferenceObserver"]
