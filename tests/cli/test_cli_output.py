"""``diversim plot``, ``diversim report`` and the plots of ``diversim compare``."""

from __future__ import annotations

import shutil

import pytest

from simulator.cli import main
from simulator.output.render import _plot_makers

N_PLOTS = len(_plot_makers())  # every registered plot, the route map included


def _copy_tables(src, dst):
    dst.mkdir()
    for f in src.iterdir():
        if f.is_file() and f.suffix in (".csv", ".yaml", ".json", ".txt"):
            shutil.copy(f, dst)
    return dst


def test_report_rebuilds_report_html(results_dir, tmp_path, capsys):
    folder = _copy_tables(results_dir, tmp_path / "copy")
    assert main(["report", str(folder)]) == 0
    assert (folder / "report.html").read_text().count("<figure") == N_PLOTS
    assert "report.html" in capsys.readouterr().out
    assert not (folder / "plots").exists()  # report alone does not write plots/


def test_plot_redraws_into_plots(results_dir, tmp_path, capsys):
    # Only the summary table: fast, and shows that missing tables give placeholders.
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(results_dir / "summary.csv", folder)
    assert main(["plot", str(folder)]) == 0
    pngs = list((folder / "plots").glob("*.png"))
    assert len(pngs) == N_PLOTS and len(list((folder / "plots").glob("*.svg"))) == N_PLOTS
    import matplotlib.image as mpimg

    assert all(mpimg.imread(p).shape[1] > 0 for p in pngs)
    assert f"{2 * N_PLOTS} files" in capsys.readouterr().out


@pytest.mark.parametrize("verb", ["plot", "report"])
def test_bad_folder_is_a_usage_error(verb, tmp_path, capsys):
    assert main([verb, str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([verb, str(tmp_path)]) == 2
    assert "not a results folder" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert main([verb, str(tmp_path / "file")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_compare_draws_comparison_plots(results_dir, tmp_path, capsys):
    a = _copy_tables(results_dir, tmp_path / "a")
    b = _copy_tables(results_dir, tmp_path / "b")
    out = tmp_path / "cmp"
    assert main(["compare", str(a), str(b), "--out", str(out)]) == 0
    assert (out / "comparison.csv").exists()
    assert (out / "comparison.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "comparison.svg").read_text().lstrip().startswith("<?xml")
    assert "comparison.png" in capsys.readouterr().out
