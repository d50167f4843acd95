"""What the dashboard accepts from a browser, without a browser: only names it offered, messages
without file content, and sessions that are limited and freed when they close.

The browser tests of the same rules, against a real server, are in test_dashboard_security.py.
"""

from __future__ import annotations

import gc
import os
import time
import weakref
from pathlib import Path

import ipywidgets
import pytest
import solara
import yaml

from dashboards import app, registry
from dashboards.catalog import (
    CONFIG_ENV,
    ConfigCatalog,
    NotOfferedError,
    ResultsCatalog,
    page_lines,
)
from dashboards.compare_page import offered_comparison
from dashboards.registry import SessionRegistry
from dashboards.session import DashboardSession
from experiments.errors import UsageError
from model.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.yaml"
SECRET = "s3cret-value-in-a-file"


def small_config(folder: Path, name: str = "small", **top) -> Path:
    data = {"name": name, "steps": 20, "seed": 5, "model": {"observers": 60}}
    data["scenarios"] = {"both_engage": {}}
    data.update(top)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture
def configs(tmp_path) -> Path:
    folder = tmp_path / "configs"
    folder.mkdir()
    small_config(folder)
    small_config(folder, "other")
    (folder / "broken.yaml").write_text(f"name: broken\nsteps: {SECRET}\nscenarios: {{a: {{}}}}\n")
    (folder / "notes.txt").write_text("not a config\n")
    (folder / ".hidden.yaml").write_text("name: hidden\nscenarios: {a: {}}\n")
    (folder / "sub.yaml").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    small_config(outside, "foreign", description=SECRET)
    (folder / "linked.yaml").symlink_to(outside / "foreign.yaml")
    return folder


# -------------------------------------------------------------------------------------------
# Offered names
# -------------------------------------------------------------------------------------------


def test_the_config_catalog_offers_only_the_yaml_files_of_its_folder(configs):
    catalog = ConfigCatalog.beside(configs / "small.yaml")
    assert catalog.names() == ["broken.yaml", "other.yaml", "small.yaml"]
    assert catalog.path("other.yaml") == configs.resolve() / "other.yaml"
    small_config(configs, "added")
    assert "added.yaml" in catalog.names()  # listed again on every request


@pytest.mark.parametrize(
    "name",
    [
        "/etc/passwd",
        "../outside/foreign.yaml",
        "linked.yaml",  # a link out of the folder
        ".hidden.yaml",
        "sub.yaml",
        "notes.txt",
        "missing.yaml",
        "",
        None,
        ["small.yaml"],
    ],
)
def test_a_name_not_offered_is_refused_the_same_way_without_echo(configs, tmp_path, name):
    catalog = ConfigCatalog.beside(configs / "small.yaml")
    with pytest.raises(NotOfferedError) as refused:
        catalog.path(name)
    message = str(refused.value)
    assert message == (
        "config: expected one of the configs offered in the list "
        "(broken.yaml, other.yaml, small.yaml)"
    )
    absolute = tmp_path / "outside" / "foreign.yaml"
    with pytest.raises(NotOfferedError) as also:
        catalog.path(str(absolute))
    assert str(also.value) == message


def test_the_results_catalog_offers_results_folders_newest_first(tmp_path):
    root = tmp_path / "results"
    for name in ("older", "newer", "not_results"):
        (root / name).mkdir(parents=True)
    for age, name in ((200, "older"), (100, "newer")):
        manifest = root / name / "manifest.json"
        manifest.write_text("{}")
        stamp = time.time() - age
        os.utime(manifest, (stamp, stamp))
    (root / "stray.json").write_text("{}")
    catalog = ResultsCatalog.under(root)
    assert catalog.names() == ["newer", "older"]
    messages = set()
    for name in ("/etc", "/etc/passwd", "/no/such/folder", "not_results", "stray.json", "../x"):
        with pytest.raises(NotOfferedError) as refused:
            catalog.path(name)
        messages.add(str(refused.value))
    assert messages == {
        "results folder: expected one of the results folders offered in the list (newer, older)"
    }
    assert ResultsCatalog.under(tmp_path / "none").names() == []


def test_page_lines_name_the_file_and_key_path_but_never_the_content(configs):
    with pytest.raises(ConfigError) as error:
        load_config(configs / "broken.yaml")
    assert SECRET in "\n".join(error.value.lines)  # the command line shows the detail
    assert page_lines(error.value, "broken.yaml") == ["broken.yaml: steps: expected an integer"]
    passwd = configs / "passwd.yaml"
    passwd.write_text(f"root:x:0:0:{SECRET}:/root:/bin/bash\ndaemon:x:1:1::/:/bin/false\n")
    malformed = configs / "malformed.yaml"
    malformed.write_text(f"name: x\nscenarios: *{SECRET}\n")
    for path in (passwd, malformed):
        with pytest.raises(ConfigError) as error:
            load_config(path)
        assert SECRET in "\n".join(error.value.problems)
        lines = page_lines(error.value, path.name)
        assert lines and all(line.startswith(f"{path.name}: ") for line in lines)
        assert SECRET not in "\n".join(lines) and "root:x" not in "\n".join(lines)
    with pytest.raises(ConfigError) as error:
        load_config(configs / "gone.yaml")
    assert page_lines(error.value, "gone.yaml") == ["gone.yaml: file not found"]


def test_a_session_opens_offered_configs_by_name_only(configs, tmp_path):
    session = DashboardSession.open(configs / "small.yaml")
    session.step(3)
    run_before = session.run
    for name in ("/etc/passwd", str(tmp_path / "outside" / "foreign.yaml"), "linked.yaml"):
        assert not session.open_config(name)
        assert session.problems == [
            "config not opened: config: expected one of the configs offered in the list "
            "(broken.yaml, other.yaml, small.yaml)"
        ]
        assert session.run is run_before and session.step_count == 3
    assert not session.open_config("broken.yaml")
    assert session.problems == ["config not opened: broken.yaml: steps: expected an integer"]
    assert session.open_config("other.yaml")
    assert session.config.name == "other" and session.step_count == 0
    assert session.config_path == configs.resolve() / "other.yaml"


def test_the_page_started_on_a_broken_config_shows_no_content_and_offers_its_folder(
    configs, monkeypatch
):
    monkeypatch.setenv(CONFIG_ENV, str(configs / "broken.yaml"))
    session = app.open_session()
    assert session.problems == ["config not opened: broken.yaml: steps: expected an integer"]
    assert session.available_configs() == ["broken.yaml", "other.yaml", "small.yaml"]
    assert session.open_config("small.yaml")


def test_the_compare_page_refuses_a_folder_not_offered_without_an_oracle(tmp_path):
    root = tmp_path / "results"
    (root / "walkout").mkdir(parents=True)
    (root / "walkout" / "manifest.json").write_text("{}")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "manifest.json").write_text("{}")
    catalog = ResultsCatalog.under(root)
    messages = set()
    for name in (str(tmp_path / "elsewhere"), "/etc", "/etc/passwd", "/missing", "../elsewhere"):
        with pytest.raises(UsageError) as refused:
            offered_comparison(catalog, name, "legitimacy_negotiator")
        messages.add(str(refused.value))
    assert len(messages) == 1 and "elsewhere" not in messages.pop()
    with pytest.raises(UsageError) as damaged:
        offered_comparison(catalog, "walkout", "legitimacy_negotiator")
    assert "walkout" in str(damaged.value) and str(root) not in str(damaged.value)


# -------------------------------------------------------------------------------------------
# Session limits
# -------------------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_registry_limits_sessions_and_closes_idle_ones():
    clock, closed = Clock(), []
    seats = SessionRegistry(2, idle_seconds=60, close=closed.append, clock=clock)
    assert seats.claim("a") and seats.claim("b")
    assert not seats.claim("c")
    assert seats.claim("a")  # a session keeps its seat
    clock.now = 50
    seats.touch("a")
    clock.now = 70
    assert seats.expire() == ["b"] and closed == ["b"]
    assert seats.claim("c") and len(seats) == 2
    seats.release("a")
    assert "a" not in seats and seats.claim("d")


def open_kernel(name):
    """A Solara kernel like the server's, rendering the dashboard's page."""
    from solara.server import app as solara_app
    from solara.server import kernel, kernel_context

    context = kernel_context.VirtualKernelContext(
        id=name, kernel=kernel.Kernel(), session_id=f"session-{name}"
    )
    with context:
        ipywidgets.register_comm_target(context.kernel)
        solara_app.register_solara_comm_target(context.kernel)
        _, rc = solara.render(app.Page(), handle_error=False)
        context.app_object = rc
    return context, rc


def no_seat_shown(rc) -> bool:
    import ipyvuetify

    return any(
        (w.attributes or {}).get("data-testid") == "no-seat"
        for w in rc.find(ipyvuetify.Alert).widgets
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Solara's server internals, run here
def test_a_closed_session_frees_its_seat_and_its_model(configs, monkeypatch):
    import solara.server.starlette  # noqa: F401  (per-kernel storage, as in the server)

    monkeypatch.setenv(CONFIG_ENV, str(configs / "small.yaml"))
    seats = SessionRegistry(1, idle_seconds=600, close=lambda key: None)
    registry.install(seats)
    made: list[weakref.ref] = []
    opened = app.open_session

    def spy():
        session = opened()
        made.extend([weakref.ref(session), weakref.ref(session.run)])
        return session

    monkeypatch.setattr(app, "open_session", spy)
    try:
        first, first_rc = open_kernel("first")
        second, second_rc = open_kernel("second")
        assert len(made) == 2 and "first" in seats
        assert no_seat_shown(second_rc) and not no_seat_shown(first_rc)
        del first_rc
        first.close(reason="page-close")
        gc.collect()
        assert "first" not in seats
        assert [ref() for ref in made] == [None, None]
        with second:
            import ipyvuetify

            retry = second_rc.find(ipyvuetify.Btn, children=["Try again"]).widget
            retry.click()
        assert not no_seat_shown(second_rc) and len(made) == 4
        assert made[-1]() is not None and "second" in seats
        second.close(reason="cull")
    finally:
        registry.install(None)
