"""Failure cases: which elements of a network can fail, and a scenario in which chosen ones do.

Shared by the stress test (:mod:`.stress`) and the worst-case search (:mod:`.worst_case`). An
*element* is something a disruption can target: a node (supplier, port, rail hub or border), a
leg, a chokepoint node, every node of a country, or every node with a tag. A *failure* is a
scheduled disruption of given elements (all from the same start day, for the same number of
days) with a given effect (default: closed). The failure scenario is the scenario with its own
disruptions removed (or kept, to stack on them) and the failure added, validated like a file.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from ..errors import ScenarioError, UsageError
from ..scenario.loader import validate_data
from ..scenario.schema import RandomTiming, Scenario, Scheduled
from ..scenario.types import PASS_THROUGH_KINDS, NodeKind
from .parameters import scenario_data

#: Disruption ids given to the failed elements in a failure scenario (``stress_1``, ...).
FAILURE_PREFIX = "stress"


class ElementKind(StrEnum):
    """The kinds of element that can fail (the ``--elements`` words)."""

    NODES = "nodes"
    LEGS = "legs"
    COUNTRIES = "countries"
    CHOKEPOINTS = "chokepoints"
    TAGS = "tags"


#: The ``target`` key a disruption of each kind uses.
_TARGET_KEY = {
    ElementKind.NODES: "node",
    ElementKind.LEGS: "leg",
    ElementKind.COUNTRIES: "country",
    ElementKind.CHOKEPOINTS: "node",
    ElementKind.TAGS: "tag",
}


_SINGULAR = {
    ElementKind.NODES: "node",
    ElementKind.LEGS: "leg",
    ElementKind.COUNTRIES: "country",
    ElementKind.CHOKEPOINTS: "chokepoint",
    ElementKind.TAGS: "tag",
}


def parse_label(text: str) -> Element:
    """``node:yantian`` → the element (the inverse of :attr:`Element.label`)."""
    word, _, eid = text.partition(":")
    for kind, singular in _SINGULAR.items():
        if singular == word and eid:
            return Element(kind, eid)
    raise UsageError(f"'{text}' is not an element: write node:ID, leg:ID, country:CC, tag:T")


@dataclass(frozen=True, order=True)
class Element:
    """One element that can fail: its kind and id (a node, leg, country code or tag)."""

    kind: ElementKind
    id: str

    @property
    def label(self) -> str:
        """``kind:id`` with the singular kind, e.g. ``node:yantian``, ``country:CN``."""
        return f"{_SINGULAR[self.kind]}:{self.id}"

    @property
    def target(self) -> dict[str, str]:
        """The disruption target that hits this element, e.g. ``{"node": "yantian"}``."""
        return {_TARGET_KEY[self.kind]: self.id}


def parse_element_kinds(text: str | Iterable[str] | None) -> list[ElementKind]:
    """``nodes,legs,countries`` → kinds (default: nodes, legs, countries); unknown words are a
    UsageError naming the choices."""
    if text is None:
        return [ElementKind.NODES, ElementKind.LEGS, ElementKind.COUNTRIES]
    words = text.split(",") if isinstance(text, str) else list(text)
    out = []
    for w in (w.strip() for w in words):
        if not w:
            continue
        try:
            out.append(ElementKind(w))
        except ValueError:
            choices = ", ".join(k.value for k in ElementKind)
            raise UsageError(f"--elements: unknown kind '{w}' (use any of {choices})") from None
    if not out:
        raise UsageError("--elements: name at least one kind, e.g. --elements nodes,legs")
    return list(dict.fromkeys(out))


def elements(sc: Scenario, kinds: Iterable[ElementKind]) -> list[Element]:
    """Every element of the given kinds, in file order (countries and tags in order of first
    appearance). Sites are not elements: a site that fails is a demand shock, not a supply one."""
    out: list[Element] = []
    supply = {
        nid: n
        for nid, n in sc.nodes.items()
        if n.kind == NodeKind.SUPPLIER
        or (NodeKind(n.kind) in PASS_THROUGH_KINDS and n.kind != NodeKind.CHOKEPOINT)
    }
    for kind in kinds:
        if kind is ElementKind.NODES:
            ids = list(supply)
        elif kind is ElementKind.CHOKEPOINTS:
            ids = [nid for nid, n in sc.nodes.items() if n.kind == NodeKind.CHOKEPOINT]
        elif kind is ElementKind.LEGS:
            ids = list(sc.legs)
        elif kind is ElementKind.COUNTRIES:
            ids = list(
                dict.fromkeys(
                    n.country for n in sc.nodes.values() if n.kind != NodeKind.SITE and n.country
                )
            )
        else:
            ids = list(dict.fromkeys(t for n in sc.nodes.values() for t in (n.tags or ())))
        out.extend(Element(kind, i) for i in ids)
    return out


def parse_effect(options: Iterable[str] | None) -> dict[str, Any]:
    """``--effect`` options (``closed``, ``capacity_factor=0.3``, ``extra_days=10``, ...) as an
    effect mapping; none given: ``{"closed": True}``. Checked by the schema when used."""
    from .designs import parse_value

    effect: dict[str, Any] = {}
    for opt in options or ():
        key, sep, value = opt.partition("=")
        key = key.strip()
        if not key:
            raise UsageError(
                f"--effect '{opt}': write NAME or NAME=VALUE, e.g. capacity_factor=0.3"
            )
        effect[key] = parse_value(value) if sep else True
    if not effect:
        effect = {"closed": True}
    from pydantic import ValidationError

    from ..scenario.schema import Effect

    try:
        Effect.model_validate(effect)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "effect"
        raise UsageError(
            f"--effect: {where}: {first['msg']} (effects: closed, capacity_factor=F, "
            "extra_days=D, cost_factor=X, inventory_loss=F, demand_factor=X)"
        ) from None
    return effect


@dataclass(frozen=True)
class Failure:
    """Elements failing together from ``start_day`` for ``duration_days`` with ``effect``."""

    elements: tuple[Element, ...]
    start_day: float
    duration_days: float

    @property
    def label(self) -> str:
        return " + ".join(e.label for e in self.elements) or "(no failure)"


def failure_disruptions(failure: Failure, effect: Mapping[str, Any]) -> dict[str, dict]:
    """The failure as scenario ``disruptions`` entries (``stress_1``, ``stress_2``, ...)."""
    return {
        f"{FAILURE_PREFIX}_{k + 1}": {
            "target": e.target,
            "timing": {
                "kind": "scheduled",
                "start_day": failure.start_day,
                "duration_days": failure.duration_days,
            },
            "effect": dict(effect),
            "description": f"{e.label} fails (a diversim failure case)",
        }
        for k, e in enumerate(failure.elements)
    }


def failure_scenario(
    sc: Scenario, failure: Failure, effect: Mapping[str, Any], keep_disruptions: bool
) -> Scenario:
    """``sc`` with the failure added (its own disruptions dropped unless ``keep_disruptions``);
    a ScenarioError when the effect cannot act on the elements."""
    data = copy.deepcopy(scenario_data(sc))
    own = data.get("disruptions") or {}
    data["disruptions"] = {
        **(own if keep_disruptions else {}),
        **failure_disruptions(failure, effect),
    }
    return validate_data(data)


def try_failure_scenario(
    sc: Scenario, failure: Failure, effect: Mapping[str, Any], keep_disruptions: bool
) -> tuple[Scenario | None, str]:
    """The failure scenario, or None and the reason it cannot be built (the first problem)."""
    try:
        return failure_scenario(sc, failure, effect, keep_disruptions), ""
    except ScenarioError as exc:
        return None, exc.problems[0].message if exc.problems else "invalid"


def baseline_scenario(sc: Scenario, keep_disruptions: bool) -> Scenario:
    """The scenario nothing extra fails in: without its disruptions unless they are kept."""
    if keep_disruptions or not sc.disruptions:
        return sc
    return sc.model_copy(update={"disruptions": {}})


# --------------------------------------------------------------------------- the scenario's own


def _hits(sc: Scenario, target, element: Element) -> bool:
    """Whether a disruption ``target`` of the scenario hits ``element`` (the same target, or a
    country or tag target that contains the element's node)."""
    key = _TARGET_KEY[element.kind]
    if getattr(target, key, None) == element.id:
        return True
    if key == "node" and element.id in sc.nodes:
        node = sc.nodes[element.id]
        if target.country is not None and node.country == target.country:
            return True
        if target.tag is not None and target.tag in (node.tags or ()):
            return True
    return False


def own_mean_duration(sc: Scenario, element: Element) -> float:
    """Mean duration (days) of the scenario's own disruptions that hit ``element`` (NaN if
    none): the element's time to recover as the scenario states it."""
    means = []
    for d in sc.disruptions.values():
        if not _hits(sc, d.target, element):
            continue
        t = d.timing
        means.append(t.duration_days if isinstance(t, Scheduled) else t.duration_days.mean)
    return float(np.mean(means)) if means else math.nan


def element_probability(
    sc: Scenario, element: Element, duration: float, draws: int = 4000
) -> float:
    """Chance that the scenario's own disruptions take ``element`` down for at least
    ``duration`` days at some time in one year: 1 − exp(−Σ rate × P(duration ≥ d)) over its
    random disruptions (a Poisson approximation; the duration tail estimated from a fixed
    number of seeded draws), and 1 if a scheduled one is at least that long."""
    rate = 0.0
    for _, d in sorted(sc.disruptions.items()):
        if not _hits(sc, d.target, element):
            continue
        t = d.timing
        if isinstance(t, Scheduled):
            if t.duration_days >= duration:
                return 1.0
            continue
        assert isinstance(t, RandomTiming)
        rng = np.random.default_rng(12345)
        tail = float((t.duration_days.sample(rng, draws) >= duration).mean())
        per_year = 365.0 / (t.mean_up_days + t.duration_days.mean)
        rate += per_year * tail
    return float(1.0 - math.exp(-rate))
