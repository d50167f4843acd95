"""Command `batch`: every scenario x design point x replicate of a config, resumable."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from experiments.clitypes import EXIT_FAILED, EXIT_OK, FORCE_HELP, positive_int
from experiments.errors import UsageError

EXIT_INTERRUPTED = 130


def ask(question: str) -> bool:
    """Ask a yes/no question on the terminal; anything but y or yes is no."""
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def on_terminal() -> bool:
    """Whether someone can be asked: stdin and stderr are both terminals."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def confirmer(yes: bool) -> Callable[[str], bool]:
    """How `--fresh` confirms: at once with --yes, by asking on a terminal, else refused."""

    def confirm(question: str) -> bool:
        if yes:
            return True
        if on_terminal():
            return ask(question)
        raise UsageError(
            f"--fresh: {question.rstrip('?')}: confirm with --yes (no terminal to ask on)"
        )

    return confirm


def cmd_batch(args: argparse.Namespace) -> int:
    """Run (or resume) the batch of a config and print how many runs succeeded and failed."""
    from experiments.batch import (
        BatchError,
        BatchOptions,
        NotConfirmedError,
        available_cores,
        run_batch,
    )
    from experiments.limits import check
    from model.config import load_config

    config = load_config(args.config)
    if args.scheduler is not None and not args.scheduler.strip():
        raise UsageError("--scheduler: expected an address such as tcp://127.0.0.1:8786")
    local = None if args.scheduler else (args.workers or available_cores())
    check(config, workers=local, force=args.force)
    try:
        options = BatchOptions(
            workers=args.workers,
            scheduler=args.scheduler,
            fresh=args.fresh,
            confirm=confirmer(args.yes),
            source=args.config,
            warn=lambda message: print(f"warning: {message}", file=sys.stderr),
        )
        outcome = run_batch(config, args.out, options)
    except NotConfirmedError as error:
        print(str(error), file=sys.stderr)
        return EXIT_FAILED
    except BatchError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    if outcome.status == "interrupted":
        print(
            f"interrupted: {outcome.done} of {outcome.planned} runs are done and kept in "
            f"{outcome.root}; run the same command to finish the missing runs",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    print(outcome.summary())
    return EXIT_FAILED if outcome.failed or outcome.done < outcome.planned else EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `batch` to the command line."""
    batch = commands.add_parser(
        "batch",
        help="every scenario x design point x replicate; resumable; local processes or Dask",
        description=textwrap.fill(
            "Run every scenario x design point x replicate of a config. Results go to "
            "DIR/<name>/ (manifest.json, timeseries/ and blocs/ Parquet datasets, "
            "failures.jsonl). Each finished chunk of runs is on disk before more work is "
            "awaited: after any interruption the same command runs only the missing runs. A "
            "run that fails is recorded in failures.jsonl and the others go on; the exit "
            "status is then 1. One batch at a time writes a folder: another one on it exits 2 "
            "naming the first. Every part is checked against the sha256 the manifest holds: "
            "a damaged chunk is set aside in damaged/ and rerun; a part copied in or made by "
            "another config stops the batch (exit 2). A lost manifest.json is rebuilt by "
            "`run.py repair`.",
            width=79,
        ),
        epilog="example: python run.py batch configs/walkout.yaml --workers 2\n"
        "example: python run.py batch configs/walkout.yaml --scheduler tcp://127.0.0.1:8786",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch.add_argument("config", metavar="CONFIG", help="YAML config file")
    batch.add_argument(
        "--out",
        type=Path,
        default=Path("results"),
        metavar="DIR",
        help="folder holding the results folder <name>/ (default: results)",
    )
    batch.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help="local worker processes (default: every core; 1 runs in this process)",
    )
    batch.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster of this scheduler (tcp://host:port) instead",
    )
    mode = batch.add_mutually_exclusive_group()
    mode.add_argument(
        "--resume",
        action="store_true",
        help="run only the runs missing from DIR/<name>/ (the default)",
    )
    mode.add_argument(
        "--fresh",
        action="store_true",
        help="delete the batch results in DIR/<name>/ and start over (asks first)",
    )
    batch.add_argument("--yes", action="store_true", help="with --fresh: delete without asking")
    batch.add_argument("--force", action="store_true", help=FORCE_HELP)
    batch.set_defaults(handler=cmd_batch)
