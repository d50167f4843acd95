"""A batch on a real Dask cluster (a scheduler and two workers started here) equals the local run.

The test starts its own scheduler and workers in their own sessions and stops only those.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from batchkit import (
    SWEPT,
    assert_same_tables,
    cli,
    planned_keys,
    run_keys,
    small_config,
    write_config,
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop a process this test started (its own session), then make sure it is gone."""
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)


def test_a_batch_on_a_dask_cluster_equals_the_local_run(tmp_path):
    from distributed import Client

    dask = str(Path(sys.executable).with_name("dask"))  # the dask of this environment
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "logs"
    logs.mkdir()
    started: list[subprocess.Popen] = []
    opened: list = []

    def launch(name, *args):
        log = open(logs / f"{name}.log", "w")  # noqa: SIM115 - closed after the process stops
        opened.append(log)
        started.append(
            subprocess.Popen(
                [dask, *args],
                cwd=tmp_path,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    config = small_config("cluster", sweep=SWEPT, replications=3)
    path = write_config(tmp_path, config)
    try:
        launch(
            "scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"
        )
        for i in range(2):
            launch(
                f"worker{i}",
                "worker",
                address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=2) as client:
                    client.wait_for_workers(2, timeout=60)
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        done = cli("batch", str(path), "--out", "dask", "--scheduler", address, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "cluster: 12 runs succeeded, 0 failed" in done.stdout
    finally:
        for process in started:
            _stop(process)
        for log in opened:
            log.close()
    assert all(p.poll() is not None for p in started)
    local = cli("batch", str(path), "--out", "local", "--workers", "2", cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    assert_same_tables(tmp_path / "dask" / "cluster", tmp_path / "local" / "cluster")
    assert sorted(run_keys(tmp_path / "dask" / "cluster")) == sorted(planned_keys(config, 2))
    manifest = json.loads((tmp_path / "dask" / "cluster" / "manifest.json").read_text())
    assert address in manifest["sessions"][-1]["executor"]
