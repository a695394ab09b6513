"""Options and handling shared by the verbs: the batch options of the verbs that run many
simulations into a resumable folder (``sweep``, ``buffer``, ``warning-value``, ``stress``,
``worst-case``, ``sensitivity``: replications, seed, policies, output folder, executors,
overrides), their scenario with ``--set`` (:func:`load_batch_scenario`), checked output folder
(:func:`batch_output`), experiment settings (:func:`batch_settings`) and what an interrupted run
tells the user (:func:`resumable`),
and argparse types that check each value as it is read: a bad one stops with exit status 2 and a
message naming the flag (``argument --seed: must be a whole number >= 0, got -1``), before any
file is read."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import UsageError, shorten
from .exits import EXIT_INTERRUPTED

MAX_SEED = 2**63 - 1
"""The largest root seed (the scenario's ``seed`` field has the same bound)."""


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in [low, high]."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number, got '{shorten(text, 40)}'"
            ) from None
        if value < low or (high is not None and value > high):
            bound = f">= {low}" if high is None else f"between {low} and {high}"
            raise argparse.ArgumentTypeError(
                f"must be a whole number {bound}, got {shorten(text, 40)}"
            )
        return value

    parse.__name__ = "whole number"
    return parse


def number(low: float, high: float, open_low: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number in [low, high] (or (low, high] with ``open_low``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number, got '{shorten(text, 40)}'"
            ) from None
        below = value <= low if open_low else value < low
        if not math.isfinite(value) or below or value > high:
            lo = "above" if open_low else "from"
            raise argparse.ArgumentTypeError(
                f"must be a number {lo} {low:g} up to {high:g}, got {shorten(text, 40)}"
            )
        return value

    parse.__name__ = "number"
    return parse


def add_scenario_options(p: argparse.ArgumentParser) -> None:
    """The options every verb that reads a scenario file shares."""
    p.add_argument(
        "--allow-extends-outside",
        action="store_true",
        help="let 'extends:' name base files outside the scenario's folder (only for files "
        "you trust; by default a scenario may extend only files in its folder or below)",
    )


def out_path(text: str) -> Path:
    """An argparse type for --out: a path without NUL characters."""
    if not text or "\0" in text:
        raise argparse.ArgumentTypeError("give a folder name")
    return Path(text)


SEED = whole(0, MAX_SEED)
REPLICATIONS = whole(1, 1_000_000)
JOBS = whole(1, 4096)


def add_batch_options(p: argparse.ArgumentParser, folder: str, stored: str) -> None:
    """Add the shared options; ``folder`` is the default output folder's suffix (``sweep`` →
    results/<scenario>-sweep), ``stored`` what the store keeps (``points``, ``levels``)."""
    p.add_argument(
        "--replications",
        "-n",
        type=REPLICATIONS,
        help="replications per point, >= 1 (default: the scenario's)",
    )
    p.add_argument("--seed", type=SEED, help="root seed >= 0 (default: the scenario's)")
    p.add_argument("--policy", action="append", metavar="P", help="only this policy (repeatable)")
    p.add_argument("--out", type=out_path, help=f"folder (default: results/<scenario>-{folder})")
    p.add_argument("--jobs", "-j", type=JOBS, help="workers (default: all cores)")
    p.add_argument(
        "--executor",
        choices=["local", "dask"],
        default="local",
        help="local processes (default) or Dask",
    )
    p.add_argument(
        "--dask-scheduler",
        metavar="tcp://HOST:PORT",
        help="Dask scheduler address (default: start a local Dask cluster)",
    )
    p.add_argument(
        "--set",
        action="append",
        metavar="PATH=VALUE",
        help="override one scenario field (repeatable), e.g. --set horizon_days=365",
    )
    p.add_argument(
        "--force", action="store_true", help=f"discard stored {stored} of a run with other settings"
    )
    p.add_argument("--no-report", action="store_true", help="skip the plots")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    add_scenario_options(p)


@contextmanager
def resumable(out: Path, stored: str) -> Iterator[None]:
    """On Ctrl-C, say where the finished work is kept and exit with the interrupted status."""
    try:
        yield
    except KeyboardInterrupt:
        print(
            f"interrupted: {stored} finished so far are kept in '{out}/points'; rerun the same "
            "command to resume",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INTERRUPTED) from None


def apply_overrides(sc, options: list[str]):
    """Apply ``--set PATH=VALUE`` options (validated like a scenario file)."""
    from ..experiment.designs import parse_value
    from ..experiment.parameters import apply_parameters

    values = {}
    for opt in options:
        if "=" not in opt:
            raise UsageError(
                f"--set '{shorten(opt)}': write PATH=VALUE, e.g. --set horizon_days=365"
            )
        path, value = opt.split("=", 1)
        values[path.strip()] = parse_value(value, "--set", opt)
    return apply_parameters(sc, values, label="--set")


def load_batch_scenario(args: argparse.Namespace):
    """The scenario of a batch verb: its file (``--allow-extends-outside``) with ``--set``."""
    from ..scenario import load_scenario

    sc = load_scenario(args.scenario, allow_extends_outside=args.allow_extends_outside)
    if getattr(args, "set", None):
        sc = apply_overrides(sc, args.set)
    return sc


def batch_output(args: argparse.Namespace, sc, suffix: str) -> Path:
    """The output folder (``--out`` or results/<scenario><suffix>), checked before simulating:
    a folder that is not a sweep-style folder of this tool is refused."""
    from ..output.locations import OutputKind, check_output, default_out

    out = args.out or default_out(sc.name, suffix)
    check_output(out, args.force, OutputKind.SWEEP)
    return out


def batch_settings(args: argparse.Namespace, out: Path, **given) -> dict:
    """The keyword arguments every batch experiment takes from the batch options: policies,
    replications, seed, executor and scheduler, the resumable store in ``out``, ``--force`` and
    the progress bar (``given`` replaces any of them)."""
    from ..output.sweep_folder import SweepStore

    settings = {
        "policies": args.policy,
        "replications": args.replications,
        "seed": args.seed,
        "jobs": args.jobs,
        "executor": args.executor,
        "scheduler": args.dask_scheduler,
        "store": SweepStore(out),
        "force": args.force,
        "progress": not args.quiet,
    }
    settings.update(given)
    return settings
