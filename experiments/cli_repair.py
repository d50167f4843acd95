"""Command `repair`: rebuild a lost manifest.json of a results folder."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from experiments.clitypes import EXIT_OK


def cmd_repair(args: argparse.Namespace) -> int:
    """Rebuild the manifest and print what it now records."""
    from experiments.batch.repair import repair

    outcome = repair(
        args.results,
        args.config,
        warn=lambda message: print(f"warning: {message}", file=sys.stderr),
    )
    print(outcome.summary())
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `repair` to the command line."""
    repair = commands.add_parser(
        "repair",
        help="rebuild a lost or unreadable manifest.json from the config and the parts",
        description=textwrap.fill(
            "Rebuild the manifest.json of a results folder from the batch's config (--config, "
            "or the copy config.yaml that the batch keeps beside its manifest) and the Parquet "
            "parts. Every part must carry that config's hash; a part of another config or two "
            "parts holding the same run stop the repair before anything changes. Chunks whose "
            "parts are missing or unreadable are set aside in damaged/. Then the same batch "
            "command finishes the missing runs.",
            width=79,
        ),
        epilog="example: python run.py repair results/walkout\n"
        "example: python run.py repair results/walkout --config configs/walkout.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    repair.add_argument(
        "results", type=Path, metavar="RESULTS_DIR", help="results folder written by `run.py batch`"
    )
    repair.add_argument(
        "--config",
        type=Path,
        metavar="CONFIG",
        help="the batch's config file (default: RESULTS_DIR/config.yaml)",
    )
    repair.set_defaults(handler=cmd_repair)
