"""Commands `validate` and `run`: check configs, and run one scenario once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.clitypes import EXIT_BAD_INPUT, EXIT_OK, FORCE_HELP, positive_int, seed
from experiments.errors import UsageError


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate each config; print `ok` or its problems."""
    from experiments.limits import check
    from model.config import ConfigError, load_config

    status = EXIT_OK
    for path in args.configs:
        try:
            config = load_config(path)
            check(config, force=args.force)
        except ConfigError as error:
            for line in error.lines:
                print(line, file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            scenarios = len(config.scenarios)
            print(f"{path}: ok ({scenarios} scenario{'s' * (scenarios != 1)})")
    return status


def cmd_run(args: argparse.Namespace) -> int:
    """One run of one scenario."""
    from experiments.limits import check
    from experiments.single import run_single, summary
    from model.config import load_config

    config = load_config(args.config)
    if args.scenario is not None and args.scenario not in config.scenarios:
        raise UsageError(
            f"--scenario: expected one of {', '.join(config.scenarios)}, found {args.scenario!r}"
        )
    check(config, force=args.force, scenario=args.scenario or config.scenarios[0], steps=args.steps)
    run = run_single(config, args.scenario, args.seed, args.steps, args.out)
    print(summary(run))
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `validate` and `run` to the command line."""
    validate = commands.add_parser(
        "validate",
        help="check configs; print ok per file or the problems",
        description="Check experiment configs. Prints 'ok' per valid file, or one line per "
        "problem naming the file and the key path. Exit status 0 if all are valid, else 2.",
        epilog="example: python run.py validate configs/*.yaml",
    )
    validate.add_argument("configs", nargs="+", metavar="CONFIG", help="YAML config file(s)")
    validate.add_argument("--force", action="store_true", help=FORCE_HELP)
    validate.set_defaults(handler=cmd_validate)

    run = commands.add_parser(
        "run",
        help="one run of one scenario; writes DIR/run.parquet and prints a summary",
        description="Run one scenario of a config once. Writes the model-level time series to "
        "DIR/run.parquet (with blocs.parquet, media.parquet and the resolved run.yaml) and "
        "prints a short summary.",
        epilog="example: python run.py run configs/walkout.yaml --scenario adversary_walks "
        "--seed 7",
    )
    run.add_argument("config", metavar="CONFIG", help="YAML config file")
    run.add_argument("--scenario", metavar="NAME", help="scenario to run (default: the first)")
    run.add_argument(
        "--seed",
        type=seed,
        metavar="N",
        help="run seed (default: the seed of replicate 0 of the config's seed)",
    )
    run.add_argument(
        "--steps", type=positive_int, metavar="N", help="steps to run (default: the config's steps)"
    )
    run.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: results/<name>/single)"
    )
    run.add_argument("--force", action="store_true", help=FORCE_HELP)
    run.set_defaults(handler=cmd_run)
