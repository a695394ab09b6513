"""Loading scenario files: YAML, ``extends`` overlays, and one clear message per problem."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import Problem, ScenarioError
from simulator.scenario import deep_merge, load_scenario, scenario_from_dict
from simulator.scenario.schema import Scenario

DELETE = object()


def problems_of(path_or_data) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        if isinstance(path_or_data, Path):
            load_scenario(path_or_data)
        else:
            scenario_from_dict(path_or_data)
    assert info.value.problems, "a ScenarioError carries at least one problem"
    for p in info.value.problems:
        assert p.fix, f"every problem has a fix: {p}"
    return info.value.problems


def one(path_or_data) -> Problem:
    problems = problems_of(path_or_data)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# --------------------------------------------------------------------------- valid input


def test_minimal_file_loads(write, minimal):
    sc = load_scenario(write("mini.yaml", minimal))
    assert isinstance(sc, Scenario)
    assert sc.nodes["cn_shenzhen"].lead_time_days.mean == pytest.approx(8)
    assert sc.legs["rtm_plant"].transit_days.mean == 2  # bare number = fixed


def test_name_defaults_to_the_file_name(write, minimal):
    del minimal["name"]
    assert load_scenario(write("my_case.yaml", minimal)).name == "my_case"


def test_overrides_merge_on_top(write, pair):
    path = write("s.yaml", pair)
    sc = load_scenario(path, overrides={"nodes": {"cn_shenzhen": {"capacity_per_day": 7}}})
    assert sc.nodes["cn_shenzhen"].capacity_per_day == 7
    assert sc.nodes["cn_shenzhen"].unit_price == 10


def test_scenario_from_dict_names_and_validates(minimal):
    del minimal["name"]
    assert scenario_from_dict(minimal, name="x").name == "x"


# --------------------------------------------------------------------------- field errors


def test_negative_capacity_message_is_natural_and_specific(write, minimal):
    minimal["nodes"]["cn_shenzhen"]["capacity_per_day"] = -5
    p = one(write("s.yaml", minimal))
    assert p.path == "nodes.cn_shenzhen.capacity_per_day"
    assert p.message == "must be > 0, got -5"
    assert "units/day" in p.fix and "omit it for unlimited" in p.fix
    assert p.file.endswith("s.yaml") and p.line is not None
    assert "0.0" not in str(p)


def test_every_independent_problem_is_reported_at_once(write, pair):
    pair["nodes"]["cn_shenzhen"]["capacity_per_day"] = -5
    pair["legs"]["vn_rtm"]["transit_days"] = -1
    shares = pair["sourcing"]["diversified"]["shares"]
    shares["vn_hcmc"] = 0.3
    del shares["vn_hochiminh"]
    pair["warmup_days"] = 100
    got = {p.path: p for p in problems_of(write("s.yaml", pair))}
    assert set(got) == {
        "nodes.cn_shenzhen.capacity_per_day",
        "legs.vn_rtm.transit_days",
        "sourcing.diversified.shares.vn_hcmc",
        "sourcing.diversified.shares",
        "warmup_days",
    }
    assert got["sourcing.diversified.shares"].message == "shares sum to 0.9, must be 1"
    assert "did you mean 'vn_hochiminh'" in got["sourcing.diversified.shares.vn_hcmc"].message


def test_problems_are_in_file_order(write, pair):
    pair["sourcing"]["single"]["supplier"] = "nobody"
    pair["nodes"]["cn_shenzhen"]["unit_price"] = -1
    lines = [p.line for p in problems_of(write("s.yaml", pair))]
    assert lines == sorted(lines)


def test_wrong_parameter_of_a_distribution(write, minimal):
    minimal["legs"]["cn_rtm"]["transit_days"] = {"dist": "lognormal", "mean": 3, "sd": 1}
    p = one(write("s.yaml", minimal))
    assert p.path == "legs.cn_rtm.transit_days"
    assert "'sd'" in p.message and "'cv'" in p.message
    assert "lognormal takes mean" in p.fix and "dist: normal" in p.fix


def test_extra_parameter_of_a_distribution(minimal):
    minimal["legs"]["cn_rtm"]["transit_days"] = {"dist": "uniform", "low": 1, "high": 2, "mode": 1}
    p = one(minimal)
    assert p.path == "legs.cn_rtm.transit_days.mode"
    assert "uniform takes low and high" in p.fix


def test_missing_parameter_of_a_distribution(minimal):
    minimal["legs"]["cn_rtm"]["transit_days"] = {"dist": "gamma", "shape": 2}
    p = one(minimal)
    assert p.path == "legs.cn_rtm.transit_days.scale"
    assert "required field 'scale' is missing" in p.message and "gamma takes" in p.fix


def test_negative_parameter_inside_a_nested_distribution(minimal):
    minimal["nodes"]["plant_de"]["demand"]["quantity"]["mean"] = -1
    p = one(minimal)
    assert p.path == "nodes.plant_de.demand.quantity.mean"
    assert p.message == "must be >= 0, got -1" and "poisson takes mean" in p.fix


def test_negative_bare_number_points_at_the_field(minimal):
    minimal["legs"]["rtm_plant"]["transit_days"] = -3
    p = one(minimal)
    assert p.path == "legs.rtm_plant.transit_days"  # not ...transit_days.fixed.value
    assert p.message == "must be >= 0, got -3" and "days" in p.fix


def test_unknown_dist_with_did_you_mean(minimal):
    minimal["legs"]["cn_rtm"]["transit_days"] = {"dist": "lognorm", "mean": 3, "cv": 0.2}
    p = one(minimal)
    assert p.path == "legs.cn_rtm.transit_days.dist"
    assert "unknown dist 'lognorm' — did you mean 'lognormal'?" in p.message
    assert "triangular" in p.fix


def test_missing_dist_is_guessed_from_the_fields(minimal):
    minimal["legs"]["cn_rtm"]["transit_days"] = {"mean": 3, "cv": 0.2}
    p = one(minimal)
    assert p.message == "'dist' is missing" and "dist: lognormal" in p.fix


def test_distribution_of_the_wrong_type(minimal):
    minimal["legs"]["cn_rtm"]["transit_days"] = "slow"
    p = one(minimal)
    assert p.path == "legs.cn_rtm.transit_days"
    assert "expected a number or a distribution, got 'slow'" in p.message


def test_distribution_cross_field_rule(minimal):
    minimal["nodes"]["cn_shenzhen"]["lead_time_days"] = {"dist": "uniform", "low": 5, "high": 4}
    p = one(minimal)
    assert p.path == "nodes.cn_shenzhen.lead_time_days" and "swap" in p.fix


def test_unknown_node_kind_with_did_you_mean(minimal):
    minimal["nodes"]["port_rtm"]["kind"] = "prot"
    p = one(minimal)
    assert p.path == "nodes.port_rtm.kind"
    assert "unknown kind 'prot' — did you mean 'port'?" in p.message
    assert "chokepoint" in p.fix


def test_missing_kind(minimal):
    del minimal["sourcing"]["single"]["kind"]
    p = one(minimal)
    assert p.path == "sourcing.single" and p.message == "'kind' is missing"
    assert "primary_backup" in p.fix


def test_unknown_field_suggests_a_field_of_that_entry(minimal):
    minimal["nodes"]["cn_shenzhen"]["capacity"] = 5
    p = one(minimal)
    assert p.path == "nodes.cn_shenzhen.capacity"
    assert "did you mean 'capacity_per_day'?" in p.message


def test_unknown_field_without_a_close_match_lists_the_fields(minimal):
    minimal["legs"]["cn_rtm"]["colour"] = "red"
    p = one(minimal)
    assert "remove it" in p.fix and "transit_days" in p.fix and "cost_per_unit" in p.fix


def test_misspelt_required_field_is_one_problem(minimal):
    minimal["legs"]["cn_rtm"]["transit"] = minimal["legs"]["cn_rtm"].pop("transit_days")
    p = one(minimal)
    assert p.path == "legs.cn_rtm.transit"
    assert "did you mean 'transit_days'?" in p.message and p.fix == "rename it to 'transit_days'"


def test_unknown_top_level_field(minimal):
    minimal["horizon"] = 3
    p = one(minimal)
    assert p.path == "horizon" and "did you mean 'horizon_days'?" in p.message


def test_missing_required_field(minimal):
    del minimal["legs"]["cn_rtm"]["mode"]
    p = one(minimal)
    assert p.path == "legs.cn_rtm.mode"
    assert p.message == "required field 'mode' is missing" and "add 'mode'" in p.fix


def test_missing_required_section(minimal):
    del minimal["sourcing"]
    p = one(minimal)
    assert p.path == "sourcing" and "add 'sourcing'" in p.fix


def test_unknown_enum_value(minimal):
    minimal["legs"]["cn_rtm"]["mode"] = "see"
    p = one(minimal)
    assert p.path == "legs.cn_rtm.mode"
    assert "unknown mode 'see' — did you mean 'sea'?" in p.message and "rail" in p.fix


def test_yaml_booleans_for_country_codes(write, minimal):
    text = write("s.yaml", minimal).read_text().replace("country: NL", "country: NO")
    p = one(write("s.yaml", text))
    assert p.path == "nodes.port_rtm.country" and "quote" in p.fix


def test_non_text_id(write, minimal):
    text = write("s.yaml", minimal).read_text().replace("port_rtm:\n", "5:\n", 1)
    problems = problems_of(write("s.yaml", text))
    assert any(p.path == "nodes.5" and "ids must be text" in p.message for p in problems)


def test_whole_number_fields(minimal):
    minimal["horizon_days"] = 10.5
    p = one(minimal)
    assert p.message == "expected a whole number, got 10.5"


def test_either_or_fields(minimal):
    minimal["nodes"]["plant_de"]["inventory"]["order_up_to"] = 50
    p = one(minimal)
    assert p.path == "nodes.plant_de.inventory" and "not both" in p.message


def test_empty_section_gives_one_problem_not_a_cascade(write, minimal):
    text = write("s.yaml", minimal).read_text()
    start, end = text.index("nodes:"), text.index("legs:")
    p = one(write("s.yaml", text[:start] + "nodes:\n" + text[end:]))
    assert p.path == "nodes" and p.message == "'nodes' is empty"


def test_section_of_the_wrong_shape(minimal):
    minimal["nodes"] = ["cn_shenzhen", "plant_de"]
    p = one(minimal)
    assert p.path == "nodes" and "expected a mapping of ids to entries, got a list" in p.message


def test_empty_entry(write, minimal):
    text = write("s.yaml", minimal).read_text()
    text = text.replace("  port_rtm:\n    kind: port\n    country: NL\n", "  port_rtm:\n")
    p = one(write("s.yaml", text))
    assert p.path == "nodes.port_rtm" and "empty" in p.message


# --------------------------------------------------------------------------- file-level errors


def test_file_not_found_suggests_a_neighbour(write, minimal, tmp_path):
    write("scenario.yaml", minimal)
    p = one(tmp_path / "scenaro.yaml")
    assert p.message == "file not found" and "scenario.yaml" in p.fix
    assert p.file.endswith("scenaro.yaml")


def test_malformed_yaml_names_the_line(write):
    p = one(write("bad.yaml", "name: x\nnodes:\n  a: {kind: supplier\n"))
    assert p.message.startswith("malformed YAML") and p.line is not None


def test_tabs_in_yaml(write):
    p = one(write("bad.yaml", "name: x\nnodes:\n\ta: 1\n"))
    assert p.line == 3 and "tabs" in p.fix


@pytest.mark.parametrize(("text", "what"), [("- a\n- b\n", "a list"), ("hello\n", "text")])
def test_file_that_is_not_a_mapping(write, text, what):
    p = one(write("bad.yaml", text))
    assert "must be a mapping" in p.message and what in p.message


def test_empty_file(write):
    assert one(write("bad.yaml", "# nothing yet\n")).message == "the file is empty"


def test_duplicate_keys_are_reported(write, minimal):
    text = write("s.yaml", minimal).read_text()
    text = text.replace(
        "legs:\n",
        "legs:\n  rtm_plant: {from: port_rtm, to: plant_de, mode: rail, transit_days: 3}\n",
        1,
    )
    p = one(write("s.yaml", text))
    assert p.path == "legs.rtm_plant" and "written twice" in p.message


# --------------------------------------------------------------------------- extends


def test_extends_is_relative_to_the_file_and_deep_merges(write, pair):
    write("variants/common/base.yaml", pair)
    path = write(
        "variants/fast.yaml",
        "extends: common/base.yaml\n"
        "nodes:\n"
        "  cn_shenzhen:\n"
        "    capacity_per_day: 300\n"
        "legs:\n"
        "  cn_rtm:\n"
        "    transit_days: {dist: fixed, value: 3}\n",  # another dist replaces, not merges
    )
    sc = load_scenario(path)
    cn = sc.nodes["cn_shenzhen"]
    assert cn.capacity_per_day == 300 and cn.unit_price == 10  # siblings kept
    assert sc.legs["cn_rtm"].transit_days.mean == 3
    assert sc.name == "fast"  # a variant without a name is named after its own file


def test_extends_null_deletes(write, pair):
    write("base.yaml", pair)
    path = write(
        "v.yaml",
        "extends: base.yaml\n"
        "nodes:\n  cn_shenzhen:\n    capacity_per_day: null\n"
        "sourcing:\n  backup: null\n",
    )
    sc = load_scenario(path)
    assert sc.nodes["cn_shenzhen"].capacity_per_day is None
    assert set(sc.sourcing) == {"single", "diversified"}


def test_extends_null_on_a_missing_entry(write, pair):
    write("base.yaml", pair)
    p = one(write("v.yaml", "extends: base.yaml\nsourcing:\n  bakup: null\n"))
    assert p.path == "sourcing.bakup" and "did you mean 'backup'" in p.message
    assert p.file.endswith("v.yaml") and p.line == 3


def test_problems_are_located_in_the_file_that_wrote_them(write, pair):
    write("base.yaml", pair)
    path = write(
        "v.yaml",
        "extends: base.yaml\nnodes:\n  port_rtm: null\n  vn_hochiminh:\n    unit_price: -1\n",
    )
    got = problems_of(path)
    price = next(p for p in got if p.path == "nodes.vn_hochiminh.unit_price")
    assert price.file.endswith("v.yaml") and price.line == 5
    legs = [p for p in got if p.path.startswith("legs.")]
    assert legs and all(p.file.endswith("base.yaml") for p in legs)
    assert all("deleted by 'null'" in p.message and "v.yaml:3" in p.message for p in legs)


def test_extends_cycle_names_the_chain(write, minimal):
    write("a.yaml", "extends: b.yaml\n")
    write("b.yaml", "extends: c.yaml\n")
    write("c.yaml", "extends: a.yaml\n")
    p = one(write("a.yaml", "extends: b.yaml\n"))
    assert p.path == "extends"
    assert "a.yaml -> " in p.message and "b.yaml -> " in p.message and "c.yaml -> " in p.message
    assert p.file.endswith("c.yaml") and p.line == 1


def test_extends_itself(write):
    p = one(write("self.yaml", "extends: self.yaml\n"))
    assert "cycle" in p.message


def test_missing_extends_base(write):
    write("sub/base.yaml", "name: b\n")
    p = one(write("v.yaml", "extends: sub/bsae.yaml\n"))
    assert p.path == "extends" and "not found" in p.message
    assert "did you mean 'sub/base.yaml'" in p.message


def test_extends_must_be_a_file_name(write):
    p = one(write("v.yaml", "extends: [a.yaml]\n"))
    assert p.path == "extends" and "must name a file" in p.message


def test_deep_merge_rules():
    base = {"a": {"x": 1, "y": 2}, "b": [1, 2], "d": {"dist": "lognormal", "mean": 3, "cv": 1}}
    out = deep_merge(base, {"a": {"y": None, "z": 3}, "b": [9], "d": {"dist": "fixed", "value": 1}})
    assert out == {"a": {"x": 1, "z": 3}, "b": [9], "d": {"dist": "fixed", "value": 1}}
    assert base["a"] == {"x": 1, "y": 2}  # not mutated
    assert deep_merge({"d": {"dist": "normal", "mean": 3, "sd": 1}}, {"d": {"mean": 5}}) == {
        "d": {"dist": "normal", "mean": 5, "sd": 1}
    }


# --------------------------------------------------------------------------- JSON Schema


def test_json_schema_accepts_bare_numbers_for_distributions(minimal):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(json.dumps(Scenario.model_json_schema(by_alias=True)))
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(minimal)) == []
    minimal["legs"]["rtm_plant"]["transit_days"] = -2
    assert list(validator.iter_errors(minimal))


def test_fix_text_depends_on_the_entry_kind(minimal):
    minimal["disruptions"] = {
        "d": {
            "target": {"node": "port_rtm"},
            "timing": {"kind": "scheduled", "start_day": 1, "duration_days": -2},
            "effect": {"closed": True},
        }
    }
    minimal["nodes"]["port_rtm"]["capacity_per_day"] = 0
    got = {p.path: p for p in problems_of(minimal)}
    assert got["disruptions.d.timing.duration_days"].fix == "a number of days >= 0"
    assert "throughput" in got["nodes.port_rtm.capacity_per_day"].fix


# --------------------------------------------------------------------------- robustness

_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "x", "cn_shenzhen", "port_rtm", "sea", "fixed", "supplier", "NL"]),
    st.lists(st.one_of(st.integers(-1, 2), st.text(max_size=3)), max_size=3),
    st.dictionaries(st.sampled_from(["kind", "dist", "mean", "a", "from"]), st.integers(-1, 3)),
)


def _paths(value, prefix=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_any_mangled_scenario_gives_problems_not_a_crash(pair, data):
    scenario = copy.deepcopy(pair)  # the fixture is shared by every example
    paths = list(_paths(pair))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        value = data.draw(st.one_of(_JUNK, st.just(DELETE)))
        parent = scenario
        try:
            for key in path[:-1]:
                parent = parent[key]
            if value is DELETE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this path
    try:
        scenario_from_dict(scenario)
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            assert isinstance(p.path, str) and p.message and p.fix
