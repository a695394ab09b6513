"""``diversim validate`` and ``diversim schema`` as a user runs them (a subprocess each).

Every kind of bad input must exit with status 2 and print, for each problem, the file, the field
path, what is wrong and a fix, never a traceback. The subprocesses run in parallel to keep this
module fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

GOOD = """\
# A shipped-style scenario: comments, bare numbers for fixed times, one of each thing.
name: mini
horizon_days: 100
warmup_days: 10
replications: 2
nodes:
  cn_shenzhen:
    kind: supplier
    country: CN
    capacity_per_day: 100          # units/day
    lead_time_days: {dist: triangular, low: 5, mode: 7, high: 12}
    unit_price: 10
  vn_hochiminh:
    kind: supplier
    country: VN
    capacity_per_day: 50
    lead_time_days: 7
  port_rtm:
    kind: port
    country: NL
  plant_de:
    kind: site
    country: DE
    demand: {kind: daily, quantity: {dist: poisson, mean: 20}}
    inventory: {kind: base_stock, order_up_to_days_of_cover: 30}
legs:
  cn_rtm:
    from: cn_shenzhen
    to: port_rtm
    mode: sea
    transit_days: {dist: lognormal, mean: 30, cv: 0.1}
  vn_rtm: {from: vn_hochiminh, to: port_rtm, mode: sea, transit_days: 28}
  rtm_plant: {from: port_rtm, to: plant_de, mode: road, transit_days: 2}
sourcing:
  single: {kind: single, supplier: cn_shenzhen}
  diversified:
    kind: split
    shares: {cn_shenzhen: 0.6, vn_hochiminh: 0.4}
disruptions:
  rotterdam_strike:
    target: {node: port_rtm}
    timing: {kind: scheduled, start_day: 30, duration_days: 10}
    effect: {closed: true}
"""


def edit(old: str, new: str, text: str = GOOD) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# name: (files to write, file to validate, text that must appear in stderr besides file and fix)
CASES: dict[str, tuple[dict[str, str], str, list[str]]] = {
    "malformed_yaml": (
        {"s.yaml": edit("  port_rtm:\n", "  port_rtm: {kind: port\n")},
        "s.yaml",
        ["malformed YAML", "s.yaml:"],
    ),
    "unknown_supplier": (
        {"s.yaml": edit("vn_hochiminh: 0.4", "vn_hcmc: 0.4")},
        "s.yaml",
        [
            "sourcing.diversified.shares.vn_hcmc",
            "unknown supplier 'vn_hcmc'",
            "did you mean 'vn_hochiminh'?",
        ],
    ),
    "shares_sum": (
        {"s.yaml": edit("vn_hochiminh: 0.4", "vn_hochiminh: 0.3")},
        "s.yaml",
        ["sourcing.diversified.shares", "shares sum to 0.9, must be 1"],
    ),
    "negative_capacity": (
        {"s.yaml": edit("capacity_per_day: 100", "capacity_per_day: -100")},
        "s.yaml",
        ["nodes.cn_shenzhen.capacity_per_day", "must be > 0, got -100", "units/day"],
    ),
    "negative_duration": (
        {"s.yaml": edit("transit_days: 28", "transit_days: -28")},
        "s.yaml",
        ["legs.vn_rtm.transit_days", "must be >= 0, got -28"],
    ),
    "site_unreachable": (
        {
            "s.yaml": edit(
                "  rtm_plant: {from: port_rtm, to: plant_de, mode: road, transit_days: 2}\n", ""
            )
        },
        "s.yaml",
        ["nodes.plant_de", "no supplier can reach site 'plant_de'"],
    ),
    "policy_supplier_without_route": (
        {
            "s.yaml": edit(
                "  vn_rtm: {from: vn_hochiminh, to: port_rtm, mode: sea, transit_days: 28}\n", ""
            )
        },
        "s.yaml",
        ["sourcing.diversified.shares.vn_hochiminh", "has no route to site 'plant_de'"],
    ),
    "extends_cycle": (
        {"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"},
        "a.yaml",
        ["extends", "cycle", "a.yaml -> ", "b.yaml -> "],
    ),
    "wrong_node_kind": (
        {"s.yaml": edit("supplier: cn_shenzhen", "supplier: port_rtm")},
        "s.yaml",
        ["sourcing.single.supplier", "'port_rtm' is a port, not a supplier"],
    ),
    "unknown_field": (
        {"s.yaml": edit("    unit_price: 10\n", "    unit_prize: 10\n")},
        "s.yaml",
        ["nodes.cn_shenzhen.unit_prize", "did you mean 'unit_price'?"],
    ),
    "unknown_kind": (
        {"s.yaml": edit("kind: port", "kind: prot")},
        "s.yaml",
        ["nodes.port_rtm.kind", "unknown kind 'prot'", "did you mean 'port'?"],
    ),
    "unknown_dist": (
        {"s.yaml": edit("dist: lognormal", "dist: log-normal")},
        "s.yaml",
        ["legs.cn_rtm.transit_days.dist", "unknown dist 'log-normal'"],
    ),
    "missing_required_field": (
        {"s.yaml": edit("    demand: {kind: daily, quantity: {dist: poisson, mean: 20}}\n", "")},
        "s.yaml",
        ["nodes.plant_de.demand", "required field 'demand' is missing"],
    ),
    "warmup_not_less_than_horizon": (
        {"s.yaml": edit("warmup_days: 10", "warmup_days: 100")},
        "s.yaml",
        ["warmup_days", "must be less than horizon_days (100)"],
    ),
    "missing_extends_base": (
        {"v.yaml": "extends: bsae.yaml\nhorizon_days: 50\n", "base.yaml": GOOD},
        "v.yaml",
        ["extends", "base file 'bsae.yaml' not found", "did you mean 'base.yaml'?"],
    ),
    "not_a_mapping": (
        {"s.yaml": "- cn_shenzhen\n- plant_de\n"},
        "s.yaml",
        ["(top level)", "must be a mapping"],
    ),
    "file_not_found": ({}, "nowhere.yaml", ["file not found"]),
    "several_problems_at_once": (
        {
            "s.yaml": edit(
                "capacity_per_day: 100",
                "capacity_per_day: -1",
                edit("vn_hochiminh: 0.4", "vn_hochiminh: 0.3"),
            )
        },
        "s.yaml",
        ["nodes.cn_shenzhen.capacity_per_day", "sourcing.diversified.shares", "shares sum to 0.9"],
    ),
}


def diversim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    runs = {}
    for name, (files, target, _) in CASES.items():
        folder = tmp_path_factory.mktemp(name)
        for fname, text in files.items():
            (folder / fname).write_text(text, encoding="utf-8")
        runs[name] = folder / target
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = dict(
            zip(runs, pool.map(lambda p: diversim("validate", str(p)), runs.values()), strict=True)
        )
    return {name: (runs[name], done[name]) for name in runs}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_a_clear_message(results, case):
    path, proc = results[case]
    err = proc.stderr
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    assert proc.stdout == ""
    assert path.name in err
    assert "— fix: " in err
    for text in CASES[case][2]:
        assert text in err, f"{text!r} missing from:\n{err}"
    problem_lines = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert problem_lines and all("— fix: " in ln for ln in problem_lines), err
    assert err.rstrip().endswith("1 of 1 file(s) have problems")


def test_good_file_is_ok_and_a_bad_one_does_not_stop_it(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(edit("capacity_per_day: 100", "capacity_per_day: -1"), encoding="utf-8")
    proc = diversim("validate", str(good), str(bad))
    assert proc.returncode == 2
    assert "ok: " in proc.stdout and "good.yaml" in proc.stdout
    assert "bad.yaml" in proc.stderr and "1 of 2 file(s) have problems" in proc.stderr


def test_schema_is_json_and_accepts_a_shipped_style_scenario():
    proc = diversim("schema")
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    assert schema["type"] == "object" and "nodes" in schema["properties"]
    jsonschema = pytest.importorskip("jsonschema")
    yaml = pytest.importorskip("yaml")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    data = yaml.safe_load(GOOD)
    assert [e.message for e in validator.iter_errors(data)] == []
    data["nodes"]["cn_shenzhen"]["capacity_per_day"] = -1
    assert list(validator.iter_errors(data))
    # Every shipped scenario that stands alone (no extends) is accepted by the schema too.
    shipped = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
    for path in shipped:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "extends" not in data:
            assert [e.message for e in validator.iter_errors(data)] == [], path.name
