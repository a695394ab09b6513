"""One replication of one sourcing policy: build the SimPy model, run it, return the record."""

from __future__ import annotations

import gc
import math
from contextlib import contextmanager
from heapq import heappop, heappush

import numpy as np
import simpy

from ..network.graph import Network
from ..policies.sourcing import make_sourcing
from ..scenario.schema import Scenario
from ..scenario.types import BelowMinimum, OrderRole
from . import trace as tr
from .calendar import Episode, draw_calendar
from .demand import draw_demand
from .early_warning import WarningDesk, WarningUse, draw_warnings
from .expedite import Expediter
from .fast_site import FastSite, fast_site_fits
from .ledger import day_of, days_of
from .randomness import Streams
from .results import COST_CATEGORIES, ReplicationResult, ShipmentRecord
from .site import SiteRuntime
from .state import ElementState, FluidServer
from .supplier import Order, SupplierRuntime
from .supply_status import SupplyStatus
from .timing import CHANGE, REVIEW, At
from .transport import Shipment, Transport


class ModelEnvironment(simpy.Environment):
    """A SimPy environment with a tighter main loop (:meth:`run_to`) that processes the same
    events in the same order as ``run(until=...)``, and counts the events scheduled (the model's
    work measure: every scheduled event takes one id from SimPy's counter).

    ``now`` is a plain attribute that :meth:`run_to` keeps equal to SimPy's clock (the model
    reads it a dozen times per order; SimPy's property costs a call each time), so the
    environment runs only with :meth:`run_to`. Besides SimPy's events, the queue holds the
    model's own calls (:func:`~simulator.model.timing.call_at`: entries one longer than
    SimPy's, ``(t, priority, id, fn, arg)``), which :meth:`run_to` calls directly."""

    now: float = 0.0

    def step(self) -> None:
        raise TypeError("a ModelEnvironment runs with run_to(until), which keeps .now current")

    def run_to(self, until: float) -> int:
        """Process every event before ``until`` (days) — and those at ``until`` that SimPy's own
        stop event would let through: scheduled more urgently, or as urgently but earlier — then
        stand at ``until``. Returns the number of events scheduled since the start."""
        if until <= self._now:
            raise ValueError(f"until ({until}) must be after now ({self._now})")
        stop_id = next(self._eid)  # the place SimPy's stop event would take in the queue
        queue, pop = self._queue, heappop
        while queue:
            item = pop(queue)
            t = item[0]
            if t >= until and (t > until or item[1] > simpy.events.URGENT or item[2] > stop_id):
                heappush(queue, item)  # the first event not to process: back where it was
                break
            self.now = self._now = t
            if len(item) == 5:  # a call_at entry (t, priority, id, fn, arg): call it, that's all
                item[3](item[4])
                continue
            event = item[3]
            callbacks, event.callbacks = event.callbacks, None
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                # A failed event nobody handled (as Environment.step raises it).
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc
        self.now = self._now = until
        return next(self._eid)


@contextmanager
def _no_collections():
    """Run the block with Python's cyclic garbage collector off: a replication allocates
    hundreds of thousands of objects, most short-lived and all freed by reference counting
    (:meth:`ReplicationModel.release` breaks the model's cycles), so a collection during it only
    walks live objects (measured: ~5% of a replication's CPU at a threshold of 20,000, ~10% at
    Python's 700). The collector is switched back on afterwards if it was on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class ReplicationModel:
    """Wires suppliers, transport, sites, the sourcing policy and the disruption calendar.

    One replication of one sourcing policy over ``scenario.horizon_days`` days. ``trace``, if
    given, receives every :mod:`~simulator.model.trace` event as it happens. ``shortcuts=False``
    turns off the day-skipping sites, the one-timeout journeys and the production steps planned
    ahead (every arrival, review, leg and production step is then an event; the numbers are the
    same, the tests check it).
    """

    def __init__(
        self,
        scenario: Scenario,
        policy: str,
        replication: int = 0,
        seed: int | None = None,
        network: Network | None = None,
        point: int = 0,
        trace: tr.Trace | None = None,
        warnings: WarningUse = WarningUse.ALL,
        shortcuts: bool = True,
    ):
        sc = scenario
        if policy not in sc.sourcing:
            raise KeyError(f"unknown policy '{policy}'; the scenario has {', '.join(sc.sourcing)}")
        self.scenario = sc
        self.policy = policy
        self.replication = replication
        self.seed = sc.seed if seed is None else int(seed)
        self.point = point
        self.network = network or Network(sc)
        self.streams = Streams(self.seed, replication, point)
        self.days = int(sc.horizon_days)
        self.trace = trace
        self.env = ModelEnvironment()
        self.network_changed = self.env.event()
        self.changes = 0  # disruption changes so far (a version of the network's state)

        self.node_state = {
            nid: ElementState(capacity_per_day=getattr(n, "capacity_per_day", None))
            for nid, n in sc.nodes.items()
        }
        # A supplier's capacity is applied by its production loop, not as a fluid server.
        for sid in sc.suppliers:
            self.node_state[sid].capacity_per_day = None
        self.leg_state = {
            lid: ElementState(capacity_per_day=leg.capacity_per_day) for lid, leg in sc.legs.items()
        }
        for st in (*self.node_state.values(), *self.leg_state.values()):
            if st.capacity_per_day is not None:
                st.server = FluidServer(self.env, st)

        self.episodes: list[Episode] = draw_calendar(sc, self.streams)
        # When some episode starts or ends on each node and leg (days, sorted).
        self.change_times: dict[str, list[float]] = {}
        for ep in self.episodes:
            for elem in (*ep.nodes, *ep.legs):
                self.change_times.setdefault(elem, []).extend((ep.start, ep.end))
        for times in self.change_times.values():
            times.sort()
        self.touches = self._touches()
        self.transport = Transport(self, express=shortcuts)
        overrides = sc.sourcing[policy].inventory or {}
        exp = sc.sourcing[policy].expedite
        review_expedite = exp is not None and (
            exp.when_backlog_above is not None or exp.when_cover_below_days is not None
        )
        self.sites: dict[str, SiteRuntime] = {}
        for sid, s in sc.sites.items():
            inventory = overrides.get(sid)
            fast = fast_site_fits(inventory or s.inventory, trace, review_expedite)
            cls = FastSite if fast and shortcuts else SiteRuntime
            self.sites[sid] = cls(self, sid, s, self.days, inventory)
        # Reviews due at one instant run longest period first, then in the scenario's order.
        ranked = sorted(self.sites.values(), key=lambda st: -st.rule.review_period_days)
        for rank, st in enumerate(ranked):
            st.review_priority = REVIEW + rank / (len(ranked) + 1)
        spec = sc.sourcing[policy]
        pairs = [(s, site) for site in sc.sites for s in spec.suppliers]
        self.status = SupplyStatus(self, pairs, triggers=spec.path_triggers)
        self.sourcing = make_sourcing(spec, self.status)
        warm = self.sourcing.warm_suppliers
        self.suppliers = {
            sid: SupplierRuntime(
                self, sid, s, warm=sid in warm, reserved=self._reserved(sid), ahead=shortcuts
            )
            for sid, s in sc.suppliers.items()
        }
        # Episodes are scored at every site they can affect under *any* policy of the scenario,
        # so every policy is scored on the same (episode, site) pairs (DESIGN §3b).
        self.scored_touches = self._touches(all_policies=True)

        self.warnings = draw_warnings(sc, self.streams, self.episodes)
        self.desk = WarningDesk(self, self.warnings, WarningUse(warnings))
        self.expediter = Expediter(self)
        self.costs = {c: np.zeros(self.days) for c in COST_CATEGORIES}
        # Purchases and ordering costs as they are placed (time in days, then currency): written
        # into the daily costs at the end, each day's amounts added in the order they came.
        self._spent_t: list[float] = []
        self._spent_purchase: list[float] = []
        self._spent_ordering: list[float] = []
        # Per supplier: (unit price, cost per order under this policy), both in currency.
        policy_cost = sc.sourcing[policy].order_cost
        self._terms = {
            sid: (s.unit_price, s.order_cost if policy_cost is None else policy_cost)
            for sid, s in sc.suppliers.items()
        }
        # Freight amounts per (category, day), summed exactly at the end: a journey books the
        # legs ahead when it leaves, so the order of the additions must not matter.
        self._freight: dict[tuple[str, int], list[float]] = {}
        self._chokepoints: dict[tuple[str, ...], tuple[str, ...]] = {}  # per legs taken
        # Minimum order quantities or multiples anywhere: orders must be sized.
        self._sized = any(s.min_order_qty > 0 or s.order_multiple for s in sc.suppliers.values())
        # Per supplier: (the least whole units of an order, the multiple or None).
        self._lots = {
            sid: (math.ceil(s.min_order_qty - 1e-9), s.order_multiple)
            for sid, s in sc.suppliers.items()
        }
        self._skip_below = sc.sourcing[policy].below_minimum is BelowMinimum.SKIP
        self.shipments: list[ShipmentRecord] = []
        self.leg_units: dict[str, int] = {lid: 0 for lid in sc.legs}
        self._order_id = 0
        self._shipment_id = 0
        self.ordered_units = 0
        self.destroyed_in_transit = 0
        self.destroyed_at_suppliers = 0

    def _reserved(self, sid: str) -> float:
        """Fraction of a supplier's capacity this policy's reservation fee keeps warm."""
        s = self.scenario.suppliers[sid]
        if sid not in self.scenario.sourcing[self.policy].suppliers:
            return 0.0
        if s.reservation_fee_per_day <= 0 or s.capacity_per_day is None:
            return 0.0
        reserved = s.reserved_capacity_per_day or s.capacity_per_day
        return min(1.0, reserved / s.capacity_per_day)

    # ---------------------------------------------------------------- orders and flows
    def place_orders(self, site: str, qty: int) -> int:
        """Split a site's order of ``qty`` units by the sourcing policy, apply the suppliers'
        minimum order quantities and multiples, and place the parts; return the units placed
        (at least ``qty``: rounding only ever adds)."""
        parts = self.sourcing.allocate(site, qty, self.env.now)
        if self._sized:
            parts = self._order_sizes(parts)
        if self.trace is not None:
            self.trace(tr.OrderAllocated(self.env.now, site, qty, tuple(parts)))
        placed = 0
        for sid, units, role in parts:
            self._place(site, sid, units, role)
            placed += units
        return placed

    def _order_sizes(self, parts: list[tuple[str, int, OrderRole]]):
        """Parts of an order sized to the suppliers' ``min_order_qty`` and ``order_multiple``.

        A part below its supplier's minimum is rounded up to it, or, with the policy's
        ``below_minimum: skip``, its units go to the largest part that meets its minimum (when
        none does, the largest part is rounded up). Every part is then rounded up to a whole
        multiple."""
        suppliers = self.scenario.suppliers
        if self._skip_below and parts:
            keep = [p for p in parts if p[1] >= suppliers[p[0]].min_order_qty]
            if not keep:
                keep = [max(parts, key=lambda p: p[1])]
            dropped = sum(p[1] for p in parts) - sum(p[1] for p in keep)
            if dropped:
                big = max(range(len(keep)), key=lambda k: keep[k][1])
                sid, units, role = keep[big]
                keep[big] = (sid, units + dropped, role)
            parts = keep
        out = []
        lots = self._lots
        for sid, units, role in parts:
            least, multiple = lots[sid]
            if units < least:
                units = least
            if multiple:
                units = -(-units // multiple) * multiple
            out.append((sid, units, role))
        return out

    def _place(self, site: str, sid: str, units: int, role: OrderRole) -> None:
        unit_price, order_cost = self._terms[sid]
        price = unit_price * self.node_state[sid].cost_factor
        if role is OrderRole.BACKUP:
            price *= 1.0 + self.sourcing.premium
        self._order_id += 1
        now = self.env.now
        order = Order(self._order_id, site, sid, units, now, role, price, float(units))
        self._spent_t.append(now)
        self._spent_purchase.append(price * units)
        self._spent_ordering.append(order_cost)
        self.ordered_units += units
        if self.trace is not None:
            self.trace(tr.OrderPlaced(self.env.now, order.id, site, sid, units, role, price))
        self.suppliers[sid].place(order)

    def move_orders(self, sid: str, site: str) -> None:
        """Move a site's not-yet-started orders away from a supplier whose outage was detected:
        their purchase is refunded and the units are placed again through the policy."""
        orders = self.suppliers[sid].withdraw(site)
        if not orders:
            return
        now, units = self.env.now, 0
        for o in orders:
            self._spent_t.append(now)
            self._spent_purchase.append(-(o.unit_price * o.qty))  # refunded
            self._spent_ordering.append(0.0)
            self.ordered_units -= o.qty
            units += o.qty
        if self.trace is not None:
            ids = tuple(o.id for o in orders)
            self.trace(tr.OrdersWithdrawn(self.env.now, site, sid, ids, units))
        placed = self.place_orders(site, units)
        if placed != units:
            self.sites[site].ordered_more(placed - units)

    def dispatch(self, order: Order) -> None:
        """A finished order leaves its supplier as one shipment."""
        self._shipment_id += 1
        self.transport.send(Shipment(self._shipment_id, order, order.qty, self.env.now))

    def place_expedited(self, site: str, sid: str, units: int, route) -> None:
        """Place an expedited order (ahead of the supplier's queue, to travel by ``route``)."""
        unit_price, order_cost = self._terms[sid]
        price = unit_price * self.node_state[sid].cost_factor
        self._order_id += 1
        now, role = self.env.now, OrderRole.EXPEDITE
        order = Order(self._order_id, site, sid, units, now, role, price, float(units))
        order.route = route
        self._spent_t.append(now)
        self._spent_purchase.append(price * units)
        self._spent_ordering.append(order_cost)
        self.ordered_units += units
        if self.trace is not None:
            self.trace(tr.OrderPlaced(now, order.id, site, sid, units, role, price))
        self.suppliers[sid].place(order, urgent=True)

    def add_transport_cost(
        self, amount: float, leg: str, units: int, expedite: bool = False, at: float | None = None
    ) -> float:
        """Book ``amount`` (currency) of freight for ``units`` entering ``leg`` now or at time
        ``at`` (days; as expedite cost for an expedited shipment), and the leg's fixed cost per
        shipment; return the total booked."""
        day = day_of(self.env.now if at is None else at, self.days)
        fixed = self.scenario.legs[leg].cost_per_shipment
        if amount:  # zero amounts add nothing to a day's exact sum
            self.book_freight("expedite" if expedite else "transport", day, amount)
        if fixed:
            self.book_freight("transport_fixed", day, fixed)
        self.leg_units[leg] += units
        return amount + fixed

    def book_freight(self, category: str, day: int, amount: float) -> None:
        """Book ``amount`` (currency) of ``category`` on ``day`` (summed exactly at the end)."""
        self._freight.setdefault((category, day), []).append(amount)

    def deliver(self, sh: Shipment) -> None:
        """A shipment reaches its site: the units become stock; the shipment is recorded."""
        site = self.sites[sh.order.site]
        if sh.stranded:
            site.strand(-sh.qty)
        site.receive(sh.qty)
        taken = tuple(sh.legs_taken)
        passed = self._chokepoints.get(taken)
        if passed is None:
            legs, chokepoints = self.scenario.legs, self.network.chokepoints
            passed = tuple(legs[lid].to_node for lid in taken if legs[lid].to_node in chokepoints)
            self._chokepoints[taken] = passed
        o = sh.order
        now = self.env.now
        self.shipments.append(
            ShipmentRecord(
                sh.id,
                o.supplier,
                o.site,
                o.role,
                o.qty,
                sh.qty,
                o.placed_at,
                sh.dispatched_at,
                now,
                taken,
                passed,
                sh.rerouted,
                sh.waited_days,
                o.unit_price,
                sh.freight,
            )
        )
        if self.trace is not None:
            self.trace(tr.ShipmentDelivered(now, sh.id, o.site, o.supplier, sh.qty, taken))

    def order_destroyed(self, order: Order, units: int) -> None:
        """``units`` of an order made at its supplier were destroyed before shipping."""
        self.destroyed_at_suppliers += units
        self.sites[order.site].lose_in_transit(units)

    def shipment_destroyed(self, sh: Shipment, units: int) -> None:
        """``units`` of a shipment were destroyed on the way (they will never arrive)."""
        self.destroyed_in_transit += units
        self.sites[sh.order.site].lose_in_transit(units)

    # ---------------------------------------------------------------- disruptions
    def _disruption_driver(self):
        env = self.env
        changes = []
        for k, ep in enumerate(self.episodes):
            changes.append((ep.start, 1, k, ep))
            changes.append((ep.end, 0, k, ep))
        # Starts before ends at the same instant: a zero-length episode (its one-off
        # inventory loss still happens) must be added before it is removed.
        changes.sort(key=lambda c: (c[0], -c[1], c[2]))
        i = 0
        while i < len(changes):
            t = changes[i][0]
            if t >= self.days:
                return
            if t > env.now:
                # CHANGE, not a plain timeout: a change at t must act before every other event at
                # t (arrivals, reviews, demand), whenever this wake-up happened to be scheduled.
                yield At(env, t - env.now, CHANGE)
            touched: set[str] = set()
            while i < len(changes) and changes[i][0] == t:
                _, starts, _, ep = changes[i]
                self._apply(ep, starting=bool(starts), touched=touched)
                i += 1
            self._after_change(touched)

    @staticmethod
    def _toggle(st: ElementState, ep: Episode, starting: bool) -> None:
        """Add or remove one episode on a node or leg and bring its combined state up to date."""
        if starting:
            st.active.append(ep)
        else:
            st.active.remove(ep)
        st.recompute()
        if st.server is not None:
            st.server.notify()

    def _apply(self, ep: Episode, starting: bool, touched: set[str]) -> None:
        for nid in ep.nodes:
            self._toggle(self.node_state[nid], ep, starting)
            touched.add(nid)
            if starting and ep.effect.inventory_loss:
                if nid in self.sites:
                    self.sites[nid].destroy(ep.effect.inventory_loss)
                else:
                    if nid in self.suppliers:
                        self.suppliers[nid].destroy(ep.effect.inventory_loss)
                    self.transport.destroy_at(nid, ep.effect.inventory_loss)
        for lid in ep.legs:
            self._toggle(self.leg_state[lid], ep, starting)

    def _after_change(self, touched: set[str]) -> None:
        for nid in sorted(touched):
            if nid in self.suppliers:
                self.suppliers[nid].notify()
        self.changes += 1
        old, self.network_changed = self.network_changed, self.env.event()
        old.succeed()
        self.update_supply_status()

    def update_supply_status(self, warned: bool = False) -> None:
        """Re-evaluate every supply path; move orders where the policy says so. ``warned``: a
        warning changed, and the paths it puts down count as detected at once."""
        now = self.env.now
        went_down, recovered = self.status.update(now)
        for sid, site in went_down:
            if warned:
                self.status.detected_now(sid, site, now, self.sourcing.detection_delay)
                if self.sourcing.moves_orders_from(sid):
                    self.move_orders(sid, site)
            elif self.sourcing.moves_orders_from(sid):
                self.env.process(self._detect(sid, site, now))
        # Orders waiting at a supplier that is (detectedly) down go to whichever supplier of the
        # policy can serve them: also when another supplier's path recovers while they wait.
        delay = self.sourcing.detection_delay
        for back, site in recovered:
            for sid in self.sourcing.suppliers:
                if (
                    sid != back
                    and self.sourcing.moves_orders_from(sid)
                    and self.status.observed_down(sid, site, now, delay)
                ):
                    self.move_orders(sid, site)

    def _detect(self, sid: str, site: str, since: float):
        delay = self.sourcing.detection_delay
        if delay > 0:
            yield self.env.timeout(delay)
        if self.status.down_since.get((sid, site)) == since:
            self.move_orders(sid, site)

    # ---------------------------------------------------------------- run
    def _touches(self, all_policies: bool = False) -> dict[str, frozenset[str]]:
        """Per site, the nodes and legs that can affect it under this policy (or under any
        policy of the scenario): the site, the suppliers and every element of a candidate
        route from one of them."""
        sourcing = self.scenario.sourcing
        if all_policies:
            suppliers = tuple(dict.fromkeys(s for p in sourcing.values() for s in p.suppliers))
        else:
            suppliers = sourcing[self.policy].suppliers
        reach = self.network.reach
        return {site: reach(tuple(suppliers), site) for site in self.scenario.sites}

    def _episode_sites(self) -> dict[tuple[str, int], tuple[str, ...]]:
        """Sites each episode can affect under this policy (directly, via a supplier or route)."""
        out = {}
        touches = self.scored_touches
        for ep in self.episodes:
            hit = set(ep.nodes) | set(ep.legs)
            out[(ep.disruption, ep.index)] = tuple(
                s for s in self.scenario.sites if hit & touches[s]
            )
        return out

    def run(self) -> ReplicationResult:
        """Simulate the whole horizon and return the replication's record."""
        env = self.env
        env.process(self._disruption_driver())
        if self.desk.warnings:
            env.process(self.desk.process())
        for sid, site in self.sites.items():
            times, qty = draw_demand(
                sid, site.spec, self.days, self.streams.generator("demand", sid), self.episodes
            )
            site.start(times, qty)
        with _no_collections():
            self._events = env.run_to(self.days)
        for site in self.sites.values():
            site.finish(self.days)
        return self._result()

    def release(self) -> None:
        """Break the model's reference cycles once its record is taken: every part points back
        at the model and the events still queued at the horizon point at the parts, so without
        this the whole replication (daily arrays included) would wait for a full garbage
        collection to be freed; with it, reference counting frees it at once. The model is
        unusable afterwards; the record returned by :meth:`run` keeps what it needs."""
        self.env._queue.clear()
        parts = [
            *self.sites.values(),
            *self.suppliers.values(),
            self.transport,
            self.status,
            self.desk,
            self.expediter,
            self.sourcing,
            *(st.server for st in (*self.node_state.values(), *self.leg_state.values())),
        ]
        for part in parts:
            if part is not None and hasattr(part, "__dict__"):
                part.__dict__.clear()
        self.__dict__.clear()

    def _book_freight(self) -> None:
        """Write the freight booked into the daily costs, each day's amounts summed exactly."""
        costs = self.costs
        for (category, day), amounts in self._freight.items():
            costs[category][day] = amounts[0] if len(amounts) == 1 else math.fsum(amounts)

    def _book_spend(self) -> None:
        """Write the purchases and ordering costs into the daily costs: one ``bincount`` each,
        which adds a day's amounts in the order they were placed (as ``costs[day] += x`` did)."""
        if not self._spent_t:
            return
        days = days_of(self._spent_t, self.days)
        for category, amounts in (
            ("purchase", self._spent_purchase),
            ("ordering", self._spent_ordering),
        ):
            self.costs[category] = np.bincount(days, weights=amounts, minlength=self.days)

    def _result(self) -> ReplicationResult:
        sc = self.scenario
        self._book_spend()
        self._book_freight()
        self.transport.add_route_units(self.leg_units)
        sites = {sid: s.ledger.arrays for sid, s in self.sites.items()}
        holding_rate = sc.product.unit_value * sc.product.holding_cost_rate / 365.0
        for sid, a in sites.items():
            self.costs["holding"] += a["on_hand_avg"] * holding_rate
            site = sc.sites[sid]
            self.costs["shortage"] += (
                a["backordered"] + a["lost"]
            ) * site.shortage_penalty_per_unit
            if site.backorder_penalty_per_unit_day:
                self.costs["shortage"] += a["backlog_avg"] * site.backorder_penalty_per_unit_day
        fees = sum(sc.suppliers[s].reservation_fee_per_day for s in set(self.sourcing.suppliers))
        self.costs["reservation"][:] = fees
        at_suppliers = sum(s.units_in_pipeline() for s in self.suppliers.values())
        balance = {
            "ordered": float(self.ordered_units),
            "received": float(sum(a["receipts"].sum() for a in sites.values())),
            "in_transit": float(self.transport.units_in_transit()),
            "at_suppliers": float(at_suppliers),
            "destroyed_in_transit": float(self.destroyed_in_transit),
            "destroyed_at_suppliers": float(self.destroyed_at_suppliers),
            "destroyed_at_sites": float(sum(s.destroyed_total for s in self.sites.values())),
            "initial_on_hand": float(sum(s.initial_on_hand for s in self.sites.values())),
            "final_on_hand": float(sum(s.on_hand for s in self.sites.values())),
            "final_backlog": float(sum(s.backlog_units for s in self.sites.values())),
            "final_on_order": float(sum(s.on_order for s in self.sites.values())),
            "met_total": float(sum(s.met_total for s in self.sites.values())),
        }
        events = self._events
        return ReplicationResult(
            scenario=sc.name,
            policy=self.policy,
            replication=self.replication,
            seed=self.seed,
            point=self.point,
            horizon_days=self.days,
            warmup_days=int(sc.warmup_days),
            sites=sites,
            costs=self.costs,
            shipments=self.shipments,
            episodes=self.episodes,
            episode_sites=self._episode_sites(),
            balance=balance,
            leg_units=self.leg_units,
            events=events,
            warnings=self.warnings,
            in_flight=[
                (sh.dispatched_at, sh.qty)
                for sh in sorted(self.transport.in_transit, key=lambda sh: sh.id)
            ],
        )


def run_replication(
    scenario: Scenario,
    policy: str,
    replication: int = 0,
    seed: int | None = None,
    network: Network | None = None,
    point: int = 0,
    trace: tr.Trace | None = None,
    warnings: WarningUse = WarningUse.ALL,
) -> ReplicationResult:
    """Simulate one replication of one sourcing policy (seed defaults to the scenario's);
    ``trace`` receives every trace event (see :mod:`simulator.model.trace`); ``warnings``
    chooses which early warnings the policy reacts to."""
    # The collector stays off until the model is released: by then its objects are freed and
    # a collection finds little to walk.
    with _no_collections():
        model = ReplicationModel(
            scenario, policy, replication, seed, network, point, trace, warnings
        )
        result = model.run()
        model.release()
    return result


__all__ = ["ReplicationModel", "run_replication"]
