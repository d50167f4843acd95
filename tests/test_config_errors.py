"""Malformed experiment configs: each is rejected with one line per problem naming its key path.

Every case is checked twice: through the Python API (`load_config` raises `ConfigError`) and
through the command line (`python run.py validate FILE...` exits with status 2, prints one line
per problem naming the file, and never a traceback). The `run` subcommand's bad arguments are
checked the same way, and every shipped config must validate.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from model.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "configs").glob("*.yaml"))

# A minimal valid config; cases append to it or replace it.
BASE = "name: t\nscenarios:\n  s1:\n    adversary: {strategy: always_engage}\n"

MEDIA_BAD_BIAS = """\
model:
  media:
    - {name: Wire service, bias: 0.0, reach: 0.5, indexing: 0.8}
    - {name: Loud outlet, bias: 3, reach: 0.3, indexing: 0.4}
"""

INTEGER, NUMBER = "expected an integer", "expected a number"
NUMBER_TRUE = [NUMBER, "found true"]
BINARY = "!!binary aGVsbG8="  # the five bytes of "hello"
TEXT_WORDS = ["expected a string", "found binary data (5 bytes)"]
AT = "scenarios.X.adversary.at"


def model(line: str) -> str:
    """BASE with a `model` section of one line."""
    return BASE + f"model:\n  {line}\n"


def side(strategy: str) -> str:
    """A config whose scenario X gives the adversary `strategy` (with its keys)."""
    return f"name: t\nscenarios:\n  X:\n    adversary: {{strategy: {strategy}}}\n"


# (case id, file text, what follows "FILE: " in the expected line, words that line contains)
CASES: list[tuple[str, str, str, list[str]]] = [
    # YAML itself
    (
        "yaml_syntax",
        "name: t\nscenarios:\n  s1: {adversary: [\n  bad: : :\n",
        "line 4, column",
        ["invalid YAML", "node content"],
    ),
    (
        "yaml_tab",
        "name: t\n\tsteps: 3\nscenarios: {s1: {}}\n",
        "line 2, column 1",
        ["invalid YAML", "tab character" if yaml.__with_libyaml__ else "cannot start any token"],
    ),
    (
        "duplicate_scenario",
        "name: t\nscenarios:\n  s1: {}\n  s2: {}\n  s1: {}\n",
        "line 5, column 3",
        ["invalid YAML", "duplicate key 's1'", "first at line 3"],
    ),
    (
        "duplicate_nested_key",
        "name: t\nscenarios:\n  s1:\n    adversary: {strategy: silent, strategy: tit_for_tat}\n",
        "line 4",
        ["duplicate key 'strategy'"],
    ),
    (
        "python_tag",
        "!!python/object/apply:os.system ['echo hacked']\n",
        "line 1, column 1",
        ["invalid YAML", "could not determine a constructor", "python/object/apply"],
    ),
    (
        "unhashable_key",
        "name: t\nscenarios:\n  ? [a, b]\n  : {}\n",
        "line 3",
        ["invalid YAML", "unhashable key"],
    ),
    ("empty_file", "", "the file is empty", ["expected a mapping with name and scenarios"]),
    ("only_comments", "# nothing here\n", "the file is empty", ["expected a mapping"]),
    ("top_level_list", "- name: t\n- steps: 3\n", "expected a mapping", ["found a list"]),
    ("top_level_scalar", "hello\n", "expected a mapping", ["found 'hello'"]),
    # top level
    ("missing_name", "scenarios:\n  s1: {}\n", "name", ["required key is missing"]),
    (
        "bad_name",
        "name: my run\nscenarios:\n  s1: {}\n",
        "name",
        ["expected only letters, digits, - and _", "found 'my run'"],
    ),
    ("missing_scenarios", "name: t\n", "scenarios", ["required key is missing"]),
    (
        "empty_scenarios",
        "name: t\nscenarios: {}\n",
        "scenarios",
        ["expected at least 1 item", "found an empty mapping"],
    ),
    (
        "scenarios_list",
        "name: t\nscenarios: [a, b]\n",
        "scenarios",
        ["expected a mapping", "found a list"],
    ),
    (
        "scenario_not_mapping",
        "name: t\nscenarios:\n  s1: hello\n",
        "scenarios.s1",
        ["expected a mapping", "found 'hello'"],
    ),
    (
        "bad_scenario_name",
        "name: t\nscenarios:\n  bad name!: {}\n",
        "scenarios.bad name!",
        ["scenario names take only letters, digits, - and _"],
    ),
    (
        "unknown_top_key",
        BASE + "colour: red\n",
        "colour",
        ["unknown key", "expected one of", "scenarios", "steps"],
    ),
    ("steps_string", BASE + "steps: many\n", "steps", ["expected an integer", "found 'many'"]),
    ("steps_bool", BASE + "steps: true\n", "steps", ["expected an integer", "found true"]),
    ("steps_zero", BASE + "steps: 0\n", "steps", ["expected a value >= 1", "found 0"]),
    ("seed_negative", BASE + "seed: -1\n", "seed", ["expected a value >= 0", "found -1"]),
    # model section
    (
        "observers_float",
        BASE + "model:\n  observers: 1.5\n",
        "model.observers",
        ["expected an integer", "found 1.5"],
    ),
    (
        "observers_list",
        BASE + "model:\n  observers: [1, 2]\n",
        "model.observers",
        ["expected an integer", "found a list"],
    ),
    (
        "elite_share_out_of_range",
        BASE + "model:\n  elite_share: 2\n",
        "model.elite_share",
        ["expected a value <= 1", "found 2"],
    ),
    (
        "deterrence_out_of_range",
        BASE + "model:\n  negotiator: {deterrence: 1.5}\n",
        "model.negotiator.deterrence",
        ["expected a value <= 1", "found 1.5"],
    ),
    (
        "initial_legitimacy_mean",
        BASE + "model:\n  adversary: {initial_legitimacy: {mean: 2, concentration: 10}}\n",
        "model.adversary.initial_legitimacy.mean",
        ["expected a value <= 0.99", "found 2"],
    ),
    (
        "event_rate_negative",
        BASE + "model:\n  dynamics: {event_rate: -0.1}\n",
        "model.dynamics.event_rate",
        ["expected a value >= 0", "found -0.1"],
    ),
    (
        "outlet_bias_out_of_range",
        BASE + MEDIA_BAD_BIAS,
        "model.media[1].bias",
        ["expected a value <= 1", "found 3"],
    ),
    (
        "outlet_unknown_key",
        BASE + "model:\n  media:\n    - {name: W, bias: 0, reach: 0.5, indexing: 0.8, tone: 1}\n",
        "model.media[0].tone",
        ["unknown key", "expected one of bias, indexing, name, reach"],
    ),
    (
        "unknown_media_preset",
        BASE + "model:\n  media: loud\n",
        "model.media",
        ["expected a list of outlets or one of mixed, neutral, polarized", "found 'loud'"],
    ),
    (
        "unknown_model_key",
        BASE + "model:\n  colour: red\n",
        "model.colour",
        ["unknown key", "expected one of", "dynamics", "observers"],
    ),
    (
        "unknown_dynamics_key",
        BASE + "model:\n  dynamics: {event_rat: 0.1}\n",
        "model.dynamics.event_rat",
        ["unknown key", "expected one of", "did you mean event_rate"],
    ),
    (
        "dynamics_not_mapping",
        BASE + "model:\n  dynamics: [1, 2]\n",
        "model.dynamics",
        ["expected a mapping", "found a list"],
    ),
    (
        "unknown_mechanism",
        BASE + "model:\n  mechanisms: {telepathy: true}\n",
        "model.mechanisms.telepathy",
        ["unknown key", "expected one of", "backfire", "talk_fatigue"],
    ),
    (
        "mechanism_not_bool_string",
        BASE + "model:\n  mechanisms: {backfire: 'yes'}\n",
        "model.mechanisms.backfire",
        ["expected true or false", "found 'yes'"],
    ),
    (
        "mechanism_not_bool_number",
        BASE + "model:\n  mechanisms: {talk_fatigue: 1}\n",
        "model.mechanisms.talk_fatigue",
        ["expected true or false", "found 1"],
    ),
    # scenarios and strategies
    (
        "unknown_key_in_scenario",
        BASE.replace("  s1:\n", "  s1:\n    colour: red\n"),
        "scenarios.s1.colour",
        ["unknown key", "expected one of"],
    ),
    (
        "scenario_value_out_of_range",
        "name: t\nscenarios:\n  hi:\n    dynamics: {contrast: -5}\n",
        "scenarios.hi.dynamics.contrast",
        ["expected a value >= 0", "found -5"],
    ),
    (
        "unknown_side_key",
        "name: t\nscenarios:\n  X:\n    negotiator: {strategy: silent, mood: grim}\n",
        "scenarios.X.negotiator.mood",
        ["unknown key", "expected one of", "deterrence", "strategy"],
    ),
    (
        "unknown_strategy",
        "name: t\nscenarios:\n  X:\n    adversary: {strategy: bluff}\n",
        "scenarios.X.adversary.strategy",
        ["expected one of", "always_engage", "walk_away_at", "scripted", "found 'bluff'"],
    ),
    (
        "strategy_not_string",
        "name: t\nscenarios:\n  X:\n    adversary: {strategy: [silent]}\n",
        "scenarios.X.adversary.strategy",
        ["expected one of", "found a list"],
    ),
    (
        "strategy_key_not_taken",
        "name: t\nscenarios:\n  X:\n    adversary: {strategy: always_engage, at: 5}\n",
        "scenarios.X.adversary.at",
        ["strategy always_engage does not take key 'at'", "it takes no keys"],
    ),
    (
        "strategy_key_missing",
        "name: t\nscenarios:\n  X:\n    adversary: {strategy: walk_away_at}\n",
        "scenarios.X.adversary.at",
        ["required key is missing"],
    ),
    (
        "strategy_key_missing_in_model",
        "name: t\nmodel:\n  adversary: {strategy: walk_away_at}\nscenarios:\n  X: {}\n",
        "model.adversary.at",
        ["required key is missing"],
    ),
    (
        "at_negative",
        "name: t\nscenarios:\n  X:\n    adversary: {strategy: walk_away_at, at: -3}\n",
        "scenarios.X.adversary.at",
        ["expected a value >= 0", "found -3"],
    ),
    (
        "at_bool",
        "name: t\nscenarios:\n  X:\n    adversary: {strategy: walk_away_at, at: true}\n",
        "scenarios.X.adversary.at",
        ["expected an integer", "found true"],
    ),
    (
        "at_string",
        "name: t\nscenarios:\n  X:\n    negotiator: {strategy: add_conditions_at, at: soon}\n",
        "scenarios.X.negotiator.at",
        ["expected an integer", "found 'soon'"],
    ),
    (
        "concede_for_zero",
        "name: t\nscenarios:\n  X:\n    negotiator: "
        "{strategy: costly_reassurance, concede_from: 20, concede_for: 0}\n",
        "scenarios.X.negotiator.concede_for",
        ["expected a value > 0", "found 0"],
    ),
    (
        "timeline_unknown_action",
        "name: t\nscenarios:\n  X:\n    adversary: {strategy: scripted, "
        "timeline: {0: engage, 10: dance}}\n",
        "scenarios.X.adversary.timeline[10]",
        ["expected one of", "engage", "walk_away", "found 'dance'"],
    ),
    (
        "timeline_not_mapping",
        "name: t\nscenarios:\n  X:\n    adversary: {strategy: scripted, timeline: walk_away}\n",
        "scenarios.X.adversary.timeline",
        ["expected a mapping", "found 'walk_away'"],
    ),
    # sweep
    (
        "sweep_unknown_path",
        BASE + "sweep:\n  parameters:\n    negotiator.bravado: [0.1, 0.2]\n",
        "sweep.parameters.negotiator.bravado",
        ["names no parameter"],
    ),
    (
        "sweep_clashes_with_scenario",
        "name: t\nscenarios:\n  s1:\n    negotiator: {deterrence: 0.5}\n"
        "sweep:\n  parameters:\n    negotiator.deterrence: [0.2, 0.4]\n",
        "sweep.parameters.negotiator.deterrence",
        ["also set by scenario s1", "scenarios.s1.negotiator.deterrence"],
    ),
    (
        "grid_value_out_of_range",
        BASE + "sweep:\n  method: grid\n  parameters:\n    negotiator.deterrence: [0.2, 1.7]\n",
        "sweep.parameters.negotiator.deterrence[1]",
        ["expected a value <= 1", "found 1.7"],
    ),
    (
        "grid_given_a_range",
        BASE + "sweep:\n  parameters:\n    negotiator.deterrence: {min: 0.1, max: 0.9}\n",
        "sweep.parameters.negotiator.deterrence",
        ["expected a non-empty list of values for a grid", "found a {min, max} range"],
    ),
    (
        "lhs_without_samples",
        BASE
        + "sweep:\n  method: lhs\n  parameters:\n    dynamics.contrast: {min: 0.1, max: 0.8}\n",
        "sweep.samples",
        ["required for method lhs", "found nothing"],
    ),
    (
        "sweep_unknown_method",
        BASE + "sweep:\n  method: magic\n  parameters:\n    negotiator.deterrence: [0.2]\n",
        "sweep.method",
        ["expected one of grid, lhs or sobol", "found 'magic'"],
    ),
    (
        "outputs_negative",
        BASE + "outputs: {agents_every: -1}\n",
        "outputs.agents_every",
        ["expected a value >= 0", "found -1"],
    ),  # strict types: no text, float or bool for an integer; no text or bool for a number; no
    # binary data (YAML's !!binary) for text
    *[
        (f"strict_{case_id}", text, head, words)
        for case_id, text, head, words in [
            ("steps_text", BASE + 'steps: "10"\n', "steps", [INTEGER, "found '10'"]),
            ("replications_float", BASE + "replications: 2.0\n", "replications", [INTEGER, "2.0"]),
            ("seed_text", BASE + 'seed: "7"\n', "seed", [INTEGER, "found '7'"]),
            ("description_binary", BASE + f"description: {BINARY}\n", "description", TEXT_WORDS),
            ("name_number", BASE.replace("name: t", "name: 42"), "name", ["a string", "found 42"]),
            ("observers_text", model("observers: '500'"), "model.observers", [INTEGER, "'500'"]),
            ("elite_share_bool", model("elite_share: true"), "model.elite_share", NUMBER_TRUE),
            (
                "deterrence_text",
                model("negotiator: {deterrence: '0.5'}"),
                "model.negotiator.deterrence",
                [NUMBER, "found '0.5'"],
            ),
            (
                "concentration_text",
                model("adversary: {initial_legitimacy: {mean: 0.5, concentration: '6'}}"),
                "model.adversary.initial_legitimacy.concentration",
                [NUMBER, "found '6'"],
            ),
            (
                "outlet_reach_text",
                model("media: [{name: W, bias: 0, reach: '0.5', indexing: 0.8}]"),
                "model.media[0].reach",
                [NUMBER, "found '0.5'"],
            ),
            (
                "outlet_name_binary",
                model(f"media: [{{name: {BINARY}, bias: 0, reach: 0.5, indexing: 0.8}}]"),
                "model.media[0].name",
                TEXT_WORDS,
            ),
            (
                "bloc_share_text",
                model("blocs: [{name: B, share: '1'}]"),
                "model.blocs[0].share",
                [NUMBER, "found '1'"],
            ),
            (
                "bloc_tilt_bool",
                model("blocs: [{name: B, share: 1, tilt: {negotiator: false}}]"),
                "model.blocs[0].tilt.negotiator",
                [NUMBER, "found false"],
            ),
            (
                "dynamics_text",
                model("dynamics: {event_rate: '0.5'}"),
                "model.dynamics.event_rate",
                [NUMBER, "found '0.5'"],
            ),
            (
                "peer_model_binary",
                model(f"peer_model: {BINARY}"),
                "model.peer_model",
                ["expected one of deffuant", "binary data"],
            ),
            (
                "multilateral_number",
                model("adversary: {multilateral: 1}"),
                "model.adversary.multilateral",
                ["expected true or false", "found 1"],
            ),
            ("at_text", side("walk_away_at, at: '5'"), AT, [INTEGER, "found '5'"]),
            ("at_float", side("walk_away_at, at: 5.0"), AT, [INTEGER, "found 5.0"]),
            (
                "concede_for_float",
                side("costly_reassurance, concede_from: 2, concede_for: 3.0"),
                "scenarios.X.adversary.concede_for",
                [INTEGER, "found 3.0"],
            ),
            (
                "sanction_from_text",
                side("sanction_every, every: 5, from: '3'"),
                "scenarios.X.adversary.from",
                [INTEGER, "found '3'"],
            ),
            (
                "rationality_text",
                side("adaptive, rationality: '5'"),
                "scenarios.X.adversary.rationality",
                [NUMBER, "found '5'"],
            ),
            (
                "timeline_step_text",
                side("scripted, timeline: {'5': walk_away}"),
                "scenarios.X.adversary.timeline.5",
                [INTEGER, "found '5'"],
            ),
            (
                "timeline_action_binary",
                side(f"scripted, timeline: {{5: {BINARY}}}"),
                "scenarios.X.adversary.timeline[5]",
                ["expected one of engage", "binary data"],
            ),
            (
                "strategy_binary",
                side(BINARY),
                "scenarios.X.adversary.strategy",
                ["expected one of always_engage", "binary data"],
            ),
            (
                "agents_every_float",
                BASE + "outputs: {agents_every: 1.0}\n",
                "outputs.agents_every",
                [INTEGER, "found 1.0"],
            ),
            (
                "samples_float",
                BASE + "sweep: {method: lhs, samples: 64.0, parameters: "
                "{dynamics.contrast: {min: 0.1, max: 0.8}}}\n",
                "sweep.samples",
                [INTEGER, "found 64.0"],
            ),
            (
                "range_text",
                BASE + "sweep: {method: lhs, samples: 8, parameters: "
                "{dynamics.contrast: {min: '0.1', max: 0.8}}}\n",
                "sweep.parameters.dynamics.contrast.min",
                [NUMBER, "found '0.1'"],
            ),
            (
                "range_of_integers_float",
                BASE + "sweep: {method: lhs, samples: 8, parameters: "
                "{observers: {min: 20.0, max: 60}}}\n",
                "sweep.parameters.observers.min",
                [INTEGER, "found 20.0"],
            ),
            (
                "grid_value_text",
                BASE + "sweep: {parameters: {negotiator.deterrence: [0.2, '0.5']}}\n",
                "sweep.parameters.negotiator.deterrence[1]",
                [NUMBER, "found '0.5'"],
            ),
            (
                "grid_observers_float",
                BASE + "sweep: {parameters: {observers: [100, 200.0]}}\n",
                "sweep.parameters.observers[1]",
                [INTEGER, "found 200.0"],
            ),
        ]
    ],
]

CASE_IDS = [case[0] for case in CASES]
assert len(set(CASE_IDS)) == len(CASE_IDS)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DIPLOMACY_TRACEBACK", None)  # it would let tracebacks through on purpose
    return env


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _expected_line(lines: list[str], source: str, head: str, words: list[str]) -> str:
    """The line `SOURCE: HEAD...` that holds every word; fails with all lines otherwise."""
    for line in lines:
        if line.startswith(f"{source}: {head}") and all(word in line for word in words):
            return line
    shown = "\n".join(lines) or "(no lines)"
    pytest.fail(f"no line starts with {source}: {head} and holds {words}; lines:\n{shown}")


def _check_clean_stderr(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert lines, "expected at least one line on stderr"
    assert all(line.strip() for line in lines), f"blank line on stderr: {stderr!r}"
    return lines


# --------------------------------------------------------------------------------------------
# Python API
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "head", "words"), [c[1:] for c in CASES], ids=CASE_IDS)
def test_load_config_rejects(tmp_path: Path, text: str, head: str, words: list[str]) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    error = info.value
    assert error.lines, "a ConfigError needs at least one line"
    for line in error.lines:
        assert "\n" not in line
        assert line.startswith(f"{path}: ")
    _expected_line(error.lines, str(path), head, words)
    assert str(error) == "\n".join(error.lines)


def test_load_config_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.lines == [f"{path}: file not found"]


def test_load_config_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.lines == [f"{tmp_path}: is a directory, expected a YAML file"]


def test_load_config_dict_without_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config({"name": "t", "scenarios": {"s1": {}}, "steps": "many"})
    assert info.value.lines == ["steps: expected an integer, found 'many'"]


def test_all_problems_in_one_error(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(BASE + "model:\n  elite_share: 2\n  observers: 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    lines = info.value.lines
    _expected_line(lines, str(path), "model.elite_share", ["<= 1", "found 2"])
    _expected_line(lines, str(path), "model.observers", ["expected an integer", "found 1.5"])


# --------------------------------------------------------------------------------------------
# Command line: `run.py validate`
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validate_all(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One `run.py validate` over every case, a valid file, a directory and a missing file."""
    folder = tmp_path_factory.mktemp("configs")
    files = {}
    for case_id, text, _, _ in CASES:
        files[case_id] = folder / f"case-{case_id}.yaml"
        files[case_id].write_text(text, encoding="utf-8")
    valid = folder / "valid.yaml"
    valid.write_text(BASE, encoding="utf-8")
    directory = folder / "a-folder.yaml"
    directory.mkdir()
    missing = folder / "missing.yaml"
    bad = [*files.values(), directory, missing]
    result = _run("validate", str(valid), *map(str, bad))
    return {
        "result": result,
        "files": files,
        "valid": valid,
        "directory": directory,
        "missing": missing,
        "bad": bad,
    }


def _lines_of(stderr_lines: list[str], path: Path) -> list[str]:
    return [line for line in stderr_lines if line.startswith(f"{path}: ")]


def test_validate_batch_exit_status_and_shape(validate_all: dict) -> None:
    result = validate_all["result"]
    assert result.returncode == 2, result.stderr
    lines = _check_clean_stderr(result.stderr)
    sources = [str(p) for p in validate_all["bad"]]
    for line in lines:
        # every line names exactly the file it is about (the longest matching path wins)
        assert any(line.startswith(f"{s}: ") for s in sources), line
    for path in validate_all["bad"]:
        assert _lines_of(lines, path), f"no problem reported for {path}"
    # the valid file among the bad ones is still reported ok, on stdout
    assert result.stdout.splitlines() == [f"{validate_all['valid']}: ok (1 scenario)"]


@pytest.mark.parametrize(
    ("case_id", "head", "words"), [(c[0], c[2], c[3]) for c in CASES], ids=CASE_IDS
)
def test_validate_reports_case(
    validate_all: dict, case_id: str, head: str, words: list[str]
) -> None:
    path = validate_all["files"][case_id]
    lines = _lines_of(validate_all["result"].stderr.splitlines(), path)
    _expected_line(lines, str(path), head, words)


def test_validate_directory_and_missing_file(validate_all: dict) -> None:
    lines = validate_all["result"].stderr.splitlines()
    directory, missing = validate_all["directory"], validate_all["missing"]
    assert _lines_of(lines, directory) == [f"{directory}: is a directory, expected a YAML file"]
    assert _lines_of(lines, missing) == [f"{missing}: file not found"]


@pytest.mark.parametrize(
    "case_id", ["yaml_syntax", "unknown_strategy", "strategy_key_not_taken", "empty_file"]
)
def test_validate_single_file(tmp_path: Path, case_id: str) -> None:
    _, text, head, words = CASES[CASE_IDS.index(case_id)]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = _run("validate", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = _check_clean_stderr(result.stderr)
    assert all(line.startswith(f"{path}: ") for line in lines), lines
    _expected_line(lines, str(path), head, words)


def test_validate_relative_path_is_named_as_given(tmp_path: Path) -> None:
    result = _run("validate", "configs/does-not-exist.yaml")
    assert result.returncode == 2
    assert _check_clean_stderr(result.stderr) == ["configs/does-not-exist.yaml: file not found"]


def test_shipped_configs_validate() -> None:
    assert SHIPPED, "no configs/*.yaml found"
    result = _run("validate", *(str(p.relative_to(ROOT)) for p in SHIPPED))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == len(SHIPPED)
    for path, line in zip(SHIPPED, lines, strict=True):
        assert line.startswith(f"{path.relative_to(ROOT)}: ok ("), line
        assert load_config(path).name == path.stem


# --------------------------------------------------------------------------------------------
# Command line: `run.py run` with bad arguments
# --------------------------------------------------------------------------------------------

BASELINE = "configs/baseline.yaml"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--seed", "-1"], ["--seed", "expected an integer from 0 to", "found -1"]),
        (["--seed", "abc"], ["--seed", "expected an integer from 0 to", "found 'abc'"]),
        (["--seed", str(2**64)], ["--seed", "expected an integer from 0 to", "found 1844"]),
        (["--steps", "0"], ["--steps", "expected an integer >= 1", "found 0"]),
        (["--steps", "1.5"], ["--steps", "expected an integer >= 1", "found '1.5'"]),
        (["--scenario", "nope"], ["--scenario", "expected one of both_engage", "found 'nope'"]),
        (["--colour", "red"], ["unrecognized arguments", "--colour"]),
    ],
    ids=[
        "seed_negative",
        "seed_text",
        "seed_too_large",
        "steps_zero",
        "steps_float",
        "scenario_unknown",
        "unknown_option",
    ],
)
def test_run_bad_arguments(tmp_path: Path, args: list[str], words: list[str]) -> None:
    out = tmp_path / "out"
    result = _run("run", BASELINE, "--out", str(out), *args)
    assert result.returncode == 2, result.stderr
    lines = _check_clean_stderr(result.stderr)
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    assert all(word in lines[0] for word in words), lines[0]
    assert not out.exists(), "a rejected run must not write results"


def test_run_out_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "taken.txt"
    target.write_text("keep me\n", encoding="utf-8")
    result = _run("run", BASELINE, "--steps", "1", "--out", str(target))
    assert result.returncode == 2, result.stderr
    lines = _check_clean_stderr(result.stderr)
    assert lines == [f"error: --out: {target} exists and is not a folder"]
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.txt"]


def test_run_bad_config(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BASE + "model:\n  negotiator: {deterrence: 1.5}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _run("run", str(path), "--out", str(out))
    assert result.returncode == 2
    lines = _check_clean_stderr(result.stderr)
    assert lines == [
        f"error: {path}: model.negotiator.deterrence: expected a value <= 1, found 1.5"
    ]
    assert not out.exists()


def test_run_missing_config(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    result = _run("run", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert _check_clean_stderr(result.stderr) == [f"error: {path}: file not found"]
