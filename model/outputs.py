"""The outputs of one step: the model-level columns of MODEL_SPEC and the bloc and media tables.

`record_step` reads the model's arrays after a step (or after set-up, for step 0), adds one row
to each of the model's DataCollector tables and returns the model-level row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from model.metrics import bimodality, narrative_share, polarization
from model.rules import blocs

if TYPE_CHECKING:
    from model.model import DiplomacyModel

OUTPUT_COLUMNS = (
    "step",
    "action_negotiator",
    "action_adversary",
    "talks",
    "legitimacy_negotiator",
    "legitimacy_adversary",
    "legitimacy_gap",
    "narrative_share",
    "blame_adversary",
    "salience",
    "escalation_cost_negotiator",
    "escalation_cost_adversary",
    "belief_error_negotiator",
    "belief_error_adversary",
    "redline_uncertainty_negotiator",
    "redline_uncertainty_adversary",
    "deal_progress",
    "redline_crossings",
    "crisis_index",
    "sanction_compliance",
    "vote_yes_share",
    "polarization",
    "gap_spread",
    "spread_negotiator",
    "spread_adversary",
    "logodds_negotiator",
    "logodds_adversary",
    "agreements",
    "bimodality",
)
"""The model-level output columns of MODEL_SPEC, in order (a public interface)."""

BLOC_COLUMNS = (
    "step",
    "bloc",
    "legitimacy_negotiator",
    "legitimacy_adversary",
    "legitimacy_gap",
    "narrative_share",
    "blame_adversary",
    "elite_legitimacy_negotiator",
    "elite_legitimacy_adversary",
    "public_legitimacy_negotiator",
    "public_legitimacy_adversary",
    "sanction_compliance",
    "vote_yes_share",
)
"""Columns of the per-bloc table (`datacollector.get_table_dataframe("blocs")`)."""

MEDIA_COLUMNS = (
    "step",
    "outlet",
    "report_negotiator",
    "report_adversary",
    "stance_negotiator",
    "stance_adversary",
    "effective_indexing",
)
"""Columns of the per-outlet table (`datacollector.get_table_dataframe("media")`): what each
outlet reports of each side on average over observers (evidence units), where it stands on
each side, and its indexing to the news after elite disagreement."""


def record_step(model: DiplomacyModel) -> dict[str, Any]:
    """Collect this step's outputs into the model's DataCollector; return the model-level row."""
    row = model_row(model)
    model.current = row
    model.datacollector.collect(model)
    by_bloc = _bloc_rows(model)
    for row_of_bloc in by_bloc:
        model.datacollector.add_table_row("blocs", row_of_bloc)
    for m, outlet in enumerate(model.outlets):
        model.datacollector.add_table_row(
            "media",
            {
                "step": model.steps,
                "outlet": outlet.name,
                "report_negotiator": float(model.outlet_reports[0, m]),
                "report_adversary": float(model.outlet_reports[1, m]),
                "stance_negotiator": float(model.outlet_stances[0, m]),
                "stance_adversary": float(model.outlet_stances[1, m]),
                "effective_indexing": float(model.outlet_indexing_effective[m]),
            },
        )
    return row


def model_row(model: DiplomacyModel) -> dict[str, Any]:
    """The model-level output columns of the current step."""
    legit = model.legitimacy
    gap = legit[0] - legit[1]
    action = [a.value if a is not None else None for a in model.actions]
    compliance = _compliance(model)
    return {
        "step": model.steps,
        "action_negotiator": action[0],
        "action_adversary": action[1],
        "talks": model.talks,
        "legitimacy_negotiator": float(legit[0].mean()),
        "legitimacy_adversary": float(legit[1].mean()),
        "legitimacy_gap": float(gap.mean()),
        "narrative_share": narrative_share(gap),
        "blame_adversary": float(model.blame.mean()),
        "salience": float(model.salience),
        "escalation_cost_negotiator": float(model.escalation_cost[0]),
        "escalation_cost_adversary": float(model.escalation_cost[1]),
        "belief_error_negotiator": float(abs(model.type_belief[0] - model.preparing[1])),
        "belief_error_adversary": float(abs(model.type_belief[1] - model.preparing[0])),
        "redline_uncertainty_negotiator": float(np.sqrt(model.redline_variance[0])),
        "redline_uncertainty_adversary": float(np.sqrt(model.redline_variance[1])),
        "deal_progress": float(model.deal_progress),
        "redline_crossings": int(model.redline_crossings),
        "crisis_index": float(model.crisis_index),
        "sanction_compliance": blocs.weighted_mean(compliance, model.bloc_weight),
        "vote_yes_share": blocs.weighted_mean(model.vote_yes_by_bloc, model.bloc_weight),
        "polarization": polarization(gap),
        "gap_spread": float(gap.std()),
        "spread_negotiator": float(legit[0].std()),
        "spread_adversary": float(legit[1].std()),
        "logodds_negotiator": float(model.logodds[0].mean()),
        "logodds_adversary": float(model.logodds[1].mean()),
        "agreements": int(model.agreements),
        "bimodality": bimodality(gap),
    }


def _bloc_means(model: DiplomacyModel, values: np.ndarray) -> np.ndarray:
    return blocs.bloc_means(values, model.observer_bloc, len(model.bloc_names), model._bloc_counts)


def _compliance(model: DiplomacyModel) -> np.ndarray:
    dyn = model.dynamics
    return blocs.sanction_compliance(
        model.bloc_legitimacy[1],
        model.bloc_legitimacy[0],
        model.bloc_scepticism,
        model.bloc_exposure,
        dyn.compliance_intercept,
        dyn.compliance_legitimacy,
        dyn.compliance_scepticism,
        dyn.compliance_exposure,
    )


def _bloc_rows(model: DiplomacyModel) -> list[dict[str, Any]]:
    legit = model.legitimacy
    gap = legit[0] - legit[1]
    by_bloc = {
        "legitimacy_negotiator": model.bloc_legitimacy[0],
        "legitimacy_adversary": model.bloc_legitimacy[1],
        "legitimacy_gap": model.bloc_legitimacy[0] - model.bloc_legitimacy[1],
        "narrative_share": _bloc_means(model, (gap > 0).astype(float)),
        "blame_adversary": _bloc_means(model, model.blame),
    }
    n_blocs = len(model.bloc_names)
    elites = model.bloc_elites
    elite_sums = np.stack(
        [
            np.bincount(
                model.observer_bloc,
                weights=np.where(model.is_elite, legit[s], 0.0),
                minlength=n_blocs,
            )
            for s in range(2)
        ]
    )
    all_sums = model.bloc_legitimacy * model._bloc_counts
    with np.errstate(invalid="ignore", divide="ignore"):
        elite_means = elite_sums / elites
        public_means = (all_sums - elite_sums) / (model._bloc_counts - elites)
    compliance = _compliance(model)
    return [
        {
            "step": model.steps,
            "bloc": name,
            **{key: float(values[k]) for key, values in by_bloc.items()},
            "elite_legitimacy_negotiator": float(elite_means[0][k]),
            "elite_legitimacy_adversary": float(elite_means[1][k]),
            "public_legitimacy_negotiator": float(public_means[0][k]),
            "public_legitimacy_adversary": float(public_means[1][k]),
            "sanction_compliance": float(compliance[k]),
            "vote_yes_share": float(model.vote_yes_by_bloc[k]),
        }
        for k, name in enumerate(model.bloc_names)
    ]
