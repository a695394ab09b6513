"""``diversim warning-value``: what each day of early warning is worth, per policy.

A sweep over one disruption's warning lead time on common random numbers
(:mod:`simulator.experiment.warning_lead`); every point evaluated is kept in the output folder,
so an interrupted sweep rerun with the same arguments reuses what it has.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError
from .exits import EXIT_INTERRUPTED


def _days(text: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a list of days: use numbers separated by commas, e.g. 0,2,5,10"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError("give at least one lead time, e.g. 0,2,5,10")
    return values


def add_commands(sub) -> None:
    p = sub.add_parser(
        "warning-value",
        help="what a day of early warning is worth: sweep a disruption's warning lead time",
        description="Runs every policy that reacts to warnings (on_warning) with each lead "
        "time, and once ignoring warnings, on common random numbers; writes the paired value of "
        "the warning per lead time and the plot 'value of each day of warning'.",
    )
    p.add_argument("scenario", metavar="SCENARIO.yaml")
    p.add_argument(
        "--lead-days",
        type=_days,
        default=[0.0, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 14.0],
        metavar="D,D,...",
        help="lead times to try, days (default: 0,1,2,3,5,7,10,14)",
    )
    p.add_argument(
        "--disruption", metavar="ID", help="the warned disruption (default: the only one)"
    )
    p.add_argument(
        "--replications", "-n", type=int, help="replications per point (default: the scenario's)"
    )
    p.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    p.add_argument("--policy", action="append", metavar="P", help="only this policy (repeatable)")
    p.add_argument("--out", type=Path, help="folder (default: results/<scenario>-warning)")
    p.add_argument("--jobs", "-j", type=int, help="workers (default: all cores)")
    p.add_argument("--executor", choices=["local", "dask"], default="local", help="local or Dask")
    p.add_argument("--dask-scheduler", metavar="tcp://HOST:PORT", help="Dask scheduler address")
    p.add_argument(
        "--set",
        action="append",
        metavar="PATH=VALUE",
        help="override one scenario field (repeatable), e.g. --set horizon_days=365",
    )
    p.add_argument(
        "--force", action="store_true", help="discard stored points of a sweep with other settings"
    )
    p.add_argument("--no-report", action="store_true", help="skip the plot")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_warning_value)


def cmd_warning_value(args: argparse.Namespace) -> int:
    from ..experiment.warning_lead import warning_lead_sweep
    from ..output.sweep_folder import SweepStore
    from ..output.warning_folder import value_lines, write_warning_lead
    from ..scenario import load_scenario
    from .run import apply_overrides

    if args.replications is not None and args.replications < 2:
        raise UsageError("--replications must be at least 2 for an interval")
    sc = load_scenario(args.scenario)
    if args.set:
        sc = apply_overrides(sc, args.set)
    out = args.out or Path("results") / f"{sc.name}-warning"
    try:
        result = warning_lead_sweep(
            sc,
            args.lead_days,
            disruption=args.disruption,
            policies=args.policy,
            replications=args.replications,
            seed=args.seed,
            jobs=args.jobs,
            executor=args.executor,
            scheduler=args.dask_scheduler,
            store=SweepStore(out),
            force=args.force,
            progress=not args.quiet,
        )
        write_warning_lead(result, out, report=not args.no_report)
    except KeyboardInterrupt:
        print(
            f"interrupted: evaluated points are kept in '{out}/points'; rerun the same command "
            "to resume",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INTERRUPTED) from None
    print("\n".join(value_lines(result)))
    print(f"results: {out}/ ({result.computed} points computed now)")
    return 0
