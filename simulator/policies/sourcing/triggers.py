"""Triggers: what makes a contingent or adaptive policy count a supply path as down.

A supply path (supplier → site) counts as down once one of its triggers has held for the
policy's ``detection_delay_days``: closure (always: the supplier is closed, or no candidate route
is open), and optionally a slowdown, a capacity cut or a cost spike of the best open route. It
counts as recovered as soon as no trigger holds. Shared by ``adaptive_split`` and
``primary_backup``; the other kinds do not react to supply paths and refuse triggers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, model_validator

from ...errors import Problem
from ...scenario.references import References, number
from ...scenario.types import Fraction, NonNegative, Positive, Spec, invalid


class Triggers(Spec):
    """Conditions besides closure that count a supply path as down (any one suffices)."""

    delay_days: NonNegative | None = Field(
        None,
        description="down while the best open route is expected to take more than this many "
        "days longer than the usual best route (a detour, extra_days on the way or at the "
        "supplier)",
    )
    capacity_below: Fraction | None = Field(
        None,
        description="down while the effective capacity of the supplier or of an element of the "
        "best open route is below this fraction of normal (0.5 = under half); acts on elements "
        "with a capacity_per_day",
    )
    cost_above: Positive | None = Field(
        None,
        description="down while the landed cost per unit (price + freight) by the best open "
        "route is more than this fraction above normal (0.5 = over +50%)",
    )

    @model_validator(mode="after")
    def _something(self) -> Triggers:
        if self.delay_days is None and self.capacity_below is None and self.cost_above is None:
            raise ValueError(
                "triggers needs at least one of delay_days, capacity_below, cost_above "
                "(closure always triggers; omit triggers to react to closures only)"
            )
        return self


def moved_delay_trigger(data: Any) -> Any:
    """Refuse the old spelling ``delay_trigger_days``, with the new one as the fix."""
    if isinstance(data, Mapping) and "delay_trigger_days" in data:
        days = data["delay_trigger_days"]
        raise invalid(
            "delay_trigger_days is now written under triggers",
            f"write triggers: {{delay_days: {days}}} instead",
        )
    return data


REACTIONS = ("triggers", "delay_trigger_days", "detection_delay_days", "move_queued_orders")


def refuse_reactions(data: Any, kind: str) -> Any:
    """Refuse reaction settings on a kind that does not react to supply paths."""
    if isinstance(data, Mapping):
        given = [k for k in REACTIONS if k in data]
        warned = data.get("on_warning")
        if isinstance(warned, Mapping) and warned.get("switch"):
            given.append("on_warning.switch")
        if given:
            raise invalid(
                f"a '{kind}' policy does not react to disruptions, so "
                f"{', '.join(given)} would do nothing",
                "use kind: adaptive_split or primary_backup to react to outages, or remove "
                f"{', '.join(given)}",
            )
    return data


def check_triggers(
    refs: References, path: str, raw: Mapping[str, Any], suppliers: list[Any]
) -> list[Problem]:
    """A capacity trigger needs a capacity somewhere on the policy's supply paths."""
    trig = raw.get("triggers")
    if not isinstance(trig, Mapping) or number(trig.get("capacity_below")) is None:
        return []
    if not refs.all_kinds_known:
        return []
    with_capacity = [
        nid
        for nid, node in refs.nodes.items()
        if node.get("capacity_per_day") is not None
        and (refs.kinds.get(nid) != "supplier" or nid in suppliers)
    ]
    with_capacity += [lid for lid, leg in refs.legs.items() if leg.get("capacity_per_day")]
    if with_capacity:
        return []
    return [
        Problem(
            f"{path}.triggers.capacity_below",
            "no supplier of this policy and no leg or node has a capacity_per_day, so a "
            "capacity trigger can never fire",
            "give the suppliers (or the ports and legs on their routes) a capacity_per_day, or "
            "remove capacity_below",
        )
    ]
