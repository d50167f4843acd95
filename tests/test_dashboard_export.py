"""The whole session in one archive: every table of the run and of each pinned run, the
changes of action, the scenario that replays the run, and a manifest."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
import yaml
from dashboardkit import small_config

from agents.actions import Action
from dashboards.export import ARCHIVE_TABLES
from dashboards.session import DashboardSession, SessionError, run_tables
from experiments.runner import simulate
from model import load_config
from model.streams import replicate_seed


@pytest.fixture
def session(tmp_path):
    return DashboardSession.open(small_config(tmp_path))


def read(archive: zipfile.ZipFile, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(archive.read(name)))


def same(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    expected = expected.reset_index(drop=True).copy()
    for column in expected.columns:  # text columns come back as object, bools as bools
        if pd.api.types.is_string_dtype(expected[column]):
            expected[column] = expected[column].astype(object).where(expected[column].notna())
    pd.testing.assert_frame_equal(found, expected, check_exact=True, check_dtype=False)


def test_the_archive_holds_every_table_of_the_run_and_of_each_pinned_run(session):
    session.step(5)
    session.pin("first")
    pinned = run_tables(session.pinned[0])
    session.reset()
    session.intervene("adversary", Action.WALK_AWAY)
    session.step(7)
    archive = zipfile.ZipFile(io.BytesIO(session.archive()))
    names = set(archive.namelist())
    expected = {f"run/{t}.csv" for t in ARCHIVE_TABLES} | {
        f"pinned/1/{t}.csv" for t in ARCHIVE_TABLES
    }
    assert expected | {"scenario.yaml", "session.json"} == names
    now = run_tables(session.snapshot())
    for table in ARCHIVE_TABLES:
        same(read(archive, f"run/{table}.csv"), now[table])
        same(read(archive, f"pinned/1/{table}.csv"), pinned[table])
    changes = read(archive, "run/action_changes.csv")
    assert list(changes.itertuples(index=False, name=None)) == [
        (1, "adversary", "engage", "walk_away", "intervention")
    ]
    manifest = json.loads(archive.read("session.json"))
    assert manifest["week"] == 7 and manifest["seed"] == 11
    assert manifest["pinned"] == [
        {"folder": "pinned/1", "label": "first", "ran": session.pinned[0].about}
    ]
    assert set(manifest["files"]) == names - {"session.json"}


def test_the_archive_scenario_replays_the_run(session, tmp_path):
    session.step(3)
    session.intervene("negotiator", Action.CONCEDE)
    session.step(3)
    archive = zipfile.ZipFile(io.BytesIO(session.archive()))
    path = tmp_path / "scenario.yaml"
    path.write_bytes(archive.read("scenario.yaml"))
    config = load_config(path)
    result = simulate(
        config.scenario_spec("dashboard_session"), replicate_seed(config.seed, 0), config.steps
    )
    replayed = result.timeseries.reset_index(drop=True)
    shown = read(archive, "run/timeseries.csv")
    for column in ("legitimacy_negotiator", "legitimacy_adversary", "narrative_share"):
        assert list(shown[column]) == list(replayed[column])
    assert yaml.safe_load(archive.read("scenario.yaml"))["steps"] == 6


def test_nothing_to_export_before_the_first_step(session):
    with pytest.raises(SessionError, match="export: take at least one step first"):
        session.archive()
