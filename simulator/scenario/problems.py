"""Turn pydantic's validation errors into problems a user can act on.

Each error becomes a :class:`~simulator.errors.Problem` with the field path as the user wrote it
(:mod:`.field_paths`), what is wrong in plain words and a fix. One small handler per pydantic
error type says what is wrong; the fix is the schema's description of the field (what it takes)
where there is one, else a generic fix for that kind of error. Several errors that are one mistake
(a misspelt field: unknown plus missing) are folded into one problem.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, get_origin

from pydantic import BaseModel, ValidationError

from ..errors import Problem, shorten
from . import distributions
from .field_paths import (
    Where,
    dist_name,
    field_names,
    hint,
    is_dist,
    tag_of,
    union_members,
    where,
)
from .references import did_you_mean
from .schema import Scenario
from .types import TAG_FIELDS

_SEE_SCHEMA = "see `diversim schema` for what this field takes"


def pydantic_problems(exc: ValidationError, data: Any) -> list[Problem]:
    """One problem per mistake in ``exc``, raised validating ``data`` as a :class:`Scenario`."""
    found = []
    for err in exc.errors():
        try:
            found.append(_problem_for(err, data))
        except Exception:  # pragma: no cover - an error shape not foreseen: say it plainly
            w = Where()
            w.parts = [str(s) for s in err["loc"]]
            found.append((Problem(w.path, str(err["msg"]), "see `diversim schema`"), w))
    return _merge_typos(found)


@dataclass(frozen=True)
class _Error:
    """One pydantic error, located in the user's terms."""

    w: Where
    type: str
    ctx: Mapping[str, Any]
    given: Any  # the value the file holds there
    msg: str  # pydantic's own message
    fix: str | None  # what the schema says the field takes (see field_paths.hint)

    @property
    def path(self) -> str:
        return self.w.path

    @property
    def name(self) -> str:
        """The last part of the path (a field name, an id or an index)."""
        return self.w.parts[-1] if self.w.parts else "?"


Handler = Callable[[_Error], Problem]


def _problem_for(err: Mapping[str, Any], data: Any) -> tuple[Problem, Where]:
    w = where(tuple(err["loc"]), data)
    e = _Error(w, err["type"], err.get("ctx") or {}, err.get("input"), str(err["msg"]), hint(w))
    handler = _id_not_text if w.key_error else _HANDLERS.get(e.type) or _generic(e.type)
    p = handler(e)
    return (p if p.fix else replace(p, fix=_SEE_SCHEMA)), w


def _generic(typ: str) -> Handler:
    """The handler for an error type the table does not list."""
    if typ.endswith("_type"):
        return _null_is_empty(_wrong_type)
    if typ.endswith("_parsing"):
        return _wrong_type
    return _as_pydantic_says


# --------------------------------------------------------------------------- handlers


def _null_is_empty(handler: Handler) -> Handler:
    """A value of the wrong type that is null (a key with nothing after it) is an empty field."""

    def handle(e: _Error) -> Problem:
        return _empty(e) if e.given is None else handler(e)

    return handle


def _empty(e: _Error) -> Problem:
    fix = "give a value or remove the line" + (f" ({e.fix})" if e.fix else "")
    return Problem(e.path, f"'{e.name}' is empty (null)", fix)


def _id_not_text(e: _Error) -> Problem:
    return Problem(
        e.path,
        f"ids must be text, got {_fmt(e.given)}",
        f"quote the id, e.g. '{shorten(e.given, 40)}':",
    )


def _not_finite(e: _Error) -> Problem:
    fix = e.fix or "write a finite number"
    return Problem(e.path, f"must be a finite number, got {_fmt(e.given)}", fix)


def _missing(e: _Error) -> Problem:
    name = e.w.field or "?"
    if is_dist(e.w.model):
        fix = f"add '{name}': {e.fix}"
    else:
        fix = f"add '{name}'" + (f" ({e.fix})" if e.fix else "")
    return Problem(e.path, f"required field '{name}' is missing", fix)


def _unknown_field(e: _Error) -> Problem:
    name, model = e.w.field or "?", e.w.model
    known = field_names(model) if model is not None else []
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    label = _model_label(model) if model is not None else "this entry"
    msg = f"unknown field '{name}' for {label}"
    if close:
        return Problem(e.path, f"{msg} — did you mean '{close[0]}'?", f"rename it to '{close[0]}'")
    if is_dist(model):
        return Problem(e.path, msg, f"remove it; {e.fix}")
    return Problem(
        e.path, msg, f"remove it; {label} takes: {_allowed(model)}" if model else "remove it"
    )


def _tag_and_expected(e: _Error) -> tuple[str, list[str]]:
    tag = str(e.ctx.get("discriminator", "kind")).strip("'")
    expected = [t.strip(" '") for t in str(e.ctx.get("expected_tags", "")).split(",") if t]
    if not expected:
        members = union_members(e.w.tp) or []
        expected = [t for m in members if (tt := tag_of(m)) for t in tt[1]]
    return tag, expected


def _unknown_tag(e: _Error) -> Problem:
    tag, expected = _tag_and_expected(e)
    given = str(e.ctx.get("tag"))
    return Problem(
        f"{e.path}.{tag}" if e.path else tag,
        f"unknown {tag} '{shorten(given)}'" + did_you_mean(given, expected),
        f"use one of: {', '.join(expected)}",
    )


def _missing_tag(e: _Error) -> Problem:
    tag, expected = _tag_and_expected(e)
    guess = _dists_taking(set(e.given)) if tag == "dist" and isinstance(e.given, dict) else []
    if guess:
        fix = f"add {tag}: {guess[0]} (the fields given fit {', '.join(guess)})"
    else:
        fix = f"add {tag}: one of {', '.join(expected)}"
    return Problem(e.path, f"'{tag}' is missing", fix)


def _not_a_mapping(e: _Error) -> Problem:
    members = union_members(e.w.tp) or []
    if e.given is None:
        name = e.w.parts[-1] if e.w.parts else "the scenario"
        fix = "fill it in or remove the line" + (f" ({e.fix})" if e.fix else "")
        return Problem(e.path, f"'{name}' is empty", fix)
    if members and is_dist(members[0]):
        msg = f"expected a number or a distribution, got {_fmt(e.given)}"
        return Problem(e.path, msg, f"write {distributions.DIST_EXAMPLE}")
    if get_origin(e.w.tp) is dict:
        msg = f"expected a mapping of ids to entries, got {_fmt(e.given)}"
        return Problem(
            e.path, msg, e.fix or "write one 'id: {...}' line per entry, indented under this one"
        )
    msg = f"expected a mapping of fields, got {_fmt(e.given)}"
    return Problem(e.path, msg, e.fix or "write it as 'key: value' lines indented under this one")


_BOUND_OPS = {
    "greater_than_equal": ">=",
    "greater_than": ">",
    "less_than_equal": "<=",
    "less_than": "<",
}


def _out_of_bounds(e: _Error) -> Problem:
    op = _BOUND_OPS[e.type]
    bound = next(iter(e.ctx.values())) if e.ctx else "?"
    msg = f"must be {op} {_fmt(bound)}, got {_fmt(e.given)}"
    return Problem(e.path, msg, e.fix or f"use a value {op} {_fmt(bound)}")


def _rule_broken(e: _Error) -> Problem:
    """A validator's rule: its message, and the fix it gives (see types.invalid) or the field's."""
    msg = str(e.ctx.get("error", e.msg)).removeprefix("Value error, ")
    return Problem(e.path, msg, e.ctx.get("fix") or e.fix)


def _not_text(e: _Error) -> Problem:
    if isinstance(e.given, bool):
        msg = (
            f"expected text, got {str(e.given).lower()} (YAML reads yes/no/on/off/NO as true/false)"
        )
        return Problem(e.path, msg, "quote the value, e.g. country: 'NO'")
    return _wrong_type(e)


def _length(e: _Error) -> Problem:
    n = e.ctx.get("min_length", e.ctx.get("max_length"))
    what = "characters" if e.type.startswith("string") else "entries"
    if e.type == "too_short" and not e.given:
        msg = f"'{e.name}' is empty"
    elif e.type.endswith("too_short"):
        msg = f"needs at least {n} {what}, got {_fmt(e.given)}"
    else:
        msg = f"allows at most {n} {what}, got {_fmt(e.given)}"
    return Problem(e.path, msg, e.fix or f"give at least {n} {what}")


def _unknown_value(e: _Error) -> Problem:
    expected = re.findall(r"'([^']*)'", str(e.ctx.get("expected", "")))
    what = e.w.field if e.w.field and not e.w.items else "value"
    msg = f"unknown {what} {_fmt(e.given)}"
    if isinstance(e.given, str):
        msg += did_you_mean(e.given, expected)
    return Problem(e.path, msg, f"use one of: {', '.join(expected)}" if expected else e.fix)


def _not_a_list(e: _Error) -> Problem:
    return Problem(
        e.path, f"expected a list, got {_fmt(e.given)}", e.fix or "write a list, e.g. [a, b]"
    )


def _not_whole(e: _Error) -> Problem:
    msg = f"expected a whole number, got {_fmt(e.given)}"
    return Problem(e.path, msg, e.fix or "round it to a whole number")


_KINDS = {"int": "a whole number", "float": "a number", "bool": "true or false", "string": "text"}


def _wrong_type(e: _Error) -> Problem:
    base = e.type.split("_")[0]
    kind = _KINDS.get(base, base)
    return Problem(e.path, f"expected {kind}, got {_fmt(e.given)}", e.fix or f"write {kind}")


def _as_pydantic_says(e: _Error) -> Problem:
    return Problem(e.path, e.msg, e.fix)


#: pydantic error type → what to say. Types not listed: ``*_type``/``*_parsing`` say what was
#: expected, anything else keeps pydantic's message. A bad mapping key is always ``_id_not_text``.
_HANDLERS: dict[str, Handler] = {
    "missing": _missing,
    "extra_forbidden": _unknown_field,
    "union_tag_invalid": _unknown_tag,
    "union_tag_not_found": _missing_tag,
    "model_attributes_type": _not_a_mapping,
    "model_type": _not_a_mapping,
    "dict_type": _not_a_mapping,
    **dict.fromkeys(_BOUND_OPS, _out_of_bounds),
    "value_error": _rule_broken,
    "string_type": _null_is_empty(_not_text),
    "too_short": _length,
    "too_long": _length,
    "string_too_short": _length,
    "string_too_long": _length,
    "enum": _null_is_empty(_unknown_value),
    "literal_error": _unknown_value,
    "list_type": _null_is_empty(_not_a_list),
    "tuple_type": _null_is_empty(_not_a_list),
    "int_from_float": _not_whole,
    "finite_number": _not_finite,
}


# --------------------------------------------------------------------------- folding


def _merge_typos(found: list[tuple[Problem, Where]]) -> list[Problem]:
    """Fold an unknown field and a missing field of the same entry into one problem.

    ``{dist: lognormal, mean: 3, sd: 1}`` is one mistake (lognormal takes cv, not sd), and
    ``transit: 3`` for ``transit_days: 3`` is one typo, not an unknown field plus a missing one.
    """
    groups: dict[str, dict[str, list[int]]] = {}
    for i, (p, w) in enumerate(found):
        if p.message.startswith("unknown field") or p.message.startswith("required field"):
            key = ".".join(w.model_parts)
            kind = "extra" if p.message.startswith("unknown") else "missing"
            groups.setdefault(key, {"extra": [], "missing": []})[kind].append(i)
    drop: set[int] = set()
    replace_by: dict[int, Problem] = {}
    for key, g in groups.items():
        if not g["extra"] or not g["missing"]:
            continue
        model = found[g["extra"][0]][1].model
        extras = [found[i][1].field or "" for i in g["extra"]]
        missing = [found[i][1].field or "" for i in g["missing"]]
        if model is not None and is_dist(model):
            name = dist_name(model)
            msg = f"{name} does not take {', '.join(repr(e) for e in extras)}" + (
                f" and needs {', '.join(repr(m) for m in missing)}"
            )
            fix = f"{name} takes {model.takes}"  # type: ignore[attr-defined]
            given = {*extras, *_given_others(found, g)}
            other = [d for d in _dists_taking(given) if d != name]
            if other:
                fix += f"; or, for {' and '.join(sorted(given))}, use dist: {other[0]}"
            first = min(g["extra"] + g["missing"])
            replace_by[first] = Problem(key, msg, fix)
            drop.update(i for i in g["extra"] + g["missing"] if i != first)
            continue
        for i in g["extra"]:
            name = found[i][1].field or ""
            close = difflib.get_close_matches(name, missing, n=1, cutoff=0.6)
            if close:
                p = found[i][0]
                replace_by[i] = Problem(
                    p.path,
                    f"unknown field '{name}' — did you mean '{close[0]}'?",
                    f"rename it to '{close[0]}'",
                )
                drop.update(j for j in g["missing"] if found[j][1].field == close[0])
    return [replace_by.get(i, p) for i, (p, _) in enumerate(found) if i not in drop]


def _given_others(found: list[tuple[Problem, Where]], g: dict[str, list[int]]) -> set[str]:
    """Fields written in the distribution that the schema accepted (for a better guess)."""
    model = found[g["extra"][0]][1].model
    if model is None:
        return set()
    extras = {found[i][1].field for i in g["extra"]}
    missing = {found[i][1].field for i in g["missing"]}
    return {n for n in field_names(model) if n not in missing and n not in extras and n != "dist"}


# --------------------------------------------------------------------------- wording


def _all_dists() -> list[type[BaseModel]]:
    return [
        m
        for m in vars(distributions).values()
        if is_dist(m) and m is not distributions._Dist and "dist" in m.model_fields
    ]


def _dists_taking(keys: set[str]) -> list[str]:
    """Distributions whose fields include ``keys`` and whose required fields are all in it."""
    out = []
    for m in _all_dists():
        names = set(field_names(m)) - {"dist"}
        required = {
            (f.alias or n) for n, f in m.model_fields.items() if f.is_required() and n != "dist"
        }
        if keys <= names and required <= keys:
            out.append(dist_name(m))
    return out


def _model_label(model: type[BaseModel]) -> str:
    tag = tag_of(model)
    if tag is not None and len(tag[1]) == 1:
        return f"{tag[0]}: {tag[1][0]}"
    if model is Scenario:
        return "a scenario"
    return f"a {model.__name__.lower()}" if model.__name__[0] != "_" else "this entry"


def _allowed(model: type[BaseModel]) -> str:
    return ", ".join(n for n in field_names(model) if n not in TAG_FIELDS)


def _fmt(x: Any) -> str:
    """A value as a message repeats it: short, and safe to print."""
    if isinstance(x, float):
        return f"{x:g}"
    if isinstance(x, str):
        return f"'{shorten(x)}'"
    if x is None:
        return "nothing (null)"
    if isinstance(x, dict):
        return "a mapping"
    if isinstance(x, list):
        return "a list"
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) >= 10**15:
        return f"{x:.3g}"
    return shorten(repr(x))
