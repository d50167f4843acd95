"""A class in real browsers: `run.py classroom`, a lecturer and four participants (two per
side) in their own Chromium contexts play five weeks, then the debrief.

Choices are made as a person makes them (open the select, click an action); the crafted
message is sent the way the page itself sends a choice (the select's Vue component emits
``input``), carrying another role, so a refusal is the server's doing.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
import yaml
from classroomkit import class_config, start_classroom
from dashboardkit import EMIT_CHOICE

from dashboards.browser import CHROMIUM
from experiments.runner import simulate
from model.config import load_config
from model.streams import replicate_seed

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (CI installs it)"
)

CHOICE = "Your action this week"
PLAN = {  # week: choices of ann and cy (negotiator), bob and dee (adversary)
    1: ("engage", "concede", "walk_away", "walk_away"),
    2: ("concede", "concede", "sanction", "sanction"),
    3: ("engage", "walk_away", "escalate_rhetoric", "escalate_rhetoric"),
    4: ("add_conditions", "add_conditions", "engage", "engage"),
}


def open_page(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    return page


def week(page, number: int, weeks: int = 6) -> None:
    page.get_by_test_id("room-week").filter(has_text=f"Week {number} of {weeks}").wait_for()


def choose(page, action: str, last: bool = False) -> None:
    """Choose `action` as a person does; unless it ends the week, wait until it is confirmed."""
    page.locator(".v-select", has_text=CHOICE).click()
    page.get_by_role("option", name=action, exact=True).click()
    if not last:
        page.get_by_test_id("mine").filter(has_text=f"Your choice: {action}").wait_for()


def download(page, label: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_text(label).click()
    return open(info.value.path(), "rb").read()


def test_a_class_plays_five_weeks_and_its_run_replays_exactly(browser, tmp_path):
    config = class_config(tmp_path)
    with start_classroom(config) as served:
        outsider = open_page(browser, served.lecturer.split("?")[0] + "?key=guess")
        outsider.get_by_test_id("not-lecturer").wait_for()
        assert outsider.get_by_role("button", name="Create room").count() == 0

        lecturer = open_page(browser, served.lecturer)
        lecturer.get_by_label("Weeks to play").fill("6")
        lecturer.get_by_label("Weeks to play").press("Enter")
        lecturer.get_by_role("button", name="Create room").click()
        code = lecturer.get_by_test_id("join-code").text_content().split(": ")[1]
        assert lecturer.get_by_test_id("join-qr").locator("svg").count() == 1

        players = {}
        for name in ("ann", "bob", "cy", "dee"):
            page = open_page(browser, served.participants)
            page.get_by_label("Join code").fill(code)
            page.get_by_label("Your name").fill(name)
            page.get_by_role("button", name="Join").click()
            page.get_by_test_id("my-role").wait_for()
            players[name] = page
        roles = {n: p.get_by_test_id("my-role").text_content() for n, p in players.items()}
        assert roles == {
            "ann": "You play: Negotiator (N)",
            "bob": "You play: Adversary (A)",
            "cy": "You play: Negotiator (N)",
            "dee": "You play: Adversary (A)",
        }
        ann, bob, cy, dee = players.values()
        assert "seat=" in ann.url
        ann.reload()  # a reloaded tab finds its seat again, not a new participant
        ann.get_by_test_id("my-role").filter(has_text="Negotiator (N)").wait_for()
        ann.get_by_text(f"ann in room {code}").wait_for()
        lecturer.get_by_text("Participants (4)").wait_for()
        for page in players.values():  # no route tabs: a participant sees no lecturer tab
            assert page.locator(".v-tab").count() == 0
            assert "lecturer" not in page.locator(".v-app-bar").inner_text().lower()

        # each side sees its own estimate only; nobody sees a true red line
        assert ann.locator(".private-negotiator").count() == 1
        assert ann.locator(".private-adversary").count() == 0
        assert bob.locator(".private-adversary").count() == 1
        assert bob.locator(".private-negotiator").count() == 0
        for page in players.values():
            assert "True red line" not in page.content()

        lecturer.get_by_role("button", name="Start").click()
        everyone = [lecturer, *players.values()]
        for number, choices in PLAN.items():
            for page, action in zip((ann, cy, bob), choices[:3], strict=False):
                choose(page, action)
            if number == 1:  # a crafted message for the other side is refused
                bob.evaluate(EMIT_CHOICE, [CHOICE, "negotiator/walk_away"])
                refusal = bob.get_by_test_id("refusal")
                refusal.wait_for()
                assert "only for the role you were given" in refusal.text_content()
                ann.get_by_test_id("mine").filter(has_text="Your choice: engage").wait_for()
                assert bob.get_by_test_id("mine").text_content() == "Your choice: walk_away"
            for page in everyone:  # three of four have chosen: the week waits
                week(page, number - 1)
                assert "Waiting for: Adversary (A)" in page.content()
            choose(dee, choices[3], last=True)
            for page in everyone:
                week(page, number)

        # week 5: only the negotiator chooses; the timer ends the week
        lecturer.get_by_label("Timer per week (s, 0: none)").fill("5")
        lecturer.get_by_label("Timer per week (s, 0: none)").press("Enter")
        lecturer.get_by_role("button", name="Set timer").click()
        lecturer.get_by_test_id("room-status").filter(has_text="s left this week").wait_for()
        choose(ann, "walk_away")
        choose(cy, "walk_away")
        for page in everyone:
            week(page, 5)

        lecturer.get_by_role("button", name="Reveal red lines").click()
        bob.get_by_test_id("truth-negotiator").wait_for()
        assert ann.locator(".private-adversary").count() == 1
        lecturer.get_by_role("button", name="End", exact=True).click()
        for page in everyone:
            page.get_by_text("Debrief: what the class changed").wait_for()

        text = download(lecturer, "Save as scenario").decode()
        run = pd.read_csv(io.BytesIO(download(lecturer, "Download the class's run (CSV)")))
        log = pd.read_csv(io.BytesIO(download(lecturer, "Download the log (CSV)")))

    scenario = load_config(yaml.safe_load(text))
    assert scenario.steps == 5
    replay = simulate(scenario.scenario_spec("class"), replicate_seed(scenario.seed, 0), 5)
    ts = replay.timeseries
    for column in ("legitimacy_negotiator", "legitimacy_adversary", "narrative_share"):
        assert ts[column].tolist() == run[column].tolist()
    for side in ("negotiator", "adversary"):
        applied = log[log["role"] == side].drop_duplicates("week").set_index("week")["applied"]
        assert applied.tolist() == run[f"action_{side}"].iloc[1:].tolist()
        assert applied.tolist() == ts[f"action_{side}"].iloc[1:].tolist()
    majority = {1: "walk_away", 2: "sanction", 3: "escalate_rhetoric", 4: "engage"}
    for number, action in majority.items():
        assert applied[number] == action  # the adversary's majority, week by week
    week5 = log[(log["week"] == 5) & (log["role"] == "adversary")]
    assert week5["source"].tolist() == ["timer: strategy"]
    assert log[(log["week"] == 5) & (log["role"] == "negotiator")]["applied"].tolist() == [
        "walk_away",
        "walk_away",
    ]


def test_a_classroom_on_every_interface_needs_its_token_and_refuses_foreign_origins(tmp_path):
    import urllib.error
    import urllib.request
    import uuid

    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    def status(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def handshake(port: int, origin: str, cookie: str | None = None) -> int:
        url = (
            f"ws://127.0.0.1:{port}/jupyter/api/kernels/{uuid.uuid4()}/channels"
            f"?session_id={uuid.uuid4()}"
        )
        headers = {"Cookie": cookie} if cookie else None
        try:
            with connect(url, origin=origin, additional_headers=headers, open_timeout=20):
                return 101
        except InvalidStatus as refused:
            return refused.response.status_code

    with start_classroom(class_config(tmp_path), "--host", "0.0.0.0") as served:
        assert any(line.startswith("WARNING: listening on 0.0.0.0") for line in served.stderr)
        token = served.participants.split("token=")[1]
        assert len(token) >= 32 and f"token={token}" in served.lecturer
        base = f"http://127.0.0.1:{served.port}/"
        assert status(base) == 403
        assert status(f"{base}lecturer?key={served.lecturer.split('key=')[1]}") == 403
        assert status(served.participants) == 200
        cookie = f"diplomacy-dashboard-token-{served.port}={token}"
        assert handshake(served.port, base.rstrip("/")) == 403
        assert handshake(served.port, base.rstrip("/"), cookie) == 101
        assert handshake(served.port, "http://evil.example", cookie) == 403
