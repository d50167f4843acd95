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

import pytest
import yaml

import model.rules
from experiments import golden
from model import documentation
from model.model import DiplomacyModel
from model.parameters import BY_NAME, REGISTRY
from model.version import MODEL_VERSION

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
        dataclasses.replace(p, default=0.5) if p.name == "event_rate" else p for p in REGISTRY
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


def test_every_submodel_heading_is_a_rule_function_in_its_module_and_every_rule_has_one():
    functions = _rule_functions()
    submodels = _section(7)
    headings = []
    module = None
    for line in submodels.splitlines():
        rule = re.match(r"^### Rule \d+: .*\(`model/rules/(\w+)\.py`\)$", line)
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
    named = re.findall(r"`(_\w+)`", _section(3))
    called = re.findall(r"self\.(_\w+)\(", inspect.getsource(DiplomacyModel.step))
    assert named == called, f"ODD phases {named}, DiplomacyModel.step calls {called}"
    assert all(callable(getattr(DiplomacyModel, name)) for name in named)


def test_odd_submodel_defaults_and_symbols_match_the_registry():
    pattern = re.compile(r"`([a-z_]+)`\s+(?:([A-Za-z][\w*^/]*)\s+)?\(?(-?\d+(?:\.\d+)?)\)?")
    checked = 0
    for name, symbol, value in pattern.findall(_section(7)):
        if name not in BY_NAME:
            continue
        p = BY_NAME[name]
        default = p.default
        if isinstance(default, tuple):
            if default[0] != default[1]:
                continue
            default = default[0]
        assert float(value) == float(default), f"ODD quotes {name} = {value}, registry {default}"
        assert symbol in ("", p.symbol), f"ODD writes {name} as {symbol}, registry {p.symbol}"
        checked += 1
    assert checked >= 40


def test_odd_calibration_names_every_calibrated_parameter():
    calibration = _section(9)
    calibrated = [p.name for p in REGISTRY if "calibrated" in p.source]
    assert calibrated
    for name in calibrated:
        assert f"`{name}`" in calibration, name


def test_odd_and_model_card_name_the_current_model_version():
    assert f"model version {MODEL_VERSION}" in " ".join(ODD.split())
    assert f"| version | {MODEL_VERSION} " in CARD


# ------------------------------------------------------------------------------------------
# The model card
# ------------------------------------------------------------------------------------------


def test_odd_calibration_figure_is_the_model_card_figure():
    quoted = re.search(r"\*\*(\d\.\d{4}), 95% interval \[(\d\.\d{4}), (\d\.\d{4})\]\*\*", ODD)
    assert quoted, "ODD section 9 quotes the calibration as **m, 95% interval [lo, hi]**"
    mean, low, high = quoted.groups()
    first = next(line for line in CARD.splitlines() if "(the calibration)" in line)
    assert f"-{mean} [-{high}, -{low}]" in first


# ------------------------------------------------------------------------------------------
# Version, citation, licence, changelog, outputs
# ------------------------------------------------------------------------------------------


def test_citation_cff_is_valid_and_carries_the_model_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == MODEL_VERSION
    assert str(cff["date-released"]) == "2026-11-25"
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
