"""One run of the model as its consumers see it: built, stepped, steered and read as tables.

`LiveRun` is the model's boundary. The batch runner and single runs (through
`experiments.runner.simulate`), the dashboard and the calibration scripts all build a run
here, step it, force a side's action if they wish, and read plain tables and arrays back;
none of them reads the model's arrays or its agents. The run records what happened that the
model's output tables do not hold: which actions an intervention forced, and the negotiator's
estimate of the adversary's red line week by week.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from agents.actions import SIDES, Action
from model.config import ConfigError, ExperimentConfig, ModelSpec, resolve_model
from model.model import OUTPUT_COLUMNS, DiplomacyModel
from model.streams import replicate_seed


@dataclass(frozen=True)
class RunTables:
    """The output tables of a run so far: model-level, per-bloc and per-outlet, one row a step.

    `timeseries` has the output columns of MODEL_SPEC (`model.outputs.OUTPUT_COLUMNS`), the
    actions as text; `blocs` and `media` those of `BLOC_COLUMNS` and `MEDIA_COLUMNS`.
    """

    timeseries: pd.DataFrame
    blocs: pd.DataFrame
    media: pd.DataFrame


@dataclass(frozen=True)
class NetworkSample:
    """Observers around observer 0 on the small-world network, and the links among them.

    `observers` are observer indices in increasing order; `links` pairs of positions in
    `observers` (each link once, the lower observer first); `blocs` and `elite` describe each
    sampled observer.
    """

    observers: NDArray[np.int64]
    links: NDArray[np.int64]
    blocs: NDArray[np.object_]
    elite: NDArray[np.bool_]


def model_tables(model: DiplomacyModel) -> RunTables:
    """The output tables a model (or a model docked against it) has collected so far."""
    collector = model.datacollector
    timeseries = collector.get_model_vars_dataframe().reset_index(drop=True)
    timeseries = timeseries.loc[:, list(OUTPUT_COLUMNS)]
    for column in ("action_negotiator", "action_adversary"):
        timeseries[column] = timeseries[column].astype("string")
    timeseries["talks"] = timeseries["talks"].astype(bool)
    timeseries["step"] = timeseries["step"].astype("int64")
    timeseries["redline_crossings"] = timeseries["redline_crossings"].astype("int64")
    return RunTables(
        timeseries=timeseries,
        blocs=collector.get_table_dataframe("blocs"),
        media=collector.get_table_dataframe("media"),
    )


class LiveRun:
    """A run of `spec` with `seed`, lasting `steps` steps, stepped by its owner.

    Args:
        spec: the resolved model.
        seed: the run's seed.
        steps: the run's length (its horizon); `step` never goes past it.
    """

    def __init__(self, spec: ModelSpec, seed: int, steps: int) -> None:
        self._model = DiplomacyModel(spec, rng=seed, horizon=steps)
        self._events: list[tuple[int, str, str, bool]] = []
        self._redline: list[tuple[int, NDArray[np.float64], NDArray[np.float64]]] = []
        self._record_redline()

    @classmethod
    def from_config(
        cls,
        config: ExperimentConfig,
        scenario: str | None = None,
        *,
        seed: int | None = None,
        overrides: Mapping[str, Any] | None = None,
        layer: str = "overrides",
    ) -> LiveRun:
        """A run of one scenario of `config` (default: the first), as long as its `steps`.

        `seed` defaults to that of replicate 0 of the config's base seed (the seed a batch
        gives it); `overrides` is a layer in the shape of the config's `model` section over
        the scenario's resolved model, named `layer` in error messages.

        Raises:
            ConfigError: the scenario is not in the config, or the overrides do not validate.
        """
        spec = config.scenario_spec(scenario)
        if overrides:
            spec, problems = resolve_model([("scenario", spec.to_dict()), (layer, overrides)])
            if spec is None:
                raise ConfigError(problems)
        seed = replicate_seed(config.seed, 0) if seed is None else seed
        return cls(spec, seed, config.steps)

    # ---------------------------------------------------------------------------------------
    # What the run is
    # ---------------------------------------------------------------------------------------

    @property
    def spec(self) -> ModelSpec:
        """The resolved model the run runs."""
        return self._model.spec

    @property
    def seed(self) -> int:
        """The run's seed."""
        return self._model.seed

    @property
    def horizon(self) -> int:
        """Steps the run lasts."""
        return self._model.horizon

    @property
    def step_count(self) -> int:
        """Steps taken so far."""
        return self._model.steps

    @property
    def finished(self) -> bool:
        """Whether the run reached its horizon."""
        return self._model.steps >= self._model.horizon

    @property
    def observers(self) -> int:
        """How many observers the run has."""
        return self.spec.observers

    # ---------------------------------------------------------------------------------------
    # Stepping and steering
    # ---------------------------------------------------------------------------------------

    def step(self, count: int = 1) -> int:
        """Take up to `count` steps, never past the horizon; return the steps taken."""
        model = self._model
        done = 0
        while done < count and model.steps < model.horizon:
            forced = [state.intervention is not None for state in model.states]
            model.step()
            for state, flag in zip(model.states, forced, strict=True):
                self._events.append((model.steps, state.role, state.action.value, flag))
            self._record_redline()
            done += 1
        return done

    def intervene(self, role: str, action: Action | None) -> None:
        """Force side `role` to take `action` from the next step on (None: its strategy again)."""
        self._model.set_intervention(role, action)

    def intervention(self, role: str) -> Action | None:
        """The action forced on side `role` from the next step on, or None."""
        return self._model.states[SIDES.index(role)].intervention

    def strategy_action(self, role: str) -> Action:
        """The action side `role`'s own strategy would take in the next step (nothing drawn)."""
        return self._model.strategy_action(role)

    def set_outlet_bias(self, outlet: str, bias: float) -> None:
        """Give the outlet named `outlet` the editorial bias `bias` (in [-1, 1]) from the next step.

        Raises:
            ValueError: no outlet has that name, or the bias is outside [-1, 1].
        """
        names = self._model.outlet_names
        if outlet not in names:
            raise ValueError(f"outlet: expected one of {', '.join(names)}, found {outlet!r}")
        if not -1.0 <= bias <= 1.0:
            raise ValueError(f"bias: expected a number from -1 to 1, found {bias!r}")
        self._model.set_outlet_bias(names.index(outlet), float(bias))

    def outlet_biases(self) -> dict[str, float]:
        """Every outlet's editorial bias now, by name, in the config's order."""
        model = self._model
        return {
            name: float(b) for name, b in zip(model.outlet_names, model.outlet_bias, strict=True)
        }

    # ---------------------------------------------------------------------------------------
    # Reading
    # ---------------------------------------------------------------------------------------

    def tables(self) -> RunTables:
        """The output tables of every step so far (step 0 included)."""
        return model_tables(self._model)

    def events(self) -> pd.DataFrame:
        """Both sides' action in every step taken: step, side, action and whether forced."""
        columns = ("step", "side", "action", "intervention")
        return pd.DataFrame(
            {name: [event[i] for event in self._events] for i, name in enumerate(columns)}
        )

    def observer_frame(self) -> pd.DataFrame:
        """Every observer's state now: step, observer, bloc name, elite flag, L^N, L^A, blame."""
        model = self._model
        frame = pd.DataFrame(model.observer_frame())
        frame["bloc"] = np.asarray(model.bloc_names, dtype=object)[frame["bloc"].to_numpy()]
        frame["bloc"] = frame["bloc"].astype("string")
        frame.insert(0, "step", np.int64(model.steps))
        return frame

    def legitimacy_gap(self) -> NDArray[np.float64]:
        """Every observer's L^N - L^A now."""
        legitimacy = self._model.legitimacy
        return legitimacy[0] - legitimacy[1]

    def act_evidence(self, role: str) -> NDArray[np.float64]:
        """The act evidence each observer read of side `role` in the last step (rule 3)."""
        return self._model.evidence_now.act[SIDES.index(role)].copy()

    def redline_estimates(self, role: str) -> pd.DataFrame:
        """Side `role`'s estimate of the other side's red line at every step: mean and sd."""
        side = SIDES.index(role)
        return pd.DataFrame(
            {
                "step": [step for step, _, _ in self._redline],
                "estimate": [float(mean[side]) for _, mean, _ in self._redline],
                "sd": [float(math.sqrt(variance[side])) for _, _, variance in self._redline],
            }
        )

    def true_red_line(self, role: str) -> float:
        """Side `role`'s red line, which the other side estimates (a private value)."""
        return float(self._model.red_line[SIDES.index(role)])

    def network_sample(self, size: int) -> NetworkSample:
        """Up to `size` observers around observer 0 (breadth first) and the links among them."""
        model = self._model
        indptr, indices = model.network_indptr, model.network_indices
        n = model.spec.observers
        if n <= size:
            chosen = list(range(n))
        else:
            chosen, seen, frontier = [], {0}, [0]
            while frontier and len(chosen) < size:
                node = frontier.pop(0)
                chosen.append(node)
                for j in indices[indptr[node] : indptr[node + 1]]:
                    if int(j) not in seen:
                        seen.add(int(j))
                        frontier.append(int(j))
        observers = np.array(sorted(chosen), dtype=np.int64)
        position = {int(v): i for i, v in enumerate(observers)}
        links = [
            (position[int(v)], position[int(j)])
            for v in observers
            for j in indices[indptr[v] : indptr[v + 1]]
            if int(j) in position and v < j
        ]
        return NetworkSample(
            observers=observers,
            links=np.array(links, dtype=np.int64).reshape(-1, 2),
            blocs=np.asarray(model.bloc_names, dtype=object)[model.observer_bloc[observers]],
            elite=model.is_elite[observers].copy(),
        )

    def _record_redline(self) -> None:
        model = self._model
        self._redline.append(
            (model.steps, model.redline_mean.copy(), model.redline_variance.copy())
        )
