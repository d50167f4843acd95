"""Command line of the diplomacy-legitimacy model: `python run.py --help`.

Each command lives in its own module with a `register(commands)` function; this file only
builds the parser and turns errors into one line and an exit status: 0 success, 2 bad input
(config, arguments, missing files), 1 anything else.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "experiments.cli_single",
    "experiments.cli_batch",
    "experiments.cli_repair",
    "experiments.cli_compare",
    "experiments.cli_discover",
    "dashboards.cli",
    "classroom.cli",
)
"""Modules that add commands, in the order of `--help`."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from experiments.errors import UsageError

        raise UsageError(f"{self.prog}: {message} (see --help)")


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
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, run the command, and turn errors into one line and a status."""
    from experiments.clitypes import EXIT_BAD_INPUT, EXIT_FAILED
    from experiments.errors import UsageError
    from experiments.io import OutputError
    from model.config import ConfigError

    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
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
    except Exception as error:  # the edge of the program: one line, exit 1
        if os.environ.get("DIPLOMACY_TRACEBACK"):
            raise
        print(
            f"error: {type(error).__name__}: {error} (set DIPLOMACY_TRACEBACK=1 for details)",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
