"""Read one scenario file: its data and the line of every field, from a single YAML parse.

The YAML text is composed once into a node graph; the line map (field path → line) is read from
those nodes and the data is constructed from the same nodes, so both always agree. Anything that
stops a file from being a scenario mapping (missing, unreadable, not UTF-8, malformed YAML, empty,
not a mapping) raises a :class:`~simulator.errors.ScenarioError` naming the file and, where known,
the line. Keys written twice are returned as problems (YAML itself keeps the last silently).

Scenario files travel between teams, so the reader takes nothing on trust (limits below, each
refused with its own message): only regular files of at most :data:`MAX_FILE_BYTES`; no explicit
tags (``!!int``, ``!!python/...``); at most :data:`MAX_DEPTH` levels of nesting and
:data:`MAX_VALUES` values in all, counting every use of an ``*alias`` as a copy of what it names
(an "alias bomb" of a few lines would otherwise expand to billions); no alias inside its own
anchor. :func:`parse_value` reads a command-line value under the same rules.
"""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ScenarioError, shorten

MAX_FILE_BYTES = 2 * 1024 * 1024
"""The largest scenario file read (2 MiB; the shipped ones are about 20 kB)."""
MAX_DEPTH = 40
"""The deepest nesting of lists and mappings (a scenario needs about 6 levels)."""
MAX_VALUES = 10_000
"""The most values (scalars, lists, mappings) a file may hold, aliases expanded (a shipped
scenario holds at most about 1,000; reading 10,000 takes a few tenths of a second)."""

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


def read_yaml_file(path: Path) -> Any:
    """Any YAML file (a sweep design, say) read under the same limits; raise ScenarioError."""
    path = Path(path)
    data, _, _ = _read_yaml(path, display_name(path))
    return data


def similar_file(path: Path) -> str | None:
    """The name of a YAML file beside ``path`` whose name is close to it."""
    folder = path.parent
    try:
        if not folder.is_dir():
            return None
        stems = {p.stem: p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml")}
    except (OSError, ValueError):
        return None
    close = difflib.get_close_matches(path.stem, list(stems), n=1, cutoff=0.75)
    return stems[close[0]] if close else None


# --------------------------------------------------------------------------- reading


def _read_text(path: Path, shown: str) -> str:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ScenarioError([_file_not_found(path, shown)]) from None
    except OSError as exc:
        raise ScenarioError([_unreadable(exc, shown)]) from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(
            [Problem("", "this is a folder, not a scenario file", "give a .yaml file", file=shown)]
        )
    if not stat.S_ISREG(info.st_mode):  # a device, a pipe: reading could block or never end
        raise ScenarioError(
            [Problem("", "not a regular file", "give a .yaml file saved on disk", file=shown)]
        )
    if info.st_size > MAX_FILE_BYTES:
        raise ScenarioError([_too_large(info.st_size, shown)])
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat
    except OSError as exc:
        raise ScenarioError([_unreadable(exc, shown)]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError([_too_large(len(raw), shown)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                    "save the file as UTF-8",
                    file=shown,
                )
            ]
        ) from None


def _unreadable(exc: OSError, shown: str) -> Problem:
    return Problem("", f"cannot read the file: {exc.strerror}", "check its permissions", file=shown)


def _too_large(size: int, shown: str) -> Problem:
    return Problem(
        "",
        f"the file is {size / 2**20:.1f} MiB; scenario files may be at most "
        f"{MAX_FILE_BYTES // 2**20} MiB",
        "keep long data (observed values, comments) short: summarise observed values as a "
        "distribution, e.g. {dist: lognormal, mean: 30, cv: 0.2}",
        file=shown,
    )


class _Refused(Exception):
    """A limit of the hardened reader, with its message, fix and (0-based) line."""

    def __init__(self, message: str, fix: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.fix, self.line = message, fix, line


_TOO_MANY = (
    f"the file holds more than {MAX_VALUES:,} values (counting every *alias as a copy of what "
    "it names)",
    "use fewer aliases (an alias of an alias multiplies), or fewer values: summarise long lists "
    "of observations as a distribution, e.g. {dist: lognormal, mean: 30, cv: 0.2}",
)


class _Limits:
    """Composer hooks that refuse explicit tags, nesting deeper than MAX_DEPTH and more than
    MAX_VALUES nodes, as the node graph is built."""

    _depth = 0
    _nodes = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        event = self.peek_event()
        tag = getattr(event, "tag", None)
        if tag is not None and not isinstance(event, yaml.AliasEvent):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(
                f"tags are not allowed (found '{shorten(shown, 40)}')",
                f"remove '{shorten(shown, 40)}' and write the plain value: a number as digits "
                "(1000, 0.5), text in quotes",
                event.start_mark.line,
            )
        self._depth += 1
        self._nodes += 1
        if self._nodes > MAX_VALUES:  # stop reading early: composing is the slow part
            raise _Refused(*_TOO_MANY, event.start_mark.line)
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    f"nested more than {MAX_DEPTH} levels deep",
                    "a scenario needs only a few levels of nesting: remove the extra brackets "
                    "or indentation",
                    event.start_mark.line,
                )
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


class _StrictLoader(_Limits, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader with the limits: its error messages are the ones shown."""


try:  # libyaml's parser (about 5x faster) under PyYAML's Python composer, with the same limits
    from yaml._yaml import CParser
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    class _FastLoader(_Limits, Composer, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = _StrictLoader  # type: ignore[misc,assignment]


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a node graph that contains itself, or whose aliases expand beyond the limits.

    One pass over the graph (each node once, without recursion), memoising the expanded size
    and depth of each node, so an alias bomb is measured without being expanded.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        kids = _children(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            if size[key] > MAX_VALUES:
                raise _Refused(*_TOO_MANY, node.start_mark.line)
            if depth[key] > MAX_DEPTH:
                raise _Refused(
                    f"aliases nest values more than {MAX_DEPTH} levels deep",
                    "use fewer aliases inside aliases",
                    node.start_mark.line,
                )
            continue
        if key in size:
            continue
        if key in on_path:
            raise _Refused(
                "an alias refers to the anchor it is inside (a value that contains itself)",
                "point the *alias at an anchor defined elsewhere, or write the value out",
                node.start_mark.line,
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in kids if id(k) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _load(text: str, shown: str | None = None) -> tuple[Any, dict[PathKey, int], list[Problem]]:
    """Compose ``text`` once into a checked node graph, read its lines (when ``shown`` names the
    file) and construct its data from the same nodes (raises _Refused or yaml.YAMLError)."""
    lines: dict[PathKey, int] = {}
    problems: list[Problem] = []
    loader = _FastLoader(text)
    try:
        try:
            node = loader.get_single_node()  # the one parse: what yaml.compose does
        except yaml.YAMLError:
            _explain(text)  # the pure-Python reader's message (its wording and marks)
            raise
        if node is None:
            return None, lines, problems
        _check_expansion(node)
        if shown is not None:
            # Lines first: constructing the data flattens merge keys (<<) in the nodes in place.
            _walk_lines(node, (), lines, problems, shown)
        return loader.construct_document(node), lines, problems  # what yaml.safe_load adds
    finally:
        loader.dispose()


def _explain(text: str) -> None:
    """Re-read a text libyaml refused with the Python reader, to raise its clearer error (only
    on the error path; returns if the Python reader accepts it, and the first error stands)."""
    loader = _StrictLoader(text)
    try:
        loader.get_single_node()
    finally:
        loader.dispose()


def parse_value(text: str) -> Any:
    """A value (as YAML reads it: 3 → int, 0.5 → float, [a, b] → list) under the file limits.

    Raise :class:`ValueError` with what is wrong and the fix.
    """
    if len(text) > MAX_FILE_BYTES:
        raise ValueError(f"the value is longer than {MAX_FILE_BYTES // 2**20} MiB")
    try:
        return _load(text)[0]
    except _Refused as exc:
        raise ValueError(f"{exc.message} — fix: {exc.fix}") from None
    except yaml.YAMLError as exc:
        p = _malformed(exc, "")
        raise ValueError(
            f"{p.message}; quote text that holds YAML punctuation ([ ] {{ }} : # & * ! | > ' \" %)"
        ) from None
    except (ValueError, TypeError, OverflowError) as exc:  # pragma: no cover - tags are refused
        raise ValueError(f"not a value: {exc}") from None


def _read_yaml(path: Path, shown: str) -> tuple[Any, dict[PathKey, int], list[Problem]]:
    text = _read_text(path, shown)
    try:
        return _load(text, shown)
    except _Refused as exc:
        line = exc.line + 1 if exc.line is not None else None
        raise ScenarioError([Problem("", exc.message, exc.fix, file=shown, line=line)]) from None
    except yaml.reader.ReaderError as exc:
        raise ScenarioError([_bad_character(exc, text, shown)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([_malformed(exc, shown)]) from None
    except (ValueError, TypeError, OverflowError) as exc:  # pragma: no cover - tags are refused
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"a value cannot be read: {shorten(str(exc))}",
                    "write plain values",
                    file=shown,
                )
            ]
        ) from None


def _bad_character(exc: yaml.reader.ReaderError, text: str, shown: str) -> Problem:
    """A character YAML does not allow (a NUL, a control character) with its line."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, str) else chr(exc.character or 0)
    return Problem(
        "",
        f"the control character '{char.encode('unicode_escape').decode()}' (#x{ord(char):04x}) "
        f"at column {column} is not allowed in YAML",
        "remove it (the file may be damaged, or binary data was pasted in); save the file as "
        "plain UTF-8 text",
        file=shown,
        line=line,
    )


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
    if "\\t" in p or "tab character" in p or "tabs" in p:
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
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else "(a complex key)"
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
