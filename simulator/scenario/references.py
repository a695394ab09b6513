"""Safe reading of a (possibly invalid) scenario mapping, and the reference checks every section
shares: unknown ids with did-you-mean, supplier and site references, shares that sum to 1.

The cross-reference checks (:mod:`.checks`) and each sourcing-policy kind's own checks
(:mod:`simulator.policies.sourcing`) read the scenario through :class:`References`. Nothing here
raises: every problem is returned as a :class:`~simulator.errors.Problem`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import Problem, shorten
from .types import Mode, NodeKind

SHARE_TOLERANCE = 1e-6

SECTIONS = ("nodes", "legs", "sourcing", "disruptions")
"""The sections of a scenario that map ids to entries."""

NODE_KINDS = {k.value for k in NodeKind}
MODES = {m.value for m in Mode}


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` — did you mean 'x'?`` for the closest known name, or an empty string."""
    known = [k for k in known if isinstance(k, str)]
    by_case = [k for k in known if k.lower() == name.lower()]
    close = by_case or difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" — did you mean '{shorten(close[0])}'?" if close else ""


def listing(known: Iterable[str], limit: int = 12) -> str:
    names = sorted(known)
    return ", ".join(names[:limit]) + (" …" if len(names) > limit else "")


def unknown(path: str, what: str, name: str, known: Iterable[str]) -> Problem:
    known = sorted(k for k in known if isinstance(k, str))
    return Problem(
        path,
        f"unknown {what} '{shorten(name)}'{did_you_mean(str(name), known)}",
        f"use one of: {listing(known)}" if known else f"define the {what} first",
    )


def number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x)


def whole(x: Any) -> int | None:
    v = number(x)
    return int(v) if v is not None and v.is_integer() else None


class References:
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
            self.kinds[nid] = kind if isinstance(kind, str) and kind in NODE_KINDS else None
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


def supplier_ref(v: References, path: str, sid: Any) -> list[Problem]:
    if not isinstance(sid, str):
        return []  # the schema reports it
    if sid not in v.node_ids:
        if not v.nodes_usable:
            return []  # the nodes section itself is reported
        known = v.suppliers if v.all_kinds_known else v.node_ids
        return [unknown(path, "supplier", sid, known)]
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


def check_shares(v: References, path: str, shares: Any) -> list[Problem]:
    if not isinstance(shares, Mapping):
        return []  # the schema reports it
    out = []
    for sid in shares:
        out += supplier_ref(v, f"{path}.{sid}", sid)
    values = [number(x) for x in shares.values()]
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


def site_refs(v: References, path: str, per_site: Any) -> list[Problem]:
    """Keys of a per-site mapping (a policy's inventory overrides) must name sites."""
    if not isinstance(per_site, Mapping) or not v.nodes_usable:
        return []
    out = []
    for sid in per_site:
        if not isinstance(sid, str):
            continue
        if sid not in v.node_ids:
            out.append(unknown(f"{path}.{sid}", "site", sid, v.sites))
        elif v.kinds.get(sid) not in (None, NodeKind.SITE):
            out.append(
                Problem(
                    f"{path}.{sid}",
                    f"'{sid}' is a {v.kinds[sid]}, not a site",
                    f"name a node with kind: site ({', '.join(sorted(v.sites)[:4])})",
                )
            )
    return out
