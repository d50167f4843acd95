# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""What every control, chart and headline figure of the dashboard means, in plain words.

`CONTROL_HELP` holds a help text per control, keyed by the control's name; `WithHelp` wraps a
control in a tooltip with its text (and marks it ``data-help``, so a test can find a control
without one). `CHART_HELP` and `HEADLINE_HELP` say what moves each chart and headline figure.
The texts speak of the model's indices, never of forecasts.
"""

from __future__ import annotations

import solara

from agents.actions import Action
from dashboards.labels import ROLE_LABELS, action_label

CONTROL_HELP: dict[str, str] = {
    "reset": "Start the run again from week 0 with the set-up below (pending changes apply now).",
    "play": "Run week after week at the chosen speed; press again to pause.",
    "step": "Advance the run by one week (one step of the model).",
    "speed": "How many weeks Play runs per second, at most (a large run may go slower).",
    "run_to_week": "A week to run to at full speed (from the next week up to the run's end).",
    "go": "Run at full speed to the week typed, then stop.",
    "weeks_to_advance": "How many weeks Advance runs.",
    "advance": "Run the number of weeks typed at full speed, then stop.",
    "pin_run": (
        "Keep this run as a faded reference line on the time charts, with its label, while a "
        "new run starts from Reset."
    ),
    "pin_label": "A name for the run to pin, shown beside its faded lines (optional).",
    "unpin": "Remove this pinned run from the charts.",
    "parameter": "A parameter of the model from its registry (applies on Reset).",
    "mechanism": "Switch a mechanism of the model on or off (applies on Reset).",
    "reference": "What the headline changes are measured against.",
    "new_seed": "Draw a new random seed: the next Reset gives a different run of the same set-up.",
    "scenario_defaults": "Put every set-up field back to the scenario's own values.",
    "export_session": (
        "Download everything of this session in one file: outputs, blocs, media, events and "
        "pinned runs."
    ),
    "back_to_strategy": "Stop forcing this side: from the next week it follows its strategy.",
    "config": "Open another config file offered by the server (the current run is replaced).",
    "scenario": "A scenario of the config: both sides' strategies, media and shocks.",
    "strategy": "How this side chooses its action each week (applies on Reset).",
    "strategy_option": "A setting of this side's strategy (a week number where it says so).",
    "deterrence": (
        "How strongly N can deter A (0: not at all, 1: fully); higher makes A's escalation "
        "costlier. Applies on Reset."
    ),
    "media": "Which outlets report the talks and how they lean (applies on Reset).",
    "observers": "How many observers (publics and elites) the model follows; more is slower.",
    "seed": "The random seed: the same seed and set-up give the same run, week by week.",
    "scenario_name": "The name of the scenario file to save (letters, digits, - and _).",
    "save_scenario": (
        "Download this run's actions as a scripted scenario that run.py replays exactly."
    ),
    "presentation": (
        "Larger type, controls folded away, the event strip and legitimacy chart on top: for a "
        "projector."
    ),
    "show_controls": "Show or hide the interventions, the set-up and saving.",
    "data": "Show the numbers behind this chart as a table, with a CSV download.",
    "true_red_line": "Show where A's red line really is (the negotiator does not know it).",
    "axes": (
        "Whole scale: legitimacy and shares from 0 to 1. Close-up: the range around the run's "
        "start, fixed while it plays (it only widens if a value leaves it), so small moves show."
    ),
    "results_folder": "A results folder written by run.py batch into the dashboard's folder.",
    "refresh_folders": "List the results folders again (after a new batch has finished).",
    "compare_view": (
        "Scenarios: bands and paired differences per scenario. Discover: where in a swept "
        "batch a claim fails."
    ),
    "compare_metric": "The output compared across scenarios (the charts and the table).",
    "baseline": "The scenario the others are measured against, seed by seed.",
    "compare_scenarios": "Which scenarios the charts and the table show.",
    "table_week": "The week the table of paired differences reads.",
    "download_differences": "Download the table of paired differences as CSV.",
    "claim": (
        "A claim of the essay to test over the sweep, or a metric past a threshold of your own."
    ),
    "claim_holds": "Mark the design points where the claim holds instead of where it fails.",
    "discover_week": "The week read (empty: the claim's own week, else the run's last).",
    "discover_metric": "The output whose value marks a design point.",
    "threshold_side": "Mark the points whose value lies below, or above, the threshold.",
    "threshold": "The value that marks a design point (in the metric's own units).",
    "discover_scenario": "The scenario whose runs are read.",
    "paired_against": (
        "Subtract this scenario's value on the same seeds (none: the scenario's own value)."
    ),
    "find_boxes": "Run PRIM over the sweep: find the parameter ranges holding the marked points.",
    "open_box": (
        "Open this box's representative run on the Live tab, to play it week by week "
        "(the current live run is replaced)."
    ),
}
"""Help text of every control of the live page and the Compare tab, by control name."""

ACTION_HELP: dict[Action, str] = {
    Action.ENGAGE: "take part in the talks in good faith",
    Action.CONCEDE: "give ground on the disputed issue",
    Action.ADD_CONDITIONS: "stay at the table but ask for more before agreeing",
    Action.WALK_AWAY: "leave the talks (observers may blame the side that leaves)",
    Action.ESCALATE_RHETORIC: "threaten and accuse in public (raises the crisis hazard)",
    Action.SANCTION: "impose sanctions (raises the crisis hazard; some blocs distrust them)",
    Action.SILENT: "say and do nothing",
}
"""What each action means, for the intervention buttons' help."""


def intervention_help(role_label: str, action: Action) -> str:
    """The help text of the button that forces `action` on the side labelled `role_label`."""
    return (
        f"Force {role_label} to {action_label(action)} from the next week: "
        f"{ACTION_HELP[action]}. It lasts until another click or 'back to strategy'."
    )


def control_help(name: str) -> str:
    """The help text of the control named `name` (an intervention: ``intervene.ROLE.ACTION``)."""
    if name.startswith("intervene."):
        _, role, action = name.split(".", 2)
        return intervention_help(ROLE_LABELS[role], Action(action))
    return CONTROL_HELP[name]


CHART_HELP: dict[str, str] = {
    "events": (
        "Moves when a side changes its action: by its strategy, or by an intervention you make."
    ),
    "legitimacy": (
        "Moves with what observers see and hear: a walkout, rhetoric or sanctions cost the side "
        "that takes them; talks and concessions earn good faith; the media amplify or soften. "
        "Rules mark changes of action: dashed, an intervention; dotted, a strategy's own."
    ),
    "narrative": (
        "The share moves when observers cross over from seeing A as more legitimate to N (or "
        "back); blame follows who is seen to leave or escalate."
    ),
    "crisis": (
        "Salience rises with news (walkouts, rhetoric, sanctions, shocks) and fades; the crisis "
        "index only grows, faster while escalation and misread intentions last."
    ),
    "red_line": (
        "Narrows while the two sides talk (each round reveals something); widens little while "
        "they do not. Rules mark changes of action, as on the legitimacy chart."
    ),
    "blocs": (
        "Blocs read the same events differently: exposure to the media, scepticism of sanctions "
        "and their starting tilt. Rules mark changes of action, as on the legitimacy chart."
    ),
    "gap": (
        "Moves as observers update: a side's actions and the media shift the whole shape; "
        "two humps mean the public has split."
    ),
    "media": (
        "Moves with the week's events and each outlet's lean; outlets that index follow the "
        "official line."
    ),
    "network": (
        "Colours change as observers update and influence the neighbours they trust; the "
        "layout stays."
    ),
}
"""What moves each chart, by view key."""

HEADLINE_HELP: dict[str, str] = {
    "week": "Weeks run so far, of the run's length; one step is one week.",
    "legitimacy_negotiator": (
        "Mean over observers of how legitimate they find N, from 0 to 1; N's actions and the "
        "media move it."
    ),
    "legitimacy_adversary": (
        "Mean over observers of how legitimate they find A, from 0 to 1; A's actions and the "
        "media move it."
    ),
    "narrative_share": (
        "Per cent of observers who find N more legitimate than A; 50% is an even split."
    ),
    "crisis_index": (
        "Chance, in the model, that a war by miscalculation has begun by now: it only grows, "
        "faster under escalation. A model index, not a forecast."
    ),
    "polarization": (
        "How far observers are split into opposed camps (0: all agree); a divisive event raises it."
    ),
}
"""What each headline figure shows and what moves it, by its output column."""


@solara.component
def WithHelp(name: str, text: str = "", children: list | None = None) -> solara.Element:
    """The control(s) in `children` with the tooltip of `name` (see `control_help`).

    Use as ``with WithHelp("step"): solara.Button("Step", ...)``; `text`, when given, is the
    help of this one control (a registry parameter's meaning). The wrapper is marked
    ``data-help`` with the name and carries the text for screen readers as a description.
    """
    text = text or control_help(name)
    with solara.Tooltip(text) as main:
        solara.Div(
            children=children or [],
            attributes={"data-help": name, "aria-description": text},
            style={"display": "block", "max-width": "100%"},
        )
    return main
