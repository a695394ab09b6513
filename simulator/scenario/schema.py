"""The scenario file schema: frozen, typed definitions of everything a scenario says.

All times are in days, quantities in units of the product, money in the scenario's currency.
Inventory and sourcing-policy specs live with their kinds in :mod:`simulator.policies` (the one
place this schema reads from); the shared base types and enums in :mod:`.types`.
Cross-references (ids naming nodes, legs, suppliers) are checked in :mod:`.checks`, after this
schema has validated each field on its own.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..policies.inventory import InventoryPolicy
from ..policies.sourcing import SourcingPolicy
from .distributions import DIST_EXAMPLE, Distribution, Fixed
from .types import (
    MAX_HORIZON_DAYS,
    MAX_UNIT_RATE,
    PASS_THROUGH_KINDS,
    Fraction,
    Mode,
    NodeKind,
    NonNegative,
    Positive,
    Reroute,
    Routing,
    Spec,
    Unmet,
    invalid,
    one_of,
)

__all__ = [
    "PASS_THROUGH_KINDS",
    "DecisionObjective",
    "DecisionRule",
    "Demand",
    "Disruption",
    "Effect",
    "InventoryPolicy",
    "Leg",
    "Mode",
    "Node",
    "NodeKind",
    "PassThroughNode",
    "Product",
    "RandomTiming",
    "RateDemand",
    "Reroute",
    "Routing",
    "Scenario",
    "Scheduled",
    "Season",
    "SiteNode",
    "SourcingPolicy",
    "SupplierNode",
    "Target",
    "Timing",
    "Unmet",
    "Warning",
]


# Field descriptions are written as what the field takes: `diversim schema` shows them (editors
# offer them while typing) and the loader gives them as the fix for a wrong value.
_NAME = "a non-empty name"
_DAYS = f"a time in days: {DIST_EXAMPLE}"
_DAY_OF_YEAR = "a day of the year, 0 to 365"
_COUNTRY = (
    "an ISO 3166 country code such as CN, VN, DE (quote NO, ON, YES: YAML reads them as true/false)"
)

# --------------------------------------------------------------------------- product


class Product(Spec):
    """The one critical item of the scenario."""

    name: str = Field("item", description=_NAME)
    unit_value: NonNegative = Field(
        1.0, description="a value per unit (>= 0), in the scenario's currency"
    )
    holding_cost_rate: NonNegative = Field(
        0.25, description="a fraction of unit value per year (>= 0), e.g. 0.25 for 25%/year"
    )


# --------------------------------------------------------------------------- demand & inventory


class Seasonality(Spec):
    """Multiplies the demand rate by 1 + amplitude·cos(2π(day − peak_day)/365)."""

    amplitude: Fraction = Field(0.0, description="a fraction between 0 and 1")
    peak_day: Annotated[float, Field(ge=0, lt=366)] = Field(0.0, description=_DAY_OF_YEAR)


class DailyDemand(Spec):
    """One quantity per day, arriving at d + 0.5, drawn from ``quantity`` (rounded to units)."""

    kind: Literal["daily"]
    quantity: Distribution = Field(description=f"units per day: {DIST_EXAMPLE}")
    seasonality: Seasonality | None = None

    @property
    def mean_per_day(self) -> float:
        return self.quantity.mean


class PoissonDemand(Spec):
    """Single units arriving as a Poisson process of ``rate_per_day`` (continuous time)."""

    kind: Literal["poisson"]
    rate_per_day: Annotated[float, Field(gt=0, le=MAX_UNIT_RATE)] = Field(
        description="a positive number of units per day, at most 100000 (each unit is one "
        "simulated arrival; write larger demand as kind: daily)"
    )
    seasonality: Seasonality | None = None

    @property
    def mean_per_day(self) -> float:
        return self.rate_per_day


class RateDemand(Spec):
    """Deterministic demand at a constant rate of ``per_day`` units/day, as single units evenly
    spaced in time (the k-th unit at (k + ½) / per_day): the classic EOQ setting."""

    kind: Literal["rate"]
    per_day: Annotated[float, Field(gt=0, le=MAX_UNIT_RATE)] = Field(
        description="units/day (> 0, at most 100000), arriving one at a time, evenly spaced; "
        "write larger demand as kind: daily"
    )
    seasonality: Seasonality | None = None

    @property
    def mean_per_day(self) -> float:
        return self.per_day


Demand = Annotated[DailyDemand | PoissonDemand | RateDemand, Field(discriminator="kind")]


# --------------------------------------------------------------------------- nodes


class _NodeBase(Spec):
    country: str = Field(min_length=2, max_length=3, description=_COUNTRY)
    lat: Annotated[float, Field(ge=-90, le=90)] | None = Field(
        None, description="a latitude between -90 and 90"
    )
    lon: Annotated[float, Field(ge=-180, le=180)] | None = Field(
        None, description="a longitude between -180 and 180"
    )
    tags: tuple[Annotated[str, Field(description="a word, e.g. asia")], ...] = Field(
        (), description="a list of words, e.g. tags: [asia, critical]"
    )
    name: str | None = Field(None, description=_NAME)
    label: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        description="a short name for maps and tables (at most 40 characters), e.g. label: "
        "Shenzhen; default: the name up to its first bracket when short, else the id",
    )

    @property
    def display_label(self) -> str | None:
        """The label given, else the name up to its first bracket if that is at most 26
        characters, else None (the caller falls back to the id)."""
        if self.label:
            return self.label
        if self.name:
            short = self.name.split(" (", 1)[0].strip()
            if 0 < len(short) <= 26:
                return short
        return None


class SupplierNode(_NodeBase):
    """A producer: FIFO order queue, capacity in units/day, then a production lead time."""

    kind: Literal["supplier"]
    capacity_per_day: Positive | None = Field(
        None, description="use a positive number of units/day, or omit it for unlimited"
    )
    lead_time_days: Distribution = Field(Fixed(value=0), description=_DAYS)
    unit_price: NonNegative = Field(
        0.0, description="a price per unit (>= 0), in the scenario's currency"
    )
    ramp_up_days: NonNegative = Field(
        0.0,
        description="days from first order to full capacity when newly activated (linear): "
        "a number >= 0; 0 for none",
    )
    cooldown_days: NonNegative = Field(
        90.0, description="idle days after which a supplier needs to ramp up again: a number >= 0"
    )
    reservation_fee_per_day: NonNegative = Field(
        0.0,
        description="a fee per day (>= 0), in the scenario's currency, paid by every policy that "
        "names this supplier; it reserves reserved_capacity_per_day, which stays warm (no "
        "ramp-up); 0 for none",
    )
    order_cost: NonNegative = Field(
        0.0,
        description="a fixed cost per order placed with this supplier (>= 0, administration), in "
        "the scenario's currency",
    )
    min_order_qty: NonNegative = Field(
        0.0, description="minimum units per order (MOQ, >= 0); see the policy's below_minimum"
    )
    order_multiple: Annotated[int, Field(ge=1)] | None = Field(
        None,
        description="a whole number >= 1: orders are whole multiples of this many units (a "
        "pallet, a container)",
    )
    reserved_capacity_per_day: Positive | None = Field(
        None,
        description="units/day (> 0) the reservation fee keeps warm (no ramp-up, never cools "
        "down); default: the whole capacity. Needs a reservation_fee_per_day",
    )


class PassThroughNode(_NodeBase):
    """A port, rail hub, border crossing or chokepoint that shipments pass through."""

    kind: Literal["port", "rail_hub", "border", "chokepoint"]
    capacity_per_day: Positive | None = Field(
        None, description="use a positive throughput in units/day, or omit it for unlimited"
    )
    handling_days: Distribution = Field(Fixed(value=0), description=_DAYS)


_Routes = Annotated[list[list[str]], Field(description="a list of routes, each a list of leg ids")]


class SiteNode(_NodeBase):
    """A plant or distribution centre: holds inventory, faces demand, places orders."""

    kind: Literal["site"]
    demand: Demand = Field(
        description="e.g. demand: {kind: daily, quantity: 20} or {kind: poisson, rate_per_day: 20}"
    )
    inventory: InventoryPolicy = Field(
        description="e.g. inventory: {kind: base_stock, order_up_to_days_of_cover: 30}"
    )
    unmet: Unmet = Unmet.BACKORDER
    routing: Routing = Routing.FASTEST
    reroute: bool | Literal["when_faster"] = Field(
        True,
        description="true: re-route shipments around closures from where they are; "
        "when_faster: only when the detour is expected to arrive before waiting for the "
        "reopening would; false: keep the route and wait",
    )
    shortage_penalty_per_unit: NonNegative = Field(
        0.0, description="a penalty per unit short (>= 0); 0 for none"
    )
    backorder_penalty_per_unit_day: NonNegative = Field(
        0.0,
        description="a penalty per unit-day of backorder (>= 0), on top of the penalty per unit "
        "short; 0 for none",
    )
    stranded_after_days: NonNegative | None = Field(
        None,
        description="days (>= 0) a shipment may wait at a closure before this site stops "
        "counting it as on order and re-orders around it (stranded pipeline); when it arrives "
        "it is stock. Omit to count it until it arrives",
    )
    routes: dict[str, _Routes] | None = Field(
        None,
        description="explicit candidate routes: a mapping of supplier id to a list of routes, "
        "each a list of leg ids",
    )

    @property
    def reroute_rule(self) -> Reroute:
        """The ``reroute`` field as a rule."""
        if self.reroute == Reroute.WHEN_FASTER:
            return Reroute.WHEN_FASTER
        return Reroute.ALWAYS if self.reroute else Reroute.NEVER


Node = Annotated[SupplierNode | PassThroughNode | SiteNode, Field(discriminator="kind")]


class Leg(Spec):
    """A directed transport link between two nodes."""

    from_node: str = Field(alias="from", description="the id of the node the leg starts at")
    to_node: str = Field(alias="to", description="the id of the node the leg ends at")
    mode: Mode
    transit_days: Distribution = Field(description=_DAYS)
    cost_per_unit: NonNegative = Field(
        0.0, description="a cost per unit (>= 0), in the scenario's currency"
    )
    capacity_per_day: Positive | None = Field(
        None,
        description="use a positive number of units/day entering the leg, or omit it for unlimited",
    )
    cost_per_shipment: NonNegative = Field(
        0.0,
        description="a fixed cost (>= 0) each time a shipment enters the leg (a container slot, a "
        "train slot, customs clearance), in the scenario's currency; not scaled by cost_factor",
    )


# --------------------------------------------------------------------------- disruptions


class Target(Spec):
    """What a disruption hits: exactly one of node, leg, country, tag or mode."""

    node: str | None = None
    leg: str | None = None
    country: str | None = Field(None, description=_COUNTRY)
    tag: str | None = None
    mode: Mode | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Target:
        n = sum(v is not None for v in (self.node, self.leg, self.country, self.tag, self.mode))
        if n != 1:
            raise invalid(
                "give exactly one of node, leg, country, tag, mode",
                "keep exactly one of node, leg, country, tag, mode",
            )
        return self

    def describe(self) -> str:
        for key in ("node", "leg", "country", "tag", "mode"):
            v = getattr(self, key)
            if v is not None:
                return f"{key}:{v}"
        return "?"  # pragma: no cover


class Scheduled(Spec):
    """A disruption at a fixed time."""

    kind: Literal["scheduled"]
    start_day: NonNegative = Field(description="a day >= 0 from the start of the run")
    duration_days: NonNegative = Field(description="a number of days >= 0")


class Season(Spec):
    """Days of the year (0–365) during which random disruptions can start; may wrap the year."""

    start_day_of_year: Annotated[float, Field(ge=0, le=365)] = Field(description=_DAY_OF_YEAR)
    end_day_of_year: Annotated[float, Field(ge=0, le=365)] = Field(description=_DAY_OF_YEAR)


class RandomTiming(Spec):
    """An alternating up/down process: exponential up times, then a random duration.

    ``mttf_days`` is the mean up time between the end of one disruption and the start of the next;
    ``rate_per_year`` is the same as 365 / mttf_days. With a season, up time only runs inside it.
    """

    kind: Literal["random"]
    mttf_days: Positive | None = Field(
        None, description="a positive mean time between disruptions, in days"
    )
    rate_per_year: Positive | None = Field(
        None, description="a positive number of disruptions per year"
    )
    duration_days: Distribution = Field(description=f"a duration in days >= 0: {DIST_EXAMPLE}")
    season: Season | None = None

    @model_validator(mode="after")
    def _rate(self) -> RandomTiming:
        one_of(
            self,
            "mttf_days",
            "rate_per_year",
            meaning=("mean up days between disruptions", "disruptions per year"),
        )
        return self

    @property
    def mean_up_days(self) -> float:
        return self.mttf_days if self.mttf_days is not None else 365.0 / self.rate_per_year


Timing = Annotated[Scheduled | RandomTiming, Field(discriminator="kind")]


class Effect(Spec):
    """What a disruption does to every node and leg it hits (effects combine).

    Each effect acts only on some kinds of element (:data:`EFFECT_ACTS_ON`); one aimed where it
    cannot act is a validation error.
    """

    closed: bool = Field(
        False,
        description="true: nothing passes a port, leg or chokepoint; a supplier stops producing",
    )
    capacity_factor: Fraction | None = Field(
        None,
        description="multiplies the capacity_per_day of the suppliers, nodes and legs hit; acts "
        "only where a capacity_per_day is given: a fraction between 0 (nothing) and 1 (full "
        "capacity)",
    )
    extra_days: NonNegative | None = Field(
        None,
        description="a number of days >= 0 added to transit on a leg, handling at a node, or the "
        "production lead time of a supplier",
    )
    cost_factor: NonNegative | None = Field(
        None,
        description="multiplies a supplier's price, a leg's freight, or the freight of the legs "
        "into a node (a war-risk surcharge): a multiplier >= 0, e.g. 1.5 for +50%",
    )
    inventory_loss: Fraction | None = Field(
        None,
        description="the fraction of stock destroyed when the episode starts (on hand at a site, "
        "shipments waiting at a node, goods made and not yet shipped at a supplier), between 0 "
        "and 1",
    )
    demand_factor: NonNegative | None = Field(
        None,
        description="multiplies the demand of the sites hit while the episode lasts: a "
        "multiplier >= 0, e.g. 1.3 for +30% demand",
    )

    @model_validator(mode="after")
    def _something(self) -> Effect:
        if not self.closed and all(
            v is None
            for v in (
                self.capacity_factor,
                self.extra_days,
                self.cost_factor,
                self.inventory_loss,
                self.demand_factor,
            )
        ):
            raise invalid(
                "an effect needs at least one of closed, capacity_factor, extra_days, "
                "cost_factor, inventory_loss, demand_factor",
                "add one, e.g. closed: true or capacity_factor: 0.5",
            )
        return self


_FLOW = frozenset({"leg", *(k.value for k in PASS_THROUGH_KINDS)})

#: Where each effect acts: the kinds of element ("leg" or a node kind) and whether the element
#: needs a capacity_per_day. Read by the cross-checks; the model applies each effect there.
EFFECT_ACTS_ON: dict[str, tuple[frozenset[str], bool]] = {
    "closed": (_FLOW | {NodeKind.SUPPLIER.value}, False),
    "capacity_factor": (_FLOW | {NodeKind.SUPPLIER.value}, True),
    "extra_days": (_FLOW | {NodeKind.SUPPLIER.value}, False),
    "cost_factor": (_FLOW | {NodeKind.SUPPLIER.value}, False),
    "inventory_loss": (_FLOW - {"leg"} | {NodeKind.SUPPLIER.value, NodeKind.SITE.value}, False),
    "demand_factor": (frozenset({NodeKind.SITE.value}), False),
}


class Warning(Spec):
    """An early warning (预警) of a disruption's episodes (DESIGN §7).

    With ``probability`` an episode is forecast ``lead_days`` before it starts; false alarms
    (warnings with no episode, same target) come at ``false_alarms_per_year`` and lapse after
    their own lead time. Drawn from their own random stream: every policy sees the same
    warnings, and the disruptions do not change when warnings are added.
    """

    probability: Fraction = Field(1.0, description="chance that an episode is forecast (0–1)")
    lead_days: Distribution = Field(
        description="days between the warning and the start of the episode it announces"
    )
    false_alarms_per_year: NonNegative = Field(
        0.0, description="warnings with no episode, per calendar year (Poisson)"
    )


class Disruption(Spec):
    """A target, a timing and an effect (and optionally an early warning)."""

    target: Target = Field(
        description="a mapping with one of node, leg, country, tag, mode, e.g. target: {node: suez}"
    )
    timing: Timing = Field(
        description="e.g. timing: {kind: scheduled, start_day: 30, duration_days: 14}"
    )
    effect: Effect = Field(description="e.g. effect: {closed: true}")
    warning: Warning | None = Field(
        None,
        description="an early warning: {probability, lead_days, false_alarms_per_year}, e.g. "
        "warning: {probability: 0.8, lead_days: 3}",
    )
    description: str | None = None


# --------------------------------------------------------------------------- decision


class DecisionObjective(StrEnum):
    """The cost a recommendation minimises."""

    LANDED_COST = "landed_cost"  # price + freight per unit delivered
    TOTAL_COST = "total_cost"  # every cost per unit delivered, shortage penalties included


class DecisionRule(Spec):
    """How the run picks its recommendation: the cheapest policy (by ``objective``) among those
    whose mean fill rate reaches ``min_fill_rate``."""

    objective: DecisionObjective = Field(
        DecisionObjective.TOTAL_COST,
        description="landed_cost (price + freight per unit) or total_cost (every cost per unit, "
        "shortage penalties included)",
    )
    min_fill_rate: Fraction = Field(
        0.98, description="the fill rate a policy must reach to be recommended, 0 to 1"
    )


# --------------------------------------------------------------------------- scenario

# One entry of each id-keyed section, described as a whole (the fix for an entry that is not one).
_NodeEntry = Annotated[
    Node, Field(description="a node: a mapping such as {kind: port, country: NL}")
]
_LegEntry = Annotated[
    Leg,
    Field(description="a leg: a mapping such as {from: cn, to: rtm, mode: sea, transit_days: 30}"),
]
_PolicyEntry = Annotated[
    SourcingPolicy,
    Field(description="a policy: a mapping such as {kind: single, supplier: cn_shenzhen}"),
]
_DisruptionEntry = Annotated[
    Disruption, Field(description="a disruption: a mapping with target, timing and effect")
]


class Scenario(Spec):
    """A whole scenario file, after ``extends`` overlays are applied."""

    name: str = Field(min_length=1, description=_NAME)
    description: str | None = None
    currency: str = "USD"
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = Field(
        12345, description="a whole number from 0 to 2**63 - 1"
    )
    start_date: date | None = Field(
        None,
        description="the calendar date of day 0, e.g. start_date: 2023-08-01; time axes then "
        "show dates (the model itself counts days)",
    )
    horizon_days: Annotated[int, Field(gt=0, le=MAX_HORIZON_DAYS)] = Field(
        365, description="a whole number of days > 0, at most 36500 (100 years)"
    )
    warmup_days: Annotated[int, Field(ge=0)] = Field(
        0, description="days excluded from the figures: a whole number >= 0, less than horizon_days"
    )
    replications: Annotated[int, Field(ge=1, le=1_000_000)] = Field(
        30, description="a whole number from 1 to 1000000"
    )
    recovery_threshold: Annotated[float, Field(gt=0, le=1)] = Field(
        0.95, description="a fraction of demand served, > 0 and <= 1 (default 0.95)"
    )
    recovery_hold_days: Annotated[int, Field(ge=0)] = Field(
        7,
        description="whole days (>= 0) service must stay at the recovery threshold, with no "
        "backlog, after a disruption ends before it counts as recovered (default 7)",
    )
    max_routes: Annotated[int, Field(ge=1, le=50)] = Field(
        6, description="a whole number from 1 to 50"
    )
    baseline: str | None = Field(None, description="policy the others are compared to")
    product: Product = Product()
    decision: DecisionRule = Field(
        DecisionRule(),
        description="how the recommendation is chosen, e.g. decision: {objective: landed_cost, "
        "min_fill_rate: 0.98}",
    )
    nodes: dict[str, _NodeEntry] = Field(
        min_length=1,
        description="a mapping of node id to node, e.g. nodes: {plant_de: {kind: site, ...}}",
    )
    legs: dict[str, _LegEntry] = Field(
        default_factory=dict,
        description="a mapping of leg id to leg, e.g. legs: {cn_rtm: {from: cn, to: rtm, "
        "mode: sea, transit_days: 30}}",
    )
    sourcing: dict[str, _PolicyEntry] = Field(
        min_length=1,
        description="a mapping of policy name to policy, e.g. sourcing: {single: {kind: single, "
        "supplier: cn_shenzhen}}",
    )
    disruptions: dict[str, _DisruptionEntry] = Field(
        default_factory=dict, description="a mapping of disruption id to {target, timing, effect}"
    )

    # warmup_days < horizon_days is checked with the cross-references (checks.py), so that it is
    # reported together with every field error rather than only once all fields are valid.

    # Derived views (computed once: the model asks for them per order and per shipment) -------
    @cached_property
    def _by_kind(self) -> dict[NodeKind, dict[str, Node]]:
        out: dict[NodeKind, dict[str, Node]] = {k: {} for k in NodeKind}
        for nid, n in self.nodes.items():
            out[NodeKind(n.kind)][nid] = n
        return out

    def nodes_of(self, *kinds: NodeKind) -> dict[str, Node]:
        """Nodes of the given kinds, in file order (a fresh dict: the caller may change it)."""
        if len(kinds) == 1:
            return dict(self._by_kind[NodeKind(kinds[0])])
        return {k: n for k, n in self.nodes.items() if n.kind in kinds}

    @cached_property
    def suppliers(self) -> dict[str, SupplierNode]:
        """Supplier nodes by id, in file order (shared: do not change)."""
        return self._by_kind[NodeKind.SUPPLIER]  # type: ignore[return-value]

    @cached_property
    def sites(self) -> dict[str, SiteNode]:
        """Site nodes by id, in file order (shared: do not change)."""
        return self._by_kind[NodeKind.SITE]  # type: ignore[return-value]

    @cached_property
    def chokepoints(self) -> frozenset[str]:
        """Ids of the chokepoint nodes."""
        return frozenset(self._by_kind[NodeKind.CHOKEPOINT])

    # In a notebook ----------------------------------------------------------------------
    def __repr__(self) -> str:
        return (
            f"<Scenario '{self.name}': {len(self.nodes)} nodes, {len(self.legs)} legs, "
            f"{len(self.sourcing)} policies, {len(self.disruptions)} disruptions; "
            f"{self.horizon_days} days × {self.replications} replications>"
        )

    __str__ = __repr__

    def _repr_html_(self) -> str:
        """A short summary for Jupyter (see :func:`.display.scenario_html`)."""
        from .display import scenario_html

        return scenario_html(self)

    def label_of(self, node_id: str) -> str:
        """A readable label of a node: its ``label``, its short name, else its id with spaces."""
        n = self.nodes[node_id]
        return n.display_label or node_id.replace("_", " ")

    def day_to_date(self, day: float):
        """The calendar date (numpy datetime64[s]) of a simulated day, or None without
        ``start_date``."""
        if self.start_date is None:
            return None
        import numpy as np

        return np.datetime64(self.start_date, "s") + np.timedelta64(round(day * 86400), "s")

    @property
    def policy_names(self) -> list[str]:
        return list(self.sourcing)

    @property
    def baseline_policy(self) -> str:
        return self.baseline or next(iter(self.sourcing))
