"""Bargaining that means something (rule 10): progress only when both asks are acceptable,
deals concluded and counted, and red-line crossings that become rarer as beliefs sharpen."""

from __future__ import annotations

import numpy as np
import pytest
from ensemble import models, verify

pytestmark = pytest.mark.slow


def test_deals_are_concluded_counted_and_progress_starts_again():
    runs = models(verify(observers=100, mechanisms={"deals": True}), 200, n=30)
    for model in runs:
        frame = model.datacollector.get_model_vars_dataframe()
        deals = frame["agreements"].diff().fillna(0)
        assert set(deals.unique()) <= {0, 1}
        for step in frame.index[deals == 1]:
            assert frame.loc[step, "deal_progress"] == 1.0
            if step + 1 in frame.index:
                assert frame.loc[step + 1, "deal_progress"] < 1.0
    concluded = np.array([m.agreements for m in runs])
    assert concluded.mean() > 1 and concluded.min() >= 0


def test_not_every_round_makes_progress_and_crossings_fall_as_beliefs_sharpen():
    runs = models(
        verify(observers=100, negotiator={"caution": 0.3}, adversary={"caution": 0.3}), 200, n=30
    )
    early, late, stalled, rounds = 0, 0, 0, 0
    for model in runs:
        frame = model.datacollector.get_model_vars_dataframe()
        crossings = frame["redline_crossings"].diff().fillna(0)
        early += crossings.iloc[1:51].sum()
        late += crossings.iloc[151:201].sum()
        talks = frame["talks"].iloc[1:]
        stalled += int((crossings.iloc[1:][talks] > 0).sum())
        rounds += int(talks.sum())
    assert 0 < stalled < rounds  # some rounds cross a red line and make no progress
    assert late < early / 2, f"crossings in weeks 1-50: {early}, in weeks 151-200: {late}"
