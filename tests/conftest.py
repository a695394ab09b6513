"""Shared fixtures: small scenarios built in code, and one small run written once per session
with plots and report.

The run's names are hostile on purpose: the scenario is called ``<script>alert(1)</script>``, one
policy has HTML and a pair of ``$`` in its name (mathtext in matplotlib if not escaped), and one
node has no coordinates (the route map must skip it with a note).
"""

from __future__ import annotations

import copy
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest


def warned_plant_data(
    on_warning: dict | None = {"extra_cover_days": 20},  # noqa: B006 (copied below)
    warned: bool = True,
) -> dict:
    """The hand case of the warning tests, as a scenario mapping: supplier S (lead 0) 5 days by
    sea from site D; daily demand 10, base stock 100, backorders; S closed on [50, 70), with a
    sure warning 10 days ahead when ``warned``. Policy ``p`` reacts with ``on_warning`` (None: it
    does not react), ``plain`` never reacts. Ignoring warnings,
    the last shipment before the closure (day 49) lands on day 54, the stock lasts to day 58,
    and the orders held at S leave on day 70 and land on day 75: days 59–74 are short,
    16 × 10 = 160 units."""
    cut = {
        "target": {"node": "S"},
        "timing": {"kind": "scheduled", "start_day": 50, "duration_days": 20},
        "effect": {"closed": True},
    }
    if warned:
        cut["warning"] = {"probability": 1, "lead_days": 10}
    policy = {"kind": "single", "supplier": "S"}
    if on_warning is not None:
        policy["on_warning"] = copy.deepcopy(on_warning)
    return {
        "name": "warned",
        "horizon_days": 150,
        "warmup_days": 10,
        "replications": 2,
        "nodes": {
            "S": {"kind": "supplier", "country": "CN", "unit_price": 10},
            "D": {
                "kind": "site",
                "country": "DE",
                "demand": {"kind": "daily", "quantity": 10},
                "inventory": {"kind": "base_stock", "order_up_to": 100},
            },
        },
        "legs": {"S_D": {"from": "S", "to": "D", "mode": "sea", "transit_days": 5}},
        "sourcing": {"p": policy, "plain": {"kind": "single", "supplier": "S"}},
        "disruptions": {"cut": cut},
    }


@pytest.fixture
def warned_plant():
    """:func:`warned_plant_data`, to call with its arguments (a fresh mapping each call)."""
    return warned_plant_data


BASE = {
    "name": "tiny",
    "seed": 11,
    "horizon_days": 200,
    "warmup_days": 20,
    "replications": 4,
    "product": {"unit_value": 10, "holding_cost_rate": 0.2},
    "nodes": {
        "cn": {
            "kind": "supplier",
            "country": "CN",
            "lat": 31.2,
            "lon": 121.5,
            "capacity_per_day": 200,
            "lead_time_days": 3,
            "unit_price": 10,
        },
        "vn": {
            "kind": "supplier",
            "country": "VN",
            "lat": 10.8,
            "lon": 106.7,
            "capacity_per_day": 200,
            "lead_time_days": 3,
            "unit_price": 11,
        },
        "port_cn": {"kind": "port", "country": "CN", "lat": 31.0, "lon": 122.0},
        "port_vn": {"kind": "port", "country": "VN", "lat": 10.5, "lon": 107.0},
        "suez": {"kind": "chokepoint", "country": "EG", "lat": 30.0, "lon": 32.5},
        "cape": {"kind": "chokepoint", "country": "ZA", "lat": -34.4, "lon": 18.5},
        "rotterdam": {"kind": "port", "country": "NL", "lat": 51.9, "lon": 4.1},
        "dc": {
            "kind": "site",
            "country": "NL",
            "lat": 52.0,
            "lon": 5.0,
            "demand": {"kind": "daily", "quantity": {"dist": "poisson", "mean": 40}},
            "inventory": {"kind": "base_stock", "order_up_to_days_of_cover": 45},
            "shortage_penalty_per_unit": 5,
        },
    },
    "legs": {
        "cn_port": {
            "from": "cn",
            "to": "port_cn",
            "mode": "road",
            "transit_days": 1,
            "cost_per_unit": 0.5,
        },
        "vn_port": {
            "from": "vn",
            "to": "port_vn",
            "mode": "road",
            "transit_days": 1,
            "cost_per_unit": 0.5,
        },
        "cn_suez": {
            "from": "port_cn",
            "to": "suez",
            "mode": "sea",
            "transit_days": 20,
            "cost_per_unit": 2,
        },
        "vn_suez": {
            "from": "port_vn",
            "to": "suez",
            "mode": "sea",
            "transit_days": 16,
            "cost_per_unit": 2,
        },
        "cn_cape": {
            "from": "port_cn",
            "to": "cape",
            "mode": "sea",
            "transit_days": 26,
            "cost_per_unit": 3,
        },
        "vn_cape": {
            "from": "port_vn",
            "to": "cape",
            "mode": "sea",
            "transit_days": 22,
            "cost_per_unit": 3,
        },
        "suez_rtm": {
            "from": "suez",
            "to": "rotterdam",
            "mode": "sea",
            "transit_days": 10,
            "cost_per_unit": 1,
        },
        "cape_rtm": {
            "from": "cape",
            "to": "rotterdam",
            "mode": "sea",
            "transit_days": 16,
            "cost_per_unit": 1,
        },
        "rtm_dc": {
            "from": "rotterdam",
            "to": "dc",
            "mode": "road",
            "transit_days": 1,
            "cost_per_unit": 0.5,
        },
    },
    "sourcing": {
        "single": {"kind": "single", "supplier": "cn"},
        "split": {"kind": "split", "shares": {"cn": 0.5, "vn": 0.5}},
        "backup": {
            "kind": "primary_backup",
            "primary": "cn",
            "backups": ["vn"],
            "detection_delay_days": 3,
            "backup_premium": 0.2,
        },
    },
    "disruptions": {
        "cn_outage": {
            "target": {"country": "CN"},
            "timing": {
                "kind": "random",
                "mttf_days": 90,
                "duration_days": {"dist": "uniform", "low": 10, "high": 40},
            },
            "effect": {"closed": True},
        },
        "suez_block": {
            "target": {"node": "suez"},
            "timing": {"kind": "scheduled", "start_day": 80, "duration_days": 6},
            "effect": {"closed": True},
        },
    },
}


@pytest.fixture
def tiny_data() -> dict:
    """A small two-supplier scenario as a mapping (edit freely; it is a deep copy)."""
    return copy.deepcopy(BASE)


@pytest.fixture
def tiny(tiny_data):
    from simulator import scenario_from_dict

    return scenario_from_dict(tiny_data)


# --------------------------------------------------------------------------- a written run

EVIL_NAME = "<script>alert(1)</script>"
EVIL_POLICY = "split $1$ & <b>2</b>"
NO_COORDS = "inland_hub"


def _node(kind: str, country: str, lat=None, lon=None, **kw) -> dict:
    n = {"kind": kind, "country": country, **kw}
    if lat is not None:
        n.update(lat=lat, lon=lon)
    return n


def _leg(a: str, b: str, mode: str, days: float, cost: float) -> dict:
    return {"from": a, "to": b, "mode": mode, "transit_days": days, "cost_per_unit": cost}


SCENARIO = {
    "name": EVIL_NAME,
    "description": "<img src=x onerror=alert(2)> description",
    "seed": 5,
    "horizon_days": 150,
    "warmup_days": 10,
    "replications": 3,
    "nodes": {
        "cn": _node(
            "supplier", "CN", 31.2, 121.5, capacity_per_day=200, lead_time_days=3, unit_price=10
        ),
        "vn": _node(
            "supplier", "VN", 10.8, 106.7, capacity_per_day=200, lead_time_days=3, unit_price=11
        ),
        "port_cn": _node("port", "CN", 31.0, 122.0),
        "port_vn": _node("port", "VN", 10.5, 107.0),
        "suez": _node("chokepoint", "EG", 30.0, 32.5),
        "cape": _node("chokepoint", "ZA", -34.4, 18.5),
        "rotterdam": _node("port", "NL", 51.9, 4.1),
        NO_COORDS: _node("rail_hub", "NL"),
        "dc": _node(
            "site",
            "NL",
            52.0,
            5.0,
            demand={"kind": "daily", "quantity": {"dist": "poisson", "mean": 40}},
            inventory={"kind": "base_stock", "order_up_to_days_of_cover": 40},
        ),
    },
    "legs": {
        "cn_port": _leg("cn", "port_cn", "road", 1, 0.5),
        "vn_port": _leg("vn", "port_vn", "road", 1, 0.5),
        "cn_suez": _leg("port_cn", "suez", "sea", 20, 2),
        "vn_suez": _leg("port_vn", "suez", "sea", 16, 2),
        "cn_cape": _leg("port_cn", "cape", "sea", 26, 3),
        "vn_cape": _leg("port_vn", "cape", "sea", 22, 3),
        "suez_rtm": _leg("suez", "rotterdam", "sea", 10, 1),
        "cape_rtm": _leg("cape", "rotterdam", "sea", 16, 1),
        "rtm_hub": _leg("rotterdam", NO_COORDS, "rail", 1, 0.3),
        "hub_dc": _leg(NO_COORDS, "dc", "road", 0, 0.2),
    },
    "sourcing": {
        "single": {"kind": "single", "supplier": "cn"},
        EVIL_POLICY: {"kind": "split", "shares": {"cn": 0.5, "vn": 0.5}},
        "backup": {
            "kind": "primary_backup",
            "primary": "cn",
            "backups": ["vn"],
            "detection_delay_days": 3,
        },
    },
    "disruptions": {
        "suez_block": {
            "target": {"node": "suez"},
            "timing": {"kind": "scheduled", "start_day": 40, "duration_days": 6},
            "effect": {"closed": True},
        },
        "cn_ban": {
            "target": {"country": "CN"},
            "timing": {"kind": "scheduled", "start_day": 70, "duration_days": 30},
            "effect": {"closed": True},
        },
        "typhoon": {
            "target": {"node": "port_cn"},
            "timing": {
                "kind": "random",
                "mttf_days": 40,
                "duration_days": {"dist": "uniform", "low": 1, "high": 4},
            },
            "effect": {"closed": True},
        },
    },
}


@pytest.fixture(scope="session")
def run_result():
    import simulator

    sc = simulator.scenario_from_dict(SCENARIO)
    return simulator.run(sc, replications=3, jobs=1)


@pytest.fixture(scope="session")
def results_dir(run_result, tmp_path_factory):
    """The run written with plots and report.html, end to end through ``write_run``."""
    import simulator

    return simulator.write_run(run_result, tmp_path_factory.mktemp("out") / "r")


@pytest.fixture(scope="session")
def data(results_dir):
    from simulator.output.loading import load_results

    return load_results(results_dir)


@pytest.fixture(scope="session")
def names() -> dict[str, str]:
    """The hostile names of the shared scenario."""
    return {"scenario": EVIL_NAME, "policy": EVIL_POLICY, "no_coords": NO_COORDS}
