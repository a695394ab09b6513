"""Where a pydantic error points, in the user's terms, and what the schema says about that field.

Pydantic locates an error by its own path: union members appear as tags (``nodes.a.supplier.…``),
a bare number standing for a distribution appears as ``…fixed.value``, fields by name or alias.
:func:`where` walks that path through the schema types and returns the path as the user wrote it,
the model and field there, and :func:`hint` the schema's description of that field, which is the
fix text for a wrong value.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from . import distributions
from .schema import Scenario
from .types import TAG_FIELDS


class Where:
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


def where(loc: tuple[Any, ...], data: Any) -> Where:
    """Follow pydantic's error location ``loc`` through the schema and the raw ``data``."""
    w = Where()
    tp: Any = Scenario
    here: Any = data
    for seg in loc:
        if seg == "[key]":
            w.key_error = True
            continue
        tp = _strip(tp)
        members = union_members(tp)
        if members:
            hit = next(
                (m for m in members if (t := tag_of(m)) is not None and str(seg) in t[1]), None
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


def hint(w: Where) -> str | None:
    """The fix text for the field at ``w``: what the schema's description says it takes."""
    if w.items and not w.shorthand:
        return w.entry
    if is_dist(w.model) and not w.shorthand:
        return f"{dist_name(w.model)} takes {w.model.takes}"  # type: ignore[arg-type, union-attr]
    info = w.holder if w.shorthand else w.field_info
    return info.description if info is not None else None


# --------------------------------------------------------------------------- schema types


def union_members(tp: Any) -> list[type[BaseModel]] | None:
    """The models of a union type (None if ``tp`` is not a union)."""
    if get_origin(tp) not in (Union, types.UnionType):
        return None
    members = [_strip(a) for a in get_args(tp) if a is not type(None)]
    return [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]


def tag_of(model: type[BaseModel]) -> tuple[str, tuple[str, ...]] | None:
    """The tag field of a union member and the values that select it, e.g. ``("dist", …)``."""
    for tag in TAG_FIELDS:
        f = model.model_fields.get(tag)
        if f is not None and get_origin(f.annotation) is Literal:
            return tag, tuple(str(a) for a in get_args(f.annotation))
    return None


def field_names(model: type[BaseModel]) -> list[str]:
    """The field names of ``model`` as a file spells them (aliases)."""
    return [f.alias or n for n, f in model.model_fields.items()]


def is_dist(model: Any) -> bool:
    """Whether ``model`` is a distribution."""
    return isinstance(model, type) and issubclass(model, distributions._Dist)


def dist_name(model: type[BaseModel]) -> str:
    """The ``dist`` value of a distribution model, e.g. ``"lognormal"``."""
    return str(get_args(model.model_fields["dist"].annotation)[0])


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


def _field(model: type[BaseModel], name: Any) -> tuple[str, FieldInfo] | None:
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
