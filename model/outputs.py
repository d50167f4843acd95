"""The outputs of one step: the model-level columns of MODEL_SPEC and the bloc and media tables.

`OutputRecorder` is the part of `DiplomacyModel` that reads the model's arrays after a step (or
after set-up, for step 0) and adds one row to each of its DataCollector tables.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import numpy as np

from model.metrics import bimodality, narrative_share, polarization
from model.rules import blocs

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


def read_column(name: str, model: Any) -> Any:
    """DataCollector reporter: one precomputed output column of the model's current step."""
    return model.current[name]


class OutputRecorder:
    """Records each step's outputs (a part of `DiplomacyModel`)."""

    def _start_recording(self) -> None:
        """The DataCollector of the outputs: model-level columns, the bloc and media tables."""
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(read_column, name) for name in OUTPUT_COLUMNS},
            tables={"blocs": list(BLOC_COLUMNS), "media": list(MEDIA_COLUMNS)},
        )

    def _record(self) -> dict[str, Any]:
        """Collect this step's outputs into the DataCollector; return the model-level row."""
        row = self._model_row()
        self.current = row
        self.datacollector.collect(self)
        by_bloc = self._bloc_rows()
        for row_of_bloc in by_bloc:
            self.datacollector.add_table_row("blocs", row_of_bloc)
        for m, outlet in enumerate(self.outlets):
            self.datacollector.add_table_row(
                "media",
                {
                    "step": self.steps,
                    "outlet": outlet.name,
                    "report_negotiator": float(self.outlet_reports[0, m]),
                    "report_adversary": float(self.outlet_reports[1, m]),
                    "stance_negotiator": float(self.outlet_stances[0, m]),
                    "stance_adversary": float(self.outlet_stances[1, m]),
                    "effective_indexing": float(self.outlet_indexing_effective[m]),
                },
            )
        return row

    def _model_row(self) -> dict[str, Any]:
        """The model-level output columns of the current step."""
        legit = self.legitimacy
        gap = legit[0] - legit[1]
        action = [a.value if a is not None else None for a in self.actions]
        compliance = self._compliance()
        return {
            "step": self.steps,
            "action_negotiator": action[0],
            "action_adversary": action[1],
            "talks": self.talks,
            "legitimacy_negotiator": float(legit[0].mean()),
            "legitimacy_adversary": float(legit[1].mean()),
            "legitimacy_gap": float(gap.mean()),
            "narrative_share": narrative_share(gap),
            "blame_adversary": float(self.blame.mean()),
            "salience": float(self.salience),
            "escalation_cost_negotiator": float(self.escalation_cost[0]),
            "escalation_cost_adversary": float(self.escalation_cost[1]),
            "belief_error_negotiator": float(abs(self.type_belief[0] - self.preparing[1])),
            "belief_error_adversary": float(abs(self.type_belief[1] - self.preparing[0])),
            "redline_uncertainty_negotiator": float(np.sqrt(self.redline_variance[0])),
            "redline_uncertainty_adversary": float(np.sqrt(self.redline_variance[1])),
            "deal_progress": float(self.deal_progress),
            "redline_crossings": int(self.redline_crossings),
            "crisis_index": float(self.crisis_index),
            "sanction_compliance": blocs.weighted_mean(compliance, self.bloc_weight),
            "vote_yes_share": blocs.weighted_mean(self.vote_yes_by_bloc, self.bloc_weight),
            "polarization": polarization(gap),
            "gap_spread": float(gap.std()),
            "spread_negotiator": float(legit[0].std()),
            "spread_adversary": float(legit[1].std()),
            "logodds_negotiator": float(self.logodds[0].mean()),
            "logodds_adversary": float(self.logodds[1].mean()),
            "agreements": int(self.agreements),
            "bimodality": bimodality(gap),
        }

    def _compliance(self) -> np.ndarray:
        dyn = self.dynamics
        return blocs.sanction_compliance(
            self.bloc_legitimacy[1],
            self.bloc_legitimacy[0],
            self.bloc_scepticism,
            self.bloc_exposure,
            dyn.compliance_intercept,
            dyn.compliance_legitimacy,
            dyn.compliance_scepticism,
            dyn.compliance_exposure,
        )

    def _bloc_rows(self) -> list[dict[str, Any]]:
        legit = self.legitimacy
        gap = legit[0] - legit[1]
        by_bloc = {
            "legitimacy_negotiator": self.bloc_legitimacy[0],
            "legitimacy_adversary": self.bloc_legitimacy[1],
            "legitimacy_gap": self.bloc_legitimacy[0] - self.bloc_legitimacy[1],
            "narrative_share": self._bloc_means((gap > 0).astype(float)),
            "blame_adversary": self._bloc_means(self.blame),
        }
        n_blocs = len(self.bloc_names)
        elites = self.bloc_elites
        elite_sums = np.stack(
            [
                np.bincount(
                    self.observer_bloc,
                    weights=np.where(self.is_elite, legit[s], 0.0),
                    minlength=n_blocs,
                )
                for s in range(2)
            ]
        )
        all_sums = self.bloc_legitimacy * self._bloc_counts
        with np.errstate(invalid="ignore", divide="ignore"):
            elite_means = elite_sums / elites
            public_means = (all_sums - elite_sums) / (self._bloc_counts - elites)
        compliance = self._compliance()
        return [
            {
                "step": self.steps,
                "bloc": name,
                **{key: float(values[k]) for key, values in by_bloc.items()},
                "elite_legitimacy_negotiator": float(elite_means[0][k]),
                "elite_legitimacy_adversary": float(elite_means[1][k]),
                "public_legitimacy_negotiator": float(public_means[0][k]),
                "public_legitimacy_adversary": float(public_means[1][k]),
                "sanction_compliance": float(compliance[k]),
                "vote_yes_share": float(self.vote_yes_by_bloc[k]),
            }
            for k, name in enumerate(self.bloc_names)
        ]
