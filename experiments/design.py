"""Design points of an experiment: the sweep of a config turned into parameter settings.

A design point is a mapping {dotted path into `model`: value}, numbered from 0 in the order
of `Design.points`. Three methods (INTERFACE.md, `sweep.method`):

* ``grid``: every combination of the listed values, the first parameter varying slowest.
* ``lhs``: a Latin hypercube of `samples` points over the {min, max} ranges (McKay, Beckman and
  Conover 1979; `scipy.stats.qmc.LatinHypercube`): each parameter's range is cut into
  `samples` equal strata and every stratum holds exactly one point.
* ``sobol``: Saltelli's sampling scheme over Sobol' sequences (Saltelli 2002; SALib's
  `SALib.sample.sobol.sample` with ``calc_second_order=False``), ``samples * (D + 2)`` points
  for D parameters, in the row order that `SALib.analyze.sobol.analyze` expects, so that first
  order and total indices can be computed from one output per design point. `samples` is
  ideally a power of 2.

Integer parameters (``observers``, a strategy's ``at``, integer registry parameters) are rounded
to the nearest integer inside their range. A config without a sweep has one design point, 0,
the empty mapping. The random designs draw from a generator seeded by the config's base seed
(`design_seed`), so the same config always gives the same points.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.config import ExperimentConfig, RangeSpec, SweepSpec, parameter_kind
from model.parameters import Kind

_DESIGN_TAG = (2**32 - 1, 0x5A17)
"""Entropy words that keep the design's seed apart from every replicate seed."""


@dataclass(frozen=True)
class Design:
    """The design points of an experiment, numbered by their position in `points`.

    Attributes:
        method: ``grid``, ``lhs`` or ``sobol``; None without a sweep.
        parameters: the swept dotted paths, in config order.
        kinds: the value type of each swept parameter (``bool``, ``int`` or ``float``).
        points: one mapping {path: value} per design point.
        samples: the sweep's `samples` (lhs and sobol), else None.
        seed: the seed of the random designs (lhs and sobol), else None.
        bounds: the {min, max} range of each parameter for lhs and sobol, else empty.
    """

    method: str | None
    parameters: tuple[str, ...]
    kinds: dict[str, Kind]
    points: tuple[dict[str, Any], ...]
    samples: int | None = None
    seed: int | None = None
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.points)

    def problem(self) -> dict[str, Any] | None:
        """The SALib problem of an lhs or sobol design (num_vars, names, bounds), else None."""
        if not self.bounds:
            return None
        return {
            "num_vars": len(self.parameters),
            "names": list(self.parameters),
            "bounds": [list(self.bounds[p]) for p in self.parameters],
        }


def design_seed(base_seed: int) -> int:
    """The seed of an experiment's random design, derived from its base seed."""
    state = np.random.SeedSequence([base_seed, *_DESIGN_TAG]).generate_state(2, dtype=np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1]))


def grid_points(values: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of `values` {path: list}, the first path varying slowest."""
    paths = list(values)
    return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*values.values())]


def lhs_unit(samples: int, dimensions: int, seed: int) -> np.ndarray:
    """A Latin hypercube of `samples` points in the unit cube [0, 1)^dimensions."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=dimensions, rng=np.random.default_rng(seed)).random(samples)


def sobol_unit(samples: int, dimensions: int, seed: int) -> np.ndarray:
    """Saltelli's scheme in the unit cube: ``samples * (dimensions + 2)`` rows (SALib)."""
    from SALib.sample import sobol

    problem = {
        "num_vars": dimensions,
        "names": [f"x{i}" for i in range(dimensions)],
        "bounds": [[0.0, 1.0]] * dimensions,
    }
    with warnings.catch_warnings():
        # scipy warns when `samples` is not a power of 2; the design is still valid.
        warnings.simplefilter("ignore", UserWarning)
        return sobol.sample(problem, samples, calc_second_order=False, seed=seed)


def scale(unit: np.ndarray, low: float, high: float, kind: Kind) -> list[Any]:
    """Map unit-interval draws onto [low, high]; integers are rounded and kept in range."""
    values = low + unit * (high - low)
    if kind != "int":
        return [float(v) for v in values]
    first, last = math.ceil(low), math.floor(high)
    return [int(v) for v in np.clip(np.rint(values), first, last)]


def design_points(config: ExperimentConfig) -> Design:
    """The design points of a validated config's sweep (one empty point without a sweep)."""
    sweep: SweepSpec | None = config.sweep
    if sweep is None:
        return Design(method=None, parameters=(), kinds={}, points=({},))
    paths = tuple(sweep.parameters)
    kinds = {path: parameter_kind(path) for path in paths}
    if sweep.method == "grid":
        values = {path: [_coerce(v, kinds[path]) for v in sweep.parameters[path]] for path in paths}
        return Design("grid", paths, kinds, tuple(grid_points(values)))

    ranges: dict[str, RangeSpec] = {p: sweep.parameters[p] for p in paths}  # type: ignore[misc]
    seed = design_seed(config.seed)
    samples = int(sweep.samples or 0)
    draw = lhs_unit if sweep.method == "lhs" else sobol_unit
    unit = draw(samples, len(paths), seed)
    columns = {
        p: scale(unit[:, i], ranges[p].min, ranges[p].max, kinds[p]) for i, p in enumerate(paths)
    }
    points = tuple({p: columns[p][row] for p in paths} for row in range(unit.shape[0]))
    bounds = {p: (float(r.min), float(r.max)) for p, r in ranges.items()}
    return Design(sweep.method, paths, kinds, points, samples, seed, bounds)


def _coerce(value: Any, kind: Kind) -> Any:
    """A grid value as its parameter's type, so that every design point has one column type."""
    if kind == "bool" or isinstance(value, bool):
        return value
    if kind == "int" and float(value).is_integer():
        return int(value)
    return float(value) if kind == "float" else value


def design_size(sweep: SweepSpec | None) -> int:
    """How many design points `sweep` gives, counted without making them (1 without a sweep).

    The count equals ``len(design_points(config))``: the product of the grid's list lengths,
    `samples` for lhs, and ``samples * (D + 2)`` for sobol with D parameters.
    """
    if sweep is None:
        return 1
    if sweep.method == "grid":
        return math.prod(
            len(values) if isinstance(values, list) else 1 for values in sweep.parameters.values()
        )
    samples = int(sweep.samples or 0)
    return samples if sweep.method == "lhs" else samples * (len(sweep.parameters) + 2)
