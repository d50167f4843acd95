"""A side's strategy in a config: flat keys in, one typed choice in the spec, flat keys out.

Also: a sweep path's kind comes from the registry (and a strategy's key from its options).
"""

from __future__ import annotations

import pytest

from agents.strategies import STRATEGIES, ScriptedOptions, WalkAwayAtOptions
from model.config import ModelSpec, load_config, resolve_model, sweep_kinds
from model.config.strategy import flat_strategy
from model.parameters import DYNAMICS_PARAMETERS, POPULATION_PARAMETERS, SIDE_PARAMETERS

SIDES_OF_EVERY_STRATEGY = {
    "always_engage": {},
    "walk_away_at": {"at": 50},
    "add_conditions_at": {"at": 7},
    "tit_for_tat": {},
    "costly_reassurance": {"concede_from": 20, "concede_for": 5},
    "sanction_every": {"every": 3, "from": 4},
    "adaptive": {"rationality": 2.5},
    "silent": {},
    "scripted": {"timeline": {0: "engage", 10: "walk_away"}},
}


def test_every_strategy_is_listed_with_its_keys():
    assert set(SIDES_OF_EVERY_STRATEGY) == set(STRATEGIES)


def test_flat_keys_become_the_strategy_s_typed_options():
    config = load_config(
        {"name": "t", "scenarios": {"s": {"adversary": {"strategy": "walk_away_at", "at": 50}}}}
    )
    chosen = config.scenario_spec("s").adversary.strategy
    assert chosen == WalkAwayAtOptions(at=50)
    assert chosen.name == "walk_away_at"


@pytest.mark.parametrize("name", list(SIDES_OF_EVERY_STRATEGY))
def test_a_resolved_strategy_is_spelled_flat_again_and_resolves_to_itself(name):
    side = {"strategy": name, **SIDES_OF_EVERY_STRATEGY[name]}
    spec, problems = resolve_model([("model", {"negotiator": side})])
    assert spec is not None, problems
    assert flat_strategy(spec.negotiator.strategy) == side
    assert spec.to_dict()["negotiator"]["strategy"] == name
    again, problems = resolve_model([("model", spec.to_dict())])
    assert again == spec, problems


def test_a_timeline_survives_the_json_round_trip_of_a_spec():
    spec, _ = resolve_model(
        [("model", {"adversary": {"strategy": "scripted", "timeline": {3: "sanction"}}})]
    )
    assert isinstance(spec.adversary.strategy, ScriptedOptions)
    assert ModelSpec.model_validate_json(spec.model_dump_json()) == spec


def test_a_scenario_that_chooses_a_strategy_drops_the_keys_of_the_one_below():
    config = load_config(
        {
            "name": "t",
            "model": {"adversary": {"strategy": "walk_away_at", "at": 5}},
            "scenarios": {"s": {"adversary": {"strategy": "sanction_every", "every": 2}}},
        }
    )
    assert flat_strategy(config.scenario_spec("s").adversary.strategy) == {
        "strategy": "sanction_every",
        "every": 2,
        "from": 0,
    }


def test_sweep_kinds_come_from_the_registry():
    kinds = sweep_kinds()
    for p in POPULATION_PARAMETERS:
        assert kinds[p.name] == p.kind
    for p in SIDE_PARAMETERS:
        assert kinds[f"negotiator.{p.name}"] == kinds[f"adversary.{p.name}"] == p.kind
    for p in DYNAMICS_PARAMETERS:
        assert kinds[f"dynamics.{p.name}"] == p.kind
    assert kinds["observers"] == "int" and kinds["dynamics.event_rate"] == "float"


def test_strategy_keys_are_swept_with_their_own_kind():
    kinds = sweep_kinds()
    assert kinds["adversary.at"] == kinds["adversary.from"] == "int"
    assert kinds["negotiator.rationality"] == "float"
    assert "adversary.timeline" not in kinds and kinds["mechanisms.backfire"] == "bool"
