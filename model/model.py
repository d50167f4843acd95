"""DiplomacyModel: the container that owns the arrays, the states, the outlets and the schedule.

The rules are the pure functions of `model.rules`; `step` calls them in MODEL_SPEC's order, one
phase over every agent before the next. Observer state lives in arrays owned by the model;
`Observer` agents are views onto them. The model is one object assembled from parts, each in
its own module: `SetUp` builds the arrays and agents (`model.setup`), `SidePhases` and
`ObserverPhases` apply the rules over the sides and over every observer
(`model.side_phases`, `model.observer_phases`), `OutputRecorder` records each step
(`model.outputs`); this module holds the construction, the spin-up and the schedule.
`tools.reference` overrides only the observer phases, to dock a plain Mesa implementation of
them against this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np

from agents.actions import SIDES, Action
from model.acts import StepActs, StepEvidence
from model.config import ConfigError, ExperimentConfig, ModelSpec, default_model_spec
from model.keywords import spec_with_keywords
from model.observer_phases import ObserverPhases
from model.outputs import BLOC_COLUMNS, MEDIA_COLUMNS, OUTPUT_COLUMNS, OutputRecorder
from model.rules import logodds
from model.rules.evidence import EvidenceTable
from model.setup import SetUp
from model.side_phases import SidePhases
from model.spinup import CACHE, SpinUpState, spin_up_key
from model.streams import SEED_MAX, RandomStreams, replicate_seed

__all__ = ["BLOC_COLUMNS", "MEDIA_COLUMNS", "OUTPUT_COLUMNS", "DiplomacyModel"]

SPIN_UP_STEP = -1
"""The step number the spin-up's weeks carry (before step 0: no salience shock applies)."""


def _seed_from(rng: Any) -> int:
    if rng is None:
        return int(np.random.SeedSequence().entropy % (SEED_MAX + 1))
    if isinstance(rng, bool):
        raise ConfigError([f"rng: expected an integer seed, found {rng!r}"])
    if isinstance(rng, int | np.integer):
        if rng < 0:
            raise ConfigError([f"rng: expected an integer seed >= 0, found {rng}"])
        return int(rng)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(SEED_MAX + 1))
    raise ConfigError([f"rng: expected an integer seed, found {type(rng).__name__}"])


class DiplomacyModel(SetUp, SidePhases, ObserverPhases, OutputRecorder, mesa.Model):
    """Two states negotiate or walk away; media relay it; observers judge their legitimacy.

    Build it from a resolved `ModelSpec`, from a validated config with `from_config`, or with
    plain keyword parameters (for `mesa.batch_run` and SolaraViz sliders, see
    `model.keywords`). `DiplomacyModel()` is the default baseline.

    Args:
        spec: the resolved model; None for the defaults.
        rng: the run's seed (an integer); None draws one from the operating system and keeps
            it in `seed`.
        horizon: steps after which `running` turns False (the config's `steps`).
        **parameters: keyword parameters that override `spec`.
    """

    def __init__(
        self,
        spec: ModelSpec | None = None,
        *,
        rng: int | None = None,
        horizon: int = 200,
        **parameters: Any,
    ) -> None:
        seed = _seed_from(rng)
        super().__init__(rng=seed)
        if parameters:
            spec = spec_with_keywords(spec, parameters)
        self.spec: ModelSpec = spec if spec is not None else default_model_spec()
        self.seed = seed
        self.horizon = horizon
        self.streams = RandomStreams(seed)
        self.dynamics = self.spec.dynamics
        self.mechanisms = self.spec.mechanisms
        self.evidence_table = EvidenceTable.from_dynamics(self.dynamics)
        self._build()

    @classmethod
    def from_config(
        cls,
        config: ExperimentConfig,
        scenario: str | None = None,
        rng: int | None = None,
        design_point: Mapping[str, Any] | None = None,
    ) -> DiplomacyModel:
        """A model for one scenario (default: the first) of a validated config.

        `rng` defaults to the seed of replicate 0 of the config's base seed, the same seed
        that `run.py batch` gives that replicate.
        """
        if design_point:
            spec = config.design_spec(scenario or config.scenarios[0], design_point)
        else:
            spec = config.scenario_spec(scenario)
        seed = replicate_seed(config.seed, 0) if rng is None else rng
        return cls(spec, rng=seed, horizon=config.steps)

    # ---------------------------------------------------------------------------------------
    # Set-up
    # ---------------------------------------------------------------------------------------

    def _build(self) -> None:
        self._build_sides()
        self._build_observers()
        self._build_media()
        self._build_network()
        self._create_observers()
        self._spin_up()
        n = self.spec.observers
        self.evidence_now = StepEvidence(np.zeros((2, n)), np.zeros((2, n)))  # step 0: no act
        self.escalation_cost = self._escalation_costs()
        self.utilities = self._utilities()
        self._start_recording()
        self._vote()
        self._record()

    # ---------------------------------------------------------------------------------------
    # Spin-up (before step 0)
    # ---------------------------------------------------------------------------------------

    _SPIN_UP_ARRAYS = (
        "logodds",
        "legitimacy",
        "news",
        "blame",
        "outlet_reports",
        "outlet_indexing_effective",
    )
    _SPIN_UP_NUMBERS = ("salience", "face", "record")
    _SPIN_UP_STREAMS = ("media", "peers")

    def _spin_up(self) -> None:
        """Run `spin_up` weeks with both sides holding `engage` and only the observer rules.

        No decisions, bargaining, learning, crisis or recording; rules 1-8 act as in a step.
        The end state is reused from the process's cache when this seed and set-up have been
        spun up before (the same draws give the same state, so the reuse is exact).
        """
        weeks = self.dynamics.spin_up
        if weeks == 0:
            return
        key = (spin_up_key(self.spec.model_dump(mode="json")), self.seed)
        cached = CACHE.get(key)
        if cached is not None:
            self._restore(cached)
            return
        self._spin_up_weeks(weeks)
        CACHE.put(key, self._spun_up_state())

    def _spin_up_weeks(self, weeks: int) -> None:
        """The spin-up's weeks: both sides hold `engage`; rules 1-8 act as in a step."""
        hold = StepActs.holding(SPIN_UP_STEP, (Action.ENGAGE, Action.ENGAGE))
        for _ in range(weeks):
            self._side_stocks(hold)
            self._observer_phases(hold)

    def _spun_up_state(self) -> SpinUpState:
        return SpinUpState(
            {name: getattr(self, name) for name in self._SPIN_UP_ARRAYS},
            {name: getattr(self, name) for name in self._SPIN_UP_NUMBERS},
            {name: self.streams[name].bit_generator.state for name in self._SPIN_UP_STREAMS},
        )

    def _restore(self, state: SpinUpState) -> None:
        for name, array in state.arrays.items():
            setattr(self, name, array.copy())
        for name, value in state.numbers.items():
            setattr(self, name, value.copy() if isinstance(value, np.ndarray) else value)
        for name, stream_state in state.streams.items():
            self.streams[name].bit_generator.state = stream_state

    # ---------------------------------------------------------------------------------------
    # One step
    # ---------------------------------------------------------------------------------------

    def step(self) -> None:
        """One week: decide, bargain (rule 10), rules 1-9 and 11-13, then record.

        An outlet's bias scheduled for this step (`bias_schedule`) holds from it on.
        """
        for name, bias in self.spec.bias_schedule.get(self.steps, {}).items():
            self.set_outlet_bias(self.outlet_names.index(name), bias)
        acts = self._decide()
        acts = self._bargaining(acts)
        self._side_stocks(acts)
        self._observer_phases(acts)
        self._learning(acts.talks)
        self._escalation()
        self._crisis(acts)
        self._blocs(acts.step)
        self._record()
        if self.steps >= self.horizon:
            self.running = False

    def _observer_phases(self, acts: StepActs) -> None:
        """Rules 3 to 8 over every observer, as whole-array operations."""
        found = self._evidence(acts)
        self.evidence_now = found
        salience_now = self.salience
        before = self.legitimacy
        self._news(found, salience_now, before)
        self._media(salience_now, before)
        self._peers()
        self._anchoring()
        self.legitimacy = logodds.to_probability(self.logodds)
        self._blame(acts, salience_now)
        self._note_provocations(acts)

    # ---------------------------------------------------------------------------------------
    # Phases (MODEL_SPEC, "One step, in order")
    # ---------------------------------------------------------------------------------------

    # ---------------------------------------------------------------------------------------
    # Use
    # ---------------------------------------------------------------------------------------

    def run_model(self) -> None:
        """Run until the horizon (the config's `steps`)."""
        while self.steps < self.horizon:
            self.step()

    def set_intervention(self, role: str, action: Action | None) -> None:
        """Make side `role` take `action` from the next step on (None: back to its strategy)."""
        self.states[SIDES.index(role)].intervention = action

    def observer_frame(self) -> dict[str, np.ndarray]:
        """A snapshot of every observer's state as arrays (for per-observer outputs)."""
        return {
            "observer": np.arange(self.spec.observers),
            "bloc": self.observer_bloc.copy(),
            "elite": self.is_elite.copy(),
            "legitimacy_negotiator": self.legitimacy[0].copy(),
            "legitimacy_adversary": self.legitimacy[1].copy(),
            "blame_adversary": self.blame.copy(),
        }
