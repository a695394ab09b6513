"""Draw every plot of a results folder and build its HTML report, from the folder's files alone.

``render(folder)`` reads the tables (``summary.csv`` …), ``scenario.resolved.yaml``,
``manifest.json`` and ``verdict.txt``; writes each plot as PNG and SVG into ``folder/plots/`` and
the self-contained ``folder/report.html``. Every file is written through a temporary file and a
rename, so an interrupted render never leaves a half-written image or report.

Matplotlib is imported lazily (inside the plotting functions), and figures are built with
``matplotlib.figure.Figure`` rather than pyplot, so no global state or GUI backend is involved.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from ..errors import UsageError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Plot resolution (dots per inch) of the PNG files and of the images embedded in the report.
DPI = 110

# Columns read as text whatever they look like (a policy called "1" stays "1").
_TEXT_COLUMNS = {
    c: str
    for c in (
        "policy",
        "scope",
        "figure",
        "baseline",
        "disruption",
        "site",
        "leg",
        "target",
        "scenario",
        "interval",
        "run",
    )
}
_TABLES = ("summary", "replications", "episodes", "paired", "timeseries", "leg_flows")

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


def policy_colors(policies: list[str]) -> dict[str, str]:
    """One colour per policy, keyed by the policy order of the run (baseline first, usually);
    the same everywhere: plots, map titles and report."""
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(policies)}


@dataclass(frozen=True)
class ScheduledDisruption:
    """A scheduled disruption as drawn on the time plots: [start, end) in simulated days."""

    id: str
    start: float
    end: float
    target: dict[str, Any]
    description: str | None = None


@dataclass
class ResultsData:
    """Everything the plots and the report need, read from one results folder.

    Tables that are missing from an older folder are empty DataFrames; only ``summary.csv`` is
    required.
    """

    folder: Path
    summary: pd.DataFrame
    replications: pd.DataFrame
    episodes: pd.DataFrame
    paired: pd.DataFrame
    timeseries: pd.DataFrame
    leg_flows: pd.DataFrame
    scenario: dict[str, Any]
    scenario_text: str
    manifest: dict[str, Any]
    verdict: list[str]
    policies: list[str] = field(default_factory=list)
    baseline: str | None = None
    colors: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.manifest.get("scenario") or self.scenario.get("name") or self.folder.name)

    @property
    def currency(self) -> str:
        return str(self.scenario.get("currency") or "")

    @property
    def recovery_threshold(self) -> float:
        return float(self.scenario.get("recovery_threshold", 0.95))

    @property
    def warmup_days(self) -> float:
        return float(self.manifest.get("warmup_days", self.scenario.get("warmup_days", 0)) or 0)

    @property
    def n_replications(self) -> int | None:
        n = self.manifest.get("replications")
        if n is None and not self.replications.empty:
            n = self.replications["replication"].nunique()
        return None if n is None else int(n)

    @property
    def scheduled(self) -> list[ScheduledDisruption]:
        """Scheduled disruptions in start order."""
        out = []
        for did, d in (self.scenario.get("disruptions") or {}).items():
            timing = (d or {}).get("timing") or {}
            if timing.get("kind") != "scheduled":
                continue
            start = float(timing.get("start_day", 0))
            out.append(
                ScheduledDisruption(
                    str(did),
                    start,
                    start + float(timing.get("duration_days", 0)),
                    dict(d.get("target") or {}),
                    d.get("description"),
                )
            )
        return sorted(out, key=lambda s: (s.start, s.id))

    def summary_rows(self, scope: str = "replication") -> pd.DataFrame:
        s = self.summary
        return s[s["scope"] == scope] if "scope" in s else s.iloc[0:0]


def _read_table(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    if not path.exists():
        return pd.DataFrame()
    try:
        df = pd.read_csv(path, dtype=_TEXT_COLUMNS, keep_default_na=True)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    return df


def load_results(folder: str | os.PathLike) -> ResultsData:
    """Read a results folder; a missing folder or one without ``summary.csv`` is a UsageError."""
    folder = Path(folder)
    if not folder.exists():
        raise UsageError(f"results folder '{folder}' does not exist")
    if not folder.is_dir():
        raise UsageError(
            f"'{folder}' is not a folder; give a results folder made by `diversim run`"
        )
    if not (folder / "summary.csv").exists():
        raise UsageError(
            f"'{folder}' is not a results folder (no summary.csv); make one with `diversim run`"
        )
    tables = {name: _read_table(folder, name) for name in _TABLES}
    if tables["summary"].empty:
        raise UsageError(f"'{folder}/summary.csv' is empty; re-run `diversim run`")
    scenario_text = ""
    scenario: dict[str, Any] = {}
    sc_path = folder / "scenario.resolved.yaml"
    if sc_path.exists():
        scenario_text = sc_path.read_text(encoding="utf-8")
        try:
            loaded = yaml.safe_load(scenario_text)
        except yaml.YAMLError as exc:
            raise UsageError(f"'{sc_path}' is not valid YAML: {exc}") from None
        scenario = loaded if isinstance(loaded, dict) else {}
    manifest: dict[str, Any] = {}
    m_path = folder / "manifest.json"
    if m_path.exists():
        try:
            loaded = json.loads(m_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise UsageError(f"'{m_path}' is not valid JSON: {exc}") from None
        manifest = loaded if isinstance(loaded, dict) else {}
    v_path = folder / "verdict.txt"
    verdict = (
        [ln for ln in v_path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        if v_path.exists()
        else []
    )
    seen = list(dict.fromkeys(tables["summary"]["policy"].astype(str)))
    policies = [str(p) for p in manifest.get("policies") or [] if str(p) in seen]
    policies += [p for p in seen if p not in policies]
    baseline = manifest.get("baseline")
    if baseline is None and not tables["paired"].empty and "baseline" in tables["paired"]:
        baseline = str(tables["paired"]["baseline"].iloc[0])
    return ResultsData(
        folder=folder,
        **tables,
        scenario=scenario,
        scenario_text=scenario_text,
        manifest=manifest,
        verdict=verdict,
        policies=policies,
        baseline=None if baseline is None else str(baseline),
        colors=policy_colors(policies),
    )


# --------------------------------------------------------------------------- writing


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure as PNG (at :data:`DPI`) or SVG bytes, with no time stamp (reproducible)."""
    import matplotlib

    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with matplotlib.rc_context({"svg.hashsalt": "diversim", "svg.fonttype": "path"}):
        fig.savefig(buf, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
    return buf.getvalue()


def _plot_makers() -> list[tuple[str, str, Callable[[ResultsData], Figure]]]:
    """(file stem, title, function) of every plot, in report order."""
    from . import plots, route_map

    return [
        ("service", "Service over time", plots.service_over_time),
        ("inventory", "Inventory and backlog over time", plots.inventory_over_time),
        ("comparison", "Policy comparison", plots.policy_comparison),
        ("paired", "Paired differences vs the baseline", plots.paired_differences),
        ("cost_resilience", "Cost against resilience", plots.cost_vs_resilience),
        ("performance_loss", "Performance loss per episode", plots.performance_loss),
        ("route_map", "Route map", route_map.route_map),
    ]


@dataclass(frozen=True)
class RenderedPlot:
    """One drawn plot: its file stem, title and PNG bytes (for embedding in the report)."""

    stem: str
    title: str
    png: bytes
    width: int
    height: int


def draw_plots(data: ResultsData, plots_dir: Path | None = None) -> list[RenderedPlot]:
    """Draw every plot; with ``plots_dir``, also write ``<stem>.png`` and ``<stem>.svg`` there."""
    rendered = []
    if plots_dir is not None:
        plots_dir.mkdir(parents=True, exist_ok=True)
    for stem, title, make in _plot_makers():
        fig = make(data)
        png = figure_bytes(fig, "png")
        w, h = (round(v * DPI) for v in fig.get_size_inches())
        if plots_dir is not None:
            _atomic_write_bytes(plots_dir / f"{stem}.png", png)
            _atomic_write_bytes(plots_dir / f"{stem}.svg", figure_bytes(fig, "svg"))
        rendered.append(RenderedPlot(stem, title, png, w, h))
    return rendered


def plot_folder(folder: str | os.PathLike) -> list[Path]:
    """Re-draw the plots of a results folder into ``folder/plots``; return the files written."""
    data = load_results(folder)
    plots_dir = data.folder / "plots"
    rendered = draw_plots(data, plots_dir)
    return [plots_dir / f"{r.stem}.{ext}" for r in rendered for ext in ("png", "svg")]


def report_folder(folder: str | os.PathLike) -> Path:
    """Re-build ``folder/report.html`` (plots drawn afresh, in memory); return its path."""
    from .report import build_report

    data = load_results(folder)
    return write_report(data, build_report(data, draw_plots(data)))


def write_report(data: ResultsData, html_text: str) -> Path:
    path = data.folder / "report.html"
    _atomic_write_bytes(path, html_text.encode("utf-8"))
    return path


def render(folder: Path) -> None:
    """Write every plot (PNG and SVG) into ``folder/plots`` and the report into
    ``folder/report.html``, reading only the folder's files."""
    from .report import build_report

    data = load_results(folder)
    rendered = draw_plots(data, data.folder / "plots")
    write_report(data, build_report(data, rendered))


def write_comparison_plots(table: pd.DataFrame, figures: list[str], out: Path) -> list[Path]:
    """Draw the headline figures of several runs side by side (``diversim compare``) as
    ``comparison.png`` and ``comparison.svg`` in ``out``; return the files written."""
    from .plots import compare_runs

    fig = compare_runs(table, figures)
    written = []
    for fmt in ("png", "svg"):
        path = Path(out) / f"comparison.{fmt}"
        _atomic_write_bytes(path, figure_bytes(fig, fmt))
        written.append(path)
    return written
