"""User-facing errors: one clear message per problem, naming file, field path and fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located by file and dotted field path."""

    path: str
    message: str
    fix: str | None = None
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {self.path or '(top level)'}: {self.message}"
        if self.fix:
            text += f" — fix: {self.fix}"
        return text


class ScenarioError(Exception):
    """The input is wrong; carries every problem found (the CLI prints them, exit status 2)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """A command was called with arguments that cannot work (exit status 2)."""
