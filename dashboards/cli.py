"""Command `dashboard`: serve the live Solara dashboard on a config.

The config is validated first (a bad one: one line per problem, exit 2) and the address is
checked (a port in use: one line, exit 2); then Solara serves `dashboards.app` in production
mode, offline (its browser files come from the installed `solara-assets`), in a child process
that reads the config's path from `DIPLOMACY_DASHBOARD_CONFIG`. Ctrl-C stops both.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import FrameType

from experiments.clitypes import EXIT_FAILED, EXIT_OK, port_number
from experiments.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = ROOT / "configs" / "baseline.yaml"
STOP_TIMEOUT = 10.0
GRACE = 3.0


def check_address(host: str, port: int) -> None:
    """Raise UsageError unless a server can listen on `host`:`port` now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UsageError(f"--host: expected an address of this machine, found {host!r}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"--port: {port} is already in use on {host}; choose another with --port N"
                ) from None
            raise UsageError(
                f"--host/--port: cannot listen on {host}:{port} ({error.strerror or error})"
            ) from None


def server_command(host: str, port: int) -> list[str]:
    """The command that serves the dashboard app with Solara in production mode."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "dashboards.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
        "--log-level-uvicorn",
        "warning",
    ]


def server_environment(config: Path) -> dict[str, str]:
    """The child's environment: the config path, the project on the path, no telemetry."""
    from dashboards.session import CONFIG_ENV

    env = dict(os.environ)
    env[CONFIG_ENV] = str(config.resolve())
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env["SOLARA_THEME_VARIANT"] = "light"
    # Solara warns on every page load that a same-site cookie needs https; on a local http
    # server that is expected, and the warning would bury the server's own messages.
    env["PYTHONWARNINGS"] = ",".join(
        filter(None, [env.get("PYTHONWARNINGS"), "ignore::UserWarning:solara.server.starlette"])
    )
    return env


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Validate the config, check the address, then serve the dashboard until Ctrl-C."""
    from model.config import load_config

    config = load_config(args.config)
    check_address(args.host, args.port)
    url = f"http://{args.host}:{args.port}"
    print(f"dashboard on {url} ({config.name}: {args.config}); press Ctrl-C to stop", flush=True)
    child = subprocess.Popen(
        server_command(args.host, args.port), cwd=ROOT, env=server_environment(args.config)
    )

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise _TerminatedError

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        status = child.wait()
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group, the server too
        _stop(child, already_signalled=True)
        print("dashboard stopped", file=sys.stderr)
        return EXIT_OK
    except _TerminatedError:
        _stop(child, already_signalled=False)
        print("dashboard stopped", file=sys.stderr)
        return EXIT_OK
    finally:
        signal.signal(signal.SIGTERM, previous)
    if status != 0:
        print(f"error: the dashboard server stopped with status {status}", file=sys.stderr)
        return EXIT_FAILED
    print("dashboard stopped", file=sys.stderr)
    return EXIT_OK


class _TerminatedError(Exception):
    """SIGTERM reached this process."""


def _stop(child: subprocess.Popen, already_signalled: bool) -> None:
    """Let the server stop as after Ctrl-C (one SIGINT: a clean shutdown), then insist."""
    if already_signalled:
        try:
            child.wait(timeout=GRACE)
            return
        except subprocess.TimeoutExpired:
            pass
    if child.poll() is None:
        child.send_signal(signal.SIGINT)
    try:
        child.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def register(commands: argparse._SubParsersAction) -> None:
    """Add `dashboard` to the command line."""
    dashboard = commands.add_parser(
        "dashboard",
        help="the live Solara dashboard: watch the narrative shift and intervene",
        description="Serve the live dashboard on a config (default: configs/baseline.yaml). "
        "It listens on 127.0.0.1 unless --host says otherwise, works offline, and gives every "
        "browser session its own model. Ctrl-C stops it.",
        epilog="example: python run.py dashboard configs/walkout.yaml --port 8765",
    )
    dashboard.add_argument(
        "config",
        nargs="?",
        default=DEFAULT_CONFIG,
        type=Path,
        metavar="CONFIG",
        help="YAML config file (default: configs/baseline.yaml)",
    )
    dashboard.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    dashboard.add_argument(
        "--port", type=port_number, default=8765, metavar="N", help="port (default: 8765)"
    )
    dashboard.set_defaults(handler=cmd_dashboard)
