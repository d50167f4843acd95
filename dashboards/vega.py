"""A Vega-Lite chart widget that works offline and redraws a step in milliseconds.

Solara's own `VegaLite` widget asks for ``vega@5`` from its asset folder, which only the online
proxy resolves; offline, `solara-assets` ships exact versions (``vega@5.21.0``). This widget
asks for the versions that are installed, draws at once (no debounce), and when only the data
of a chart changes it updates the drawn chart in place instead of compiling it again.
"""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Any

import ipyvuetify as v
import traitlets

LIBRARIES = (("vega", "5"), ("vega-lite", "5"), ("vega-embed", "6"))
"""The browser libraries the chart loads, with the major version it needs."""


@functools.cache
def installed_libraries() -> dict[str, str]:
    """The asset folder name of each library (``vega@5.21.0``), the newest installed one.

    Falls back to the bare major version (``vega@5``) when nothing is installed, which the
    online asset proxy resolves.
    """
    try:
        from solara.server import settings

        folder = Path(settings.assets.proxy_cache_dir)
    except Exception:  # no server settings: let the proxy resolve the names
        folder = None
    found = {}
    for name, major in LIBRARIES:
        candidates = []
        if folder is not None and folder.is_dir():
            pattern = re.compile(rf"^{re.escape(name)}@({major}(?:\.\d+)*)$")
            for path in folder.iterdir():
                match = pattern.match(path.name)
                if match and (path / "build").is_dir():
                    candidates.append((tuple(int(p) for p in match.group(1).split(".")), path.name))
        found[name] = max(candidates)[1] if candidates else f"{name}@{major}"
    return found


class VegaWidget(v.VuetifyTemplate):
    """A Vega-Lite chart drawn as SVG; `show(spec)` draws a complete Vega-Lite spec.

    The spec's ``description`` becomes the chart's accessible label, and its
    ``usermeta.week`` is set on the chart's element as ``data-week`` once drawn
    (``usermeta.renderer`` may ask for ``canvas``). `spec` keeps the last spec shown. Datasets
    that rarely change travel apart, sent only when they change.
    """

    template_file = str(Path(__file__).with_name("vega_chart.vue"))
    spec = traitlets.Dict()
    spec_json = traitlets.Unicode("").tag(sync=True)
    static_json = traitlets.Unicode("{}").tag(sync=True)
    libraries = traitlets.Dict().tag(sync=True)

    @traitlets.default("libraries")
    def _libraries(self) -> dict[str, str]:
        return installed_libraries()

    def show(self, spec: dict) -> None:
        """Draw `spec`; its datasets named in ``usermeta.static`` are sent only when changed.

        The spec travels as JSON text: the browser parses it natively instead of making every
        record of the data reactive, which would cost more than drawing the chart.
        """
        static_names = spec.get("usermeta", {}).get("static", [])
        datasets = dict(spec.get("datasets", {}))
        static = {name: datasets.pop(name) for name in static_names if name in datasets}
        self.spec = spec
        self.static_json = _json(static)
        self.spec_json = _json({**spec, "datasets": datasets})


def _json(data: Any) -> str:
    """JSON text of plain data; a NaN or an infinity becomes null (JSON has neither)."""
    try:
        return json.dumps(data, allow_nan=False, separators=(",", ":"))
    except ValueError:
        return json.dumps(_finite(data), allow_nan=False, separators=(",", ":"))


def _finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(value) for value in data]
    return data
