"""The dashboard's comparison page: its data core and its rendering, on a real small batch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ipyvuetify
import pytest
import solara

from dashboards.catalog import RESULTS_ENV
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
    monkeypatch.setenv(RESULTS_ENV, str(results.parent))
    _, rc = solara.render(ComparePage(None), handle_error=False)
    assert rc.find(ipyvuetify.Alert).widgets == []  # no error shown
    assert len(rc.find(ipyvuetify.Card).widgets) == 2


def test_compare_page_offers_folder_names_and_refuses_anything_else(results, monkeypatch):
    monkeypatch.setenv(RESULTS_ENV, str(results.parent))
    _, rc = solara.render(ComparePage(None), handle_error=False)
    select = rc.find(ipyvuetify.Select, label="Results folder").widget
    assert select.items == ["small"] and select.v_model == "small"
    refusal = "results folder: expected one of the results folders offered in the list (small)"
    for crafted in ("/etc", "/etc/passwd", "/no/such/folder", str(results), "../small"):
        select.v_model = crafted
        alerts = rc.find(ipyvuetify.Alert).widgets
        assert [a.children for a in alerts] == [[refusal]]
        assert rc.find(ipyvuetify.Card).widgets == []
    select.v_model = "small"
    assert rc.find(ipyvuetify.Alert).widgets == []
    assert len(rc.find(ipyvuetify.Card).widgets) == 2


def test_compare_page_refresh_lists_a_new_results_folder(results, tmp_path, monkeypatch):
    import shutil

    root = tmp_path / "results"
    shutil.copytree(results, root / "first")
    monkeypatch.setenv(RESULTS_ENV, str(root))
    _, rc = solara.render(ComparePage(None), handle_error=False)
    assert rc.find(ipyvuetify.Select, label="Results folder").widget.items == ["first"]
    shutil.copytree(results, root / "second")
    (refresh,) = [b for b in rc.find(ipyvuetify.Btn).widgets if "Refresh" in b.children]
    refresh.click()
    assert sorted(rc.find(ipyvuetify.Select, label="Results folder").widget.items) == [
        "first",
        "second",
    ]
