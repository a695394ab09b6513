"""`diversim run` and `diversim compare` end to end, through the command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

EXPECTED = [
    "summary.csv",
    "replications.csv",
    "episodes.csv",
    "paired.csv",
    "timeseries.csv",
    "leg_flows.csv",
    "scenario.resolved.yaml",
    "manifest.json",
    "verdict.txt",
]


def diversim(*args: str, cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kw,
    )


def write_scenario(tmp_path: Path, data: dict, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_run_writes_every_file_and_a_verdict(tiny_data, tmp_path):
    path = write_scenario(tmp_path, tiny_data)
    out = tmp_path / "results" / "tiny"
    p = diversim("run", str(path), "-n", "3", "-j", "2", "--no-report", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    for name in EXPECTED:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert "split vs single: fill rate" in p.stdout and "95% CI, 3 paired replications" in p.stdout
    m = json.loads((out / "manifest.json").read_text())
    assert m["root_seed"] == 11 and m["replications"] == 3
    assert m["scenario_hash"].startswith("sha256:") and "numpy" in m["libraries"]
    resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text())
    assert resolved["nodes"]["dc"]["inventory"]["order_up_to_days_of_cover"] == 45
    # No temporary folders are left behind.
    assert [p.name for p in out.parent.iterdir()] == ["tiny"]


def test_run_never_overwrites_without_force(tiny_data, tmp_path):
    path = write_scenario(tmp_path, tiny_data)
    out = tmp_path / "r"
    assert (
        diversim(
            "run", str(path), "-n", "2", "-j", "1", "--out", str(out), "--no-report", cwd=tmp_path
        ).returncode
        == 0
    )
    before = (out / "summary.csv").read_bytes()
    again = [
        "run",
        str(path),
        "-n",
        "2",
        "-j",
        "1",
        "--out",
        str(out),
        "--seed",
        "5",
        "--no-report",
    ]
    p = diversim(*again, cwd=tmp_path)
    assert p.returncode == 2 and "--force" in p.stderr and "Traceback" not in p.stderr
    assert (out / "summary.csv").read_bytes() == before
    p = diversim(*again, "--force", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (out / "summary.csv").read_bytes() != before


def test_bad_arguments_exit_2_without_traceback(tiny_data, tmp_path):
    path = write_scenario(tmp_path, tiny_data)
    p = diversim("run", str(path), "--policy", "nope", "--no-report", cwd=tmp_path)
    assert p.returncode == 2 and "unknown policy 'nope'" in p.stderr
    assert "Traceback" not in p.stderr
    p = diversim("run", str(tmp_path / "missing.yaml"), cwd=tmp_path)
    assert p.returncode == 2 and "file not found" in p.stderr


def test_ctrl_c_leaves_no_half_written_folder(tiny_data, tmp_path):
    tiny_data["horizon_days"] = 3000
    path = write_scenario(tmp_path, tiny_data)
    out = tmp_path / "res"
    out.mkdir()
    (out / "summary.csv").write_text("previous run\n")
    (out / "manifest.json").write_text(
        '{"scenario": "tiny"}\n'
    )  # a results folder: --force may replace it
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator",
            "run",
            str(path),
            "-n",
            "400",
            "-j",
            "2",
            "--out",
            str(out),
            "--force",
            "--no-report",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Interrupt once the simulation is under way (start-up can be slow on a loaded machine).
    started = ""
    while "running 'tiny'" not in started:
        line = proc.stderr.readline()
        assert line, "the run ended before it started simulating"
        started += line
    time.sleep(1.5)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "interrupted: no results written" in err and "Traceback" not in err
    assert (out / "summary.csv").read_text() == "previous run\n"  # the old results are intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res", "tiny.yaml"]


def test_compare_prints_and_writes_a_side_by_side_table(tiny_data, tmp_path):
    path = write_scenario(tmp_path, tiny_data)
    for seed, name in ((1, "a"), (2, "b")):
        assert (
            diversim(
                "run",
                str(path),
                "-n",
                "2",
                "-j",
                "1",
                "--seed",
                str(seed),
                "--out",
                str(tmp_path / name),
                "--no-report",
                cwd=tmp_path,
            ).returncode
            == 0
        )
    p = diversim(
        "compare",
        str(tmp_path / "a"),
        str(tmp_path / "b"),
        "--out",
        str(tmp_path / "cmp"),
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    assert "fill_rate" in p.stdout and " a " in p.stdout.replace("\n", " ")
    table = (tmp_path / "cmp" / "comparison.csv").read_text()
    assert table.count("fill_rate") == 2 * 3  # two runs × three policies
    p = diversim("compare", str(tmp_path / "a"), str(tmp_path / "nothing"), cwd=tmp_path)
    assert p.returncode == 2 and "not a results folder" in p.stderr


ROOT = Path(__file__).resolve().parents[2]
PLOTS = [
    "service",
    "inventory",
    "comparison",
    "paired",
    "cost_resilience",
    "performance_loss",
    "route_map",
]


def test_shipped_scenario_end_to_end_writes_tables_plots_and_report(tmp_path):
    out = tmp_path / "red_sea"
    p = diversim(
        "run",
        str(ROOT / "scenarios" / "red_sea_crisis.yaml"),
        "-n",
        "3",
        "-j",
        "2",
        "--set",
        "horizon_days=400",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    for name in [*EXPECTED, "report.html"]:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    for stem in PLOTS:
        for ext in ("png", "svg"):
            assert (out / "plots" / f"{stem}.{ext}").stat().st_size > 1000, (stem, ext)
    for table in ("summary", "replications", "episodes", "paired", "timeseries"):
        assert (out / f"{table}.parquet").is_file()  # pyarrow is installed with the dev extra
    resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text())
    assert resolved["horizon_days"] == 400  # --set is part of the scenario as run
    assert "backup_tr_on_delay vs single_cn_sea" in p.stdout


def test_set_with_a_bad_path_exits_2(tmp_path):
    p = diversim(
        "run",
        str(ROOT / "scenarios" / "red_sea_crisis.yaml"),
        "--set",
        "horizon_dayz=400",
        "--out",
        str(tmp_path / "x"),
        cwd=tmp_path,
    )
    assert p.returncode == 2 and "did you mean 'horizon_days'" in p.stderr
    assert "Traceback" not in p.stderr and not (tmp_path / "x").exists()


def test_commands_give_pyarrow_the_system_allocator_unless_told_otherwise(monkeypatch):
    # mimalloc (pyarrow's default) kept what the summaries' text columns passed through.
    from simulator import cli

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    assert cli.main(["schema"]) == 0
    assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == cli.ARROW_POOL == "system"
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    assert cli.main(["schema"]) == 0
    assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "jemalloc"
