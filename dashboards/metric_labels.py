"""Output columns in plain words, as the comparison pages name them ("Legitimacy of N").

A data table: one readable name per numeric output column of `model.outputs.OUTPUT_COLUMNS`
(MODEL_SPEC, "Outputs"). N is the negotiator and A the adversary, as everywhere on the page.
"""

from __future__ import annotations

METRIC_LABELS: dict[str, str] = {
    "talks": "Talks held (share of runs)",
    "legitimacy_negotiator": "Legitimacy of N",
    "legitimacy_adversary": "Legitimacy of A",
    "legitimacy_gap": "Legitimacy gap (N minus A)",
    "narrative_share": "Share of observers who favour N",
    "blame_adversary": "Blame on A",
    "salience": "Salience of the dispute",
    "escalation_cost_negotiator": "Cost of escalation to N",
    "escalation_cost_adversary": "Cost of escalation to A",
    "belief_error_negotiator": "Error of N's belief about A",
    "belief_error_adversary": "Error of A's belief about N",
    "redline_uncertainty_negotiator": "Uncertainty of N's red-line estimate",
    "redline_uncertainty_adversary": "Uncertainty of A's red-line estimate",
    "deal_progress": "Progress towards a deal",
    "redline_crossings": "Red lines crossed",
    "crisis_index": "Crisis index",
    "sanction_compliance": "Compliance with sanctions (weighted)",
    "vote_yes_share": "Yes vote against coercive measures (weighted)",
    "polarization": "Polarization (Esteban-Ray)",
    "gap_spread": "Spread of the legitimacy gap",
    "spread_negotiator": "Spread of legitimacy of N",
    "spread_adversary": "Spread of legitimacy of A",
    "logodds_negotiator": "Legitimacy of N (log-odds)",
    "logodds_adversary": "Legitimacy of A (log-odds)",
    "agreements": "Deals concluded",
    "bimodality": "Bimodality of the legitimacy gap",
}
"""Each numeric output column's readable name."""


def metric_label(metric: str) -> str:
    """The readable name of output column `metric` (its words, capitalised, if not listed)."""
    return METRIC_LABELS.get(metric) or metric.replace("_", " ").capitalize()
