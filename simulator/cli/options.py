"""Options and handling shared by the verbs that run many simulations into a resumable folder
(``sweep``, ``buffer``, ``warning-value``): replications, seed, policies, output folder,
executors, overrides, and what an interrupted run tells the user."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .exits import EXIT_INTERRUPTED


def add_batch_options(p: argparse.ArgumentParser, folder: str, stored: str) -> None:
    """Add the shared options; ``folder`` is the default output folder's suffix (``sweep`` →
    results/<scenario>-sweep), ``stored`` what the store keeps (``points``, ``levels``)."""
    p.add_argument(
        "--replications", "-n", type=int, help="replications per point (default: the scenario's)"
    )
    p.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    p.add_argument("--policy", action="append", metavar="P", help="only this policy (repeatable)")
    p.add_argument("--out", type=Path, help=f"folder (default: results/<scenario>-{folder})")
    p.add_argument("--jobs", "-j", type=int, help="workers (default: all cores)")
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
