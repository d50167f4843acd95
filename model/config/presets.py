"""Presets of a config: the illustrative media ecologies and blocs (no country names).

A config names a media ecology by its preset name (``media: polarized``) or lists its outlets;
it lists its blocs or keeps `DEFAULT_BLOCS`. The ODD's preset tables are generated from here.
"""

from __future__ import annotations

from typing import Any

DEFAULT_MEDIA = "mixed"
"""The media ecology of MODEL_SPEC's baseline."""

MEDIA_PRESETS: dict[str, tuple[dict[str, Any], ...]] = {
    "mixed": (
        {"name": "Outlet leaning to N", "bias": 0.6, "reach": 0.3, "indexing": 0.4},
        {"name": "Outlet leaning to A", "bias": -0.6, "reach": 0.3, "indexing": 0.4},
        {"name": "Wire service", "bias": 0.0, "reach": 0.5, "indexing": 0.8},
        {"name": "Public broadcaster", "bias": 0.0, "reach": 0.4, "indexing": 0.6},
    ),
    "neutral": (
        {"name": "Wire service", "bias": 0.0, "reach": 0.5, "indexing": 0.8},
        {"name": "Public broadcaster", "bias": 0.0, "reach": 0.4, "indexing": 0.6},
        {"name": "Regional daily", "bias": 0.0, "reach": 0.3, "indexing": 0.6},
        {"name": "News portal", "bias": 0.0, "reach": 0.3, "indexing": 0.6},
    ),
    "polarized": (
        {"name": "Partisan outlet for N", "bias": 0.8, "reach": 0.4, "indexing": 0.2},
        {"name": "Partisan outlet for A", "bias": -0.8, "reach": 0.4, "indexing": 0.2},
        {"name": "Leaning outlet for N", "bias": 0.5, "reach": 0.3, "indexing": 0.3},
        {"name": "Leaning outlet for A", "bias": -0.5, "reach": 0.3, "indexing": 0.3},
    ),
}
"""Illustrative media ecologies; `mixed` is the default of MODEL_SPEC. All are symmetric."""

DEFAULT_BLOCS: tuple[dict[str, Any], ...] = (
    {
        "name": "Bloc A",
        "share": 0.30,
        "economic_weight": 0.35,
        "exposure": 0.7,
        "scepticism": 0.4,
        "tilt": {"negotiator": -0.05, "adversary": 0.05},
    },
    {
        "name": "Bloc B",
        "share": 0.25,
        "economic_weight": 0.25,
        "exposure": 0.4,
        "scepticism": 0.6,
        "tilt": {"negotiator": 0.0, "adversary": 0.0},
    },
    {
        "name": "Bloc C",
        "share": 0.30,
        "economic_weight": 0.25,
        "exposure": 0.3,
        "scepticism": 0.7,
        "tilt": {"negotiator": 0.05, "adversary": -0.05},
    },
    {
        "name": "Bloc D",
        "share": 0.15,
        "economic_weight": 0.15,
        "exposure": 0.5,
        "scepticism": 0.5,
        "tilt": {"negotiator": 0.0, "adversary": 0.0},
    },
)
"""Illustrative blocs (no country names): the tilts of A and C mirror each other."""
