"""User-facing errors: one clear message per problem, naming file, field path and fix."""

from __future__ import annotations

from dataclasses import dataclass

ECHO_CHARS = 80
"""How much of a value a message repeats back (a 200k-character value is shown as its start)."""


def shorten(text: object, limit: int = ECHO_CHARS) -> str:
    """``text`` safe to print: control characters escaped (no terminal escape sequences or
    line breaks from a file), and cut to ``limit`` characters with the full length said."""
    s = str(text)
    cut = s[: limit + 1]
    shown = "".join(c if c.isprintable() or c == " " else _escape(c) for c in cut[:limit])
    if len(s) > limit:
        shown += f"… ({len(s):,} characters)"
    return shown


def _escape(c: str) -> str:
    return c.encode("unicode_escape").decode("ascii")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located by file and dotted field path."""

    path: str
    message: str
    fix: str | None = None
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = shorten(self.file or "<scenario>", 300)
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {shorten(self.path, 200) or '(top level)'}: {shorten(self.message, 600)}"
        if self.fix:
            text += f" — fix: {shorten(self.fix, 600)}"
        return text


class ScenarioError(Exception):
    """The input is wrong; carries every problem found (the CLI prints them, exit status 2)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """A command was called with arguments that cannot work (exit status 2)."""
