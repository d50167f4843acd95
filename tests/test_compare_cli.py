"""`run.py compare` and `run.py report` on a real batch of configs/walkout.yaml."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import pandas as pd
import pytest

from dashboards.browser import CHROMIUM, CHROMIUM_ARGS
from model.version import MODEL_VERSION

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def walkout(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch")
    done = _run("batch", "configs/walkout.yaml", "--out", str(out), "--workers", "2")
    assert done.returncode == 0, done.stderr
    return out / "walkout"


@pytest.fixture(scope="module")
def compared(walkout, tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    done = _run(
        "compare", str(walkout), "--baseline", "both_engage", "--at", "102", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def test_compare_reports_v1_with_the_right_signs(compared):
    out, stdout = compared
    table = pd.read_csv(out / "differences.csv")
    walk = table[table.scenario == "adversary_walks"].set_index("metric")
    assert (walk["step"] == 102).all() and (walk["pairs"] == 30).all()
    # With the defaults both lose: A its walkout, N the weight that talks lent it (MODEL_SPEC).
    assert walk.loc["legitimacy_negotiator", "high"] < 0
    assert walk.loc["legitimacy_adversary", "high"] < 0
    assert walk.loc["blame_adversary", "low"] > 0
    assert walk.loc["legitimacy_adversary", "share_negative"] >= 0.9
    mirror = table[table.scenario == "negotiator_walks"].set_index("metric")
    assert mirror.loc["legitimacy_negotiator", "high"] < 0  # V2
    assert "adversary_walks" in stdout and "What changed" in stdout
    assert "not forecasts" in stdout
    changed = pd.read_csv(out / "what_changed.csv")
    row = changed[
        (changed.scenario == "adversary_walks") & (changed.metric == "legitimacy_adversary")
    ].iloc[0]
    assert row.diverges_at == 50


def test_compare_writes_valid_png_figures_of_sensible_size(compared):
    out, _ = compared
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) >= 8
    for path in pngs:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        height, width = matplotlib.image.imread(path).shape[:2]
        assert 300 <= height <= 3000 and 600 <= width <= 4000, path.name


def test_report_is_one_self_contained_file_that_opens_offline(walkout, tmp_path):
    target = tmp_path / "report.html"
    done = _run("report", str(walkout), "--out", str(target))
    assert done.returncode == 0, done.stderr
    text = target.read_text()
    assert "http://" not in text and "https://" not in text
    assert text.count("data:image/png;base64,") >= 8
    assert "not a forecast" in text and "20261125" in text and MODEL_VERSION in text
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        page = browser.new_page()
        requests = []
        page.route(
            "**/*",
            lambda route: (
                requests.append(route.request.url),
                route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else route.abort(),
            ),
        )
        page.goto(target.as_uri())
        loaded = page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"
        )
        heading = page.inner_text("h1")
        browser.close()
    assert loaded and all(loaded)
    assert "walkout" in heading
    assert all(url.startswith(("file:", "data:")) for url in requests)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--metric", "charisma"], ["--metric", "expected one of", "found 'charisma'"]),
        (["--baseline", "nobody"], ["--baseline", "expected one of both_engage", "'nobody'"]),
        (["--at", "999"], ["--at", "expected a step from 0 to 200", "found 999"]),
        (["--at", "-3"], ["--at", "expected an integer >= 0", "found -3"]),
    ],
)
def test_compare_bad_arguments(walkout, tmp_path, args, words):
    done = _run("compare", str(walkout), "--out", str(tmp_path / "c"), *args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_compare_and_report_refuse_folders_that_are_not_results(walkout, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    empty = tmp_path / "empty"
    (empty / "timeseries").mkdir(parents=True)
    manifest = json.loads((walkout / "manifest.json").read_text())
    manifest["parts"] = {}  # a batch that has not finished a chunk yet
    (empty / "manifest.json").write_text(json.dumps(manifest))
    for command in ("compare", "report"):
        for folder, word in (
            (plain, "not a results folder"),
            (empty, "no finished run"),
            (tmp_path / "missing", ""),
        ):
            done = _run(command, str(folder))
            assert done.returncode == 2, (command, folder, done.stderr)
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1 and "Traceback" not in done.stderr
            assert str(folder.name) in lines[0] and word in lines[0], lines[0]


def test_report_refuses_an_output_it_cannot_write_and_keeps_the_file(walkout, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("keep me")
    for out, word in ((blocker / "report.html", "not a folder"), (tmp_path, "is a folder")):
        done = _run("report", str(walkout), "--out", str(out))
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "--out" in lines[0] and word in lines[0]
    assert blocker.read_text() == "keep me"
