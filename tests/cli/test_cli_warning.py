"""``diversim warning-value``: the folder, the text, and bad values."""

from __future__ import annotations

import pytest
import yaml

from simulator.cli import main


def test_warning_value_writes_table_plot_and_text(warned_plant, tmp_path, capsys):
    path = tmp_path / "warned.yaml"
    path.write_text(yaml.safe_dump(warned_plant()))
    out = tmp_path / "w"
    code = main(
        ["warning-value", str(path), "--lead-days", "0,3", "-j", "1", "-q", "--out", str(out)]
    )
    assert code == 0
    text = capsys.readouterr().out
    # 16 days × 10 units short without the warning (tests/experiment/test_warning_lead.py):
    # 3 days of notice removes them all, 0 days none.
    assert "p, 0 days ahead: fill rate +0.00 pp" in text
    assert "p, 3 days ahead: fill rate +11.43 pp" in text
    assert (out / "plots" / "value_of_warning_days.png").exists()
    assert "3 points computed now" in text
    assert main(["warning-value", str(path), "--lead-days", "0,3", "-q", "--out", str(out)]) == 0
    assert "0 points computed now" in capsys.readouterr().out  # resumed from the store


def test_bad_lead_days_are_a_usage_error(warned_plant, tmp_path, capsys):
    path = tmp_path / "warned.yaml"
    path.write_text(yaml.safe_dump(warned_plant()))
    with pytest.raises(SystemExit) as exc:
        main(["warning-value", str(path), "--lead-days", "soon"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "not a list of days" in err and "0,2,5,10" in err
    assert (
        main(["warning-value", str(path), "--lead-days", "-2", "--out", str(tmp_path / "o")]) == 2
    )
    assert "0 or more days" in capsys.readouterr().err
