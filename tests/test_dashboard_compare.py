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


# -------------------------------------------------------------------------------------------
# Reading it on a projector: fixed styles, readable names, a week, rounded numbers
# -------------------------------------------------------------------------------------------


def scale_of(spec, channel: str) -> dict[str, object]:
    """Scenario -> value of `channel` in every layer of a spec that shows a legend for it."""
    found: dict[str, object] = {}
    for layer in spec["layer"]:
        encoding = layer.get("encoding", {}).get(channel)
        if encoding and encoding.get("field") == "scenario":
            scale = encoding["scale"]
            for name, value in zip(scale["domain"], scale["range"], strict=True):
                assert found.setdefault(name, value) == value  # one value per scenario
    return found


def test_a_scenario_keeps_its_colour_and_dashes_whatever_is_selected(results):
    every = comparison_data(str(results), "legitimacy_adversary")
    alone = comparison_data(str(results), "legitimacy_adversary", scenarios=("adversary_walks",))
    other_baseline = comparison_data(str(results), "legitimacy_adversary", "adversary_walks")
    assert alone.scenarios == ("adversary_walks",)
    for channel in ("color", "strokeDash", "strokeWidth"):
        full = scale_of(bands_spec(every, "legitimacy_adversary"), channel)
        assert set(full) == {"both_engage", "adversary_walks"}
        for data in (alone, other_baseline):
            spec = bands_spec(data, "legitimacy_adversary")
            assert all(full[s] == v for s, v in scale_of(spec, channel).items()), channel
    diff = differences_spec(other_baseline, "legitimacy_adversary", "adversary_walks")
    full_colours = scale_of(bands_spec(every, "legitimacy_adversary"), "color")
    assert scale_of(diff, "color") == {"both_engage": full_colours["both_engage"]}


def test_coinciding_series_differ_in_dash_and_width_and_legends_are_full_strength(results):
    from dashboards.compare_data import scenario_styles

    names = [f"s{i}" for i in range(5)]
    styles = scenario_styles(names)
    looks = {(s.dash, s.width) for s in styles.values()}
    assert len(looks) == len(names)  # two identical series never draw the same line
    assert len({s.colour for s in styles.values()}) == len(names)
    spec = bands_spec(comparison_data(str(results), "narrative_share"), "narrative_share")
    lines = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    assert all(isinstance(lines[0]["encoding"][c]["legend"], dict) for c in ("color", "strokeDash"))
    for layer in spec["layer"]:
        for encoding in layer.get("encoding", {}).values():
            legend = encoding.get("legend", "unset") if isinstance(encoding, dict) else "unset"
            assert legend is not None  # a null legend in any layer hides the merged one
            if isinstance(legend, dict):
                assert legend["symbolOpacity"] == 1.0 and legend["symbolType"] == "stroke"


def test_metrics_have_readable_names_and_a_name_not_offered_is_refused(results, monkeypatch):
    from dashboards.compare_data import metric_choices, metric_from_label

    labels = metric_choices()
    assert labels["Legitimacy of N"] == "legitimacy_negotiator"
    assert all("_" not in label for label in labels)
    spec = bands_spec(comparison_data(str(results), "legitimacy_adversary"), "legitimacy_adversary")
    assert "Legitimacy of A" in str(spec["layer"][0]["encoding"]["y"])
    with pytest.raises(UsageError, match="metric: expected one of the metrics offered") as caught:
        metric_from_label("/etc/passwd")
    assert "passwd" not in str(caught.value)
    monkeypatch.setenv(RESULTS_ENV, str(results.parent))
    _, rc = solara.render(ComparePage(None), handle_error=False)
    select = rc.find(ipyvuetify.Select, label="Metric").widget
    assert "Legitimacy of N" in select.items and "legitimacy_negotiator" not in select.items
    select.v_model = "legitimacy_negotiator"
    alerts = [a.children for a in rc.find(ipyvuetify.Alert).widgets]
    assert alerts == [["metric: expected one of the metrics offered in the list"]]


def test_the_week_selector_sets_the_week_of_the_rounded_table(results, monkeypatch):
    from dashboards.compare_data import shown_differences

    last = comparison_data(str(results), "legitimacy_negotiator")
    week = comparison_data(str(results), "legitimacy_negotiator", at=12)
    assert last.at == 40 and (last.differences["step"] == 40).all()
    assert (week.differences["step"] == 12).all()
    assert not week.differences["mean"].equals(last.differences["mean"])
    for bad in (41, -1, 2.5, "12", True):
        with pytest.raises(UsageError, match="week: expected a week from 0 to 40"):
            comparison_data(str(results), "legitimacy_negotiator", at=bad)
    table = shown_differences(week)
    for column in ("difference", "95% low", "95% high"):
        assert (table[column] == table[column].round(4)).all()
    assert table["seeds > 0"].str.fullmatch(r"\d{1,3}%").all()
    assert table["week"].tolist() == [12]
    monkeypatch.setenv(RESULTS_ENV, str(results.parent))
    _, rc = solara.render(ComparePage(None), handle_error=False)
    slider = rc.find(ipyvuetify.Slider, label="Week of the table").widget
    assert (slider.min, slider.max, slider.v_model) == (0, 40, 40)
    slider.v_model = 12
    assert rc.find(ipyvuetify.Slider, label="Week of the table").widget.v_model == 12
    assert rc.find(ipyvuetify.Alert).widgets == []


def test_the_empty_message_is_plain_words(tmp_path, monkeypatch):
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "nothing"))
    _, rc = solara.render(ComparePage(None), handle_error=False)
    (alert,) = rc.find(ipyvuetify.Alert).widgets
    text = " ".join(str(c) for c in alert.children)
    assert "No results folder in nothing/ yet" in text and "`" not in text


def test_the_results_folder_does_not_depend_on_the_working_directory(
    results, tmp_path, monkeypatch
):
    import argparse

    from dashboards.cli import server_environment
    from dashboards.compare_data import results_catalog

    monkeypatch.chdir(results.parent.parent)
    args = argparse.Namespace(
        config=ROOT / "configs" / "baseline.yaml",
        results=Path(results.parent.name),
        max_sessions=2,
        idle_timeout=5.0,
    )
    given = server_environment(args, None)[RESULTS_ENV]
    assert Path(given).is_absolute() and Path(given) == results.parent
    monkeypatch.setenv(RESULTS_ENV, given)
    monkeypatch.chdir(tmp_path)  # the server runs elsewhere
    assert results_catalog().names() == ["small"]
