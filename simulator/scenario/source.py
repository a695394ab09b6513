"""Read one scenario file: its data and the line of every field, from a single YAML parse.

The YAML text is composed once into a node graph; the line map (field path → line) is read from
those nodes and the data is constructed from the same nodes, so both always agree. Anything that
stops a file from being a scenario mapping (missing, unreadable, not UTF-8, malformed YAML, empty,
not a mapping) raises a :class:`~simulator.errors.ScenarioError` naming the file and, where known,
the line. Keys written twice are returned as problems (YAML itself keeps the last silently).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ScenarioError

PathKey = tuple[str, ...]
"""A field path as its parts, e.g. ``("nodes", "cn_shenzhen", "capacity_per_day")``."""


@dataclass
class ScenarioFile:
    """One scenario file as read: its mapping, where each field was written and what was odd."""

    path: Path
    shown: str  # the file name as the user would type it
    data: dict[str, Any]
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # e.g. keys written twice


def display_name(path: Path) -> str:
    """A file name as the user would type it: relative to the working folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def read_scenario_file(path: Path) -> ScenarioFile:
    """Read ``path`` (absolute) as a scenario mapping; raise :class:`ScenarioError` if it is not."""
    shown = display_name(path)
    data, lines, problems = _read_yaml(path, shown)
    if data is None:
        raise ScenarioError(
            [
                Problem(
                    "",
                    "the file is empty",
                    "write the scenario's fields (name, nodes, legs, sourcing, …), "
                    "see `diversim schema`",
                    file=shown,
                )
            ]
        )
    if not isinstance(data, dict):
        what = {"list": "a list", "str": "a single text value"}.get(
            type(data).__name__, f"a single {type(data).__name__} value"
        )
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"a scenario file must be a mapping of fields, but this one holds {what}",
                    "start the file with fields such as 'name:', 'nodes:' and 'sourcing:'",
                    file=shown,
                    line=1,
                )
            ]
        )
    return ScenarioFile(path, shown, data, lines, problems)


def similar_file(path: Path) -> str | None:
    """The name of a YAML file beside ``path`` whose name is close to it."""
    folder = path.parent
    if not folder.is_dir():
        return None
    stems = {p.stem: p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml")}
    close = difflib.get_close_matches(path.stem, list(stems), n=1, cutoff=0.75)
    return stems[close[0]] if close else None


# --------------------------------------------------------------------------- reading


def _read_text(path: Path, shown: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([_file_not_found(path, shown)]) from None
    except IsADirectoryError:
        raise ScenarioError(
            [Problem("", "this is a folder, not a scenario file", "give a .yaml file", file=shown)]
        ) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem("", f"not UTF-8 text ({exc.reason})", "save the file as UTF-8", file=shown)]
        ) from None
    except OSError as exc:
        raise ScenarioError(
            [
                Problem(
                    "", f"cannot read the file: {exc.strerror}", "check its permissions", file=shown
                )
            ]
        ) from None


def _read_yaml(path: Path, shown: str) -> tuple[Any, dict[PathKey, int], list[Problem]]:
    text = _read_text(path, shown)
    lines: dict[PathKey, int] = {}
    problems: list[Problem] = []
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()  # the one parse: what yaml.compose does
        if node is None:
            return None, lines, problems
        # Lines first: constructing the data flattens merge keys (<<) in the nodes in place.
        _walk_lines(node, (), lines, problems, shown)
        return loader.construct_document(node), lines, problems  # what yaml.safe_load adds
    except yaml.YAMLError as exc:
        raise ScenarioError([_malformed(exc, shown)]) from None
    finally:
        loader.dispose()


def _malformed(exc: yaml.YAMLError, shown: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    msg = f"malformed YAML: {problem}"
    if context:
        if context_mark is not None and mark is not None and context_mark.line != mark.line:
            context += f" that starts on line {context_mark.line + 1}"
        msg += f" ({context})"
    if mark is not None:
        msg += f" at column {mark.column + 1}"
    return Problem("", msg, _yaml_fix(str(problem)), file=shown, line=line)


def _yaml_fix(problem: str) -> str:
    p = problem.lower()
    if "\\t" in p or "tab" in p:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in p:
        return (
            "put a space after each ':' and quote values that contain ': ', or fix the indentation"
        )
    if "could not find expected ':'" in p:
        return "write 'key: value' (a colon and a space after the key) on this line"
    if "expected <block end>" in p or "did not find expected key" in p:
        return "line this entry up with the keys above it (same indentation)"
    if "found undefined alias" in p:
        return "define the &anchor before using *alias"
    if "found unexpected end of stream" in p or "while scanning a quoted" in p:
        return "close the quote or bracket that is opened here"
    return "check indentation, colons, brackets and quoting near this line"


def _walk_lines(
    node: yaml.Node,
    prefix: PathKey,
    out: dict[PathKey, int],
    problems: list[Problem],
    shown: str,
) -> None:
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            line = key.start_mark.line + 1
            k = (*prefix, name)
            if name in first_line and name != "<<":
                problems.append(
                    Problem(
                        ".".join(k),
                        f"'{name}' is written twice (first on line {first_line[name]}); "
                        "YAML keeps only the last",
                        "rename one of them or merge them into one entry",
                        file=shown,
                        line=line,
                    )
                )
            first_line.setdefault(name, line)
            out[k] = line
            _walk_lines(value, k, out, problems, shown)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            k = (*prefix, str(i))
            out[k] = value.start_mark.line + 1
            _walk_lines(value, k, out, problems, shown)


def _file_not_found(path: Path, shown: str) -> Problem:
    fix = "check the path"
    close = similar_file(path)
    if close:
        fix = f"did you mean '{close}'?"
    return Problem("", "file not found", fix, file=shown)
