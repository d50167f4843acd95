"""Command line of the diplomacy-legitimacy model: `python run.py --help`.

Exit status: 0 success, 2 bad input (config, arguments, missing files), 1 anything else.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class UsageError(ValueError):
    """Bad command-line input: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see --help)")


SEED_MAX = 2**63 - 1


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer from 0 to {SEED_MAX}, found {text!r}"
        ) from None
    if not 0 <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to {SEED_MAX}, found {value}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, found {value}")
    return value


# ------------------------------------------------------------------------------------------
# Commands
# ------------------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate each config; print `ok` or its problems."""
    from model.config import ConfigError, load_config

    status = EXIT_OK
    for path in args.configs:
        try:
            config = load_config(path)
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
    from experiments.single import run_single, summary
    from model.config import load_config

    config = load_config(args.config)
    if args.scenario is not None and args.scenario not in config.scenarios:
        raise UsageError(
            f"--scenario: expected one of {', '.join(config.scenarios)}, found {args.scenario!r}"
        )
    run = run_single(config, args.scenario, args.seed, args.steps, args.out)
    print(summary(run))
    return EXIT_OK


# ------------------------------------------------------------------------------------------
# Parser
# ------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser with one subcommand per verb."""
    parser = _Parser(
        prog="run.py",
        description="Agent-based model of how negotiating or walking away shapes the "
        "legitimacy of two states among Global South observers. Every figure is a model "
        "index, not a forecast.",
        epilog="example: python run.py run configs/baseline.yaml",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    validate = commands.add_parser(
        "validate",
        help="check configs; print ok per file or the problems",
        description="Check experiment configs. Prints 'ok' per valid file, or one line per "
        "problem naming the file and the key path. Exit status 0 if all are valid, else 2.",
        epilog="example: python run.py validate configs/*.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("configs", nargs="+", metavar="CONFIG", help="YAML config file(s)")
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
        type=_seed,
        metavar="N",
        help="run seed (default: the seed of replicate 0 of the config's seed)",
    )
    run.add_argument(
        "--steps",
        type=_positive_int,
        metavar="N",
        help="steps to run (default: the config's steps)",
    )
    run.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: results/<name>/single)"
    )
    run.set_defaults(handler=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, run the command, and turn errors into one line and a status."""
    from experiments.io import OutputError
    from model.config import ConfigError

    handler: Callable[[argparse.Namespace], int]
    try:
        args = build_parser().parse_args(argv)
        handler = args.handler
        return handler(args)
    except ConfigError as error:
        for line in error.lines:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (UsageError, OutputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if os.environ.get("DIPLOMACY_TRACEBACK"):
            raise
        print(
            f"error: {type(error).__name__}: {error} (set DIPLOMACY_TRACEBACK=1 for details)",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
