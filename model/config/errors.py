"""The wording of config errors: one line per problem, naming where, what was expected and found.

`ConfigError` carries the lines. `describe_error` turns one pydantic error into "expected X,
found Y" (without its path); `format_path` writes a key path as the config spells it
(``model.media[1].bias``); `found` quotes a value as found, never more than
`FOUND_CHARACTERS` of a text and never the bytes of binary data.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, get_args

from pydantic import BaseModel

FOUND_CHARACTERS = 60
"""Longest text quoted whole in an error message; longer text is cut there."""

LIST_BRANCH, RANGE_BRANCH = "[values]", "{min, max}"
"""Names of the two shapes of a swept parameter, as pydantic puts them into error paths."""


class ConfigError(ValueError):
    """A config that does not validate: one line per problem, each naming its key path."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        self.lines = [prefix + p for p in self.problems]
        super().__init__("\n".join(self.lines))


def format_path(parts: tuple[Any, ...] | list[Any]) -> str:
    """Dotted key path with list positions in brackets: ``model.media[1].bias``."""
    out = ""
    for part in parts:
        if part == "[key]":  # pydantic's marker of a problem with a mapping's key itself
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def found(value: Any) -> str:
    """A value as an error message quotes it (cut short, binary data by its size)."""
    if isinstance(value, str):
        if len(value) > FOUND_CHARACTERS:
            return f"{value[:FOUND_CHARACTERS]!r}... ({len(value):,} characters)"
        return repr(value)
    if isinstance(value, bytes | bytearray):
        return f"binary data ({len(value):,} bytes)"
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value)


def _expected(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    bounds = {
        "greater_than_equal": ">= {ge}",
        "greater_than": "> {gt}",
        "less_than_equal": "<= {le}",
        "less_than": "< {lt}",
    }
    if kind in bounds:
        return "a value " + bounds[kind].format(**{k: number(v) for k, v in ctx.items()})
    simple = {
        "int_parsing": "an integer",
        "int_type": "an integer",
        "float_parsing": "a number",
        "float_type": "a number",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "string_type": "a string",
        "dict_type": "a mapping",
        "list_type": "a list",
        "tuple_type": "a list",
        "model_type": "a mapping",
        "model_attributes_type": "a mapping",
        "finite_number": "a finite number",
    }
    if kind in simple:
        return simple[kind]
    if kind in ("literal_error", "enum"):
        return "one of " + str(ctx.get("expected", "")).replace("'", "")
    if kind == "string_pattern_mismatch":
        return "only letters, digits, - and _"
    if kind in ("too_short", "string_too_short"):
        return f"at least {ctx.get('min_length', 1)} item(s)"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} item(s)"
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    return str(error.get("msg", "a valid value")).lower()


def _known_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """The keys that the mapping holding `loc[-1]` takes, following `loc` from `root`."""
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model is not None else None
        model = _model_in(field.annotation) if field is not None else None
        if model is None:
            return None
    return sorted(field.alias or name for name, field in model.model_fields.items())


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        inner = _model_in(arg)
        if inner is not None:
            return inner
    return None


def relevant(errors: list[Any]) -> list[Any]:
    """Pydantic's errors without 'too short' for a list long enough but with invalid items."""
    return [
        e
        for e in errors
        if not (
            e["type"] == "too_short"
            and isinstance(e.get("input"), list | tuple | dict)
            and len(e["input"]) >= (e.get("ctx") or {}).get("min_length", 1)
        )
    ]


def number(value: Any) -> str:
    """A number as an error message writes it (``0.5``, ``1e-06``, ``3``)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe_error(error: Mapping[str, Any], root: type[BaseModel] | None = None) -> str:
    """One pydantic error as 'expected X, found Y' (without its path).

    `root` is the model validated; with it, an unknown key's message names the known keys.
    """
    kind = error["type"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        keys = _known_keys(root, clean_loc(error["loc"])) if root is not None else None
        if not keys:
            return "unknown key"
        if len(keys) <= 20:
            return f"unknown key (expected one of {', '.join(keys)})"
        close = difflib.get_close_matches(str(error["loc"][-1]), keys, n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else f", e.g. {', '.join(keys[:3])}"
        return f"unknown key (expected one of {len(keys)} known keys{hint})"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    ctx = error.get("ctx") or {}
    if kind == "too_long":
        length = ctx.get("actual_length")
        if length is None and hasattr(error.get("input"), "__len__"):
            length = len(error["input"])
        return f"expected at most {ctx['max_length']:,} items, found {length:,}"
    return f"expected {_expected(error)}, found {found(error.get('input'))}"


def clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A pydantic error location without the union branch or function names pydantic adds."""
    return tuple(
        p
        for p in loc
        if not (
            isinstance(p, str) and (p.startswith("function-") or p in (LIST_BRANCH, RANGE_BRANCH))
        )
    )


def dedupe(lines: Iterable[str]) -> list[str]:
    """`lines` in their order, each once."""
    return list(dict.fromkeys(lines))
