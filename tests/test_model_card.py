"""The model card: its generated sections match the code that makes them, and that code works.

The claims table matches `measures()` and the model version; verdicts follow the interval and
the 0.01 line; the claim maps resolve; the Sobol summary recovers a planted driver from a small
synthetic results folder; the pattern-region code recovers a planted acceptance region; the
shipped sensitivity config is the one the code generates and covers the whole registry.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from batchkit import write_checked_folder

from experiments.design import sobol_unit
from experiments.ranges import registry_paths
from model.config import load_config
from model.version import MODEL_VERSION
from tools.model_card import drivers, mapping, maps, pattern_region, sections, sobol_design
from tools.model_card.measures import resolve
from tools.model_card.scenarios import SOBOL_SCENARIOS

ROOT = Path(__file__).resolve().parents[1]
CARD = (ROOT / "docs" / "MODEL_CARD.md").read_text(encoding="utf-8")


def _block(section: str) -> str:
    text = CARD.split(sections.begin_marker(section), 1)
    assert len(text) == 2, f"docs/MODEL_CARD.md has no generated block {section!r}"
    return text[1].split(sections.end_marker(section), 1)[0]


def _rows(block: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split(" | ")]
        for line in block.splitlines()
        if line.startswith("| ") and not line.startswith(("| claim ", "| parameter "))
    ]


# ------------------------------------------------------------------------------------------
# The card as written
# ------------------------------------------------------------------------------------------


def test_card_names_the_model_version_in_its_table_and_claims_block():
    assert f"| version | {MODEL_VERSION} " in CARD
    assert f"Model version {MODEL_VERSION};" in _block("claims"), (
        "the claims table was made by another model version: run python -m tools.model_card --write"
    )
    assert "model index, not a forecast" in CARD


def test_claims_table_matches_the_measures():
    rows = _rows(_block("claims"))
    expected = [[m.claim, m.condition, m.description] for m in sections.measures()]
    assert [row[:3] for row in rows] == expected


def _figures(cell: str) -> tuple[float, float, float]:
    """mean, low, high of a cell 'mean [low, high]'."""
    mean, interval = cell.split(" [")
    low, high = interval.rstrip("]").split(", ")
    return float(mean), float(low), float(high)


def test_claims_table_verdicts_follow_their_figures():
    for row, measure in zip(_rows(_block("claims")), sections.measures(), strict=True):
        mean, low, high = _figures(row[3])
        if low == high == mean == 0.0:  # zero to four decimals: identical, or merely tiny
            assert row[4] in ("no effect (identical)", "negligible"), row
            continue
        assert row[4] == sections.verdict(mean, low, high, measure.expected), row


def test_card_has_every_generated_section():
    for section in sections.SECTIONS:
        assert _block(section).strip(), section
    drivers_block, region_block = _block("drivers"), _block("region")
    assert "Saltelli design" in drivers_block and "*assumption*" in drivers_block
    assert "points sampled" in region_block and "pinned" in region_block


# ------------------------------------------------------------------------------------------
# Measures and verdicts
# ------------------------------------------------------------------------------------------


def test_a_measure_runs_on_two_seeds_and_thirty_observers():
    measure = sections.measures()[1]
    result = sections.evaluate(measure, n_seeds=2, observers=30)
    assert np.isfinite([result.mean, result.low, result.high]).all() and result.seeds == 2
    table = sections.table_markdown([result], observers=30)
    assert "30 observers in every run" in table and measure.description in table


def test_verdicts_follow_the_interval_and_the_negligible_line():
    measure = sections.measures()[1]

    def verdict(low, high, expected=1, mean=None):
        m = dataclasses.replace(measure, expected=expected)
        middle = (low + high) / 2 if mean is None else mean
        return sections.Result(m, middle, low, high, 30).verdict

    assert verdict(0.1, 0.2) == "holds"
    assert verdict(-0.2, -0.1) == "fails (reversed)"
    assert verdict(-0.2, -0.1, expected=-1) == "holds"
    assert verdict(-0.1, 0.14) == "no effect"
    assert verdict(0.0, 0.0) == "no effect (identical)"
    assert verdict(0.002, 0.004) == "negligible"  # excludes zero, but under one point
    assert verdict(-0.009, -0.008, expected=-1) == "negligible"
    assert verdict(-0.3, 0.3, mean=0.005) == "negligible"
    assert verdict(0.0095, 0.0105, mean=0.01) == "holds"


def test_every_measure_and_map_cell_resolves_to_a_valid_model():
    cells = list(sections.measures())
    for claim_map in maps.maps():
        cells += [measure for _, _, measure in claim_map.cells()]
    for measure in cells:
        for term in measure.terms:
            resolve(term.layers, 30)
    assert len(cells) > 100


@pytest.mark.slow
def test_a_map_cell_runs_and_the_markdown_marks_the_default():
    small = mapping.ClaimMap("talks signal weight", maps._talks, (maps.WEIGHT, maps.N_DETERRENCE))
    table = mapping.evaluate_map(small, n_seeds=2, observers=30)
    assert len(table) == 6 and table["default"].sum() == 2
    assert np.isfinite(table["mean"]).all()
    text = mapping.map_markdown(table, 2, 30)
    assert "| weight_signal | 0: " in text and "**0.3**:" in text and "**0.6**:" in text


# ------------------------------------------------------------------------------------------
# Sobol drivers
# ------------------------------------------------------------------------------------------


def test_sensitivity_config_is_the_generated_one_and_validates():
    shipped = (ROOT / "configs" / "sensitivity.yaml").read_text(encoding="utf-8")
    assert shipped == sobol_design.config_yaml(), (
        "configs/sensitivity.yaml is out of date: python -m tools.sections.drivers config > "
        "configs/sensitivity.yaml"
    )
    config = load_config(ROOT / "configs" / "sensitivity.yaml")
    assert list(config.scenarios) == list(SOBOL_SCENARIOS)
    assert config.spec.sweep.method == "sobol"


def test_sensitivity_design_covers_the_whole_registry():
    swept = set(sobol_design.swept_parameters())
    left_out = set(sobol_design.INERT) | set(sobol_design.FIXED)
    every = {path for path, _, _ in registry_paths()} | set(sobol_design.FIXED)
    assert swept | left_out == every
    assert not swept & left_out
    assert any(path.startswith("dynamics.evidence.") for path in swept)


def test_plausible_ranges_follow_the_stated_rule():
    ranges = sobol_design.swept_parameters()
    assert ranges["dynamics.evidence.walk_away.faith"] == (-1.0, 0.0)
    assert ranges["dynamics.evidence.walk_away.standing_faith"] == (-0.2, 0.0)
    assert ranges["dynamics.contrast"] == (0.5, 1.5)
    assert ranges["adversary.deterrence"] == (0.5, 1.0)  # clipped to the valid range
    assert ranges["dynamics.dependence"] == (0.0, 0.25)  # a default of 0
    low, high = ranges["dynamics.news_memory"]  # time scale 1 / (1 - 0.7) x [0.5, 1.5]
    assert 1 / (1 - low) == pytest.approx(0.5 / 0.3) and 1 / (1 - high) == pytest.approx(5.0)
    low, high = ranges["dynamics.spin_up"]
    assert (low, high) == (50, 150)
    for path, (low, high) in ranges.items():
        assert low < high, path


def _synthetic_results(folder: Path, samples: int = 64) -> dict:
    """A results folder of the Sobol scenarios in which only its first parameter matters."""
    names = ["negotiator.deterrence", "dynamics.event_rate", "dynamics.contrast"]
    bounds = [[0.3, 0.9], [0.25, 0.75], [0.5, 1.5]]
    unit = sobol_unit(samples, len(names), seed=7)
    points = [
        {n: lo + u * (hi - lo) for n, u, (lo, hi) in zip(names, row, bounds, strict=True)}
        for row in unit
    ]
    steps = sorted({e.step for e in drivers.EFFECTS})
    columns = sorted({e.column for e in drivers.EFFECTS})
    series, blocs = [], []
    for s, scenario in enumerate(SOBOL_SCENARIOS):
        for d, point in enumerate(points):
            for step in steps:
                if (scenario, d) == ("negotiator_silent", 7):
                    continue  # a failed run: its base sample is left out
                value = 0.5 + 0.1 * (s + 1) * point[names[0]]
                key = {"scenario": scenario, "design_point": d, "replicate": 0, "seed": 1}
                series.append({**key, "step": step, **dict.fromkeys(columns, value)})
                for bloc in ("Bloc A", "Bloc C"):
                    blocs.append({**key, "step": step, "bloc": bloc, "legitimacy_adversary": value})
    manifest = {
        "config_hash": "sha256:synthetic",
        "scenarios": list(SOBOL_SCENARIOS),
        "samples": samples,
        "method": "sobol",
        "parameters": names,
        "problem": {"num_vars": 3, "names": names, "bounds": bounds},
        "design_points": points,
        "config": {"model": {"observers": 20}},
    }
    frames = {"timeseries": pd.DataFrame(series), "blocs": pd.DataFrame(blocs)}
    write_checked_folder(folder, manifest, frames)
    return manifest


def test_sobol_summary_finds_the_planted_driver_in_a_synthetic_results_folder(tmp_path):
    _synthetic_results(tmp_path)
    text = drivers.summarize(tmp_path)
    assert "N = 64 (1 base sample left out" in text
    lines = [line for line in text.splitlines() if line.startswith("| ") and "effect" not in line]
    assert len(lines) == len(drivers.EFFECTS)
    for line in lines:
        assert "`negotiator.deterrence` *assumption*" in line
        assert "event_rate" not in line and "contrast" not in line
    from experiments.store import open_results

    results = open_results(tmp_path)
    frame, dropped = drivers.complete_blocks(drivers.effect_frame(results), 3)
    assert dropped == [1] and len(frame) == 63 * 5 * len(drivers.EFFECTS)
    indices = drivers.driver_indices(frame, results.manifest.problem)
    first = indices[indices["parameter"] == "negotiator.deterrence"]
    assert np.allclose(first["ST"], 1.0, atol=0.1) and np.allclose(first["S1"], 1.0, atol=0.1)
    others = indices[indices["parameter"] != "negotiator.deterrence"]
    assert np.allclose(others["ST"], 0.0, atol=1e-9)
    share = drivers.assumption_summary(indices)
    assert (share["top"] == "negotiator.deterrence").all() and share["top_is_assumption"].all()


def test_drivers_command_refuses_a_folder_that_is_not_results(tmp_path, capsys):
    assert drivers.main(["summarize", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such results folder" in err


@pytest.mark.slow
def test_left_out_parameters_change_nothing_and_the_check_can_fail():
    assert (
        sobol_design.inert_check(
            ["dynamics.vote_threshold", "negotiator.hawkishness"], observers=30
        )
        == []
    )
    assert sobol_design.inert_check(["dynamics.contrast"], observers=30) == ["dynamics.contrast"]


# ------------------------------------------------------------------------------------------
# The pattern region
# ------------------------------------------------------------------------------------------

PLANTED = {"P1": (0.0, 1.0), "P2": (0.0, 1.0)}


def _planted(point, seed):
    """Accepted when 0.4 <= a <= 0.6 and c < 7 (of 0..10); b never matters."""
    return {
        "P1": 0.5 if 0.4 <= point["a"] <= 0.6 else 2.0,
        "P2": 0.5 if point["c"] < 7.0 else -1.0,
    }


def test_rejection_recovers_a_planted_region():
    bounds = {"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 10.0)}
    samples = pattern_region.sample_points(bounds, 500, seed=3)
    table = pattern_region.rejection(samples, _planted, seeds=1, targets=PLANTED)
    accepted = table[table["accepted"]]
    assert len(accepted) == pytest.approx(500 * 0.2 * 0.7, rel=0.1)
    region = pattern_region.region_table(table, bounds, PLANTED).set_index("parameter")
    assert region.loc["a", "verdict"] == "pinned"
    assert region.loc["a", "min"] >= 0.4 and region.loc["a", "max"] <= 0.6
    assert region.loc["b", "verdict"] == "free"
    assert region.loc["c", "verdict"] == "narrowed" and region.loc["c", "max"] < 7.0


def test_pattern_figures_run_at_the_defaults_on_a_small_population():
    figures = pattern_region.pattern_figures({}, seed=11, observers=30)
    assert set(figures) == set(pattern_region.TARGETS)
    assert np.isfinite(list(figures.values())).all()
    assert 0.0 <= figures["P3"] <= 1.0 and -1.0 <= figures["P4"] <= 1.0


def test_pattern_region_samples_the_registry_paths_it_names():
    bounds = pattern_region.sampled_ranges()
    assert list(bounds) == list(pattern_region.PARAMETERS)
    for path, (low, high) in bounds.items():
        assert low < high, path
    points = pattern_region.sample_points(bounds, 5)
    for point in points.to_dict("records"):
        pattern_region._run(point, {}, 30, 1, 1)  # resolves


def test_region_command_refuses_a_missing_table(tmp_path, capsys):
    assert pattern_region.main(["summarize", str(tmp_path / "none.parquet")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.parquet" in err


def test_card_sections_are_replaced_between_their_markers():
    text = "head\n" + "\n".join(
        f"{sections.begin_marker(s)}\nold\n{sections.end_marker(s)}" for s in ("maps", "region")
    )
    new = sections.replace_sections(text, {"region": "new table"})
    assert "new table" in new and new.count("old") == 1


def test_a_free_parameter_among_few_points_is_judged_against_as_many_free_draws():
    assert pattern_region.free_width(1000) == pytest.approx(0.9, abs=0.01)
    assert pattern_region.free_width(11) < pattern_region.free_width(100) < 0.9
    rng = np.random.default_rng(5)
    few = pd.DataFrame({"x": rng.random(11), "P1": 0.5, "accepted": True})
    region = pattern_region.region_table(few, {"x": (0.0, 1.0)}, {"P1": (0.0, 1.0)})
    assert region.loc[0, "verdict"] == "free"


def test_model_card_command_refuses_missing_inputs_in_one_line(tmp_path, capsys):
    code = sections.main(["--no-claims", "--drivers", str(tmp_path / "none")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none" in err
    assert sections.main(["--no-claims", "--region", str(tmp_path / "none.parquet")]) == 2


def test_maps_block_matches_the_map_definitions():
    block = _block("maps")
    written = {}
    heading = None
    for line in block.splitlines():
        if line.startswith("**"):
            heading = line
        elif line.startswith("| ") and not line.startswith("| parameter "):
            axis, cells = line.strip("|").split(" | ", 1)
            values = [cell.split(":")[0].strip(" *") for cell in cells.split(" · ")]
            written[(heading, axis.strip())] = values
    expected = {}
    for claim_map in maps.maps():
        for axis, value, measure in claim_map.cells():
            key = (f"**{claim_map.claim}**: {measure.description}", axis.label)
            expected.setdefault(key, []).append(mapping._value(value))
    assert written == expected
