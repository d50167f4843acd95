"""The results folder on disk: foreign, copied, duplicated, damaged and missing files.

Every part carries its config hash and runs in its Parquet metadata, and the manifest holds the
sha256 of every committed part. Readers (`open_results`, compare, report) refuse any part that
does not check out, naming it in one line with exit status 2; a batch started again reruns the
runs of damaged parts; `run.py repair` rebuilds a lost manifest. Nothing is ever merged twice
and nothing written is lost.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from batchkit import (
    SHORT,
    assert_same_tables,
    batch_in_process,
    fingerprint,
    flip_bit,
    parts,
    planned_keys,
    run_keys,
    write_config,
)

import run
from experiments.batch import config_hash
from experiments.store import ResultsError, open_results
from model.config import load_config

OTHER = dict(SHORT, steps=13)


def _manifest(results: Path) -> dict:
    return json.loads((results / "manifest.json").read_text())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refused(capsys, *argv: str) -> str:
    """Run a command that must be refused: exit 2, one line on stderr, no traceback."""
    assert run.main(list(argv)) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def _readers(config: Path, results: Path) -> list[list[str]]:
    """The commands that read a results folder: compare, report and the batch resuming."""
    return [
        ["compare", str(results), "--out", str(results.parent / "compared")],
        ["report", str(results), "--out", str(results.parent / "report.html")],
        ["batch", str(config), "--out", str(results.parent), "--workers", "1"],
    ]


# ------------------------------------------------------------------------------------------
# What is written
# ------------------------------------------------------------------------------------------


def test_parts_carry_config_hash_dataset_and_runs_and_the_manifest_their_checksums(short_copy):
    _, results = short_copy
    manifest = _manifest(results)
    digest = config_hash(load_config(SHORT))
    assert manifest["config_hash"] == digest
    listed = manifest["parts"]
    assert sorted(listed) == [p.name for p in parts(results)]
    runs = []
    for dataset in ("timeseries", "blocs"):
        for path in parts(results, dataset):
            meta = pq.read_metadata(path).metadata
            assert meta[b"diplomacy.config_hash"].decode() == digest
            assert meta[b"diplomacy.dataset"].decode() == dataset
            keys = [tuple(k) for k in json.loads(meta[b"diplomacy.runs"])]
            rows = pq.read_table(path, columns=["scenario", "design_point", "replicate"])
            assert set(keys) == set(zip(*rows.to_pydict().values(), strict=True))
            assert listed[path.name]["sha256"][dataset] == _sha256(path)
            assert listed[path.name]["runs"] == len(keys)
            if dataset == "timeseries":
                runs += keys
    assert len(runs) == len(set(runs)) and set(runs) == planned_keys(SHORT, 2)
    # The batch keeps a copy of its config beside the manifest, for `run.py repair`.
    assert config_hash(load_config(results / "config.yaml")) == digest


def test_parts_are_byte_identical_when_the_batch_runs_again(tmp_path, short_reference):
    batch_in_process(SHORT, tmp_path, workers=1)  # another session: no times or hosts inside
    ours = {p.name: p.read_bytes() for p in parts(tmp_path / "short")}
    theirs = {p.name: p.read_bytes() for p in parts(short_reference)}
    assert sorted(ours.values()) == sorted(theirs.values())


# ------------------------------------------------------------------------------------------
# Foreign, copied and duplicated parts
# ------------------------------------------------------------------------------------------


def test_a_copied_part_is_refused_by_every_reader_naming_it(short_copy, capsys):
    config, results = short_copy
    copy = results / "timeseries" / "part-copy.parquet"
    shutil.copy(parts(results)[0], copy)
    shutil.copy(parts(results, "blocs")[0], results / "blocs" / copy.name)
    before = fingerprint(results)
    with pytest.raises(ResultsError, match=r"part-copy\.parquet: not listed in the manifest"):
        open_results(results)
    for argv in _readers(config, results):
        line = _refused(capsys, *argv)
        assert f"{copy}: not listed in the manifest" in line, argv
        assert fingerprint(results) == before
    assert not (results.parent / "compared").exists()


def test_a_part_of_another_config_is_refused_naming_it(short_copy, tmp_path, capsys):
    config, results = short_copy
    batch_in_process(OTHER, tmp_path / "other", workers=1)
    foreign = parts(tmp_path / "other" / "short")[0]
    shutil.copy(foreign, results / "timeseries" / foreign.name)
    before = fingerprint(results)
    for argv in _readers(config, results):
        line = _refused(capsys, *argv)
        assert f"{results / 'timeseries' / foreign.name}: written by another config" in line
        assert config_hash(load_config(OTHER))[:19] in line
        assert fingerprint(results) == before


def test_a_part_of_another_config_under_the_name_of_ours_is_damaged(short_copy, tmp_path, capsys):
    _, results = short_copy
    batch_in_process(OTHER, tmp_path / "other", workers=1)
    ours = parts(results)[1]
    shutil.copy(parts(tmp_path / "other" / "short")[0], ours)
    line = _refused(capsys, "compare", str(results))
    assert f"{ours}: damaged (its sha256 differs from the manifest's)" in line


def test_duplicated_runs_are_refused_never_merged(short_copy, capsys):
    config, results = short_copy
    first = parts(results)[0]
    for dataset in ("timeseries", "blocs"):
        shutil.copy(parts(results, dataset)[0], results / dataset / "part-twin.parquet")
    manifest = _manifest(results)  # a folder merged by hand: both parts listed
    manifest["parts"]["part-twin.parquet"] = manifest["parts"][first.name]
    (results / "manifest.json").write_text(json.dumps(manifest))
    before = fingerprint(results)
    for argv in _readers(config, results):
        line = _refused(capsys, *argv)
        assert "part-twin.parquet" in line and first.name in line
        assert "the same runs" in line
        assert fingerprint(results) == before


# ------------------------------------------------------------------------------------------
# Damaged parts
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["timeseries", "blocs"])
def test_every_single_bit_flip_in_a_part_is_detected(short_copy, dataset):
    _, results = short_copy
    path = parts(results, dataset)[1]
    size = path.stat().st_size
    rng = np.random.default_rng(13)
    bits = {0, 7, 8 * size - 1, 8 * (size - 8), *rng.choice(8 * size, 150, replace=False).tolist()}
    original = path.read_bytes()
    for bit in sorted(bits):
        flip_bit(path, bit)
        with pytest.raises(ResultsError) as error:
            open_results(results).timeseries()
        message = str(error.value)
        assert message.startswith(f"{path}: damaged") and "\n" not in message, bit
        path.write_bytes(original)
    assert len(open_results(results).timeseries()) == 12 * 13


DAMAGES = [
    ("timeseries", "flip"),
    ("timeseries", "overwrite"),
    ("timeseries", "delete"),
    ("blocs", "truncate"),
    ("blocs", "delete"),
]


def _damage(results: Path, dataset: str, damage: str) -> tuple[Path, int, bytes]:
    """Damage the third part of `dataset`: (its path, its run count, its bytes before)."""
    path = parts(results, dataset)[2]
    runs = len(json.loads(pq.read_metadata(path).metadata[b"diplomacy.runs"]))
    data = path.read_bytes()
    if damage == "flip":
        flip_bit(path, 8 * (len(data) // 2) + 3)
    elif damage == "overwrite":  # a larger flip, in the footer
        path.write_bytes(data[:-200] + bytes(64) + data[-136:])
    elif damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.unlink()
    return path, runs, data


@pytest.mark.parametrize(("dataset", "damage"), DAMAGES)
def test_a_damaged_part_is_named_by_every_reader(short_copy, capsys, dataset, damage):
    config, results = short_copy
    path, _, _ = _damage(results, dataset, damage)
    for argv in _readers(config, results)[:2]:
        line = _refused(capsys, *argv)
        assert line.startswith(f"error: {path}: ")
        assert ("missing" if damage == "delete" else "damaged") in line
        assert "run the batch again" in line


@pytest.mark.parametrize(("dataset", "damage"), DAMAGES)
def test_a_damaged_part_is_set_aside_and_its_runs_rerun_by_the_batch(
    short_copy, short_reference, capsys, dataset, damage
):
    config, results = short_copy
    path, runs, data = _damage(results, dataset, damage)
    assert run.main(["batch", str(config), "--out", str(results.parent), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    warning = captured.err.strip().splitlines()
    assert len(warning) == 1 and warning[0].startswith(f"warning: {path}: "), captured.err
    assert f"its {runs} runs run again" in warning[0]
    assert f"({runs} in this session)" in captured.out
    keys = run_keys(results)
    assert len(keys) == len(set(keys)) == 12
    assert_same_tables(results, short_reference)
    if damage != "delete":  # kept for inspection, never read again
        kept = results / "damaged" / dataset / path.name
        assert kept.read_bytes() != data and len(kept.read_bytes()) > 0
    assert run.main(["compare", str(results), "--out", str(results.parent / "c")]) == 0


# ------------------------------------------------------------------------------------------
# A lost manifest
# ------------------------------------------------------------------------------------------


def test_a_deleted_manifest_is_rebuilt_by_repair_to_the_same_record(
    short_copy, short_reference, capsys
):
    config, results = short_copy
    data = {d: fingerprint(results / d) for d in ("timeseries", "blocs")}
    (results / "manifest.json").unlink()
    line = _refused(capsys, "batch", str(config), "--out", str(results.parent))
    assert "no manifest.json" in line and f"python run.py repair {results}" in line
    line = _refused(capsys, "compare", str(results))
    assert "no manifest.json" in line and "repair" in line

    assert run.main(["repair", str(results)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith(f"repaired {results / 'manifest.json'}: 12 of 12 runs")
    rebuilt, original = _manifest(results), _manifest(short_reference)
    assert rebuilt["parts"] == original["parts"]
    for key in ("config", "config_hash", "seed_plan", "design_points", "runs_planned"):
        assert rebuilt[key] == original[key], key
    assert rebuilt["runs_done"] == 12 and rebuilt["status"] == "complete"
    assert {d: fingerprint(results / d) for d in data} == data  # not a byte of data changed
    assert run.main(["batch", str(config), "--out", str(results.parent)]) == 0
    assert "(0 in this session)" in capsys.readouterr().out
    assert_same_tables(results, short_reference)


def test_repair_then_the_same_batch_command_finishes_the_missing_runs(
    short_copy, short_reference, capsys
):
    config, results = short_copy
    (results / "manifest.json").unlink()
    lost = parts(results)[3]
    lost.unlink()
    kept = {p.name: p.read_bytes() for p in parts(results)}
    assert run.main(["repair", str(results)]) == 0
    assert "9 of 12 runs" in capsys.readouterr().out
    assert run.main(["batch", str(config), "--out", str(results.parent), "--workers", "1"]) == 0
    assert "12 runs succeeded, 0 failed, of 12 planned (3 in this session)" in (
        capsys.readouterr().out
    )
    assert {p.name: p.read_bytes() for p in parts(results) if p.name in kept} == kept
    keys = run_keys(results)
    assert len(keys) == len(set(keys)) == 12
    assert_same_tables(results, short_reference)
    assert _manifest(results)["status"] == "complete"


def test_repair_needs_the_config_and_refuses_parts_of_another(short_copy, tmp_path, capsys):
    config, results = short_copy
    (results / "manifest.json").unlink()
    (results / "config.yaml").unlink()
    before = fingerprint(results)
    line = _refused(capsys, "repair", str(results))
    assert "config.yaml" in line and "--config CONFIG" in line
    other = write_config(tmp_path, OTHER, "other.yaml")
    line = _refused(capsys, "repair", str(results), "--config", str(other))
    assert "written by another config" in line and str(results / "timeseries") in line
    assert fingerprint(results) == before
    assert run.main(["repair", str(results), "--config", str(config)]) == 0
    capsys.readouterr()
    assert (results / "config.yaml").exists()
    assert open_results(results).runs_done == 12


def test_repair_leaves_an_intact_manifest_alone(short_copy, capsys):
    _, results = short_copy
    before = fingerprint(results)
    line = _refused(capsys, "repair", str(results))
    assert "manifest.json" in line and "nothing to repair" in line
    line = _refused(capsys, "repair", str(results.parent / "nowhere"))
    assert "no such results folder" in line
    assert fingerprint(results) == before


def test_repair_brings_a_folder_written_before_checksums_up_to_date(
    short_copy, short_reference, capsys
):
    config, results = short_copy
    for dataset in ("timeseries", "blocs"):
        for path in parts(results, dataset):
            pq.write_table(pq.read_table(path).replace_schema_metadata(None), path)
    manifest = _manifest(results)
    del manifest["parts"]
    manifest["format"] = 1
    (results / "manifest.json").write_text(json.dumps(manifest))
    (results / "config.yaml").unlink()
    for argv in _readers(config, results):
        line = _refused(capsys, *argv)
        assert "before parts carried checksums" in line
        assert f"python run.py repair {results}" in line
    assert run.main(["repair", str(results)]) == 0
    assert "12 of 12 runs in 4 chunks" in capsys.readouterr().out
    assert_same_tables(results, short_reference)
    rebuilt = _manifest(results)
    assert rebuilt["format"] == 2 and rebuilt["sessions"] == manifest["sessions"]
    for path in parts(results):
        assert rebuilt["parts"][path.name]["sha256"]["timeseries"] == _sha256(path)
        assert pq.read_metadata(path).metadata[b"diplomacy.runs"]
    assert run.main(["batch", str(config), "--out", str(results.parent)]) == 0
    assert "(0 in this session)" in capsys.readouterr().out
