"""Shipments moving over legs and through pass-through nodes to a site.

A shipment takes the best *available* candidate route when it leaves the supplier. Before each
leg it looks ahead: if something on its route is closed and the site allows re-routing, it switches
to the best open route from where it is. It never enters a closed leg, nor a leg into a closed
node: it waits at the last node before the closure. A node that closes while a shipment is on the
leg into it holds the shipment when it arrives, until it reopens. Leg and node capacities are fluid
servers (units/day), so a large shipment occupies them for ``units / capacity`` days.

The transit and handling times of a route are drawn when the shipment takes it (at dispatch, or
when it re-routes), from each leg's and node's own stream. A journey on which nothing can happen
(no capacity limit on the route, no disruption starting or ending on it before the arrival, no
warning that could re-route it) is one timeout from the supplier to the site, its freight booked
on the days it enters each leg; any other journey is a process that goes leg by leg.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from heapq import heappush
from typing import TYPE_CHECKING

from ..network.graph import Route
from ..scenario.schema import Scheduled
from ..scenario.types import Reroute
from . import trace as tr
from .supplier import Order
from .timing import NORMAL

if TYPE_CHECKING:
    from ..scenario.distributions import Distribution, Sampler
    from .replication import ReplicationModel


@dataclass(slots=True, eq=False)
class Shipment:
    """Units of one order on their way from a supplier to a site."""

    id: int
    order: Order
    qty: int
    dispatched_at: float
    route: Route | None = None
    # Legs entered so far: a one-timeout journey sets a tuple at once, a journey leg by leg
    # starts a list.
    legs_taken: list[str] | tuple[str, ...] = ()
    held_at: str | None = None
    waited_days: float = 0.0
    rerouted: int = 0
    blocked_since: float | None = None  # start of the current wait at a closure (days)
    stranded: bool = False  # no longer counted as on order by its site (stranded pipeline)
    freight: float = 0.0  # currency paid to move it so far (per-unit freight and fixed costs)
    # Drawn when the route is chosen: transit days of each leg, handling days at the node each
    # leg enters (0 for the site; before any disruption's extra days).
    transits: list[float] | tuple[float, ...] = ()
    handlings: list[float] | tuple[float, ...] = ()


# The handling days of a route straight into its site: read-only, shared by every such shipment.
_SITE_ONLY = (0.0,)


class _Samplers(dict):
    """Per-element samplers of one purpose (``transit`` by leg, ``handling`` by node), each made
    from its own stream when first looked up."""

    def __init__(self, model: ReplicationModel, purpose: str, laws: dict[str, Distribution]):
        super().__init__()
        self._streams, self._purpose, self._laws = model.streams, purpose, laws

    def __missing__(self, element: str) -> Sampler:
        rng = self._streams.generator(self._purpose, element)
        sampler = self[element] = self._laws[element].stream(rng)
        return sampler


class Transport:
    """Moves shipments for one replication; owns the per-leg and per-node samplers."""

    def __init__(self, model: ReplicationModel, express: bool = True):
        self.model = model
        self.env = model.env
        sc = model.scenario
        # Samplers made on first use: a leg or port no shipment takes costs nothing (each has
        # its own stream, so when it is made does not change its draws).
        self.transit = _Samplers(
            model, "transit", {lid: g.transit_days for lid, g in sc.legs.items()}
        )
        self.handling = _Samplers(
            model,
            "handling",
            {nid: n.handling_days for nid, n in sc.nodes.items() if hasattr(n, "handling_days")},
        )
        self.held: dict[str, set[Shipment]] = {nid: set() for nid in sc.nodes}
        self.in_transit: set[Shipment] = set()
        self._suffix_days: dict[tuple[tuple[str, ...], int], float] = {}
        # Elements some episode of this replication can close: a shipment on a leg into one of
        # them (or on one of them) watches for the closure, to re-plan at once.
        closing = [e for e in model.episodes if e.effect.closed or e.effect.capacity_factor == 0]
        self.closable_nodes = {n for ep in closing for n in ep.nodes}
        self.closable_legs = {lid for ep in closing for lid in ep.legs}
        self._live: dict[tuple, tuple] = {}
        self._plans: dict[tuple[str, ...], tuple] = {}  # per route: see _plan
        self._draws: dict[tuple[str, ...], tuple[list, list]] = {}  # per route: its samplers
        self._pairs: dict[tuple[str, str], tuple[Route, bool]] = {}  # (first route, weigh)
        # Units of one-timeout journeys that entered every leg of a route (added to the
        # model's units per leg at the end, by :meth:`add_route_units`).
        self.route_units: dict[tuple[str, ...], int] = {}
        # Set at the first dispatch (the warning desk is built after the transport): False when
        # a warning could re-route a shipment on its way, so every journey goes leg by leg.
        self._express_ok: bool | None = None if express else False
        self._arrive_fn = self._arrive  # bound once, not at every shipment

    # ---------------------------------------------------------------- route availability
    def open_from(self, route: Route, i: int) -> bool:
        """No closed leg from index i on, and no closed pass-through node after the current one."""
        legs, nodes = self.model.leg_state, self.model.node_state
        for lid in route.legs[i:]:
            if legs[lid].closed:
                return False
        return all(not nodes[nid].closed for nid in route.nodes[i + 1 : -1])

    def best_open(
        self, origin: str, site: str, avoid: frozenset[str] = frozenset()
    ) -> Route | None:
        """The best route from ``origin`` to ``site`` with nothing closed on it (and none of the
        ``avoid`` elements after ``origin``): the first such candidate, or else the best such
        path on the live graph (a detour the candidates miss)."""
        # Open or closed only changes with a disruption change (``model.changes`` counts them).
        key = (origin, site, avoid)
        version = self.model.changes
        cached = self._live.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        for r in self.model.network.routes(origin, site):
            if self.open_from(r, 0) and not (
                avoid and (avoid.intersection(r.legs) or avoid.intersection(r.nodes[1:-1]))
            ):
                self._live[key] = (version, r)
                return r
        legs, nodes = self.model.leg_state, self.model.node_state
        found = self.model.network.live_route(
            origin,
            site,
            lambda lid: not legs[lid].closed and lid not in avoid,
            lambda nid: not nodes[nid].closed and nid not in avoid,
        )
        self._live[key] = (version, found)
        return found

    def _avoids_warned(self, route: Route, i: int) -> bool:
        """Whether the rest of ``route`` from index ``i`` passes no element under a warning."""
        warned = self.model.desk.warned
        return not (
            warned.intersection(route.legs[i:]) or warned.intersection(route.nodes[i + 1 : -1])
        )

    # ---------------------------------------------------------------- waiting or detouring
    def _remaining_days(self, route: Route, i: int) -> float:
        """Mean days from the node at index ``i`` of ``route`` to its end (transit + handling)."""
        key = (route.legs, i)
        days = self._suffix_days.get(key)
        if days is None:
            days = self.model.network.make_route(route.legs[i:]).mean_days
            self._suffix_days[key] = days
        return days

    def _expected_reopen(self, route: Route, i: int) -> float:
        """When every closure on the rest of ``route`` is expected to be over (days).

        A scheduled closure ends when announced; a random one is expected to last its mean
        duration from its start (at least until now).
        """
        model, now = self.model, self.env.now
        states = [model.leg_state[lid] for lid in route.legs[i:]]
        states += [model.node_state[nid] for nid in route.nodes[i + 1 : -1]]
        reopen = now
        for st in states:
            for ep in st.active:
                if not (ep.effect.closed or ep.effect.capacity_factor == 0):
                    continue
                timing = model.scenario.disruptions[ep.disruption].timing
                if isinstance(timing, Scheduled):
                    end = ep.end
                else:
                    end = max(now, ep.start + timing.duration_days.mean)
                reopen = max(reopen, end)
        return reopen

    def detour_pays(self, route: Route, i: int, alt: Route) -> bool:
        """Whether ``alt`` (from the current node) is expected to arrive before waiting for the
        blocked ``route`` to reopen and then following it."""
        by_waiting = self._expected_reopen(route, i) + self._remaining_days(route, i)
        return self.env.now + alt.mean_days < by_waiting

    # ---------------------------------------------------------------- the journey
    def send(self, sh: Shipment) -> None:
        """Start a shipment's journey from its supplier now."""
        model, order = self.model, sh.order
        self.in_transit.add(sh)
        site_id, at = order.site, order.supplier
        pair = self._pairs.get((at, site_id))
        if pair is None:
            first = model.network.routes(at, site_id)[0]
            weigh = model.scenario.sites[site_id].reroute_rule is Reroute.WHEN_FASTER
            pair = self._pairs[(at, site_id)] = (first, weigh)
        first, weigh = pair
        if order.route is not None:  # expedited
            route = order.route
            if not self.open_from(route, 0):
                route = model.expediter.route(at, site_id) or route
        else:
            route = self.best_open(at, site_id) or first
            desk = model.desk
            if desk.reroute and desk.warned:
                route = self.best_open(at, site_id, avoid=desk.warned) or route
            if weigh and route is not first and not self.detour_pays(first, 0, route):
                route = first  # wait for the reopening: the detour would arrive later
        self._take(sh, route)
        if model.trace is not None:
            model.trace(
                tr.ShipmentDispatched(
                    self.env.now, sh.id, order.id, site_id, at, sh.qty, route.legs
                )
            )
        if not self._express(sh, route):
            self.env.process(self._travel(sh))

    def _take(self, sh: Shipment, route: Route) -> None:
        """The shipment takes ``route`` from its first node now: draw its times."""
        sh.route = route
        draws = self._draws.get(route.legs)
        if draws is None:
            draws = self._draws[route.legs] = (
                [self.transit[lid] for lid in route.legs],
                [self.handling[nid] for nid in route.nodes[1:-1]],
            )
        transit, handling = draws
        sh.transits = (transit[0](),) if len(transit) == 1 else [draw() for draw in transit]
        if handling:
            sh.handlings = [draw() for draw in handling]
            sh.handlings.append(0.0)  # none at the site: one entry per leg
        else:
            sh.handlings = _SITE_ONLY

    def _express(self, sh: Shipment, route: Route) -> bool:
        """Move the shipment in one timeout if nothing can happen to it on the way; return
        whether it does."""
        model, now = self.model, self.env.now
        if self._express_ok is None:
            self._express_ok = not (model.desk.reroute and model.desk.warnings)
        if not self._express_ok:
            return False
        key = route.legs
        plan = self._plans.get(key)
        version = model.changes
        if plan is None or plan[0] != version:
            plan = self._plans[key] = self._plan(route, version)
        _, lids, steps, changes, cost = plan
        if steps is None:
            return False  # a capacity limit on the route, or something on it closed
        # The times the process would reach: each leg's entry, then the arrival.
        t = now
        if len(steps) == 1:  # one leg, straight into the site
            entries = (t,)
            delay = sh.transits[0] + steps[0][0]
            if delay > 0:
                t += delay
        else:
            entries = []
            enter = entries.append
            for transit, (leg_extra, node_extra), handling in zip(
                sh.transits, steps, sh.handlings, strict=True
            ):
                enter(t)
                delay = transit + leg_extra
                if delay > 0:
                    t += delay
                if node_extra is not None:
                    delay = handling + node_extra
                    if delay > 0:
                        t += delay
        if changes:
            k = bisect_right(changes, now)
            if k < len(changes) and changes[k] <= t:
                return False  # something starts or ends on the route on the way
        days, qty = model.days, sh.qty
        # Legs entered before the horizon (entry times only grow): all of them unless it comes
        # on the way.
        entered = len(lids) if t < days else bisect_left(entries, days)
        if cost:
            book = model.book_freight
            category = "transport" if sh.order.route is None else "expedite"
            freight = sh.freight
            for i, per_unit, factor, fixed in cost:
                if i >= entered:
                    break
                day = int(entries[i])
                amount = qty * per_unit * factor
                if amount:  # zero amounts add nothing to a day's exact sum
                    book(category, day, amount)
                if fixed:
                    book("transport_fixed", day, fixed)
                freight += amount + fixed
            sh.freight = freight
        if entered < len(lids):
            for lid in lids[:entered]:
                model.leg_units[lid] += qty
            sh.legs_taken = lids[:entered]
            return True
        self.route_units[lids] = self.route_units.get(lids, 0) + qty
        sh.legs_taken = lids
        env = self.env  # call_at(env, t, self._arrive, sh), inlined: t >= now
        heappush(env._queue, (t, NORMAL, next(env._eid), self._arrive_fn, sh))
        return True

    def _plan(self, route: Route, version: int):
        """What a one-timeout journey on ``route`` needs while the disruption state is at
        ``version``: (version, leg ids, per leg (its extra days, the extra days of the node it
        enters, None for the site), when episodes start or end on the route (sorted), per leg
        that costs something (its index, freight per unit, its cost factor, freight per
        shipment)). The steps are None when a capacity limit is on the route or something on it
        (or the supplier) is closed."""
        model = self.model
        between = route.nodes[1:-1]
        legs, nodes = model.leg_state, model.node_state
        if (
            any(legs[lid].server is not None for lid in route.legs)
            or any(nodes[nid].server is not None for nid in between)
            or nodes[route.nodes[0]].closed
            or not self.open_from(route, 0)
        ):
            return version, route.legs, None, [], []
        elems = (*route.legs, *between)
        changes = sorted(t for e in elems for t in model.change_times.get(e, ()))
        spec = model.scenario.legs
        steps, cost = [], []
        for i, lid in enumerate(route.legs):
            leg = legs[lid]
            into = nodes[route.nodes[i + 1]] if i < len(between) else None
            steps.append((leg.extra_days, None if into is None else into.extra_days))
            factor = leg.cost_factor if into is None else leg.cost_factor * into.cost_factor
            per_unit, fixed = spec[lid].cost_per_unit, spec[lid].cost_per_shipment
            if per_unit * factor or fixed:
                cost.append((i, per_unit, factor, fixed))
        return version, route.legs, steps, changes, cost

    def _arrive(self, sh: Shipment) -> None:
        self.in_transit.discard(sh)
        self.model.deliver(sh)

    def _travel(self, sh: Shipment):
        model, env = self.model, self.env
        site_id = sh.order.site
        rule = model.scenario.sites[site_id].reroute_rule
        reroute = rule is not Reroute.NEVER
        weigh = rule is Reroute.WHEN_FASTER
        at = sh.order.supplier
        desk = model.desk
        expedited = sh.order.route is not None
        route = sh.route
        trace = model.trace
        sh.legs_taken = []
        i = 0
        node_state, leg_state = model.node_state, model.leg_state
        legs = model.scenario.legs
        while i < len(route.legs):
            if desk.reroute and desk.warned and not self._avoids_warned(route, i):
                # on_warning: reroute — leave the warned target before it is reached.
                alt = self.best_open(at, site_id, avoid=desk.warned)
                if alt is not None and alt.legs != route.legs[i:]:
                    route, i = alt, 0
                    self._take(sh, route)
                    sh.rerouted += 1
                    if trace is not None:
                        trace(tr.ShipmentRerouted(env.now, sh.id, at, route.legs))
            if reroute and not self.open_from(route, i):
                alt = self.best_open(at, site_id)
                if (
                    alt is not None
                    and alt.legs != route.legs[i:]
                    and (not weigh or self.detour_pays(route, i, alt))
                ):
                    route, i = alt, 0
                    self._take(sh, route)
                    sh.rerouted += 1
                    if trace is not None:
                        trace(tr.ShipmentRerouted(env.now, sh.id, at, route.legs))
            lid = route.legs[i]
            nxt = route.nodes[i + 1]
            leg = leg_state[lid]
            # Nothing leaves a closed node either (a port that closed while the shipment waited
            # there for a leg, or the supplier's dock).
            if leg.closed or node_state[at].closed or (nxt != site_id and node_state[nxt].closed):
                if sh.blocked_since is None:
                    self._blocked(sh, at)
                sh.held_at = at
                self.held[at].add(sh)
                yield from self._hold(sh)
                if sh.qty == 0:
                    self.held[at].discard(sh)
                    return self._lost(sh)
                continue
            self.held[at].discard(sh)
            sh.held_at = None
            sh.blocked_since = None
            # Enter the leg: capacity first, then transit.
            factor = leg.cost_factor * (node_state[nxt].cost_factor if nxt != site_id else 1.0)
            sh.freight += model.add_transport_cost(
                sh.qty * legs[lid].cost_per_unit * factor, lid, sh.qty, expedited
            )
            sh.legs_taken.append(lid)
            if leg.server is not None:
                yield leg.server.request(sh.qty)
            delay = sh.transits[i] + leg.extra_days
            if delay > 0:
                if reroute and (lid in self.closable_legs or nxt in self.closable_nodes):
                    turn = yield from self._sail(sh, route, i, delay, weigh)
                    if turn is not None:
                        # Back at the leg's start as if there now: the time on the leg is sunk.
                        sh.legs_taken.pop()
                        route, i = turn, 0
                        self._take(sh, route)
                        sh.rerouted += 1
                        if trace is not None:
                            trace(tr.ShipmentRerouted(env.now, sh.id, at, route.legs))
                        continue
                else:
                    yield env.timeout(delay)
            at, i = nxt, i + 1
            if at == site_id:
                break
            # Through a pass-through node: wait while it is closed, then its capacity and handling.
            node = node_state[at]
            self.held[at].add(sh)
            sh.held_at = at
            if node.closed:
                self._blocked(sh, at)
            while node.closed:
                yield from self._hold(sh)
            sh.blocked_since = None
            if sh.qty == 0:
                self.held[at].discard(sh)
                return self._lost(sh)
            if node.server is not None:
                yield node.server.request(sh.qty)
            delay = sh.handlings[i - 1] + node.extra_days
            if delay > 0:
                yield env.timeout(delay)
            if sh.qty == 0:
                self.held[at].discard(sh)
                return self._lost(sh)
        self.held[at].discard(sh)
        self.in_transit.discard(sh)
        sh.held_at = None
        model.deliver(sh)

    def _sail(self, sh: Shipment, route: Route, i: int, delay: float, weigh: bool):
        """Transit of ``delay`` days on leg ``i`` of ``route``, watching for its end node or the
        leg itself to close. Returns the route to take from the leg's start instead (the
        shipment turns back at once) or None when it arrives. With ``weigh`` (when_faster) it
        turns only when the detour beats waiting for the reopening; otherwise it sails on and
        waits at the closure."""
        model, env = self.model, self.env
        site_id = sh.order.site
        lid, start, nxt = route.legs[i], route.nodes[i], route.nodes[i + 1]
        arrive = env.timeout(delay)
        while True:
            yield arrive | model.network_changed
            if arrive.processed:
                return None
            blocked = model.leg_state[lid].closed or (
                nxt != site_id and model.node_state[nxt].closed
            )
            if not blocked:
                continue
            alt = self.best_open(start, site_id)
            if alt is not None and (not weigh or self.detour_pays(route, i, alt)):
                return alt

    def _blocked(self, sh: Shipment, at: str) -> None:
        """A shipment starts waiting at a closure at node ``at``."""
        now = self.env.now
        sh.blocked_since = now
        if self.model.trace is not None:
            self.model.trace(tr.ShipmentHeld(now, sh.id, at, sh.qty))
        site = self.model.sites[sh.order.site]
        if site.stranded_after is not None and not sh.stranded:
            self.env.process(self._strand_after(sh, now, site.stranded_after))

    def _strand_after(self, sh: Shipment, since: float, days: float):
        """After ``days`` still held at the same closure, the shipment is stranded: its site no
        longer counts it as on order (it re-orders around it); on arrival it is stock."""
        if days > 0:
            yield self.env.timeout(days)
        if sh.blocked_since == since and not sh.stranded and sh.qty > 0:
            sh.stranded = True
            self.model.sites[sh.order.site].strand(sh.qty)

    def _hold(self, sh: Shipment):
        """Wait for the next change of any disruption; count the days waited."""
        t0 = self.env.now
        yield self.model.network_changed
        sh.waited_days += self.env.now - t0

    def _lost(self, sh: Shipment) -> None:
        self.in_transit.discard(sh)

    def destroy_at(self, nid: str, fraction: float) -> int:
        """Destroy ``fraction`` of every shipment held at node ``nid``; return units destroyed."""
        total = 0
        for sh in sorted(self.held[nid], key=lambda s: s.id):  # sets: fix the order
            gone = int(sh.qty * fraction + 1e-9)
            sh.qty -= gone
            total += gone
            if gone:
                self.model.shipment_destroyed(sh, gone)
                if sh.stranded:
                    self.model.sites[sh.order.site].strand(-gone)
        return total

    def add_route_units(self, leg_units: dict[str, int]) -> None:
        """Add the units of the one-timeout journeys to ``leg_units`` (units per leg)."""
        for legs, units in self.route_units.items():
            for lid in legs:
                leg_units[lid] += units
        self.route_units.clear()

    def units_in_transit(self) -> int:
        """Units on their way: dispatched by a supplier and not yet delivered or destroyed."""
        return sum(sh.qty for sh in self.in_transit)
