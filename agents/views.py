"""Attribute views: agent attributes that read and write the model's arrays."""

from __future__ import annotations

from typing import Any


class ArrayView:
    """An agent attribute stored in `model.<array>[index]` (or `[side, index]`).

    The model owns the values and updates them as whole arrays; the agent reads and writes
    them through this descriptor, so an agent is a live view, never a stale copy.
    """

    def __init__(self, array: str, side: int | None = None, index_attr: str = "index") -> None:
        self.array = array
        self.side = side
        self.index_attr = index_attr

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def _key(self, agent: Any) -> Any:
        i = getattr(agent, self.index_attr)
        return i if self.side is None else (self.side, i)

    def __get__(self, agent: Any, owner: type | None = None) -> Any:
        if agent is None:
            return self
        value = getattr(agent.model, self.array)[self._key(agent)]
        return value.item() if hasattr(value, "item") else value

    def __set__(self, agent: Any, value: Any) -> None:
        getattr(agent.model, self.array)[self._key(agent)] = value
