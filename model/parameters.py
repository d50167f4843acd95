"""The parameter registry: every constant of the model with its symbol, meaning, range and source.

Config validation, the sweep paths, the model's defaults, the Mesa keyword parameters and the
ODD's parameter table all read from this one list. A parameter's `scope` says where it sits in a
config:

* ``model``: a top-level key of the `model` section (``observers``),
* ``side``: a key of each side's mapping (``negotiator.deterrence``), with a default per role,
* ``dynamics``: a key of ``model.dynamics`` (``dynamics.event_rate``).

A dotted name sits in a nested mapping: ``evidence.walk_away.faith`` is
``dynamics: {evidence: {walk_away: {faith: ...}}}`` and is swept as
``dynamics.evidence.walk_away.faith``; ``initial_legitimacy.mean`` is a side's
``initial_legitimacy: {mean: ...}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agents.actions import SIDES

Scope = Literal["model", "side", "dynamics"]
Kind = Literal["bool", "int", "float"]
"""The value type of a parameter or a switch."""


@dataclass(frozen=True)
class Parameter:
    """One named model constant: what it means, its default, its valid range and its source."""

    name: str
    symbol: str
    meaning: str
    default: float | int | tuple[float | int, float | int]
    low: float
    high: float
    unit: str
    source: str
    scope: Scope = "dynamics"
    integer: bool = False

    def default_for(self, role: str | None = None) -> float | int:
        """The default value; side parameters have one per role (negotiator, adversary)."""
        if isinstance(self.default, tuple):
            if role not in SIDES:
                raise ValueError(f"parameter {self.name} needs a role")
            return self.default[SIDES.index(role)]
        return self.default

    @property
    def kind(self) -> Kind:
        """The value type: ``int`` for an integer parameter, else ``float``."""
        return "int" if self.integer else "float"

    @property
    def path(self) -> tuple[str, ...]:
        """The name split at its dots: the keys of the nested mapping it sits in."""
        return tuple(self.name.split("."))


EVIDENCE_TABLE: tuple[
    tuple[str, str, float, float, float | None, float | None, float, str], ...
] = (
    # act, as a phrase, act faith, act strength, standing faith, standing strength (postures
    # only), newsworthiness, source
    ("engage", "taking up talks", 0.3, 0.0, 0.0, 0.0, 0.2, "assumption (Kydd 2000; cheap talk)"),
    ("concede", "a concession", 0.6, -0.9, 0.05, -0.1, 0.6, "assumption (Kertzer & Brutger 2016)"),
    ("add_conditions", "adding conditions", -0.3, 0.2, -0.05, 0.0, 0.5, "assumption"),
    ("walk_away", "walking away", -0.5, 0.6, -0.1, 0.05, 1.0, "calibrated (patterns P1, P3)"),
    ("escalate_rhetoric", "escalating rhetoric", -0.5, 0.2, None, None, 0.6, "assumption"),
    ("sanction", "a sanction", -1.0, 0.4, None, None, 0.8, "assumption (faith times s u)"),
    ("silent", "silence", -0.2, 0.0, -0.05, 0.0, 0.0, "assumption"),
    ("agreement", "a concluded deal", 0.5, 0.2, None, None, 1.0, "assumption"),
)
"""The evidence an act carries (log-likelihood ratios on good faith and on strength), the
standing evidence of holding a posture, per week, and the newsworthiness of each act
(MODEL_SPEC, "Actions"). Events and deals have no standing evidence; a sanction's faith
evidence is scaled per observer by scepticism s and by u (1 unilateral, `multilateral_factor`
multilateral)."""


def _evidence_parameters() -> tuple[Parameter, ...]:
    """One registry entry per cell of `EVIDENCE_TABLE`."""
    out = []
    for (
        act,
        label,
        faith,
        strength,
        standing_faith,
        standing_strength,
        news,
        source,
    ) in EVIDENCE_TABLE:
        cells = [
            ("faith", "e^f", f"good-faith evidence of {label}", faith, "LLR"),
            ("strength", "e^s", f"strength evidence of {label}", strength, "LLR"),
        ]
        if standing_faith is not None and standing_strength is not None:
            cells += [
                (
                    "standing_faith",
                    "u^f",
                    f"good-faith evidence of holding {act}, per week",
                    standing_faith,
                    "LLR per week",
                ),
                (
                    "standing_strength",
                    "u^s",
                    f"strength evidence of holding {act}, per week",
                    standing_strength,
                    "LLR per week",
                ),
            ]
        for key, symbol, meaning, value, unit in cells:
            out.append(
                Parameter(
                    f"evidence.{act}.{key}",
                    f"{symbol}_{act}",
                    meaning,
                    value,
                    -3.0,
                    3.0,
                    unit,
                    source,
                )
            )
        out.append(
            Parameter(
                f"newsworthiness.{act}",
                f"n_{act}",
                f"newsworthiness of {label}",
                news,
                0.0,
                1.0,
                "index",
                "assumption (McCombs & Shaw 1972)",
            )
        )
    return tuple(out)


P = Parameter
REGISTRY: tuple[Parameter, ...] = (
    # --- population
    P(
        "observers",
        "n",
        "number of observers (Global South publics and elites)",
        1000,
        2,
        10000000,
        "observers",
        "assumption",
        scope="model",
        integer=True,
    ),
    P(
        "elite_share",
        "e",
        "share of observers who are elites",
        0.1,
        0.0,
        1.0,
        "share",
        "assumption",
        scope="model",
    ),
    # --- per side
    P(
        "deterrence",
        "D",
        "deterrent capability of the side",
        (0.6, 1.0),
        0.0,
        1.0,
        "index",
        "assumption (the essay's 'position of strength')",
        scope="side",
    ),
    P(
        "hawkishness",
        "h",
        "the side's taste for coercion in adaptive choice",
        (0.5, 0.5),
        0.0,
        1.0,
        "index",
        "assumption",
        scope="side",
    ),
    P(
        "prepare_probability",
        "P(theta=preparing)",
        "probability that the side is privately preparing for confrontation (drawn per run)",
        (0.5, 0.5),
        0.0,
        1.0,
        "probability",
        "Fearon 1995 (private information)",
        scope="side",
    ),
    P(
        "caution",
        "c",
        "how far below its red-line estimate a side pitches its ask, in estimate sd",
        (1.0, 1.0),
        0.0,
        5.0,
        "sd",
        "assumption",
        scope="side",
    ),
    P(
        "initial_legitimacy.mean",
        "Lbar_0",
        "mean of the Beta of observers' initial legitimacy of the side",
        (0.35, 0.55),
        0.01,
        0.99,
        "legitimacy",
        "adversary: Pew 2024 median favourable view of the US (54%); negotiator: assumption",
        scope="side",
    ),
    P(
        "initial_legitimacy.concentration",
        "a + b",
        "concentration of the Beta of observers' initial legitimacy of the side",
        (6.0, 6.0),
        0.1,
        10000.0,
        "-",
        "calibrated (pattern P2: cross-country sd of favourable views 18-21 points)",
        scope="side",
    ),
    # --- rule 1: leverage, face, record
    P(
        "leverage_half",
        "D_1/2",
        "deterrence at which the leverage gain g(D) reaches one half",
        0.4,
        0.01,
        1.0,
        "index",
        "assumption",
    ),
    P(
        "face_memory",
        "m_F",
        "weight of last week's face stock F",
        0.8,
        0.0,
        0.999,
        "per week",
        "assumption",
    ),
    P(
        "face_penalty",
        "psi",
        "how much lost face F weakens the weight of a side's evidence",
        0.8,
        0.0,
        1.0,
        "-",
        "assumption",
    ),
    P(
        "face_start",
        "F_0",
        "face stock lost at step 0",
        0.0,
        0.0,
        1.0,
        "-",
        "assumption (no concession before the run)",
    ),
    P(
        "record_memory",
        "m_R",
        "weight of last week's good-faith record R",
        0.99,
        0.0,
        0.9999,
        "per week",
        "assumption (Kydd 2000: costly reassurance builds a record)",
    ),
    P(
        "record_concede_credit",
        "c_concede",
        "record credit of one week of conceding",
        1.0,
        0.0,
        1.0,
        "-",
        "assumption (Kydd 2000)",
    ),
    P(
        "record_engage_credit",
        "c_engage",
        "record credit of one week of engagement",
        0.2,
        0.0,
        1.0,
        "-",
        "assumption",
    ),
    P(
        "record_start",
        "R_0",
        "good-faith record at step 0, and the record above which contrast is amplified",
        0.2,
        0.001,
        1.0,
        "-",
        "assumption (the steady record of plain engagement)",
    ),
    # --- rule 2: salience
    P(
        "salience_memory",
        "m_S",
        "weight of last week's salience S",
        0.7,
        0.0,
        0.999,
        "per week",
        "McCombs & Shaw 1972 (agenda setting); decay assumed",
    ),
    P(
        "initial_salience",
        "S_0",
        "salience of the conflict at the start (and of the spin-up)",
        0.05,
        0.0,
        1.0,
        "index",
        "assumption (the steady salience of plain engagement)",
    ),
    P(
        "persistence",
        "p",
        "newsworthiness left of a posture held from the week before",
        0.25,
        0.0,
        1.0,
        "share",
        "assumption",
    ),
    # --- the evidence table (rule 3) and newsworthiness (rule 2)
    *_evidence_parameters(),
    # --- rule 3: evidence in context
    P(
        "multilateral_factor",
        "u",
        "weight of a multilateral sanction's faith evidence (unilateral: 1)",
        0.3,
        0.0,
        1.0,
        "-",
        "assumption",
    ),
    P(
        "contrast",
        "chi",
        "weight of the contrast between the two sides' good-faith evidence",
        1.0,
        0.0,
        5.0,
        "-",
        "the essay's burden-shift claim; assumption",
    ),
    P(
        "record_bonus",
        "zeta",
        "extra contrast per unit of good-faith record above its start, relative to the start",
        2.0,
        0.0,
        100.0,
        "-",
        "Kydd 2000, 2005 (costly reassurance); assumption",
    ),
    P(
        "talk_fatigue",
        "phi",
        "standing strength evidence a side at the table loses after fruitless weeks",
        0.05,
        0.0,
        2.0,
        "LLR per week",
        "rival mechanism; assumption",
    ),
    P(
        "talk_fatigue_half",
        "k_1/2",
        "fruitless weeks after which talk fatigue is half its maximum",
        8,
        1,
        200,
        "weeks",
        "assumption",
        integer=True,
    ),
    P(
        "justified_exit",
        "j",
        "good-faith evidence a walkout gains right after a provocation by the other side",
        0.4,
        0.0,
        2.0,
        "LLR",
        "rival mechanism; Chaudoin 2014 (muted reactions to broken agreements); assumption",
    ),
    P(
        "justified_window",
        "-",
        "weeks after a provocation in which a walkout is excused",
        4,
        1,
        52,
        "weeks",
        "assumption",
        integer=True,
    ),
    P(
        "weight_signal",
        "omega",
        "standing strength evidence of being negotiated with, per unit of the other's leverage",
        0.3,
        0.0,
        2.0,
        "LLR per week",
        "the essay ('negotiation itself signals strategic weight'); assumption",
    ),
    P(
        "dependence",
        "delta",
        "strength evidence lost per week of talks per unit of the other's excess leverage",
        0.0,
        0.0,
        2.0,
        "LLR per week",
        "rival mechanism; assumption",
    ),
    # --- rule 4: events and the news cycle
    P(
        "news_memory",
        "m_news",
        "weight of last week's news of a side",
        0.7,
        0.0,
        0.999,
        "per week",
        "assumption (a news cycle of a few weeks)",
    ),
    P(
        "event_rate",
        "alpha_e",
        "log-odds moved per unit of news at full salience",
        0.5,
        0.0,
        5.0,
        "log-odds per LLR",
        "calibrated (pattern P1)",
    ),
    P(
        "standing_rate",
        "alpha_u",
        "log-odds moved per unit of standing evidence",
        0.05,
        0.0,
        1.0,
        "log-odds per LLR",
        "assumption",
    ),
    P(
        "attribution_bias",
        "eta",
        "dispositional attribution: news confirming an observer's view counts more",
        0.3,
        0.0,
        1.0,
        "-",
        "Mercer 1996; assumption",
    ),
    # --- rule 5: media
    P(
        "media_rate",
        "alpha_m",
        "log-odds moved per unit of an accepted report",
        0.25,
        0.0,
        5.0,
        "log-odds per LLR",
        "Carletti et al. 2006; assumption",
    ),
    P(
        "media_slant",
        "kappa_m",
        "slant an outlet adds per unit of bias and of news",
        1.0,
        0.0,
        5.0,
        "-",
        "assumption",
    ),
    P(
        "media_margin",
        "-",
        "extra width of the confidence bound for an outlet's stance",
        0.1,
        0.0,
        1.0,
        "legitimacy",
        "Shibanai et al. 2001; assumption",
    ),
    P(
        "backfire_rate",
        "alpha_bf",
        "log-odds pushed away per unit of a far-off report",
        0.1,
        0.0,
        5.0,
        "log-odds per LLR",
        "Pineda & Buendia 2015; assumption",
    ),
    P(
        "backfire_margin",
        "-",
        "distance beyond the bound at which a report backfires",
        0.4,
        0.0,
        2.0,
        "legitimacy",
        "Pineda & Buendia 2015; assumption",
    ),
    P(
        "selective_exposure",
        "k_se",
        "how strongly observers choose outlets close to their leaning (0 = off)",
        3.0,
        0.0,
        50.0,
        "-",
        "Stroud 2008; assumption",
    ),
    # --- rule 6: peers
    P(
        "peer_rate",
        "mu",
        "convergence rate with an accepted neighbour",
        0.1,
        0.0,
        0.5,
        "-",
        "Deffuant et al. 2000; assumption",
    ),
    P(
        "elite_influence",
        "-",
        "how many times as often an elite neighbour is drawn",
        3.0,
        1.0,
        100.0,
        "-",
        "assumption (opinion leaders)",
    ),
    P(
        "network_degree",
        "k",
        "neighbours per observer on the small-world network",
        6,
        2,
        100,
        "neighbours",
        "Watts & Strogatz 1998; assumption",
        integer=True,
    ),
    P(
        "network_rewiring",
        "p_rw",
        "rewiring probability of the small-world network",
        0.1,
        0.0,
        1.0,
        "probability",
        "Watts & Strogatz 1998; assumption",
    ),
    P(
        "confidence_public_low",
        "-",
        "lower end of the uniform confidence bound of publics",
        0.15,
        0.0,
        1.0,
        "legitimacy",
        "MODEL_SPEC; assumption",
    ),
    P(
        "confidence_public_high",
        "-",
        "upper end of the uniform confidence bound of publics",
        0.4,
        0.0,
        1.0,
        "legitimacy",
        "MODEL_SPEC; assumption",
    ),
    P(
        "confidence_elite_low",
        "-",
        "lower end of the uniform confidence bound of elites",
        0.1,
        0.0,
        1.0,
        "legitimacy",
        "MODEL_SPEC; assumption",
    ),
    P(
        "confidence_elite_high",
        "-",
        "upper end of the uniform confidence bound of elites",
        0.25,
        0.0,
        1.0,
        "legitimacy",
        "MODEL_SPEC; assumption",
    ),
    # --- rule 7: anchoring
    P(
        "anchoring",
        "alpha_0",
        "pull back to the prior image x(0), in log-odds",
        0.1,
        0.0,
        1.0,
        "per week",
        "Friedkin & Johnsen 1990; calibrated (pattern P4)",
    ),
    # --- rule 8: blame
    P(
        "blame_rate",
        "alpha_b",
        "rate at which blame follows a defection act",
        0.5,
        0.0,
        1.0,
        "per week at full salience",
        "assumption",
    ),
    P(
        "blame_media_tilt",
        "kappa_f",
        "tilt of blame by the mean bias of an observer's outlets",
        0.15,
        0.0,
        1.0,
        "-",
        "assumption",
    ),
    P(
        "blame_start",
        "beta_0",
        "share of blame on the adversary at the start",
        0.5,
        0.0,
        1.0,
        "share",
        "assumption (no side blamed)",
    ),
    # --- observers' dispositions
    P(
        "strength_orientation_mean",
        "-",
        "mean strength orientation h_obs of observers",
        0.5,
        0.01,
        0.99,
        "index",
        "Kertzer & Brutger 2016; assumption",
    ),
    P(
        "strength_orientation_concentration",
        "-",
        "concentration (a + b) of the Beta of h_obs",
        5.0,
        0.5,
        1000.0,
        "-",
        "calibrated (pattern P3)",
    ),
    P(
        "scepticism_concentration",
        "-",
        "concentration (a + b) of the Beta of sanction scepticism s",
        10.0,
        0.5,
        1000.0,
        "-",
        "assumption",
    ),
    # --- rule 9: learning
    P(
        "signal_accuracy_talks",
        "q_T",
        "probability a type signal is right during talks",
        0.65,
        0.5,
        1.0,
        "probability",
        "Fearon 1995; Kydd 2000; assumption",
    ),
    P(
        "signal_accuracy_outside",
        "q_O",
        "probability a type signal is right outside talks",
        0.52,
        0.5,
        1.0,
        "probability",
        "assumption",
    ),
    P(
        "signal_noise_talks",
        "sigma_T",
        "sd of a red-line signal during talks",
        0.15,
        0.001,
        5.0,
        "issue scale",
        "assumption",
    ),
    P(
        "signal_noise_outside",
        "sigma_O",
        "sd of a red-line signal outside talks",
        0.6,
        0.001,
        5.0,
        "issue scale",
        "assumption",
    ),
    P(
        "prior_type_belief",
        "pi_0",
        "initial belief that the other side is preparing",
        0.5,
        0.001,
        0.999,
        "probability",
        "assumption (uninformative)",
    ),
    P(
        "redline_low",
        "-",
        "lower end of the uniform red-line distribution",
        0.3,
        0.0,
        1.0,
        "issue scale",
        "MODEL_SPEC",
    ),
    P(
        "redline_high",
        "-",
        "upper end of the uniform red-line distribution",
        0.7,
        0.0,
        1.0,
        "issue scale",
        "MODEL_SPEC",
    ),
    P(
        "redline_prior_mean",
        "mu_0",
        "initial red-line estimate",
        0.5,
        0.0,
        1.0,
        "issue scale",
        "assumption (centre of the red-line range)",
    ),
    P(
        "redline_prior_sd",
        "tau_0",
        "initial sd of the red-line estimate",
        0.15,
        0.001,
        1.0,
        "issue scale",
        "assumption (about the sd of the red-line range)",
    ),
    # --- rule 10: bargaining
    P(
        "progress_rate",
        "-",
        "mean deal progress of a round in which both asks are acceptable",
        0.02,
        0.0,
        1.0,
        "per round",
        "assumption (a deal in about a year of good rounds)",
    ),
    P(
        "ask_floor",
        "-",
        "smallest estimate sd a side's ask allows for",
        0.05,
        0.0,
        1.0,
        "issue scale",
        "assumption",
    ),
    # --- rule 11: escalation cost and adaptive choice
    P(
        "escalation_cost_base",
        "c_0",
        "escalation cost at full legitimacy",
        0.2,
        0.0,
        5.0,
        "utility",
        "assumption",
    ),
    P(
        "escalation_cost_slope",
        "gamma",
        "escalation cost added per unit of lost legitimacy",
        1.0,
        0.0,
        10.0,
        "utility",
        "Hurd 1999 (legitimacy eases compliance); assumption",
    ),
    P(
        "engage_utility",
        "u_e",
        "utility of engaging a fully deterred other side",
        1.0,
        0.0,
        5.0,
        "utility",
        "assumption",
    ),
    P(
        "sanction_utility",
        "u_s",
        "extra utility of sanctioning",
        0.3,
        -5.0,
        5.0,
        "utility",
        "assumption",
    ),
    P(
        "preparing_bonus",
        "u_p",
        "utility a preparing type adds to sanction and escalation",
        0.5,
        0.0,
        5.0,
        "utility",
        "Fearon 1995; assumption",
    ),
    P(
        "crossing_bonus",
        "u_x",
        "utility a crossed red line adds to sanction and escalation",
        0.5,
        0.0,
        5.0,
        "utility",
        "assumption",
    ),
    P(
        "crossing_memory",
        "-",
        "steps a crossed red line keeps raising escalation",
        4,
        1,
        52,
        "weeks",
        "assumption",
        integer=True,
    ),
    # --- rule 12: crisis index
    P(
        "hazard_base",
        "h_0",
        "weekly crisis hazard with no provocation, full information, no talks",
        0.002,
        0.0,
        0.1,
        "per week",
        "assumption (index, not a forecast)",
    ),
    P(
        "hazard_provocation",
        "beta_r",
        "relative rise of the hazard in a week of rhetoric, sanction or a crossed red line",
        1.0,
        0.0,
        10.0,
        "-",
        "Fearon 1994; assumption",
    ),
    P(
        "hazard_misperception",
        "beta_e",
        "relative rise of the hazard per unit of belief error",
        1.0,
        0.0,
        10.0,
        "-",
        "Fearon 1995; assumption",
    ),
    P(
        "hazard_talks",
        "beta_o",
        "relative fall of the hazard in a week of talks",
        0.5,
        0.0,
        1.0,
        "-",
        "the essay's claim (channels reduce miscalculation); assumption",
    ),
    # --- rule 13: blocs
    P(
        "compliance_intercept",
        "b_0",
        "intercept of bloc sanction compliance",
        0.0,
        -10.0,
        10.0,
        "logit",
        "assumption",
    ),
    P(
        "compliance_legitimacy",
        "b_1",
        "compliance per unit of legitimacy gap (adversary minus negotiator)",
        4.0,
        0.0,
        20.0,
        "logit",
        "Hurd 1999; assumption",
    ),
    P(
        "compliance_scepticism",
        "b_2",
        "compliance lost per unit of mean sanction scepticism",
        2.0,
        0.0,
        20.0,
        "logit",
        "assumption",
    ),
    P(
        "compliance_exposure",
        "b_3",
        "compliance per unit of exposure to the adversary's finance",
        2.0,
        0.0,
        20.0,
        "logit",
        "assumption",
    ),
    P(
        "vote_threshold",
        "-",
        "an elite votes yes when s + L^N - L^A exceeds this",
        0.5,
        -2.0,
        3.0,
        "-",
        "assumption",
    ),
    P(
        "vote_interval",
        "-",
        "steps between votes of the vote stand-in",
        52,
        1,
        10000,
        "weeks",
        "assumption (a yearly session)",
        integer=True,
    ),
    # --- spin-up
    P(
        "spin_up",
        "T_0",
        "weeks run before step 0 with both sides engaging and only the observer rules acting",
        100,
        0,
        10000,
        "weeks",
        "assumption (long enough for peers, media and anchoring to settle: check V9)",
        integer=True,
    ),
)
del P

BY_NAME: dict[str, Parameter] = {p.name: p for p in REGISTRY}
POPULATION_PARAMETERS = tuple(p for p in REGISTRY if p.scope == "model")
SIDE_PARAMETERS = tuple(p for p in REGISTRY if p.scope == "side")
DYNAMICS_PARAMETERS = tuple(p for p in REGISTRY if p.scope == "dynamics")


@dataclass(frozen=True)
class Mechanism:
    """A switchable mechanism: one of the essay's claims or a rival to them."""

    name: str
    claim: str
    rules: str
    default: bool
    rival: bool = False


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism(
        "contrast", "staying while the other leaves shifts the burden of escalation", "3", True
    ),
    Mechanism(
        "attribution", "trusted sides get credit, distrusted sides get blame (Mercer)", "4", True
    ),
    Mechanism("media", "outlets report events through an editorial line", "5", True),
    Mechanism(
        "elite_indexing",
        "media follow events when elites agree, their line otherwise (Entman)",
        "5",
        True,
    ),
    Mechanism("peers", "observers influence neighbours within bounded confidence", "6", True),
    Mechanism("anchoring", "observers stay tied to prior images", "7", True),
    Mechanism("leverage", "engagement counts with deterrent weight", "1", True),
    Mechanism(
        "reassurance",
        "concessions build a good-faith record that pays later (Kydd; the essay's Hudaybiyyah)",
        "1, 3",
        True,
    ),
    Mechanism("learning", "talks reveal the other side's red line and intent", "9", True),
    Mechanism(
        "weight_signal",
        "a great power that negotiates with a state reveals that state's weight",
        "3",
        True,
    ),
    Mechanism("deals", "talks can conclude agreements that credit both sides", "10", True),
    Mechanism(
        "talk_fatigue",
        "fruitless talks, or waiting alone at the table, read as weakness to strength-oriented "
        "observers",
        "3",
        True,
        rival=True,
    ),
    Mechanism(
        "justified_exit",
        "walking away right after the other side defected is judged mildly",
        "3",
        True,
        rival=True,
    ),
    Mechanism(
        "backfire",
        "a message far from an observer's view pushes it away (Pineda & Buendia)",
        "5",
        False,
        rival=True,
    ),
)
MECHANISM_NAMES = tuple(m.name for m in MECHANISMS)
