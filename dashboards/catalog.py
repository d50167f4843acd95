"""The names the dashboard offers the browser, and the files and folders behind them.

The browser never sends a path: it sends a name it was offered (a config's file name such as
``walkout.yaml``, a results folder's name such as ``walkout``), and the server looks that name
up in a list it builds again from its own folders on every request. A name that is not in the
list is refused with the same message whatever it is (a file elsewhere, a folder, nothing), and
the message never repeats it: the page cannot be used to probe the server's file system.

Messages about an offered config that does not validate name the file and the key path only,
never what the file holds (`page_lines`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from model.config import ConfigError

CONFIG_SUFFIXES = (".yaml", ".yml")
"""File endings of the configs the dashboard offers."""

CONFIG_ENV = "DIPLOMACY_DASHBOARD_CONFIG"
"""Environment variable naming the config the dashboard starts with (set by `run.py dashboard`)."""

RESULTS_ENV = "DIPLOMACY_DASHBOARD_RESULTS"
"""Environment variable naming the folder whose results folders the Compare tab offers."""

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "baseline.yaml"
"""The config opened when `CONFIG_ENV` is not set."""


class NotOfferedError(ValueError):
    """A name the server did not offer; its message does not repeat the name."""


@dataclass(frozen=True)
class Catalog:
    """The entries of one folder that the dashboard offers by name.

    `folder` is resolved once, on the server; `names()` lists it again on every call, so a
    file added while the server runs appears on the next refresh. Subclasses say which entries
    count; an entry whose real location (symbolic links followed) is outside `folder` never does.
    """

    folder: Path
    kind: str = "entry"

    def __post_init__(self) -> None:
        object.__setattr__(self, "folder", Path(self.folder).resolve())

    def names(self) -> list[str]:
        """The names offered now, in the order the page lists them."""
        try:
            entries = [p for p in self.folder.iterdir() if not p.name.startswith(".")]
        except OSError:
            return []
        return sorted(p.name for p in entries if self._inside(p) and self._offers(p))

    def path(self, name: object) -> Path:
        """The server-side path behind an offered `name`.

        Raises:
            NotOfferedError: `name` is not one of `names()` (whatever it is: the message is the
                same and does not repeat it).
        """
        offered = self.names()
        if isinstance(name, str) and name in offered:
            return self.folder / name
        listed = ", ".join(offered) if offered else "none yet"
        raise NotOfferedError(
            f"{self.kind}: expected one of the {self.kind}s offered in the list ({listed})"
        )

    def _inside(self, entry: Path) -> bool:
        try:
            return entry.resolve().parent == self.folder
        except OSError:
            return False

    def _offers(self, entry: Path) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class ConfigCatalog(Catalog):
    """The YAML configs in the folder of the config the dashboard was started with."""

    kind: str = "config"

    @classmethod
    def beside(cls, config: str | Path) -> ConfigCatalog:
        """The catalog of the folder holding `config`."""
        return cls(Path(config).resolve().parent)

    def _offers(self, entry: Path) -> bool:
        return entry.suffix in CONFIG_SUFFIXES and entry.is_file()


@dataclass(frozen=True)
class ResultsCatalog(Catalog):
    """The results folders (those with a ``manifest.json``) directly under `--results`."""

    kind: str = "results folder"

    @classmethod
    def under(cls, root: str | Path) -> ResultsCatalog:
        """The catalog of the results folders under `root`."""
        return cls(Path(root))

    def names(self) -> list[str]:
        """Results folder names, the most recently written first."""
        names = super().names()
        return sorted(names, key=self._written, reverse=True)

    def _offers(self, entry: Path) -> bool:
        return entry.is_dir() and (entry / "manifest.json").is_file()

    def _written(self, name: str) -> float:
        try:
            return (self.folder / name / "manifest.json").stat().st_mtime
        except OSError:
            return 0.0


def start_config() -> Path:
    """The config the dashboard starts with: `CONFIG_ENV`, else the baseline."""
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


STARTED_IN = Path.cwd()
"""The working directory the server started in: a relative results folder is taken from it,
whatever the working directory is later."""


def results_root() -> Path:
    """The folder holding the results folders: `RESULTS_ENV`, else ./results where it started.

    ``run.py dashboard`` sets `RESULTS_ENV` to its ``--results`` made absolute from the working
    directory of the command, so the server's own working directory never matters.
    """
    return (STARTED_IN / (os.environ.get(RESULTS_ENV) or "results")).resolve()


_FOUND = re.compile(r"[,;]? found\b.*$")
_INVALID_YAML = re.compile(r"invalid YAML\b.*$")


def page_lines(error: ConfigError, name: str) -> list[str]:
    """The problems of config `name` as the page shows them: file name and key path, no content.

    Each line keeps the key path and what the config's schema expected, and drops what the file
    held: the part from ``found`` on, and the parser's description of a malformed line.
    """
    return [f"{name}: {_without_content(problem)}" for problem in error.problems]


def _without_content(problem: str) -> str:
    if problem == "file not found":
        return problem
    text = _INVALID_YAML.sub("invalid YAML", problem)
    return _FOUND.sub("", text).rstrip(" ,;:")
