"""Rule 12: the crisis index, a cumulative index of war by miscalculation (Fearon 1995)."""

from __future__ import annotations


def crisis_hazard(
    base: float,
    provocation: bool,
    misperception: float,
    talks: bool,
    provocation_weight: float,
    misperception_weight: float,
    talks_relief: float,
) -> float:
    """h_t = h_0 (1 + beta_r [provocation]) (1 + beta_e e) (1 - beta_o [talks]).

    `misperception` e is the mean over sides of |pi - [other is preparing]|.
    """
    return (
        base
        * (1.0 + provocation_weight * provocation)
        * (1.0 + misperception_weight * misperception)
        * (1.0 - talks_relief * talks)
    )


def update_crisis_index(index: float, hazard: float) -> float:
    """crisis_index = 1 - prod_t (1 - h_t), updated one step."""
    return 1.0 - (1.0 - index) * (1.0 - hazard)
