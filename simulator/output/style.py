"""How every figure looks and is saved: one palette, one resolution, one set of matplotlib
settings, shared by the run plots, the route map and the sweep plots.

Matplotlib is imported lazily (inside the functions), and figures are built with
``matplotlib.figure.Figure`` rather than pyplot, so no global state or GUI backend is involved.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from .files import write_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Plot resolution (dots per inch) of the PNG files and of the images embedded in the report.
DPI = 110
#: Width of a full report-width figure, inches (1210 px at :data:`DPI`).
WIDTH = 11.0
#: Every figure is written in both formats.
FORMATS = ("png", "svg")

# Okabe–Ito colour-blind-safe palette (yellow left out: unreadable as a line on white), then
# tab10's extra hues for scenarios with more than seven policies.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#000000",
    "#8c564b",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#9467bd",
)

RC = {
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.labelsize": 9.5,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "0.9",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
}


def policy_colors(policies: list[str]) -> dict[str, str]:
    """One colour per policy, keyed by the policy order of the run (baseline first, usually);
    the same everywhere: plots, map titles, report and sweep plots."""
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(policies)}


def mpl_text(s: object) -> str:
    """A string from a scenario or a table, made safe for matplotlib (``$`` shown literally)."""
    return str(s).replace("\\", "\\\\").replace("$", r"\$")


def plot_style():
    """A context in which figures get :data:`RC` (draw inside it, not only create)."""
    import matplotlib

    return matplotlib.rc_context(RC)


def new_figure(width: float, height: float) -> Figure:
    """A white figure with constrained layout (legends placed outside stay inside the image)."""
    from matplotlib.figure import Figure

    with plot_style():
        fig = Figure(figsize=(width, height), layout="constrained", facecolor="white")
    return fig


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure as PNG (at :data:`DPI`) or SVG bytes, with no time stamp (reproducible)."""
    import matplotlib

    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with matplotlib.rc_context({"svg.hashsalt": "diversim", "svg.fonttype": "path"}):
        fig.savefig(buf, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
    return buf.getvalue()


def save_figure(fig: Figure, folder: Path, stem: str, png: bytes | None = None) -> list[Path]:
    """Write ``folder/<stem>.png`` and ``.svg`` atomically (``png``: the PNG bytes, when they
    are already drawn); return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in FORMATS:
        data = png if fmt == "png" and png is not None else figure_bytes(fig, fmt)
        written.append(write_atomic(folder / f"{stem}.{fmt}", data))
        # The layout is done: keep it for the other formats (the same positions, and no
        # second constrained-layout pass).
        fig.set_layout_engine("none")
    return written
