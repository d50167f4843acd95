"""Errors of bad input, turned into one line and exit status 2 at the command line."""

from __future__ import annotations


class UsageError(ValueError):
    """Bad command-line input: reported in one line, exit status 2."""
