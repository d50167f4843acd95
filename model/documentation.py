"""Tables of the ODD generated from the parameter registry, so that the docs cannot drift.

`parameter_table_markdown` and `mechanism_table_markdown` render `REGISTRY` and `MECHANISMS`
as Markdown, `evidence_table_markdown` the evidence and newsworthiness cells of the registry as
MODEL_SPEC's action table, `preset_tables_markdown` the default blocs and media ecologies of
`model.config`; `write_tables` puts them between marker comments in ``docs/ODD.md``. Dotted
registry names are rendered as the config keys they are (``dynamics.evidence.walk_away.faith``,
``<side>.initial_legitimacy.mean``). Commands::

    python -m model.documentation            # print the tables
    python -m model.documentation --write    # rewrite the tables in docs/ODD.md
    python -m model.documentation --check    # exit 1 if docs/ODD.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from agents.actions import ACTIONS, AGREEMENT
from model.config import DEFAULT_BLOCS, MEDIA_PRESETS
from model.parameters import MECHANISMS, REGISTRY, Mechanism, Parameter

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
"""Where the ODD lives in a source checkout."""

COMMAND = "python -m model.documentation --write"
TABLES = ("presets", "evidence", "parameters", "mechanisms")
"""Names of the generated blocks, in the order they appear in the ODD."""

EVIDENCE_CELLS = (
    ("faith", "act: faith"),
    ("strength", "act: strength"),
    ("standing_faith", "standing: faith"),
    ("standing_strength", "standing: strength"),
)
"""The evidence cells of one act (`evidence.<act>.<cell>`) and their column titles."""

_SCOPE_TITLES = {
    "model": "Population (keys of `model`)",
    "side": "Each side (keys of `negotiator` and `adversary`; default for N, then A)",
    "dynamics": "Dynamics (keys of `model.dynamics`)",
}


def begin_marker(name: str) -> str:
    """The comment line that opens generated block `name`."""
    return f"<!-- BEGIN GENERATED: {name} ({COMMAND}) -->"


def end_marker(name: str) -> str:
    """The comment line that closes generated block `name`."""
    return f"<!-- END GENERATED: {name} -->"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _number(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _default(p: Parameter) -> str:
    if isinstance(p.default, tuple):
        return f"{_number(p.default[0])} / {_number(p.default[1])}"
    return _number(p.default)


def _range(p: Parameter) -> str:
    if p.integer:
        return f"[{int(p.low)}, {int(p.high)}] (integer)"
    return f"[{_number(float(p.low))}, {_number(float(p.high))}]"


def _key(p: Parameter) -> str:
    if p.scope == "dynamics":
        return f"`dynamics.{p.name}`"
    if p.scope == "side":
        return f"`<side>.{p.name}`"
    return f"`{p.name}`"


def parameter_table_markdown(registry: Sequence[Parameter] = REGISTRY) -> str:
    """The parameter registry as Markdown tables, one per scope, in registry order.

    Columns: config key, symbol, meaning, default (N / A for side parameters), valid range,
    unit or time scale, source.

    Args:
        registry: the parameters to render (default: the model's registry).

    Returns:
        Markdown text without a trailing newline.
    """
    blocks = []
    for scope, title in _SCOPE_TITLES.items():
        rows = [p for p in registry if p.scope == scope]
        if not rows:
            continue
        lines = [
            f"**{title}**",
            "",
            "| config key | symbol | meaning | default | range | unit | source |",
            "|---|---|---|---|---|---|---|",
        ]
        for p in rows:
            lines.append(
                f"| {_key(p)} | {_cell(p.symbol)} | {_cell(p.meaning)} | {_default(p)} | "
                f"{_range(p)} | {_cell(p.unit)} | {_cell(p.source)} |"
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def mechanism_table_markdown(mechanisms: Sequence[Mechanism] = MECHANISMS) -> str:
    """The mechanism switches as a Markdown table (key, kind, claim, rules, default).

    Args:
        mechanisms: the switches to render (default: the model's).

    Returns:
        Markdown text without a trailing newline.
    """
    lines = [
        "| switch (`model.mechanisms.`) | kind | claim | rules | default |",
        "|---|---|---|---|---|",
    ]
    for m in mechanisms:
        kind = "rival" if m.rival else "essay"
        default = "on" if m.default else "off"
        lines.append(f"| `{m.name}` | {kind} | {_cell(m.claim)} | {m.rules} | {default} |")
    return "\n".join(lines)


def _ranges(parameters: Sequence[Parameter]) -> str:
    return ", ".join(sorted({_range(p) for p in parameters}))


def evidence_table_markdown(registry: Sequence[Parameter] = REGISTRY) -> str:
    """The evidence and newsworthiness cells of the registry as MODEL_SPEC's action table.

    One row per action (then the agreement of a concluded deal); a cell the registry does not
    hold (the standing evidence of an event or a deal) is "-". The caption gives the config
    keys and the valid ranges.

    Args:
        registry: the parameters to read the cells from (default: the model's registry).

    Returns:
        Markdown text without a trailing newline.
    """
    by_name = {p.name: p for p in registry}
    evidence = [p for p in registry if p.path[0] == "evidence"]
    news = [p for p in registry if p.path[0] == "newsworthiness"]
    lines = [
        "**Evidence and newsworthiness** (config keys `dynamics.evidence.<act>.<cell>`, range "
        f"{_ranges(evidence)}, and `dynamics.newsworthiness.<act>`, range {_ranges(news)}; "
        "evidence in log-likelihood ratios, standing evidence per week)",
        "",
        "| act | " + " | ".join(title for _, title in EVIDENCE_CELLS) + " | newsworthiness n "
        "| source |",
        "|---|" + "---|" * (len(EVIDENCE_CELLS) + 2),
    ]
    for act in [a.value for a in ACTIONS] + [AGREEMENT]:
        cells = [by_name.get(f"evidence.{act}.{cell}") for cell, _ in EVIDENCE_CELLS]
        news_cell = by_name.get(f"newsworthiness.{act}")
        sources = dict.fromkeys(p.source for p in cells if p is not None)
        values = [_default(p) if p is not None else "-" for p in cells]
        values.append(_default(news_cell) if news_cell is not None else "-")
        lines.append(f"| {act} | " + " | ".join(values) + f" | {_cell('; '.join(sources))} |")
    return "\n".join(lines)


def preset_tables_markdown() -> str:
    """The default blocs and media ecologies of `model.config` as Markdown.

    Returns:
        Markdown text without a trailing newline.
    """
    lines = [
        "**Default blocs** (`model.blocs`; shares are normalized to sum to 1)",
        "",
        "| bloc | share | economic weight | exposure | scepticism (mean) | tilt N | tilt A |",
        "|---|---|---|---|---|---|---|",
    ]
    for b in DEFAULT_BLOCS:
        tilt = b.get("tilt", {})
        lines.append(
            f"| {_cell(b['name'])} | {_number(b['share'])} | {_number(b['economic_weight'])} | "
            f"{_number(b['exposure'])} | {_number(b['scepticism'])} | "
            f"{_number(tilt.get('negotiator', 0.0))} | {_number(tilt.get('adversary', 0.0))} |"
        )
    for name, outlets in MEDIA_PRESETS.items():
        lines += [
            "",
            f"**Media preset `{name}`** (`model.media: {name}`)",
            "",
            "| outlet | bias | reach | indexing |",
            "|---|---|---|---|",
        ]
        for o in outlets:
            lines.append(
                f"| {_cell(o['name'])} | {_number(o['bias'])} | {_number(o['reach'])} | "
                f"{_number(o['indexing'])} |"
            )
    return "\n".join(lines)


def generated_tables() -> dict[str, str]:
    """Every generated block of the ODD by name."""
    tables = {
        "presets": preset_tables_markdown(),
        "evidence": evidence_table_markdown(),
        "parameters": parameter_table_markdown(),
        "mechanisms": mechanism_table_markdown(),
    }
    return {name: tables[name] for name in TABLES}


def replace_between_markers(text: str, begin: str, end: str, body: str) -> str:
    """`text` with everything between the lines `begin` and `end` replaced by `body`.

    Raises:
        ValueError: if the markers are missing or out of order.
    """
    head, found, rest = text.partition(begin)
    if not found or end not in rest:
        raise ValueError(f"markers not found in order: {begin!r} ... {end!r}")
    _, _, tail = rest.partition(end)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def read_block(text: str, name: str) -> str:
    """The text of generated block `name` of `text` (between its markers, stripped).

    Raises:
        ValueError: if the markers are missing or out of order.
    """
    begin, end = begin_marker(name), end_marker(name)
    _, found, rest = text.partition(begin)
    if not found or end not in rest:
        raise ValueError(f"markers not found in order: {begin!r} ... {end!r}")
    return rest.partition(end)[0].strip("\n")


def write_tables(path: Path = ODD) -> bool:
    """Rewrite the generated blocks of the document at `path`; True if anything changed."""
    old = path.read_text(encoding="utf-8")
    new = old
    for name, body in generated_tables().items():
        new = replace_between_markers(new, begin_marker(name), end_marker(name), body)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


def stale_tables(path: Path = ODD) -> list[str]:
    """Names of the generated blocks of `path` that differ from the registry."""
    text = path.read_text(encoding="utf-8")
    return [name for name, body in generated_tables().items() if read_block(text, name) != body]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the generated tables, or write them to (or check them against) docs/ODD.md."""
    parser = argparse.ArgumentParser(
        prog="python -m model.documentation",
        description="The ODD's preset, evidence, parameter and mechanism tables, from the code.",
        epilog=f"example: {COMMAND}",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="rewrite the tables in the ODD")
    action.add_argument(
        "--check", action="store_true", help="exit with status 1 if the ODD's tables are stale"
    )
    parser.add_argument("--path", type=Path, default=ODD, help=f"the ODD (default {ODD})")
    args = parser.parse_args(argv)
    if args.write:
        changed = write_tables(args.path)
        print(f"{'rewrote' if changed else 'up to date:'} {args.path}")
        return 0
    if args.check:
        stale = stale_tables(args.path)
        if stale:
            print(f"stale tables in {args.path}: {', '.join(stale)}; run {COMMAND}")
            return 1
        print(f"up to date: {args.path}")
        return 0
    print("\n\n".join(generated_tables().values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
