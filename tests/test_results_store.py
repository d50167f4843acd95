"""Reading a results folder back (`experiments.store.open_results`) and its record (`Manifest`).

One small batch (2 scenarios x 2 design points x 2 replicates) is run once for the module and
only read; tests that change a folder work on a copy.
"""

from __future__ import annotations

import json
import shutil

import pytest
from batchkit import SWEPT, finished_batch, small_config

from experiments.store import Manifest, ResultsError, open_results
from experiments.store.manifest import read_manifest

CONFIG = small_config("read", sweep=SWEPT, replications=2)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The results folder of CONFIG, written once."""
    return finished_batch(tmp_path_factory.mktemp("results"), CONFIG) / "read"


@pytest.fixture
def results(folder):
    return open_results(folder)


# ------------------------------------------------------------------------------------------
# The reading API
# ------------------------------------------------------------------------------------------


def test_a_folder_says_what_it_planned_and_holds(results):
    assert results.scenarios == ["both_engage", "adversary_walks"]
    assert results.parameters == ["negotiator.deterrence"] and results.method == "grid"
    assert results.runs_done == results.runs_planned == 8
    assert list(results.design_points().columns) == ["design_point", "negotiator.deterrence"]
    assert results.failures().empty


def test_only_the_columns_asked_for_are_read_after_the_run_columns_and_step(results):
    final = results.timeseries(columns=["legitimacy_gap"], filters=[("step", "==", 12)])
    assert list(final.columns) == [
        "scenario",
        "design_point",
        "replicate",
        "seed",
        "step",
        "legitimacy_gap",
    ]
    assert len(final) == 8 and set(final.step) == {12}


def test_rows_come_in_config_order_of_scenarios(results):
    final = results.timeseries(columns=["legitimacy_gap"], filters=[("step", "==", 12)])
    assert list(final.scenario[:4]) == ["both_engage"] * 4  # config order, not alphabetical


def test_filters_may_name_a_swept_parameter(results):
    picked = results.timeseries(
        columns=["crisis_index"], filters=[("negotiator.deterrence", "==", 0.8)]
    )
    assert set(picked.design_point) == {1}


def test_the_bloc_table_comes_in_bloc_order_within_a_run(results):
    blocs = results.blocs(columns=["bloc", "vote_yes_share"], filters=[("step", "==", 0)])
    assert len(blocs) == 8 * 4 and list(blocs.bloc[:4]) == ["Bloc A", "Bloc B", "Bloc C", "Bloc D"]


def test_an_unknown_column_is_one_line_naming_it(results):
    with pytest.raises(ResultsError, match="no column 'nonsense'"):
        results.timeseries(columns=["nonsense"])


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("missing", "no such results folder"),
        ("file.txt", "expected a results folder, found a file"),
        ("plain", "not a results folder (no manifest.json"),
    ],
)
def test_opening_a_folder_that_is_not_a_results_folder_is_one_line_of_bad_input(
    tmp_path, name, words
):
    (tmp_path / "plain").mkdir()
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ResultsError) as error:
        open_results(tmp_path / name)
    assert isinstance(error.value, ValueError)
    assert words in str(error.value) and "\n" not in str(error.value)


# ------------------------------------------------------------------------------------------
# The manifest
# ------------------------------------------------------------------------------------------


def test_the_manifest_reads_as_a_typed_record(folder, results):
    manifest = results.manifest
    assert isinstance(manifest, Manifest)
    assert manifest.format == 2 and manifest.status == "complete"
    assert manifest.replicate_seeds == results.seed_plan and len(manifest.replicate_seeds) == 2
    assert [s.status for s in manifest.sessions] == ["complete"]
    assert sum(entry.runs for entry in manifest.parts.values()) == 8


def test_the_manifest_written_back_is_the_manifest_read(folder):
    text = (folder / "manifest.json").read_text()
    assert read_manifest(folder).to_json() + "\n" == text


def test_fields_a_reader_does_not_know_are_kept(folder, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    data = json.loads((copy / "manifest.json").read_text())
    data["comment"] = {"by": "a later version"}
    (copy / "manifest.json").write_text(json.dumps(data))
    assert read_manifest(copy).to_dict() == data


def test_a_manifest_of_format_1_reads_with_its_defaults():
    older = Manifest.model_validate({"config_hash": "sha256:x", "config": {"name": "old"}})
    assert older.format == 1 and older.parts == {} and older.design_points == [{}]
    assert "repaired" not in older.to_dict()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"config_hash": None}, "not a batch manifest (no config_hash)"),
        ({"runs_planned": "many"}, "not a batch manifest (runs_planned: input should be"),
        ({"parts": {"part-x.parquet": {"runs": "2"}}}, "not a batch manifest (parts.part-x"),
    ],
)
def test_a_manifest_with_a_wrong_field_is_one_line_naming_it(folder, tmp_path, change, words):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    data = json.loads((copy / "manifest.json").read_text())
    data.update(change)
    (copy / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(ResultsError) as error:
        open_results(copy)
    message = str(error.value)
    assert words in message and "python run.py repair" in message and "\n" not in message
