"""The dashboard's comparison page: its data core and its rendering, on a real small batch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ipyvuetify
import pytest
import solara

from dashboards.compare_page import ComparePage, bands_spec, comparison_data, differences_spec
from experiments.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cmp")
    config = out / "small.yaml"
    config.write_text(
        "name: small\nsteps: 40\nreplications: 8\nseed: 3\nmodel: {observers: 100}\n"
        "scenarios:\n  both_engage: {}\n  adversary_walks:\n"
        "    adversary: {strategy: walk_away_at, at: 10}\n"
    )
    done = subprocess.run(
        [sys.executable, "run.py", "batch", str(config), "--out", str(out), "--workers", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return out / "small"


def test_comparison_data_gives_bands_and_paired_differences(results):
    data = comparison_data(str(results), "legitimacy_adversary")
    assert data.scenarios == ("both_engage", "adversary_walks")
    assert set(data.bands["scenario"]) == set(data.scenarios)
    assert (data.bands["low"] <= data.bands["high"]).all()
    row = data.differences.set_index("scenario").loc["adversary_walks"]
    assert row["high"] < 0 and row["pairs"] == 8
    assert set(data.curves["scenario"]) == {"adversary_walks"}
    for spec in (
        bands_spec(data, "legitimacy_adversary"),
        differences_spec(data, "legitimacy_adversary", "both_engage"),
    ):
        assert spec["$schema"].endswith("v5.json") and spec["description"]


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"metric": "charisma"}, "metric"),
        ({"baseline": "nobody"}, "baseline"),
        ({"scenarios": ("ghost",)}, "scenarios"),
    ],
)
def test_comparison_data_rejects_bad_choices_in_one_line(results, kwargs, word):
    arguments = {"metric": "legitimacy_negotiator", **kwargs}
    with pytest.raises(UsageError, match=word):
        comparison_data(str(results), **arguments)
    with pytest.raises(UsageError, match="not a results folder"):
        comparison_data(str(results.parent), "legitimacy_negotiator")


def test_compare_page_renders_charts_and_table(results, monkeypatch):
    monkeypatch.setattr("dashboards.compare_page.results_folders", lambda: [str(results)])
    _, rc = solara.render(ComparePage(None), handle_error=False)
    assert rc.find(ipyvuetify.Alert).widgets == []  # no error shown
    assert len(rc.find(ipyvuetify.Card).widgets) == 2
