"""Delay triggers (`triggers: {delay_days: N}`): contingent and adaptive sourcing can react to a
slow path, not only a closed one."""

from __future__ import annotations

import pytest

from simulator import run_replication, scenario_from_dict


def slowed(tiny_data: dict, trigger: float | None, extra: float = 10.0) -> dict:
    data = tiny_data
    data["disruptions"] = {
        "cn_road_jam": {
            "target": {"leg": "cn_port"},
            "timing": {"kind": "scheduled", "start_day": 80, "duration_days": 60},
            "effect": {"extra_days": extra},
        }
    }
    pol = data["sourcing"]["backup"]
    if trigger is not None:
        pol["triggers"] = {"delay_days": trigger}
    data["sourcing"]["adaptive"] = {
        "kind": "adaptive_split",
        "shares": {"cn": 0.5, "vn": 0.5},
        "detection_delay_days": 3,
        **({"triggers": {"delay_days": trigger}} if trigger is not None else {}),
    }
    return data


def backup_orders(result) -> list[float]:
    return [s.ordered_at for s in result.shipments if s.role == "backup"]


def test_without_a_trigger_a_slow_path_is_not_a_down_path(tiny_data):
    r = run_replication(scenario_from_dict(slowed(tiny_data, None)), "backup")
    assert backup_orders(r) == []


def test_a_delay_beyond_the_trigger_moves_orders_to_the_backup_after_detection(tiny_data):
    r = run_replication(scenario_from_dict(slowed(tiny_data, 7.0)), "backup")
    times = backup_orders(r)
    assert times, "no order went to the backup"
    # 10 extra days > 7: down from day 80, detected 3 days later, back when the jam ends at 140.
    assert min(times) >= 83 and max(times) < 140


def test_a_delay_within_the_trigger_changes_nothing(tiny_data):
    r = run_replication(scenario_from_dict(slowed(tiny_data, 7.0, extra=5.0)), "backup")
    assert backup_orders(r) == []


@pytest.mark.parametrize("trigger", [None, 7.0])
def test_adaptive_split_drops_the_slow_supplier_only_with_a_trigger(tiny_data, trigger):
    r = run_replication(scenario_from_dict(slowed(tiny_data, trigger)), "adaptive")
    cn_during = [s for s in r.shipments if s[1] == "cn" and 84 <= s[6] < 139]
    assert (len(cn_during) == 0) == (trigger is not None)
