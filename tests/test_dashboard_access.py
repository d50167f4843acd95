"""Who may reach the dashboard, without a browser: the Origin, Host and token checks in front of
Solara, and the `dashboard` command's options for a server on a network.

The browser tests of the same rules, against a real server, are in test_dashboard_security.py.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

import run
from dashboards.guard import AccessGuard, Origins, cookie_name, is_loopback

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.yaml"


# -------------------------------------------------------------------------------------------
# The access guard
# -------------------------------------------------------------------------------------------


def test_origins_of_a_loopback_server_are_its_loopback_names_on_its_port():
    origins = Origins.bound_to("127.0.0.1", 8765)
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765"):
        assert origins.allows(f"http://{host}", host)
        assert origins.allows(None, host)
    assert not origins.allows("http://evil.example", "127.0.0.1:8765")
    assert not origins.allows("http://127.0.0.1:9999", "127.0.0.1:8765")
    assert not origins.allows("null", "127.0.0.1:8765")
    assert not origins.allows("https://127.0.0.1:8765", "127.0.0.1:8765")
    assert not origins.allows(None, "evil.example:8765")  # a name re-pointed at this machine
    assert not origins.allows("http://evil.example:8765", "evil.example:8765")


def test_origins_of_a_server_on_every_interface_follow_the_host_header():
    origins = Origins.bound_to("0.0.0.0", 8765)
    assert origins.allows("http://10.1.2.3:8765", "10.1.2.3:8765")
    assert origins.allows("http://localhost:8765", "10.1.2.3:8765")
    assert not origins.allows("http://evil.example", "10.1.2.3:8765")
    assert not origins.allows("http://evil.example:8765", "10.1.2.3:8765")
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.1.2.3")


def call_guard(guard, kind="http", headers=(), query=b""):
    """One request through the guard: (status, response headers, body, reached the app)."""
    reached, sent = [], []

    async def inner(scope, receive, send):
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"app"})

    guard.app = inner

    async def receive():
        return {"type": f"{kind}.request" if kind == "http" else "websocket.connect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": kind,
        "path": "/",
        "query_string": query,
        "headers": [(k.encode(), v.encode()) for k, v in headers],
    }
    asyncio.run(guard(scope, receive, send))
    if kind == "websocket" and sent and sent[0]["type"] == "websocket.close":
        return 403, {}, b"", bool(reached)
    start = sent[0]
    names = {k.decode(): v.decode() for k, v in start.get("headers", [])}
    return start["status"], names, sent[1]["body"], bool(reached)


def test_the_guard_refuses_foreign_origins_for_pages_and_websockets():
    guard = AccessGuard(None, Origins.bound_to("127.0.0.1", 8765), None, 8765)
    own = [("host", "127.0.0.1:8765"), ("origin", "http://127.0.0.1:8765")]
    foreign = [("host", "127.0.0.1:8765"), ("origin", "http://evil.example")]
    assert call_guard(guard, "http", own)[0] == 200
    assert call_guard(guard, "websocket", own)[3]
    status, _, body, reached = call_guard(guard, "http", foreign)
    assert (status, reached) == (403, False) and b"evil" not in body
    assert call_guard(guard, "websocket", foreign)[:1] == (403,)
    assert not call_guard(guard, "websocket", foreign)[3]


def test_the_guard_requires_the_token_and_sets_a_strict_cookie():
    token = "a-chosen-token-123"
    guard = AccessGuard(None, Origins.bound_to("0.0.0.0", 8765), token, 8765)
    host = [("host", "10.1.2.3:8765")]
    assert call_guard(guard, "http", host)[0] == 403
    assert call_guard(guard, "http", host, b"token=wrong")[0] == 403
    assert call_guard(guard, "websocket", host)[0] == 403
    status, headers, _, reached = call_guard(guard, "http", host, f"token={token}".encode())
    assert status == 200 and reached
    cookie = headers["set-cookie"]
    assert cookie.startswith(f"{cookie_name(8765)}={token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    with_cookie = [*host, ("cookie", f"other=1; {cookie_name(8765)}={token}")]
    assert call_guard(guard, "http", with_cookie)[0] == 200
    assert call_guard(guard, "websocket", with_cookie)[3]
    stale = [*host, ("cookie", f"{cookie_name(8765)}=old-token-value")]
    assert call_guard(guard, "websocket", stale)[0] == 403


# -------------------------------------------------------------------------------------------
# The command
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--max-sessions", "0"], "--max-sessions: expected an integer >= 1, found 0"),
        (["--idle-timeout", "-5"], "--idle-timeout: expected a number of minutes > 0, found '-5'"),
        (["--idle-timeout", "nan"], "--idle-timeout: expected a number of minutes > 0"),
        (["--token", "short"], "--token: expected at least 8 letters, digits"),
        (["--token", "has space in it"], "--token: expected at least 8 letters, digits"),
    ],
)
def test_dashboard_command_checks_its_new_options_in_one_line(capsys, arguments, expected):
    assert run.main(["dashboard", str(BASELINE), *arguments]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0]
    if arguments[0] == "--token":
        assert arguments[1] not in err[0]


def test_dashboard_command_refuses_a_results_path_that_is_a_file(tmp_path, capsys):
    stray = tmp_path / "results"
    stray.write_text("not a folder")
    assert run.main(["dashboard", str(BASELINE), "--results", str(stray)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: --results: expected a folder of results, found a file: {stray}"
    ]


def test_dashboard_help_documents_the_new_options(capsys):
    with pytest.raises(SystemExit):
        run.main(["dashboard", "--help"])
    out = capsys.readouterr().out
    for option in ("--results DIR", "--token TOKEN", "--max-sessions N", "--idle-timeout MINUTES"):
        assert option in out
    assert "--host 0.0.0.0" in out and "SECURITY.md" in out


def test_the_server_environment_carries_paths_limits_and_token(tmp_path, monkeypatch):
    from dashboards import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DIPLOMACY_DASHBOARD_TOKEN", "from-the-environment")
    shutil.copy(BASELINE, tmp_path / "mine.yaml")
    args = run.build_parser().parse_args(
        ["dashboard", "mine.yaml", "--host", "0.0.0.0", "--idle-timeout", "2.5"]
    )
    assert cli.access_token(args) == "from-the-environment"
    env = cli.server_environment(args, "chosen-token-1")
    assert env["DIPLOMACY_DASHBOARD_CONFIG"] == str(tmp_path / "mine.yaml")
    assert env["DIPLOMACY_DASHBOARD_RESULTS"] == str(tmp_path / "results")
    assert env["DIPLOMACY_DASHBOARD_TOKEN"] == "chosen-token-1"
    assert env["DIPLOMACY_DASHBOARD_MAX_SESSIONS"] == "20"
    assert env["SOLARA_KERNEL_CULL_TIMEOUT"] == "150s"
    monkeypatch.delenv("DIPLOMACY_DASHBOARD_TOKEN")
    generated = cli.access_token(args)
    assert generated and len(generated) >= 32 and generated != cli.access_token(args)
    loopback = run.build_parser().parse_args(["dashboard", "mine.yaml"])
    assert cli.access_token(loopback) is None
    assert "DIPLOMACY_DASHBOARD_TOKEN" not in cli.server_environment(loopback, None)


def test_origins_on_port_80_may_leave_the_port_unsaid():
    origins = Origins.bound_to("127.0.0.1", 80)
    assert origins.allows("http://localhost", "localhost")
    assert origins.allows("http://127.0.0.1:80", "127.0.0.1:80")
    assert not origins.allows("http://evil.example", "localhost")
