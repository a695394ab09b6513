"""The results folder of a run, written atomically.

Everything goes into a hidden temporary folder beside the target, which is renamed into place at
the end; an existing folder is only replaced with ``force`` (and only once the new one is
complete). An interrupted write leaves the previous results untouched and no half-written folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..experiment.parameters import scenario_data
from .files import atomic_folder, table_csv
from .locations import OutputKind, check_output

if TYPE_CHECKING:
    from ..experiment.runner import RunResult
    from ..scenario.schema import Scenario

TABLES = (
    "summary",
    "replications",
    "sites",
    "episodes",
    "paired",
    "timeseries",
    "leg_flows",
    "decision",
    "warning_value",
)
LIBRARIES = ("simpy", "numpy", "networkx", "pandas", "scipy", "pydantic", "matplotlib", "pyarrow")


def resolved_yaml(sc: Scenario) -> str:
    """The scenario as run (overlays applied, defaults filled), as YAML."""
    return yaml.safe_dump(scenario_data(sc), sort_keys=False, allow_unicode=True)


def content_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_writable(out: Path, force: bool) -> None:
    """Fail before any simulation if the folder cannot be written, or exists and may not be
    replaced (only a results folder, with ``force``); see :func:`.locations.check_output`."""
    check_output(Path(out), force, OutputKind.RUN)


def _versions() -> dict[str, str]:
    out = {}
    for lib in LIBRARIES:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            continue
    return out


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def manifest(run: RunResult, resolved: str) -> dict:
    from .. import __version__

    rec = run.recommendation
    return {
        "scenario": run.scenario.name,
        "root_seed": run.seed,
        "replications": run.n_replications,
        "policies": run.policies,
        "baseline": run.baseline,
        "horizon_days": run.scenario.horizon_days,
        "warmup_days": run.scenario.warmup_days,
        "diversim_version": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": _versions(),
        "scenario_hash": content_hash(resolved),
        "wall_seconds": round(run.wall_seconds, 3),
        "jobs": run.jobs,
        "model_events": run.events,
        "recommendation": {
            "policy": rec.policy,
            "reason": rec.reason,
            "meets_target": rec.meets_target,
            "tied": list(rec.tied),
            "objective": rec.objective,
            "min_fill_rate": run.scenario.decision.min_fill_rate,
        },
        "warnings": run.warnings(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_run(
    run: RunResult, out: str | os.PathLike, force: bool = False, report: bool = True
) -> Path:
    """Write the results folder of a run atomically: every table, the resolved scenario, the
    verdict and the manifest (and, with ``report``, the plots and report.html); an existing
    folder is replaced only with ``force``. Return the folder."""
    out = Path(out)
    check_writable(out, force)
    with atomic_folder(out, force) as tmp:
        resolved = resolved_yaml(run.scenario)
        parquet = _has_pyarrow()
        tables = {name: getattr(run, name) for name in TABLES if name != "decision"}
        tables["decision"] = run.decision_table()
        for name in TABLES:
            df = tables[name]
            table_csv(df, tmp / f"{name}.csv")
            if parquet:
                df.to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / "scenario.resolved.yaml").write_text(resolved, encoding="utf-8")
        (tmp / "verdict.txt").write_text("\n".join(run.verdict()) + "\n", encoding="utf-8")
        (tmp / "manifest.json").write_text(
            json.dumps(manifest(run, resolved), indent=2) + "\n", encoding="utf-8"
        )
        if report:
            from .render import render

            render(tmp)
    return out
