"""Load a scenario: read its files, apply ``extends`` overlays, validate once.

Past :func:`load_scenario` the model trusts its input. The steps, each in its own module:
:mod:`.source` reads a YAML file (data and line map, one parse), :mod:`.overlays` resolves
``extends``, the schema (:mod:`.schema`) validates each field, :mod:`.problems` turns its errors
into problems, and :mod:`.checks` adds the cross-reference problems. Every problem is reported with
the file, the line (where known), the dotted field path, what is wrong and a fix, gathered into one
:class:`~simulator.errors.ScenarioError`, so one run of ``diversim validate`` lists everything
that can be found.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, get_args

from pydantic import TypeAdapter, ValidationError

from ..errors import Problem, ScenarioError
from .checks import check_data, too_many_episodes
from .overlays import ScenarioSource, deep_merge, read_layers
from .problems import pydantic_problems
from .references import SECTIONS
from .schema import Scenario
from .types import MAX_NUMBER


def load_scenario(
    path: str | Path,
    overrides: dict[str, Any] | None = None,
    allow_extends_outside: bool = False,
) -> Scenario:
    """Read, overlay and validate a scenario file; raise :class:`ScenarioError` on any problem.

    ``overrides`` is a mapping merged on top of the file (same rules as ``extends``). Base files
    named by ``extends`` must lie in the file's folder tree unless ``allow_extends_outside``.
    """
    source = read_layers(Path(path), allow_outside=allow_extends_outside)
    if overrides:
        source.data = deep_merge(source.data, overrides)
    return validate_data(source.data, source)


def scenario_from_dict(data: dict[str, Any], name: str = "scenario") -> Scenario:
    """Validate a scenario given as a Python mapping (as a YAML file would hold it)."""
    source = ScenarioSource()
    if not isinstance(data, Mapping):
        raise ScenarioError([Problem("", "a scenario must be a mapping of fields", "pass a dict")])
    source.data = copy.deepcopy(dict(data))
    source.data.setdefault("name", name)
    return validate_data(source.data, source)


def validate_data(data: dict[str, Any], source: ScenarioSource | None = None) -> Scenario:
    """Validate a merged scenario mapping; raise one :class:`ScenarioError` listing everything."""
    source = source or ScenarioSource()
    problems = list(source.problems) + huge_numbers(data)
    sc: Scenario | None = None
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += pydantic_problems(exc, data)
    checked = sc.model_dump(mode="json", by_alias=True) if sc is not None else _salvage(data)
    problems += check_data(checked)
    if sc is not None:
        problems += too_many_episodes(sc)
    if problems or sc is None:
        raise ScenarioError(source.place(_dedupe(problems)))
    return sc


def huge_numbers(data: Any) -> list[Problem]:
    """A problem for every number beyond ±MAX_NUMBER (the root ``seed`` has its own bound)."""
    out = []
    stack: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while stack:
        path, x = stack.pop()
        if isinstance(x, Mapping):
            stack.extend(((*path, str(k)), v) for k, v in x.items())
        elif isinstance(x, list | tuple):
            stack.extend(((*path, str(i)), v) for i, v in enumerate(x))
        elif (
            isinstance(x, int | float)
            and not isinstance(x, bool)
            and path != ("seed",)
            and math.isfinite(x)
            and abs(x) > MAX_NUMBER
        ):
            out.append(
                Problem(
                    ".".join(path),
                    f"{float(x):.3g} is beyond the range of scenario numbers (±{MAX_NUMBER:.0e})",
                    "use a realistic value; numbers in a scenario may be at most 1e12 in size",
                )
            )
    return sorted(out, key=lambda p: p.path)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


@cache
def _entry_adapter(section: str) -> TypeAdapter:
    return TypeAdapter(get_args(Scenario.model_fields[section].annotation)[1])


def _salvage(data: Any) -> Any:
    """The data, with each entry that is valid on its own replaced by its normalised form.

    The cross-reference checks then see what the schema would make of the valid entries (aliases,
    coerced numbers) and the raw text of the invalid ones (which they read defensively).
    """
    if not isinstance(data, Mapping):
        return data
    out = dict(data)
    for section in SECTIONS:
        entries = data.get(section)
        if not isinstance(entries, Mapping):
            continue
        adapter = _entry_adapter(section)
        fixed = {}
        for key, entry in entries.items():
            try:
                fixed[key] = adapter.dump_python(
                    adapter.validate_python(entry), mode="json", by_alias=True
                )
            except (ValidationError, TypeError, ValueError):
                fixed[key] = entry
        out[section] = fixed
    return out
