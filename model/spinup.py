"""The spin-up's end state, kept per seed and observer set-up and reused (exactly).

Before step 0 a model runs `spin_up` weeks in which both sides hold `engage` and only the
observer rules act (MODEL_SPEC, "Spin-up"). What it reaches depends on the seed and on every
parameter except the strategies and the salience shocks, which act only from step 0. Scenarios
and design points that share those, with common random numbers, share the spin-up: its end
state is computed once per process and copied into each model that needs it.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.actions import SIDES

CACHE_BYTES = 256 * 2**20
"""Most bytes of observer arrays the cache keeps; the oldest entries go first."""


@dataclass(frozen=True)
class SpinUpState:
    """The model state the spin-up leaves: observer arrays, side stocks and stream states."""

    arrays: Mapping[str, np.ndarray]
    numbers: Mapping[str, Any]
    streams: Mapping[str, Any]

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return sum(a.nbytes for a in self.arrays.values())


class SpinUpCache:
    """A bounded, least-recently-used store of spin-up end states by key."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, int], SpinUpState] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[str, int]) -> SpinUpState | None:
        """The state stored under `key`, or None."""
        state = self._entries.get(key)
        if state is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return state

    def put(self, key: tuple[str, int], state: SpinUpState) -> None:
        """Store `state` (a copy), dropping the oldest entries beyond the byte limit."""
        if state.nbytes > self.max_bytes:
            return
        self._entries[key] = SpinUpState(
            {k: v.copy() for k, v in state.arrays.items()},
            copy.deepcopy(dict(state.numbers)),
            copy.deepcopy(dict(state.streams)),
        )
        while sum(s.nbytes for s in self._entries.values()) > self.max_bytes:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()


CACHE = SpinUpCache()
"""The process's spin-up cache (used by every `DiplomacyModel` built in the process)."""


def spin_up_key(spec_data: Mapping[str, Any]) -> str:
    """The part of a resolved model that the spin-up depends on, as canonical JSON.

    Everything but the sides' strategies and their options, the salience shocks and the
    outlets' bias schedule (neither acts before step 1).
    """
    import json

    data = copy.deepcopy(dict(spec_data))
    data.pop("salience_shocks", None)
    data.pop("bias_schedule", None)
    for role in SIDES:
        side = dict(data[role])
        side.pop("strategy", None)
        data[role] = side
    return json.dumps(data, sort_keys=True, separators=(",", ":"))
