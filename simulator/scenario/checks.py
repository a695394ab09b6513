"""Cross-reference checks that a field-by-field schema cannot do.

Every check returns :class:`~simulator.errors.Problem` objects naming the field path, what is
wrong and how to fix it; nothing here raises.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import networkx as nx

from ..errors import Problem
from .schema import (
    AdaptiveSplit,
    NodeKind,
    PrimaryBackup,
    Scenario,
    Single,
    Split,
)

SHARE_TOLERANCE = 1e-6


def did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


def _unknown(path: str, what: str, name: str, known: Iterable[str]) -> Problem:
    known = sorted(known)
    listing = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
    return Problem(
        path,
        f"unknown {what} '{name}'{did_you_mean(name, known)}",
        f"use one of: {listing}" if known else f"define the {what} first",
    )


def check_scenario(sc: Scenario) -> list[Problem]:
    """All cross-reference problems of a schema-valid scenario."""
    problems: list[Problem] = []
    problems += _check_legs(sc)
    problems += _check_sourcing(sc)
    problems += _check_disruptions(sc)
    problems += _check_explicit_routes(sc)
    if not problems:
        problems += _check_reachability(sc)
    if sc.baseline is not None and sc.baseline not in sc.sourcing:
        problems.append(_unknown("baseline", "policy", sc.baseline, sc.sourcing))
    if not sc.sites:
        problems.append(Problem("nodes", "the scenario has no site", "add a node with kind: site"))
    if not sc.suppliers:
        problems.append(
            Problem("nodes", "the scenario has no supplier", "add a node with kind: supplier")
        )
    return problems


def _check_legs(sc: Scenario) -> list[Problem]:
    out = []
    for lid, leg in sc.legs.items():
        for end, nid in (("from", leg.from_node), ("to", leg.to_node)):
            if nid not in sc.nodes:
                out.append(_unknown(f"legs.{lid}.{end}", "node", nid, sc.nodes))
        if leg.from_node == leg.to_node:
            out.append(Problem(f"legs.{lid}", "a leg cannot start and end at the same node"))
        if leg.to_node in sc.nodes and sc.nodes[leg.to_node].kind == NodeKind.SUPPLIER:
            out.append(
                Problem(
                    f"legs.{lid}.to",
                    f"'{leg.to_node}' is a supplier; legs lead away from suppliers",
                    "point the leg at a port, hub, border, chokepoint or site",
                )
            )
        if leg.from_node in sc.nodes and sc.nodes[leg.from_node].kind == NodeKind.SITE:
            out.append(
                Problem(
                    f"legs.{lid}.from",
                    f"'{leg.from_node}' is a site; shipments end at sites",
                    "start the leg at a supplier or pass-through node",
                )
            )
    return out


def _supplier_ref(sc: Scenario, path: str, sid: str) -> list[Problem]:
    if sid not in sc.nodes:
        return [_unknown(path, "supplier", sid, sc.suppliers)]
    kind = sc.nodes[sid].kind
    if kind != NodeKind.SUPPLIER:
        return [
            Problem(
                path,
                f"'{sid}' is a {kind}, not a supplier",
                "name a node with kind: supplier"
                + (f" (e.g. {', '.join(sorted(sc.suppliers)[:4])})" if sc.suppliers else ""),
            )
        ]
    return []


def _check_shares(sc: Scenario, path: str, shares: dict[str, float]) -> list[Problem]:
    out = []
    for sid in shares:
        out += _supplier_ref(sc, f"{path}.{sid}", sid)
    total = sum(shares.values())
    if not shares:
        out.append(Problem(path, "no supplier is given a share", "list suppliers with shares"))
    elif abs(total - 1.0) > SHARE_TOLERANCE:
        out.append(
            Problem(path, f"shares sum to {total:.6g}, must be 1", "adjust the shares to sum to 1")
        )
    return out


def _check_sourcing(sc: Scenario) -> list[Problem]:
    out = []
    for name, pol in sc.sourcing.items():
        base = f"sourcing.{name}"
        if isinstance(pol, Single):
            out += _supplier_ref(sc, f"{base}.supplier", pol.supplier)
        elif isinstance(pol, Split | AdaptiveSplit):
            out += _check_shares(sc, f"{base}.shares", pol.shares)
        elif isinstance(pol, PrimaryBackup):
            out += _supplier_ref(sc, f"{base}.primary", pol.primary)
            for i, b in enumerate(pol.backups):
                out += _supplier_ref(sc, f"{base}.backups.{i}", b)
                if b == pol.primary:
                    out.append(
                        Problem(
                            f"{base}.backups.{i}",
                            f"'{b}' is the primary and cannot also be its backup",
                            "name a different supplier",
                        )
                    )
            if len(set(pol.backups)) != len(pol.backups):
                out.append(Problem(f"{base}.backups", "a backup is listed twice", "list each once"))
    return out


def _check_disruptions(sc: Scenario) -> list[Problem]:
    out = []
    countries = {n.country for n in sc.nodes.values()}
    tags = {t for n in sc.nodes.values() for t in n.tags}
    modes = {leg.mode for leg in sc.legs.values()}
    for did, d in sc.disruptions.items():
        t, path = d.target, f"disruptions.{did}.target"
        if t.node is not None and t.node not in sc.nodes:
            out.append(_unknown(f"{path}.node", "node", t.node, sc.nodes))
        if t.leg is not None and t.leg not in sc.legs:
            out.append(_unknown(f"{path}.leg", "leg", t.leg, sc.legs))
        if t.country is not None and t.country not in countries:
            out.append(_unknown(f"{path}.country", "country", t.country, countries))
        if t.tag is not None and t.tag not in tags:
            out.append(_unknown(f"{path}.tag", "tag", t.tag, tags))
        if t.mode is not None and t.mode not in modes:
            out.append(
                Problem(
                    f"{path}.mode",
                    f"no leg uses mode '{t.mode}'",
                    f"use one of: {', '.join(sorted(modes))}" if modes else "add legs first",
                )
            )
        eff = d.effect
        if (eff.demand_factor is not None or eff.inventory_loss is not None) and (
            t.leg is not None or t.mode is not None
        ):
            out.append(
                Problem(
                    f"disruptions.{did}.effect",
                    "demand_factor and inventory_loss act on nodes, but this targets legs",
                    "target a site (or its country/tag) instead",
                )
            )
    return out


def _check_explicit_routes(sc: Scenario) -> list[Problem]:
    out = []
    for site_id, site in sc.sites.items():
        if not site.routes:
            continue
        for sid, routes in site.routes.items():
            base = f"nodes.{site_id}.routes.{sid}"
            out += _supplier_ref(sc, base, sid)
            for i, route in enumerate(routes):
                at = sid
                for j, lid in enumerate(route):
                    if lid not in sc.legs:
                        out.append(_unknown(f"{base}.{i}.{j}", "leg", lid, sc.legs))
                        break
                    leg = sc.legs[lid]
                    if leg.from_node != at:
                        out.append(
                            Problem(
                                f"{base}.{i}.{j}",
                                f"leg '{lid}' starts at '{leg.from_node}', but the route is at "
                                f"'{at}'",
                                "list legs in order, each starting where the previous one ends",
                            )
                        )
                        break
                    at = leg.to_node
                else:
                    if at != site_id:
                        out.append(
                            Problem(
                                f"{base}.{i}",
                                f"the route ends at '{at}', not at the site '{site_id}'",
                                "end the route with a leg into the site",
                            )
                        )
    return out


def _check_reachability(sc: Scenario) -> list[Problem]:
    g = nx.MultiDiGraph()
    g.add_nodes_from(sc.nodes)
    for leg in sc.legs.values():
        g.add_edge(leg.from_node, leg.to_node)
    out = []
    suppliers = set(sc.suppliers)
    for site_id, site in sc.sites.items():
        reach = nx.ancestors(g, site_id)
        if not reach & suppliers:
            out.append(
                Problem(
                    f"nodes.{site_id}",
                    f"no supplier can reach site '{site_id}'",
                    "add legs from a supplier (through ports or hubs) to this site",
                )
            )
            continue
        for name, pol in sc.sourcing.items():
            for path, sid in _policy_suppliers(name, pol):
                if sid in suppliers and sid not in reach:
                    out.append(
                        Problem(
                            path,
                            f"supplier '{sid}' has no route to site '{site_id}'",
                            f"add legs from '{sid}' to '{site_id}', or drop it from this policy",
                        )
                    )
                elif (
                    site.routes is not None
                    and sid in suppliers
                    and sid not in site.routes
                    and site.routes
                ):
                    out.append(
                        Problem(
                            f"nodes.{site_id}.routes",
                            f"explicit routes are listed, but none for supplier '{sid}' "
                            f"(used by policy '{name}')",
                            f"add routes for '{sid}' or remove the routes list",
                        )
                    )
    return out


def _policy_suppliers(name: str, pol) -> list[tuple[str, str]]:
    base = f"sourcing.{name}"
    if isinstance(pol, Single):
        return [(f"{base}.supplier", pol.supplier)]
    if isinstance(pol, Split | AdaptiveSplit):
        return [(f"{base}.shares.{s}", s) for s, share in pol.shares.items() if share > 0]
    if isinstance(pol, PrimaryBackup):
        return [(f"{base}.primary", pol.primary)] + [
            (f"{base}.backups.{i}", b) for i, b in enumerate(pol.backups)
        ]
    return []  # pragma: no cover


def policy_suppliers(pol) -> list[str]:
    """Supplier ids a sourcing policy may order from, in a stable order."""
    return [sid for _, sid in _policy_suppliers("", pol)]
