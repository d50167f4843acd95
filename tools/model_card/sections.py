"""The model card's generated sections: claims table, maps, Sobol drivers, pattern region, boxes.

The claims table measures each of the essay's contestable claims
(`tools.model_card.claims_table`) over paired seed ensembles (`tools.model_card.measures`): a row
*holds* when its 95% interval lies on the side the claim predicts and the mean is at least
0.01, *fails (reversed)* when it lies on the other side, is *negligible* under 0.01 whatever its
interval, and shows *no effect* when the interval covers zero. The maps (`tools.model_card.maps`)
move one parameter at a time; the drivers (`tools.model_card.drivers`) and the pattern region
(`tools.model_card.pattern_region`) are read from results computed beforehand. Every figure is
a model index, not a forecast; the intervals are Monte Carlo intervals of the simulation, not
significance tests of the world (White et al. 2014). Commands::

    python -m tools.model_card                  # print the claims table (a few minutes)
    python -m tools.model_card --write          # also rewrite it in docs/MODEL_CARD.md
    python -m tools.model_card --maps --write   # the claim maps (ten seeds each)
    python -m tools.model_card --no-claims --drivers RESULTS --region TABLE --write
    python -m tools.model_card --no-claims --discover RESULTS --write   # PRIM boxes
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from experiments.clitypes import EXIT_BAD_INPUT, EXIT_OK, positive_int
from experiments.errors import UsageError
from model.version import MODEL_VERSION
from tools.model_card.claims_table import measures
from tools.model_card.measures import (
    BASE_SEED,
    NEGLIGIBLE,
    OBSERVERS,
    SEEDS,
    Measure,
    Result,
    Term,
    evaluate,
    verdict,
)

__all__ = [
    "BASE_SEED",
    "NEGLIGIBLE",
    "OBSERVERS",
    "SEEDS",
    "Measure",
    "Result",
    "Term",
    "evaluate",
    "measures",
    "table_markdown",
    "verdict",
]

MODEL_CARD = Path(__file__).resolve().parents[2] / "docs" / "MODEL_CARD.md"
COMMAND = "python -m tools.model_card"
BEGIN = f"<!-- BEGIN GENERATED: claims ({COMMAND} --write) -->"
END = "<!-- END GENERATED: claims -->"
SECTIONS = {
    "claims": "--write",
    "maps": "--maps --write",
    "drivers": "--drivers RESULTS --write",
    "region": "--region TABLE --write",
    "discover": "--discover RESULTS --write",
}
"""The generated blocks of the card and the options that rewrite each."""


def begin_marker(section: str) -> str:
    """The comment line that opens generated block `section` of the card."""
    return f"<!-- BEGIN GENERATED: {section} ({COMMAND} {SECTIONS[section]}) -->"


def end_marker(section: str) -> str:
    """The comment line that closes generated block `section` of the card."""
    return f"<!-- END GENERATED: {section} -->"


def table_markdown(results: Sequence[Result], observers: int | None = None) -> str:
    """The results as a Markdown table, with a line saying how they were made.

    Args:
        results: the evaluated measures, in table order.
        observers: the observer count that overrode every measure's own, if any.
    """
    size = (
        f"{observers} observers in every run"
        if observers is not None
        else f"{OBSERVERS} observers unless stated"
    )
    lines = [
        f"Model version {MODEL_VERSION}; {results[0].seeds if results else 0} paired seeds "
        f"(replicates of base seed {BASE_SEED}); {size}; defaults with the rivals on unless "
        "stated; mean paired difference with its 95% t interval over seeds; differences under "
        f"{NEGLIGIBLE} are negligible whatever their interval. Model indices, not forecasts.",
        "",
        "| claim | condition | measure | mean [95% interval] | verdict |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        m = r.measure
        lines.append(
            f"| {m.claim} | {m.condition} | {m.description} | "
            f"{r.mean:+.4f} [{r.low:+.4f}, {r.high:+.4f}] | {r.verdict} |"
        )
    return "\n".join(lines)


def claims_section(
    n_seeds: int = SEEDS,
    observers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> str:
    """The claims table, measured."""
    rows = measures()
    results = []
    for i, measure in enumerate(rows, 1):
        results.append(evaluate(measure, n_seeds, observers))
        if progress:
            progress(f"[{i}/{len(rows)}] {measure.claim}: {measure.condition}")
    return table_markdown(results, observers)


def maps_section(
    n_seeds: int, observers: int, progress: Callable[[str], None] | None = None
) -> str:
    """The claim maps, measured."""
    from tools.model_card.mapping import evaluate_map, map_markdown
    from tools.model_card.maps import maps

    tables = [evaluate_map(m, n_seeds, observers, progress) for m in maps()]
    return map_markdown(pd.concat(tables, ignore_index=True), n_seeds, observers)


def region_section(paths: Sequence[Path]) -> str:
    """The pattern region's table from the files `pattern_region run` wrote."""
    from tools.model_card.pattern_region import read_regions, region_markdown, sampled_ranges

    return region_markdown(read_regions(paths), sampled_ranges())


def drivers_section(path: Path) -> str:
    """The Sobol drivers from a results folder of configs/sensitivity.yaml."""
    from tools.model_card.drivers import summarize

    return summarize(path)


def discover_section(path: Path) -> str:
    """The boxes where two of the essay's claims fail (a results folder of discover.yaml)."""
    from experiments.discover_report import card_markdown

    return card_markdown(path)


def replace_sections(text: str, blocks: Mapping[str, str]) -> str:
    """The card's `text` with each generated block in `blocks` {section: body} replaced.

    Raises:
        ValueError: when a block's markers are missing.
    """
    from model.documentation import replace_between_markers

    for section, body in blocks.items():
        text = replace_between_markers(text, begin_marker(section), end_marker(section), body)
    return text


def main(argv: Sequence[str] | None = None, progress: Callable[[str], None] | None = None) -> int:
    """Command line: compute the chosen sections, print them, optionally write them to the card."""
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="The model card's generated sections: the essay's claims measured over "
        "paired seed ensembles, mapped over parameters, their Sobol drivers and the region of "
        "the registry that meets the calibration patterns.",
        epilog=f"example: {COMMAND} --write",
    )
    parser.add_argument(
        "--seeds", type=positive_int, default=SEEDS, help=f"paired seeds (default {SEEDS})"
    )
    parser.add_argument(
        "--observers",
        type=positive_int,
        default=None,
        help=f"observers in every run (default {OBSERVERS}; the calibration row uses 1,000)",
    )
    parser.add_argument("--maps", action="store_true", help="measure the claim maps")
    parser.add_argument("--map-seeds", type=positive_int, default=10, help="seeds per map cell")
    parser.add_argument("--drivers", type=Path, help="results folder of configs/sensitivity.yaml")
    parser.add_argument(
        "--region", type=Path, nargs="+", help="tables written by pattern_region run"
    )
    parser.add_argument(
        "--discover", type=Path, help="results folder of configs/discover.yaml (PRIM boxes)"
    )
    parser.add_argument(
        "--no-claims", action="store_true", help="skip the claims table (with other sections)"
    )
    parser.add_argument("--write", action="store_true", help=f"rewrite them in {MODEL_CARD}")
    args = parser.parse_args(argv)
    report = progress or (lambda text: print(text, file=sys.stderr))
    blocks: dict[str, str] = {}
    try:
        if args.drivers is not None:
            blocks["drivers"] = drivers_section(args.drivers)
        if args.region is not None:
            blocks["region"] = region_section(args.region)
        if args.discover is not None:
            blocks["discover"] = discover_section(args.discover)
        if not args.no_claims:
            blocks["claims"] = claims_section(args.seeds, args.observers, report)
        if args.maps:
            blocks["maps"] = maps_section(args.map_seeds, args.observers or 300, report)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for body in blocks.values():
        print(body, end="\n\n")
    if args.write and blocks:
        text = MODEL_CARD.read_text(encoding="utf-8")
        MODEL_CARD.write_text(replace_sections(text, blocks), encoding="utf-8")
        report(f"wrote {', '.join(blocks)} in {MODEL_CARD}")
    return EXIT_OK
