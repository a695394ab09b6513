"""Scenario files written to break the tool: each is refused with one clear problem (file, line
where known, what is wrong, the fix), quickly, and never reaches the schema half-read."""

from __future__ import annotations

import math
import time

import pytest
import yaml

from simulator.errors import Problem, ScenarioError, shorten
from simulator.scenario import load_scenario
from simulator.scenario.source import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES, parse_value


def problems_of(path, **kw) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, **kw)
    return info.value.problems


def only(path, **kw) -> Problem:
    (p,) = problems_of(path, **kw)
    return p


def bomb(levels: int, width: int) -> str:
    lines = ["b0: &b0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + f"\ndescription: *b{levels - 1}\n"


# --------------------------------------------------------------------------- aliases, nesting


def test_alias_bomb_is_refused_fast_without_expanding(write, minimal):
    # 9 levels x 9 aliases expand to 9**9 = 387 million strings: it used to run past 30 s.
    path = write("bomb.yaml", bomb(9, 9) + yaml.safe_dump(minimal))
    started = time.perf_counter()
    p = only(path)
    assert time.perf_counter() - started < 2.0
    assert f"more than {MAX_VALUES:,} values" in p.message and "alias" in p.message
    assert p.file.endswith("bomb.yaml") and p.line is not None and "alias" in p.fix


def test_modest_aliases_are_still_fine(write, minimal):
    text = yaml.safe_dump(minimal).replace("name: mini", "name: &n mini\nproduct: {name: *n}")
    sc = load_scenario(write("dry.yaml", text))
    assert sc.product.name == "mini"


@pytest.mark.parametrize(
    "value", ["&a [*a]", "&a {x: *a}", "&a [1, [2, *a]]", "&a {<<: *a}"], ids=str
)
def test_a_value_that_contains_itself_is_refused(write, value):
    p = only(write("self.yaml", f"name: x\ndescription: {value}\n"))
    assert "refers to the anchor it is inside" in p.message and p.line == 2


@pytest.mark.parametrize("opener,closer", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_refused_not_a_recursion_error(write, opener, closer):
    path = write("deep.yaml", f"name: x\ndescription: {opener * 1000}1{closer * 1000}\n")
    p = only(path)
    assert f"nested more than {MAX_DEPTH} levels deep" in p.message and p.line == 2


def test_aliases_cannot_nest_deeper_than_the_limit(write):
    # each anchor nests 30 deep around the previous alias: 30 x 3 levels once expanded
    lines, prev = [], "1"
    for i in range(3):
        lines.append(f"a{i}: &a{i} " + "[" * 30 + prev + "]" * 30)
        prev = f"*a{i}"
    p = only(write("chain.yaml", "\n".join(lines) + "\nname: x\n"))
    assert f"more than {MAX_DEPTH} levels deep" in p.message


# --------------------------------------------------------------------------- tags


@pytest.mark.parametrize(
    "tag",
    [
        "!!int 1e3",
        "!!float abc",
        "!!bool maybe",
        "!!python/name:os.system",
        "!!python/object/apply:os.system ['touch pwned']",
        "!!binary aGk=",
        "!!str 3",
        "!custom x",
    ],
)
def test_explicit_tags_are_not_allowed(write, tag, tmp_path):
    p = only(write("tag.yaml", f"name: x\nhorizon_days: {tag}\n"))
    assert p.message.startswith("tags are not allowed (found '!") and p.line == 2
    assert "plain value" in p.fix
    assert not (tmp_path / "pwned").exists()


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("text", [".inf", "-.inf", ".nan", ".NaN"])
@pytest.mark.parametrize(
    "field",
    ["nodes.cn_shenzhen.unit_price", "nodes.plant_de.shortage_penalty_per_unit"],
)
def test_infinite_and_nan_numbers_are_refused(write, minimal, field, text):
    _, node, key = field.split(".")
    minimal["nodes"][node][key] = "@"
    path = write("inf.yaml", yaml.safe_dump(minimal).replace("'@'", text))
    p = only(path)
    assert p.path == field and p.message.startswith("must be a finite number, got ")
    assert p.line is not None


def test_inf_inside_a_distribution_is_refused(write, minimal):
    minimal["legs"]["cn_rtm"]["transit_days"] = {"dist": "lognormal", "mean": 30, "cv": math.inf}
    p = only(write("d.yaml", minimal))
    assert p.path == "legs.cn_rtm.transit_days.cv" and "finite" in p.message


def test_numbers_beyond_the_documented_range_are_refused(write, minimal):
    minimal["nodes"]["cn_shenzhen"]["unit_price"] = 1e300
    minimal["legs"]["cn_rtm"]["transit_days"] = {"dist": "lognormal", "mean": 30, "cv": 1e308}
    found = {p.path: p for p in problems_of(write("big.yaml", minimal))}
    assert set(found) == {"nodes.cn_shenzhen.unit_price", "legs.cn_rtm.transit_days.cv"}
    assert all("beyond the range of scenario numbers" in p.message for p in found.values())


def test_horizon_and_unit_by_unit_demand_have_upper_bounds(write, minimal):
    minimal["horizon_days"] = 10**7
    minimal["nodes"]["plant_de"]["demand"] = {"kind": "poisson", "rate_per_day": 1e9}
    found = {p.path: p.message for p in problems_of(write("slow.yaml", minimal))}
    assert found["horizon_days"] == "must be <= 36500, got 10000000"
    assert found["nodes.plant_de.demand.rate_per_day"] == "must be <= 100000, got 1e+09"


# --------------------------------------------------------------------------- size


def test_a_file_over_the_size_limit_is_refused_before_parsing(write, minimal):
    comment = "# " + "x" * (MAX_FILE_BYTES + 10) + "\n"
    path = write("big.yaml", comment + yaml.safe_dump(minimal))
    started = time.perf_counter()
    p = only(path)
    assert time.perf_counter() - started < 1.0
    assert "MiB; scenario files may be at most 2 MiB" in p.message


def test_a_huge_list_of_values_is_refused_by_count(write, minimal):
    minimal["legs"]["rtm_plant"]["transit_days"] = "@"
    values = "[" + ",".join(["1"] * (10 * MAX_VALUES)) + "]"  # 400 kB: under the size limit
    path = write("many.yaml", yaml.safe_dump(minimal).replace("'@'", values))
    started = time.perf_counter()
    p = only(path)
    assert time.perf_counter() - started < 5.0
    assert f"more than {MAX_VALUES:,} values" in p.message


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_devices_are_not_read(device):
    p = only(device)
    assert p.message == "not a regular file"


def test_control_characters_are_located(write):
    p = only(write("nul.yaml", "name: x\nseed: 1\x00\n"))
    assert p.line == 2 and "control character '\\x00'" in p.message and "column 8" in p.message
    assert "tabs" not in p.fix


# --------------------------------------------------------------------------- echoes


def test_long_values_are_echoed_shortened(write, minimal):
    minimal["nodes"]["port_rtm"]["country"] = "Z" * 200_000
    minimal["sourcing"]["single"]["supplier"] = "q" * 200_000
    problems = problems_of(write("long.yaml", minimal))
    text = "\n".join(str(p) for p in problems)
    assert len(text) < 3000
    assert "… (200,000 characters)" in text


def test_control_characters_in_values_are_escaped_when_echoed():
    assert shorten("a\x1b[2Jb\nc") == "a\\x1b[2Jb\\nc"
    assert shorten("x" * 100, 10) == "x" * 10 + "… (100 characters)"


# --------------------------------------------------------------------------- extends


def test_extends_outside_the_folder_is_refused_unless_allowed(write, minimal):
    write("shared/base.yaml", minimal)
    path = write("team/variant.yaml", "extends: ../shared/base.yaml\nhorizon_days: 50\n")
    p = only(path)
    assert p.path == "extends" and "outside the scenario's folder" in p.message
    assert "--allow-extends-outside" in p.fix and p.line == 1
    sc = load_scenario(path, allow_extends_outside=True)
    assert sc.horizon_days == 50 and sc.name == "variant"


@pytest.mark.parametrize("target", ["/etc/passwd", "/etc/hostname", "/dev/zero", "../../x.yaml"])
def test_extends_cannot_reach_system_files(write, target):
    p = only(write("v.yaml", f"extends: {target}\nname: v\n"))
    assert "outside the scenario's folder" in p.message


def test_extends_through_a_link_out_of_the_folder_is_refused(write, minimal, tmp_path):
    write("outside/base.yaml", minimal)
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "link.yaml").symlink_to(tmp_path / "outside" / "base.yaml")
    p = only(write("team/v.yaml", "extends: link.yaml\nname: v\n"))
    assert "outside the scenario's folder" in p.message


def test_a_base_in_a_subfolder_may_extend_its_parent_within_the_tree(write, minimal):
    write("root/base.yaml", minimal)
    write("root/sub/mid.yaml", "extends: ../base.yaml\nhorizon_days: 70\n")
    sc = load_scenario(write("root/top.yaml", "extends: sub/mid.yaml\nname: top\n"))
    assert sc.horizon_days == 70


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    "text,expected",
    [("3", 3), ("0.5", 0.5), ("[a, b]", ["a", "b"]), ("true", True), ("x: 1", {"x": 1})],
)
def test_parse_value_reads_plain_yaml(text, expected):
    assert parse_value(text) == expected


@pytest.mark.parametrize(
    "text,words",
    [
        ("[unclosed", "malformed YAML"),
        ("!!python/name:os.system", "tags are not allowed"),
        ("[" * 100 + "]" * 100, "nested more than"),
    ],
)
def test_parse_value_refuses_with_a_reason(text, words):
    with pytest.raises(ValueError, match=words):
        parse_value(text)


def test_a_long_chain_of_extends_is_refused_not_a_recursion_error(write, minimal):
    from simulator.scenario.overlays import MAX_CHAIN

    write("f0.yaml", minimal)
    for i in range(1, 3 * MAX_CHAIN):
        write(f"f{i}.yaml", f"extends: f{i - 1}.yaml\n")
    p = only(write("top.yaml", f"extends: f{3 * MAX_CHAIN - 1}.yaml\n"))
    assert f"extends chains more than {MAX_CHAIN} files" in p.message
    assert load_scenario(write("ok.yaml", "extends: f5.yaml\nname: ok\n")).name == "ok"
