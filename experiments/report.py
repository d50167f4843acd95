"""A self-contained HTML report of a results folder: one file, figures embedded, opens offline."""

from __future__ import annotations

import base64
import html
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import yaml

from experiments.analysis import DEFAULT_METRICS, Comparison, compare_results
from experiments.compare import differences_table
from experiments.io import OutputError, ensure_writable_dir, write_text
from experiments.store import Manifest, open_results

STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #1b1b1b; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; font-size: 1.25rem;
     border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.note { background: #f4f7fb; border-left: 4px solid #0072B2; padding: 0.6rem 0.9rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.6rem 0; }
th, td { border: 1px solid #d6d6d6; padding: 0.25rem 0.5rem; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; }
figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.85rem; color: #555; }
pre { background: #f7f7f7; padding: 0.7rem; overflow-x: auto; font-size: 0.8rem; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
dt { font-weight: 600; }
"""


def _figure(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, float_format=lambda v: f"{v:.4f}", border=0, na_rep="")


def _manifest_section(manifest: Manifest) -> str:
    facts = {
        "experiment": manifest.name,
        "model version": manifest.model_version,
        "config hash": manifest.config_hash,
        "base seed": manifest.seed,
        "git commit": manifest.git_commit,
        "host": manifest.host,
        "started": manifest.started,
        "finished": manifest.finished,
        "runs planned / done / failed": (
            f"{manifest.runs_planned} / {manifest.runs_done} / {manifest.runs_failed}"
        ),
    }
    items = "".join(
        f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in facts.items()
    )
    versions = manifest.versions
    version_text = ", ".join(f"{k} {v}" for k, v in versions.items())
    seeds = manifest.seed_plan
    seed_text = ", ".join(f"{k}: {v}" for k, v in list(seeds.items())[:12])
    if len(seeds) > 12:
        seed_text += f", ... ({len(seeds)} replicates)"
    config = yaml.safe_dump(manifest.config, sort_keys=False)
    return (
        f"<dl>{items}<dt>package versions</dt><dd>{html.escape(version_text)}</dd>"
        f"<dt>replicate seeds</dt><dd>{html.escape(seed_text)}</dd></dl>"
        f"<details><summary>Config as given</summary><pre>{html.escape(config)}</pre></details>"
        f"<details><summary>Manifest (JSON)</summary><pre>"
        f"{html.escape(manifest.to_json(indent=1)[:20000])}</pre></details>"
    )


def _metric_figures(comparison: Comparison, kind: str, caption: str) -> list[str]:
    return [
        _figure(comparison.figures[f"{kind}_{metric}"], f"{metric}: {caption}")
        for metric in comparison.metrics
        if f"{kind}_{metric}" in comparison.figures
    ]


def render_report(comparison: Comparison, sections: Sequence[str] = ()) -> str:
    """The HTML text of a report from a finished comparison (figures read from disk).

    `sections` are HTML sections added at the end (scenario discovery).
    """
    manifest = comparison.manifests[0]
    config = manifest.config
    title = f"{config.get('name', 'results')}: comparison report"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(str(config.get('description', '')))}</p>",
        "<p class='note'>Every figure is a model index from a simulated ensemble, not a "
        "forecast. Bands and intervals are 95% Monte Carlo intervals: they say how precisely "
        "the ensemble pins down a model quantity. No p-values or standardized effect sizes are "
        "given: with simulated seeds they grow with the number of runs (White et al. 2014).</p>",
        f"<p>{html.escape(comparison.note)} Baseline: <b>{html.escape(comparison.baseline)}"
        f"</b>; differences at step {comparison.at}.</p>",
        "<h2>Manifest</h2>",
        _manifest_section(manifest),
        "<h2>Trajectories</h2>",
    ]
    parts += _metric_figures(comparison, "trajectories", "ensemble mean per scenario, 95% band")
    parts.append("<h2>Paired differences from the baseline</h2>")
    if comparison.differences:
        parts.append(_table(differences_table(comparison.differences)))
    parts += _metric_figures(
        comparison, "differences", "paired difference over time, 95% bootstrap band"
    )
    if comparison.divergences:
        parts.append("<h2>What changed</h2><ul>")
        parts += [f"<li>{html.escape(d.describe())}</li>" for d in comparison.divergences]
        parts.append("</ul>")
    if not comparison.robustness_summary.empty:
        parts.append("<h2>Where the claims hold</h2>")
        parts.append(_table(comparison.robustness_summary))
        for name, path in comparison.figures.items():
            if name.startswith("robustness_"):
                parts.append(_figure(path, name.replace("_", " ")))
    sensitivity = [
        (name, path)
        for name, path in comparison.figures.items()
        if name.startswith(("sobol_", "heatmap_", "parameters_"))
    ]
    if sensitivity or comparison.sobol:
        parts.append("<h2>Sensitivity</h2>")
        for metric, table in comparison.sobol.items():
            parts.append(f"<h3>Sobol indices of {html.escape(metric)}</h3>{_table(table)}")
        parts += [_figure(path, name.replace("_", " ")) for name, path in sensitivity]
    parts += [section for section in sections if section]
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(results_dir: Path, out: Path | None = None) -> Path:
    """Compare the scenarios of a results folder and write one self-contained HTML file.

    The default file is ``RESULTS_DIR/report.html``.
    """
    open_results(results_dir)  # a folder that is not a results folder: one line, nothing made
    target = out if out is not None else results_dir / "report.html"
    ensure_writable_dir(target.parent, "--out")
    if target.is_dir():
        raise OutputError(f"--out: {target} is a folder, expected an HTML file name")
    with tempfile.TemporaryDirectory(prefix="report-") as scratch:
        comparison = compare_results([results_dir], DEFAULT_METRICS, out=Path(scratch))
        from experiments.discover_report import report_html

        text = render_report(comparison, [report_html(results_dir, Path(scratch))])
    write_text(text, target)
    return target
