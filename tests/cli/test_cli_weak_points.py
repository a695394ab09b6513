"""``diversim stress``, ``worst-case`` and ``sensitivity`` as a user runs them (a subprocess
each): the files they write, the overlay a worst case is rerun from, and bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulator.cli import main


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.fixture
def tiny_file(tiny_data, tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_data, sort_keys=False))
    return path


def test_stress_writes_its_folder(tiny_file, tmp_path):
    out = tmp_path / "stress"
    args = ["stress", str(tiny_file), "--elements", "chokepoints,tags", "--duration", "15,30"]
    r = cli(*args, "-n", "2", "-j", "2", "--out", str(out), "-q")
    assert r.returncode == 0, r.stderr
    assert "stress test: 2 elements × 2 durations × 3 policies" in r.stdout
    t = pd.read_csv(out / "stress.csv")
    assert set(t["element"]) == {"chokepoint:suez", "chokepoint:cape"}
    assert len(t) == 2 * 2 * 3  # elements × durations × policies
    for stem in ("ranking_single", "ranking_split", "ranking_backup", "tts_vs_ttr", "stress_heat"):
        assert (out / "plots" / f"{stem}.png").exists() and (out / "plots" / f"{stem}.svg").exists()
    html = (out / "report.html").read_text()
    assert "<section id='stress'>" in html and "chokepoint:suez" in html
    # Rerun: everything comes from the store.
    again = cli(*args, "-n", "2", "--out", str(out), "-q")
    assert "0 cases computed now" in again.stdout
    pd.testing.assert_frame_equal(t, pd.read_csv(out / "stress.csv"))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--elements", "ports"], "unknown kind 'ports'"),
        (["--duration", "0"], "--duration"),
        (["--effect", "capacity_factor=3"], "--effect"),
        (["--start-day", "5"], "--start-day 5"),
        (["--policy", "singel"], "did you mean 'single'"),
        (["--set", "horizon_days=-1"], "horizon_days"),
    ],
)
def test_stress_bad_input(tiny_file, tmp_path, capsys, extra, message):
    code = main(["stress", str(tiny_file), "-n", "2", "--out", str(tmp_path / "o"), "-q", *extra])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "o" / "stress.csv").exists()


def test_worst_case_overlay_reruns_the_case(tiny_file, tmp_path):
    out = tmp_path / "wc"
    r = cli(
        "worst-case", str(tiny_file), "--budget", "k=1,max_duration=20", "--elements",
        "chokepoints", "--top", "2", "--beam", "2", "--starts", "1", "--generations", "1",
        "--popsize", "2", "-n", "2", "--policy", "single", "--out", str(out), "-q",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    top = pd.read_csv(out / "worst_case.csv")
    assert list(top["elements"]) == ["chokepoint:suez", "chokepoint:cape"]
    assert (out / "plots" / "search.png").exists() and (out / "search.csv").exists()
    overlay = out / top.iloc[0]["overlay"]
    text = overlay.read_text()
    assert text.startswith("# Worst case 1 for policy 'single'") and "extends:" in text
    # The overlay is a scenario file: run it and get the same fill rate (same seed, common
    # random numbers).
    run = cli("run", str(overlay), "-n", "2", "--policy", "single", "--out", str(tmp_path / "rr"))
    assert run.returncode == 0, run.stderr
    reps = pd.read_csv(tmp_path / "rr" / "replications.csv")
    assert reps["fill_rate"].mean() == pytest.approx(top.iloc[0]["fill_rate"], abs=1e-12)


def test_worst_case_bad_budget(tiny_file, tmp_path, capsys):
    code = main(["worst-case", str(tiny_file), "--budget", "k=two", "--out", str(tmp_path / "x")])
    assert code == 2 and "--budget k='two'" in capsys.readouterr().err


def test_sensitivity_writes_its_folder(tiny_file, tmp_path):
    out = tmp_path / "sens"
    cover = "nodes.dc.inventory.order_up_to_days_of_cover=10:60"
    r = cli(
        "sensitivity", str(tiny_file), "--param", cover, "--param",
        "product.holding_cost_rate=0.1:0.3", "--samples", "2", "-n", "1", "--out", str(out), "-q",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "sensitivity of fill_rate (morris, 6 points" in r.stdout
    t = pd.read_csv(out / "sensitivity.csv")
    assert set(t["parameter"]) == {cover.split("=")[0], "product.holding_cost_rate"}
    assert (out / "plots" / "sensitivity.png").exists() and (out / "design.csv").exists()
    assert "<section id='sensitivity'>" in (out / "report.html").read_text()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--param", "nodes.dc.nope=1:2"], "no field 'nope'"),
        (["--param", "product.holding_cost_rate"], "PATH=LOW:HIGH"),
        (["--param", "product.holding_cost_rate=0.1:0.2", "--method", "sobol", "--samples", "6"],
         "power of 2"),
    ],
)  # fmt: skip
def test_sensitivity_bad_input(tiny_file, tmp_path, capsys, extra, message):
    code = main(["sensitivity", str(tiny_file), *extra, "-n", "1", "--out", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_run_report_shows_weak_points_inside_its_folder(results_dir, tiny_file, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(results_dir, run)
    r = cli(
        "stress", str(tiny_file), "--elements", "chokepoints", "--duration", "15", "-n", "2",
        "--policy", "single", "--out", str(run / "stress"), "-q",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    rep = cli("report", str(run))
    assert rep.returncode == 0, rep.stderr
    html = (run / "report.html").read_text()
    assert "<section id='stress-stress'>" in html and "href='#stress-stress'" in html
