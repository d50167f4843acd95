"""The region of the registry that meets the four calibration patterns, by rejection.

MODEL_SPEC, "Calibration": P1 a walkout costs little (A walks away at 50: L^A at 60 changes by
-0.03 to 0 against both engaging), P2 views are spread (sd of L^A at step 0 from 0.15 to
0.22), P3 a walkout divides (share of observers reading A's walkout act as positive evidence
from 0.25 to 0.45), P4 views are stable in rank (Spearman correlation of observers' L^A between
steps 0 and 52 at least 0.9). A Latin hypercube of points over the parameters that plausibly
shape them (`PARAMETERS`, each over its plausible range widened by half,
`experiments.ranges.plausible_range`) is run on a few seeds; a point is accepted when the
means over its seeds meet all four. `region_table` says which parameters the patterns pin
(the central 90% of the accepted values spans less than half the sampled range) and which
stay free. P3 reads the evidence each observer draws from the act, which no output table
carries, so the figures come from the model itself (`pattern_figures`). Commands::

    python -m tools.model_card.pattern_region run --points 400 --out /tmp/card/region.parquet
    python -m tools.model_card.pattern_region summarize /tmp/card/region.parquet
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from experiments.clitypes import EXIT_BAD_INPUT, EXIT_OK, positive_int
from experiments.design import lhs_unit, scale
from experiments.errors import UsageError
from experiments.ranges import plausible_range, registry_paths
from model.config import parameter_kind, resolve_model
from model.live import LiveRun
from model.rules.evidence import positive_share
from model.streams import replicate_seed
from tools.model_card.scenarios import adversary_walks, deep_merge
from tools.model_card.sobol_design import nested

SEED = 20261125
OBSERVERS = 500
SEEDS = 3
POINTS = 400
SPREAD = 1.5
"""The sampled ranges: the Sobol analysis's plausible ranges, each move half as large again."""
PINNED, NARROWED = 0.5, 0.8
"""The accepted central 90%'s width against a free parameter's among as many points
(`free_width`): pinned below 0.5 of it, narrowed below 0.8, else free."""

TARGETS: dict[str, tuple[float, float]] = {
    "P1": (-0.03, 0.0),
    "P2": (0.15, 0.22),
    "P3": (0.25, 0.45),
    "P4": (0.9, 1.0),
}
"""Each pattern's accepted interval (MODEL_SPEC, "Calibration")."""

PARAMETERS: tuple[str, ...] = (
    "adversary.deterrence",
    "adversary.initial_legitimacy.concentration",
    "dynamics.event_rate",
    "dynamics.news_memory",
    "dynamics.salience_memory",
    "dynamics.standing_rate",
    "dynamics.attribution_bias",
    "dynamics.contrast",
    "dynamics.leverage_half",
    "dynamics.media_rate",
    "dynamics.media_slant",
    "dynamics.selective_exposure",
    "dynamics.peer_rate",
    "dynamics.anchoring",
    "dynamics.strength_orientation_mean",
    "dynamics.strength_orientation_concentration",
    "dynamics.evidence.walk_away.faith",
    "dynamics.evidence.walk_away.strength",
    "dynamics.evidence.walk_away.standing_faith",
    "dynamics.evidence.walk_away.standing_strength",
    "dynamics.newsworthiness.walk_away",
)
"""The parameters sampled: those that plausibly shape P1-P4."""


def sampled_ranges(paths: Sequence[str] = PARAMETERS, spread: float = SPREAD) -> dict:
    """{path: (low, high)}: each parameter's plausible range widened by `spread`."""
    registry = {path: (p, role) for path, p, role in registry_paths()}
    return {path: plausible_range(*registry[path], spread=spread) for path in paths}


def sample_points(
    bounds: Mapping[str, tuple[float, float]], points: int, seed: int = SEED
) -> pd.DataFrame:
    """A Latin hypercube of `points` rows over `bounds` (`experiments.design`)."""
    unit = lhs_unit(points, len(bounds), seed)
    return pd.DataFrame(
        {
            path: scale(unit[:, i], low, high, parameter_kind(path))
            for i, (path, (low, high)) in enumerate(bounds.items())
        }
    )


def _run(point: Mapping[str, Any], layer: Mapping[str, Any], observers: int, seed: int, steps):
    merged = deep_merge(layer, {"observers": observers}, *(nested(k, v) for k, v in point.items()))
    spec, problems = resolve_model([("pattern_region", merged)])
    if spec is None:
        raise ValueError("; ".join(problems))
    return LiveRun(spec, seed, steps)


def pattern_figures(point: Mapping[str, Any], seed: int, observers: int = OBSERVERS) -> dict:
    """P1-P4 of one design point on one seed (both sides engage; A walks away at 50)."""
    engage = _run(point, {}, observers, seed, 60)
    start = engage.observer_frame()["legitimacy_adversary"].to_numpy()
    engage.step(52)
    rank = float(stats.spearmanr(start, engage.observer_frame()["legitimacy_adversary"]).statistic)
    engage.step(8)
    walk = _run(point, adversary_walks(), observers, seed, 60)
    walk.step(50)
    divides = positive_share(walk.act_evidence("adversary"))
    walk.step(10)
    walked = walk.observer_frame()["legitimacy_adversary"].to_numpy()
    engaged = engage.observer_frame()["legitimacy_adversary"].to_numpy()
    return {
        "P1": float(walked.mean() - engaged.mean()),
        "P2": float(start.std()),
        "P3": float(divides),
        "P4": rank,
    }


def meets(figures: Mapping[str, float], targets: Mapping[str, tuple[float, float]] = TARGETS):
    """Whether every pattern's figure lies in its target interval."""
    return all(low <= figures[name] <= high for name, (low, high) in targets.items())


def rejection(
    samples: pd.DataFrame,
    figures: Callable[[Mapping[str, Any], int], Mapping[str, float]],
    seeds: int = SEEDS,
    targets: Mapping[str, tuple[float, float]] = TARGETS,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Each sample's pattern figures (means over `seeds`) and whether it meets all targets."""
    plan = [replicate_seed(SEED, r) for r in range(seeds)]
    rows = []
    for i, point in enumerate(samples.to_dict("records")):
        runs = [figures(point, seed) for seed in plan]
        mean = {name: float(np.mean([r[name] for r in runs])) for name in targets}
        rows.append({**point, **mean, "accepted": meets(mean, targets)})
        if progress:
            progress(i)
    return pd.DataFrame(rows)


def _width(values: np.ndarray, low: float, high: float) -> float:
    """Width of the central 90% of `values` over the sampled width (NaN with no value)."""
    if values.size == 0:
        return float("nan")
    q05, q95 = np.quantile(values, [0.05, 0.95])
    return float((q95 - q05) / (high - low))


@functools.lru_cache(maxsize=256)
def free_width(n: int, draws: int = 4000) -> float:
    """The mean `_width` of `n` values drawn uniformly over the sampled range.

    What a parameter the patterns leave free shows among `n` accepted points: with few
    points even a free parameter's central 90% is narrower than its range.
    """
    if n < 2:
        return float("nan")
    sample = np.random.default_rng(n).random((draws, n))
    q05, q95 = np.quantile(sample, [0.05, 0.95], axis=1)
    return float(np.mean(q95 - q05))


def _verdict(width: float, n: int) -> str:
    ratio = width / free_width(n) if n >= 2 else float("nan")
    if np.isnan(ratio):
        return "no point" if n == 0 else "too few"
    return "pinned" if ratio < PINNED else "narrowed" if ratio < NARROWED else "free"


def pattern_masks(
    table: pd.DataFrame, targets: Mapping[str, tuple[float, float]] = TARGETS
) -> dict[str, pd.Series]:
    """Which samples meet each pattern alone (by its name) and all of them (``all``)."""
    masks = {name: (table[name] >= lo) & (table[name] <= hi) for name, (lo, hi) in targets.items()}
    masks["all"] = table["accepted"].astype(bool)
    return masks


def region_table(
    table: pd.DataFrame,
    bounds: Mapping[str, tuple[float, float]],
    targets: Mapping[str, tuple[float, float]] = TARGETS,
) -> pd.DataFrame:
    """Per parameter: sampled range, accepted range (central 90% and extremes), verdict.

    `width` is the central 90% of the values accepted by all patterns over the sampled width,
    `width_<pattern>` the same for the values that meet that pattern alone. `verdict` compares
    the width with that of as many points drawn freely (`free_width`): pinned under
    `PINNED` of it, narrowed under `NARROWED`, else free ("no point" or "too few" below two).
    """
    masks = pattern_masks(table, targets)
    accepted = table[masks["all"]]
    rows = []
    for path, (low, high) in bounds.items():
        values = accepted[path].to_numpy(dtype=float)
        width = _width(values, low, high)
        row = {"parameter": path, "low": low, "high": high, "width": width}
        row["verdict"] = _verdict(width, values.size)
        if values.size:
            q05, q95 = np.quantile(values, [0.05, 0.95])
            row.update(q05=q05, q95=q95, min=values.min(), max=values.max())
        for name in targets:
            chosen = table.loc[masks[name], path].to_numpy(dtype=float)
            row[f"width_{name}"] = _width(chosen, low, high)
            row[f"verdict_{name}"] = _verdict(row[f"width_{name}"], chosen.size)
        rows.append(row)
    return pd.DataFrame(rows)


def region_markdown(table: pd.DataFrame, bounds: Mapping[str, tuple[float, float]]) -> str:
    """The card's section: how many points met each pattern and all four, and the table."""
    masks = pattern_masks(table)
    n, hits = len(table), int(masks["all"].sum())
    each = ", ".join(f"{name} {int(masks[name].sum())}" for name in TARGETS)
    lines = [
        f"{n} points sampled (Latin hypercube over {len(bounds)} parameters), each run on "
        f"{table.attrs.get('seeds', SEEDS)} seeds with {table.attrs.get('observers', OBSERVERS)} "
        f"observers; points meeting each pattern (on the mean over seeds): {each}; all four: "
        f"**{hits}** ({hits / n:.0%}). *width* is the central 90% of the accepted values over "
        f"the sampled range, against {free_width(hits):.2f} for a parameter left free among "
        f"{hits} points: *pinned* under {PINNED:.0%} of that, *narrowed* under {NARROWED:.0%}, "
        "else *free*. The last columns judge the points that meet each pattern alone the same "
        "way: which pattern does the pinning.",
        "",
        "| parameter | default | sampled range | accepted (5%-95%) | accepted (min-max) | "
        f"width | verdict | {' | '.join(f'{name} alone' for name in TARGETS)} |",
        "|---|---|---|---|---|---|---|" + "---|" * len(TARGETS),
    ]
    registry = {path: (p, role) for path, p, role in registry_paths()}
    for row in region_table(table, bounds).itertuples():
        p, role = registry[row.parameter]
        alone = " | ".join(
            f"{getattr(row, f'width_{name}'):.2f} {getattr(row, f'verdict_{name}')}"
            for name in TARGETS
        )
        accepted = (
            ("-", "-")
            if row.verdict in ("no point", "too few")
            else (f"{row.q05:.3g} to {row.q95:.3g}", f"{row.min:.3g} to {row.max:.3g}")
        )
        lines.append(
            f"| `{row.parameter.removeprefix('dynamics.')}` | {p.default_for(role):g} | "
            f"{row.low:.3g} to {row.high:.3g} | {accepted[0]} | {accepted[1]} | "
            f"{row.width:.2f} | {row.verdict} | {alone} |"
        )
    return "\n".join(lines)


def read_region(path: str | Path) -> pd.DataFrame:
    """A table written by `run`.

    Raises:
        UsageError: when the file is missing or is not such a table.
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file (expected the output of the `run` command)")
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError) as error:
        raise UsageError(f"{path}: not a Parquet table ({error})") from None
    missing = [c for c in (*PARAMETERS, *TARGETS, "accepted") if c not in table]
    if missing:
        raise UsageError(f"{path}: expected the columns of a pattern region, missing {missing}")
    return table


def read_regions(paths: Sequence[str | Path]) -> pd.DataFrame:
    """Several tables written by `run` (samples of other seeds) as one.

    Raises:
        UsageError: when a file is missing, or the tables were run with different settings.
    """
    tables = [read_region(path) for path in paths]
    settings = {(t.attrs.get("seeds"), t.attrs.get("observers")) for t in tables}
    if len(settings) > 1:
        raise UsageError(f"{', '.join(map(str, paths))}: run with different seeds or observers")
    table = pd.concat(tables, ignore_index=True)
    table.attrs.update(tables[0].attrs)
    return table


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: sample the region, or summarize a sampled region for the card."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.model_card.pattern_region",
        description="The region of the registry that meets the calibration patterns P1-P4.",
        epilog="example: python -m tools.model_card.pattern_region run --out /tmp/region.parquet",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="sample points and measure the patterns")
    run.add_argument("--points", type=positive_int, default=POINTS)
    run.add_argument("--seeds", type=positive_int, default=SEEDS)
    run.add_argument("--observers", type=positive_int, default=OBSERVERS)
    run.add_argument(
        "--seed",
        type=positive_int,
        default=SEED,
        help="seed of the Latin hypercube (another seed gives another sample to add to the first)",
    )
    run.add_argument("--out", type=Path, required=True, help="the Parquet file to write")
    summary = commands.add_parser("summarize", help="the card's section of a sampled region")
    summary.add_argument("tables", type=Path, nargs="+", help="Parquet files `run` wrote")
    args = parser.parse_args(argv)
    bounds = sampled_ranges()
    try:
        if args.command == "summarize":
            print(region_markdown(read_regions(args.tables), bounds))
            return EXIT_OK
        if not args.out.parent.is_dir():
            raise UsageError(f"--out: {args.out.parent} is not a folder")
        samples = sample_points(bounds, args.points, args.seed)
        table = rejection(
            samples,
            lambda point, seed: pattern_figures(point, seed, args.observers),
            args.seeds,
            progress=lambda i: print(f"{i + 1}/{args.points}", file=sys.stderr, flush=True),
        )
        table.attrs.update(seeds=args.seeds, observers=args.observers)
        table.to_parquet(args.out)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(region_markdown(table, bounds))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
