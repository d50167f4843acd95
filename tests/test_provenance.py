"""Documentation and provenance do not drift from the code: the ODD's generated tables, submodel
names, schedule and quoted defaults; the model card's claims table; the model version in
CITATION.cff, CHANGELOG.md and every run's output."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import numpy as np
import odd_figures
import pytest
import yaml

import model.rules
from agents.actions import SIDES
from model import documentation
from model.model import DiplomacyModel
from model.parameters import BY_NAME, REGISTRY
from model.version import MODEL_VERSION
from tools import golden

ROOT = Path(__file__).resolve().parents[1]
ODD = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
CARD = (ROOT / "docs" / "MODEL_CARD.md").read_text(encoding="utf-8")

GRIMM_2020 = [
    "Purpose and patterns",
    "Entities, state variables and scales",
    "Process overview and scheduling",
    "Design concepts",
    "Initialization",
    "Input data",
    "Submodels",
]
DESIGN_CONCEPTS = [
    "Basic principles",
    "Emergence",
    "Adaptation",
    "Objectives",
    "Learning",
    "Prediction",
    "Sensing",
    "Interaction",
    "Stochasticity",
    "Collectives",
    "Observation",
]


def _section(number: int) -> str:
    """The text of ODD section `number` (from its heading to the next section)."""
    match = re.search(rf"^## {number}\. .*?(?=^## |\Z)", ODD, flags=re.M | re.S)
    assert match, f"ODD has no section {number}"
    return match.group(0)


def _subsection(number: int, title: str) -> str:
    """The text of subsection `title` of ODD section `number` (to the next heading)."""
    match = re.search(
        rf"^### {re.escape(title)}\b.*?(?=^##|\Z)", _section(number), flags=re.M | re.S
    )
    assert match, f"ODD section {number} has no subsection {title!r}"
    return match.group(0)


def _phases(method) -> list[str]:
    """The methods of the model that `method` calls, in order."""
    return re.findall(r"self\.(_\w+)\(", inspect.getsource(method))


def _written() -> str:
    """The ODD without its generated and measured blocks (the text written by hand)."""
    text = ODD
    for name in documentation.TABLES:
        text = text.replace(documentation.read_block(text, name), "")
    return text.replace(odd_figures.block(text), "")


def _rule_functions() -> dict[str, str]:
    """Every public function defined in a module of model.rules, with its module's name."""
    found = {}
    for info in pkgutil.iter_modules(model.rules.__path__):
        module = importlib.import_module(f"model.rules.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if obj.__module__ == module.__name__ and not name.startswith("_"):
                found[name] = info.name
    return found


# ------------------------------------------------------------------------------------------
# The ODD
# ------------------------------------------------------------------------------------------


def test_odd_tables_match_the_registry():
    stale = documentation.stale_tables()
    assert not stale, (
        f"docs/ODD.md tables out of date: {', '.join(stale)}; run {documentation.COMMAND}"
    )


def test_odd_table_check_detects_a_changed_registry(tmp_path):
    changed = [
        dataclasses.replace(p, default=p.default + 0.1) if p.name == "event_rate" else p
        for p in REGISTRY
    ]
    assert documentation.parameter_table_markdown(changed) != (
        documentation.parameter_table_markdown()
    )
    stale = tmp_path / "ODD.md"
    stale.write_text(
        ODD.replace("| `dynamics.event_rate` | alpha_e", "| `dynamics.event_rate` | a")
    )
    assert documentation.stale_tables(stale) == ["parameters"]
    assert documentation.main(["--check", "--path", str(stale)]) == 1
    assert documentation.write_tables(stale) is True
    assert documentation.stale_tables(stale) == []


def test_odd_headings_follow_grimm_2020_with_purpose_and_patterns_first():
    headings = re.findall(r"^## (\d+)\. (.+)$", ODD, flags=re.M)
    assert [title for _, title in headings[: len(GRIMM_2020)]] == GRIMM_2020
    assert [int(n) for n, _ in headings] == list(range(1, len(headings) + 1))


def test_odd_design_concepts_cover_all_eleven():
    concepts = re.findall(r"^\*\*(.+?)\.\*\*", _section(4), flags=re.M)
    assert concepts == DESIGN_CONCEPTS


def test_odd_evidence_table_check_detects_a_changed_cell(tmp_path):
    changed = [
        dataclasses.replace(p, default=-0.7) if p.name == "evidence.walk_away.faith" else p
        for p in REGISTRY
    ]
    assert "| walk_away | -0.7 | 0.6 |" in documentation.evidence_table_markdown(changed)
    stale = tmp_path / "ODD.md"
    stale.write_text(ODD.replace("| walk_away | -0.5 |", "| walk_away | -0.7 |"))
    assert documentation.stale_tables(stale) == ["evidence"]


def test_odd_parameter_table_renders_dotted_names_as_config_keys():
    table = documentation.parameter_table_markdown()
    for p in REGISTRY:
        key = {"dynamics": f"dynamics.{p.name}", "side": f"<side>.{p.name}"}.get(p.scope, p.name)
        assert f"| `{key}` | " in table, key
    assert "| `dynamics.evidence.walk_away.faith` | e^f_walk_away |" in table
    assert "| `<side>.initial_legitimacy.mean` | Lbar_0 |" in table


def test_every_submodel_heading_is_a_rule_function_in_its_module_and_every_rule_has_one():
    functions = _rule_functions()
    submodels = _section(7)
    headings = []
    module = None
    for line in submodels.splitlines():
        rule = re.match(r"^### (?:Rule \d+: )?.*\(`model/rules/(\w+)\.py`\)$", line)
        if rule:
            module = rule.group(1)
        heading = re.match(r"^#### `(\w+)`$", line)
        if heading:
            name = heading.group(1)
            headings.append(name)
            assert name in functions, f"ODD submodel `{name}` is not a function in model.rules"
            assert functions[name] == module, f"`{name}` is in model/rules/{functions[name]}.py"
    assert len(headings) == len(set(headings))
    missing = sorted(set(functions) - set(headings))
    assert not missing, f"rule functions without an ODD submodel heading: {missing}"


def test_odd_schedule_names_the_phases_of_step_in_their_order():
    """One step names the phases of `step` and, inside the observer phases, theirs."""
    expected = []
    for name in _phases(DiplomacyModel.step):
        expected.append(name)
        if name == "_observer_phases":
            expected += _phases(DiplomacyModel._observer_phases)
    named = re.findall(r"`(_\w+)`", _subsection(3, "One step"))
    assert named == expected, f"ODD phases {named}, DiplomacyModel.step calls {expected}"
    assert all(callable(getattr(DiplomacyModel, name)) for name in named)


def test_odd_spin_up_names_the_phases_of_its_weeks_in_their_order():
    named = re.findall(r"`(_\w+)`", _subsection(3, "The spin-up"))
    weeks = _phases(DiplomacyModel._spin_up_weeks)
    assert named == weeks, f"ODD spin-up phases {named}, a spin-up week calls {weeks}"
    assert "_spin_up_weeks" in _phases(DiplomacyModel._spin_up)


QUOTED_DEFAULT = re.compile(
    r"`([a-z_][a-z_.]*)`\s+(?:([A-Za-z][\w*^/]*)\s+)?\(?(-?\d+(?:\.\d+)?)\)?"
)
"""A quoted parameter: `config_name`, optionally its symbol, then its default. A side's
parameter may be quoted for one role (`negotiator.deterrence`)."""


def _quoted_defaults(text: str) -> list[tuple[str, str, str]]:
    return QUOTED_DEFAULT.findall(text)


def test_odd_quoted_defaults_and_symbols_match_the_registry():
    checked = 0
    for quoted, symbol, value in _quoted_defaults(_written()):
        role, _, rest = quoted.partition(".")
        name, role = (rest, role) if role in SIDES else (quoted, None)
        if name not in BY_NAME:
            continue
        p = BY_NAME[name]
        if isinstance(p.default, tuple) and role is None:
            if p.default[0] != p.default[1]:
                continue
            role = SIDES[0]
        default = p.default_for(role)
        assert float(value) == float(default), f"ODD quotes {quoted} = {value}, registry {default}"
        assert symbol in ("", p.symbol), f"ODD writes {quoted} as {symbol}, registry {p.symbol}"
        checked += 1
    assert checked >= 100


def test_odd_quotes_every_parameter_outside_the_evidence_table():
    quoted = set()
    for name, _, _ in _quoted_defaults(_written()):
        role, _, rest = name.partition(".")
        quoted.add(rest if role in SIDES else name)
    cells = ("evidence", "newsworthiness")
    missing = [p.name for p in REGISTRY if p.path[0] not in cells and p.name not in quoted]
    assert not missing, f"parameters the ODD does not quote with their default: {missing}"


def test_odd_quoted_default_check_can_fail():
    quoted = _quoted_defaults("(`event_rate` alpha_e 0.9, `negotiator.deterrence` D 0.6)")
    assert quoted == [("event_rate", "alpha_e", "0.9"), ("negotiator.deterrence", "D", "0.6")]
    assert float(quoted[0][2]) != BY_NAME["event_rate"].default


def test_odd_calibration_names_every_calibrated_parameter():
    calibration = _section(9)
    calibrated = [p.name for p in REGISTRY if "calibrated" in p.source]
    assert calibrated
    for name in calibrated:
        assert f"`{name}`" in calibration, name


def test_odd_names_the_current_model_version():
    assert f"model version {MODEL_VERSION}" in " ".join(ODD.split())


def test_odd_table_of_figures_lists_every_figure_and_quotes_each_as_a_figure():
    rows = [line for line in odd_figures.block(ODD).splitlines() if line.startswith("|")]
    assert rows[: len(odd_figures.HEADER)] == list(odd_figures.HEADER)
    expected = [(f.key, f.measure, f.prototype) for f in odd_figures.FIGURES]
    found = [tuple(c.strip() for c in r.strip("|").split(" | ")) for r in rows[2:]]
    assert [(key, measured, prototype) for key, measured, _, prototype in found] == expected
    quoted = odd_figures.quotes(ODD)
    assert len(quoted) > len(odd_figures.FIGURES)  # the patterns' table of section 1 quotes P1-P4
    for key, text in quoted:
        assert odd_figures.QUOTED.match(text), f"figure {key}: {text!r} is not a quoted figure"


def test_odd_figure_check_fails_on_a_drifted_figure():
    sample = np.array([0.10, 0.12, 0.11, 0.13])
    good = odd_figures.quote(odd_figures.FIGURES[0], sample)
    assert odd_figures.agrees(good, sample)
    assert not odd_figures.agrees(good, sample + 0.001)
    assert not odd_figures.agrees(good.split(" [")[0], sample)
    assert odd_figures.agrees("0.250", 0.2504) and not odd_figures.agrees("0.250", 0.2506)


@pytest.mark.slow
def test_odd_quotes_the_figures_the_model_gives():
    samples = odd_figures.measure_all()
    by_key = {f.key: f for f in odd_figures.FIGURES}
    drifted = [
        f"{key}: ODD {text}, model {odd_figures.quote(by_key[key], samples[key])}"
        for key, text in odd_figures.quotes(ODD)
        if not odd_figures.agrees(text, samples[key])
    ]
    assert not drifted, f"figures out of date (run {odd_figures.COMMAND}): {drifted}"


def test_odd_and_model_card_name_the_current_model_version():
    assert f"model version {MODEL_VERSION}" in " ".join(ODD.split())
    assert f"| version | {MODEL_VERSION} " in CARD


# ------------------------------------------------------------------------------------------
# Version, citation, licence, changelog, outputs
# ------------------------------------------------------------------------------------------


def test_citation_cff_is_valid_and_carries_the_model_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == MODEL_VERSION
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.search(rf"^## \[{re.escape(MODEL_VERSION)}\] - (\S+)$", changelog, flags=re.M)
    assert released, f"CHANGELOG.md has no dated entry for {MODEL_VERSION}"
    assert str(cff["date-released"]) == released.group(1)
    assert cff["license"] == "MIT"
    assert cff["authors"] == [{"name": "The diplomacy-legitimacy model authors"}]
    for key in ("title", "message", "abstract"):
        assert isinstance(cff[key], str) and cff[key].strip()


def test_license_is_mit_for_the_model_authors():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 The diplomacy-legitimacy model authors" in text


def test_changelog_has_an_entry_for_the_model_version():
    assert golden.changelog_has_entry(MODEL_VERSION), (
        f"CHANGELOG.md needs a '## [{MODEL_VERSION}]' section for the current MODEL_VERSION"
    )
    assert not golden.changelog_has_entry("0.0.0-none")


@pytest.mark.parametrize(
    "target", ["docs/ODD.md", "docs/MODEL_CARD.md", "CHANGELOG.md", "CITATION.cff"]
)
def test_readme_links_the_documentation(target):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documentation_section = readme.split("## Documentation", 1)[1].split("\n## ", 1)[0]
    assert f"({target})" in documentation_section
    assert (ROOT / target).exists()
