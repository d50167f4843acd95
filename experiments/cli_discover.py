"""Command `discover`: where in a sweep a claim fails, as boxes of parameter ranges."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from experiments.clitypes import EXIT_OK, non_negative_int, positive_int


def _number(text: str) -> float:
    """An argparse type: a finite number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, found {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, found {text!r}")
    return value


def cmd_discover(args: argparse.Namespace) -> int:
    """Mark the design points, find the boxes, print them and write the files."""
    from experiments.discover import claim_target, discover, metric_target
    from experiments.discover_output import summary
    from experiments.errors import UsageError
    from experiments.store import open_results

    if args.claim is not None and (args.below is not None or args.above is not None):
        raise UsageError("--below/--above: go with --metric; a claim has its own threshold")
    if args.claim is not None and (args.scenario or args.baseline):
        raise UsageError("--scenario/--baseline: go with --metric; a claim names its scenarios")
    results = open_results(args.results)
    if args.holds and args.claim is None:
        raise UsageError("--holds: goes with --claim")
    if args.claim is not None:
        target = claim_target(results, args.claim, args.at, holds=args.holds)
    else:
        target = metric_target(
            results, args.metric, args.below, args.above, args.scenario, args.baseline, args.at
        )
    out = args.out if args.out is not None else results.path / "discover"
    discovery = discover(
        results,
        target,
        args.method,
        out,
        min_density=args.min_density,
        max_boxes=args.boxes,
        max_qp=args.max_qp,
    )
    print(summary(discovery))
    tables = sum(1 for p in discovery.files.values() if p.suffix == ".csv")
    figures = sum(1 for p in discovery.files.values() if p.suffix == ".png")
    configs = sum(1 for p in discovery.files.values() if p.suffix == ".yaml")
    print(
        f"wrote {tables} tables, {figures} figures and {configs} replay "
        f"config{'s' * (configs != 1)} to {out}"
    )
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `discover` to the command line."""
    from experiments.claims import CLAIMS
    from experiments.discover import MINIMUM_EFFECT
    from experiments.discover_boxes import CHANCE_QP, MAX_BOXES, MAX_QP, METHODS, MIN_DENSITY

    parser = commands.add_parser(
        "discover",
        help="where in a sweep a claim fails: PRIM or CART boxes, feature scores, replays",
        description="Scenario discovery over the design points of a swept batch. Marks each "
        "design point where the essay's claim fails (its mean paired difference over the "
        f"replicates does not reach {MINIMUM_EFFECT:g} on the predicted side), or where a "
        "metric crosses a threshold (in --scenario, or paired against --baseline on the same "
        "seeds), then finds the boxes of parameter ranges that hold most marked points with "
        "EMA Workbench's PRIM (coverage, density, restricted dimensions, chosen from the "
        "peeling trajectory, the quasi-p value of each restriction) or CART, and scores "
        "every swept parameter (extra trees). Each "
        "box lists its design points with their seeds and comes with a config that replays "
        "one of them exactly. A table on stdout; CSV, PNG and YAML under --out. Claims: "
        + ", ".join(c.name for c in CLAIMS)
        + ".",
        epilog="example: python run.py discover results/discover --claim "
        "staying_beats_tit_for_tat --at 56 --holds",
    )
    parser.add_argument(
        "results", type=Path, metavar="RESULTS_DIR", help="results folder of a swept batch"
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--claim", metavar="NAME", help="mark the design points where it fails")
    what.add_argument("--metric", metavar="M", help="mark where this output column crosses")
    parser.add_argument(
        "--holds",
        action="store_true",
        help="mark the design points where the claim holds instead (for a claim that fails "
        "almost everywhere)",
    )
    side = parser.add_mutually_exclusive_group()
    side.add_argument("--below", type=_number, metavar="X", help="mark values below X")
    side.add_argument("--above", type=_number, metavar="X", help="mark values above X")
    parser.add_argument(
        "--scenario", metavar="NAME", help="scenario the metric is read in (default: the first)"
    )
    parser.add_argument(
        "--baseline",
        metavar="NAME",
        help="read the metric as the paired difference from this scenario",
    )
    parser.add_argument(
        "--at",
        type=non_negative_int,
        metavar="STEP",
        help="step read (default: the claim's step, else the last)",
    )
    parser.add_argument("--method", choices=METHODS, default="prim", help="PRIM (default) or CART")
    parser.add_argument(
        "--min-density",
        type=_number,
        default=MIN_DENSITY,
        metavar="D",
        help=f"choose boxes at least this dense (default {MIN_DENSITY:g})",
    )
    parser.add_argument(
        "--max-qp",
        type=_number,
        default=MAX_QP,
        metavar="P",
        help="PRIM drops the restrictions whose quasi-p value exceeds P, the least likely "
        f"first, e.g. {CHANCE_QP:g} (default {MAX_QP:g}: keeps every restriction and flags "
        f"those above {CHANCE_QP:g})",
    )
    parser.add_argument(
        "--boxes",
        type=positive_int,
        default=MAX_BOXES,
        metavar="N",
        help=f"at most N boxes (default {MAX_BOXES})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="folder for CSV, PNG and YAML (default: RESULTS_DIR/discover)",
    )
    parser.set_defaults(handler=cmd_discover)
