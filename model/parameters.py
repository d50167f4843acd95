"""The parameter registry: every constant of the model with its symbol, meaning, range and source.

Config validation, the sweep paths, the model's defaults and the ODD's parameter table all read
from this one list. A parameter's `scope` says where it sits in a config:

* ``model``: a top-level key of the `model` section (``observers``),
* ``side``: a key of each side's mapping (``negotiator.deterrence``), with a default per role,
* ``dynamics``: a key of ``model.dynamics`` (``dynamics.event_rate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["model", "side", "dynamics"]


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
            if role not in ("negotiator", "adversary"):
                raise ValueError(f"parameter {self.name} needs a role")
            return self.default[0 if role == "negotiator" else 1]
        return self.default

    @property
    def range_text(self) -> str:
        """The valid range as text, e.g. ``[0, 1]``."""
        return f"[{_fmt(self.low)}, {_fmt(self.high)}]"


def _fmt(x: float) -> str:
    return f"{x:g}"


P = Parameter
REGISTRY: tuple[Parameter, ...] = (
    # --- population
    P(
        "observers",
        "n",
        "number of observers (Global South publics and elites)",
        1000,
        2,
        10_000_000,
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
        "economic_reach",
        "r^econ",
        "reach of the side's financial system (weights bloc exposure in sanction compliance)",
        (0.3, 1.0),
        0.0,
        1.0,
        "index",
        "assumption",
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
        "how much lost face F weakens the weight of a side's events",
        0.8,
        0.0,
        1.0,
        "-",
        "assumption",
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
        "record_engage_credit",
        "c_engage",
        "record credit of one week of engagement (concede: 1)",
        0.2,
        0.0,
        1.0,
        "-",
        "assumption",
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
        "salience of the conflict at step 0",
        0.0,
        0.0,
        1.0,
        "index",
        "assumption",
    ),
    P(
        "persistence",
        "p",
        "newsworthiness left when a side repeats a posture",
        0.25,
        0.0,
        1.0,
        "share",
        "calibrated",
    ),
    # --- rule 3: valence in context
    P(
        "contrast",
        "chi",
        "weight of the contrast between the two sides' acts",
        0.4,
        0.0,
        2.0,
        "-",
        "the essay's burden-shift claim; calibrated",
    ),
    P(
        "record_bonus",
        "zeta",
        "extra contrast per unit of good-faith record above its threshold",
        2.0,
        0.0,
        100.0,
        "-",
        "Kydd 2000, 2005 (costly reassurance); calibrated",
    ),
    P(
        "record_threshold",
        "R*",
        "record above which a side's contrast is amplified",
        0.2,
        0.0,
        1.0,
        "-",
        "assumption (steady record of constant engagement)",
    ),
    P(
        "talk_fatigue",
        "phi",
        "valence an engagement loses to strength-oriented observers after fruitless rounds",
        0.3,
        0.0,
        2.0,
        "valence",
        "rival mechanism; assumption",
    ),
    P(
        "talk_fatigue_half",
        "k_1/2",
        "fruitless rounds after which talk fatigue is half its maximum",
        8,
        1,
        200,
        "rounds",
        "assumption",
        integer=True,
    ),
    P(
        "justified_exit",
        "j",
        "valence a walkout gains right after the other side defected",
        0.4,
        0.0,
        2.0,
        "valence",
        "rival mechanism; assumption",
    ),
    P(
        "justified_exit_window",
        "-",
        "steps after a defection or crossing in which an exit is judged justified",
        4,
        1,
        52,
        "weeks",
        "assumption",
        integer=True,
    ),
    P(
        "multilateral_factor",
        "u",
        "weight of a multilateral sanction's valence (unilateral: 1)",
        0.3,
        0.0,
        1.0,
        "-",
        "assumption",
    ),
    # --- rule 4: events
    P(
        "event_rate",
        "alpha_e",
        "rate at which events move observers' legitimacy",
        0.03,
        0.0,
        1.0,
        "per week at full salience",
        "calibrated (Pew 2016-17, Gallup 2016-17 swings)",
    ),
    P(
        "attribution_bias",
        "eta",
        "dispositional attribution: credit to trusted, blame to distrusted sides",
        0.6,
        0.0,
        1.0,
        "-",
        "Mercer 1996",
    ),
    # --- rule 5: media
    P(
        "media_rate",
        "alpha_m",
        "rate at which an accepted media frame moves an observer",
        0.03,
        0.0,
        1.0,
        "per exposure",
        "Carletti et al. 2006; calibrated",
    ),
    P(
        "media_latitude",
        "-",
        "extra width of the confidence bound for media messages",
        0.1,
        0.0,
        1.0,
        "legitimacy",
        "Shibanai et al. 2001; assumption",
    ),
    P(
        "backfire_rate",
        "alpha_bf",
        "rate at which a far-off message pushes an observer away",
        0.01,
        0.0,
        1.0,
        "per exposure",
        "Pineda & Buendia 2015; assumption",
    ),
    P(
        "backfire_margin",
        "-",
        "distance beyond the bound at which a message backfires",
        0.4,
        0.0,
        2.0,
        "legitimacy",
        "Pineda & Buendia 2015; assumption",
    ),
    # --- rule 6: peers
    P(
        "peer_rate",
        "mu",
        "convergence rate with an accepted neighbour",
        0.3,
        0.0,
        0.5,
        "-",
        "Deffuant et al. 2000",
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
        "lower end of publics' confidence bound eps",
        0.15,
        0.0,
        1.0,
        "legitimacy",
        "MODEL_SPEC; assumption",
    ),
    P(
        "confidence_public_high",
        "-",
        "upper end of publics' confidence bound eps",
        0.40,
        0.0,
        1.0,
        "legitimacy",
        "MODEL_SPEC; assumption",
    ),
    P(
        "confidence_elite_low",
        "-",
        "lower end of elites' confidence bound eps",
        0.10,
        0.0,
        1.0,
        "legitimacy",
        "MODEL_SPEC; assumption",
    ),
    P(
        "confidence_elite_high",
        "-",
        "upper end of elites' confidence bound eps",
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
        "pull back to the prior image L(0)",
        0.04,
        0.0,
        1.0,
        "per week",
        "Friedkin & Johnsen 1990; calibrated",
    ),
    # --- rule 8: blame
    P(
        "blame_rate",
        "alpha_b",
        "rate at which blame follows a defection",
        0.05,
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
    # --- observers' dispositions
    P(
        "strength_orientation_mean",
        "-",
        "mean strength orientation h_obs of observers",
        0.5,
        0.0,
        1.0,
        "index",
        "assumption",
    ),
    P(
        "strength_orientation_concentration",
        "-",
        "concentration (a + b) of the Beta of h_obs",
        4.0,
        0.5,
        1000.0,
        "-",
        "assumption",
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
        "deal progress made by a round without a crossing",
        0.02,
        0.0,
        1.0,
        "per round",
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
        10_000,
        "weeks",
        "assumption (a yearly session)",
        integer=True,
    ),
)
del P

BY_NAME: dict[str, Parameter] = {p.name: p for p in REGISTRY}
MODEL_PARAMETERS = tuple(p for p in REGISTRY if p.scope == "model")
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
        "reassurance", "concessions build a good-faith record that pays later (Kydd)", "1, 3", True
    ),
    Mechanism("learning", "talks reveal the other side's red line and intent", "9", True),
    Mechanism(
        "talk_fatigue",
        "fruitless talks read as weakness or stalling to strength-oriented observers",
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
