"""The README's Python examples run as written (in order, from a folder holding the scenarios)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_examples_run(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) >= 2
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    script = tmp_path / "readme_examples.py"
    script.write_text("\n".join(blocks))
    p = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    assert "vs single_cn_sea: fill rate" in p.stdout  # the verdict printed by the example
    assert (tmp_path / "results" / "my_run" / "summary.csv").is_file()
