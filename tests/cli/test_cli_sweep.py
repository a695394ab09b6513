"""``diversim sweep`` as a user runs it (a subprocess each): resumable after a kill, fails fast
on a bad path or value, design files, plots, Dask scheduler addresses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

DURATION = "disruptions.suez_block.timing.duration_days"
COVER = "nodes.dc.inventory.order_up_to_days_of_cover"


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    """``python -m simulator ARGS`` with its output captured (text)."""
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], capture_output=True, text=True, **kw
    )


def _sweep_cmd(path: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "simulator",
        "sweep",
        str(path),
        "--grid",
        f"{DURATION}=2,4,6,8",
        "--grid",
        f"{COVER}=40,50",
        "-n",
        "2",
        "-j",
        "2",
        "--out",
        str(out),
        "--no-report",
        "-q",
    ]


def test_killed_sweep_resumes_and_equals_an_uninterrupted_run(tiny_data, tmp_path):
    tiny_data["horizon_days"] = 1000
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_data, sort_keys=False))
    env = {**os.environ, "MPLBACKEND": "Agg"}
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        _sweep_cmd(path, out),
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "points").glob("point-*.csv"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, mid-sweep
    proc.wait()
    kept = len(list((out / "points").glob("point-*.csv")))
    assert 2 <= kept < 8, "the sweep was not interrupted part-way"
    resumed = subprocess.run(_sweep_cmd(path, out), env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming: {kept} of 8 points already done, {8 - kept} to compute" in resumed.stderr
    assert f"({8 - kept} points computed now" in resumed.stdout
    clean = subprocess.run(
        _sweep_cmd(path, tmp_path / "clean"), env=env, capture_output=True, text=True
    )
    assert clean.returncode == 0, clean.stderr
    for name in ("summary.csv", "sweep.csv"):
        assert (out / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name
    assert not [p for p in (out / "points").iterdir() if p.name.startswith(".")]


def test_cli_sweep_fails_fast_on_bad_path_or_value(tiny_data, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_data, sort_keys=False))
    for grid_opt, expect in (
        ("disruptions.suez_block.timing.duraton_days=3,6", "duraton_days"),
        (f"{DURATION}=-1,6", DURATION),
        ("sourcing.split.shares.cn=0.9", "shares sum to 1.4"),
        (f"{DURATION}", "PATH=V1,V2"),
    ):
        t0 = time.time()
        p = cli("sweep", str(path), "--grid", grid_opt, "--out", str(tmp_path / "o"))
        assert p.returncode == 2, (grid_opt, p.stderr)
        assert expect in p.stderr and "Traceback" not in p.stderr
        assert not (tmp_path / "o").exists()  # nothing simulated, nothing written
        assert time.time() - t0 < 90  # validation only: no simulation ran


def test_cli_sweep_design_file_and_plots(tiny_data, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_data, sort_keys=False))
    design = tmp_path / "design.yaml"
    design.write_text(
        yaml.safe_dump(
            {
                "design": "grid",
                "replications": 2,
                "parameters": [
                    {"path": DURATION, "values": [3, 9]},
                    {
                        "paths": ["sourcing.split.shares.cn", "sourcing.split.shares.vn"],
                        "values": [[0.5, 0.5], [0.8, 0.2]],
                    },
                ],
            }
        )
    )
    out = tmp_path / "sw"
    p = cli(
        "sweep",
        str(path),
        "--design",
        str(design),
        "--out",
        str(out),
        "-j",
        "2",
        "-q",
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert p.returncode == 0, p.stderr
    assert "best policy per point" in p.stdout
    for stem in ("sweep_line", "sweep_heatmap", "sweep_best_policy", "sweep_pareto"):
        png = out / "plots" / f"{stem}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
        assert (out / "plots" / f"{stem}.svg").read_text().lstrip().startswith("<?xml")


@pytest.mark.slow
def test_cli_sweep_on_a_dask_scheduler_address(tiny_data, tmp_path):
    """`--executor dask --dask-scheduler tcp://…` runs on an existing cluster and gives the same
    summary as local processes."""
    from dask.distributed import LocalCluster

    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_data, sort_keys=False))
    args = ["--grid", f"{DURATION}=3,9", "-n", "2", "--no-report", "-q"]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        p = cli(
            "sweep",
            str(path),
            "--executor",
            "dask",
            "--dask-scheduler",
            cluster.scheduler_address,
            "--out",
            str(tmp_path / "d"),
            *args,
            env=env,
        )
    assert p.returncode == 0, p.stderr
    q = cli("sweep", str(path), "-j", "1", "--out", str(tmp_path / "l"), *args, env=env)
    assert q.returncode == 0, q.stderr
    assert (tmp_path / "d" / "summary.csv").read_bytes() == (
        tmp_path / "l" / "summary.csv"
    ).read_bytes()


def test_unreachable_dask_scheduler_is_a_clear_error(tiny_data, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_data, sort_keys=False))
    p = cli(
        "sweep",
        str(path),
        "--grid",
        f"{DURATION}=3",
        "-n",
        "1",
        "--executor",
        "dask",
        "--dask-scheduler",
        "tcp://127.0.0.1:9",
        "--out",
        str(tmp_path / "o"),
        "-q",
        timeout=120,
    )
    assert p.returncode == 2, p.stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in p.stderr
    assert "Traceback" not in p.stderr


def test_cli_sweep_takes_set_overrides_like_the_other_batch_verbs(tiny_data, tmp_path):
    """``--set`` applies before the design: a thinner stock gives another sweep; a bad path is
    refused before anything is simulated."""
    import pandas as pd

    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_data, sort_keys=False))
    base = ["sweep", str(path), "--grid", f"{DURATION}=4", "-n", "2", "-j", "1", "--no-report"]
    runs = {}
    for name, extra in (("plain", []), ("thin", ["--set", f"{COVER}=2"])):
        out = tmp_path / name
        p = cli(*base, "-q", "--out", str(out), *extra)
        assert p.returncode == 0, p.stderr
        runs[name] = pd.read_csv(out / "summary.csv")
    fill = {k: v[v["figure"] == "fill_rate"]["mean"].min() for k, v in runs.items()}
    assert fill["thin"] < fill["plain"]
    p = cli(*base, "--out", str(tmp_path / "bad"), "--set", "nodes.dc.inventory.nope=3")
    assert p.returncode == 2 and "nope" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "bad").exists()
