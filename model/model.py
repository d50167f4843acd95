"""DiplomacyModel: the container that owns the arrays, the states, the outlets and the schedule.

The rules are the pure functions of `model.rules`; `step` calls them in MODEL_SPEC's order, one
phase over every agent before the next. Observer state lives in arrays owned by the model;
`Observer` agents are views onto them. `model.reference` overrides only the observer phases,
to dock a plain Mesa implementation of them against this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import mesa
import numpy as np
from numpy.typing import NDArray

from agents import MediaOutlet, Observer, State
from agents.actions import SIDES, Action
from agents.strategies import DecisionContext, build_strategy
from model.config import ConfigError, ExperimentConfig, ModelSpec, default_model_spec
from model.keywords import spec_with_keywords
from model.network import small_world
from model.outputs import BLOC_COLUMNS, MEDIA_COLUMNS, OUTPUT_COLUMNS, record_step
from model.parameters import DYNAMICS_PARAMETERS
from model.rules import (
    anchoring,
    bargaining,
    blame,
    blocs,
    crisis,
    escalation,
    evidence,
    learning,
    leverage,
    logodds,
    media,
    news,
    peers,
    postures,
    salience,
)
from model.rules.evidence import EvidenceTable
from model.spinup import CACHE, SpinUpState, spin_up_key
from model.streams import SEED_MAX, RandomStreams

__all__ = ["BLOC_COLUMNS", "MEDIA_COLUMNS", "OUTPUT_COLUMNS", "DiplomacyModel", "StepActs"]

NEVER = -(10**9)
"""The step of an event that has not happened."""

SPIN_UP_STEP = -1
"""The step number the spin-up's weeks carry (before step 0: no salience shock applies)."""


@dataclass(frozen=True)
class StepActs:
    """What both sides did in one step, negotiator first.

    Attributes:
        step: the step being taken.
        actions: the actions taken (what the output records).
        held: the postures held after them.
        acted: whether each side's action is an act (an event, or a new posture).
        talks: whether talks are held (both held postures at the table).
        deal: whether bargaining concluded a deal this step.
        crossed: whether each side's ask crossed the other side's red line this step.
    """

    step: int
    actions: tuple[Action, Action]
    held: tuple[Action, Action]
    acted: tuple[bool, bool]
    talks: bool
    deal: bool = False
    crossed: tuple[bool, bool] = (False, False)

    @classmethod
    def holding(cls, step: int, held: tuple[Action, Action]) -> StepActs:
        """A step in which both sides hold their postures and nothing is concluded."""
        return cls(step, held, held, (False, False), postures.talks_held(*held))


@dataclass(frozen=True)
class StepEvidence:
    """Rule 3's result: per side and observer, act evidence e and standing evidence u."""

    act: NDArray[np.float64]
    standing: NDArray[np.float64]


@dataclass(frozen=True)
class SideEvidence:
    """Rule 3's side-level part (negotiator first): what every observer reads the acts with.

    Attributes:
        acts: each side's act this step (an event or a new posture), None without one.
        excused: whether each side's act is a walkout excused by a recent provocation.
        standing_faith: each side's standing faith evidence after contrast (uhat_faith).
        standing_strength: each side's standing strength evidence after talk fatigue.
        weight: each side's weight evidence (talks only).
        contrast: chi_s, the contrast strength of each side.
        face: f_s, the weight of each side's evidence after its face stock.
        gain: g(D_s), each side's deterrent gain.
        deal: whether both sides get the agreement's act evidence this step.
    """

    acts: tuple[Action | None, Action | None]
    excused: tuple[bool, bool]
    standing_faith: tuple[float, float]
    standing_strength: tuple[float, float]
    weight: tuple[float, float]
    contrast: NDArray[np.float64]
    face: NDArray[np.float64]
    gain: NDArray[np.float64]
    deal: bool


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


class DiplomacyModel(mesa.Model):
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
        from model.streams import replicate_seed

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
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_read_column, name) for name in OUTPUT_COLUMNS},
            tables={"blocs": list(BLOC_COLUMNS), "media": list(MEDIA_COLUMNS)},
        )
        self._vote()
        self._record()

    def _build_sides(self) -> None:
        """The two states: one rule set, parameters per role, their stocks and beliefs."""
        spec, dyn, init = self.spec, self.dynamics, self.streams.initialization
        sides = [spec.side(role) for role in SIDES]
        self.deterrence = np.array([s.deterrence for s in sides])
        self.hawkishness = np.array([s.hawkishness for s in sides])
        self.caution = np.array([s.caution for s in sides])
        self.sanction_scale = np.array(
            [dyn.multilateral_factor if s.multilateral else 1.0 for s in sides]
        )
        self.preparing = init.random(2) < np.array([s.prepare_probability for s in sides])
        self.red_line = init.uniform(dyn.redline_low, dyn.redline_high, size=2)
        self.type_belief = np.full(2, dyn.prior_type_belief)
        self.redline_mean = np.full(2, dyn.redline_prior_mean)
        self.redline_variance = np.full(2, dyn.redline_prior_sd**2)
        self.leverage = (
            leverage.leverage_gain(self.deterrence, dyn.leverage_half)
            if self.mechanisms.leverage
            else np.ones(2)
        )
        self.face = np.full(2, dyn.face_start)
        self.record = np.full(2, dyn.record_start)
        self.salience = dyn.initial_salience
        self.held: tuple[Action, Action] = (Action.ENGAGE, Action.ENGAGE)
        self.actions: list[Action | None] = [None, None]
        self.talks = postures.talks_held(*self.held)
        self.fruitless_weeks = np.zeros(2, dtype=np.int64)
        self.last_provoked = np.full(2, NEVER)
        self.last_crossing_of_own_line = np.full(2, NEVER)
        self.deal_progress = 0.0
        self.agreements = 0
        self.redline_crossings = 0
        self.crisis_index = 0.0
        self.states = [
            State(self, role, build_strategy(side.strategy))
            for role, side in zip(SIDES, sides, strict=True)
        ]
        self.negotiator, self.adversary = self.states

    def _build_observers(self) -> None:
        """Blocs, observers' dispositions and their initial legitimacy (as log-odds)."""
        spec, dyn, init = self.spec, self.dynamics, self.streams.initialization
        n = spec.observers
        self.bloc_names = [b.name for b in spec.blocs]
        shares = np.array([b.share for b in spec.blocs])
        self.bloc_sizes = blocs.bloc_sizes(shares, n)
        self.observer_bloc = init.permutation(np.repeat(np.arange(len(shares)), self.bloc_sizes))
        self._bloc_counts = self.bloc_sizes.astype(float)
        self.bloc_weight = np.array([b.economic_weight for b in spec.blocs])
        self.bloc_exposure = np.array([b.exposure for b in spec.blocs])
        self.is_elite = np.zeros(n, dtype=bool)
        self.is_elite[init.permutation(n)[: round(spec.elite_share * n)]] = True
        self.confidence_bound = np.where(
            self.is_elite,
            init.uniform(dyn.confidence_elite_low, dyn.confidence_elite_high, n),
            init.uniform(dyn.confidence_public_low, dyn.confidence_public_high, n),
        )
        scepticism_mean = np.array([b.scepticism for b in spec.blocs])[self.observer_bloc]
        self.scepticism = _beta(init, scepticism_mean, dyn.scepticism_concentration)
        self.bloc_elites = np.bincount(
            self.observer_bloc, weights=self.is_elite.astype(float), minlength=len(shares)
        )
        self.bloc_scepticism = self._bloc_means(self.scepticism)
        self.strength_orientation = _beta(
            init, np.full(n, dyn.strength_orientation_mean), dyn.strength_orientation_concentration
        )
        drawn = np.empty((2, n))
        for s, role in enumerate(SIDES):
            prior = spec.side(role).initial_legitimacy
            tilt = np.array([getattr(b.tilt, role) for b in spec.blocs])[self.observer_bloc]
            mean = np.clip(prior.mean + tilt, 0.01, 0.99)
            drawn[s] = _beta(init, mean, prior.concentration)
        # A Beta draw can round to 0 or 1 in floating point; keep it on the log-odds scale.
        tiny = np.finfo(float).eps
        self.legitimacy_initial = np.clip(drawn, tiny, 1.0 - tiny)
        self.logodds_initial = logodds.to_logodds(self.legitimacy_initial)
        self.logodds = self.logodds_initial.copy()
        self.legitimacy = self.legitimacy_initial.copy()
        self.news = np.zeros((2, n))
        self.evidence_now = StepEvidence(np.zeros((2, n)), np.zeros((2, n)))
        self.blame = np.full(n, dyn.blame_start)

    def _build_media(self) -> None:
        """Outlets and each observer's two subscriptions (by reach and closeness)."""
        spec, dyn, init = self.spec, self.dynamics, self.streams.initialization
        self.outlet_bias = np.array([o.bias for o in spec.media])
        self.outlet_reach = np.array([o.reach for o in spec.media])
        self.outlet_indexing = np.array([o.indexing for o in spec.media])
        self.outlet_indexing_effective = self.outlet_indexing.copy()
        self.outlet_reports = np.zeros((2, len(spec.media)))
        self.outlet_stances = np.stack([media.outlet_stance(self.outlet_bias, s) for s in (1, -1)])
        leaning = media.observer_leaning(self.legitimacy_initial[0] - self.legitimacy_initial[1])
        weights = media.subscription_log_weights(
            self.outlet_reach, self.outlet_bias, leaning, dyn.selective_exposure
        )
        self.subscriptions = media.two_subscriptions(weights, init.gumbel(size=weights.shape))
        self.outlet_bias_mean = self.outlet_bias[self.subscriptions].mean(axis=1)
        # Each subscription slot's outlet attributes per observer, gathered once.
        self._slot_reach = self.outlet_reach[self.subscriptions.T]
        self._slot_bias = self.outlet_bias[self.subscriptions.T]
        self._slot_indexing = self.outlet_indexing[self.subscriptions.T]
        self._slot_stance = self.outlet_stances[:, self.subscriptions.T]
        self._disagreement = 0.0
        self.outlets = [MediaOutlet(self, m, o.name) for m, o in enumerate(spec.media)]

    def _build_network(self) -> None:
        dyn = self.dynamics
        self.network_indptr, self.network_indices = small_world(
            self.spec.observers,
            dyn.network_degree,
            dyn.network_rewiring,
            self.streams.initialization,
        )
        self._neighbour_table, self._neighbour_cumulative = peers.neighbour_table(
            self.network_indptr, self.network_indices, self.is_elite, dyn.elite_influence
        )

    def _create_observers(self) -> None:
        """The observer agents: views onto entries of the observer arrays."""
        self.observers = [Observer(self, i) for i in range(self.spec.observers)]

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
        """One week: decide, bargain (rule 10), rules 1-9 and 11-13, then record."""
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

    def _decide(self) -> StepActs:
        """Both sides choose this step's action (rule 11's choice, from last step's state)."""
        t = self.steps
        uniforms = [self.streams.choices(role).random() for role in SIDES]
        previous = self.actions
        actions = tuple(
            state.decide(
                DecisionContext(t, previous[s], previous[1 - s], uniforms[s], self.utilities[s])
            )
            for s, state in enumerate(self.states)
        )
        taken = [postures.take_action(h, a) for h, a in zip(self.held, actions, strict=True)]
        for state, action in zip(self.states, actions, strict=True):
            state.previous_action, state.action = state.action, action
        self.actions = list(actions)
        self.held = (taken[0][0], taken[1][0])
        self.talks = postures.talks_held(*self.held)
        return StepActs(
            t, (actions[0], actions[1]), self.held, (taken[0][1], taken[1][1]), self.talks
        )

    def _bargaining(self, acts: StepActs) -> StepActs:
        """Rule 10 (first in a step): asks, crossings, progress, deals, fruitless weeks."""
        dyn = self.dynamics
        draw = float(self.streams.signals.exponential())
        if self.deal_progress >= 1.0:
            self.deal_progress = 0.0
        crossed = np.zeros(2, dtype=bool)
        progressed = False
        if acts.talks:
            ask = bargaining.asks(
                self.redline_mean, self.redline_variance, self.caution, dyn.ask_floor
            )
            crossed = bargaining.crossings(ask, self.red_line[::-1])
            self.redline_crossings += int(crossed.sum())
            progressed = not crossed.any()
            self.deal_progress = bargaining.update_progress(
                self.deal_progress, progressed, dyn.progress_rate, draw
            )
            for s in np.flatnonzero(crossed):
                self.last_crossing_of_own_line[1 - s] = acts.step
                self.last_provoked[1 - s] = acts.step
        deal = bargaining.deal_concluded(self.deal_progress)
        if deal:
            self.deal_progress = 1.0
            self.agreements += 1
        self.fruitless_weeks = np.array(
            [
                evidence.fruitless_weeks(int(k), held.at_table, progressed)
                for k, held in zip(self.fruitless_weeks, acts.held, strict=True)
            ]
        )
        return StepActs(
            acts.step,
            acts.actions,
            acts.held,
            acts.acted,
            acts.talks,
            deal,
            (bool(crossed[0]), bool(crossed[1])),
        )

    def _side_stocks(self, acts: StepActs) -> None:
        """Rules 1 and 2: face, record and salience."""
        dyn, table = self.dynamics, self.evidence_table
        conceded = np.array([a is Action.CONCEDE for a in acts.actions], dtype=float)
        credit = [
            leverage.record_credit(
                a is Action.CONCEDE,
                a is Action.ENGAGE,
                dyn.record_concede_credit,
                dyn.record_engage_credit,
            )
            for a in acts.actions
        ]
        self.face = leverage.update_face(self.face, conceded, dyn.face_memory)
        self.record = leverage.update_record(self.record, credit, dyn.record_memory)
        newsworthiness = [
            salience.side_newsworthiness(
                acted,
                table.newsworthiness[table.row(action)],
                table.newsworthiness[table.row(held)],
                dyn.persistence,
            )
            for action, held, acted in zip(acts.actions, acts.held, acts.acted, strict=True)
        ]
        if acts.deal and self.mechanisms.deals:
            newsworthiness.append(table.agreement_newsworthiness)
        newsworthiness.append(self.spec.salience_shocks.get(acts.step, 0.0))
        self.salience = salience.update_salience(self.salience, newsworthiness, dyn.salience_memory)

    def _evidence(self, acts: StepActs) -> StepEvidence:
        """Rule 3: each side's act and standing evidence, in context, for every observer."""
        return self._observer_evidence(self._side_evidence(acts))

    def _side_evidence(self, acts: StepActs) -> SideEvidence:
        """Rule 3, side level: contrast strengths, excuses, standing evidence, weight."""
        dyn, mech, table = self.dynamics, self.mechanisms, self.evidence_table
        gain = self.leverage
        face = leverage.face_weight(self.face, dyn.face_penalty)
        if mech.contrast:
            bonus = dyn.record_bonus if mech.reassurance else 0.0
            chi = evidence.contrast_strength(
                dyn.contrast, gain, self.record, bonus, dyn.record_start
            )
        else:
            chi = np.zeros(2)
        excused = [
            bool(
                acted
                and mech.justified_exit
                and action is Action.WALK_AWAY
                and evidence.excused(acts.step, self.last_provoked[s], dyn.justified_window)
            )
            for s, (action, acted) in enumerate(zip(acts.actions, acts.acted, strict=True))
        ]
        standing_faith = [float(table.standing_faith[table.row(h)]) for h in acts.held]
        standing_strength = [float(table.standing_strength[table.row(h)]) for h in acts.held]
        if mech.talk_fatigue:
            for s in range(2):
                standing_strength[s] -= evidence.talk_fatigue_loss(
                    int(self.fruitless_weeks[s]), dyn.talk_fatigue, dyn.talk_fatigue_half
                )
        weight = [0.0, 0.0]
        if acts.talks:
            signal = dyn.weight_signal if mech.weight_signal else 0.0
            weight = [
                evidence.weight_evidence(gain[1 - s], gain[s], signal, dyn.dependence)
                for s in range(2)
            ]
        held_faith = [
            evidence.contrasted(standing_faith[s], standing_faith[1 - s], chi[s]) for s in range(2)
        ]
        return SideEvidence(
            acts=(
                acts.actions[0] if acts.acted[0] else None,
                acts.actions[1] if acts.acted[1] else None,
            ),
            excused=(excused[0], excused[1]),
            standing_faith=(held_faith[0], held_faith[1]),
            standing_strength=(standing_strength[0], standing_strength[1]),
            weight=(weight[0], weight[1]),
            contrast=chi,
            face=face,
            gain=gain,
            deal=acts.deal and mech.deals,
        )

    def _observer_evidence(self, side: SideEvidence) -> StepEvidence:
        """Rule 3, per observer: act faith (a sanction's by s u), contrast, the h_obs mix."""
        table = self.evidence_table
        faith: list[evidence.Evidence] = [0.0, 0.0]
        strength = [0.0, 0.0]
        for s, action in enumerate(side.acts):
            if action is None:
                continue
            faith[s] = evidence.act_faith(table, action, self.scepticism, self.sanction_scale[s])
            strength[s] = float(table.strength[table.row(action)])
            if side.excused[s]:
                faith[s] = faith[s] + self.dynamics.justified_exit
        h = self.strength_orientation
        act = np.zeros((2, self.spec.observers))
        standing = np.zeros((2, self.spec.observers))
        for s in range(2):
            face, gain = side.face[s], side.gain[s]
            act_faith = evidence.contrasted(faith[s], faith[1 - s], side.contrast[s])
            act_strength = strength[s]
            if side.deal:
                act_faith = act_faith + table.agreement_faith
                act_strength += table.agreement_strength
            if np.any(act_faith) or act_strength:
                act[s] = evidence.observer_evidence(act_faith, act_strength, h, face, gain)
            held_faith, held_strength, weight = (
                side.standing_faith[s],
                side.standing_strength[s],
                side.weight[s],
            )
            if held_faith or held_strength or weight:
                standing[s] = evidence.observer_standing(
                    held_faith, held_strength, weight, h, face, gain
                )
        return StepEvidence(act, standing)

    def _news(self, found: StepEvidence, salience_now: float, before: NDArray[np.float64]) -> None:
        """Rule 4: the news cycle, absorbed in proportion to attention; the standing trickle."""
        dyn = self.dynamics
        self.news = news.update_news(self.news, found.act, dyn.news_memory)
        multiplier = (
            news.attribution_multiplier(self.news, before, dyn.attribution_bias)
            if self.mechanisms.attribution
            else 1.0
        )
        self.logodds = news.absorb(
            self.logodds,
            self.news,
            salience_now,
            multiplier,
            dyn.event_rate,
            found.standing,
            dyn.standing_rate,
        )

    def _media(self, salience_now: float, before: NDArray[np.float64]) -> None:
        """Rule 5: outlets relay each observer's news with their slant (drawn every step)."""
        dyn, mech = self.dynamics, self.mechanisms
        exposure_draws = self.streams.media.random((2, self.spec.observers))
        if not mech.media:
            return
        self._report_outlets()
        if not self.news.any():
            return
        backfire_rate = dyn.backfire_rate if mech.backfire else 0.0
        for slot in range(2):
            indexing = media.effective_indexing(self._slot_indexing[slot], self._disagreement)
            exposed = exposure_draws[slot] < self._slot_reach[slot] * salience_now
            for s, sign in enumerate(media.SIDE_SIGN):
                report = media.outlet_report(
                    self.news[s], indexing, self._slot_bias[slot], sign, dyn.media_slant
                )
                self.logodds[s] = media.media_update(
                    self.logodds[s],
                    before[s],
                    report,
                    self._slot_stance[s, slot],
                    exposed,
                    self.confidence_bound,
                    dyn.media_rate,
                    dyn.media_margin,
                    backfire_rate,
                    dyn.backfire_margin,
                )

    def _report_outlets(self) -> None:
        """Rule 5, outlet level: indexing after elite disagreement; each outlet's mean report."""
        if self.mechanisms.elite_indexing:
            gap = self.news[0, self.is_elite] - self.news[1, self.is_elite]
            self._disagreement = media.elite_disagreement(gap)
        else:
            self._disagreement = 0.0
        self.outlet_indexing_effective = media.effective_indexing(
            self.outlet_indexing, self._disagreement
        )
        indexing, bias = self.outlet_indexing_effective, self.outlet_bias
        mean_news = self.news.mean(axis=1)
        mean_size = np.abs(self.news).mean(axis=1)
        for s, sign in enumerate(media.SIDE_SIGN):
            self.outlet_reports[s] = (
                indexing * mean_news[s]
                + (1.0 - indexing) * sign * bias * self.dynamics.media_slant * mean_size[s]
            )

    def _peers(self) -> None:
        """Rule 6: one neighbour each (Deffuant), or all neighbours (Hegselmann-Krause)."""
        dyn = self.dynamics
        peer_draws = self.streams.peers.random(self.spec.observers)
        if not self.mechanisms.peers:
            return
        current = logodds.to_probability(self.logodds)
        if self.spec.peer_model == "deffuant":
            neighbour = peers.draw_neighbours(
                self._neighbour_table, self._neighbour_cumulative, peer_draws
            )
            moved = peers.deffuant_update(
                current, current.take(neighbour, axis=1), self.confidence_bound, dyn.peer_rate
            )
        else:
            moved = np.stack(
                [
                    peers.hegselmann_krause_update(
                        current[s],
                        self.network_indptr,
                        self.network_indices,
                        self.confidence_bound,
                        dyn.peer_rate,
                    )
                    for s in range(2)
                ]
            )
        # Only moved values go back to log-odds (one that rounds to 1 stays as it was).
        with np.errstate(divide="ignore"):
            self.logodds = np.where(moved != current, logodds.to_logodds(moved), self.logodds)

    def _anchoring(self) -> None:
        """Rule 7: the pull back to the prior image, in log-odds."""
        if self.mechanisms.anchoring:
            self.logodds = anchoring.anchor(
                self.logodds, self.logodds_initial, self.dynamics.anchoring
            )

    def _blame(self, acts: StepActs, salience_now: float) -> None:
        """Rule 8: on a step with a defection act, blame follows it."""
        severity = self._defection_severity(acts)
        if sum(severity) > 0:
            dyn = self.dynamics
            tilt = self.outlet_bias_mean if self.mechanisms.media else 0.0
            target = blame.blame_target(severity[0], severity[1], tilt, dyn.blame_media_tilt)
            self.blame = blame.blame_update(self.blame, target, dyn.blame_rate, salience_now)

    def _defection_severity(self, acts: StepActs) -> list[float]:
        """Rule 8, side level: d_N and d_A, each side's defection act weighed by its faith."""
        table = self.evidence_table
        return [
            blame.defection_severity(
                float(table.faith[table.row(a)]) * self.sanction_scale[s]
                if a is Action.SANCTION
                else float(table.faith[table.row(a)]),
                acted and a.is_defection,
            )
            for s, (a, acted) in enumerate(zip(acts.actions, acts.acted, strict=True))
        ]

    def _note_provocations(self, acts: StepActs) -> None:
        """Remember when each side was last provoked by a defection act of the other."""
        for s in range(2):
            o = 1 - s
            if acts.acted[o] and acts.actions[o].is_defection:
                self.last_provoked[s] = acts.step

    def _learning(self, talks: bool) -> None:
        """Rule 9 (signals are drawn every step, used only when learning is on)."""
        dyn = self.dynamics
        type_draws = self.streams.signals.random(2)
        noise_draws = self.streams.signals.standard_normal(2)
        if self.mechanisms.learning:
            accuracy = dyn.signal_accuracy_talks if talks else dyn.signal_accuracy_outside
            noise = dyn.signal_noise_talks if talks else dyn.signal_noise_outside
            signal = learning.type_signal(self.preparing[::-1], type_draws, accuracy)
            self.type_belief = learning.update_type_belief(self.type_belief, signal, accuracy)
            redline_signal = self.red_line[::-1] + noise * noise_draws
            self.redline_mean, self.redline_variance = learning.update_redline_estimate(
                self.redline_mean, self.redline_variance, redline_signal, noise
            )

    def _escalation(self) -> None:
        """Rule 11: escalation costs and the utilities of the next choice."""
        self.escalation_cost = self._escalation_costs()
        self.utilities = self._utilities()

    def _crisis(self, acts: StepActs) -> None:
        """Rule 12: the crisis index."""
        dyn = self.dynamics
        provocation = any(a.raises_hazard for a in acts.actions) or any(acts.crossed)
        misperception = float(np.mean(np.abs(self.type_belief - self.preparing[::-1])))
        hazard = crisis.crisis_hazard(
            dyn.hazard_base,
            provocation,
            misperception,
            acts.talks,
            dyn.hazard_provocation,
            dyn.hazard_misperception,
            dyn.hazard_talks,
        )
        self.crisis_index = crisis.update_crisis_index(self.crisis_index, hazard)

    def _blocs(self, t: int) -> None:
        """Rule 13: votes every interval (compliance is computed when recorded)."""
        if t % self.dynamics.vote_interval == 0:
            self._vote()

    # ---------------------------------------------------------------------------------------
    # Helpers over the arrays
    # ---------------------------------------------------------------------------------------

    def _bloc_means(self, values: np.ndarray) -> np.ndarray:
        return blocs.bloc_means(values, self.observer_bloc, len(self.bloc_names), self._bloc_counts)

    def _escalation_costs(self) -> np.ndarray:
        dyn = self.dynamics
        self.bloc_legitimacy = np.stack([self._bloc_means(self.legitimacy[s]) for s in range(2)])
        return np.array(
            [
                escalation.escalation_cost(
                    dyn.escalation_cost_base,
                    dyn.escalation_cost_slope,
                    blocs.weighted_mean(self.bloc_legitimacy[s], self.bloc_weight),
                )
                for s in range(2)
            ]
        )

    def _utilities(self) -> np.ndarray:
        dyn = self.dynamics
        return np.stack(
            [
                escalation.adaptive_utilities(
                    engage_utility=dyn.engage_utility,
                    other_gain=float(self.leverage[1 - s]),
                    hawkishness=float(self.hawkishness[s]),
                    cost=float(self.escalation_cost[s]),
                    sanction_utility=dyn.sanction_utility,
                    preparing=bool(self.preparing[s]),
                    preparing_bonus=dyn.preparing_bonus,
                    recently_crossed=bool(
                        self.steps - self.last_crossing_of_own_line[s] < dyn.crossing_memory
                    ),
                    crossing_bonus=dyn.crossing_bonus,
                )
                for s in range(2)
            ]
        )

    def _vote(self) -> None:
        yes = blocs.vote_yes(
            self.scepticism, self.legitimacy[0], self.legitimacy[1], self.dynamics.vote_threshold
        )
        self.vote_yes_by_bloc = blocs.vote_share_by_bloc(
            yes, self.is_elite, self.observer_bloc, len(self.bloc_names)
        )

    def _record(self) -> None:
        record_step(self)

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

    @property
    def dynamics_values(self) -> dict[str, float]:
        """The value of every dynamics parameter, by registry name."""
        out = {}
        for p in DYNAMICS_PARAMETERS:
            value: Any = self.dynamics
            for key in p.path:
                value = getattr(value, key)
            out[p.name] = value
        return out


def _read_column(name: str, model: DiplomacyModel) -> Any:
    """DataCollector reporter: one precomputed output column of the current step."""
    return model.current[name]


def _beta(rng: np.random.Generator, mean: np.ndarray, concentration: float) -> np.ndarray:
    return rng.beta(mean * concentration, (1.0 - mean) * concentration)
