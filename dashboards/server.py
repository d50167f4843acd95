"""The dashboard's web server: Solara's app behind `AccessGuard`, served by uvicorn.

``run.py dashboard`` starts it in a child process as ``python -m dashboards.server --host H
--port P``; everything else comes through the environment, which the command sets: the config
(`CONFIG_ENV`), the results folder (`RESULTS_ENV`), the session limits (`MAX_SESSIONS_ENV`,
`IDLE_MINUTES_ENV`), the access token (`TOKEN_ENV`, absent for none) and Solara's own settings
(production mode, offline assets, the cull timeout of disconnected pages). The token travels
in the environment rather than the command line, which other users of the machine can read.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence

from dashboards.guard import AccessGuard, Origins

TOKEN_ENV = "DIPLOMACY_DASHBOARD_TOKEN"
"""Environment variable holding the access token (none: no token)."""

APP = "dashboards.app"
"""The Solara app the server serves."""


def solara_settings(idle_minutes: float) -> dict[str, str]:
    """Solara's settings for the dashboard, as environment variables.

    Production mode, no telemetry, the light theme, and disconnected pages culled after the
    idle timeout (Solara's default keeps them a day).
    """
    return {
        "SOLARA_APP": APP,
        "SOLARA_MODE": "production",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_VARIANT": "light",
        "SOLARA_KERNEL_CULL_TIMEOUT": f"{max(1.0, idle_minutes * 60.0):g}s",
    }


def build_app(host: str, port: int, token: str | None) -> AccessGuard:
    """Solara's Starlette app (importing it reads Solara's settings) behind the guard."""
    from solara.server.starlette import app

    return AccessGuard(app, Origins.bound_to(host, port), token, port)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the dashboard on --host/--port until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m dashboards.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    os.environ.setdefault("SOLARA_APP", APP)
    os.environ.setdefault("SOLARA_MODE", "production")
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = args.host, str(args.port)
    for name in ("solara", "reacton"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import uvicorn

    app = build_app(args.host, args.port, os.environ.get(TOKEN_ENV) or None)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
