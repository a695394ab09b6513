"""Turn pydantic's validation errors into problems a user can act on.

Each error becomes a :class:`~simulator.errors.Problem` with the field path as the user wrote it
(aliases, no union member names), what is wrong in plain words and a fix. Several errors that are
one mistake (a misspelt field: unknown plus missing) are folded into one problem.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ..errors import Problem
from . import distributions
from .references import did_you_mean
from .schema import Scenario
from .types import TAG_FIELDS

_VALUE_ERROR_FIX = [
    (r"give either .* not both", "keep only one of the two fields"),
    (r"^give \w+ \(.+\) or \w+ \(", "add one of the two fields"),
    (r"give exactly one of node, leg", "keep exactly one of node, leg, country, tag, mode"),
    (r"an effect needs at least one", "add one, e.g. closed: true or capacity_factor: 0.5"),
    (r"need low <= mode <= high", "order the numbers so low <= mode <= high"),
    (r"must be at least low", "swap low and high"),
    (r"with sd 0 the mean", "use a mean >= 0"),
]

_BOUND_OPS = {
    "greater_than_equal": ">=",
    "greater_than": ">",
    "less_than_equal": "<=",
    "less_than": "<",
}


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:g}"
    if isinstance(x, str):
        return f"'{x}'"
    if x is None:
        return "nothing (null)"
    if isinstance(x, dict):
        return "a mapping"
    if isinstance(x, list):
        return "a list"
    return repr(x)


def _strip(tp: Any) -> Any:
    """Remove ``Annotated`` and ``Optional`` wrappers."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _union_members(tp: Any) -> list[type[BaseModel]] | None:
    if get_origin(tp) not in (Union, types.UnionType):
        return None
    members = [_strip(a) for a in get_args(tp) if a is not type(None)]
    return [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]


def _tag_of(model: type[BaseModel]) -> tuple[str, tuple[str, ...]] | None:
    for tag in TAG_FIELDS:
        f = model.model_fields.get(tag)
        if f is not None and get_origin(f.annotation) is Literal:
            return tag, tuple(str(a) for a in get_args(f.annotation))
    return None


def _field(model: type[BaseModel], name: Any) -> tuple[str, Any] | None:
    for fname, f in model.model_fields.items():
        if name in (f.alias, fname):
            return (f.alias or fname), f
    return None


def _description(tp: Any) -> str | None:
    """The description an ``Annotated[..., Field(description=...)]`` type carries, if any."""
    if get_origin(tp) is not Annotated:
        return None
    found = [m.description for m in get_args(tp)[1:] if isinstance(m, FieldInfo)]
    return next((d for d in reversed(found) if d), None)


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


class _Where:
    """Where a pydantic error is, in the user's terms."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.model: type[BaseModel] | None = None  # the model holding the last field
        self.model_parts: list[str] = []  # path of that model
        self.field: str | None = None  # last field name (alias)
        self.field_info: FieldInfo | None = None
        self.holder: FieldInfo | None = None  # the field whose value is the model (a shorthand)
        self.tp: Any = None  # the type at the end of the location
        self.shorthand = False  # a bare number stood for a whole distribution
        self.key_error = False  # the error is about a mapping key
        self.items: list[str | None] = []  # containers entered after the last field
        self.entry: str | None = None  # the schema's description of the entry there

    @property
    def path(self) -> str:
        return ".".join(self.parts)


def _where(loc: tuple[Any, ...], data: Any) -> _Where:
    w = _Where()
    tp: Any = Scenario
    here: Any = data
    for seg in loc:
        if seg == "[key]":
            w.key_error = True
            continue
        tp = _strip(tp)
        members = _union_members(tp)
        if members:
            hit = next(
                (m for m in members if (t := _tag_of(m)) is not None and str(seg) in t[1]), None
            )
            if hit is not None:
                tp = hit
                continue
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            w.model, w.model_parts, w.holder = tp, list(w.parts), w.field_info
            found = _field(tp, seg)
            w.field = str(found[0]) if found else str(seg)
            w.field_info = found[1] if found else None
            w.items, w.entry = [], None
            if isinstance(here, Mapping):
                w.parts.append(w.field)
                here = here.get(seg)
            elif not w.parts or here is None:
                w.parts.append(w.field)
            else:
                w.shorthand = True  # e.g. transit_days: -3 stands for {dist: fixed, value: -3}
            tp = found[1].annotation if found else None
            continue
        origin = get_origin(tp)
        if origin is dict:
            w.parts.append(str(seg))
            w.items.append(w.field)
            here = here.get(seg) if isinstance(here, Mapping) else None
            tp = get_args(tp)[1]
            w.entry = _description(tp)
            continue
        if origin in (list, tuple):
            w.parts.append(str(seg))
            w.items.append(w.field)
            ok = isinstance(here, list | tuple) and isinstance(seg, int) and seg < len(here)
            here = here[seg] if ok else None
            tp = get_args(tp)[0]
            w.entry = _description(tp)
            continue
        if isinstance(seg, str) and ("[" in seg or seg.startswith("function")):
            continue
        w.parts.append(str(seg))
        tp, here = None, None
    w.tp = _strip(tp)
    return w


def _is_dist(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, distributions._Dist)


def _dist_name(model: type[BaseModel]) -> str:
    return str(get_args(model.model_fields["dist"].annotation)[0])


def _all_dists() -> list[type[BaseModel]]:
    return [
        m
        for m in vars(distributions).values()
        if _is_dist(m) and m is not distributions._Dist and "dist" in m.model_fields
    ]


def _dists_taking(keys: set[str]) -> list[str]:
    """Distributions whose fields include ``keys`` and whose required fields are all in it."""
    out = []
    for m in _all_dists():
        names = set(_field_names(m)) - {"dist"}
        required = {
            (f.alias or n) for n, f in m.model_fields.items() if f.is_required() and n != "dist"
        }
        if keys <= names and required <= keys:
            out.append(_dist_name(m))
    return out


def _hint(w: _Where) -> str | None:
    """The fix text for the field at ``w``: what the schema's description says it takes."""
    if w.items and not w.shorthand:
        return w.entry
    if _is_dist(w.model) and not w.shorthand:
        return f"{_dist_name(w.model)} takes {w.model.takes}"  # type: ignore[arg-type, union-attr]
    info = w.holder if w.shorthand else w.field_info
    return info.description if info is not None else None


def _model_label(model: type[BaseModel]) -> str:
    tag = _tag_of(model)
    if tag is not None and len(tag[1]) == 1:
        return f"{tag[0]}: {tag[1][0]}"
    if model is Scenario:
        return "a scenario"
    return f"a {model.__name__.lower()}" if model.__name__[0] != "_" else "this entry"


def _allowed(model: type[BaseModel]) -> str:
    return ", ".join(n for n in _field_names(model) if n not in TAG_FIELDS)


def _problem_for(err: Mapping[str, Any], data: Any) -> tuple[Problem, _Where]:
    w = _where(tuple(err["loc"]), data)
    typ, ctx = err["type"], err.get("ctx") or {}
    given = err.get("input")
    path = w.path
    fix = _hint(w)
    if w.key_error:
        return Problem(
            path,
            f"ids must be text, got {_fmt(given)}",
            f"quote the id, e.g. '{given}':",
        ), w
    if typ == "missing":
        name = w.field or "?"
        msg = f"required field '{name}' is missing"
        if w.model is not None and _is_dist(w.model):
            fix = f"add '{name}': {_hint(w)}"
        else:
            fix = f"add '{name}'" + (f" ({fix})" if fix else "")
    elif typ == "extra_forbidden":
        name = w.field or "?"
        model = w.model
        known = _field_names(model) if model is not None else []
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        label = _model_label(model) if model is not None else "this entry"
        msg = f"unknown field '{name}' for {label}"
        if close:
            msg += f" — did you mean '{close[0]}'?"
            fix = f"rename it to '{close[0]}'"
        elif model is not None and _is_dist(model):
            fix = f"remove it; {_hint(w)}"
        else:
            fix = f"remove it; {label} takes: {_allowed(model)}" if model else "remove it"
    elif typ in ("union_tag_invalid", "union_tag_not_found"):
        tag = str(ctx.get("discriminator", "kind")).strip("'")
        expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",") if t]
        if not expected:
            members = _union_members(w.tp) or []
            expected = [t for m in members if (tt := _tag_of(m)) for t in tt[1]]
        if typ == "union_tag_invalid":
            path = f"{path}.{tag}" if path else tag
            msg = f"unknown {tag} '{ctx.get('tag')}'" + did_you_mean(str(ctx.get("tag")), expected)
            fix = f"use one of: {', '.join(expected)}"
        else:
            msg = f"'{tag}' is missing"
            guess = _dists_taking(set(given)) if tag == "dist" and isinstance(given, dict) else []
            if guess:
                fix = f"add {tag}: {guess[0]} (the fields given fit {', '.join(guess)})"
            else:
                fix = f"add {tag}: one of {', '.join(expected)}"
    elif typ in ("model_attributes_type", "model_type", "dict_type"):
        members = _union_members(w.tp) or []
        if given is None:
            msg = f"'{w.parts[-1] if w.parts else 'the scenario'}' is empty"
            fix = "fill it in or remove the line" + (f" ({fix})" if fix else "")
        elif members and _is_dist(members[0]):
            msg = f"expected a number or a distribution, got {_fmt(given)}"
            fix = f"write {distributions.DIST_EXAMPLE}"
        elif get_origin(w.tp) is dict:
            msg = f"expected a mapping of ids to entries, got {_fmt(given)}"
            fix = fix or "write one 'id: {...}' line per entry, indented under this one"
        else:
            msg = f"expected a mapping of fields, got {_fmt(given)}"
            fix = fix or "write it as 'key: value' lines indented under this one"
    elif typ in _BOUND_OPS:
        op = _BOUND_OPS[typ]
        bound = next(iter(ctx.values())) if ctx else "?"
        msg = f"must be {op} {_fmt(bound)}, got {_fmt(given)}"
        fix = fix or f"use a value {op} {_fmt(bound)}"
    elif typ == "value_error":
        msg = str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
        fix = next((f for pat, f in _VALUE_ERROR_FIX if re.search(pat, msg)), fix)
    elif given is None and (typ.endswith("_type") or typ == "enum"):
        name = w.parts[-1] if w.parts else "?"
        msg = f"'{name}' is empty (null)"
        fix = "give a value or remove the line" + (f" ({fix})" if fix else "")
    elif typ == "string_type" and isinstance(given, bool):
        msg = f"expected text, got {str(given).lower()} (YAML reads yes/no/on/off/NO as true/false)"
        fix = "quote the value, e.g. country: 'NO'"
    elif typ in ("too_short", "string_too_short", "string_too_long", "too_long"):
        n = ctx.get("min_length", ctx.get("max_length"))
        what = "characters" if typ.startswith("string") else "entries"
        if typ == "too_short" and not given:
            msg = f"'{w.parts[-1] if w.parts else '?'}' is empty"
        elif typ.endswith("too_short"):
            msg = f"needs at least {n} {what}, got {_fmt(given)}"
        else:
            msg = f"allows at most {n} {what}, got {_fmt(given)}"
        fix = fix or f"give at least {n} {what}"
    elif typ in ("enum", "literal_error"):
        expected = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        what = w.field if w.field and not w.items else "value"
        msg = f"unknown {what} {_fmt(given)}" + (
            did_you_mean(str(given), expected) if isinstance(given, str) else ""
        )
        fix = f"use one of: {', '.join(expected)}" if expected else fix
    elif typ in ("tuple_type", "list_type"):
        msg = f"expected a list, got {_fmt(given)}"
        fix = fix or "write a list, e.g. [a, b]"
    elif typ == "int_from_float":
        msg = f"expected a whole number, got {_fmt(given)}"
        fix = fix or "round it to a whole number"
    elif typ.endswith("_type") or typ.endswith("_parsing"):
        kind = {"int": "a whole number", "float": "a number", "bool": "true or false"}.get(
            typ.split("_")[0], typ.split("_")[0]
        )
        if typ.startswith("string"):
            kind = "text"
        msg = f"expected {kind}, got {_fmt(given)}"
        fix = fix or f"write {kind}"
    else:
        msg = str(err["msg"])
    return Problem(path, msg, fix or "see `diversim schema` for what this field takes"), w


def pydantic_problems(exc: ValidationError, data: Any) -> list[Problem]:
    """One problem per mistake in ``exc``, raised validating ``data`` as a :class:`Scenario`."""
    found = []
    for err in exc.errors():
        try:
            found.append(_problem_for(err, data))
        except Exception:  # pragma: no cover - an error shape not foreseen: say it plainly
            w = _Where()
            w.parts = [str(s) for s in err["loc"]]
            found.append((Problem(w.path, str(err["msg"]), "see `diversim schema`"), w))
    return _merge_typos(found)


def _merge_typos(found: list[tuple[Problem, _Where]]) -> list[Problem]:
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
    replace: dict[int, Problem] = {}
    for key, g in groups.items():
        if not g["extra"] or not g["missing"]:
            continue
        model = found[g["extra"][0]][1].model
        extras = [found[i][1].field or "" for i in g["extra"]]
        missing = [found[i][1].field or "" for i in g["missing"]]
        if model is not None and _is_dist(model):
            name = _dist_name(model)
            msg = f"{name} does not take {', '.join(repr(e) for e in extras)}" + (
                f" and needs {', '.join(repr(m) for m in missing)}"
            )
            fix = f"{name} takes {model.takes}"  # type: ignore[attr-defined]
            given = {*extras, *_given_others(found, g)}
            other = [d for d in _dists_taking(given) if d != name]
            if other:
                fix += f"; or, for {' and '.join(sorted(given))}, use dist: {other[0]}"
            first = min(g["extra"] + g["missing"])
            replace[first] = Problem(key, msg, fix)
            drop.update(i for i in g["extra"] + g["missing"] if i != first)
            continue
        for i in g["extra"]:
            name = found[i][1].field or ""
            close = difflib.get_close_matches(name, missing, n=1, cutoff=0.6)
            if close:
                p = found[i][0]
                replace[i] = Problem(
                    p.path,
                    f"unknown field '{name}' — did you mean '{close[0]}'?",
                    f"rename it to '{close[0]}'",
                )
                drop.update(j for j in g["missing"] if found[j][1].field == close[0])
    return [replace.get(i, p) for i, (p, _) in enumerate(found) if i not in drop]


def _given_others(found: list[tuple[Problem, _Where]], g: dict[str, list[int]]) -> set[str]:
    """Fields written in the distribution that the schema accepted (for a better guess)."""
    model = found[g["extra"][0]][1].model
    if model is None:
        return set()
    extras = {found[i][1].field for i in g["extra"]}
    missing = {found[i][1].field for i in g["missing"]}
    return {n for n in _field_names(model) if n not in missing and n not in extras and n != "dist"}
