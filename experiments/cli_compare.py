"""Commands `compare` and `report`: statistics, figures and an HTML report of results folders."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.clitypes import EXIT_OK, non_negative_int


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare scenarios: table on stdout, CSV and PNG under --out."""
    from experiments.analysis import DEFAULT_METRICS, compare_results

    comparison = compare_results(
        args.results, args.metric or DEFAULT_METRICS, args.baseline, args.at, args.out
    )
    print(comparison.summary())
    out = next(iter(comparison.tables.values())).parent
    print(f"wrote {len(comparison.tables)} tables and {len(comparison.figures)} figures to {out}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write one self-contained HTML report."""
    from experiments.report import write_report

    path = write_report(args.results, args.out)
    print(f"wrote {path}")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `compare` and `report` to the command line."""
    compare = commands.add_parser(
        "compare",
        help="ensemble bands and paired differences between scenarios; table, CSV and PNG",
        description="Compare the scenarios of one or more results folders: the ensemble mean "
        "of each metric over time with a 95%% band, and paired differences against the "
        "baseline (matched on replicate and design point) with bootstrap 95%% intervals and "
        "the share of seeds with each sign. Folders that do not share a seed plan are "
        "compared unpaired, and the output says so. With a sweep: where each claim holds, and "
        "Sobol indices for a sobol design. Every figure is a model index, not a forecast.",
        epilog="example: python run.py compare results/walkout --baseline both_engage "
        "--metric legitimacy_negotiator --at 102",
    )
    compare.add_argument(
        "results",
        nargs="+",
        type=Path,
        metavar="RESULTS_DIR",
        help="results folder(s) written by `run.py batch`",
    )
    compare.add_argument(
        "--metric",
        action="append",
        metavar="M",
        help="output column to compare (repeatable; default: legitimacy of "
        "both sides, blame and narrative share)",
    )
    compare.add_argument(
        "--baseline", metavar="NAME", help="scenario to compare against (default: the first)"
    )
    compare.add_argument(
        "--at",
        type=non_negative_int,
        metavar="STEP",
        help="step of the paired differences (default: the last step)",
    )
    compare.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="folder for CSV and PNG (default: RESULTS_DIR/compare)",
    )
    compare.set_defaults(handler=cmd_compare)

    report = commands.add_parser(
        "report",
        help="one self-contained HTML report of a results folder",
        description="Write one HTML file with the manifest (config, seeds, versions, commit), "
        "trajectories with bands, the paired differences, and sensitivity results where there "
        "are any. Figures are embedded: the file opens offline.",
        epilog="example: python run.py report results/walkout --out walkout.html",
    )
    report.add_argument(
        "results", type=Path, metavar="RESULTS_DIR", help="results folder written by `run.py batch`"
    )
    report.add_argument(
        "--out",
        type=Path,
        metavar="FILE.html",
        help="report file (default: RESULTS_DIR/report.html)",
    )
    report.set_defaults(handler=cmd_report)
