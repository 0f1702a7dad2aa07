"""Problems found in a policy repository, reported as sentences that name the file and commit.

Nothing here raises a traceback at a user: the CLI and the MkDocs plugin both catch
`PolicyError` and print its message. Warnings are collected rather than logged so that the
engine stays independent of any logging setup (MkDocs turns warnings into `--strict` failures).
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from enum import Enum

_SHOWN = reprlib.Repr()  # (keyword arguments only from Python 3.12)
_SHOWN.maxlevel, _SHOWN.maxstring, _SHOWN.maxother = 2, 60, 60
_SHOWN.maxdict = _SHOWN.maxlist = 4


def shown(value: object) -> str:
    """A value as a message quotes it, cut short: a message never holds an unbounded value
    (front matter can hold a megabyte of text, or a nest of YAML aliases)."""
    return _SHOWN.repr(value)


class Level(Enum):
    #: Information for the log: nothing to fix (for example, a merged history that has
    #: something the site leaves out, and says so).
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Problem:
    """One finding about one file, optionally at one commit and in one front matter field."""

    level: Level
    message: str
    path: str | None = None
    commit: str | None = None
    field: str | None = None
    line: int | None = None
    column: int | None = None

    def located(self) -> str:
        """`file:line:col: level: message`, the form editors and CI annotations read."""
        where = ":".join(str(x) for x in (self.path, self.line, self.column) if x is not None)
        message = (
            self.message if self.commit is None else f"{self.message} (commit {self.commit[:12]})"
        )
        field = f"'{self.field}': " if self.field else ""
        return f"{where}: {self.level.value}: {field}{message}"

    def __str__(self) -> str:
        where = self.path or ""
        if self.commit:
            where += f" (commit {self.commit[:12]})"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}" if where else self.message


class PolicyError(Exception):
    """One or more errors that stop the build; `str()` lists every one of them."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(Level.ERROR, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Problems:
    """Collects problems so a build reports all of them at once instead of the first only."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, message: str, **where: str | int | None) -> None:
        self.items.append(Problem(Level.ERROR, message, **where))  # type: ignore[arg-type]

    def warning(self, message: str, **where: str | int | None) -> None:
        self.items.append(Problem(Level.WARNING, message, **where))  # type: ignore[arg-type]

    def info(self, message: str, **where: str | int | None) -> None:
        self.items.append(Problem(Level.INFO, message, **where))  # type: ignore[arg-type]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.WARNING]

    @property
    def infos(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.INFO]

    def raise_errors(self) -> None:
        if self.errors:
            raise PolicyError(self.errors)
