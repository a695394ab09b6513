"""Verbs whose output is piped into a reader that stops early (``| head``), and ``diversim
compare``'s warnings and numbers."""

from __future__ import annotations

import shutil
import subprocess
import sys

from simulator.cli import main
from simulator.output.compare import human


def _piped_into_head(*args: str) -> subprocess.CompletedProcess:
    """``python -m simulator ARGS | head -1`` through a real pipe; the shell's status is the
    status of diversim (pipefail)."""
    cmd = " ".join([sys.executable, "-m", "simulator", *args])
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{cmd} | head -1"], capture_output=True, text=True
    )


def test_schema_into_head_ends_quietly():
    proc = _piped_into_head("schema")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "{"
    assert proc.stderr == ""


def _copy(src, dst):
    dst.mkdir()
    for f in src.iterdir():
        if f.is_file():
            shutil.copy(f, dst)
    return dst


def test_compare_into_head_still_writes_its_files(results_dir, tmp_path):
    a, b = _copy(results_dir, tmp_path / "a"), _copy(results_dir, tmp_path / "b")
    out = tmp_path / "cmp"
    proc = _piped_into_head("compare", str(a), str(b), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    for name in ("comparison.csv", "comparison.png", "comparison.svg"):
        assert (out / name).stat().st_size > 0, name


def test_compare_warns_when_the_scenarios_differ(results_dir, tmp_path, capsys):
    import json

    a, b = _copy(results_dir, tmp_path / "a"), _copy(results_dir, tmp_path / "b")
    m = json.loads((b / "manifest.json").read_text())
    m.update(scenario="other", root_seed=m["root_seed"] + 1)
    (b / "manifest.json").write_text(json.dumps(m))
    assert main(["compare", str(a), str(b), "--out", str(tmp_path / "cmp")]) == 0
    err = capsys.readouterr().err
    assert "not like for like" in err
    assert "scenario: a = " in err and "b = other" in err and "seed:" in err


def test_compare_of_like_runs_warns_nothing_and_prints_readable_numbers(
    results_dir, tmp_path, capsys
):
    a, b = _copy(results_dir, tmp_path / "a"), _copy(results_dir, tmp_path / "b")
    assert main(["compare", str(a), str(b), "--out", str(tmp_path / "cmp")]) == 0
    captured = capsys.readouterr()
    assert "warning" not in captured.err
    assert "e+0" not in captured.out
    assert "%" in captured.out  # the fill rate as a percentage


def test_human_numbers():
    assert human(35110.4, "cost_total") == "35,110"
    assert human(0.9734, "fill_rate") == "97.3%"
    assert human(12.345, "cost_per_unit") == "12.3"
    assert human(0.41234, "hhi_supplier") == "0.412"
    assert human(float("nan")) == "–"
