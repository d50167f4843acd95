"""The week counter, by which the browser also says which week it shows.

The server sends `week` and the counter's `text` with every redraw; the browser, once it has
put that text on the page (and so applied every update sent before it, in order), sets
`shown` to the week. The play loop waits for it before the next step (`dashboards.player`),
so playing never runs ahead of what the audience sees.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

TEMPLATE = """
<template>
    <div data-testid="step-counter" aria-live="polite" :data-week="week"
         style="font-size: 20px; font-weight: 500;" :style="{ color: colour }">{{ text }}</div>
</template>
<script>
module.exports = {
    mounted() {
        this.shown = this.week;
    },
    watch: {
        week(value) {
            this.$nextTick(() => {
                this.shown = value;
            });
        },
    },
};
</script>
"""


class WeekCounter(v.VuetifyTemplate):
    """The page's week counter (``Week 5 of 200``); `shown` is the week the browser shows."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    colour = traitlets.Unicode("black").tag(sync=True)
    week = traitlets.Int(0).tag(sync=True)
    shown = traitlets.Int(-1).tag(sync=True)
