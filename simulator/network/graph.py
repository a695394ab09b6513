"""Leg graph (networkx) and candidate routes from any node to a site.

Candidate routes are computed once per (origin, site) and cached; a shipment then takes the first
*available* one in the site's ranking (fastest: mean transit + handling days; cheapest: freight per
unit, then time). Routes are tuples of leg ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

import networkx as nx

from ..scenario.schema import Scenario
from ..scenario.types import PASS_THROUGH_KINDS, Routing


@dataclass(frozen=True)
class Route:
    """A path of legs from an origin node to a site."""

    legs: tuple[str, ...]
    nodes: tuple[str, ...]  # origin, then the node each leg ends at
    mean_days: float
    cost_per_unit: float


class Network:
    """Static view of the scenario's graph, shared by every replication."""

    def __init__(self, sc: Scenario):
        self.scenario = sc
        self.graph = nx.DiGraph()
        for nid in sc.nodes:
            self.graph.add_node(("n", nid))
        for lid, leg in sc.legs.items():
            self.graph.add_edge(("n", leg.from_node), ("l", lid))
            self.graph.add_edge(("l", lid), ("n", leg.to_node))
        self._cache: dict[tuple[str, str, Routing], tuple[Route, ...]] = {}
        self._reach: dict[tuple[tuple[str, ...], str], frozenset[str]] = {}
        self.chokepoints = sc.chokepoints

    def _node_days(self, nid: str) -> float:
        node = self.scenario.nodes[nid]
        return node.handling_days.mean if node.kind in PASS_THROUGH_KINDS else 0.0

    def make_route(self, legs: tuple[str, ...]) -> Route:
        sc = self.scenario
        first = sc.legs[legs[0]]
        nodes = [first.from_node]
        days = cost = 0.0
        for lid in legs:
            leg = sc.legs[lid]
            nodes.append(leg.to_node)
            days += leg.transit_days.mean + self._node_days(leg.to_node)
            cost += leg.cost_per_unit
        return Route(tuple(legs), tuple(nodes), days, cost)

    def routes(self, origin: str, site: str, rule: Routing | None = None) -> tuple[Route, ...]:
        """Candidate routes from ``origin`` to ``site``, best first by the site's routing rule
        (or by ``rule``: expediting ranks by speed whatever the site's rule)."""
        rule = self.scenario.sites[site].routing if rule is None else rule
        key = (origin, site, rule)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._compute(origin, site, rule)
        return found

    def reach(self, suppliers: tuple[str, ...], site: str) -> frozenset[str]:
        """The site, the ``suppliers`` and every node and leg of a candidate route from one of
        them to ``site``: the elements whose disruption can affect it."""
        key = (suppliers, site)
        found = self._reach.get(key)
        if found is None:
            elems = {site, *suppliers}
            for s in suppliers:
                for r in self.routes(s, site):
                    elems.update(r.legs)
                    elems.update(r.nodes)
            found = self._reach[key] = frozenset(elems)
        return found

    def _compute(self, origin: str, site: str, rule: Routing) -> tuple[Route, ...]:
        sc = self.scenario
        site_spec = sc.sites[site]
        explicit = site_spec.routes
        if explicit is not None and origin in sc.suppliers and origin in explicit:
            found = [self.make_route(tuple(r)) for r in explicit[origin]]
        elif explicit is not None and origin not in sc.suppliers:
            # Re-routing from mid-route: only suffixes of the listed routes are candidates.
            found = []
            seen = set()
            for routes in explicit.values():
                for r in routes:
                    for i, lid in enumerate(r):
                        if sc.legs[lid].from_node == origin and tuple(r[i:]) not in seen:
                            seen.add(tuple(r[i:]))
                            found.append(self.make_route(tuple(r[i:])))
        else:
            found = self._k_best(origin, site, rule)
        if rule == Routing.CHEAPEST:
            found.sort(key=lambda r: (r.cost_per_unit, r.mean_days, r.legs))
        else:
            found.sort(key=lambda r: (r.mean_days, r.cost_per_unit, r.legs))
        return tuple(found)

    def _weight(self, rule: Routing):
        """Edge weight of the leg graph by the routing rule (days, or freight per unit)."""
        sc = self.scenario

        def weight(u, v, _d) -> float:
            if u[0] == "n":  # node -> leg: the leg's weight
                leg = sc.legs[v[1]]
                if rule == Routing.CHEAPEST:
                    return leg.cost_per_unit + 1e-9 * leg.transit_days.mean
                return leg.transit_days.mean + 1e-12
            # leg -> node: handling at the node reached
            return 0.0 if rule == Routing.CHEAPEST else self._node_days(v[1])

        return weight

    def live_route(
        self,
        origin: str,
        site: str,
        leg_open: Callable[[str], bool],
        node_open: Callable[[str], bool],
    ) -> Route | None:
        """The best path from ``origin`` to ``site`` on the graph as it is now (legs and
        pass-through nodes for which ``leg_open`` / ``node_open`` say no are left out), for when
        every candidate route is blocked: a detour beyond the ``max_routes`` candidates."""
        sc = self.scenario
        base = self._weight(sc.sites[site].routing)
        src, dst = ("n", origin), ("n", site)

        def weight(u, v, d):
            if v[0] == "l" and not leg_open(v[1]):
                return None  # networkx: a None weight hides the edge
            if (
                v[0] == "n"
                and v != dst
                and (sc.nodes[v[1]].kind not in PASS_THROUGH_KINDS or not node_open(v[1]))
            ):
                return None
            return base(u, v, d)

        try:
            path = nx.shortest_path(self.graph, src, dst, weight=weight)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None
        legs = tuple(x[1] for x in path if x[0] == "l")
        return self.make_route(legs) if legs else None

    def _k_best(self, origin: str, site: str, rule: Routing) -> list[Route]:
        sc = self.scenario
        src, dst = ("n", origin), ("n", site)
        if not nx.has_path(self.graph, src, dst):
            return []
        weight = self._weight(rule)
        paths = nx.shortest_simple_paths(self.graph, src, dst, weight=weight)
        out = []
        for p in islice(paths, sc.max_routes):
            # Keep paths that pass only through pass-through nodes (not other sites/suppliers).
            inner = [x[1] for x in p[1:-1] if x[0] == "n"]
            if any(sc.nodes[n].kind not in PASS_THROUGH_KINDS for n in inner):
                continue
            out.append(self.make_route(tuple(x[1] for x in p if x[0] == "l")))
        return out
