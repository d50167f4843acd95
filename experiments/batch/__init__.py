"""Batch experiments: every scenario x design point x replicate of a config, safely on disk.

The plan (`plan`), the chunks a worker runs (`chunks`), where they run (`pools`), how finished
chunks reach the results folder (`dispatch`), what is already done (`resume`), the manifest as
it goes (`record`), how a batch ends (`outcome`), and `run_batch` tying them together
(`orchestration`); `repair` rebuilds a lost manifest.
"""

from experiments.batch.orchestration import BatchOptions, run_batch
from experiments.batch.outcome import BatchError, BatchOutcome, NotConfirmedError
from experiments.batch.plan import RunPlan, plan_runs
from experiments.batch.pools import available_cores
from experiments.batch.record import config_hash

__all__ = [
    "BatchError",
    "BatchOptions",
    "BatchOutcome",
    "NotConfirmedError",
    "RunPlan",
    "available_cores",
    "config_hash",
    "plan_runs",
    "run_batch",
]
