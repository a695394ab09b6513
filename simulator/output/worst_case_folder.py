"""The folder of a worst-case search (``diversim worst-case``): its resumable store, the tables,
an ``extends:`` overlay per scenario found, the plot of the search and the report.

``<out>/design.json`` and ``<out>/points/`` are a :class:`~simulator.output.sweep_folder.SweepStore`
(one point per candidate, in search order). :func:`write_worst_case` adds ``worst_case.csv`` (per
policy the top scenarios: elements, start, duration, plausibility, lost value with its 95%
interval, the overlay file), ``search.csv`` (every candidate evaluated), ``weak_points.json``,
``overlays/worst-<policy>-<rank>.yaml`` (run it with ``diversim run``), ``plots/search`` and
``report.html``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .files import write_atomic
from .style import save_figure

if TYPE_CHECKING:
    from ..experiment.worst_case import WorstCaseResult


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "policy"


def _nested(overrides: dict[str, Any]) -> dict[str, Any] | None:
    """``--set`` paths as nested mappings for an overlay (None if a path has a list index:
    overlays replace lists whole, so such a file is written in full instead)."""
    out: dict[str, Any] = {}
    for path, value in overrides.items():
        parts = [p for p in path.split(".") if p]
        if any(p.isdigit() for p in parts):
            return None
        here = out
        for p in parts[:-1]:
            here = here.setdefault(p, {})
        here[parts[-1]] = value
    return out


def overlay_text(
    result: WorstCaseResult,
    policy: str,
    rank: int,
    folder: Path,
    scenario_file: Path | None,
    overrides: dict[str, Any],
) -> str:
    """The YAML overlay that reruns one scenario found: ``extends:`` the scenario file (its own
    disruptions deleted with ``null`` unless they were kept, the failure added)."""
    from ..experiment.failures import failure_disruptions
    from ..experiment.parameters import scenario_data

    sc = result.scenario
    f = result.failures[(policy, rank)]
    row = result.top[(result.top["policy"] == policy) & (result.top["rank"] == rank)].iloc[0]
    added = failure_disruptions(f, result.effect)
    name = f"{sc.name}-worst-{_safe(policy)}-{rank}"
    head = (
        f"# Worst case {rank} for policy '{policy}' found by diversim worst-case: {f.label}\n"
        f"# from day {f.start_day:g} for {f.duration_days:g} days; lost value "
        f"{row['lost_value']:,.0f} {sc.currency} [95%: {row['lost_value_low']:,.0f}, "
        f"{row['lost_value_high']:,.0f}]; plausibility {row['probability']:.3g}.\n"
        f"# Run it: diversim run {folder}/overlays/worst-{_safe(policy)}-{rank}.yaml\n"
    )
    nested = _nested(overrides) if scenario_file is not None else None
    if nested is not None:
        data: dict[str, Any] = {
            "extends": os.path.relpath(
                Path(scenario_file).resolve(), (folder / "overlays").resolve()
            ),
            "name": name,
            **{k: v for k, v in nested.items() if k not in ("name", "disruptions")},
        }
        own = {} if result.keep_disruptions else {d: None for d in sc.disruptions}
        data["disruptions"] = {**own, **added}
    else:  # no file to extend (or --set on a list item): the whole scenario
        data = scenario_data(sc)
        data["name"] = name
        kept = data.get("disruptions", {}) if result.keep_disruptions else {}
        data["disruptions"] = {**kept, **added}
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write_worst_case(
    result: WorstCaseResult,
    out: str | os.PathLike,
    scenario_file: str | os.PathLike | None = None,
    overrides: dict[str, Any] | None = None,
    report: bool = True,
) -> Path:
    """Write the search's tables, overlays and (with ``report``) plot and report into ``out``."""
    from .weak_points_page import write_section_report
    from .weak_points_plots import search_progress

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "overlays").mkdir(exist_ok=True)
    sc = result.scenario
    top = result.top.copy()
    files = []
    for _, r in top.iterrows():
        rel = Path("overlays") / f"worst-{_safe(str(r['policy']))}-{int(r['rank'])}.yaml"
        text = overlay_text(
            result,
            str(r["policy"]),
            int(r["rank"]),
            out,
            Path(scenario_file) if scenario_file else None,
            overrides or {},
        )
        write_atomic(out / rel, text)
        files.append(str(rel))
    top["overlay"] = files
    write_atomic(out / "worst_case.csv", top)
    write_atomic(out / "search.csv", result.evaluations)
    meta = {
        "command": "worst-case",
        "scenario": sc.name,
        "currency": sc.currency,
        "seed": result.seed,
        "search_seed": result.settings.search_seed,
        "budget": {k: v for k, v in vars(result.budget).items() if v is not None},
        "settings": vars(result.settings),
        "effect": result.effect,
        "keep_disruptions": result.keep_disruptions,
        "policies": result.policies,
        "evaluations": len(result.evaluations),
    }
    write_atomic(out / "weak_points.json", json.dumps(meta, indent=2, default=str))
    if report and not result.evaluations.empty:
        fig = search_progress(result.evaluations, result.policies, sc.currency)
        save_figure(fig, out / "plots", "search")
        write_section_report(out, f"worst case of {sc.name}")
    return out
