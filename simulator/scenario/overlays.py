"""``extends`` overlays: a scenario file on top of its base files, and where each field came from.

``extends: base.yaml`` (a path relative to the file that says it) starts from the base file and
overlays this one: mappings merge key by key, anything else (numbers, lists) replaces, a mapping
whose ``kind`` or ``dist`` differs from the base's replaces it whole, and ``null`` deletes the key.
A chain of bases that comes back to a file already in it is refused, naming the whole chain.
A base must lie in the folder of the scenario file given (or below it): a file received from
elsewhere cannot make the tool read ``/etc/passwd`` or ``../../secrets.yaml``, unless the user
says so (``allow_outside``, the ``--allow-extends-outside`` option).

The result, a :class:`ScenarioSource`, remembers the file and line that last wrote each field, so
a problem found later in the merged data is reported where the user wrote it.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError, shorten
from .references import SECTIONS, did_you_mean
from .source import PathKey, display_name, read_scenario_file, similar_file
from .types import TAG_FIELDS

MAX_CHAIN = 20
"""The most files in one chain of ``extends`` (a variant of a variant of … a base)."""

# The words the cross-checks use for an unknown id of each section ("unknown supplier 'x'").
_SECTION_WORDS = {
    "nodes": ("node", "supplier"),
    "legs": ("leg",),
    "sourcing": ("policy",),
    "disruptions": (),
}


class ScenarioSource:
    """The raw mapping of one scenario after overlays, with where each field was written."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.lines: dict[PathKey, tuple[str, int]] = {}
        self.files: list[Path] = []
        self.problems: list[Problem] = []  # found while reading (duplicate keys, bad deletes)
        self.deleted: dict[PathKey, str] = {}  # section entries deleted by an overlay: file:line

    def locate(self, path: str) -> tuple[str | None, int | None]:
        """The file and line that wrote the dotted ``path`` (or its nearest written parent)."""
        parts: PathKey = tuple(p for p in path.split(".") if p)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return (display_name(self.files[-1]) if self.files else None), None

    def place(self, problems: list[Problem]) -> list[Problem]:
        """The problems with their file and line, in file order.

        A problem that already names its file keeps it. An unknown id that an overlay deleted
        with ``null`` says so, since the deletion, not the reference, is the likely mistake.
        """
        out = []
        for p in problems:
            file, line = self.locate(p.path)
            if p.file is not None:
                file, line = p.file, p.line
            message = p.message
            unknown = re.match(r"unknown (node|supplier|leg|policy) '([^']*)'", message)
            if unknown:
                for (section, name), where in self.deleted.items():
                    if name == unknown.group(2) and unknown.group(1) in _SECTION_WORDS[section]:
                        message += f" (it was deleted by 'null' in {where})"
            out.append(Problem(p.path, message, p.fix, file=file, line=line))
        return sorted(out, key=lambda p: (p.file or "", p.line or 0))


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Overlay onto base: mappings merge key by key, anything else replaces; ``null`` deletes.

    A mapping whose ``kind`` or ``dist`` differs from the base's replaces it whole (a lognormal
    overlaid with ``{dist: fixed, value: 3}`` becomes that fixed value, not a mixture of both).
    """
    return _merge(base, overlay, (), None, [])


def read_layers(
    path: Path, chain: tuple[Path, ...] = (), allow_outside: bool = False
) -> ScenarioSource:
    """Read ``path`` and, through its ``extends`` lines, every base under it, merged.

    ``chain`` is the files that extend this one (outermost first), to refuse cycles. Bases must
    lie in the first file's folder tree unless ``allow_outside``.
    """
    path = path.resolve() if path.exists() else path.absolute()
    file = read_scenario_file(path)
    data, lines, shown = file.data, file.lines, file.shown
    parent = data.pop("extends", None)
    if parent is None:
        source = ScenarioSource()
        source.data = copy.deepcopy(data)
    else:
        parent_path = _resolve_parent(parent, path, shown, lines, chain, allow_outside)
        source = read_layers(parent_path, (*chain, path), allow_outside)
        absent: list[tuple[PathKey, list[str]]] = []
        deleted: list[PathKey] = []
        source.data = _merge(source.data, data, (), absent, deleted)
        for key in deleted:
            source.deleted[key] = f"{shown}:{lines.get(key, '?')}"
        for key, siblings in absent:
            source.problems.append(
                Problem(
                    ".".join(key),
                    f"null deletes '{key[-1]}', but the base has no such entry"
                    + did_you_mean(key[-1], siblings),
                    "fix the name, or remove this line",
                    file=shown,
                    line=lines.get(key),
                )
            )
    source.problems += file.problems
    source.lines.update({k: (shown, v) for k, v in lines.items()})
    source.files.append(path)
    if "name" not in data and chain == ():
        source.data["name"] = path.stem  # a variant is named after its own file
    return source


def _replaces(base: Any, value: Any) -> bool:
    """A mapping naming a different ``kind``/``dist`` replaces the base mapping whole."""
    return any(tag in value and tag in base and value[tag] != base[tag] for tag in TAG_FIELDS)


def _merge(
    base: dict[str, Any],
    overlay: dict[str, Any],
    prefix: PathKey,
    absent: list[tuple[PathKey, list[str]]] | None,
    deleted: list[PathKey],
) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in overlay.items():
        here = (*prefix, str(key))
        if value is None:
            if key in merged:
                del merged[key]
                if absent is not None and len(here) == 2 and here[0] in SECTIONS:
                    deleted.append(here)
            elif absent is not None and len(here) == 2 and here[0] in SECTIONS:
                # deleting an entry that is not there is most likely a misspelt id
                absent.append((here, [str(k) for k in merged]))
        elif (
            isinstance(value, dict)
            and isinstance(merged.get(key), dict)
            and not _replaces(merged[key], value)
        ):
            merged[key] = _merge(merged[key], value, here, absent, deleted)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long for the system, say
        return False


def _inside(candidate: Path, root: Path) -> bool:
    """Whether ``candidate`` (symbolic links followed) lies in ``root`` or below it."""
    real, top = os.path.realpath(candidate), os.path.realpath(root)
    try:
        return os.path.commonpath([real, top]) == top
    except ValueError:  # pragma: no cover - another drive on Windows
        return False


def _resolve_parent(
    parent: Any,
    path: Path,
    shown: str,
    lines: dict[PathKey, int],
    chain: tuple[Path, ...],
    allow_outside: bool,
) -> Path:
    line = lines.get(("extends",))
    if not isinstance(parent, str) or not parent.strip() or "\0" in parent:
        raise ScenarioError(
            [
                Problem(
                    "extends",
                    f"extends must name a file, got {shorten(repr(parent))}",
                    "write extends: base.yaml (a path relative to this file)",
                    file=shown,
                    line=line,
                )
            ]
        )
    parent_path = path.parent / parent
    root = (chain[0] if chain else path).parent
    if not allow_outside and not _inside(parent_path, root):
        raise ScenarioError(
            [
                Problem(
                    "extends",
                    f"base file '{shorten(parent)}' is outside the scenario's folder "
                    f"({display_name(root)})",
                    "copy the base file into the scenario's folder (or a folder below it) and "
                    "extend that copy; or, if you trust this file, pass --allow-extends-outside",
                    file=shown,
                    line=line,
                )
            ]
        )
    if not _is_file(parent_path):
        close = similar_file(parent_path)
        hint = f" — did you mean '{(Path(parent).parent / close).as_posix()}'?" if close else ""
        raise ScenarioError(
            [
                Problem(
                    "extends",
                    f"base file '{shorten(parent)}' not found (looked for "
                    f"{shorten(display_name(parent_path))})" + hint,
                    "give the base file's path relative to this file",
                    file=shown,
                    line=line,
                )
            ]
        )
    parent_path = parent_path.resolve()
    if len(chain) + 1 >= MAX_CHAIN:
        raise ScenarioError(
            [
                Problem(
                    "extends",
                    f"extends chains more than {MAX_CHAIN} files",
                    "let variants extend one shared base instead of each other",
                    file=shown,
                    line=line,
                )
            ]
        )
    if parent_path in (*chain, path):
        start = (*chain, path).index(parent_path)
        cycle = " -> ".join(display_name(p) for p in (*(*chain, path)[start:], parent_path))
        raise ScenarioError(
            [
                Problem(
                    "extends",
                    f"extends forms a cycle: {cycle}",
                    "remove one of the extends lines so the chain ends at a file without extends",
                    file=shown,
                    line=line,
                )
            ]
        )
    return parent_path
