"""The dashboard's views rendered in-process with `solara.render`, without a browser.

Each view of the table draws a valid Vega-Lite chart of this week with its data behind it;
the charts show what the live run holds (`model.live.LiveRun`).
"""

from __future__ import annotations

import io
from pathlib import Path

import ipyvuetify as v
import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import core as vegalite_schema
from dashboardkit import chart_spec, switch
from solara.components.datatable import DataTableWidget

from dashboards import views
from dashboards.charts.events import change_log
from dashboards.export import csv_bytes
from dashboards.vega import installed_libraries
from experiments.palette import ADVERSARY_COLOUR, NEGOTIATOR_COLOUR

CHARTS = {chart.key: chart for chart in views.CHARTS}

VIEW_COLUMNS = {
    "legitimacy": ["step", "legitimacy_negotiator"],
    "narrative": ["narrative_share", "blame_adversary"],
    "crisis": ["salience", "crisis_index"],
    "red_line": ["estimate", "low_95", "high_95"],
    "blocs": ["bloc", "legitimacy_adversary"],
    "gap": ["gap_from", "observers"],
    "media": ["outlet", "report_negotiator"],
    "network": ["observer", "gap"],
}


OPTIONAL = {"changes", "pinned", "pinned_end", "hint"}
"""Datasets that may be empty: no change of action yet, no pinned run, the run has started."""


def series_layer(spec: dict) -> dict:
    """The layer of a chart that draws the running series."""
    return next(layer for layer in spec["layer"] if layer["data"] == {"name": "series"})


def assert_valid_vega_lite(spec: dict) -> None:
    body = {k: val for k, val in spec.items() if k != "$schema"}
    validate_jsonschema(body, vegalite_schema.load_schema())


def test_the_table_names_each_view_once_with_its_own_file():
    assert list(CHARTS) == list(VIEW_COLUMNS)
    files = [chart.filename for chart in views.CHARTS] + [views.EVENT_STRIP.filename]
    assert len(set(files)) == len(files) and all(f.endswith(".csv") for f in files)


@pytest.mark.parametrize("key", list(VIEW_COLUMNS))
def test_each_view_draws_a_valid_chart_of_this_week(stepped, render, key):
    rc = render(views.ChartCard(CHARTS[key], stepped))
    spec = chart_spec(rc)
    assert_valid_vega_lite(spec)
    assert spec["usermeta"]["week"] == 8
    assert "Week 8" in spec["description"] or "week 8" in spec["description"]
    assert all(isinstance(values, list) for values in spec["datasets"].values())
    assert all(values for name, values in spec["datasets"].items() if name not in OPTIONAL)


@pytest.mark.parametrize("key", list(VIEW_COLUMNS))
def test_each_view_shows_its_data_on_request_with_a_download(stepped, render, key):
    chart = CHARTS[key]
    rc = render(views.ChartCard(chart, stepped))
    assert rc.find(DataTableWidget).widgets == []
    switch(rc, "Data (table and CSV)").v_model = True
    table = rc.find(DataTableWidget).widget
    assert table.total_length == len(chart.data(stepped.snapshot()))
    headers = [h["value"] for h in table.headers]
    assert set(VIEW_COLUMNS[key]) <= set(headers)
    download = [b for b in rc.find(v.Btn).widgets if f"Download {chart.filename}" in b.children]
    assert len(download) == 1


def test_legitimacy_view_shows_both_sides_by_role_in_the_colour_blind_safe_pair(stepped, render):
    snap = stepped.snapshot()
    spec = chart_spec(render(views.ChartCard(CHARTS["legitimacy"], stepped)))
    scale = series_layer(spec)["encoding"]["color"]["scale"]
    assert scale == {
        "domain": ["Negotiator (N)", "Adversary (A)"],
        "range": [NEGOTIATOR_COLOUR, ADVERSARY_COLOUR],
    }
    assert (NEGOTIATOR_COLOUR, ADVERSARY_COLOUR) == ("#0072B2", "#E69F00")  # Okabe-Ito
    series = pd.DataFrame(spec["datasets"]["series"]).set_index("step")
    assert list(series.index) == list(range(9))
    for code, column in (("N", "legitimacy_negotiator"), ("A", "legitimacy_adversary")):
        expected = snap.timeseries[column].to_numpy()
        assert abs(series[code].to_numpy() - expected).max() <= 5e-7
    labels = series_layer(spec)["transform"]
    assert labels[0] == {"fold": ["N", "A"], "as": ["code", "legitimacy"]}
    assert "'Negotiator (N)'" in labels[1]["calculate"]
    assert spec["datasets"]["changes"] == [
        {
            "step": 5,
            "side": "Adversary (A)",
            "cause": "intervention",
            "what": "Adversary (A): engage → walk away (intervention)",
        }
    ]


def test_event_strip_shows_every_action_and_marks_interventions(stepped, render):
    snap = stepped.snapshot()
    spec = chart_spec(render(views.EventStrip(stepped)))
    assert_valid_vega_lite(spec)
    runs = [
        (r["side"], r["start"], r["end"], r["action"], r["how"], r["weeks"])
        for r in spec["datasets"]["events"]
    ]
    assert runs == [
        ("Negotiator (N)", 0, 8, "engage", "strategy", "1-8"),
        ("Adversary (A)", 0, 4, "engage", "strategy", "1-4"),
        ("Adversary (A)", 4, 8, "walk away", "intervention", "5-8"),
    ]
    assert [(c["start"], c["end"]) for c in spec["datasets"]["forced"]] == [(4, 8)]
    assert [c["mid"] for c in spec["datasets"]["starts"]] == [4.5]
    assert change_log(snap)[0] == "week 5: adversary walk away (intervention)"
    assert "adversary walk away (intervention)" in spec["description"]


def test_red_line_view_shows_the_run_s_estimate(stepped, render):
    spec = chart_spec(render(views.ChartCard(CHARTS["red_line"], stepped)))
    estimate = pd.DataFrame(spec["datasets"]["estimate"])
    recorded = stepped.run.redline_estimates("negotiator")
    assert list(estimate["estimate"]) == list(recorded["estimate"])
    assert list(estimate["sd"]) == list(recorded["sd"])
    assert (estimate["low_95"] < estimate["estimate"]).all()
    assert (estimate["estimate"] < estimate["high_95"]).all()


def test_red_line_view_shows_the_true_red_line_only_on_request(stepped, render):
    rc = render(views.ChartCard(CHARTS["red_line"], stepped))
    assert "truth" not in chart_spec(rc)["datasets"]
    switch(rc, "Show the adversary's true red line").v_model = True
    spec = chart_spec(rc)
    assert_valid_vega_lite(spec)
    assert spec["datasets"]["truth"][0]["value"] == stepped.run.true_red_line("adversary")


def test_gap_view_counts_every_observer(stepped, render):
    snap = stepped.snapshot()
    bins = pd.DataFrame(
        chart_spec(render(views.ChartCard(CHARTS["gap"], stepped)))["datasets"]["bins"]
    )
    assert bins["observers"].sum() == stepped.run.observers
    assert bins["gap_from"].min() <= snap.gap.min() and bins["gap_to"].max() >= snap.gap.max()


def test_network_view_draws_the_run_s_sample_of_a_large_network(stepped, render):
    spec = chart_spec(render(views.ChartCard(CHARTS["network"], stepped)))
    assert spec["usermeta"]["static"] == ["edges", "nodes"]
    nodes = pd.DataFrame(spec["datasets"]["nodes"])
    gaps = pd.DataFrame(spec["datasets"]["gaps"])
    sample = stepped.run.network_sample(300)
    assert len(nodes) == len(gaps) == 300 < stepped.run.observers
    assert list(nodes["observer"]) == list(gaps["observer"]) == list(sample.observers)
    gap = stepped.run.legitimacy_gap()
    assert abs(gaps["gap"].to_numpy() - gap[gaps["observer"]]).max() <= 5e-5
    assert len(spec["datasets"]["edges"]) == len(sample.links)


def test_csv_download_holds_the_chart_data(stepped):
    frame = CHARTS["media"].data(stepped.snapshot())
    restored = pd.read_csv(io.BytesIO(csv_bytes(frame)))
    pd.testing.assert_frame_equal(restored, frame.reset_index(drop=True), check_exact=True)
    assert list(frame["outlet"]) == [o.name for o in stepped.run.spec.media]


def test_chart_libraries_come_from_the_installed_assets():
    from solara.server import settings

    libraries = installed_libraries()
    assert set(libraries) == {"vega", "vega-lite", "vega-embed"}
    for name in libraries.values():
        assert (Path(settings.assets.proxy_cache_dir) / name / "build").is_dir(), name
