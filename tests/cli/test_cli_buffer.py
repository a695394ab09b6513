"""``diversim buffer``: the table, the plot, resuming, and bad values."""

from __future__ import annotations

import pandas as pd
import yaml

from simulator.cli import main


def _file(tmp_path):
    """Daily Poisson(10) demand, lead time 3 days, backorders: 5 days of cover is the smallest
    level whose fill rate passes 90% (0.982 against 0.758 at 4 days, in closed form: see
    tests/experiment/test_buffer.py)."""
    data = {
        "name": "buffer_theory",
        "seed": 17,
        "horizon_days": 700,
        "warmup_days": 20,
        "replications": 4,
        "nodes": {
            "sup": {"kind": "supplier", "country": "CN", "lead_time_days": 2},
            "dc": {
                "kind": "site",
                "country": "DE",
                "demand": {"kind": "daily", "quantity": {"dist": "poisson", "mean": 10}},
                "inventory": {"kind": "base_stock", "order_up_to": 20},
            },
        },
        "legs": {"road": {"from": "sup", "to": "dc", "mode": "road", "transit_days": 1}},
        "sourcing": {"single": {"kind": "single", "supplier": "sup"}},
    }
    path = tmp_path / "theory.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_buffer_writes_levels_and_plot_and_resumes(tmp_path, capsys):
    path = _file(tmp_path)
    out = tmp_path / "buf"
    args = ["buffer", str(path), "--target-fill", "0.9", "-n", "4", "-j", "1", "-q"]
    assert main([*args, "--out", str(out)]) == 0
    levels = pd.read_csv(out / "levels.csv")
    assert levels.loc[0, "days"] == 5  # the closed-form answer (tests/experiment/test_buffer.py)
    assert (out / "plots" / "cost_to_target.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    evaluated = pd.read_csv(out / "buffer.csv")
    capsys.readouterr()
    # Rerun: every level comes from the store, the same table results.
    assert main([*args, "--out", str(out)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out / "buffer.csv"), evaluated)


def test_buffer_refuses_a_target_outside_0_1(tmp_path, capsys):
    path = _file(tmp_path)
    code = main(["buffer", str(path), "--target-fill", "98", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "--target-fill" in err and "0.98" in err and "Traceback" not in err
