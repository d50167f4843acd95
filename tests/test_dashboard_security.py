"""The dashboard as an attacker meets it: real servers (`run.py dashboard`), headless Chromium,
crafted widget messages and raw websockets.

A crafted choice is sent the way the page itself sends one: the select's Vue component emits
``input`` with a value of the attacker's making, and ipyvue sends it over the websocket as the
widget's new state. The same channel carries an offered name and opens it, so a refusal is the
server's doing, not a message lost on the way.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from dashboardkit import EMIT_CHOICE

from dashboards.browser import CHROMIUM, start_dashboard

ROOT = Path(__file__).resolve().parents[1]
SECRET = "s3cret-value-in-a-file"
CONFIG_REFUSAL = (
    "config not opened: config: expected one of the configs offered in the list "
    "(broken.yaml, other.yaml, small.yaml)"
)
RESULTS_REFUSAL = "results folder: expected one of the results folders offered in the list (small)"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (CI installs it)"
)


def write_config(folder: Path, name: str, **top) -> Path:
    data = {"name": name, "steps": 20, "replications": 2, "seed": 5}
    data["model"] = {"observers": 60}
    data["scenarios"] = {
        "both_engage": {},
        "adversary_walks": {"adversary": {"strategy": "silent"}},
    }
    data.update(top)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Configs (one broken, holding a secret), a foreign one elsewhere, one results folder."""
    base = tmp_path_factory.mktemp("site")
    configs, outside = base / "configs", base / "outside"
    configs.mkdir()
    outside.mkdir()
    small = write_config(configs, "small")
    write_config(configs, "other")
    (configs / "broken.yaml").write_text(f"name: broken\nsteps: {SECRET}\nscenarios: {{a: {{}}}}\n")
    write_config(outside, "foreign", description=SECRET)
    batch = ["batch", str(small), "--out", str(base / "results"), "--workers", "1"]
    done = subprocess.run(
        [sys.executable, "run.py", *batch],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return base


@pytest.fixture(scope="module")
def served(site):
    config = str(site / "configs" / "small.yaml")
    with start_dashboard(config, "--results", str(site / "results")) as dashboard:
        yield dashboard


def open_page(browser, url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    return context, page


def wait_for_dashboard(page) -> None:
    page.get_by_test_id("step-counter").wait_for(timeout=60_000)


def choose(page, label: str, value) -> None:
    """Send `value` as the new choice of the select labelled `label`, as the page would."""
    assert page.evaluate(EMIT_CHOICE, [label, value]), label


def run_note(page) -> str:
    return page.locator(".control-note").first.text_content()


def dismiss(page) -> None:
    page.get_by_role("button", name="Dismiss").click()
    page.get_by_test_id("problem").first.wait_for(state="detached")


def test_a_crafted_config_choice_reads_no_file_and_opens_no_foreign_yaml(served, browser, site):
    context, page = open_page(browser, served.url)
    wait_for_dashboard(page)
    assert run_note(page).startswith("small / both_engage")
    foreign = site / "outside" / "foreign.yaml"
    for crafted in ("/etc/passwd", str(foreign), "../outside/foreign.yaml", "foreign.yaml"):
        choose(page, "Config", crafted)
        problem = page.get_by_test_id("problem").first
        problem.wait_for()
        assert problem.text_content() == CONFIG_REFUSAL
        html = page.content()
        assert "root:x:0:0" not in html and SECRET not in html
        assert run_note(page).startswith("small / both_engage")
        dismiss(page)

    choose(page, "Config", "broken.yaml")  # offered, but it does not validate
    problem = page.get_by_test_id("problem").first
    problem.wait_for()
    assert problem.text_content() == "config not opened: broken.yaml: steps: expected an integer"
    assert SECRET not in page.content()
    dismiss(page)

    choose(page, "Config", "other.yaml")  # the same channel opens an offered config
    page.get_by_text("other / both_engage").wait_for()
    context.close()


def test_a_crafted_results_choice_is_refused_without_a_file_system_oracle(served, browser, site):
    context, page = open_page(browser, served.url)
    wait_for_dashboard(page)
    page.get_by_role("tab", name="Compare").click()
    page.locator(".v-select", has_text="Results folder").wait_for()
    charts = page.locator(".v-card", has_text="Ensemble mean with 95% band").locator(".vega-embed")
    charts.first.wait_for()
    refusal = page.get_by_text(RESULTS_REFUSAL)
    crafted_values = ("/etc", "/etc/passwd", "/no/such/folder", str(site / "results" / "small"))
    for crafted in (*crafted_values, "../results/small", "small/"):
        choose(page, "Results folder", crafted)
        refusal.wait_for()
        assert charts.count() == 0
        assert page.get_by_role("alert").all_text_contents() == [RESULTS_REFUSAL]
        assert "root:x:0:0" not in page.content()
        choose(page, "Results folder", "small")
        refusal.wait_for(state="detached")
        charts.first.wait_for()
    context.close()


def ws_url(port: int) -> str:
    kernel, page = uuid.uuid4(), uuid.uuid4()
    return f"ws://127.0.0.1:{port}/jupyter/api/kernels/{kernel}/channels?session_id={page}"


def handshake(url: str, origin: str | None, cookie: str | None = None) -> int:
    """The status of a websocket handshake: 101 when accepted, else the HTTP status."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    headers = {"Cookie": cookie} if cookie else None
    try:
        with connect(url, origin=origin, additional_headers=headers, open_timeout=20):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


def http_status(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """(status, response headers, body) of one request; errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_a_foreign_origin_is_refused(served, browser):
    port = served.port
    own = f"http://127.0.0.1:{port}"
    assert handshake(ws_url(port), own) == 101
    assert handshake(ws_url(port), f"http://localhost:{port}") == 101
    assert handshake(ws_url(port), "http://evil.example") == 403
    assert handshake(ws_url(port), f"http://evil.example:{port}") == 403
    close = f"{own}/_solara/api/close/{uuid.uuid4()}?session_id=x"
    assert http_status(close, {"Origin": "http://evil.example"}, "POST")[0] == 403
    assert http_status(f"{own}/", {"Host": f"evil.example:{port}"})[0] == 403

    # a page of another site, in a real browser, opening a websocket to the dashboard
    context = browser.new_context()
    context.route(
        "http://evil.example/",
        lambda route: route.fulfill(content_type="text/html", body="<title>elsewhere</title>"),
    )
    page = context.new_page()
    page.goto("http://evil.example/")
    outcome = page.evaluate(
        """(url) => new Promise((resolve) => {
            const socket = new WebSocket(url);
            socket.onopen = () => resolve('open');
            socket.onerror = () => resolve('refused');
        })""",
        ws_url(port),
    )
    assert outcome == "refused"
    context.close()


def test_a_server_on_every_interface_warns_and_refuses_requests_without_its_token(site, browser):
    config = str(site / "configs" / "small.yaml")
    with start_dashboard(config, "--host", "0.0.0.0", "--results", str(site / "results")) as s:
        assert s.token and len(s.token) >= 32
        warnings = [line for line in s.stderr if line.startswith("WARNING: ")]
        assert warnings and "listening on 0.0.0.0" in warnings[0]
        assert any(f":{s.port}/?token={s.token}" in line for line in s.stdout)
        base = f"http://127.0.0.1:{s.port}/"
        status, _, body = http_status(base)
        assert status == 403 and b"token" in body
        assert http_status(f"{base}?token=not-the-token")[0] == 403
        status, headers, _ = http_status(s.url)
        assert status == 200
        (cookie,) = [c for c in headers.get_all("Set-Cookie") if s.token in c]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        jar = cookie.split(";")[0]
        assert http_status(base, {"Cookie": jar})[0] == 200
        assert handshake(ws_url(s.port), base.rstrip("/")) == 403
        assert handshake(ws_url(s.port), base.rstrip("/"), jar) == 101
        assert handshake(ws_url(s.port), "http://evil.example", jar) == 403

        context, page = open_page(browser, s.url)  # the printed link works in a browser
        wait_for_dashboard(page)
        page.get_by_role("button", name="Step").click()
        page.get_by_text("Week 1 of 20").wait_for()
        context.close()


def test_sessions_beyond_the_limit_wait_and_a_closed_tab_gives_its_seat_back(site, browser):
    config = str(site / "configs" / "small.yaml")
    with start_dashboard(config, "--max-sessions", "1") as s:
        first_context, first = open_page(browser, s.url)
        wait_for_dashboard(first)
        second_context, second = open_page(browser, s.url)
        second.get_by_test_id("no-seat").wait_for(timeout=60_000)
        assert "maximum of 1 sessions" in second.get_by_test_id("no-seat").text_content()
        assert second.get_by_test_id("step-counter").count() == 0

        first.close(run_before_unload=True)
        counter = second.get_by_test_id("step-counter")
        for _ in range(30):
            second.get_by_role("button", name="Try again").click()
            second.wait_for_timeout(1000)
            if counter.count():
                break
        wait_for_dashboard(second)
        first_context.close()
        second_context.close()


def test_an_idle_session_is_closed_and_a_reload_starts_a_new_one(site, browser):
    config = str(site / "configs" / "small.yaml")
    with start_dashboard(config, "--idle-timeout", "0.05", "--max-sessions", "1") as s:
        context, page = open_page(browser, s.url)
        wait_for_dashboard(page)
        page.get_by_role("button", name="Step").click()
        page.get_by_text("Week 1 of 20").wait_for()
        page.get_by_text("Could not restore session").wait_for(timeout=60_000)
        page.reload()
        wait_for_dashboard(page)  # the idle session gave its only seat back
        assert page.get_by_test_id("step-counter").text_content() == "Week 0 of 20"
        context.close()
