"""DiplomacyModel: the container that owns the arrays, the states, the outlets and the schedule.

The rules are the pure functions of `model.rules`; `step` calls them in MODEL_SPEC's order, each
phase over every agent before the next. Observer state lives in arrays owned by the model;
`Observer` agents are views onto them.

`step` runs one method per phase (`_decide`, `_side_rules`, `_observer_rules`, `_blame_rule`,
`_learning`, `_bargaining`, `_escalation`, `_crisis`, `_blocs`, `_record`); the side-level
ones hand the observer rules a `StepContext`. `model.reference` overrides only the observer
phases, to dock a plain Mesa implementation of them against this one.
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
from model.actions import SIDES, Action
from model.config import (
    ConfigError,
    ExperimentConfig,
    ModelSpec,
    default_model_spec,
    resolve_model,
)
from model.metrics import narrative_share, polarization
from model.network import small_world
from model.parameters import BY_NAME, DYNAMICS_PARAMETERS, MECHANISM_NAMES
from model.rules import (
    anchoring,
    bargaining,
    blame,
    blocs,
    crisis,
    escalation,
    events,
    learning,
    leverage,
    media,
    peers,
    salience,
    valence,
)
from model.strategies import DecisionContext, build_strategy
from model.streams import RandomStreams

OUTPUT_COLUMNS = (
    "step",
    "action_negotiator",
    "action_adversary",
    "talks",
    "legitimacy_negotiator",
    "legitimacy_adversary",
    "legitimacy_gap",
    "narrative_share",
    "blame_adversary",
    "salience",
    "escalation_cost_negotiator",
    "escalation_cost_adversary",
    "belief_error_negotiator",
    "belief_error_adversary",
    "redline_uncertainty_negotiator",
    "redline_uncertainty_adversary",
    "deal_progress",
    "redline_crossings",
    "crisis_index",
    "sanction_compliance",
    "vote_yes_share",
    "polarization",
)
"""The model-level output columns of MODEL_SPEC, in order (a public interface)."""

BLOC_COLUMNS = (
    "step",
    "bloc",
    "legitimacy_negotiator",
    "legitimacy_adversary",
    "legitimacy_gap",
    "narrative_share",
    "blame_adversary",
    "elite_legitimacy_negotiator",
    "elite_legitimacy_adversary",
    "public_legitimacy_negotiator",
    "public_legitimacy_adversary",
    "sanction_compliance",
    "vote_yes_share",
)
"""Columns of the per-bloc table (`datacollector.get_table_dataframe("blocs")`)."""

MEDIA_COLUMNS = ("step", "outlet", "frame_negotiator", "frame_adversary", "effective_indexing")
"""Columns of the per-outlet table (`datacollector.get_table_dataframe("media")`)."""


@dataclass(frozen=True)
class StepContext:
    """The side-level quantities of one step that the observer rules read (rules 1-3).

    Attributes:
        step: the step being taken.
        actions: both sides' actions this step, negotiator first.
        talks: whether talks are held (both sides at the table).
        salience: S after rule 2.
        weight: event weight w_s of each side (rule 1).
        contrast: chi_s of each side (rule 3; zero with `contrast` off).
        fatigued: whether each side's engagement loses valence to talk fatigue (rule 3).
        fruitless_rounds: k, consecutive rounds of talks without progress before this step.
        justified: whether each side's walkout is judged mildly (`justified_exit`, rule 3).
    """

    step: int
    actions: tuple[Action, Action]
    talks: bool
    salience: float
    weight: NDArray[np.float64]
    contrast: NDArray[np.float64]
    fatigued: tuple[bool, bool]
    fruitless_rounds: int
    justified: tuple[bool, bool]


def flat_parameters_to_nested(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Turn Mesa-style keyword parameters into a `model` mapping.

    ``observers``, ``elite_share``, ``peer_model`` and ``media`` (a preset name) stay as they
    are; ``negotiator_<key>`` and ``adversary_<key>`` go to the side (``negotiator_strategy``,
    ``adversary_at``, ``negotiator_initial_legitimacy_mean``); a dynamics name from the
    registry (``event_rate``) goes to ``dynamics``; ``mechanism_<name>`` to ``mechanisms``.
    A numpy number (from a parameter grid made with numpy) becomes the Python number it holds.
    """
    nested: dict[str, Any] = {}
    for key, value in parameters.items():
        value = value.item() if isinstance(value, np.generic) else value
        role = next((r for r in SIDES if key.startswith(r + "_")), None)
        if role is not None:
            rest = key[len(role) + 1 :]
            side = nested.setdefault(role, {})
            if rest.startswith("initial_legitimacy_"):
                side.setdefault("initial_legitimacy", {})[rest[19:]] = value
            else:
                side[rest] = value
        elif key.startswith("mechanism_"):
            nested.setdefault("mechanisms", {})[key[10:]] = value
        elif key in BY_NAME and BY_NAME[key].scope == "dynamics":
            nested.setdefault("dynamics", {})[key] = value
        elif key == "media_ecology":
            nested["media"] = value
        else:
            nested[key] = value
    return nested


def _seed_from(rng: Any) -> int:
    if rng is None:
        return int(np.random.SeedSequence().entropy % (2**63))
    if isinstance(rng, bool):
        raise ConfigError([f"rng: expected an integer seed, found {rng!r}"])
    if isinstance(rng, int | np.integer):
        if rng < 0:
            raise ConfigError([f"rng: expected an integer seed >= 0, found {rng}"])
        return int(rng)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**63))
    raise ConfigError([f"rng: expected an integer seed, found {type(rng).__name__}"])


class DiplomacyModel(mesa.Model):
    """Two states negotiate or walk away; media frame it; observers judge their legitimacy.

    Build it from a resolved `ModelSpec`, from a validated config with `from_config`, or with
    plain keyword parameters (for `mesa.batch_run` and SolaraViz sliders, see
    `flat_parameters_to_nested`). `DiplomacyModel()` is the default baseline.

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
            base = [("model", spec.to_dict())] if spec is not None else []
            spec, problems = resolve_model(
                [*base, ("parameters", flat_parameters_to_nested(parameters))]
            )
            if spec is None:
                raise ConfigError(problems)
        self.spec: ModelSpec = spec if spec is not None else default_model_spec()
        self.seed = seed
        self.horizon = horizon
        self.streams = RandomStreams(seed)
        self.dynamics = self.spec.dynamics
        self.mechanisms = self.spec.mechanisms
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
        spec, dyn = self.spec, self.dynamics
        init = self.streams.initialization
        n = spec.observers

        # Sides: one rule set, parameters per role.
        sides = [spec.side(role) for role in SIDES]
        self.deterrence = np.array([s.deterrence for s in sides])
        self.hawkishness = np.array([s.hawkishness for s in sides])
        self.caution = np.array([s.caution for s in sides])
        self.economic_reach = np.array([s.economic_reach for s in sides])
        self.sanction_weight = np.array(
            [dyn.multilateral_factor if s.multilateral else 1.0 for s in sides]
        )
        self.preparing = init.random(2) < np.array([s.prepare_probability for s in sides])
        self.red_line = init.uniform(dyn.redline_low, dyn.redline_high, size=2)
        self.face = np.zeros(2)
        self.record = np.zeros(2)
        self.type_belief = np.full(2, dyn.prior_type_belief)
        self.redline_mean = np.full(2, dyn.redline_prior_mean)
        self.redline_variance = np.full(2, dyn.redline_prior_sd**2)
        self.leverage = (
            leverage.leverage_gain(self.deterrence, dyn.leverage_half)
            if self.mechanisms.leverage
            else np.ones(2)
        )
        self.states = [
            State(self, role, build_strategy(side.strategy, side.strategy_options))
            for role, side in zip(SIDES, sides, strict=True)
        ]
        self.negotiator, self.adversary = self.states

        # Blocs: exact sizes from the shares, then shuffled.
        self.bloc_names = [b.name for b in spec.blocs]
        shares = np.array([b.share for b in spec.blocs])
        counts = np.floor(shares * n).astype(np.int64)
        remainder = shares * n - counts
        counts[np.argsort(-remainder, kind="stable")[: n - counts.sum()]] += 1
        self.observer_bloc = init.permutation(np.repeat(np.arange(len(shares)), counts))
        self._bloc_counts = np.bincount(self.observer_bloc, minlength=len(shares)).astype(float)
        self.bloc_weight = np.array([b.economic_weight for b in spec.blocs])
        self.bloc_exposure = np.array([b.exposure for b in spec.blocs])
        self.bloc_sizes = counts

        # Observers' dispositions and initial legitimacy.
        self.is_elite = np.zeros(n, dtype=bool)
        self.is_elite[init.permutation(n)[: round(spec.elite_share * n)]] = True
        self.confidence_bound = np.where(
            self.is_elite,
            init.uniform(dyn.confidence_elite_low, dyn.confidence_elite_high, n),
            init.uniform(dyn.confidence_public_low, dyn.confidence_public_high, n),
        )
        scepticism_mean = np.array([b.scepticism for b in spec.blocs])[self.observer_bloc]
        self.scepticism = _beta(init, scepticism_mean, dyn.scepticism_concentration)
        self.strength_orientation = _beta(
            init, np.full(n, dyn.strength_orientation_mean), dyn.strength_orientation_concentration
        )
        self.legitimacy = np.empty((2, n))
        for s, role in enumerate(SIDES):
            tilt = np.array([getattr(b.tilt, role) for b in spec.blocs])[self.observer_bloc]
            mean = np.clip(sides[s].initial_legitimacy.mean + tilt, 0.01, 0.99)
            self.legitimacy[s] = _beta(init, mean, sides[s].initial_legitimacy.concentration)
        self.legitimacy_initial = self.legitimacy.copy()
        self.blame = np.full(n, 0.5)

        # Media and subscriptions (two distinct outlets each, drawn by reach).
        self.outlet_bias = np.array([o.bias for o in spec.media])
        self.outlet_reach = np.array([o.reach for o in spec.media])
        self.outlet_indexing = np.array([o.indexing for o in spec.media])
        self.outlet_indexing_effective = self.outlet_indexing.copy()
        self.outlet_frames = np.stack([0.5 + self.outlet_bias / 2, 0.5 - self.outlet_bias / 2])
        self.subscriptions = _two_subscriptions(init, self.outlet_reach, n)
        self.outlet_bias_mean = self.outlet_bias[self.subscriptions].mean(axis=1)
        self.outlets = [MediaOutlet(self, m, o) for m, o in enumerate(spec.media)]

        # Network.
        self.network_indptr, self.network_indices = small_world(
            n, dyn.network_degree, dyn.network_rewiring, init
        )
        self._neighbour_table, self._neighbour_cumulative = peers.neighbour_table(
            self.network_indptr, self.network_indices, self.is_elite, dyn.elite_influence
        )
        self._create_observers()

        # Model-level state.
        self.salience = dyn.initial_salience
        self.deal_progress = 0.0
        self.redline_crossings = 0
        self.fruitless_rounds = 0
        self.crisis_index = 0.0
        self.talks = False
        self.last_defection_of_other = np.full(2, -(10**9))
        self.last_crossing_of_own_line = np.full(2, -(10**9))
        self.crossed_this_step = np.zeros(2, dtype=bool)
        self.actions: list[Action | None] = [None, None]
        self.vote_yes_by_bloc = np.full(len(spec.blocs), np.nan)
        self.target = np.full((2, n), 0.5)
        self.escalation_cost = self._escalation_costs()
        self.utilities = self._utilities()

        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_read_column, name) for name in OUTPUT_COLUMNS},
            tables={"blocs": list(BLOC_COLUMNS), "media": list(MEDIA_COLUMNS)},
        )
        self._vote()
        self._record()

    def _create_observers(self) -> None:
        """The observer agents: views onto entries of the observer arrays."""
        self.observers = [Observer(self, i) for i in range(self.spec.observers)]

    # ---------------------------------------------------------------------------------------
    # One step
    # ---------------------------------------------------------------------------------------

    def step(self) -> None:
        """One week: decide, then rules 1-13 of MODEL_SPEC in order, then record."""
        previous = self.actions
        actions = self._decide()
        context = self._side_rules(actions, previous)
        self._observer_rules(context)
        self._blame_rule(context)
        self._learning(context.talks)
        self._bargaining(context)
        self._escalation()
        self._crisis(context)
        self._blocs(context.step)
        self._record()
        if self.steps >= self.horizon:
            self.running = False

    # ---------------------------------------------------------------------------------------
    # Phases of one step (MODEL_SPEC, "One step, in order")
    # ---------------------------------------------------------------------------------------

    def _decide(self) -> list[Action]:
        """Both sides choose this step's action (rule 11's choice, from last step's state)."""
        t = self.steps
        uniforms = [self.streams.choices(role).random() for role in SIDES]
        previous = self.actions
        actions = [
            state.decide(
                DecisionContext(t, previous[s], previous[1 - s], uniforms[s], self.utilities[s])
            )
            for s, state in enumerate(self.states)
        ]
        for state, action in zip(self.states, actions, strict=True):
            state.previous_action, state.action = state.action, action
        self.actions = actions
        self.talks = actions[0].at_table and actions[1].at_table
        return actions

    def _side_rules(self, actions: list[Action], previous: list[Action | None]) -> StepContext:
        """Rules 1, 2 and the side-level part of rule 3; what the observer rules read."""
        dyn, mech = self.dynamics, self.mechanisms
        t = self.steps

        # Rule 1: leverage, face and record.
        conceded = np.array([a is Action.CONCEDE for a in actions], dtype=float)
        credit = np.array(
            [
                1.0
                if a is Action.CONCEDE
                else dyn.record_engage_credit
                if a is Action.ENGAGE
                else 0.0
                for a in actions
            ]
        )
        self.face = leverage.update_face(self.face, conceded, dyn.face_memory)
        self.record = leverage.update_record(self.record, credit, dyn.record_memory)
        weight = leverage.event_weight(self.leverage, self.face, dyn.face_penalty)

        # Rule 2: salience.
        repeated = np.array(
            [a is p and a.is_persistent_posture for a, p in zip(actions, previous, strict=True)]
        )
        news = salience.scaled_newsworthiness(
            [a.newsworthiness for a in actions], repeated, dyn.persistence
        )
        self.salience = salience.update_salience(self.salience, news, dyn.salience_memory)

        # Rule 3, side level: contrast, talk fatigue and justified exits.
        fatigued = tuple(
            bool(mech.talk_fatigue and a is Action.ENGAGE and self.fruitless_rounds > 0)
            for a in actions
        )
        justified = []
        for s, a in enumerate(actions):
            mild = False
            if mech.justified_exit and a is Action.WALK_AWAY:
                since = t - max(self.last_defection_of_other[s], self.last_crossing_of_own_line[s])
                mild = bool(1 <= since <= dyn.justified_exit_window)
            justified.append(mild)
        if mech.contrast:
            record_bonus = dyn.record_bonus if mech.reassurance else 0.0
            chi = valence.contrast_strength(
                dyn.contrast, self.leverage, self.record, record_bonus, dyn.record_threshold
            )
        else:
            chi = np.zeros(2)
        return StepContext(
            step=t,
            actions=(actions[0], actions[1]),
            talks=self.talks,
            salience=self.salience,
            weight=weight,
            contrast=chi,
            fatigued=(fatigued[0], fatigued[1]),
            fruitless_rounds=self.fruitless_rounds,
            justified=(justified[0], justified[1]),
        )

    def _observer_rules(self, context: StepContext) -> None:
        """Rules 3 (per observer) to 7 over every observer, as whole-array operations."""
        dyn, mech = self.dynamics, self.mechanisms
        n = self.spec.observers
        salience_now = context.salience

        # Rule 3, per observer: valence in context and the target legitimacy.
        base = np.stack(
            [
                valence.base_valence(
                    a, self.strength_orientation, self.scepticism, self.sanction_weight[s]
                )
                for s, a in enumerate(context.actions)
            ]
        )
        for s in range(2):
            if context.fatigued[s]:
                base[s] -= valence.talk_fatigue_penalty(
                    self.strength_orientation,
                    context.fruitless_rounds,
                    dyn.talk_fatigue,
                    dyn.talk_fatigue_half,
                )
            if context.justified[s]:
                base[s] += dyn.justified_exit
        contextual = np.stack(
            [
                valence.contextual_valence(base[s], base[1 - s], context.contrast[s])
                for s in range(2)
            ]
        )
        self.target = valence.target_legitimacy(contextual)

        # Rule 4: events.
        for s in range(2):
            multiplier = (
                events.attribution_multiplier(
                    contextual[s], self.legitimacy[s], dyn.attribution_bias
                )
                if mech.attribution
                else 1.0
            )
            self.legitimacy[s] = events.event_update(
                self.legitimacy[s],
                self.target[s],
                dyn.event_rate,
                salience_now,
                context.weight[s],
                multiplier,
            )

        # Rule 5: media.
        exposure_draws = self.streams.media.random((2, n))
        if mech.media:
            self._frame_media()
            backfire_rate = dyn.backfire_rate if mech.backfire else 0.0
            for slot in range(2):
                outlet = self.subscriptions[:, slot]
                exposed = exposure_draws[slot] < self.outlet_reach[outlet] * salience_now
                for s in range(2):
                    self.legitimacy[s] = media.media_update(
                        self.legitimacy[s],
                        self.outlet_frames[s, outlet],
                        exposed,
                        self.confidence_bound,
                        dyn.media_rate,
                        dyn.media_latitude,
                        backfire_rate,
                        dyn.backfire_margin,
                    )

        # Rule 6: peers.
        peer_draws = self.streams.peers.random(n)
        if mech.peers:
            if self.spec.peer_model == "deffuant":
                neighbour = peers.draw_neighbours(
                    self._neighbour_table, self._neighbour_cumulative, peer_draws
                )
                for s in range(2):
                    self.legitimacy[s] = peers.deffuant_update(
                        self.legitimacy[s],
                        self.legitimacy[s][neighbour],
                        self.confidence_bound,
                        dyn.peer_rate,
                    )
            else:
                for s in range(2):
                    self.legitimacy[s] = peers.hegselmann_krause_update(
                        self.legitimacy[s],
                        self.network_indptr,
                        self.network_indices,
                        self.confidence_bound,
                        dyn.peer_rate,
                    )

        # Rule 7: anchoring (and the clip to [0, 1]).
        rate = dyn.anchoring if mech.anchoring else 0.0
        self.legitimacy = anchoring.anchor(self.legitimacy, self.legitimacy_initial, rate)

    def _frame_media(self) -> None:
        """Rule 5, outlet side: effective indexing and every outlet's frames of both sides.

        Reads the observers' legitimacy after the events (elite disagreement) and this step's
        targets (`self.target`).
        """
        if self.mechanisms.elite_indexing:
            gap = self.legitimacy[0] - self.legitimacy[1]
            disagreement = media.elite_disagreement(gap[self.is_elite])
            self.outlet_indexing_effective = media.effective_indexing(
                self.outlet_indexing, disagreement
            )
        else:
            self.outlet_indexing_effective = self.outlet_indexing.copy()
        self.outlet_frames = media.outlet_frames(
            self.outlet_bias, self.outlet_indexing_effective, self.target.mean(axis=1)
        )

    def _blame_rule(self, context: StepContext) -> None:
        """Rule 8 over every observer on a step with a defection, as one array operation."""
        dyn = self.dynamics
        severity = [a.defection_severity for a in context.actions]
        if sum(severity) > 0:
            tilt = self.outlet_bias_mean if self.mechanisms.media else np.zeros(self.spec.observers)
            target = blame.blame_target(severity[0], severity[1], tilt, dyn.blame_media_tilt)
            self.blame = blame.blame_update(self.blame, target, dyn.blame_rate, context.salience)
        self._note_defections(context)

    def _note_defections(self, context: StepContext) -> None:
        """Remember when each side last saw the other defect (for `justified_exit`)."""
        for s in range(2):
            if context.actions[1 - s].is_defection:
                self.last_defection_of_other[s] = context.step

    def _learning(self, talks: bool) -> None:
        """Rule 9 (signals are drawn every step, used only when learning is on)."""
        dyn = self.dynamics
        type_draws = self.streams.signals.random(2)
        noise_draws = self.streams.signals.standard_normal(2)
        if self.mechanisms.learning:
            accuracy = dyn.signal_accuracy_talks if talks else dyn.signal_accuracy_outside
            noise = dyn.signal_noise_talks if talks else dyn.signal_noise_outside
            other_preparing = self.preparing[::-1]
            signal = learning.type_signal(other_preparing, type_draws, accuracy)
            self.type_belief = learning.update_type_belief(self.type_belief, signal, accuracy)
            redline_signal = self.red_line[::-1] + noise * noise_draws
            self.redline_mean, self.redline_variance = learning.update_redline_estimate(
                self.redline_mean, self.redline_variance, redline_signal, noise
            )

    def _bargaining(self, context: StepContext) -> None:
        """Rule 10: asks against red lines, progress and crossings."""
        self.crossed_this_step = np.zeros(2, dtype=bool)
        if context.talks:
            ask = bargaining.asks(self.redline_mean, self.redline_variance, self.caution)
            self.crossed_this_step = crossed = bargaining.crossings(ask, self.red_line[::-1])
            self.redline_crossings += int(crossed.sum())
            for s in range(2):
                if crossed[s]:
                    self.last_crossing_of_own_line[1 - s] = context.step
            self.fruitless_rounds = self.fruitless_rounds + 1 if crossed.any() else 0
            self.deal_progress = bargaining.update_progress(
                self.deal_progress, bool(crossed.any()), self.dynamics.progress_rate
            )

    def _escalation(self) -> None:
        """Rule 11: escalation costs and the utilities of the next choice."""
        self.escalation_cost = self._escalation_costs()
        self.utilities = self._utilities()

    def _crisis(self, context: StepContext) -> None:
        """Rule 12: the crisis index."""
        dyn = self.dynamics
        provocation = any(a.is_provocation for a in context.actions) or bool(
            self.crossed_this_step.any()
        )
        misperception = float(np.mean(np.abs(self.type_belief - self.preparing[::-1])))
        hazard = crisis.crisis_hazard(
            dyn.hazard_base,
            provocation,
            misperception,
            context.talks,
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
        return np.array(
            [
                escalation.escalation_cost(
                    dyn.escalation_cost_base,
                    dyn.escalation_cost_slope,
                    blocs.weighted_mean(self._bloc_means(self.legitimacy[s]), self.bloc_weight),
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
        elite_yes = np.bincount(
            self.observer_bloc,
            weights=(yes & self.is_elite).astype(float),
            minlength=len(self.bloc_names),
        )
        elites = np.bincount(
            self.observer_bloc, weights=self.is_elite.astype(float), minlength=len(self.bloc_names)
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            self.vote_yes_by_bloc = elite_yes / elites

    def _record(self) -> None:
        dyn = self.dynamics
        legit = self.legitimacy
        gap = legit[0] - legit[1]
        by_bloc = {
            "legitimacy_negotiator": self._bloc_means(legit[0]),
            "legitimacy_adversary": self._bloc_means(legit[1]),
            "legitimacy_gap": self._bloc_means(gap),
            "narrative_share": self._bloc_means((gap > 0).astype(float)),
            "blame_adversary": self._bloc_means(self.blame),
            "scepticism": self._bloc_means(self.scepticism),
        }
        compliance = blocs.sanction_compliance(
            by_bloc["legitimacy_adversary"],
            by_bloc["legitimacy_negotiator"],
            by_bloc["scepticism"],
            self.bloc_exposure * self.economic_reach[1],
            dyn.compliance_intercept,
            dyn.compliance_legitimacy,
            dyn.compliance_scepticism,
            dyn.compliance_exposure,
        )
        action = [a.value if a is not None else None for a in self.actions]
        self.current = {
            "step": self.steps,
            "action_negotiator": action[0],
            "action_adversary": action[1],
            "talks": self.talks,
            "legitimacy_negotiator": float(legit[0].mean()),
            "legitimacy_adversary": float(legit[1].mean()),
            "legitimacy_gap": float(gap.mean()),
            "narrative_share": narrative_share(gap),
            "blame_adversary": float(self.blame.mean()),
            "salience": float(self.salience),
            "escalation_cost_negotiator": float(self.escalation_cost[0]),
            "escalation_cost_adversary": float(self.escalation_cost[1]),
            "belief_error_negotiator": float(abs(self.type_belief[0] - self.preparing[1])),
            "belief_error_adversary": float(abs(self.type_belief[1] - self.preparing[0])),
            "redline_uncertainty_negotiator": float(np.sqrt(self.redline_variance[0])),
            "redline_uncertainty_adversary": float(np.sqrt(self.redline_variance[1])),
            "deal_progress": float(self.deal_progress),
            "redline_crossings": int(self.redline_crossings),
            "crisis_index": float(self.crisis_index),
            "sanction_compliance": blocs.weighted_mean(compliance, self.bloc_weight),
            "vote_yes_share": blocs.weighted_mean(self.vote_yes_by_bloc, self.bloc_weight),
            "polarization": polarization(gap),
        }
        self.datacollector.collect(self)
        elite = self.is_elite
        elites = np.bincount(
            self.observer_bloc, weights=elite.astype(float), minlength=len(self.bloc_names)
        )
        elite_n = _masked_bloc_means(legit, elite, self.observer_bloc, elites)
        public_n = _masked_bloc_means(legit, ~elite, self.observer_bloc, self._bloc_counts - elites)
        for k, name in enumerate(self.bloc_names):
            self.datacollector.add_table_row(
                "blocs",
                {
                    "step": self.steps,
                    "bloc": name,
                    **{
                        key: float(values[k])
                        for key, values in by_bloc.items()
                        if key != "scepticism"
                    },
                    "elite_legitimacy_negotiator": float(elite_n[0][k]),
                    "elite_legitimacy_adversary": float(elite_n[1][k]),
                    "public_legitimacy_negotiator": float(public_n[0][k]),
                    "public_legitimacy_adversary": float(public_n[1][k]),
                    "sanction_compliance": float(compliance[k]),
                    "vote_yes_share": float(self.vote_yes_by_bloc[k]),
                },
            )
        for m, outlet in enumerate(self.outlets):
            self.datacollector.add_table_row(
                "media",
                {
                    "step": self.steps,
                    "outlet": outlet.name,
                    "frame_negotiator": float(self.outlet_frames[0, m]),
                    "frame_adversary": float(self.outlet_frames[1, m]),
                    "effective_indexing": float(self.outlet_indexing_effective[m]),
                },
            )

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
    def mechanism_switches(self) -> dict[str, bool]:
        """The on/off state of every mechanism."""
        return {name: bool(getattr(self.mechanisms, name)) for name in MECHANISM_NAMES}

    @property
    def dynamics_values(self) -> dict[str, float]:
        """The value of every dynamics parameter."""
        return {p.name: getattr(self.dynamics, p.name) for p in DYNAMICS_PARAMETERS}


def _read_column(name: str, model: DiplomacyModel) -> Any:
    """DataCollector reporter: one precomputed output column of the current step."""
    return model.current[name]


def _beta(rng: np.random.Generator, mean: np.ndarray, concentration: float) -> np.ndarray:
    return rng.beta(mean * concentration, (1.0 - mean) * concentration)


def _two_subscriptions(rng: np.random.Generator, reach: np.ndarray, n: int) -> np.ndarray:
    """Two distinct outlets per observer, drawn without replacement with weights = reach.

    Uses the Gumbel-top-k trick over the whole population at once. With one outlet, both
    subscriptions are that outlet.
    """
    if reach.size == 1:
        return np.zeros((n, 2), dtype=np.int64)
    weights = np.where(reach > 0, reach, 1e-12)
    keys = np.log(weights)[None, :] + rng.gumbel(size=(n, reach.size))
    return np.argsort(-keys, axis=1, kind="stable")[:, :2].astype(np.int64)


def _masked_bloc_means(
    legitimacy: np.ndarray, mask: np.ndarray, bloc: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Per-bloc means of both sides' legitimacy over the observers in `mask`.

    `counts` holds how many observers of each bloc are in `mask`.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.stack(
            [
                np.bincount(bloc, weights=np.where(mask, legitimacy[s], 0.0), minlength=counts.size)
                / counts
                for s in range(2)
            ]
        )
