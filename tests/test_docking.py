"""Docking (Axtell, Axelrod, Epstein & Cohen 1996): the array model against the reference.

`tools.reference.ReferenceDiplomacyModel` applies the observer rules (3-8) the straightforward
Mesa way, each observer a self-stepping agent with plain-float state, over `shuffle_do`, and
runs its spin-up through those agents.

- With ``draws="as_array"`` both implementations draw the same numbers in the same order, and
  every table of every run must be equal to the last bit, across strategies, events, deals,
  media ecologies, peer models, with the spin-up on and off and with each mechanism switched
  off; the array model must also be equal when its spin-up comes from the process's cache.
- With ``draws="per_agent"`` (each agent draws its own numbers in the shuffled order) the two
  agree only in distribution. Over 30 seeds, at several steps, the mean of each main output
  must agree within Monte Carlo error: the paired t interval of the difference (the arms share
  their seeds, hence their initial observers, network, states and signals) covers zero at a
  Bonferroni-corrected level, and the mean difference is small in absolute terms. Side-level
  outputs that do not depend on the observers must match exactly.
- The same statistic detects a deliberately changed rule: reference observers that let
  attention scale the standing trickle of held postures (which rule 4 forbids), against the
  array model.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from ensemble import make_spec, paired_interval, seeds

from agents import Observer
from model.live import model_tables
from model.model import DiplomacyModel
from model.parameters import MECHANISM_NAMES
from model.spinup import CACHE
from tools.reference import ReferenceDiplomacyModel, ReferenceObserver

OBSERVERS = 250
STEPS = 120
REPLICATES = 30
CHECK_STEPS = (20, 40, 60, 80, 100, 120)
FAMILY_LEVEL = 0.05

TOLERANCE = {
    "legitimacy_negotiator": 0.003,
    "legitimacy_adversary": 0.003,
    "blame_adversary": 0.003,
    "narrative_share": 0.015,
    "polarization": 0.002,
}
"""The main outputs and how far apart their mean trajectories may be (absolute)."""

OBSERVER_FREE = (
    "step",
    "action_negotiator",
    "action_adversary",
    "talks",
    "salience",
    "belief_error_negotiator",
    "belief_error_adversary",
    "redline_uncertainty_negotiator",
    "redline_uncertainty_adversary",
    "deal_progress",
    "redline_crossings",
    "crisis_index",
)
"""Outputs computed by shared side-level code that never reads the observers (with fixed
strategies): equal run by run."""

WALKOUT = {"adversary": {"strategy": "walk_away_at", "at": 50}}
SCENARIOS = {"baseline": {}, "walkout": WALKOUT}

EXACT_SCENARIOS = {
    "baseline": {},
    "walkout": WALKOUT,
    "tit_for_tat": {
        "negotiator": {"strategy": "tit_for_tat"},
        "adversary": {"strategy": "walk_away_at", "at": 30},
    },
    "adaptive": {
        "negotiator": {"strategy": "adaptive"},
        "adversary": {"strategy": "adaptive", "rationality": 2.0},
    },
    "costly_reassurance": {
        "negotiator": {"strategy": "costly_reassurance", "concede_from": 20, "concede_for": 30},
        "adversary": {"strategy": "walk_away_at", "at": 70},
    },
    "sanction_every": {"adversary": {"strategy": "sanction_every", "every": 10, "from": 20}},
    "multilateral_sanctions": {
        "adversary": {"strategy": "sanction_every", "every": 7, "multilateral": True}
    },
    "silent": {"negotiator": {"strategy": "silent"}, "adversary": {"strategy": "silent"}},
    "scripted": {
        "adversary": {
            "strategy": "scripted",
            "timeline": {
                10: "add_conditions",
                25: "escalate_rhetoric",
                40: "walk_away",
                55: "concede",
                70: "sanction",
                80: "engage",
            },
        }
    },
    "backfire": {**WALKOUT, "media": "polarized", "mechanisms": {"backfire": True}},
    "hegselmann_krause": {**WALKOUT, "peer_model": "hegselmann_krause"},
    "no_elites": {**WALKOUT, "elite_share": 0.0},
    "excused_walkout": {
        "negotiator": {"strategy": "scripted", "timeline": {22: "walk_away", 40: "engage"}},
        "adversary": {"strategy": "scripted", "timeline": {20: "escalate_rhetoric"}},
    },
    "deals": {"dynamics": {"progress_rate": 0.2}},
    "dependence": {**WALKOUT, "dynamics": {"dependence": 0.5}},
    "salience_shocks": {"salience_shocks": {15: 0.9, 60: 0.5}},
    "no_spin_up": {**WALKOUT, "dynamics": {"spin_up": 0}},
    **{
        f"{name}_off": {"adversary": {"strategy": "adaptive"}, "mechanisms": {name: False}}
        for name in MECHANISM_NAMES
    },
}


class AttentiveTrickleObserver(ReferenceObserver):
    """A deliberately changed rule: attention S also scales the standing trickle."""

    def absorb(self, s: int, act: float, standing: float, salience: float) -> None:
        """Rule 4 with x^s += alpha_e S M news + alpha_u S u (instead of alpha_u u)."""
        super().absorb(s, act, salience * standing, salience)


class AttentiveTrickleModel(ReferenceDiplomacyModel):
    """The reference with `AttentiveTrickleObserver` observers."""

    observer_class = AttentiveTrickleObserver


IMPLEMENTATIONS = {
    "array": DiplomacyModel,
    "reference": ReferenceDiplomacyModel,
    "changed_rule": AttentiveTrickleModel,
}


def _tables(model_class, spec, seed, steps, **options):
    model = model_class(spec, rng=seed, horizon=steps, **options)
    model.run_for(steps)
    return model_tables(model)


@functools.cache
def _ensemble(implementation: str, scenario: str):
    spec = make_spec(observers=OBSERVERS, **SCENARIOS[scenario])
    model_class = IMPLEMENTATIONS[implementation]
    return [_tables(model_class, spec, s, STEPS).timeseries for s in seeds(REPLICATES)]


def _compare(first, second):
    """Paired intervals of second - first for every main output and check step.

    Returns rows (output, step, mean, low, high) at the Bonferroni-corrected level of one
    scenario's family of comparisons.
    """
    level = 1.0 - FAMILY_LEVEL / (len(TOLERANCE) * len(CHECK_STEPS) * len(SCENARIOS))
    rows = []
    for column in TOLERANCE:
        for step in CHECK_STEPS:
            a = np.array([run[column].iloc[step] for run in first])
            b = np.array([run[column].iloc[step] for run in second])
            rows.append((column, step, *paired_interval(b, a, level)))
    return rows


# -------------------------------------------------------------------------------------------
# Exact docking: the same numbers in the same order give the same runs
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", sorted(EXACT_SCENARIOS))
def test_reference_with_array_draws_reproduces_the_array_model_exactly(scenario):
    spec = make_spec(observers=150, **EXACT_SCENARIOS[scenario])
    reference = _tables(ReferenceDiplomacyModel, spec, 11, 90, draws="as_array")
    hits = CACHE.hits
    for _ in range(2):  # the second time the array model's spin-up comes from the cache
        array = _tables(DiplomacyModel, spec, 11, 90)
        pd.testing.assert_frame_equal(reference.timeseries, array.timeseries, check_exact=True)
        pd.testing.assert_frame_equal(reference.blocs, array.blocs, check_exact=True)
        pd.testing.assert_frame_equal(reference.media, array.media, check_exact=True)
    assert CACHE.hits > hits or spec.dynamics.spin_up == 0


def test_reference_spin_up_runs_through_its_observers_and_skips_the_cache():
    hits, misses = CACHE.hits, CACHE.misses
    spun = ReferenceDiplomacyModel(make_spec(observers=60, **WALKOUT), rng=8)
    unspun = ReferenceDiplomacyModel(
        make_spec(observers=60, dynamics={"spin_up": 0}, **WALKOUT), rng=8
    )
    assert (CACHE.hits, CACHE.misses) == (hits, misses)
    assert all(o.logodds != o.logodds_initial for o in spun.observers)
    assert all(o.logodds == o.logodds_initial for o in unspun.observers)
    assert spun.logodds.tolist() == [[o.logodds[s] for o in spun.observers] for s in range(2)]


def test_reference_observers_are_self_stepping_agents_with_their_own_state():
    model = ReferenceDiplomacyModel(make_spec(observers=40, **WALKOUT), rng=3)
    observers = model.agents_by_type[ReferenceObserver]
    assert len(observers) == 40
    assert all(type(o) is ReferenceObserver for o in model.observers)
    assert Observer not in model.agents_by_type  # no array views in the reference
    assert all(isinstance(o.legitimacy[0], float) for o in model.observers)
    before = [list(o.legitimacy) for o in model.observers]
    model.run_for(60)
    after = [list(o.legitimacy) for o in model.observers]
    assert before != after
    # The model's arrays are the agents' values (copied once the observer phases are over).
    assert model.legitimacy[1].tolist() == [o.legitimacy_adversary for o in model.observers]
    assert model.blame.tolist() == [o.blame_adversary for o in model.observers]


def test_per_agent_draws_differ_from_the_array_model_run_by_run():
    """Otherwise the statistical docking below would be an exact one in disguise."""
    spec = make_spec(observers=100, **WALKOUT)
    array = _tables(DiplomacyModel, spec, 5, 60).timeseries
    reference = _tables(ReferenceDiplomacyModel, spec, 5, 60).timeseries
    assert not np.array_equal(
        array["legitimacy_adversary"].to_numpy(), reference["legitimacy_adversary"].to_numpy()
    )


def test_reference_rejects_an_unknown_draw_order():
    with pytest.raises(ValueError, match="draws: expected one of per_agent, as_array"):
        ReferenceDiplomacyModel(make_spec(observers=10), rng=1, draws="shuffled")


# -------------------------------------------------------------------------------------------
# Statistical docking: per-agent draws agree in distribution
# -------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_mean_trajectories_agree_within_monte_carlo_error(scenario):
    array = _ensemble("array", scenario)
    reference = _ensemble("reference", scenario)
    failures = [
        f"{column} at {step}: reference - array {mean:+.4f} [{low:+.4f}, {high:+.4f}]"
        for column, step, mean, low, high in _compare(array, reference)
        if not (low <= 0.0 <= high and abs(mean) < TOLERANCE[column])
    ]
    assert not failures, f"{scenario}: " + "; ".join(failures)
    for a, r in zip(array, reference, strict=True):
        pd.testing.assert_frame_equal(
            r.loc[:, list(OBSERVER_FREE)], a.loc[:, list(OBSERVER_FREE)], check_exact=True
        )


@pytest.mark.slow
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_same_statistic_detects_a_changed_rule(scenario):
    array = _ensemble("array", scenario)
    changed = _ensemble("changed_rule", scenario)
    detected = sorted(
        {column for column, _, _, low, high in _compare(array, changed) if not low <= 0.0 <= high}
    )
    assert {"legitimacy_negotiator", "legitimacy_adversary"} <= set(detected), (
        f"{scenario}: attention scaling the standing trickle is detected only in {detected}"
    )
