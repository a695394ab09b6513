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

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
from pydantic import BaseModel

from ..errors import Problem
from .schema import Mode, NodeKind, Scenario

SHARE_TOLERANCE = 1e-6

_NODE_KINDS = {k.value for k in NodeKind}
_MODES = {m.value for m in Mode}


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` — did you mean 'x'?`` for the closest known name, or an empty string."""
    known = [k for k in known if isinstance(k, str)]
    by_case = [k for k in known if k.lower() == name.lower()]
    close = by_case or difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


def _listing(known: Iterable[str], limit: int = 12) -> str:
    names = sorted(known)
    return ", ".join(names[:limit]) + (" …" if len(names) > limit else "")


def _unknown(path: str, what: str, name: str, known: Iterable[str]) -> Problem:
    known = sorted(k for k in known if isinstance(k, str))
    return Problem(
        path,
        f"unknown {what} '{name}'{did_you_mean(name, known)}",
        f"use one of: {_listing(known)}" if known else f"define the {what} first",
    )


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x)


def _whole(x: Any) -> int | None:
    v = _number(x)
    return int(v) if v is not None and v.is_integer() else None


class _View:
    """Safe access to the parts of a (possibly invalid) scenario mapping that the checks need."""

    def __init__(self, data: Mapping[str, Any]):
        self.data = data
        self.nodes = self._section("nodes")
        self.legs = self._section("legs")
        self.sourcing = self._section("sourcing")
        self.disruptions = self._section("disruptions")
        raw_nodes = data.get("nodes")
        self.node_ids: set[str] = (
            {k for k in raw_nodes if isinstance(k, str)}
            if isinstance(raw_nodes, Mapping)
            else set()
        )
        self.kinds: dict[str, str | None] = {}
        for nid in self.node_ids:
            kind = self.nodes.get(nid, {}).get("kind")
            self.kinds[nid] = kind if isinstance(kind, str) and kind in _NODE_KINDS else None
        # References to nodes (legs, policies, targets) are only checked against a usable list.
        self.nodes_usable = isinstance(raw_nodes, Mapping) and len(raw_nodes) > 0
        raw_legs = data.get("legs")
        self.leg_ids: set[str] = set(raw_legs) if isinstance(raw_legs, Mapping) else set()
        self.legs_usable = raw_legs is None or isinstance(raw_legs, Mapping)
        self.all_kinds_known = (
            isinstance(raw_nodes, Mapping)
            and len(self.node_ids) == len(raw_nodes)
            and all(k is not None for k in self.kinds.values())
        )
        self.suppliers = {n for n, k in self.kinds.items() if k == NodeKind.SUPPLIER}
        self.sites = {n for n, k in self.kinds.items() if k == NodeKind.SITE}

    def _section(self, key: str) -> dict[str, dict[str, Any]]:
        raw = self.data.get(key)
        if not isinstance(raw, Mapping):
            return {}
        return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, Mapping)}

    def legs_sound(self) -> bool:
        """Every leg is a mapping whose ends name existing nodes (the graph is trustworthy)."""
        raw = self.data.get("legs", {})
        if raw is None:
            return True
        if not isinstance(raw, Mapping) or len(self.legs) != len(raw):
            return False
        for leg in self.legs.values():
            frm, to = leg.get("from"), leg.get("to")
            if not (isinstance(frm, str) and frm in self.node_ids):
                return False
            if not (isinstance(to, str) and to in self.node_ids) or frm == to:
                return False
            if self.kinds.get(frm) == NodeKind.SITE or self.kinds.get(to) == NodeKind.SUPPLIER:
                return False  # reported on the leg; reachability would repeat it
        return True


def check_scenario(sc: Scenario) -> list[Problem]:
    """All cross-reference problems of a schema-valid scenario."""
    return check_data(sc.model_dump(mode="json", by_alias=True))


def check_data(data: Mapping[str, Any]) -> list[Problem]:
    """All cross-reference problems of a scenario mapping, valid or not (see module docstring)."""
    if not isinstance(data, Mapping):
        return []
    v = _View(data)
    problems: list[Problem] = []
    problems += _check_window(data)
    problems += _check_legs(v)
    problems += _check_sourcing(v)
    problems += _check_disruptions(v)
    problems += _check_explicit_routes(v)
    problems += _check_reachability(v)
    baseline = data.get("baseline")
    raw_sourcing = data.get("sourcing")
    if (
        isinstance(baseline, str)
        and isinstance(raw_sourcing, Mapping)
        and baseline not in raw_sourcing
    ):
        problems.append(_unknown("baseline", "policy", baseline, v.sourcing))
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
    horizon = _whole(data.get("horizon_days", 365))
    warmup = _whole(data.get("warmup_days", 0))
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


def _check_legs(v: _View) -> list[Problem]:
    out = []
    for lid, leg in v.legs.items():
        ends = {}
        for end in ("from", "to"):
            nid = leg.get(end)
            if not isinstance(nid, str):
                continue  # missing or not text: the schema reports it
            ends[end] = nid
            if nid not in v.node_ids and v.nodes_usable:
                out.append(_unknown(f"legs.{lid}.{end}", "node", nid, v.node_ids))
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


def _supplier_ref(v: _View, path: str, sid: Any) -> list[Problem]:
    if not isinstance(sid, str):
        return []  # the schema reports it
    if sid not in v.node_ids:
        if not v.nodes_usable:
            return []  # the nodes section itself is reported
        known = v.suppliers if v.all_kinds_known else v.node_ids
        return [_unknown(path, "supplier", sid, known)]
    kind = v.kinds.get(sid)
    if kind is None or kind == NodeKind.SUPPLIER:
        return []  # an invalid kind is reported on the node itself
    example = f" (e.g. {', '.join(sorted(v.suppliers)[:4])})" if v.suppliers else ""
    return [
        Problem(
            path,
            f"'{sid}' is a {kind}, not a supplier{did_you_mean(sid, v.suppliers)}",
            f"name a node with kind: supplier{example}",
        )
    ]


def _check_shares(v: _View, path: str, shares: Any) -> list[Problem]:
    if not isinstance(shares, Mapping):
        return []  # the schema reports it
    out = []
    for sid in shares:
        out += _supplier_ref(v, f"{path}.{sid}", sid)
    values = [_number(x) for x in shares.values()]
    if not shares:
        out.append(
            Problem(path, "no supplier is given a share", "list suppliers with shares, e.g. a: 1")
        )
    elif all(x is not None and 0 <= x <= 1 for x in values):
        total = sum(values)  # type: ignore[arg-type]
        if total <= 0:
            out.append(
                Problem(path, "shares sum to 0, must be 1", "give at least one supplier a share")
            )
        elif abs(total - 1.0) > SHARE_TOLERANCE:
            fix = "adjust the shares to sum to 1"
            if len(shares) <= 5:
                scaled = ", ".join(
                    f"{k}: {x / total:.4g}" for k, x in zip(shares, values, strict=False)
                )  # type: ignore[operator]
                fix += f", e.g. scaled: {{{scaled}}}"
            out.append(Problem(path, f"shares sum to {total:.6g}, must be 1", fix))
    return out


def _site_refs(v: _View, path: str, per_site: Any) -> list[Problem]:
    """Keys of a per-site mapping (a policy's inventory overrides) must name sites."""
    if not isinstance(per_site, Mapping) or not v.nodes_usable:
        return []
    out = []
    for sid in per_site:
        if not isinstance(sid, str):
            continue
        if sid not in v.node_ids:
            out.append(_unknown(f"{path}.{sid}", "site", sid, v.sites))
        elif v.kinds.get(sid) not in (None, NodeKind.SITE):
            out.append(
                Problem(
                    f"{path}.{sid}",
                    f"'{sid}' is a {v.kinds[sid]}, not a site",
                    f"name a node with kind: site ({', '.join(sorted(v.sites)[:4])})",
                )
            )
    return out


def _check_sourcing(v: _View) -> list[Problem]:
    out = []
    for name, pol in v.sourcing.items():
        base = f"sourcing.{name}"
        kind = pol.get("kind")
        out += _site_refs(v, f"{base}.inventory", pol.get("inventory"))
        if kind == "single":
            out += _supplier_ref(v, f"{base}.supplier", pol.get("supplier"))
        elif kind in ("split", "adaptive_split"):
            out += _check_shares(v, f"{base}.shares", pol.get("shares"))
        elif kind == "primary_backup":
            primary = pol.get("primary")
            out += _supplier_ref(v, f"{base}.primary", primary)
            backups = pol.get("backups")
            if not isinstance(backups, list):
                continue
            seen: set[str] = set()
            for i, b in enumerate(backups):
                out += _supplier_ref(v, f"{base}.backups.{i}", b)
                if isinstance(b, str) and b == primary:
                    out.append(
                        Problem(
                            f"{base}.backups.{i}",
                            f"'{b}' is the primary and cannot also be its backup",
                            "name a different supplier",
                        )
                    )
                elif isinstance(b, str) and b in seen:
                    out.append(
                        Problem(
                            f"{base}.backups.{i}",
                            f"backup '{b}' is listed twice",
                            "list each backup once",
                        )
                    )
                if isinstance(b, str):
                    seen.add(b)
    return out


def _check_disruptions(v: _View) -> list[Problem]:
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
    modes_known = v.legs_sound() and all(isinstance(m, str) and m in _MODES for m in raw_modes)
    modes = {m for m in raw_modes if isinstance(m, str)}
    for did, d in v.disruptions.items():
        t, path = d.get("target"), f"disruptions.{did}.target"
        if not isinstance(t, Mapping):
            continue
        node, leg, country, tag, mode = (
            t.get(k) for k in ("node", "leg", "country", "tag", "mode")
        )
        if isinstance(node, str) and v.nodes_usable and node not in v.node_ids:
            out.append(_unknown(f"{path}.node", "node", node, v.node_ids))
        if isinstance(leg, str) and v.legs_usable and leg not in v.leg_ids:
            out.append(_unknown(f"{path}.leg", "leg", leg, v.leg_ids))
        if isinstance(country, str) and countries_known and country not in countries:
            out.append(_unknown(f"{path}.country", "country", country, countries))
        if isinstance(tag, str) and tags_known and tag not in tags:
            out.append(_unknown(f"{path}.tag", "tag", tag, tags))
        if isinstance(mode, str) and mode in _MODES and modes_known and mode not in modes:
            out.append(
                Problem(
                    f"{path}.mode",
                    f"no leg uses mode '{mode}'",
                    f"use one of: {', '.join(sorted(modes))}" if modes else "add legs first",
                )
            )
        eff = d.get("effect")
        if (
            isinstance(eff, Mapping)
            and (eff.get("demand_factor") is not None or eff.get("inventory_loss") is not None)
            and (leg is not None or mode is not None)
        ):
            out.append(
                Problem(
                    f"disruptions.{did}.effect",
                    "demand_factor and inventory_loss act on nodes, but this targets legs",
                    "target a site (or its country/tag) instead",
                )
            )
    return out


def _check_explicit_routes(v: _View) -> list[Problem]:
    out = []
    for site_id in sorted(v.sites):
        routes = v.nodes[site_id].get("routes")
        if not isinstance(routes, Mapping):
            continue
        for sid, site_routes in routes.items():
            base = f"nodes.{site_id}.routes.{sid}"
            out += _supplier_ref(v, base, sid)
            if not isinstance(site_routes, list):
                continue
            for i, route in enumerate(site_routes):
                if not isinstance(route, list) or not all(isinstance(x, str) for x in route):
                    continue
                out += _check_route(v, f"{base}.{i}", sid, site_id, route)
    return out


def _check_route(v: _View, path: str, sid: str, site_id: str, route: list[str]) -> list[Problem]:
    if not route:
        return [Problem(path, "the route lists no legs", f"list leg ids from '{sid}' to the site")]
    at = sid
    for j, lid in enumerate(route):
        if lid not in v.leg_ids:
            return [_unknown(f"{path}.{j}", "leg", lid, v.leg_ids)] if v.legs_usable else []
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


def _check_reachability(v: _View) -> list[Problem]:
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
    base = f"sourcing.{name}"
    kind = pol.get("kind")
    out: list[tuple[str, Any]] = []
    if kind == "single":
        out = [(f"{base}.supplier", pol.get("supplier"))]
    elif kind in ("split", "adaptive_split"):
        shares = pol.get("shares")
        if isinstance(shares, Mapping):
            out = [
                (f"{base}.shares.{s}", s)
                for s, share in shares.items()
                if _number(share) is None or share > 0
            ]
    elif kind == "primary_backup":
        out = [(f"{base}.primary", pol.get("primary"))]
        backups = pol.get("backups")
        if isinstance(backups, list):
            out += [(f"{base}.backups.{i}", b) for i, b in enumerate(backups)]
    return [(p, s) for p, s in out if isinstance(s, str)]


def policy_suppliers(pol: BaseModel | Mapping[str, Any]) -> list[str]:
    """Supplier ids a sourcing policy may order from, in a stable order."""
    data = pol.model_dump(mode="json") if isinstance(pol, BaseModel) else pol
    return [sid for _, sid in _policy_suppliers("", data)]
