"""A reference implementation of the observer rules, written the straightforward Mesa way.

`DiplomacyModel` keeps every observer's state in arrays and applies rules 3 to 8 of MODEL_SPEC
as whole-array operations. `ReferenceDiplomacyModel` applies the same rules the way a Mesa model
usually does: each observer is a `ReferenceObserver` agent (`tools.reference.observer`) that
holds its own state as plain Python floats (its log-odds x^N, x^A and their anchors, L^N and
L^A, its news of each side, blame, eps, s, h_obs, its two subscriptions and its neighbours as a
Python list) and updates itself in Python, one phase at a time over every observer with
`shuffle_do`, in the order of MODEL_SPEC's "One step, in order":

1. `perceive`: rule 3 per observer (the act evidence e and the standing evidence u of each
   side, read with its own s, h_obs and the sides' face and gain) and rule 4 (the news cycle,
   absorbed in proportion to attention with the attribution multiplier; the standing trickle);
2. `read_media`: rule 5, each of two subscriptions read with probability r_m S, its report
   taken within the bound or, under `backfire`, pushed away beyond the margin;
3. `consult_peer` then `adopt_peer`: rule 6 (Deffuant, or Hegselmann-Krause) on the
   probability scale, then back to log-odds, in two passes so that every observer compares
   itself with its neighbours' values from before the phase, as in the array model (no
   observer reads a half-updated neighbour);
4. `anchor`: rule 7 in log-odds, then the observer's new L^N and L^A;
5. `assign_blame`: rule 8, on a step with a defection act.

Everything that is not per observer is inherited from `DiplomacyModel` unchanged: set-up (the
same draws from the initialization stream, so one seed gives both models the same observers,
network, subscriptions and states), the states' decisions, bargaining, rules 1 and 2, the
side-level part of rule 3 (`_side_evidence`: contrast strengths, fruitless weeks, excused
walkouts, standing and weight evidence), the outlet-level part of rule 5 (`_report_outlets`:
elite disagreement, each outlet's mean report), the defection severities of rule 8, learning,
escalation, the crisis index, blocs and recording. The spin-up runs its weeks through the
reference observers too, never from the array model's spin-up cache. The two implementations
thus dock (Axtell, Axelrod, Epstein & Cohen 1996) on the per-observer rules and their
scheduling, the spin-up included.

Keeping the arrays in sync: the agents own the observer state. The model copies their news
into its `news` array after `perceive` (the outlets read the mean news and the elites' news),
and their log-odds, legitimacy, news and blame into its arrays once the blame phase is over
(the escalation costs, the votes and the record read them), so everything downstream reads the
arrays exactly as in the array model, and nothing writes them but these copies.

Random numbers come from the model's named streams (`media`, `peers`), drawn per agent:

- ``draws="per_agent"`` (the default, the straightforward way): each observer draws its own
  numbers when it acts, so which observer gets which number follows the shuffled order. Runs
  then agree with the array model in distribution, not run by run.
- ``draws="as_array"``: the model draws each phase's numbers in one block, in the array
  model's order, and each observer reads its own. Since every phase reads only values from
  before the phase, the order of the agents does not matter, and runs agree with the array
  model exactly, to the last bit. That needs two more things, both kept here: each formula
  applies its operations in the array model's order (floating-point addition is not
  associative), and the log-odds conversions use numpy's `exp` and `log` on single numbers,
  the same implementations the array model applies to whole arrays (the `math` module's can
  differ from them in the last bit where numpy uses its own vectorized versions: on a machine
  with AVX-512, in about one value in twenty of `exp`).

The cost is the point of comparison: a Python method call per observer and phase makes an
observer-step many times as costly as in the array model (BENCHMARKS.md, "Scale"). The
spin-up is paid in full too: 100 weeks of every observer phase before step 0, which at
100,000 observers takes the reference minutes (the scale benchmark times steps without it).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from model.acts import StepActs
from model.config import ModelSpec
from model.model import DiplomacyModel
from tools.reference.observer import Reading, ReferenceObserver

__all__ = ["DRAW_ORDERS", "DrawOrder", "ReferenceDiplomacyModel", "ReferenceObserver"]

DrawOrder = Literal["per_agent", "as_array"]
"""How the reference observers get their random numbers (see the module docstring)."""

DRAW_ORDERS: tuple[str, ...] = ("per_agent", "as_array")


class ReferenceDiplomacyModel(DiplomacyModel):
    """The diplomacy model with observers as self-stepping Mesa agents (see module docstring).

    It takes the arguments of `DiplomacyModel`, and `draws` ("per_agent" or "as_array"): how
    the observers get their random numbers.
    """

    observer_class: type[ReferenceObserver] = ReferenceObserver
    """The class of the observer agents (a subclass may change a rule, for tests)."""

    def __init__(
        self,
        spec: ModelSpec | None = None,
        *,
        rng: int | None = None,
        horizon: int = 200,
        draws: DrawOrder = "per_agent",
        **parameters: Any,
    ) -> None:
        if draws not in DRAW_ORDERS:
            raise ValueError(f"draws: expected one of {', '.join(DRAW_ORDERS)}, found {draws!r}")
        self.draws = draws
        super().__init__(spec, rng=rng, horizon=horizon, **parameters)

    def _create_observers(self) -> None:
        """The observers as `ReferenceObserver` agents, linked to their neighbours."""
        n = self.spec.observers
        make = self.observer_class
        self.observers: list[ReferenceObserver] = [make(self, i) for i in range(n)]
        indptr, indices = self.network_indptr.tolist(), self.network_indices.tolist()
        cumulative = self._neighbour_cumulative.T.tolist()
        for i, observer in enumerate(self.observers):
            row = indices[indptr[i] : indptr[i + 1]]
            observer.connect([self.observers[j] for j in row], cumulative[i][: len(row)])
        self.reach_list: list[float] = self.outlet_reach.tolist()
        self.bias_list: list[float] = self.outlet_bias.tolist()
        self.stance_lists: list[list[float]] = self.outlet_stances.tolist()

    def _spin_up(self) -> None:
        """The spin-up's weeks through the reference observers (never from the cache)."""
        self._spin_up_weeks(self.dynamics.spin_up)

    def _observer_phases(self, acts: StepActs) -> None:
        """Rules 3 (per observer) to 8, each a `shuffle_do` over the observer agents."""
        observers = self.agents_by_type[self.observer_class]
        n = self.spec.observers
        salience_now = self.salience
        reading = Reading.of(self._side_evidence(acts), self)
        observers.shuffle_do("perceive", reading, salience_now)
        self.news = np.array(
            [[o.news[0] for o in self.observers], [o.news[1] for o in self.observers]]
        )

        if self.draws == "as_array":
            self.media_draws: list[list[float]] = self.streams.media.random((2, n)).tolist()
        if self.mechanisms.media:
            self._report_outlets()
        self.indexing_list: list[float] = self.outlet_indexing_effective.tolist()
        self.any_news = bool(self.news.any())
        observers.shuffle_do("read_media", salience_now)

        if self.draws == "as_array":
            self.peer_draws: list[float] = self.streams.peers.random(n).tolist()
        observers.shuffle_do("consult_peer")
        observers.do("adopt_peer")

        observers.shuffle_do("anchor")
        self._blame(acts, salience_now)
        self._gather_observers()
        self._note_provocations(acts)

    def _blame(self, acts: StepActs, salience_now: float) -> None:
        """Rule 8, a `shuffle_do` over the observer agents on a step with a defection act."""
        severity = self._defection_severity(acts)
        if sum(severity) > 0:
            self.agents_by_type[self.observer_class].shuffle_do(
                "assign_blame", severity, salience_now
            )

    def _gather_observers(self) -> None:
        """Copy the agents' log-odds, legitimacy, news and blame into the observer arrays."""
        observers = self.observers
        for name in ("logodds", "legitimacy", "news"):
            values = [[getattr(o, name)[s] for o in observers] for s in range(2)]
            setattr(self, name, np.array(values))
        self.blame = np.array([o.blame_adversary for o in observers])
