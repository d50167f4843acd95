"""Argument types and exit statuses shared by the commands of `run.py`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from model.streams import SEED_MAX

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
FORCE_HELP = (
    "accept a config past the limits on planned runs and estimated memory "
    "(see experiments/limits.py)"
)
"""Help of `--force` (validate, run, batch)."""


def integer(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer from `low` to `high` (no upper end when `high` is None).

    Its error says what was expected and what was found, e.g. ``expected an integer >= 1,
    found '1.5'``; argparse names the option in front of it.
    """
    expected = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, found {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected {expected}, found {value}")
        return value

    parse.__name__ = "integer"
    return parse


seed = integer(0, SEED_MAX)
"""A run seed: an integer from 0 to `model.config.SEED_MAX`."""
positive_int = integer(1)
"""An integer >= 1."""
non_negative_int = integer(0)
"""An integer >= 0 (a step)."""
port_number = integer(1, 65535)
"""A TCP port."""
