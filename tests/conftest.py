"""Fixtures shared by the test modules: a small finished batch run once per session, pages
rendered in-process, a stepped dashboard session, a headless browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from batchkit import SHORT, finished_batch, write_config
from dashboardkit import BASELINE, Renders


@pytest.fixture(scope="session")
def short_reference(tmp_path_factory) -> Path:
    """The results folder of a finished batch of SHORT (12 runs in 4 chunks); read it only."""
    return finished_batch(tmp_path_factory.mktemp("short"), SHORT) / "short"


@pytest.fixture
def short_copy(tmp_path, short_reference) -> tuple[Path, Path]:
    """SHORT's config file, and a copy of its finished batch in tmp_path/out/short to change."""
    shutil.copytree(short_reference, tmp_path / "out" / "short")
    return write_config(tmp_path, SHORT), tmp_path / "out" / "short"


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium (playwright), one per test module; a test opens its contexts."""
    from playwright.sync_api import sync_playwright

    from dashboards.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        yield chromium
        chromium.close()


@pytest.fixture
def render():
    """Render elements in-process (`solara.render`); every render is closed after the test."""
    renders = Renders()
    yield renders
    renders.close()


@pytest.fixture(scope="module")
def stepped():
    """A baseline session after 8 weeks, the adversary walking away from week 5."""
    from agents.actions import Action
    from dashboards.session import DashboardSession

    session = DashboardSession.open(BASELINE)
    session.step(4)
    session.intervene("adversary", Action.WALK_AWAY)
    session.step(4)
    return session
