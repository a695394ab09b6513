"""Small scenarios for the scenario-layer tests, built fresh for every test."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

MINIMAL: dict[str, Any] = {
    "name": "mini",
    "horizon_days": 100,
    "warmup_days": 10,
    "replications": 2,
    "nodes": {
        "cn_shenzhen": {
            "kind": "supplier",
            "country": "CN",
            "capacity_per_day": 100,
            "lead_time_days": {"dist": "triangular", "low": 5, "mode": 7, "high": 12},
            "unit_price": 10,
            "tags": ["asia"],
        },
        "port_rtm": {"kind": "port", "country": "NL"},
        "plant_de": {
            "kind": "site",
            "country": "DE",
            "demand": {"kind": "daily", "quantity": {"dist": "poisson", "mean": 20}},
            "inventory": {"kind": "base_stock", "order_up_to_days_of_cover": 30},
        },
    },
    "legs": {
        "cn_rtm": {
            "from": "cn_shenzhen",
            "to": "port_rtm",
            "mode": "sea",
            "transit_days": {"dist": "lognormal", "mean": 30, "cv": 0.1},
        },
        "rtm_plant": {"from": "port_rtm", "to": "plant_de", "mode": "road", "transit_days": 2},
    },
    "sourcing": {"single": {"kind": "single", "supplier": "cn_shenzhen"}},
}


def two_suppliers() -> dict[str, Any]:
    """The minimal scenario plus a second supplier and a split policy over both."""
    d = copy.deepcopy(MINIMAL)
    d["nodes"]["vn_hochiminh"] = {
        "kind": "supplier",
        "country": "VN",
        "capacity_per_day": 50,
        "lead_time_days": 7,
    }
    d["legs"]["vn_rtm"] = {
        "from": "vn_hochiminh",
        "to": "port_rtm",
        "mode": "sea",
        "transit_days": 28,
    }
    d["sourcing"]["diversified"] = {
        "kind": "split",
        "shares": {"cn_shenzhen": 0.6, "vn_hochiminh": 0.4},
    }
    d["sourcing"]["backup"] = {
        "kind": "primary_backup",
        "primary": "cn_shenzhen",
        "backups": ["vn_hochiminh"],
    }
    return d


@pytest.fixture
def minimal() -> dict[str, Any]:
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def pair() -> dict[str, Any]:
    return two_suppliers()


@pytest.fixture
def write(tmp_path: Path):
    """write(name, data_or_text) -> path of a file in tmp_path (YAML-dumped unless text)."""

    def _write(name: str, content: Any) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
