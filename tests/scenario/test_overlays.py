"""``extends`` overlays on their own: merging, deletions, where each field came from, cycles."""

from __future__ import annotations

import pytest

from simulator.errors import Problem, ScenarioError
from simulator.scenario.overlays import deep_merge, read_layers


def test_each_field_is_located_in_the_file_that_last_wrote_it(write):
    write("base.yaml", "name: base\nhorizon_days: 100\nnodes:\n  a: {kind: port, country: NL}\n")
    top = write("top.yaml", "extends: base.yaml\n\nhorizon_days: 50\n")
    source = read_layers(top)
    assert source.data["horizon_days"] == 50 and source.data["nodes"]["a"]["country"] == "NL"
    assert [f.name for f in source.files] == ["base.yaml", "top.yaml"]
    assert source.locate("horizon_days")[1] == 3
    file, line = source.locate("nodes.a.country")
    assert file.endswith("base.yaml") and line == 4
    assert source.locate("nowhere")[0].endswith("top.yaml")  # the file itself, no line


def test_null_deletes_and_is_remembered_for_the_messages(write):
    write("base.yaml", "name: b\nlegs:\n  x: {from: a, to: b}\n  y: {from: b, to: c}\n")
    source = read_layers(write("v.yaml", "extends: base.yaml\nlegs:\n  x: null\n"))
    assert list(source.data["legs"]) == ["y"]
    assert list(source.deleted) == [("legs", "x")]
    (p,) = source.place([Problem("sourcing.s.route", "unknown leg 'x'", "fix it")])
    assert p.message.startswith("unknown leg 'x' (it was deleted by 'null' in ")
    assert p.message.endswith("v.yaml:3)") and p.file.endswith("v.yaml") and p.line is None


def test_a_variant_without_a_name_is_named_after_its_file(write):
    write("base.yaml", "name: base\n")
    assert read_layers(write("fast.yaml", "extends: base.yaml\n")).data["name"] == "fast"
    assert read_layers(write("named.yaml", "extends: base.yaml\nname: n\n")).data["name"] == "n"


def test_cycle_of_two_names_both_files_in_order(write):
    write("a.yaml", "extends: b.yaml\n")
    write("b.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError) as info:
        read_layers(write("a.yaml", "extends: b.yaml\n"))
    (p,) = info.value.problems
    assert p.path == "extends" and p.file.endswith("b.yaml") and p.line == 1
    assert p.message.startswith("extends forms a cycle: ")
    chain = p.message.removeprefix("extends forms a cycle: ").split(" -> ")
    assert [c.rsplit("/", 1)[-1] for c in chain] == ["a.yaml", "b.yaml", "a.yaml"]


def test_deep_merge_replaces_a_mapping_of_another_kind_and_deletes_with_none():
    base = {"p": {"kind": "split", "shares": {"a": 1}}, "keep": 1, "drop": 2}
    out = deep_merge(base, {"p": {"kind": "single", "supplier": "a"}, "drop": None})
    assert out == {"p": {"kind": "single", "supplier": "a"}, "keep": 1}
