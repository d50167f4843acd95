"""Ranges given as two registry parameters (low, high) must be ordered."""

from __future__ import annotations

import pytest

from model.config import ConfigError, load_config


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("confidence_elite_low", "confidence_elite_high"),
        ("confidence_public_low", "confidence_public_high"),
        ("redline_low", "redline_high"),
    ],
)
def test_a_range_whose_low_end_exceeds_its_high_end_is_one_clear_error(low, high):
    config = {"name": "x", "model": {"dynamics": {low: 0.6, high: 0.4}}, "scenarios": {"a": {}}}
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert error.value.lines == [
        f"model.dynamics.{low}: expected at most dynamics.{high} (0.4), found 0.6"
    ]
