"""One comparison of one or more results folders: tables, figures and a plain-text summary.

`compare_results` is what ``run.py compare`` and ``run.py report`` call: it reads only the
columns it needs from each results folder's time series, aggregates per step, and writes CSV
tables and PNG figures. The statistics are in `experiments.compare` and
`experiments.sensitivity`; the figures in `experiments.figures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments import figures
from experiments.claims import CLAIMS
from experiments.compare import (
    Divergence,
    PairedDifference,
    difference_curve,
    differences_table,
    divergence,
    ensemble_bands,
    format_differences,
    paired_differences,
    unpaired_differences,
)
from experiments.errors import UsageError
from experiments.io import ensure_writable_dir, write_text
from experiments.sensitivity import (
    claim_robustness,
    final_values,
    grid_table,
    robustness_summary,
    sobol_indices,
)
from experiments.store import KEY_COLUMNS, RUN_COLUMNS, Manifest, Results, open_results
from model.model import OUTPUT_COLUMNS

DEFAULT_METRICS = (
    "legitimacy_negotiator",
    "legitimacy_adversary",
    "blame_adversary",
    "narrative_share",
)
NUMERIC_METRICS = tuple(
    c for c in OUTPUT_COLUMNS if c not in ("step", "action_negotiator", "action_adversary")
)


@dataclass
class Comparison:
    """Everything a comparison found, with the files it wrote."""

    labels: list[str]
    metrics: list[str]
    baseline: str
    at: int
    paired: bool
    note: str
    differences: list[PairedDifference] = field(default_factory=list)
    divergences: list[Divergence] = field(default_factory=list)
    robustness: pd.DataFrame = field(default_factory=pd.DataFrame)
    robustness_summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    sobol: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)
    tables: dict[str, Path] = field(default_factory=dict)
    manifests: list[Manifest] = field(default_factory=list)

    def summary(self) -> str:
        """The readable report printed on stdout."""
        lines = [
            f"compare: {', '.join(self.labels)}; baseline {self.baseline}; step {self.at}",
            self.note,
        ]
        for metric in self.metrics:
            rows = [d for d in self.differences if d.metric == metric]
            lines += [
                "",
                f"{metric} (difference from {self.baseline}, legitimacy points "
                "on the 0-1 scale where it is a legitimacy):",
                format_differences(rows),
            ]
        if self.divergences:
            lines += ["", "What changed:"]
            lines += [f"  {d.describe()}" for d in self.divergences]
        if not self.robustness_summary.empty:
            lines += ["", "Where the essay's claims hold (share of design points):"]
            for row in self.robustness_summary.itertuples():
                lines.append(
                    f"  {row.claim:<32} holds in {row.holds:>4.0%} of {row.design_points} "
                    f"(interval clear of zero in {row.holds_clearly:.0%}): {row.claim_text}"
                )
        for metric, table in self.sobol.items():
            lines += ["", f"Sobol indices of {metric} (95% intervals):"]
            for row in table.itertuples():
                lines.append(
                    f"  {row.scenario:<24}{row.parameter:<36} S1 {row.S1:+.3f} "
                    f"± {row.S1_conf:.3f}   ST {row.ST:+.3f} ± {row.ST_conf:.3f}"
                )
        lines += [
            "",
            "Model indices from simulated ensembles, not forecasts; intervals are "
            "Monte Carlo intervals, not significance tests.",
        ]
        return "\n".join(lines)


def _is_share(metric: str) -> bool:
    return metric.startswith(("legitimacy", "narrative", "blame", "sanction", "vote"))


def _check_metrics(metrics: Sequence[str]) -> list[str]:
    for metric in metrics:
        if metric not in NUMERIC_METRICS:
            raise UsageError(
                f"--metric: expected one of {', '.join(NUMERIC_METRICS)}, found {metric!r}"
            )
    return list(dict.fromkeys(metrics))


def _label_clashes(results: Sequence[Results]) -> list[str]:
    labels = [str(r.manifest.name or r.path.name) for r in results]
    return [
        f"{label}#{i + 1}" if labels.count(label) > 1 else label for i, label in enumerate(labels)
    ]


def load_frames(
    results: Sequence[Results], metrics: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame | None, list[str], bool, str]:
    """Read what a comparison needs from one or more results folders.

    Returns the time series of all folders in one frame (only the needed columns), the
    per-bloc table (one folder only), the folder labels, whether runs can be paired, and a
    note saying how they were paired.
    """
    labels = _label_clashes(results)
    parameters = [p for r in results for p in r.parameters]
    columns = [*RUN_COLUMNS, "step", *metrics, *dict.fromkeys(parameters)]
    frames = []
    for label, result in zip(labels, results, strict=True):
        frame = result.timeseries(columns=[c for c in columns if c in result.columns])
        frame["scenario"] = frame["scenario"].astype(str)
        if len(results) > 1:
            frame["scenario"] = label + "/" + frame["scenario"].astype(str)
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    plans = {tuple(sorted(r.seed_plan.items())) for r in results}
    paired = len(plans) == 1
    if len(results) == 1:
        note = "Paired by replicate and design point (common random numbers)."
    elif paired:
        note = "The folders share a seed plan: differences are paired by replicate."
    else:
        note = (
            "The folders do not share a seed plan: differences are UNPAIRED (each "
            "scenario resampled on its own), so their intervals are wider."
        )
    blocs = None
    if len(results) == 1 and results[0].has_blocs:
        blocs = results[0].blocs(
            columns=[
                *KEY_COLUMNS,
                "step",
                "bloc",
                *[m for m in metrics if m in results[0].bloc_columns],
            ]
        )
    return frame, blocs, labels, paired, note


def compare_results(
    paths: Sequence[Path],
    metrics: Sequence[str] = DEFAULT_METRICS,
    baseline: str | None = None,
    at: int | None = None,
    out: Path | None = None,
    figures_wanted: bool = True,
) -> Comparison:
    """Compare the scenarios of one or more results folders; write CSV and PNG under `out`.

    Raises:
        UsageError: a folder that is not a results folder or has no finished run, an unknown
            metric or baseline, or a step out of range (one line each).
    """
    metrics = _check_metrics(metrics or DEFAULT_METRICS)
    results = [open_results(Path(p)) for p in paths]
    for result in results:
        if result.runs_done == 0:
            raise UsageError(f"{result.path}: the results folder has no finished run yet")
    frame, blocs, labels, paired, note = load_frames(results, metrics)
    scenarios = list(dict.fromkeys(frame["scenario"].astype(str)))
    if baseline is None:
        baseline = scenarios[0]
    elif baseline not in scenarios:
        raise UsageError(f"--baseline: expected one of {', '.join(scenarios)}, found {baseline!r}")
    last = int(frame["step"].max())
    if at is None:
        at = last
    elif not 0 <= at <= last:
        raise UsageError(f"--at: expected a step from 0 to {last}, found {at}")
    out = ensure_writable_dir(out if out is not None else results[0].path / "compare", "--out")
    comparison = Comparison(
        labels, metrics, baseline, at, paired, note, manifests=[r.manifest for r in results]
    )
    parameters = list(dict.fromkeys(p for r in results for p in r.parameters))

    for metric in metrics:
        bands = ensemble_bands(frame, metric)
        _table(comparison, f"bands_{metric}", bands, out)
        if paired:
            comparison.differences += paired_differences(frame, metric, baseline, at)
        else:
            comparison.differences += unpaired_differences(frame, metric, baseline, at)
        curves = {}
        if paired:
            for scenario in scenarios:
                if scenario == baseline:
                    continue
                curves[scenario] = difference_curve(frame, metric, scenario, baseline)
                comparison.divergences.append(
                    divergence(frame, metric, scenario, baseline, blocs=blocs)
                )
            if curves:
                _table(
                    comparison,
                    f"differences_over_time_{metric}",
                    pd.concat([c.assign(scenario=s) for s, c in curves.items()]),
                    out,
                )
        if figures_wanted:
            comparison.figures[f"trajectories_{metric}"] = figures.trajectories(
                bands, metric, out / f"trajectories_{metric}.png"
            )
            if curves:
                comparison.figures[f"differences_{metric}"] = figures.difference_curves(
                    curves, metric, baseline, out / f"differences_{metric}.png"
                )
    _table(comparison, "differences", differences_table(comparison.differences), out)
    if comparison.divergences:
        _table(
            comparison,
            "what_changed",
            pd.DataFrame(
                [
                    {
                        **d.__dict__,
                        "blocs_moved_most": "; ".join(
                            f"{b}:{v:+.4f}" for b, v in d.blocs_moved_most
                        ),
                    }
                    for d in comparison.divergences
                ]
            ),
            out,
        )

    if parameters and len(results) == 1:
        _sweep_analysis(comparison, results[0], frame, metrics, parameters, at, out, figures_wanted)
    write_text(comparison.summary() + "\n", out / "summary.txt")
    return comparison


def _table(comparison: Comparison, name: str, table: pd.DataFrame, out: Path) -> None:
    path = out / f"{name}.csv"
    write_text(table.to_csv(index=False), path)
    comparison.tables[name] = path


def _sweep_analysis(
    comparison: Comparison,
    result: Results,
    frame: pd.DataFrame,
    metrics: Sequence[str],
    parameters: Sequence[str],
    at: int,
    out: Path,
    figures_wanted: bool,
) -> None:
    claims = [c for c in CLAIMS if c.applies_to(frame["scenario"].astype(str))]
    robustness = claim_robustness(frame, claims, parameters)
    comparison.robustness = robustness
    comparison.robustness_summary = robustness_summary(robustness, claims)
    if not robustness.empty:
        _table(comparison, "robustness", robustness, out)
        _table(comparison, "robustness_summary", comparison.robustness_summary, out)
    for metric in metrics:
        table = final_values(frame, metric, at, parameters)
        _table(comparison, f"final_{metric}", table, out)
        if figures_wanted:
            comparison.figures[f"parameters_{metric}"] = figures.parameter_scatter(
                table, metric, parameters, out / f"parameters_{metric}.png"
            )
        if result.method == "sobol" and result.manifest.problem:
            indices = sobol_indices(frame, result.manifest.problem, metric, at)
            comparison.sobol[metric] = indices
            _table(comparison, f"sobol_{metric}", indices, out)
            if figures_wanted:
                comparison.figures[f"sobol_{metric}"] = figures.sobol_bars(
                    indices, metric, out / f"sobol_{metric}.png"
                )
        if result.method == "grid" and len(parameters) == 2 and figures_wanted:
            first, second = parameters
            for scenario in dict.fromkeys(frame["scenario"].astype(str)):
                grid = grid_table(frame, metric, first, second, scenario, at)
                name = f"heatmap_{metric}_{scenario}"
                comparison.figures[name] = figures.heatmap(
                    grid, metric, f"{scenario}: {metric} at step {at}", out / f"{name}.png"
                )
    if figures_wanted and len(parameters) == 2 and not robustness.empty:
        first, second = parameters
        for claim, rows in robustness.groupby("claim", sort=False):
            if result.method == "grid":
                grid = rows.pivot_table(index=first, columns=second, values="mean")
                name = f"robustness_{claim}"
                comparison.figures[name] = figures.heatmap(
                    grid,
                    "paired difference",
                    f"{claim}: paired difference at step {int(rows['step'].iloc[0])}",
                    out / f"{name}.png",
                    diverging=True,
                )
