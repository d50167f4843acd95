"""A closed session's model is freed and its memory handed back; large runs are capped.

In-process: Solara kernels like the server's render the page; a server thread started while a
page draws keeps no page alive; the cap on large runs refuses one more with one line. Through
the real server (`run.py dashboard` in its own process, headless Chromium): the server's
resident memory returns near its level after many sessions open and close.
"""

from __future__ import annotations

import gc
import weakref

import ipyvuetify
import ipywidgets
import pytest
import solara
from dashboardkit import small_config

from dashboards import app, registry
from dashboards.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    server_process,
    settled_rss,
    start_dashboard,
)
from dashboards.catalog import CONFIG_ENV
from dashboards.registry import HeavyRunError, HeavyRuns, SessionRegistry
from dashboards.session import DashboardSession


def open_kernel(name: str):
    """A Solara kernel like the server's, rendering the dashboard's page."""
    from solara.server import app as solara_app
    from solara.server import kernel, kernel_context

    context = kernel_context.VirtualKernelContext(
        id=name, kernel=kernel.Kernel(), session_id=f"session-{name}"
    )
    with context:
        ipywidgets.register_comm_target(context.kernel)
        solara_app.register_solara_comm_target(context.kernel)
        box, rc = solara.render(app.Page(), handle_error=False)
        context.app_object, context.container = rc, box
    return context, rc


@pytest.fixture
def spied(tmp_path, monkeypatch):
    """Weak references to every session the page opens, and to its run."""
    import solara.server.app  # threads made in a page take its kernel, as in the server
    import solara.server.starlette  # noqa: F401  (per-kernel storage, as in the server)

    monkeypatch.setenv(CONFIG_ENV, str(small_config(tmp_path)))
    made: list[weakref.ref] = []
    opened = app.open_session

    def spy():
        session = opened()
        made.append((weakref.ref(session), weakref.ref(session.run)))
        return session

    monkeypatch.setattr(app, "open_session", spy)
    yield made
    registry.install(None)
    registry.install_heavy_runs(None)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Solara's server internals, run here
def test_the_server_threads_started_by_the_first_page_do_not_keep_it(spied, monkeypatch):
    monkeypatch.setenv(registry.IDLE_MINUTES_ENV, "30")
    registry.install(None)  # the first page makes the registry and starts its watchdog
    context, rc = open_kernel("first")
    assert len(spied) == 1 and spied[0][1]() is not None
    del rc
    context.close(reason="page-close")
    del context
    gc.collect()
    assert [ref() for ref in spied[0]] == [
        None,
        None,
    ]  # neither the watchdog nor the memory reclaimer holds the page


def test_large_runs_are_capped_and_a_small_one_gives_its_place_back():
    heavy = HeavyRuns(limit=2, work=1000)
    heavy.claim("a", 100, 10)
    heavy.claim("b", 50, 40)
    heavy.claim("a", 200, 10)  # a session that holds one may start another
    with pytest.raises(HeavyRunError) as refused:
        heavy.claim("c", 10, 100)
    (line,) = refused.value.lines
    assert line.startswith("observers: ") and "maximum of 2 large runs" in line
    assert "fewer than 10 observers" in line
    heavy.claim("c", 9, 100)  # a small run is always allowed
    heavy.claim("b", 10, 10)  # b's run is small now: its place is free
    heavy.claim("c", 10, 100)
    heavy.release("a")
    assert len(heavy) == 1


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_session_beyond_the_cap_says_why_and_keeps_its_run(spied):
    registry.install(SessionRegistry(5, idle_seconds=600, close=lambda key: None))
    registry.install_heavy_runs(HeavyRuns(limit=1, work=150 * 40))  # small.yaml is large here
    first, _first_rc = open_kernel("first")
    second, second_rc = open_kernel("second")
    assert len(spied) == 1  # the second page built no model
    (warning,) = [
        w
        for w in second_rc.find(ipyvuetify.Alert).widgets
        if (w.attributes or {}).get("data-testid") == "no-room"
    ]
    text = " ".join(str(c) for c in warning.children)
    assert "maximum of 1 large runs" in text and "\n" not in text
    with first:
        session: DashboardSession = spied[0][0]()
        session.form.set_observers(100)  # a smaller run frees the place
        assert session.reset() and session.run.observers == 100
    with second:
        second_rc.find(ipyvuetify.Btn, children=["Try again"]).widget.click()
    assert len(spied) == 2 and spied[1][1]() is not None
    with first:
        session.form.set_observers(150)  # the place is taken again: refused, run kept
        assert not session.reset()
        assert session.run.observers == 100
        assert "maximum of 1 large runs" in session.problems[0]
    first.close(reason="page-close")
    second.close(reason="page-close")


# -------------------------------------------------------------------------------------------
# Through the real server
# -------------------------------------------------------------------------------------------

OBSERVERS = 50_000
SESSIONS = 5


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(url)
    page.get_by_test_id("step-counter").wait_for()
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Week 1 of 40").wait_for()
    return page


def _close(page) -> None:
    context = page.context
    page.close(run_before_unload=True)
    context.close()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_the_server_memory_returns_near_its_level_after_many_sessions(tmp_path):
    from playwright.sync_api import sync_playwright

    config = small_config(tmp_path, model={"observers": OBSERVERS})
    with start_dashboard(str(config), "--max-sessions", "4") as served:
        server = server_process(served.pid)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
            )
            _close(_open(browser, served.url))  # warm-up: imports, caches, the spin-up
            before = settled_rss(server, served.port)
            page = _open(browser, served.url)
            one_open = settled_rss(server, served.port, kernels=1)
            _close(page)
            for _ in range(SESSIONS):
                _close(_open(browser, served.url))
            after = settled_rss(server, served.port)
            browser.close()
    session = one_open - before
    assert session > 10  # a session of 50,000 observers holds tens of MiB
    assert after - before < 0.6 * session, (before, one_open, after)  # before: 2x after 3
