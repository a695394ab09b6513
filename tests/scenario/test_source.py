"""Reading one scenario file: data and line map from a single YAML parse."""

from __future__ import annotations

import pytest
import yaml

from simulator.errors import ScenarioError
from simulator.scenario import load_scenario
from simulator.scenario.source import read_scenario_file

TEXT = """\
name: lines
nodes:
  cn:
    kind: supplier
    country: CN
    lead_time_days: {dist: triangular, low: 5, mode: 7, high: 12}
    tags:
      - asia
      - critical
legs:
  cn_plant:
    from: cn
    transit_days:
      dist: lognormal
      mean: 30
"""


@pytest.fixture
def parses(monkeypatch):
    """Counts YAML parses: each PyYAML entry point (compose, safe_load, …) builds a SafeLoader,
    and the scenario reader builds its libyaml-based loader."""
    from simulator.scenario import source

    count = {"n": 0}
    for cls in {yaml.SafeLoader, source._FastLoader}:
        init = cls.__init__

        def counting(self, stream, init=init):
            count["n"] += 1
            init(self, stream)

        monkeypatch.setattr(cls, "__init__", counting)
    return count


def test_line_map_of_nested_fields(write):
    got = read_scenario_file(write("s.yaml", TEXT).resolve())
    assert got.data["nodes"]["cn"]["tags"] == ["asia", "critical"]
    assert got.lines[("name",)] == 1
    assert got.lines[("nodes", "cn", "lead_time_days")] == 6
    assert got.lines[("nodes", "cn", "lead_time_days", "mode")] == 6
    assert got.lines[("nodes", "cn", "tags", "1")] == 9
    assert got.lines[("legs", "cn_plant", "transit_days", "mean")] == 15
    assert got.problems == []


def test_one_parse_per_file(write, parses, minimal):
    write("base.yaml", minimal)
    write("mid.yaml", "extends: base.yaml\nhorizon_days: 50\n")
    path = write("top.yaml", "extends: mid.yaml\nnodes:\n  cn_shenzhen:\n    unit_price: 11\n")
    sc = load_scenario(path)
    assert sc.horizon_days == 50 and sc.nodes["cn_shenzhen"].unit_price == 11
    assert parses["n"] == 3  # three files, each parsed once for both data and lines


def test_merge_keys_keep_their_lines_and_are_not_duplicates(write):
    text = "a: &base\n  x: 1\n  y: 2\nb:\n  <<: *base\n  y: 3\n"
    got = read_scenario_file(write("m.yaml", text).resolve())
    assert got.data == {"a": {"x": 1, "y": 2}, "b": {"x": 1, "y": 3}}
    assert got.lines[("b", "y")] == 6 and got.lines[("b", "<<")] == 5
    assert got.problems == []


def test_duplicate_key_is_a_problem_with_both_lines(write):
    got = read_scenario_file(write("d.yaml", "name: a\nseed: 1\nseed: 2\n").resolve())
    assert got.data["seed"] == 2
    (p,) = got.problems
    assert p.path == "seed" and p.line == 3 and "first on line 2" in p.message


def test_unknown_tag_is_refused_as_a_tag(write):
    with pytest.raises(ScenarioError) as info:
        read_scenario_file(write("t.yaml", "name: a\ncurrency: !money USD\n").resolve())
    (p,) = info.value.problems
    assert p.line == 2 and "tags are not allowed (found '!money')" in p.message
