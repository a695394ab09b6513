"""Small networks whose weak points are known by construction (stress, worst case, sensitivity).

Everything is deterministic (fixed demand, fixed lead times), so every replication is the same
and the figures can be worked out by hand from the model's rules (DESIGN §3).
"""

from __future__ import annotations

DEMAND = 100  # units/day
S = 1000  # order-up-to level (units)
PRODUCTION = 2  # days
TRANSIT = 3  # days
SHARES = {"a": 0.6, "b": 0.3, "c": 0.1}


def _supplier(country: str) -> dict:
    return {
        "kind": "supplier",
        "country": country,
        "lead_time_days": PRODUCTION,
        "unit_price": 10,
        "capacity_per_day": 1000,
    }


def _site() -> dict:
    return {
        "kind": "site",
        "country": "DE",
        "demand": {"kind": "daily", "quantity": DEMAND},
        "inventory": {"kind": "base_stock", "order_up_to": S},
    }


#: The 4-node hand case: three suppliers, each on its own road leg to one site; a static split
#: 60/30/10 and single sourcing from a.
HAND4 = {
    "name": "hand4",
    "seed": 3,
    "horizon_days": 200,
    "warmup_days": 30,
    "replications": 2,
    "product": {"unit_value": 10},
    "nodes": {"a": _supplier("AA"), "b": _supplier("BB"), "c": _supplier("CC"), "site": _site()},
    "legs": {
        f"{s}_site": {"from": s, "to": "site", "mode": "road", "transit_days": TRANSIT}
        for s in "abc"
    },
    "sourcing": {
        "split": {"kind": "split", "shares": dict(SHARES)},
        "single_a": {"kind": "single", "supplier": "a"},
    },
}

#: Two suppliers sharing one hub on the way to the site (split 50/50): the hub carries all the
#: flow, so its failure is the worst single failure, and longer is worse.
HUB = {
    "name": "hub",
    "seed": 5,
    "horizon_days": 160,
    "warmup_days": 20,
    "replications": 2,
    "product": {"unit_value": 10},
    "nodes": {
        "a": _supplier("AA"),
        "b": _supplier("BB"),
        "hub": {"kind": "port", "country": "HH"},
        "site": _site(),
    },
    "legs": {
        "a_hub": {"from": "a", "to": "hub", "mode": "road", "transit_days": 1},
        "b_hub": {"from": "b", "to": "hub", "mode": "road", "transit_days": 1},
        "hub_site": {"from": "hub", "to": "site", "mode": "road", "transit_days": 2},
    },
    "sourcing": {"split": {"kind": "split", "shares": {"a": 0.5, "b": 0.5}}},
}
