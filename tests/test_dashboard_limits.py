"""The live dashboard refuses a config whose run would not fit the memory limit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dashboards.catalog import ConfigCatalog
from dashboards.session import DashboardSession

ROOT = Path(__file__).resolve().parents[1]
BIG = "name: big\nmodel: {observers: 5000000}\nscenarios: {a: {}}\n"


def test_the_command_refuses_a_config_whose_run_is_too_large(tmp_path):
    (tmp_path / "big.yaml").write_text(BIG)
    done = subprocess.run(
        [sys.executable, "run.py", "dashboard", str(tmp_path / "big.yaml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "5,000,000 observers" in done.stderr and "--force" not in done.stderr


def test_a_session_keeps_its_run_when_an_offered_config_is_too_large(tmp_path):
    (tmp_path / "small.yaml").write_text(
        "name: small\nmodel: {observers: 50}\nscenarios: {a: {}}\n"
    )
    (tmp_path / "big.yaml").write_text(BIG)
    session = DashboardSession.open(tmp_path / "small.yaml")
    assert isinstance(session.configs, ConfigCatalog)
    run_before = session.run
    assert not session.open_config("big.yaml")
    assert session.run is run_before
    assert len(session.problems) == 1 and "above the limit" in session.problems[0]
