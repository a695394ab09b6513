"""Parameter paths: address any scenario field by a dotted path and set it.

``disruptions.suez_closure.timing.duration_days`` names a field the way it is written in the
scenario file; list items are addressed by index (``sourcing.contingent.backups.0``). Setting a
path and re-validating gives a new scenario; a path that does not exist, or a value the schema
rejects, is reported with the path named — before any simulation starts.
"""

from __future__ import annotations

import copy
import difflib
import functools
from collections.abc import Mapping
from typing import Any

from ..errors import Problem, ScenarioError
from ..scenario.loader import validate_data
from ..scenario.schema import Scenario


def scenario_data(sc: Scenario) -> dict[str, Any]:
    """The scenario as the plain mapping a YAML file would hold (defaults filled)."""
    return sc.model_dump(mode="json", by_alias=True, exclude_none=True)


@functools.cache
def _known_fields() -> frozenset[str]:
    """Every field name (as spelled in files) of every scenario model."""
    from pydantic import BaseModel

    from ..scenario import distributions, schema

    names: set[str] = set()
    for module in (schema, distributions):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel:
                names.update(f.alias or n for n, f in obj.model_fields.items())
    return frozenset(names)


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` in ``data`` in place; raise ScenarioError naming the path if it is absent.

    The last segment may name a field that is not written in the file (an optional field left at
    its default), as long as it is a field the schema knows; the schema then checks the value.
    """
    parts = [p for p in path.split(".") if p]
    if not parts:
        raise ScenarioError(
            [
                Problem(
                    path,
                    "empty parameter path",
                    "write a dotted path such as nodes.dc.inventory.order_up_to",
                )
            ]
        )
    here: Any = data
    for i, seg in enumerate(parts):
        last = i == len(parts) - 1
        where = ".".join(parts[:i]) or "(top level)"
        if isinstance(here, list):
            if not seg.isdigit() or int(seg) >= len(here):
                raise ScenarioError(
                    [
                        Problem(
                            path,
                            f"'{seg}' is not an index of the list at {where} "
                            f"(it has {len(here)} items)",
                            "use 0, 1, …",
                        )
                    ]
                )
            if last:
                here[int(seg)] = value
                return
            here = here[int(seg)]
            continue
        if not isinstance(here, dict):
            raise ScenarioError(
                [
                    Problem(
                        path,
                        f"{where} is a value, not a mapping, so it has no '{seg}'",
                        "shorten the path",
                    )
                ]
            )
        if seg not in here:
            if last and (seg in _known_fields() or _is_open_mapping(parts[:-1])):
                here[seg] = value
                return
            close = difflib.get_close_matches(seg, [str(k) for k in here], n=1)
            hint = f" — did you mean '{close[0]}'?" if close else ""
            known = ", ".join(sorted(str(k) for k in here)[:12])
            raise ScenarioError(
                [Problem(path, f"no field '{seg}' at {where}{hint}", f"fields there: {known}")]
            )
        if last:
            here[seg] = value
            return
        here = here[seg]


def _is_open_mapping(parent: list[str]) -> bool:
    """Mappings whose keys are ids, not field names (e.g. a split's shares)."""
    return bool(parent) and parent[-1] == "shares"


def apply_parameters(sc: Scenario, values: Mapping[str, Any], label: str = "") -> Scenario:
    """A new, validated scenario with every ``path: value`` of ``values`` set."""
    data = copy.deepcopy(scenario_data(sc))
    for path, value in values.items():
        set_path(data, path, value)
    try:
        return validate_data(data)
    except ScenarioError as exc:
        prefix = f"{label}: " if label else ""
        setting = ", ".join(f"{k}={v!r}" for k, v in values.items())
        raise ScenarioError(
            [
                Problem(p.path, f"{prefix}with {setting}: {p.message}", p.fix, file=None)
                for p in exc.problems
            ]
        ) from None
