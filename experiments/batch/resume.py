"""What a batch finds in its results folder before it runs: the runs already done.

A batch resumes only a folder of its own config and model version, written with checksums;
every part is checked (`experiments.store.verify`): a foreign or duplicated part stops the
batch before it runs anything, a damaged chunk is set aside in ``damaged/`` and its runs run
again. ``--fresh`` deletes earlier results instead, after confirmation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from experiments.batch.outcome import NotConfirmedError
from experiments.batch.plan import RunPlan
from experiments.store.layout import (
    DAMAGED,
    TIMESERIES,
    ResultsError,
    committed_parts,
    holds_batch,
)
from experiments.store.manifest import MANIFEST_FORMAT, Manifest, PartEntry
from experiments.store.verify import set_aside
from experiments.store.writer import ResultsStore
from model.version import MODEL_VERSION


def earlier_batch(
    store: ResultsStore,
    digest: str,
    fresh: bool,
    confirm: Callable[[str], bool] | None,
) -> Manifest | None:
    """The manifest of the batch already in the folder (None if none, or with `fresh`).

    Args:
        store: the results folder.
        digest: the hash of this batch's config.
        fresh: delete earlier results (after `confirm`) rather than resume them.
        confirm: asked before deleting earlier results; returns whether to go ahead.

    Raises:
        NotConfirmedError: `fresh` was not confirmed.
        ResultsError: the folder holds another config's or model version's results, or batch
            files without a usable manifest.
    """
    root = store.root
    if not holds_batch(root):
        return None
    if fresh:
        parts = len(committed_parts(root, TIMESERIES))
        question = (
            f"{root} holds batch results ({parts} finished chunk{'s' * (parts != 1)}); "
            "delete them and start over?"
        )
        if confirm is None or not confirm(question):
            raise NotConfirmedError(f"not confirmed; nothing in {root} was deleted")
        return None
    instead = "use another --out, or --fresh to delete them and start over"
    previous = store.read_manifest()
    if previous is None:
        raise ResultsError(
            f"{root}: holds batch files but no manifest.json; rebuild it with "
            f"`python run.py repair {root}`, or {instead}"
        )
    if previous.config_hash != digest:
        raise ResultsError(
            f"{root}: holds results of a different config ({previous.config_path}"
            f", {previous.config_hash[:19]}...); {instead}"
        )
    if previous.model_version != MODEL_VERSION:
        raise ResultsError(
            f"{root}: holds results of model version {previous.model_version}, "
            f"this is {MODEL_VERSION}; {instead}"
        )
    if previous.format < MANIFEST_FORMAT:
        raise ResultsError(
            f"{store.manifest_path}: written before parts carried checksums; check its parts "
            f"and record them with `python run.py repair {root}`, or {instead}"
        )
    return previous


def verified_runs(
    store: ResultsStore,
    plan: RunPlan,
    digest: str,
    agents: bool,
    warn: Callable[[str], None],
) -> tuple[np.ndarray, dict[str, PartEntry]]:
    """The runs of the folder's verified chunks (a mask over the plan), and their listing.

    Once the folder is accepted, what interrupted chunks left is removed and damaged chunks
    are set aside.

    Raises:
        ResultsError: naming a foreign or duplicated part (nothing is changed).
    """
    check = store.check(digest, agents)
    refusal = check.refusal(rerun=True)
    if refusal is not None:
        raise ResultsError(refusal)
    store.remove_unfinished()
    for name, problems in sorted(check.damaged.items()):
        runs = check.listing[name].runs
        set_aside(store.root, name)
        warn(f"{problems[0]}; set aside in {store.root / DAMAGED}, its {runs} runs run again")
    done = np.zeros(len(plan), dtype=bool)
    for name in check.chunks:
        scenarios, points, replicates = zip(*check.runs[name], strict=True)
        index = plan.index_of(scenarios, points, replicates)
        done[index[index >= 0]] = True
    return done, {name: check.listing[name] for name in check.chunks}


def done_check(plan: RunPlan, done: np.ndarray) -> Callable[[Mapping[str, Any]], bool]:
    """Whether a failure record's run is done now (or outside the plan, so not to be kept)."""

    def is_done(record: Mapping[str, Any]) -> bool:
        index = plan.index_of(
            [record.get("scenario")],
            [record.get("design_point", -1)],
            [record.get("replicate", -1)],
        )[0]
        return index < 0 or bool(done[index])

    return is_done
