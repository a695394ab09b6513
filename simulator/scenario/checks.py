"""Cross-reference checks that a field-by-field schema cannot do.

The checks read the scenario as plain data (the mapping a YAML file holds), so they also run on a
scenario whose fields are partly invalid: the loader reports the field errors *and* these
problems in one go. Every check is defensive: a value of the wrong type is skipped (the schema
reports it), and a check whose answer depends on data that is broken (for example reachability,
when a leg names an unknown node) is not run, so no message is spurious.

Every check returns :class:`~simulator.errors.Problem` objects naming the field path, what is
wrong and how to fix it; nothing here raises.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import networkx as nx

from ..errors import Problem
from ..policies.sourcing import kind_of
from .references import (
    MODES,
    References,
    listing,
    number,
    site_refs,
    supplier_ref,
    unknown,
    whole,
)
from .schema import EFFECT_ACTS_ON, RandomTiming, Scenario
from .types import NodeKind


def check_scenario(sc: Scenario) -> list[Problem]:
    """All cross-reference problems of a schema-valid scenario."""
    return check_data(sc.model_dump(mode="json", by_alias=True))


#: The most disruption episodes one random disruption may be expected to have in a replication.
MAX_EPISODES = 100_000


def too_many_episodes(sc: Scenario) -> list[Problem]:
    """A problem for every random disruption whose mean up time and duration would give more
    than :data:`MAX_EPISODES` episodes over the horizon (a replication would never finish:
    ``mttf_days: 1e-9`` with a zero duration is a billion episodes a day)."""
    out = []
    for did, d in sc.disruptions.items():
        timing = d.timing
        if not isinstance(timing, RandomTiming):
            continue
        cycle = timing.mean_up_days + timing.duration_days.mean  # days per episode, mean
        expected = sc.horizon_days / cycle if cycle > 0 else math.inf
        if expected <= MAX_EPISODES:
            continue
        field = "mttf_days" if timing.mttf_days is not None else "rate_per_year"
        least = max(sc.horizon_days / MAX_EPISODES - timing.duration_days.mean, 0.0)
        out.append(
            Problem(
                f"disruptions.{did}.timing.{field}",
                f"about {expected:.3g} episodes in the {sc.horizon_days:g}-day horizon (one every "
                f"{cycle:.3g} days): more than the {MAX_EPISODES:,} a replication can simulate",
                f"use mttf_days of at least {least:.3g} (rate_per_year at most "
                f"{365.0 / least if least > 0 else math.inf:.3g}), or a longer duration_days",
            )
        )
    return out


def check_data(data: Mapping[str, Any]) -> list[Problem]:
    """All cross-reference problems of a scenario mapping, valid or not (see module docstring)."""
    if not isinstance(data, Mapping):
        return []
    v = References(data)
    problems: list[Problem] = []
    problems += _check_window(data)
    problems += _check_legs(v)
    problems += _check_sourcing(v)
    problems += _check_disruptions(v)
    problems += _check_effects(v)
    problems += _check_reservations(v)
    problems += _check_explicit_routes(v)
    problems += _check_reachability(v)
    baseline = data.get("baseline")
    raw_sourcing = data.get("sourcing")
    if (
        isinstance(baseline, str)
        and isinstance(raw_sourcing, Mapping)
        and baseline not in raw_sourcing
    ):
        problems.append(unknown("baseline", "policy", baseline, v.sourcing))
    if v.all_kinds_known and v.node_ids:
        if not v.sites:
            problems.append(
                Problem("nodes", "the scenario has no site", "add a node with kind: site")
            )
        if not v.suppliers:
            problems.append(
                Problem("nodes", "the scenario has no supplier", "add a node with kind: supplier")
            )
    return problems


def _check_window(data: Mapping[str, Any]) -> list[Problem]:
    horizon = whole(data.get("horizon_days", 365))
    warmup = whole(data.get("warmup_days", 0))
    if horizon is None or warmup is None or horizon <= 0 or warmup < 0:
        return []  # the schema reports the field itself
    if warmup >= horizon:
        return [
            Problem(
                "warmup_days",
                f"warmup_days ({warmup}) must be less than horizon_days ({horizon})",
                f"shorten the warm-up below {horizon} days or lengthen horizon_days",
            )
        ]
    return []


def _check_legs(v: References) -> list[Problem]:
    out = []
    for lid, leg in v.legs.items():
        ends = {}
        for end in ("from", "to"):
            nid = leg.get(end)
            if not isinstance(nid, str):
                continue  # missing or not text: the schema reports it
            ends[end] = nid
            if nid not in v.node_ids and v.nodes_usable:
                out.append(unknown(f"legs.{lid}.{end}", "node", nid, v.node_ids))
        frm, to = ends.get("from"), ends.get("to")
        if frm is not None and frm == to:
            out.append(
                Problem(
                    f"legs.{lid}",
                    f"the leg starts and ends at the same node '{frm}'",
                    "point 'to' at the next node on the way to a site",
                )
            )
            continue
        if to is not None and v.kinds.get(to) == NodeKind.SUPPLIER:
            out.append(
                Problem(
                    f"legs.{lid}.to",
                    f"'{to}' is a supplier; legs lead away from suppliers",
                    "point the leg at a port, hub, border, chokepoint or site",
                )
            )
        if frm is not None and v.kinds.get(frm) == NodeKind.SITE:
            out.append(
                Problem(
                    f"legs.{lid}.from",
                    f"'{frm}' is a site; shipments end at sites",
                    "start the leg at a supplier or pass-through node",
                )
            )
    return out


def _check_sourcing(v: References) -> list[Problem]:
    out = []
    for name, pol in v.sourcing.items():
        base = f"sourcing.{name}"
        out += site_refs(v, f"{base}.inventory", pol.get("inventory"))
        kind = kind_of(pol)
        if kind is not None:
            out += kind.check(v, base, pol)
        out += _check_expedite(v, base, pol)
    return out


def _check_expedite(v: References, path: str, pol: Mapping[str, Any]) -> list[Problem]:
    """``expedite: {via: air}`` needs an air leg to fly."""
    exp = pol.get("expedite")
    if not isinstance(exp, Mapping) or exp.get("via") != "air" or not v.legs_sound():
        return []
    if any(leg.get("mode") == "air" for leg in v.legs.values()):
        return []
    return [
        Problem(
            f"{path}.expedite.via",
            "no leg has mode: air, so nothing can be expedited by air",
            "add an air leg (e.g. from a supplier's airport to the site), or use via: fastest",
        )
    ]


def _check_disruptions(v: References) -> list[Problem]:
    out = []
    node_values = [v.nodes.get(n) for n in v.node_ids]
    raw_countries = [n.get("country") for n in node_values if n is not None]
    countries_known = all(n is not None for n in node_values) and all(
        isinstance(c, str) for c in raw_countries
    )
    countries = {c for c in raw_countries if isinstance(c, str)}
    tag_lists = [n.get("tags", []) for n in node_values if n is not None]
    tags_known = countries_known and all(
        isinstance(t, list | tuple) and all(isinstance(x, str) for x in t) for t in tag_lists
    )
    tags = {x for t in tag_lists if isinstance(t, list | tuple) for x in t if isinstance(x, str)}
    raw_modes = [leg.get("mode") for leg in v.legs.values()]
    modes_known = v.legs_sound() and all(isinstance(m, str) and m in MODES for m in raw_modes)
    modes = {m for m in raw_modes if isinstance(m, str)}
    for did, d in v.disruptions.items():
        t, path = d.get("target"), f"disruptions.{did}.target"
        if not isinstance(t, Mapping):
            continue
        node, leg, country, tag, mode = (
            t.get(k) for k in ("node", "leg", "country", "tag", "mode")
        )
        if isinstance(node, str) and v.nodes_usable and node not in v.node_ids:
            out.append(unknown(f"{path}.node", "node", node, v.node_ids))
        if isinstance(leg, str) and v.legs_usable and leg not in v.leg_ids:
            out.append(unknown(f"{path}.leg", "leg", leg, v.leg_ids))
        if isinstance(country, str) and countries_known and country not in countries:
            out.append(unknown(f"{path}.country", "country", country, countries))
        if isinstance(tag, str) and tags_known and tag not in tags:
            out.append(unknown(f"{path}.tag", "tag", tag, tags))
        if isinstance(mode, str) and mode in MODES and modes_known and mode not in modes:
            out.append(
                Problem(
                    f"{path}.mode",
                    f"no leg uses mode '{mode}'",
                    f"use one of: {', '.join(sorted(modes))}" if modes else "add legs first",
                )
            )
    return out


_ACTS_ON_TEXT = {
    "closed": "suppliers, ports, hubs, borders, chokepoints and legs",
    "capacity_factor": "suppliers, nodes and legs that have a capacity_per_day",
    "extra_days": "suppliers (lead time), nodes (handling) and legs (transit)",
    "cost_factor": "suppliers (price), nodes and legs (freight)",
    "inventory_loss": "sites, suppliers and pass-through nodes (not legs)",
    "demand_factor": "sites",
}
_EFFECT_FIX = {
    "closed": "to stop deliveries to a site, close the legs into it; to cut its demand use "
    "demand_factor: 0",
    "capacity_factor": "give the element a capacity_per_day (units/day), or slow it with "
    "extra_days or stop it with closed: true",
    "extra_days": "target the legs into the site to delay deliveries",
    "cost_factor": "target the suppliers or legs whose prices or freight rise",
    "inventory_loss": "target the site or node where the stock is",
    "demand_factor": "target a site (or its country or tag)",
}


def _targeted(v: References, target: Mapping[str, Any]) -> list[tuple[str, str, bool]] | None:
    """(id, kind, has a capacity) of every element a target hits; None if unknown."""
    node, leg, country, tag, mode = (
        target.get(k) for k in ("node", "leg", "country", "tag", "mode")
    )
    given = [x for x in (node, leg, country, tag, mode) if x is not None]
    if len(given) != 1 or not v.all_kinds_known:
        return None

    def of_node(nid: str) -> tuple[str, str, bool]:
        return nid, v.kinds[nid] or "", v.nodes[nid].get("capacity_per_day") is not None

    def of_leg(lid: str) -> tuple[str, str, bool]:
        return lid, "leg", v.legs[lid].get("capacity_per_day") is not None

    if isinstance(node, str):
        return [of_node(node)] if node in v.nodes else None
    if isinstance(leg, str):
        return [of_leg(leg)] if leg in v.legs else None
    if isinstance(country, str):
        return [of_node(n) for n in sorted(v.nodes) if v.nodes[n].get("country") == country]
    if isinstance(tag, str):
        return [
            of_node(n)
            for n in sorted(v.nodes)
            if isinstance(v.nodes[n].get("tags"), list | tuple) and tag in v.nodes[n]["tags"]
        ]
    if isinstance(mode, str):
        return [of_leg(lid) for lid in sorted(v.legs) if v.legs[lid].get("mode") == mode]
    return None


def _check_effects(v: References) -> list[Problem]:
    """An effect aimed where it cannot act does nothing: say so (DESIGN: nothing silently does
    nothing). A country, tag or mode target needs one element the effect can act on."""
    out = []
    for did, d in v.disruptions.items():
        target, effect = d.get("target"), d.get("effect")
        if not isinstance(target, Mapping) or not isinstance(effect, Mapping):
            continue
        hit = _targeted(v, target)
        if not hit:
            continue
        for name, (kinds, needs_capacity) in EFFECT_ACTS_ON.items():
            value = effect.get(name)
            if value is None or value is False:
                continue
            if any(kind in kinds and (cap or not needs_capacity) for _, kind, cap in hit):
                continue
            if len(hit) == 1:
                eid, kind, _ = hit[0]
                what = f"{'leg' if kind == 'leg' else kind} '{eid}'"
                if needs_capacity and kind in kinds:
                    what += " (it has no capacity_per_day)"
            else:
                what = (
                    f"none of the {len(hit)} elements it hits ({listing([h[0] for h in hit], 5)})"
                )
            out.append(
                Problem(
                    f"disruptions.{did}.effect.{name}",
                    f"{name} cannot act on {what}: it acts on {_ACTS_ON_TEXT[name]}",
                    _EFFECT_FIX[name],
                )
            )
    return out


def _check_explicit_routes(v: References) -> list[Problem]:
    out = []
    for site_id in sorted(v.sites):
        routes = v.nodes[site_id].get("routes")
        if not isinstance(routes, Mapping):
            continue
        for sid, site_routes in routes.items():
            base = f"nodes.{site_id}.routes.{sid}"
            out += supplier_ref(v, base, sid)
            if not isinstance(site_routes, list):
                continue
            for i, route in enumerate(site_routes):
                if not isinstance(route, list) or not all(isinstance(x, str) for x in route):
                    continue
                out += _check_route(v, f"{base}.{i}", sid, site_id, route)
    return out


def _check_route(
    v: References, path: str, sid: str, site_id: str, route: list[str]
) -> list[Problem]:
    if not route:
        return [Problem(path, "the route lists no legs", f"list leg ids from '{sid}' to the site")]
    at = sid
    for j, lid in enumerate(route):
        if lid not in v.leg_ids:
            return [unknown(f"{path}.{j}", "leg", lid, v.leg_ids)] if v.legs_usable else []
        leg = v.legs.get(lid)
        frm = leg.get("from") if leg is not None else None
        if not isinstance(frm, str) or not isinstance(leg.get("to"), str):  # type: ignore[union-attr]
            return []  # the leg itself is reported
        if frm != at:
            return [
                Problem(
                    f"{path}.{j}",
                    f"leg '{lid}' starts at '{frm}', but the route is at '{at}'",
                    "list legs in order, each starting where the previous one ends",
                )
            ]
        at = leg["to"]  # type: ignore[index]
    if at != site_id:
        return [
            Problem(
                path,
                f"the route ends at '{at}', not at the site '{site_id}'",
                "end the route with a leg into the site",
            )
        ]
    return []


def _check_reachability(v: References) -> list[Problem]:
    if not (v.all_kinds_known and v.legs_sound()):
        return []  # an unknown node or a broken leg is reported; the graph is not trustworthy
    g = nx.MultiDiGraph()
    g.add_nodes_from(v.node_ids)
    for leg in v.legs.values():
        g.add_edge(leg["from"], leg["to"])
    out = []
    # (supplier, site) pairs without a route, with the policy paths that use them.
    missing: dict[tuple[str, str], list[tuple[str, str]]] = {}
    # (site, supplier) pairs whose explicit routes are missing, with the policies that use them.
    unlisted: dict[tuple[str, str], list[str]] = {}
    for site_id in sorted(v.sites):
        reach = nx.ancestors(g, site_id)
        if not reach & v.suppliers:
            out.append(
                Problem(
                    f"nodes.{site_id}",
                    f"no supplier can reach site '{site_id}'",
                    "add legs from a supplier (through ports or hubs) to this site",
                )
            )
            continue
        routes = v.nodes[site_id].get("routes")
        for name, pol in v.sourcing.items():
            for path, sid in _policy_suppliers(name, pol):
                if sid not in v.suppliers:
                    continue
                if sid not in reach:
                    missing.setdefault((sid, site_id), []).append((path, name))
                elif isinstance(routes, Mapping) and routes and sid not in routes:
                    unlisted.setdefault((site_id, sid), []).append(name)
    for (site_id, sid), names in unlisted.items():
        out.append(
            Problem(
                f"nodes.{site_id}.routes",
                f"explicit routes are listed, but none for supplier '{sid}' "
                f"(used by {_policies(names)})",
                f"add routes for '{sid}' or remove the routes list",
            )
        )
    for (sid, site_id), uses in missing.items():
        path = uses[0][0]
        used_by = _policies([name for _, name in uses])
        out.append(
            Problem(
                path,
                f"supplier '{sid}' has no route to site '{site_id}' (used by {used_by})",
                f"add legs from '{sid}' to '{site_id}', or drop it from the policy",
            )
        )
    return out


def _policies(names: list[str]) -> str:
    names = sorted(set(names))
    if len(names) == 1:
        return f"policy '{names[0]}'"
    return "policies " + ", ".join(f"'{n}'" for n in names)


def _policy_suppliers(name: str, pol: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field path, supplier id) for every supplier a policy mapping may order from."""
    kind = kind_of(pol)
    if kind is None:
        return []
    found = kind.supplier_fields(pol)
    return [(f"sourcing.{name}.{p}", s) for p, s in found if isinstance(s, str)]


def _check_reservations(v: References) -> list[Problem]:
    """Reserved capacity needs a fee that buys it and a capacity it is part of."""
    out = []
    for sid in sorted(v.suppliers):
        node = v.nodes[sid]
        reserved = number(node.get("reserved_capacity_per_day"))
        if reserved is None:
            continue
        path = f"nodes.{sid}.reserved_capacity_per_day"
        fee = number(node.get("reservation_fee_per_day"))
        capacity = number(node.get("capacity_per_day"))
        if not fee:
            out.append(
                Problem(
                    path,
                    "reserved capacity without a reservation_fee_per_day is never reserved",
                    "set reservation_fee_per_day (currency/day), or remove this line",
                )
            )
        if capacity is None:
            out.append(
                Problem(
                    path,
                    "the supplier has no capacity_per_day (unlimited), so there is nothing to "
                    "reserve",
                    "give the supplier a capacity_per_day, or remove this line",
                )
            )
        elif reserved > capacity:
            out.append(
                Problem(
                    path,
                    f"reserves {reserved:g} units/day of a capacity of {capacity:g}",
                    f"reserve at most {capacity:g} units/day",
                )
            )
    return out
