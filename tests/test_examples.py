"""Example scripts run (quick mode) and say what they promise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_when_diversification_pays_quick(tmp_path):
    out = tmp_path / "wdp"
    p = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "when_diversification_pays.py"),
            "--quick",
            "--out",
            str(out),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("best is") == 2  # one verdict per design point
    assert (out / "summary.csv").is_file() and (out / "plots" / "sweep_pareto.png").is_file()
