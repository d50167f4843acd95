"""A widget by which the browser says which week it shows: the play loop's acknowledgement.

The server sends `week` with every redraw; the browser, once it has applied that update (and
every update sent before it, in order), sets `shown` to it. The play loop waits for it before
the next step (`dashboards.player`), so playing never runs ahead of the page.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

TEMPLATE = """
<template>
    <span class="week-shown" :data-week="week" style="display: none"></span>
</template>
<script>
module.exports = {
    mounted() {
        this.shown = this.week;
    },
    watch: {
        week(value) {
            this.shown = value;
        },
    },
};
</script>
"""


class WeekShown(v.VuetifyTemplate):
    """An invisible element whose `shown` trait the browser sets to the `week` it received."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    week = traitlets.Int(0).tag(sync=True)
    shown = traitlets.Int(-1).tag(sync=True)
