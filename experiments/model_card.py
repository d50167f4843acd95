"""The source essay's claims measured over paired seed ensembles: the model card's claims table.

Each row is one claim under one condition: a linear combination of one output over a few
scenarios (usually treatment minus control), computed per seed on common random numbers and
reported as a mean with its 95% t interval over the seeds. A row *holds* when the interval lies
on the side the claim predicts, *fails* when it lies on the other side, and shows *no effect*
when it covers zero. Every figure is a model index, not a forecast; the intervals are Monte
Carlo intervals of the simulation, not significance tests of the world (White et al. 2014).

Commands::

    python -m experiments.model_card              # print the table (about three minutes)
    python -m experiments.model_card --write      # also rewrite it in docs/MODEL_CARD.md
    python -m experiments.model_card --seeds 5    # a quicker, rougher table
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from experiments.clitypes import positive_int
from experiments.runner import RunResult, simulate
from model.config import ModelSpec, resolve_model
from model.documentation import replace_between_markers
from model.streams import replicate_seed
from model.version import MODEL_VERSION

BASE_SEED = 20261125
"""Base seed of the ensembles; replicate r runs with `replicate_seed(BASE_SEED, r)`."""
SEEDS = 30
OBSERVERS = 300
STEPS = 200
MODEL_CARD = Path(__file__).resolve().parents[1] / "docs" / "MODEL_CARD.md"
BEGIN = "<!-- BEGIN GENERATED: claims (python -m experiments.model_card --write) -->"
END = "<!-- END GENERATED: claims -->"

Layer = Mapping[str, Any]


@dataclass(frozen=True)
class Term:
    """One scenario's contribution to a measure: `coefficient` x its output.

    `layers` are `model` mappings merged over the defaults in order; `bloc` names a bloc whose
    mean replaces the model-level mean (the per-bloc table).
    """

    coefficient: float
    layers: tuple[Layer, ...]
    bloc: str | None = None


@dataclass(frozen=True)
class Measure:
    """A claim under one condition: sum of the terms' `column` at `step`, per seed."""

    claim: str
    condition: str
    description: str
    column: str
    step: int
    terms: tuple[Term, ...]
    expected: int
    observers: int = OBSERVERS


@dataclass(frozen=True)
class Result:
    """A measure's mean over seeds with its 95% interval and its verdict."""

    measure: Measure
    mean: float
    low: float
    high: float
    seeds: int

    @property
    def verdict(self) -> str:
        """'holds', 'fails' or 'no effect' from the interval and the predicted sign."""
        if self.low == self.high == 0.0:
            return "no effect (identical)"
        signed = (self.low * self.measure.expected, self.high * self.measure.expected)
        if min(signed) > 0:
            return "holds"
        if max(signed) < 0:
            return "fails (reversed)"
        return "no effect"


def _deep(*layers: Layer) -> dict[str, Any]:
    """Merge mappings key by key (later wins), for building conditions."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
                out[key] = _deep(out[key], value)
            else:
                out[key] = value
    return out


def difference(
    treatment: Layer, control: Layer, condition: Layer | None = None, bloc: str | None = None
) -> tuple[Term, Term]:
    """Terms of treatment minus control, both under `condition`."""
    extra = (condition,) if condition else ()
    return (
        Term(1.0, (treatment, *extra), bloc),
        Term(-1.0, (control, *extra), bloc),
    )


def difference_in_differences(
    treatment: Layer, control: Layer, high: Layer, low: Layer
) -> tuple[Term, ...]:
    """(treatment - control) under condition `high` minus the same under condition `low`."""
    return (
        Term(1.0, (treatment, high)),
        Term(-1.0, (control, high)),
        Term(-1.0, (treatment, low)),
        Term(1.0, (control, low)),
    )


BOTH_ENGAGE: Layer = {}
A_WALKS_50: Layer = {"adversary": {"strategy": "walk_away_at", "at": 50}}
N_TIT_FOR_TAT: Layer = _deep(A_WALKS_50, {"negotiator": {"strategy": "tit_for_tat"}})
ENGAGE_A_WALKS_100: Layer = {"adversary": {"strategy": "walk_away_at", "at": 100}}
REASSURE_A_WALKS_100: Layer = _deep(
    ENGAGE_A_WALKS_100,
    {"negotiator": {"strategy": "costly_reassurance", "concede_from": 20, "concede_for": 20}},
)
SILENT_BOTH: Layer = {"negotiator": {"strategy": "silent"}, "adversary": {"strategy": "silent"}}
EQUAL_INFORMATION: Layer = {"dynamics": {"signal_accuracy_talks": 0.52, "signal_noise_talks": 0.6}}
SLOW_OPINION: Layer = {"dynamics": {"event_rate": 0.012, "media_rate": 0.012}}
FATIGUED: Layer = {
    "negotiator": {"caution": 0.0, "deterrence": 0.2},
    "adversary": {"caution": 0.0},
    "dynamics": {"talk_fatigue": 2.0, "strength_orientation_mean": 0.9},
}


def _sanctions(every: int, multilateral: bool) -> Layer:
    """The adversary engages and sanctions every `every` weeks from week 50 (sanctions.yaml)."""
    return {
        "adversary": {
            "strategy": "sanction_every",
            "every": every,
            "from": 50,
            "multilateral": multilateral,
        }
    }


def _burden_shift() -> list[Measure]:
    name = "burden shift (contrast)"
    gain = "L^N at step 102: A walks at 50 - both engage"
    return [
        Measure(
            name,
            "defaults, 1,000 observers (the calibration)",
            "L^A at step 102: A walks at 50 - both engage",
            "legitimacy_adversary",
            102,
            difference(A_WALKS_50, BOTH_ENGAGE),
            -1,
            observers=1000,
        ),
        Measure(
            name,
            "defaults",
            gain,
            "legitimacy_negotiator",
            102,
            difference(A_WALKS_50, BOTH_ENGAGE),
            1,
        ),
        Measure(
            name,
            "defaults",
            "blame on A at step 102: A walks at 50 - both engage",
            "blame_adversary",
            102,
            difference(A_WALKS_50, BOTH_ENGAGE),
            1,
        ),
        Measure(
            name,
            "defaults",
            "narrative share at step 102: A walks at 50 - both engage",
            "narrative_share",
            102,
            difference(A_WALKS_50, BOTH_ENGAGE),
            1,
        ),
        Measure(
            name,
            "event_rate = media_rate = 0.012",
            "narrative share at step 102: A walks at 50 - both engage",
            "narrative_share",
            102,
            difference(A_WALKS_50, BOTH_ENGAGE, SLOW_OPINION),
            1,
        ),
        Measure(
            name,
            "contrast on - contrast off",
            "gain of L^N at step 102 from A's walkout at 50",
            "legitimacy_negotiator",
            102,
            difference_in_differences(
                A_WALKS_50,
                BOTH_ENGAGE,
                {"mechanisms": {"contrast": True}},
                {"mechanisms": {"contrast": False}},
            ),
            1,
        ),
        Measure(
            name,
            "fruitless talks (caution 0), talk_fatigue 2, strength orientation 0.9, N's "
            "deterrence 0.2",
            gain,
            "legitimacy_negotiator",
            102,
            difference(A_WALKS_50, BOTH_ENGAGE, FATIGUED),
            1,
        ),
    ]


def _leverage() -> list[Measure]:
    name = "leverage (deterrence)"
    rows = [
        Measure(
            name,
            f"N's deterrence {deterrence}",
            "L^N at step 102: A walks at 50 - both engage",
            "legitimacy_negotiator",
            102,
            difference(A_WALKS_50, BOTH_ENGAGE, {"negotiator": {"deterrence": deterrence}}),
            1,
        )
        for deterrence in (0.9, 0.2)
    ]
    for condition, switch in [("leverage on", True), ("leverage off", False)]:
        rows.append(
            Measure(
                name,
                condition,
                "gain of L^N at step 102 from A's walkout: N's deterrence 0.9 - 0.2",
                "legitimacy_negotiator",
                102,
                difference_in_differences(
                    A_WALKS_50,
                    BOTH_ENGAGE,
                    {"negotiator": {"deterrence": 0.9}, "mechanisms": {"leverage": switch}},
                    {"negotiator": {"deterrence": 0.2}, "mechanisms": {"leverage": switch}},
                ),
                1,
            )
        )
    return rows


def _staying() -> list[Measure]:
    name = "staying beats tit-for-tat"
    rows = []
    for condition, layer, step in [
        ("justified_exit off", {"mechanisms": {"justified_exit": False}}, 102),
        ("justified_exit on, j = 0.4 (default)", {}, 102),
        ("justified_exit on, j = 0.4 (default)", {}, 200),
        ("justified_exit on, j = 1.0", {"dynamics": {"justified_exit": 1.0}}, 102),
        ("justified_exit on, j = 2.0", {"dynamics": {"justified_exit": 2.0}}, 102),
    ]:
        rows.append(
            Measure(
                name,
                condition,
                f"L^N at step {step} after A walks at 50: N stays - N plays tit-for-tat",
                "legitimacy_negotiator",
                step,
                difference(A_WALKS_50, N_TIT_FOR_TAT, layer),
                1,
            )
        )
    return rows


def _reassurance() -> list[Measure]:
    name = "costly reassurance (Hudaybiyyah)"
    rows = []
    for condition, layer in [
        ("record_bonus 2 (default)", {}),
        ("record_bonus 30 (reassurance.yaml)", {"dynamics": {"record_bonus": 30.0}}),
        (
            "record_bonus 30, record_memory 0.97",
            {"dynamics": {"record_bonus": 30.0, "record_memory": 0.97}},
        ),
    ]:
        for step, expected, when in [(40, -1, "end of the window"), (150, 1, "after A walks")]:
            rows.append(
                Measure(
                    name,
                    condition,
                    f"L^N at step {step} ({when}): N concedes in weeks 20-39 - N engages; "
                    "A walks at 100",
                    "legitimacy_negotiator",
                    step,
                    difference(REASSURE_A_WALKS_100, ENGAGE_A_WALKS_100, layer),
                    expected,
                )
            )
    return rows


def _media() -> list[Measure]:
    name = "media ecology"
    neutral, polarized = {"media": "neutral"}, {"media": "polarized"}
    rows = []
    for condition, layer in [
        ("backfire off (default)", {}),
        ("backfire on", {"mechanisms": {"backfire": True}}),
    ]:
        rows.append(
            Measure(
                name,
                condition,
                "gain of narrative share at 102 from A's walkout at 50: neutral - polarized media",
                "narrative_share",
                102,
                difference_in_differences(
                    A_WALKS_50, BOTH_ENGAGE, _deep(neutral, layer), _deep(polarized, layer)
                ),
                1,
            )
        )
        rows.append(
            Measure(
                name,
                condition,
                "polarization at step 102 after A walks at 50: polarized - neutral media",
                "polarization",
                102,
                difference(_deep(A_WALKS_50, polarized), _deep(A_WALKS_50, neutral), layer),
                1,
            )
        )
    return rows


def _information() -> list[Measure]:
    name = "talks as intelligence"
    rows = [
        Measure(
            name,
            condition,
            "N's red-line uncertainty at step 200: talks - no channel",
            "redline_uncertainty_negotiator",
            200,
            difference(BOTH_ENGAGE, SILENT_BOTH, layer),
            -1,
        )
        for condition, layer in [
            ("defaults", {}),
            ("talks no more informative than no talks", EQUAL_INFORMATION),
        ]
    ]
    no_relief = {"dynamics": {"hazard_talks": 0.0}}
    for condition, layer in [
        ("defaults", {}),
        ("no relief from talks (hazard_talks 0)", no_relief),
        ("hazard_talks 0, talks no more informative", _deep(EQUAL_INFORMATION, no_relief)),
    ]:
        rows.append(
            Measure(
                name,
                condition,
                "crisis index at step 200: talks - no channel",
                "crisis_index",
                200,
                difference(BOTH_ENGAGE, SILENT_BOTH, layer),
                -1,
            )
        )
    return rows


def _sanction_rows() -> list[Measure]:
    name = "unilateral sanctions cost the sanctioner"
    rows = [
        Measure(
            name,
            condition,
            "L^A in bloc C (scepticism 0.7) at step 200: A sanctions from week 50 - A engages",
            "legitimacy_adversary",
            200,
            difference(_sanctions(every, multilateral), BOTH_ENGAGE, bloc="Bloc C"),
            -1,
        )
        for condition, every, multilateral in [
            ("every 8 weeks, unilateral (sanctions.yaml)", 8, False),
            ("every 2 weeks, unilateral", 2, False),
            ("every 2 weeks, multilateral", 2, True),
        ]
    ]
    sanctioning = _sanctions(2, False)
    rows.append(
        Measure(
            name,
            "every 2 weeks, unilateral",
            "loss of L^A at step 200 in bloc C (scepticism 0.7) - in bloc A (0.4)",
            "legitimacy_adversary",
            200,
            (
                Term(1.0, (sanctioning,), "Bloc C"),
                Term(-1.0, (BOTH_ENGAGE,), "Bloc C"),
                Term(-1.0, (sanctioning,), "Bloc A"),
                Term(1.0, (BOTH_ENGAGE,), "Bloc A"),
            ),
            -1,
        )
    )
    return rows


def measures() -> tuple[Measure, ...]:
    """The table's rows: each claim of the essay, where it holds and where it fails."""
    return (
        *_burden_shift(),
        *_leverage(),
        *_staying(),
        *_reassurance(),
        *_media(),
        *_information(),
        *_sanction_rows(),
    )


def resolve(layers: Sequence[Layer], observers: int) -> ModelSpec:
    """The model of a term: the defaults, then `layers` in order, with `observers`."""
    stacked = [("claims", layer) for layer in layers]
    spec, problems = resolve_model([*stacked, ("claims", {"observers": observers})])
    if spec is None:
        raise ValueError("; ".join(problems))
    return spec


@functools.lru_cache(maxsize=2048)
def _run(spec_json: str, seed: int, steps: int) -> RunResult:
    return simulate(ModelSpec.model_validate_json(spec_json), seed, steps)


def term_values(
    term: Term, observers: int, seeds: Sequence[int], step: int, column: str
) -> np.ndarray:
    """The output `column` at `step` of one term's scenario, one value per seed."""
    spec = resolve(term.layers, observers)
    out = []
    for seed in seeds:
        result = _run(spec.model_dump_json(), seed, STEPS)
        if term.bloc is None:
            out.append(float(result.timeseries[column].iloc[step]))
        else:
            table = result.blocs
            row = table[(table["step"] == step) & (table["bloc"] == term.bloc)]
            out.append(float(row[column].iloc[0]))
    return np.array(out)


def paired_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of per-seed values with its t interval (degenerate when all are equal)."""
    mean = float(values.mean())
    if values.size < 2 or np.all(values == values[0]):
        return mean, mean, mean
    half = stats.t.ppf(0.5 + level / 2, values.size - 1) * values.std(ddof=1)
    half /= np.sqrt(values.size)
    return mean, float(mean - half), float(mean + half)


def evaluate(measure: Measure, n_seeds: int = SEEDS, observers: int | None = None) -> Result:
    """Run the measure's scenarios on common seeds and summarize the per-seed combination."""
    seeds = [replicate_seed(BASE_SEED, r) for r in range(n_seeds)]
    n = measure.observers if observers is None else observers
    total = np.zeros(n_seeds)
    for term in measure.terms:
        total += term.coefficient * term_values(term, n, seeds, measure.step, measure.column)
    mean, low, high = paired_interval(total)
    return Result(measure, mean, low, high, n_seeds)


def table_markdown(results: Sequence[Result], observers: int | None = None) -> str:
    """The results as a Markdown table, with a line saying how they were made.

    Args:
        results: the evaluated measures, in table order.
        observers: the observer count that overrode every measure's own, if any.
    """
    size = (
        f"{observers} observers in every run"
        if observers is not None
        else f"{OBSERVERS} observers unless stated"
    )
    lines = [
        f"Model version {MODEL_VERSION}; {results[0].seeds if results else 0} paired seeds "
        f"(replicates of base seed {BASE_SEED}); {size}; "
        "mean paired difference with its 95% t interval over seeds. Model indices, not "
        "forecasts.",
        "",
        "| claim | condition | measure | mean [95% interval] | verdict |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        m = r.measure
        lines.append(
            f"| {m.claim} | {m.condition} | {m.description} | "
            f"{r.mean:+.4f} [{r.low:+.4f}, {r.high:+.4f}] | {r.verdict} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, progress: Callable[[str], None] | None = None) -> int:
    """Command line: measure the claims, print the table, optionally write it to the card."""
    parser = argparse.ArgumentParser(
        prog="python -m experiments.model_card",
        description="Measure the source essay's claims over paired seed ensembles.",
        epilog="example: python -m experiments.model_card --write",
    )
    parser.add_argument(
        "--seeds", type=positive_int, default=SEEDS, help=f"paired seeds (default {SEEDS})"
    )
    parser.add_argument(
        "--observers",
        type=positive_int,
        default=None,
        help=f"observers in every run (default {OBSERVERS}; the calibration row uses 1,000)",
    )
    parser.add_argument("--write", action="store_true", help=f"rewrite the table in {MODEL_CARD}")
    args = parser.parse_args(argv)
    report = progress or (lambda text: print(text, file=sys.stderr))
    rows = measures()
    results = []
    for i, measure in enumerate(rows, 1):
        results.append(evaluate(measure, args.seeds, args.observers))
        report(f"[{i}/{len(rows)}] {measure.claim}: {measure.condition}")
    table = table_markdown(results, args.observers)
    print(table)
    if args.write:
        text = MODEL_CARD.read_text(encoding="utf-8")
        MODEL_CARD.write_text(replace_between_markers(text, BEGIN, END, table), encoding="utf-8")
        report(f"wrote {MODEL_CARD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
