"""Command `classroom`: serve a shared room in which a class plays the two states and the media.

The config is validated first (one line per problem, exit 2) and the address checked; then the
dashboard's server (`dashboards.server`, behind `dashboards.guard`) serves the classroom app
(`classroom.app`) in a child process. The command prints two links: the lecturer's, which
carries the lecturer's key (keep it to yourself), and the participants' (share it, or show the
QR code on the lecturer's page). Off loopback the server requires the access token, which both
links carry, and the command warns as `run.py dashboard` does.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import FrameType

from classroom.hall import JOIN_URL_ENV, LECTURER_KEY_ENV
from dashboards.catalog import CONFIG_ENV
from dashboards.cli import (
    ROOT,
    access_token,
    add_serving_arguments,
    check_address,
    server_command,
)
from dashboards.guard import WILDCARD_HOSTS, is_loopback
from dashboards.server import TOKEN_ENV, solara_settings
from experiments.clitypes import EXIT_FAILED, EXIT_OK

APP = "classroom.app"
"""The Solara app the classroom server serves."""
IDLE_MINUTES = 240.0
"""A participant's page closed this long ago is culled (a class lasts less)."""


def links(host: str, port: int, token: str | None, key: str) -> tuple[str, str]:
    """The lecturer's link and the participants' link, as other machines reach the server."""
    shown = socket.gethostname() if host in WILDCARD_HOSTS else host
    shown = f"[{shown}]" if ":" in shown else shown
    base = f"http://{shown}:{port}"
    query = f"?token={token}" if token else ""
    lecturer = f"{base}/lecturer{query}{'&' if query else '?'}key={key}"
    return lecturer, f"{base}/{query}"


def server_environment(config: Path, token: str | None, key: str, join: str) -> dict[str, str]:
    """The child's environment: Solara's settings, the classroom app, config, key, token."""
    env = dict(os.environ)
    env.pop(TOKEN_ENV, None)
    env.update(solara_settings(IDLE_MINUTES))
    env["SOLARA_APP"] = APP
    env[CONFIG_ENV] = str(config.resolve())
    env[LECTURER_KEY_ENV] = key
    env[JOIN_URL_ENV] = join
    if token is not None:
        env[TOKEN_ENV] = token
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONWARNINGS"] = ",".join(
        filter(None, [env.get("PYTHONWARNINGS"), "ignore::UserWarning:solara.server.starlette"])
    )
    return env


def cmd_classroom(args: argparse.Namespace) -> int:
    """Validate the config, check the address, then serve the classroom until Ctrl-C."""
    from dashboards.session import load_live_config

    config = load_live_config(Path(args.config))
    token = access_token(args)
    check_address(args.host, args.port)
    key = secrets.token_urlsafe(18)
    lecturer, join = links(args.host, args.port, token, key)
    if not is_loopback(args.host):
        for line in (
            f"WARNING: listening on {args.host}: other machines on the network can reach port "
            f"{args.port}.",
            "WARNING: share only the participants' link; the lecturer's link runs the room.",
            "WARNING: allow the port only on the class's network firewall; see SECURITY.md.",
        ):
            print(line, file=sys.stderr, flush=True)
    print(f"classroom on {config.name}: {args.config}", flush=True)
    print(f"  lecturer (keep private): {lecturer}", flush=True)
    print(f"  participants: {join}", flush=True)
    print("press Ctrl-C to stop", flush=True)
    child = subprocess.Popen(
        server_command(args.host, args.port),
        cwd=ROOT,
        env=server_environment(Path(args.config), token, key, join),
    )

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        status = child.wait()
    except KeyboardInterrupt:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        print("classroom stopped", file=sys.stderr)
        return EXIT_OK
    finally:
        signal.signal(signal.SIGTERM, previous)
    if status != 0:
        print(f"error: the classroom server stopped with status {status}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `classroom` to the command line."""
    classroom = commands.add_parser(
        "classroom",
        help="a shared room: a class plays the two states and the media in one run",
        description=(
            "Serve a classroom room on a config (default: configs/baseline.yaml).\n"
            "The lecturer's page creates the room, shows its join code and QR code, assigns\n"
            "roles, starts, pauses, reveals the red lines and ends; participants join with\n"
            "the code and choose their side's action or their outlet's slant each week.\n"
            "It prints the lecturer's link (keep it) and the participants' link. On an\n"
            "address other machines can reach it warns and requires a token, which both\n"
            "links carry. Ctrl-C stops it. See SECURITY.md."
        ),
        epilog=(
            "example: python run.py classroom configs/walkout.yaml --port 8766\n"
            "example: python run.py classroom configs/walkout.yaml --host 0.0.0.0\n"
            "         (a class on a network: show the QR code; see SECURITY.md)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_serving_arguments(classroom, port=8766)
    classroom.set_defaults(handler=cmd_classroom)
