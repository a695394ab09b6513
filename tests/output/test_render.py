"""End to end: a real run written with ``write_run`` gets every plot (PNG and SVG, of the
right size) and report.html, written atomically."""

from __future__ import annotations

import stat
import xml.etree.ElementTree as ET

import pytest

from simulator.output.render import _plot_makers
from simulator.output.style import DPI

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STEMS = [stem for stem, _, _ in _plot_makers()]


def png_size(path) -> tuple[int, int]:
    """(width, height) in pixels, read by matplotlib (checks the file decodes)."""
    import matplotlib.image as mpimg

    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    img = mpimg.imread(path)
    return img.shape[1], img.shape[0]


def svg_size_pt(path) -> tuple[float, float]:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg"), f"{path.name}: root is {root.tag}"
    return (
        float(root.get("width").removesuffix("pt")),
        float(root.get("height").removesuffix("pt")),
    )


def test_every_plot_is_written_as_png_and_svg(results_dir):
    plots = results_dir / "plots"
    assert sorted(p.name for p in plots.iterdir()) == sorted(
        f"{s}.{ext}" for s in STEMS for ext in ("png", "svg")
    )
    for stem in STEMS:
        w, h = png_size(plots / f"{stem}.png")
        # Every plot is a full report-width figure (11 in) or a narrower one (8.8 in) at DPI.
        assert w in (round(11 * DPI), round(8.8 * DPI)), (stem, w)
        assert 200 <= h <= 2500, (stem, h)
        # The SVG is the same figure: its size in points is the PNG's size in pixels × 72/DPI.
        sw, sh = svg_size_pt(plots / f"{stem}.svg")
        assert sw * DPI / 72 == pytest.approx(w, abs=1.5), stem
        assert sh * DPI / 72 == pytest.approx(h, abs=1.5), stem
        assert (plots / f"{stem}.svg").stat().st_size < 2_000_000, stem


def test_report_and_tables_are_in_the_folder_and_no_temporaries_remain(results_dir):
    assert (results_dir / "report.html").stat().st_size > 50_000
    leftovers = [p.name for p in results_dir.rglob(".*")]
    assert leftovers == []
    leftovers = [p.name for p in results_dir.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_written_files_get_the_umask_permissions_not_mkstemps_0600(results_dir):
    import os

    umask = os.umask(0)
    os.umask(umask)
    for name in ("plots/service.png", "plots/route_map.svg", "report.html"):
        mode = stat.S_IMODE((results_dir / name).stat().st_mode)
        assert mode == 0o666 & ~umask, name
