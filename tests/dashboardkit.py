"""Helpers for the dashboard tests without a browser: a small config, in-process renders."""

from __future__ import annotations

from pathlib import Path

import ipyvuetify as v
import solara
import yaml

from dashboards.vega import VegaWidget

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.yaml"


def small_config(tmp_path: Path, **top) -> Path:
    """A two-scenario config with 150 observers (fast), written to tmp_path."""
    data = {
        "name": "small",
        "steps": 40,
        "seed": 11,
        "model": {"observers": 150},
        "scenarios": {
            "both_engage": {
                "negotiator": {"strategy": "always_engage"},
                "adversary": {"strategy": "always_engage"},
            },
            "adaptive_adversary": {
                "negotiator": {"strategy": "tit_for_tat"},
                "adversary": {"strategy": "adaptive", "rationality": 3.0},
            },
        },
        **top,
    }
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


class Renders:
    """Elements rendered in-process with `solara.render`, closed together at the end."""

    def __init__(self) -> None:
        self._contexts: list = []

    def __call__(self, element):
        """Render `element`; its render context is closed by `close`."""
        _, rc = solara.render(element, handle_error=False)
        self._contexts.append(rc)
        return rc

    def close(self) -> None:
        """Close every render made."""
        while self._contexts:
            self._contexts.pop().close()


def chart_spec(rc) -> dict:
    """The Vega-Lite spec of the one chart in a render."""
    widgets = rc.find(VegaWidget).widgets
    assert len(widgets) == 1
    return widgets[0].spec


def switch(rc, label: str):
    """The switch labelled `label` in a render."""
    return rc.find(v.Switch, label=label).widget


def button(rc, name: str):
    """The one button named `name` (its text or its aria-label) in a render."""
    found = [
        w
        for w in rc.find(v.Btn).widgets
        if name in w.children or (w.attributes or {}).get("aria-label") == name
    ]
    assert len(found) == 1, (name, len(found))
    return found[0]


def html_text(rc, testid: str) -> str:
    """The text of the one HTML element with data-testid `testid` in a render."""
    if testid == "step-counter":  # the week counter is a widget of its own
        from dashboards.ack import WeekCounter

        return rc.find(WeekCounter).widget.text
    found = [
        w
        for w in rc.find(solara.widgets.HTML).widgets
        if (w.attributes or {}).get("data-testid") == testid
    ]
    assert len(found) == 1, testid
    return found[0].unsafe_innerHTML


EMIT_CHOICE = """([label, value]) => {
    for (const element of document.querySelectorAll('.v-select')) {
        const text = element.querySelector('label');
        if (text && text.textContent.startsWith(label)) {
            element.__vue__.$emit('input', value);
            return true;
        }
    }
    return false;
}"""
"""JavaScript that sends `value` as the new choice of the select labelled `label`, as the page
would (whatever the select offers): a crafted message from the browser."""
