"""Warnings about a valid scenario: things that run but that a user probably wants to fix
(``diversim validate`` prints them and still exits 0)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem

if TYPE_CHECKING:
    from .schema import Scenario


def advice(sc: Scenario) -> list[Problem]:
    """One :class:`Problem` per warning, with its field path and the fix."""
    out = []
    for nid, n in sc.nodes.items():
        if n.lat is None or n.lon is None:
            given = "lat" if n.lat is not None else "lon" if n.lon is not None else None
            what = f"has {given} but not both" if given else "has no coordinates"
            out.append(
                Problem(
                    f"nodes.{nid}",
                    f"{what}: the route map places it between its neighbours (drawn hollow, "
                    "marked 'position inferred')",
                    "add lat (-90 to 90) and lon (-180 to 180) in degrees",
                )
            )
    return out
