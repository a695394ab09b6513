"""Load a scenario file: read YAML, apply ``extends`` overlays, validate once.

Past :func:`load_scenario` the model trusts its input. Every problem is reported with the file,
the line (where known), the dotted field path and a fix, gathered into one
:class:`~simulator.errors.ScenarioError`.
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError
from . import distributions, schema
from .checks import check_scenario
from .schema import Scenario

PathKey = tuple[str, ...]


class _Source:
    """The raw mapping of one scenario after overlays, with where each field was written."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.lines: dict[PathKey, tuple[str, int]] = {}
        self.files: list[Path] = []

    def locate(self, path: str) -> tuple[str | None, int | None]:
        parts: PathKey = tuple(p for p in path.split(".") if p)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return (str(self.files[-1]) if self.files else None), None


def _read_yaml(path: Path) -> tuple[Any, dict[PathKey, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(
            [Problem("", "file not found", "check the path", file=str(path))]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem("", f"cannot read file: {exc}", file=str(path))]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"malformed YAML: {problem}",
                    "check indentation, colons and quoting near this line",
                    file=str(path),
                    line=line,
                )
            ]
        ) from None
    lines: dict[PathKey, int] = {}
    if node is not None:
        _walk_lines(node, (), lines)
    return data, lines


def _walk_lines(node: yaml.Node, prefix: PathKey, out: dict[PathKey, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = prefix + (str(key.value),)
            out[k] = key.start_mark.line + 1
            _walk_lines(value, k, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            k = prefix + (str(i),)
            out[k] = value.start_mark.line + 1
            _walk_lines(value, k, out)


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Overlay onto base: mappings merge key by key, anything else replaces; ``null`` deletes."""
    merged = copy.deepcopy(base)
    for key, value in overlay.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _load_source(path: Path, chain: tuple[Path, ...] = ()) -> _Source:
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(
            [
                Problem(
                    "extends",
                    f"extends forms a cycle: {cycle}",
                    "remove one of the extends lines",
                    file=str(chain[-1]),
                )
            ]
        )
    data, lines = _read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"a scenario file must be a mapping of fields, got a {type(data).__name__}",
                    "start the file with fields such as 'name:' and 'nodes:'",
                    file=str(path),
                    line=1,
                )
            ]
        )
    source = _Source()
    parent = data.pop("extends", None)
    if parent is not None:
        if not isinstance(parent, str):
            raise ScenarioError(
                [
                    Problem(
                        "extends",
                        "extends must be a file name",
                        "write extends: base.yaml",
                        file=str(path),
                        line=lines.get(("extends",)),
                    )
                ]
            )
        parent_path = (path.parent / parent).resolve()
        if not parent_path.exists():
            raise ScenarioError(
                [
                    Problem(
                        "extends",
                        f"base file '{parent}' not found (looked in {path.parent})",
                        "give a path relative to this file",
                        file=str(path),
                        line=lines.get(("extends",)),
                    )
                ]
            )
        source = _load_source(parent_path, (*chain, path))
    source.data = deep_merge(source.data, data)
    source.lines.update({k: (str(path), v) for k, v in lines.items()})
    source.files.append(path)
    if "name" not in data and chain == ():
        source.data["name"] = path.stem  # a variant is named after its own file
    return source


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read, overlay and validate a scenario file; raise :class:`ScenarioError` on any problem.

    ``overrides`` is a mapping merged on top of the file (same rules as ``extends``).
    """
    source = _load_source(Path(path))
    if overrides:
        source.data = deep_merge(source.data, overrides)
    return validate_data(source.data, source)


def scenario_from_dict(data: dict[str, Any], name: str = "scenario") -> Scenario:
    """Validate a scenario given as a Python mapping (as a YAML file would hold it)."""
    source = _Source()
    source.data = copy.deepcopy(data)
    source.data.setdefault("name", name)
    return validate_data(source.data, source)


def validate_data(data: dict[str, Any], source: _Source | None = None) -> Scenario:
    source = source or _Source()
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_locate(_pydantic_problems(exc, data), source)) from None
    problems = check_scenario(sc)
    if problems:
        raise ScenarioError(_locate(problems, source))
    return sc


def _locate(problems: list[Problem], source: _Source) -> list[Problem]:
    out = []
    for p in problems:
        file, line = source.locate(p.path)
        out.append(Problem(p.path, p.message, p.fix, file=p.file or file, line=p.line or line))
    return out


# --------------------------------------------------------------------------- pydantic → Problem


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for module in (schema, distributions):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel:
                for fname, f in obj.model_fields.items():
                    names.add(f.alias or fname)
    return names


def _clean_loc(loc: tuple[Any, ...], data: Any) -> list[str]:
    """Drop pydantic's union-tag segments so the path matches what the user wrote."""
    parts: list[str] = []
    here = data
    for seg in loc:
        if isinstance(here, dict):
            if seg in here:
                parts.append(str(seg))
                here = here[seg]
                continue
            if isinstance(seg, str) and (
                seg in (here.get("kind"), here.get("dist")) or "[" in seg or seg.startswith("function")
            ):
                continue
            parts.append(str(seg))
            here = None
        elif isinstance(here, list) and isinstance(seg, int) and seg < len(here):
            parts.append(str(seg))
            here = here[seg]
        elif isinstance(seg, str) and ("[" in seg or seg.startswith("function")):
            continue
        else:
            parts.append(str(seg))
            here = None
    return parts


def _pydantic_problems(exc: ValidationError, data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    field_names = None
    for err in exc.errors():
        parts = _clean_loc(err["loc"], data)
        path = ".".join(parts)
        typ, ctx = err["type"], err.get("ctx", {}) or {}
        given = err.get("input")
        fix = None
        if typ == "missing":
            msg = "required field is missing"
            fix = f"add '{parts[-1]}'" if parts else None
        elif typ == "extra_forbidden":
            if field_names is None:
                field_names = _all_field_names()
            name = parts[-1] if parts else "?"
            msg = f"unknown field '{name}'"
            close = difflib.get_close_matches(name, field_names, n=1, cutoff=0.6)
            fix = f"did you mean '{close[0]}'?" if close else "remove it (see `diversim schema`)"
        elif typ in ("union_tag_invalid", "union_tag_not_found"):
            expected = ctx.get("expected_tags", "")
            tag = ctx.get("discriminator", "kind").strip("'")
            if typ == "union_tag_not_found":
                msg = f"'{tag}' is missing"
            else:
                msg = f"unknown {tag} '{ctx.get('tag')}'"
                close = difflib.get_close_matches(
                    str(ctx.get("tag")), [t.strip(" '") for t in expected.split(",")], n=1
                )
                if close:
                    msg += f" — did you mean '{close[0]}'?"
            fix = f"use one of: {expected}"
        elif typ in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            op = {
                "greater_than_equal": ">=",
                "greater_than": ">",
                "less_than_equal": "<=",
                "less_than": "<",
            }[typ]
            bound = next(iter(ctx.values())) if ctx else "?"
            msg = f"must be {op} {bound}, got {given!r}"
            if op in (">=", ">") and bound == 0:
                fix = "durations, capacities, prices and quantities cannot be negative"
            else:
                fix = f"use a value {op} {bound}"
        elif typ == "value_error":
            msg = str(ctx.get("error", err["msg"]))
            fix = None
        elif typ.endswith("_type") or typ.endswith("_parsing"):
            msg = f"{err['msg'].lower()}, got {given!r}"
            fix = None
        elif typ == "literal_error" or typ == "enum":
            msg = f"{err['msg']}, got {given!r}"
        else:
            msg = err["msg"]
        key = (path, msg)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(path, msg, fix))
    return problems
