"""Cross-reference checks: on valid scenarios, and on raw data whose fields are partly invalid
(the checks must then still find what they can, and say nothing spurious)."""

from __future__ import annotations

import pytest

from simulator.policies.sourcing import SOURCING_KINDS
from simulator.scenario.checks import check_data, check_scenario
from simulator.scenario.loader import scenario_from_dict
from simulator.scenario.references import did_you_mean


def by_path(problems):
    return {p.path: p for p in problems}


def test_valid_scenarios_have_no_problems(minimal, pair):
    assert check_data(minimal) == []
    assert check_data(pair) == []
    assert check_scenario(scenario_from_dict(pair)) == []


def test_not_a_mapping_gives_nothing_to_check():
    assert check_data([1, 2]) == []  # type: ignore[arg-type]


def test_did_you_mean():
    assert did_you_mean("vn_hcmc", ["vn_hochiminh", "cn_shenzhen"]) == (
        " — did you mean 'vn_hochiminh'?"
    )
    assert did_you_mean("nl", ["NL", "DE"]) == " — did you mean 'NL'?"
    assert did_you_mean("zzz", ["NL"]) == ""


# --------------------------------------------------------------------------- sourcing


def test_shares_not_summing_to_one(pair):
    pair["sourcing"]["diversified"]["shares"]["vn_hochiminh"] = 0.3
    (p,) = check_data(pair)
    assert p.path == "sourcing.diversified.shares"
    assert p.message == "shares sum to 0.9, must be 1"
    assert "cn_shenzhen: 0.6667" in p.fix


def test_shares_all_zero_and_empty(pair):
    pair["sourcing"]["diversified"]["shares"] = {"cn_shenzhen": 0, "vn_hochiminh": 0}
    pair["sourcing"]["other"] = {"kind": "adaptive_split", "shares": {}}
    got = by_path(check_data(pair))
    assert "sum to 0" in got["sourcing.diversified.shares"].message
    assert "no supplier" in got["sourcing.other.shares"].message


def test_share_sum_skipped_when_a_share_is_invalid(pair):
    # The schema reports the negative share; a sum over it would be a second, dependent message.
    pair["sourcing"]["diversified"]["shares"]["vn_hochiminh"] = -0.3
    assert check_data(pair) == []


def test_unknown_supplier_with_did_you_mean(pair):
    shares = pair["sourcing"]["diversified"]["shares"]
    shares["vn_hcmc"] = shares.pop("vn_hochiminh")
    got = by_path(check_data(pair))
    p = got["sourcing.diversified.shares.vn_hcmc"]
    assert p.message == "unknown supplier 'vn_hcmc' — did you mean 'vn_hochiminh'?"
    assert "cn_shenzhen, vn_hochiminh" in p.fix


def test_policy_naming_a_node_of_the_wrong_kind(minimal):
    minimal["sourcing"]["single"]["supplier"] = "port_rtm"
    (p,) = check_data(minimal)
    assert p.path == "sourcing.single.supplier"
    assert "'port_rtm' is a port, not a supplier" in p.message
    assert "cn_shenzhen" in p.fix


def test_primary_backup_references(pair):
    pair["sourcing"]["backup"]["backups"] = ["cn_shenzhen", "vn_hochiminh", "vn_hochiminh", "x"]
    got = by_path(check_data(pair))
    assert "is the primary" in got["sourcing.backup.backups.0"].message
    assert "listed twice" in got["sourcing.backup.backups.2"].message
    assert "unknown supplier 'x'" in got["sourcing.backup.backups.3"].message


def test_unknown_baseline(pair):
    pair["baseline"] = "singel"
    (p,) = check_data(pair)
    assert p.path == "baseline" and "did you mean 'single'" in p.message


def test_policy_suppliers_of_models_and_mappings(pair):
    sc = scenario_from_dict(pair)
    assert sc.sourcing["backup"].suppliers == ("cn_shenzhen", "vn_hochiminh")
    assert sc.sourcing["single"].suppliers == ("cn_shenzhen",)
    zero = {"kind": "split", "shares": {"a": 1.0, "b": 0.0}}
    assert SOURCING_KINDS["split"].supplier_fields(zero) == [("shares.a", "a")]
    raw = {"kind": "primary_backup", "primary": "p", "backups": ["b1", 3]}
    fields = SOURCING_KINDS["primary_backup"].supplier_fields(raw)
    assert fields == [("primary", "p"), ("backups.0", "b1"), ("backups.1", 3)]


def test_every_registered_kind_is_in_the_schema_union():
    from simulator.scenario.schema import Scenario

    schema = Scenario.model_json_schema(by_alias=True)
    kinds = {
        d["properties"]["kind"]["const"]
        for name, d in schema["$defs"].items()
        if "kind" in d.get("properties", {}) and "const" in d["properties"]["kind"]
    }
    assert set(SOURCING_KINDS) <= kinds
    assert list(SOURCING_KINDS) == ["single", "split", "adaptive_split", "primary_backup"]


# --------------------------------------------------------------------------- legs & reachability


def test_leg_to_unknown_node(minimal):
    minimal["legs"]["rtm_plant"]["to"] = "plant_dee"
    got = check_data(minimal)
    assert [p.path for p in got] == ["legs.rtm_plant.to"]  # no reachability noise
    assert "did you mean 'plant_de'" in got[0].message


def test_leg_direction_and_self_loop(minimal):
    minimal["legs"]["back"] = {
        "from": "plant_de",
        "to": "cn_shenzhen",
        "mode": "road",
        "transit_days": 1,
    }
    minimal["legs"]["loop"] = {
        "from": "port_rtm",
        "to": "port_rtm",
        "mode": "road",
        "transit_days": 1,
    }
    got = by_path(check_data(minimal))
    assert set(got) == {"legs.back.to", "legs.back.from", "legs.loop"}
    assert "same node" in got["legs.loop"].message


def test_site_no_supplier_can_reach(minimal):
    del minimal["legs"]["rtm_plant"]
    (p,) = check_data(minimal)
    assert p.path == "nodes.plant_de"
    assert p.message == "no supplier can reach site 'plant_de'"
    assert p.fix


def test_policy_supplier_without_route_is_reported_once(pair):
    del pair["legs"]["vn_rtm"]
    (p,) = check_data(pair)  # used by two policies: one problem naming both
    assert p.path == "sourcing.diversified.shares.vn_hochiminh"
    assert "has no route to site 'plant_de'" in p.message
    assert "'backup', 'diversified'" in p.message


def test_explicit_routes(pair):
    pair["nodes"]["plant_de"]["routes"] = {
        "cn_shenzhen": [["cn_rtm", "vn_rtm"], ["cn_rtm"], ["nope"], ["cn_rtm", "rtm_plant"]],
    }
    got = by_path(check_data(pair))
    assert "starts at 'vn_hochiminh'" in got["nodes.plant_de.routes.cn_shenzhen.0.1"].message
    assert "ends at 'port_rtm'" in got["nodes.plant_de.routes.cn_shenzhen.1"].message
    assert "unknown leg 'nope'" in got["nodes.plant_de.routes.cn_shenzhen.2.0"].message
    missing = got["nodes.plant_de.routes"]
    assert "none for supplier 'vn_hochiminh'" in missing.message
    assert "'backup', 'diversified'" in missing.message


def test_no_site_and_no_supplier(minimal):
    minimal["nodes"] = {"port_rtm": {"kind": "port", "country": "NL"}}
    minimal["legs"] = {}
    msgs = {p.message for p in check_data(minimal)}
    assert "the scenario has no site" in msgs and "the scenario has no supplier" in msgs


# --------------------------------------------------------------------------- disruptions


@pytest.mark.parametrize(
    ("target", "path", "text"),
    [
        ({"node": "port_rtn"}, "target.node", "did you mean 'port_rtm'"),
        ({"leg": "cn_rtn"}, "target.leg", "did you mean 'cn_rtm'"),
        ({"country": "nl"}, "target.country", "did you mean 'NL'"),
        ({"tag": "asai"}, "target.tag", "did you mean 'asia'"),
        ({"mode": "air"}, "target.mode", "no leg uses mode 'air'"),
    ],
)
def test_disruption_targets(minimal, target, path, text):
    minimal["disruptions"] = {
        "d": {
            "target": target,
            "timing": {"kind": "scheduled", "start_day": 1, "duration_days": 2},
            "effect": {"closed": True},
        }
    }
    (p,) = check_data(minimal)
    assert p.path == f"disruptions.d.{path}" and text in p.message and p.fix


def test_node_effect_on_a_leg(minimal):
    minimal["disruptions"] = {
        "d": {
            "target": {"leg": "cn_rtm"},
            "timing": {"kind": "scheduled", "start_day": 1, "duration_days": 2},
            "effect": {"demand_factor": 2},
        }
    }
    (p,) = check_data(minimal)
    assert p.path == "disruptions.d.effect.demand_factor"
    assert "cannot act on leg 'cn_rtm'" in p.message and "sites" in p.message


@pytest.mark.parametrize(
    ("target", "effect", "fragment"),
    [
        ({"node": "port_rtm"}, {"capacity_factor": 0.5}, "has no capacity_per_day"),
        ({"leg": "cn_rtm"}, {"capacity_factor": 0.5}, "has no capacity_per_day"),
        ({"node": "cn_shenzhen"}, {"demand_factor": 2}, "cannot act on supplier"),
        ({"node": "plant_de"}, {"extra_days": 3}, "cannot act on site 'plant_de'"),
        ({"node": "plant_de"}, {"closed": True}, "cannot act on site 'plant_de'"),
        ({"node": "plant_de"}, {"cost_factor": 2}, "cannot act on site 'plant_de'"),
        ({"leg": "cn_rtm"}, {"inventory_loss": 0.5}, "cannot act on leg 'cn_rtm'"),
        ({"country": "NL"}, {"capacity_factor": 0.5}, "port_rtm' (it has no capacity"),
        ({"country": "CN"}, {"demand_factor": 2}, "cannot act on supplier"),
        ({"tag": "asia"}, {"demand_factor": 2}, "cannot act on supplier"),
    ],
)
def test_an_effect_aimed_where_it_cannot_act_is_refused(minimal, target, effect, fragment):
    minimal["disruptions"] = {
        "d": {
            "target": target,
            "timing": {"kind": "scheduled", "start_day": 1, "duration_days": 2},
            "effect": effect,
        }
    }
    (p,) = check_data(minimal)
    assert p.path == f"disruptions.d.effect.{next(iter(effect))}"
    assert fragment in p.message and p.fix


@pytest.mark.parametrize(
    ("target", "effect"),
    [
        ({"node": "cn_shenzhen"}, {"capacity_factor": 0.5}),  # the supplier has a capacity
        ({"node": "plant_de"}, {"demand_factor": 2, "inventory_loss": 0.5}),
        ({"country": "DE"}, {"closed": True}),  # not the site, but nodes of DE it hits
        ({"node": "port_rtm"}, {"closed": True, "extra_days": 2, "cost_factor": 3}),
    ],
)
def test_effects_that_can_act_pass(minimal, target, effect):
    minimal["nodes"]["port_de"] = {"kind": "port", "country": "DE"}
    minimal["disruptions"] = {
        "d": {
            "target": target,
            "timing": {"kind": "scheduled", "start_day": 1, "duration_days": 2},
            "effect": effect,
        }
    }
    assert check_data(minimal) == []


def test_reserved_capacity_needs_a_fee_and_fits_the_capacity(minimal):
    sup = minimal["nodes"]["cn_shenzhen"]
    sup["reserved_capacity_per_day"] = 500
    paths = sorted((p.path, p.message) for p in check_data(minimal))
    assert [p for p, _ in paths] == ["nodes.cn_shenzhen.reserved_capacity_per_day"] * 2
    sup["reservation_fee_per_day"] = 10
    (p,) = check_data(minimal)
    assert "reserves 500 units/day of a capacity of 100" in p.message
    sup["reserved_capacity_per_day"] = 40
    assert check_data(minimal) == []


# --------------------------------------------------------------------------- window


@pytest.mark.parametrize(("warmup", "horizon"), [(100, 100), (150, 100)])
def test_warmup_not_less_than_horizon(minimal, warmup, horizon):
    minimal.update(warmup_days=warmup, horizon_days=horizon)
    (p,) = check_data(minimal)
    assert p.path == "warmup_days"
    assert p.message == f"warmup_days ({warmup}) must be less than horizon_days ({horizon})"


def test_default_horizon_is_used(minimal):
    del minimal["horizon_days"]
    minimal["warmup_days"] = 400
    (p,) = check_data(minimal)
    assert "horizon_days (365)" in p.message


# --------------------------------------------------------------------------- broken input


def test_invalid_node_kind_causes_no_spurious_reference_problems(pair):
    pair["nodes"]["vn_hochiminh"]["kind"] = "suplier"  # the schema reports this
    pair["nodes"]["plant_de"]["kind"] = "stie"
    assert check_data(pair) == []


def test_broken_nodes_section_causes_no_cascade(minimal):
    for broken in (None, [], {}, "nodes"):
        minimal["nodes"] = broken
        assert check_data(minimal) == [], broken


def test_wrongly_typed_values_are_skipped(pair):
    pair["sourcing"]["single"]["supplier"] = 5
    pair["sourcing"]["backup"]["backups"] = "vn_hochiminh"
    pair["sourcing"]["diversified"]["shares"] = ["cn_shenzhen"]
    pair["legs"]["cn_rtm"]["from"] = None
    pair["horizon_days"] = "long"
    pair["disruptions"] = {"d": {"target": "port_rtm"}}
    assert check_data(pair) == []


def test_independent_problems_found_together(pair):
    pair["nodes"]["cn_shenzhen"]["capacity_per_day"] = -5  # a field error: not a check
    pair["sourcing"]["diversified"]["shares"]["vn_hochiminh"] = 0.3
    pair["sourcing"]["single"]["supplier"] = "cn_shenzen"
    pair["warmup_days"] = 500
    paths = {p.path for p in check_data(pair)}
    assert paths == {"sourcing.diversified.shares", "sourcing.single.supplier", "warmup_days"}


# --------------------------------------------------------------------------- episode counts


@pytest.mark.parametrize(
    "timing, field",
    [
        ({"kind": "random", "mttf_days": 1e-9, "duration_days": 0}, "mttf_days"),
        ({"kind": "random", "rate_per_year": 1e9, "duration_days": 0.00001}, "rate_per_year"),
    ],
)
def test_a_random_disruption_too_frequent_to_simulate_is_refused(pair, timing, field):
    """A replication of it would never end: one clear problem at the rate's field, with a
    bound that would pass."""
    from simulator.errors import ScenarioError
    from simulator.scenario.checks import MAX_EPISODES

    pair["disruptions"] = {
        "flicker": {"target": {"node": "port_rtm"}, "timing": timing, "effect": {"closed": True}}
    }
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(pair)
    (problem,) = err.value.problems
    assert problem.path == f"disruptions.flicker.timing.{field}"
    assert f"more than the {MAX_EPISODES:,}" in problem.message
    least = float(problem.fix.split("at least ")[1].split(" ")[0])
    timing = {"kind": "random", "mttf_days": least * 1.01, "duration_days": timing["duration_days"]}
    pair["disruptions"]["flicker"]["timing"] = timing
    scenario_from_dict(pair)  # the bound given passes


def test_frequent_but_lasting_disruptions_are_fine(pair):
    """A tiny up time with a long duration is an element that is nearly always down: few
    episodes, nothing to refuse."""
    pair["disruptions"] = {
        "flicker": {
            "target": {"node": "port_rtm"},
            "timing": {"kind": "random", "mttf_days": 1e-9, "duration_days": 10},
            "effect": {"closed": True},
        }
    }
    scenario_from_dict(pair)
