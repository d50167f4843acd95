"""`run.py run`: one run's tables on disk, each row carrying the model version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from model.version import MODEL_VERSION

ROOT = Path(__file__).resolve().parents[1]


def test_run_command_writes_the_model_version_in_every_row_of_every_table(tmp_path, monkeypatch):
    from run import main

    monkeypatch.chdir(ROOT)
    out = tmp_path / "single"
    status = main(["run", "configs/baseline.yaml", "--steps", "3", "--out", str(out)])
    assert status == 0
    frame = pd.read_parquet(out / "run.parquet")
    assert len(frame) == 4
    for table in ("run", "blocs", "media"):
        rows = pd.read_parquet(out / f"{table}.parquet")
        assert rows["model_version"].tolist() == [MODEL_VERSION] * len(rows), table
    resolved = yaml.safe_load((out / "run.yaml").read_text(encoding="utf-8"))
    assert resolved["model_version"] == MODEL_VERSION
