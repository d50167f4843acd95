"""A side's strategy: the flat keys of a config and the typed choice of a resolved spec.

INTERFACE.md writes a side's strategy flat among its parameters (``adversary: {strategy:
walk_away_at, at: 50, deterrence: 1.0}``); a resolved `SideSpec` holds it as one
`StrategyChoice` (``WalkAwayAtOptions(name="walk_away_at", at=50)``). `split_strategy` turns
the first into the second, validating the strategy's keys; `flat_strategy` turns it back.
Nowhere else are the two spellings converted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from agents.strategies import (
    ALL_STRATEGY_KEYS,
    STRATEGIES,
    StrategyOptions,
    choose_strategy,
    strategy_keys,
)
from model.config.errors import describe_error, found
from model.parameters import SIDE_PARAMETERS

SIDE_KEYS = frozenset({"strategy", "multilateral"} | {p.path[0] for p in SIDE_PARAMETERS})
"""The keys of a side's mapping besides its strategy's own keys."""

DEFAULT_STRATEGY = "always_engage"
"""The strategy of a side that a config does not give one."""

Where = Callable[[tuple[Any, ...], tuple[Any, ...] | None], str]
"""Where a problem at a key path (and the key to blame when it was never set) is in the config."""


def flat_strategy(choice: StrategyOptions) -> dict[str, Any]:
    """A side's strategy as a config spells it: ``{strategy: name, <its keys>...}``."""
    return {"strategy": choice.name, **choice.config_values()}


def split_strategy(side: dict[str, Any], role: str, where: Where) -> list[str]:
    """Replace a side's flat strategy keys by its validated `StrategyChoice`; return problems.

    `side` is the merged mapping of side `role`; afterwards its ``strategy`` holds the choice
    and no strategy key is left beside it. Each problem names the key's place (`where`).
    """
    name = side.get("strategy")
    if not isinstance(name, str) or name not in STRATEGIES:
        for key in [k for k in side if k in ALL_STRATEGY_KEYS]:
            del side[key]
        return [
            f"{where((role, 'strategy'), None)}: expected one of {', '.join(STRATEGIES)}, "
            f"found {found(name)}"
        ]
    problems = []
    taken = strategy_keys(name)
    keys = {}
    for key in list(side):
        if key in SIDE_KEYS:
            continue
        if key in ALL_STRATEGY_KEYS and key not in taken:
            takes = ", ".join(taken) if taken else "no keys"
            problems.append(
                f"{where((role, key), None)}: strategy {name} does not take key {key!r} "
                f"(it takes {takes})"
            )
        elif key in taken:
            keys[key] = side[key]
        else:
            allowed = ", ".join(sorted(SIDE_KEYS | set(taken)))
            problems.append(f"{where((role, key), None)}: unknown key (expected one of {allowed})")
        del side[key]
    try:
        side["strategy"] = choose_strategy(name, keys)
    except ValidationError as error:
        for e in error.errors():
            loc = (role, *e["loc"][1:])  # the first place is the strategy's name
            anchor = (role, "strategy") if e["type"] == "missing" else None
            problems.append(f"{where(loc, anchor)}: {describe_error(e)}")
    return problems
