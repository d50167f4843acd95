"""Named random streams of one run, spawned from its seed (numpy SeedSequence).

Each process of the model draws only from its own stream, and draws the same number of values
every step whatever the actions, so a change in one side's choices (a scripted replay, an
intervention, another strategy) leaves the draws of every other process unchanged.
"""

from __future__ import annotations

import numpy as np

SEED_MAX = 2**63 - 1
"""The largest seed: a run's seed and a config's base seed are integers from 0 to SEED_MAX."""

STREAM_NAMES = (
    "initialization",
    "media",
    "peers",
    "signals",
    "choices_negotiator",
    "choices_adversary",
)
"""Stream names in spawn order; new streams are only ever appended, so old ones keep their draws."""


class RandomStreams:
    """The independent generators of one run, by name (`streams.media`, `streams["peers"]`)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        children = np.random.SeedSequence(seed).spawn(len(STREAM_NAMES))
        self._generators = {
            name: np.random.default_rng(child)
            for name, child in zip(STREAM_NAMES, children, strict=True)
        }

    def __getitem__(self, name: str) -> np.random.Generator:
        return self._generators[name]

    def __getattr__(self, name: str) -> np.random.Generator:
        try:
            return self._generators[name]
        except KeyError:
            raise AttributeError(name) from None

    def choices(self, role: str) -> np.random.Generator:
        """The choice stream of side `role`."""
        return self._generators[f"choices_{role}"]


def replicate_seed(base_seed: int, replicate: int) -> int:
    """The seed of replicate `replicate` of an experiment with seed `base_seed`.

    The same in every scenario and design point (common random numbers).
    """
    state = np.random.SeedSequence([base_seed, replicate]).generate_state(2, dtype=np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1]))
