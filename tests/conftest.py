"""Shared fixtures: small scenarios built in code."""

from __future__ import annotations

import copy

import pytest

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
