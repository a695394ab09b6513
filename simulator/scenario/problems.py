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

from ..errors import Problem
from . import distributions
from .references import did_you_mean
from .schema import Scenario
from .types import TAG_FIELDS

_DIST_TAKES = {
    "fixed": "value (>= 0), e.g. 3",
    "uniform": "low and high (0 <= low <= high), e.g. {dist: uniform, low: 2, high: 5}",
    "triangular": "low <= mode <= high, e.g. {dist: triangular, low: 2, mode: 3, high: 6}",
    "exponential": "mean (> 0), e.g. {dist: exponential, mean: 10}",
    "normal": "mean and sd (>= 0; truncated at 0), e.g. {dist: normal, mean: 20, sd: 5}",
    "lognormal": "mean (> 0) and cv (>= 0, sd ÷ mean), e.g. {dist: lognormal, mean: 30, cv: 0.2}",
    "gamma": "shape and scale (> 0; mean = shape × scale), e.g. {dist: gamma, shape: 2, scale: 5}",
    "poisson": "mean (>= 0), e.g. {dist: poisson, mean: 20}",
    "empirical": "values: a list of numbers >= 0, e.g. {dist: empirical, values: [3, 4, 4, 7]}",
}

_DIST_EXAMPLE = (
    "a number such as 3, or a distribution such as {dist: triangular, low: 2, mode: 3, high: 6}"
)

_DAYS_DIST = f"a time in days: {_DIST_EXAMPLE}"

# Fix texts by field name (as written in the file); checked before the generic ones.
_FIELD_FIX = {
    "capacity_per_day": "use a positive number of units/day, or omit it for unlimited",
    "lead_time_days": _DAYS_DIST,
    "transit_days": _DAYS_DIST,
    "handling_days": _DAYS_DIST,
    "duration_days": f"a duration in days >= 0: {_DIST_EXAMPLE}",
    "quantity": f"units per day: {_DIST_EXAMPLE}",
    "unit_price": "a price per unit (>= 0), in the scenario's currency",
    "cost_per_unit": "a cost per unit (>= 0), in the scenario's currency",
    "unit_value": "a value per unit (>= 0), in the scenario's currency",
    "reservation_fee_per_day": "a fee per day (>= 0), in the scenario's currency; 0 for none",
    "shortage_penalty_per_unit": "a penalty per unit short (>= 0); 0 for none",
    "holding_cost_rate": "a fraction of unit value per year (>= 0), e.g. 0.25 for 25%/year",
    "ramp_up_days": "a number of days >= 0; 0 for none",
    "cooldown_days": "a number of days >= 0",
    "detection_delay_days": "a number of days >= 0; 0 for immediate",
    "review_period_days": "a number of days >= 0; 0 for continuous review",
    "order_up_to": "a number of units >= 0",
    "reorder_point": "a number of units >= 0",
    "initial_on_hand": "a number of units >= 0, or omit it to start at the order-up-to level",
    "order_up_to_days_of_cover": "a number of days of mean demand >= 0",
    "reorder_point_days_of_cover": "a number of days of mean demand >= 0",
    "rate_per_day": "a positive number of units per day",
    "rate_per_year": "a positive number of disruptions per year",
    "mttf_days": "a positive mean time between disruptions, in days",
    "start_day": "a day >= 0 from the start of the run",
    "capacity_factor": "a fraction between 0 (nothing) and 1 (full capacity)",
    "inventory_loss": "a fraction of stock destroyed, between 0 and 1",
    "extra_days": "a number of days >= 0 added to transit or production",
    "cost_factor": "a multiplier >= 0, e.g. 1.5 for +50%",
    "demand_factor": "a multiplier >= 0, e.g. 1.3 for +30% demand",
    "backup_premium": "a fraction >= 0, e.g. 0.15 for +15%",
    "amplitude": "a fraction between 0 and 1",
    "peak_day": "a day of the year, 0 to 365",
    "start_day_of_year": "a day of the year, 0 to 365",
    "end_day_of_year": "a day of the year, 0 to 365",
    "country": "an ISO 3166 country code such as CN, VN, DE (quote NO, ON, YES: YAML reads "
    "them as true/false)",
    "lat": "a latitude between -90 and 90",
    "lon": "a longitude between -180 and 180",
    "horizon_days": "a whole number of days > 0",
    "warmup_days": "a whole number of days >= 0, less than horizon_days",
    "replications": "a whole number >= 1",
    "seed": "a whole number >= 0",
    "recovery_threshold": "a fraction of demand served, > 0 and <= 1 (default 0.95)",
    "max_routes": "a whole number from 1 to 50",
    "tags": "a list of words, e.g. tags: [asia, critical]",
    "backups": "a list of supplier ids, e.g. backups: [vn_hochiminh]",
    "shares": "a mapping of supplier id to share, e.g. shares: {cn_shenzhen: 0.6, vn_hanoi: 0.4}",
    "routes": "a mapping of supplier id to a list of routes, each a list of leg ids",
    "nodes": "a mapping of node id to node, e.g. nodes: {plant_de: {kind: site, ...}}",
    "legs": "a mapping of leg id to leg, e.g. legs: {cn_rtm: {from: cn, to: rtm, mode: sea, "
    "transit_days: 30}}",
    "sourcing": "a mapping of policy name to policy, e.g. sourcing: {single: {kind: single, "
    "supplier: cn_shenzhen}}",
    "disruptions": "a mapping of disruption id to {target, timing, effect}",
    "target": "a mapping with one of node, leg, country, tag, mode, e.g. target: {node: suez}",
    "timing": "e.g. timing: {kind: scheduled, start_day: 30, duration_days: 14}",
    "effect": "e.g. effect: {closed: true}",
    "demand": "e.g. demand: {kind: daily, quantity: 20} or {kind: poisson, rate_per_day: 20}",
    "inventory": "e.g. inventory: {kind: base_stock, order_up_to_days_of_cover: 30}",
    "from": "the id of the node the leg starts at",
    "to": "the id of the node the leg ends at",
    "supplier": "the id of a supplier node",
    "primary": "the id of a supplier node",
    "name": "a non-empty name",
}

# Fix texts for one entry of a mapping or list field, by the field's name.
_ITEM_FIX = {
    "shares": "a share between 0 and 1; a policy's shares sum to 1",
    "backups": "the id of a supplier node",
    "tags": "a word, e.g. asia",
    "nodes": "a node: a mapping such as {kind: port, country: NL}",
    "legs": "a leg: a mapping such as {from: cn, to: rtm, mode: sea, transit_days: 30}",
    "sourcing": "a policy: a mapping such as {kind: single, supplier: cn_shenzhen}",
    "disruptions": "a disruption: a mapping with target, timing and effect",
    "routes": "a list of routes, each a list of leg ids",
}

# Fix texts for a field of one particular model, where the name alone is ambiguous.
_MODEL_FIELD_FIX = {
    ("Scheduled", "duration_days"): "a number of days >= 0",
    ("Scheduled", "start_day"): "a day >= 0 from the start of the run",
    ("PassThroughNode", "capacity_per_day"): "use a positive throughput in units/day, or omit it "
    "for unlimited",
    ("Leg", "capacity_per_day"): "use a positive number of units/day entering the leg, or omit it "
    "for unlimited",
}

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


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


class _Where:
    """Where a pydantic error is, in the user's terms."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.model: type[BaseModel] | None = None  # the model holding the last field
        self.model_parts: list[str] = []  # path of that model
        self.field: str | None = None  # last field name (alias)
        self.field_info: Any = None
        self.tp: Any = None  # the type at the end of the location
        self.shorthand = False  # a bare number stood for a whole distribution
        self.key_error = False  # the error is about a mapping key
        self.items: list[str | None] = []  # containers entered after the last field

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
            w.model, w.model_parts = tp, list(w.parts)
            found = _field(tp, seg)
            w.field = str(found[0]) if found else str(seg)
            w.field_info = found[1] if found else None
            w.items = []
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
            continue
        if origin in (list, tuple):
            w.parts.append(str(seg))
            w.items.append(w.field)
            ok = isinstance(here, list | tuple) and isinstance(seg, int) and seg < len(here)
            here = here[seg] if ok else None
            tp = get_args(tp)[0]
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
    """The fix text for the field at ``w``."""
    if w.items and not w.shorthand:
        return _ITEM_FIX.get(w.items[0] or "") if len(w.items) == 1 else None
    if _is_dist(w.model) and not w.shorthand:
        name = _dist_name(w.model)  # type: ignore[arg-type]
        return f"{name} takes {_DIST_TAKES.get(name, ', '.join(_field_names(w.model)))}"  # type: ignore[arg-type]
    if w.shorthand and w.model_parts:
        return _FIELD_FIX.get(w.model_parts[-1])
    name = w.field or (w.parts[-1] if w.parts else None)
    if w.model is not None and (w.model.__name__, name) in _MODEL_FIELD_FIX:
        return _MODEL_FIELD_FIX[(w.model.__name__, name)]
    if name in _FIELD_FIX:
        return _FIELD_FIX[name]
    if w.field_info is not None and getattr(w.field_info, "description", None):
        return f"{name}: {w.field_info.description}"
    return None


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
            fix = f"write {_DIST_EXAMPLE}"
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
            fix = f"{name} takes {_DIST_TAKES.get(name, _allowed(model))}"
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
