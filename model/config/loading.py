"""Reading a config's YAML safely: a safe loader that refuses what would exhaust the machine.

A YAML file is small on disk and can still be enormous once read: an alias names a whole
mapping or list again, so nine levels of nine aliases stand for 9^9 values, and a deep nest of
brackets overflows Python's recursion. The loader here counts every value as it composes the
document, an alias counting the full size of what it names each time it is used, and stops at
the first value past a limit, before the rest is read. The file's size is checked before it
is read. Plain data given as a dict (`check_shape`) meets the same limits.

Only YAML's safe tags are constructed (`yaml.SafeLoader`'s constructor): a config can never
execute code. A key repeated in one mapping is an error. When PyYAML has its C extension
(libyaml), its parser produces the events, which is several times faster than the pure Python
one; the composing and the counting are this module's in both cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent, ScalarEvent
from yaml.nodes import Node
from yaml.resolver import Resolver

MAX_CONFIG_BYTES = 1_000_000
"""Largest config file, in bytes (a large config with many scenarios holds a few thousand)."""

MAX_VALUES = 50_000
"""Most values (keys, scalars, mappings and lists) in a config, an alias counting each time
it is used for everything it names."""

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists in a config (the configs of INTERFACE.md nest 5)."""


class ConfigFileError(ValueError):
    """A config file that cannot be read as a YAML mapping: one line, without the file name."""


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML document past one of this module's limits, with the place where it was passed."""


try:  # libyaml's parser when PyYAML has it, else PyYAML's own
    from yaml._yaml import CParser as _Parser

    _PURE_PYTHON: tuple[type, ...] = ()

    def _start_parser(loader: Any, stream: str) -> None:
        _Parser.__init__(loader, stream)

except ImportError:  # PyYAML's wheels ship libyaml; a build without it reads more slowly
    from yaml.parser import Parser as _Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    _PURE_PYTHON = (Reader, Scanner)

    def _start_parser(loader: Any, stream: str) -> None:
        Reader.__init__(loader, stream)
        Scanner.__init__(loader)
        _Parser.__init__(loader)


class _LimitedComposer(Composer):
    """A composer that counts values (aliases expanded) and nesting, and stops past a limit.

    The size (values) and height (levels) of each anchored node are kept, so that an alias
    adds what it names without walking it again.
    """

    def __init__(self) -> None:
        super().__init__()
        self._values = 0
        self._depth = 0
        self._reach = 0  # the deepest level reached inside the node being composed
        self._size: dict[Node, int] = {}
        self._height: dict[Node, int] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            return self._compose_alias(parent, index, event)
        depth = self._depth + 1
        if depth > MAX_DEPTH:
            self._refuse(
                f"nested too deeply: expected at most {MAX_DEPTH} levels of mappings and lists",
                event.start_mark,
            )
        self._count(1, event.start_mark)
        if isinstance(event, ScalarEvent):
            self._reach = max(self._reach, depth)
            node = super().compose_node(parent, index)
            if event.anchor is not None:
                self._size[node], self._height[node] = 1, 1
            return node
        before, outer_reach = self._values, self._reach
        self._depth = self._reach = depth
        node = super().compose_node(parent, index)
        if event.anchor is not None:
            self._size[node] = self._values - before + 1
            self._height[node] = self._reach - depth + 1
        self._depth, self._reach = depth - 1, max(outer_reach, self._reach)
        return node

    def _compose_alias(self, parent: Node | None, index: Any, event: AliasEvent) -> Node:
        node = self.anchors.get(event.anchor)
        if node is not None:  # else the composer reports the undefined alias
            size = self._size.get(node)
            if size is None:
                self._refuse(
                    f"alias *{event.anchor} names a mapping or list that contains it",
                    event.start_mark,
                )
            deepest = self._depth + self._height[node]
            if deepest > MAX_DEPTH:
                self._refuse(
                    f"nested too deeply through alias *{event.anchor}: expected at most "
                    f"{MAX_DEPTH} levels of mappings and lists",
                    event.start_mark,
                )
            self._reach = max(self._reach, deepest)
            self._count(size, event.start_mark)
        return super().compose_node(parent, index)

    def _count(self, values: int, mark: Any) -> None:
        self._values += values
        if self._values > MAX_VALUES:
            self._refuse(
                f"too many values: the document expands to more than {MAX_VALUES:,} values by "
                "here (an alias counts everything it names each time it is used)",
                mark,
            )

    def _refuse(self, problem: str, mark: Any) -> None:
        raise YamlLimitError(problem=problem, problem_mark=mark)


class SafeLimitedLoader(  # type: ignore[misc]
    *_PURE_PYTHON, _LimitedComposer, _Parser, SafeConstructor, Resolver
):
    """A safe YAML loader with limits on values, aliases and nesting; duplicate keys refused."""

    def __init__(self, stream: str) -> None:
        _start_parser(self, stream)
        _LimitedComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping, refusing a key repeated in it (YAML says keys are unique)."""
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                continue  # SafeConstructor.construct_mapping reports it with its line
            if key in seen:
                raise ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str) -> Any:
    """The data of one YAML document, read with `SafeLimitedLoader`.

    Raises:
        ConfigFileError: malformed YAML, an unsafe tag, a duplicate key or a limit passed,
            naming the line and column.
    """
    loader = SafeLimitedLoader(text)
    try:
        return loader.get_single_data()
    except YamlLimitError as error:
        raise ConfigFileError(f"{_where(error)}{error.problem}") from None
    except yaml.MarkedYAMLError as error:
        problem = error.problem or "invalid YAML"
        if error.context and "duplicate" not in problem:
            problem = f"{error.context}, {problem}"
        raise ConfigFileError(f"{_where(error)}invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ConfigFileError(f"invalid YAML: {error}") from None
    finally:
        loader.dispose()


def _where(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    return f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""


def read_yaml(path: str | Path) -> Any:
    """The data of a YAML config file, its size checked before it is read.

    Raises:
        ConfigFileError: a missing, unreadable, too large, empty or malformed file.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigFileError("file not found")
    if path.is_dir():
        raise ConfigFileError("is a directory, expected a YAML file")
    try:
        _check_size(path.stat().st_size)
        with path.open("rb") as stream:  # read no more than the limit, whatever stat said
            data = stream.read(MAX_CONFIG_BYTES + 1)
        _check_size(len(data), exact=False)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigFileError(f"cannot read the file ({error.__class__.__name__})") from None
    data = parse_yaml(text)
    if data is None:
        raise ConfigFileError("the file is empty, expected a mapping with name and scenarios")
    return data


def _check_size(size: int, *, exact: bool = True) -> None:
    if size > MAX_CONFIG_BYTES:
        found = f"{size:,} bytes" if exact else f"more than {MAX_CONFIG_BYTES:,} bytes"
        raise ConfigFileError(
            f"file too large: expected a config of at most {MAX_CONFIG_BYTES:,} bytes, "
            f"found {found}"
        )


def check_shape(data: Any) -> None:
    """Refuse plain data past the limits of a YAML config (values, nesting), without recursion.

    A value that is reached twice counts twice, as an alias does; data that contains itself
    is nested infinitely deep and is refused.

    Raises:
        ConfigFileError: naming the limit passed.
    """
    values = 1
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            values += 2 * len(item)
            children = [part for pair in item.items() for part in pair]
        elif isinstance(item, list | tuple | set | frozenset):
            values += len(item)
            children = list(item)
        else:
            continue
        if values > MAX_VALUES:
            raise ConfigFileError(
                f"too many values: expected at most {MAX_VALUES:,}, found more (a value "
                "reached twice counts twice)"
            )
        if children and depth >= MAX_DEPTH:
            raise ConfigFileError(
                f"nested too deeply: expected at most {MAX_DEPTH} levels of mappings and lists"
            )
        stack.extend((child, depth + 1) for child in children)


def count_values(data: Any) -> int:
    """How many values plain data holds, as `check_shape` counts them (keys included)."""
    values, stack = 1, [data]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            values += 2 * len(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            values += len(item)
            stack.extend(item)
    return values
