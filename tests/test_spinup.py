"""The spin-up: weeks before step 0 with both sides engaging, computed once per seed and set-up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ensemble import make_spec

from model.config import ConfigError, load_config
from model.model import DiplomacyModel
from model.spinup import CACHE, SpinUpCache, SpinUpState, spin_up_key

WALKS = {"strategy": "walk_away_at", "at": 5}


def _frame(spec, seed=3, steps=20) -> pd.DataFrame:
    model = DiplomacyModel(spec, rng=seed, horizon=steps)
    model.run_model()
    return model.datacollector.get_model_vars_dataframe()


def test_without_a_spin_up_step_zero_holds_the_drawn_values():
    model = DiplomacyModel(make_spec(observers=200, dynamics={"spin_up": 0}), rng=4)
    np.testing.assert_array_equal(model.legitimacy, model.legitimacy_initial)


def test_the_spin_up_moves_observers_before_step_zero():
    model = DiplomacyModel(make_spec(observers=200), rng=4)
    assert not np.allclose(model.legitimacy, model.legitimacy_initial)
    assert model.steps == 0
    assert len(model.datacollector.get_model_vars_dataframe()) == 1


def test_a_cached_spin_up_gives_the_same_run_as_a_fresh_one():
    engage, walk = make_spec(observers=200), make_spec(observers=200, adversary=WALKS)
    CACHE.clear()
    fresh = _frame(engage)
    _frame(walk)  # fills the cache for the shared set-up
    hits = CACHE.hits
    reused = _frame(engage)
    assert CACHE.hits > hits
    pd.testing.assert_frame_equal(fresh, reused, check_exact=True)


def test_the_cache_key_ignores_strategies_and_shocks_only():
    base = make_spec(observers=200)
    same = [
        make_spec(observers=200, adversary=WALKS),
        make_spec(observers=200, salience_shocks={3: 0.5}),
    ]
    other = make_spec(observers=200, negotiator={"deterrence": 0.2})
    key = spin_up_key(base.model_dump(mode="json"))
    assert all(spin_up_key(s.model_dump(mode="json")) == key for s in same)
    assert spin_up_key(other.model_dump(mode="json")) != key


def test_salience_shocks_start_at_step_one_and_act_from_their_step():
    shocked = _frame(make_spec(observers=200, salience_shocks={10: 0.8}))
    calm = _frame(make_spec(observers=200))
    pd.testing.assert_frame_equal(shocked.iloc[:10], calm.iloc[:10])
    assert shocked.loc[10, "salience"] > calm.loc[10, "salience"] + 0.2
    with pytest.raises(ConfigError, match="salience_shocks"):
        load_config({"name": "x", "scenarios": {"a": {"salience_shocks": {0: 0.5}}}})


def test_the_cache_keeps_within_its_byte_limit_dropping_the_oldest():
    cache = SpinUpCache(max_bytes=3 * 800)
    for k in range(5):
        cache.put(("key", k), SpinUpState({"a": np.zeros(100)}, {}, {}))
    assert cache.get(("key", 0)) is None and cache.get(("key", 4)) is not None
    assert sum(1 for k in range(5) if cache.get(("key", k)) is not None) == 3
