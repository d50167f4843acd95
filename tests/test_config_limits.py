"""Configs that would exhaust the machine are refused in one line, through the real command line.

Two kinds of limit (INTERFACE.md, Validation): a config file past the limits of
`model.config.loading` (its size, the values its aliases expand to, its nesting) or of
`model.config` (scenarios, grid values) is refused whatever the options; a valid config that
plans more than `experiments.limits` allows (planned runs, estimated memory) is refused unless
`--force`. Each case runs `python run.py validate` (or `run`, `batch`) in a subprocess and
checks exit status 2, exactly one line on stderr naming the file, and no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from experiments import limits
from experiments.design import design_points, design_size
from model.config import (
    MAX_RESOLVED_VALUES,
    MAX_SCENARIOS,
    MAX_SWEEP_VALUES,
    ConfigError,
    load_config,
    loading,
)

ROOT = Path(__file__).resolve().parents[1]
BASE = "name: t\nscenarios:\n  s1: {}\n"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("DIPLOMACY_TRACEBACK", None)
    return subprocess.run(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _one_line(result: subprocess.CompletedProcess[str], prefix: str) -> str:
    """The single stderr line of a refused command (exit status 2), which starts with `prefix`."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(prefix), lines[0]
    return lines[0]


def _write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def alias_bomb(levels: int) -> str:
    """A scripted timeline whose entries are lists of nine aliases of the entry before.

    Entry k stands for 9^k actions once its aliases are expanded (YAML "billion laughs").
    """
    entries = ["0: &x0 [engage, engage, engage, engage, engage, engage, engage, engage, engage]"]
    for level in range(1, levels + 1):
        entries.append(f"{level}: &x{level} [" + ", ".join([f"*x{level - 1}"] * 9) + "]")
    timeline = "".join(f"        {entry}\n" for entry in entries)
    return (
        "name: bomb\nscenarios:\n  s1:\n    adversary:\n      strategy: scripted\n"
        "      timeline:\n" + timeline
    )


# --------------------------------------------------------------------------------------------
# The file itself: refused whatever the options
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [9, 12])
def test_alias_bomb_is_refused_while_reading(tmp_path: Path, levels: int) -> None:
    path = _write(tmp_path, alias_bomb(levels))
    line = _one_line(_run("validate", "--force", str(path)), f"{path}: line ")
    assert f"more than {loading.MAX_VALUES:,} values" in line
    assert "alias" in line


def test_alias_bomb_through_merge_keys_is_refused(tmp_path: Path) -> None:
    lines = ["name: bomb", "m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}"]
    for level in range(1, 10):
        keys = ", ".join(f"k{i}: *m{level - 1}" for i in range(9))
        lines.append(f"m{level}: &m{level} {{{keys}}}")
    lines.append("description: {<<: *m9}\nscenarios: {s1: {}}")
    path = _write(tmp_path, "\n".join(lines) + "\n")
    line = _one_line(_run("validate", str(path)), f"{path}: line ")
    assert "too many values" in line


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    text = (
        "name: t\nmodel:\n  negotiator: &side {deterrence: 0.4}\n  adversary: *side\n"
        "scenarios:\n  s1: {}\n"
    )
    config = load_config(_write(tmp_path, text))
    assert config.scenario_spec().adversary.deterrence == 0.4


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: t\ndescription: &a [1, *a]\nscenarios: {s1: {}}\n")
    line = _one_line(_run("validate", str(path)), f"{path}: line 2, column ")
    assert "alias *a names a mapping or list that contains it" in line


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:  # 50 MB without writing them: a sparse file
        stream.write(BASE.encode())
        stream.truncate(50_000_000)
    line = _one_line(_run("validate", "--force", str(path)), f"{path}: file too large")
    assert f"at most {loading.MAX_CONFIG_BYTES:,} bytes" in line
    assert "found 50,000,000 bytes" in line


def test_file_just_past_the_size_limit_is_refused(tmp_path: Path) -> None:
    filler = "# " + "x" * 98 + "\n"
    count = loading.MAX_CONFIG_BYTES // len(filler) + 1
    path = _write(tmp_path, BASE + filler * count)
    line = _one_line(_run("validate", str(path)), f"{path}: file too large")
    assert f"found {path.stat().st_size:,} bytes" in line


@pytest.mark.parametrize(
    "text",
    [
        BASE + "description: " + "[" * 100_000 + "]" * 100_000 + "\n",
        BASE + "model: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n",
        BASE + "description:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)) + "\n",
    ],
    ids=["flow_lists", "flow_mappings", "block_mappings"],
)
def test_deep_nesting_is_refused(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text)
    line = _one_line(_run("validate", str(path)), f"{path}: line ")
    assert "nest" in line  # "nested too deeply" (or libyaml's "maximum nesting depth")


def test_nesting_within_the_limit_is_read(tmp_path: Path) -> None:
    depth = loading.MAX_DEPTH - 1
    text = BASE + "description: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(ConfigError) as info:  # read, then refused as a wrong type
        load_config(_write(tmp_path, text))
    assert info.value.problems == ["description: expected a string, found a list"]


def test_deep_and_self_containing_dicts_are_refused() -> None:
    deep: dict = {}
    here = deep
    for _ in range(5_000):
        here["a"] = {}
        here = here["a"]
    loop: dict = {"name": "t", "scenarios": {"s1": {}}}
    loop["model"] = loop
    for data in ({"name": "t", "scenarios": {"s1": {}}, "model": deep}, loop):
        with pytest.raises(ConfigError) as info:
            load_config(data)
        assert len(info.value.lines) == 1
        assert info.value.lines[0].startswith("nested too deeply: expected at most")


def test_dict_with_too_many_values_is_refused() -> None:
    timeline = {step: "engage" for step in range(loading.MAX_VALUES)}
    data = {"name": "t", "scenarios": {"s1": {"adversary": {"timeline": timeline}}}}
    with pytest.raises(ConfigError) as info:
        load_config(data)
    assert info.value.lines[0].startswith("too many values: expected at most")


def test_too_many_scenarios_are_refused_even_with_force(tmp_path: Path) -> None:
    count = MAX_SCENARIOS + 1
    text = "name: t\nscenarios:\n" + "".join(f"  s{i}: {{}}\n" for i in range(count))
    path = _write(tmp_path, text)
    line = _one_line(_run("validate", "--force", str(path)), f"{path}: scenarios: ")
    assert f"expected at most {MAX_SCENARIOS:,} items, found {count:,}" in line


def test_too_many_grid_values_are_refused(tmp_path: Path) -> None:
    values = ", ".join(["0.5"] * (MAX_SWEEP_VALUES + 1))
    path = _write(
        tmp_path, BASE + f"sweep: {{parameters: {{negotiator.deterrence: [{values}]}}}}\n"
    )
    line = _one_line(_run("validate", str(path)), f"{path}: sweep.parameters: ")
    assert f"at most {MAX_SWEEP_VALUES:,} values" in line


def test_long_model_section_in_many_scenarios_is_refused(tmp_path: Path) -> None:
    steps = ", ".join(f"{step}: engage" for step in range(10_000))
    scenarios = "".join(f"  s{i}: {{}}\n" for i in range(50))
    text = f"name: t\nmodel:\n  adversary: {{strategy: scripted, timeline: {{{steps}}}}}\n"
    path = _write(tmp_path, text + "scenarios:\n" + scenarios)
    line = _one_line(_run("validate", "--force", str(path)), f"{path}: scenarios, model: ")
    assert "validating the 50 scenarios would resolve" in line
    assert f"expected at most {MAX_RESOLVED_VALUES:,}" in line


def test_design_values_checked_against_many_strategies_are_refused(tmp_path: Path) -> None:
    strategies = ["walk_away_at, at: 3", "add_conditions_at, at: 3", "silent", "tit_for_tat"]
    scenarios = "".join(
        f"  s{i}: {{adversary: {{strategy: {strategy}}}}}\n"
        for i, strategy in enumerate(strategies)
    )
    values = ", ".join(str(step) for step in range(MAX_SWEEP_VALUES))
    text = f"name: t\nscenarios:\n{scenarios}sweep: {{parameters: {{adversary.at: [{values}]}}}}\n"
    path = _write(tmp_path, text)
    line = _one_line(_run("validate", str(path)), f"{path}: sweep.parameters: ")
    assert f"checking its {4 * MAX_SWEEP_VALUES:,} design values would resolve" in line


# --------------------------------------------------------------------------------------------
# Valid but too large: refused unless --force
# --------------------------------------------------------------------------------------------

SOBOL = (
    "name: t\nreplications: 10000000\nscenarios: {s1: {}}\nsweep:\n  method: sobol\n"
    "  samples: 1000000\n  parameters:\n    negotiator.deterrence: {min: 0.1, max: 0.9}\n"
)
LARGE = {
    "sobol_design": (SOBOL, ["sweep", "replications", "30,000,000,000,000 runs"]),
    "replications": (
        BASE + "replications: 10000000\n",
        ["replications", "10,000,000 runs", f"limit of {limits.MAX_PLANNED_RUNS:,}"],
    ),
    "observers": (
        BASE + "model: {observers: 10000000}\n",
        ["model.observers, steps", "10,000,000 observers x 200 steps", "GiB per run"],
    ),
    "observers_in_scenario": (
        "name: t\nscenarios:\n  small: {}\n  big: {observers: 5000000}\n",
        ["scenarios.big.observers", "5,000,000 observers"],
    ),
    "observers_swept": (
        BASE + "sweep: {parameters: {observers: [1000, 4000000]}}\n",
        ["sweep.parameters.observers", "4,000,000 observers"],
    ),
    "snapshots": (
        BASE + "model: {observers: 200000}\noutputs: {agents_every: 1}\n",
        ["outputs.agents_every", "201 observer snapshots"],
    ),
}


@pytest.mark.parametrize("case", list(LARGE))
def test_large_config_needs_force(tmp_path: Path, case: str) -> None:
    text, words = LARGE[case]
    path = _write(tmp_path, text)
    line = _one_line(_run("validate", str(path)), f"{path}: ")
    for word in [*words, "above the limit", "--force"]:
        assert word in line, (word, line)
    forced = _run("validate", "--force", str(path))
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith(f"{path}: ok")


def test_run_refuses_a_run_too_large_and_writes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE + "model: {observers: 10000000}\n")
    out = tmp_path / "out"
    line = _one_line(_run("run", str(path), "--steps", "1", "--out", str(out)), "error: ")
    assert "10,000,000 observers x 1 steps" in line and "--force" in line
    assert not out.exists()


def test_run_checks_only_its_own_scenario(tmp_path: Path) -> None:
    text = "name: t\nreplications: 10000000\nscenarios:\n  small: {observers: 50}\n"
    out = tmp_path / "out"
    result = _run("run", str(_write(tmp_path, text)), "--steps", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "run.parquet").exists()


def test_batch_refuses_too_many_runs_and_writes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE + "replications: 10000000\n")
    line = _one_line(_run("batch", str(path), "--out", str(tmp_path / "results")), "error: ")
    assert "10,000,000 runs" in line and "--force" in line
    assert not (tmp_path / "results").exists()


def test_batch_counts_one_run_per_worker(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE + "model: {observers: 1000000}\nreplications: 1000\n")
    per_run = limits.run_memory(1_000_000, 200)
    workers = limits.batch_memory_limit() // per_run + 1
    assert per_run <= limits.MAX_RUN_MEMORY  # one run alone is within the limit
    out = tmp_path / "results"
    result = _run("batch", str(path), "--workers", str(workers), "--out", str(out))
    line = _one_line(result, "error: ")
    assert f"{workers} workers at once" in line and "of this machine's memory" in line
    assert "--workers" in line and "--force" in line
    assert not out.exists()


# --------------------------------------------------------------------------------------------
# The estimate
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sweep",
    [
        "{parameters: {negotiator.deterrence: [0.2, 0.5], observers: [100, 200, 300]}}",
        "{method: lhs, samples: 7, parameters: {dynamics.contrast: {min: 0.1, max: 0.9}}}",
        "{method: sobol, samples: 8, parameters: {dynamics.contrast: {min: 0.1, max: 0.9}, "
        "negotiator.deterrence: {min: 0.1, max: 0.9}}}",
    ],
    ids=["grid", "lhs", "sobol"],
)
def test_design_size_counts_the_design_points(sweep: str) -> None:
    config = load_config(_config_dict(BASE + f"sweep: {sweep}\n"))
    assert design_size(config.sweep) == len(design_points(config))


def test_estimate_counts_scenarios_points_and_replicates() -> None:
    text = "name: t\nreplications: 3\nscenarios: {a: {}, b: {observers: 700}}\n"
    config = load_config(_config_dict(text + "sweep: {parameters: {elite_share: [0.1, 0.2]}}\n"))
    found = limits.estimate(config)
    assert found.runs == 2 * 2 * 3
    assert (found.observers, found.observers_key) == (1000, "model.observers")
    one = limits.estimate(config, scenario="b", steps=5)
    assert (one.observers, one.observers_key, one.steps) == (700, "scenarios.b.observers", 5)


def test_run_memory_grows_with_each_term() -> None:
    base = limits.run_memory(1_000, 200)
    assert limits.run_memory(2_000, 200) > base
    assert limits.run_memory(1_000, 400) > base
    assert limits.run_memory(1_000, 200, agents_every=10) > base
    assert limits.snapshots(200, 10) == 21  # step 0, then every 10th step up to 200
    assert limits.snapshots(205, 10) == 22  # and the last step
    assert limits.snapshots(200, 0) == 0


def _config_dict(text: str) -> dict:
    return loading.parse_yaml(text)


# --------------------------------------------------------------------------------------------
# --force lets run and batch go past the limits (made small here, so the runs stay cheap)
# --------------------------------------------------------------------------------------------


def test_run_with_force_goes_past_the_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import run

    monkeypatch.setattr(limits, "MAX_RUN_MEMORY", limits.run_memory(10, 3))
    path = _write(tmp_path, BASE + "model: {observers: 50}\n")
    out = tmp_path / "out"
    assert run.main(["run", str(path), "--steps", "3", "--out", str(out)]) == 2
    assert "above the limit" in capsys.readouterr().err
    assert not out.exists()
    assert run.main(["run", str(path), "--steps", "3", "--out", str(out), "--force"]) == 0
    assert (out / "run.parquet").exists()


def test_batch_with_force_goes_past_the_run_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import run
    from experiments.store import open_results

    monkeypatch.setattr(limits, "MAX_PLANNED_RUNS", 2)
    path = _write(tmp_path, BASE + "model: {observers: 20}\nsteps: 3\nreplications: 3\n")
    args = ["batch", str(path), "--workers", "1", "--out", str(tmp_path / "results")]
    assert run.main(args) == 2
    assert "3 runs" in capsys.readouterr().err
    assert not (tmp_path / "results").exists()
    assert run.main([*args, "--force"]) == 0
    timeseries = open_results(tmp_path / "results" / "t").timeseries(columns=["replicate"])
    assert sorted(set(timeseries["replicate"])) == [0, 1, 2]


def test_limits_hold_without_libyaml(tmp_path: Path) -> None:
    """On a PyYAML built without its C extension the pure Python parser meets the same limits."""
    script = (
        "import sys\n"
        "sys.modules['yaml._yaml'] = None\n"
        "from model.config import loading\n"
        "assert loading._PURE_PYTHON\n"
        "for text in sys.argv[1:]:\n"
        "    try:\n"
        "        loading.parse_yaml(text)\n"
        "    except loading.ConfigFileError as error:\n"
        "        print(error)\n"
    )
    texts = [alias_bomb(9), "a: " + "[" * 10_000 + "]" * 10_000, BASE]
    result = subprocess.run(
        [sys.executable, "-c", script, *texts], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2, lines  # the valid BASE prints nothing
    assert "too many values" in lines[0] and "nested too deeply" in lines[1]
