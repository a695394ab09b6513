"""Translating pydantic errors into problems: a handler per error type, fixes from the schema."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from simulator.policies.sourcing.split import Split
from simulator.scenario.distributions import Lognormal
from simulator.scenario.field_paths import where
from simulator.scenario.problems import _HANDLERS, pydantic_problems
from simulator.scenario.schema import Leg, Scenario, SupplierNode


def translate(data):
    with pytest.raises(ValidationError) as info:
        Scenario.model_validate(data)
    return {p.path: p for p in pydantic_problems(info.value, data)}


def test_a_bound_error_gets_the_field_description_as_its_fix(minimal):
    minimal["nodes"]["cn_shenzhen"]["unit_price"] = -1
    (p,) = translate(minimal).values()
    assert p.path == "nodes.cn_shenzhen.unit_price" and p.message == "must be >= 0, got -1"
    assert p.fix == SupplierNode.model_fields["unit_price"].description


def test_a_bare_number_for_a_distribution_gets_the_holding_field_description(minimal):
    minimal["legs"]["rtm_plant"]["transit_days"] = -3
    (p,) = translate(minimal).values()
    assert p.path == "legs.rtm_plant.transit_days"
    assert p.fix == Leg.model_fields["transit_days"].description


def test_an_entry_of_a_mapping_gets_the_entry_description(pair):
    pair["sourcing"]["diversified"]["shares"]["vn_hochiminh"] = "half"
    (p,) = translate(pair).values()
    assert p.path == "sourcing.diversified.shares.vn_hochiminh"
    assert p.fix == "a share between 0 and 1; a policy's shares sum to 1"
    assert "a share between 0 and 1" in str(Split.model_json_schema())  # the schema says it too


def test_inside_a_distribution_the_fix_says_what_it_takes(minimal):
    minimal["legs"]["cn_rtm"]["transit_days"]["cv"] = -1
    (p,) = translate(minimal).values()
    assert p.path == "legs.cn_rtm.transit_days.cv"
    assert p.fix == f"lognormal takes {Lognormal.takes}"


def test_a_broken_rule_gives_the_validators_own_fix(minimal):
    minimal["nodes"]["cn_shenzhen"]["lead_time_days"] = {"dist": "uniform", "low": 5, "high": 4}
    (p,) = translate(minimal).values()
    assert p.message == "high (4.0) must be at least low (5.0)" and p.fix == "swap low and high"


def test_null_is_an_empty_field_before_a_wrong_type(minimal):
    minimal["nodes"]["port_rtm"]["country"] = None
    (p,) = translate(minimal).values()
    assert p.message == "'country' is empty (null)"
    assert p.fix.startswith("give a value or remove the line (an ISO 3166 country code")


def test_an_error_type_without_a_handler_keeps_pydantics_message():
    assert "string_pattern_mismatch" not in _HANDLERS
    err = {"type": "string_pattern_mismatch", "loc": ("currency",), "input": "x"}
    err["ctx"] = {"pattern": "[A-Z]+"}
    exc = ValidationError.from_exception_data("Scenario", [err])
    problems = pydantic_problems(exc, {"currency": "x"})
    assert [(p.path, p.message) for p in problems] == [
        ("currency", "String should match pattern '[A-Z]+'")
    ]
    assert problems[0].fix == "see `diversim schema` for what this field takes"


def test_where_follows_union_tags_and_aliases():
    w = where(("legs", "a", "from"), None)
    assert w.path == "legs.a.from" and w.model is Leg and w.field == "from"
    w = where(("nodes", "a", "supplier", "lead_time_days", "lognormal", "cv"), None)
    assert w.path == "nodes.a.lead_time_days.cv" and w.model is Lognormal


def test_the_json_schema_carries_the_fix_texts():
    props = Scenario.model_json_schema(by_alias=True)["properties"]
    horizon = props["horizon_days"]["description"]
    assert horizon == "a whole number of days > 0, at most 36500 (100 years)"
    assert props["nodes"]["additionalProperties"]["description"].startswith("a node: ")
