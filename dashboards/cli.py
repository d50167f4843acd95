"""Command `dashboard`: serve the live Solara dashboard on a config.

The config is validated first (a bad one: one line per problem, exit 2) and the address and
options are checked (a port in use, a results path that is a file, a bad token: one line, exit
2); then `dashboards.server` serves `dashboards.app` in production mode, offline (its browser
files come from the installed `solara-assets`), in a child process that reads the config's path,
the results folder, the session limits and the token from the environment. Ctrl-C stops both.

Bound to an address other machines can reach, the command warns, and the server requires a
token: a random one, or the one given with ``--token`` (or `TOKEN_ENV`); it prints the link
that carries it, as Jupyter does.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import FrameType

from dashboards.catalog import CONFIG_ENV, RESULTS_ENV
from dashboards.guard import WILDCARD_HOSTS, is_loopback
from dashboards.registry import (
    DEFAULT_HEAVY_WORK,
    DEFAULT_IDLE_MINUTES,
    DEFAULT_MAX_HEAVY,
    DEFAULT_MAX_SESSIONS,
    HEAVY_WORK_ENV,
    IDLE_MINUTES_ENV,
    MAX_HEAVY_ENV,
    MAX_SESSIONS_ENV,
)
from dashboards.server import TOKEN_ENV, solara_settings
from experiments.clitypes import EXIT_FAILED, EXIT_OK, port_number, positive_int
from experiments.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = ROOT / "configs" / "baseline.yaml"
STOP_TIMEOUT = 10.0
GRACE = 3.0
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9._~-]{8,}")
"""A token the user chooses: at least 8 characters that need no escaping in a URL."""


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
    """The command that serves the dashboard app (see `dashboards.server`)."""
    return [sys.executable, "-m", "dashboards.server", "--host", host, "--port", str(port)]


def server_environment(args: argparse.Namespace, token: str | None) -> dict[str, str]:
    """The child's environment: config, results, limits, token, Solara's settings, the project."""
    env = dict(os.environ)
    env.pop(TOKEN_ENV, None)
    env.update(solara_settings(args.idle_timeout))
    env[CONFIG_ENV] = str(Path(args.config).resolve())
    env[RESULTS_ENV] = str(Path(args.results).resolve())
    env[MAX_SESSIONS_ENV] = str(args.max_sessions)
    env[IDLE_MINUTES_ENV] = f"{args.idle_timeout:g}"
    env[MAX_HEAVY_ENV] = str(getattr(args, "max_heavy_sessions", DEFAULT_MAX_HEAVY))
    env[HEAVY_WORK_ENV] = str(getattr(args, "heavy_run", DEFAULT_HEAVY_WORK))
    if token is not None:
        env[TOKEN_ENV] = token
    # Fewer malloc arenas for the page threads: less of a closed session's memory is left
    # stranded in an arena (glibc; other C libraries ignore it).
    env.setdefault("MALLOC_ARENA_MAX", "2")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    # Solara warns on every page load that a same-site cookie needs https; on a local http
    # server that is expected, and the warning would bury the server's own messages.
    env["PYTHONWARNINGS"] = ",".join(
        filter(None, [env.get("PYTHONWARNINGS"), "ignore::UserWarning:solara.server.starlette"])
    )
    return env


def access_token(args: argparse.Namespace) -> str | None:
    """The token the server requires: --token, else `TOKEN_ENV`, else a random one off loopback.

    Raises:
        UsageError: a chosen token too short or with characters a URL would escape.
    """
    chosen = args.token if args.token is not None else os.environ.get(TOKEN_ENV)
    if chosen is not None:
        if not TOKEN_PATTERN.fullmatch(chosen):
            raise UsageError(
                "--token: expected at least 8 letters, digits, '-', '_', '.' or '~', "
                f"found {len(chosen)} characters that are not"
            )
        return chosen
    return None if is_loopback(args.host) else secrets.token_urlsafe(24)


def check_results(path: Path) -> None:
    """Raise UsageError if `path` exists and is not a folder (a missing one is fine: no results)."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"--results: expected a folder of results, found a file: {path}")


def announce(args: argparse.Namespace, name: str, token: str | None) -> None:
    """Print where the dashboard is, with its token; warn loudly off loopback."""
    query = f"?token={token}" if token else ""
    port, host = args.port, args.host
    shown = socket.gethostname() if host in WILDCARD_HOSTS else host
    shown = f"[{shown}]" if ":" in shown else shown
    if not is_loopback(host):
        for line in (
            f"WARNING: listening on {host}: other machines on the network can reach port {port}.",
            "WARNING: anyone with the link below can run simulations, open the configs in "
            f"{Path(args.config).resolve().parent} and read the results under "
            f"{Path(args.results).resolve()}.",
            "WARNING: share the link only with your class, allow the port only on that network's "
            "firewall, and see SECURITY.md.",
        ):
            print(line, file=sys.stderr, flush=True)
    print(
        f"dashboard on http://{shown}:{port}/{query} ({name}: {args.config}); press Ctrl-C to stop",
        flush=True,
    )
    if host in WILDCARD_HOSTS:
        print(f"  on this machine: http://127.0.0.1:{port}/{query}", flush=True)


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Validate the config, check the address, then serve the dashboard until Ctrl-C."""
    from dashboards.session import load_live_config

    config = load_live_config(Path(args.config))
    check_results(Path(args.results))
    token = access_token(args)
    check_address(args.host, args.port)
    announce(args, config.name, token)
    child = subprocess.Popen(
        server_command(args.host, args.port), cwd=ROOT, env=server_environment(args, token)
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


def positive_minutes(text: str) -> float:
    """An argparse type: a positive number of minutes."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"expected a number of minutes > 0, found {text!r}")
    return value


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
        description=(
            "Serve the live dashboard on a config (default: configs/baseline.yaml).\n"
            "It listens on 127.0.0.1 unless --host says otherwise, works offline, and gives\n"
            "every browser session its own model. The page offers the configs in the\n"
            "config's folder and the results folders under --results, nothing else.\n"
            "On an address other machines can reach it warns and requires a token, which\n"
            "the link it prints carries. Ctrl-C stops it. See SECURITY.md."
        ),
        epilog=(
            "example: python run.py dashboard configs/walkout.yaml --port 8765\n"
            "example: python run.py dashboard configs/walkout.yaml --host 0.0.0.0 "
            "--max-sessions 30\n"
            "         (a class on a network: share the printed link; see SECURITY.md)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_serving_arguments(dashboard, port=8765)
    dashboard.add_argument(
        "--results",
        default=Path("results"),
        type=Path,
        metavar="DIR",
        help="folder whose results folders the Compare tab offers (default: ./results)",
    )
    dashboard.add_argument(
        "--max-sessions",
        type=positive_int,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"browser sessions served at once (default: {DEFAULT_MAX_SESSIONS})",
    )
    dashboard.add_argument(
        "--max-heavy-sessions",
        type=positive_int,
        default=DEFAULT_MAX_HEAVY,
        metavar="N",
        help="sessions running a large model at once (see --heavy-run; default: "
        f"{DEFAULT_MAX_HEAVY}); one more is refused with a message on its page",
    )
    dashboard.add_argument(
        "--heavy-run",
        type=positive_int,
        default=DEFAULT_HEAVY_WORK,
        metavar="OBSERVER_WEEKS",
        help="observers x weeks from which a run counts as large "
        f"(default: {DEFAULT_HEAVY_WORK:,}, i.e. 25,000 observers over 200 weeks)",
    )
    dashboard.add_argument(
        "--idle-timeout",
        type=positive_minutes,
        default=DEFAULT_IDLE_MINUTES,
        metavar="MINUTES",
        help="close a session after this many minutes without a click "
        f"(default: {DEFAULT_IDLE_MINUTES:g})",
    )
    dashboard.set_defaults(handler=cmd_dashboard)


def add_serving_arguments(parser: argparse.ArgumentParser, port: int) -> None:
    """The arguments of a command that serves pages: CONFIG, ``--host``, ``--port``, ``--token``."""
    parser.add_argument(
        "config",
        nargs="?",
        default=DEFAULT_CONFIG,
        type=Path,
        metavar="CONFIG",
        help="YAML config file (default: configs/baseline.yaml)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    parser.add_argument(
        "--port", type=port_number, default=port, metavar="N", help=f"port (default: {port})"
    )
    parser.add_argument(
        "--token",
        default=None,
        metavar="TOKEN",
        help=f"access token the browsers must present (default: ${TOKEN_ENV}, else a random "
        "one when --host is not a loopback address, none on loopback)",
    )
