"""``diversim warning-value``: what each day of early warning is worth, per policy.

A sweep over one disruption's warning lead time on common random numbers
(:mod:`simulator.experiment.warning_lead`); every point evaluated is kept in the output folder,
so an interrupted sweep rerun with the same arguments reuses what it has.
"""

from __future__ import annotations

import argparse
import math

from ..errors import UsageError, shorten
from .options import (
    add_batch_options,
    batch_output,
    batch_settings,
    load_batch_scenario,
    resumable,
)


def _days(text: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{shorten(text)}' is not a list of days: use numbers separated by commas, "
            "e.g. 0,2,5,10"
        ) from None
    if any(not math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(
            f"lead times must be finite numbers of days, got '{shorten(text)}'"
        )
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
    add_batch_options(p, "warning", "points")
    p.set_defaults(func=cmd_warning_value)


def cmd_warning_value(args: argparse.Namespace) -> int:
    from ..experiment.warning_lead import warning_lead_sweep
    from ..output.warning_folder import value_lines, write_warning_lead

    if args.replications is not None and args.replications < 2:
        raise UsageError("--replications must be at least 2 for an interval")
    sc = load_batch_scenario(args)
    out = batch_output(args, sc, "-warning")
    with resumable(out, "points"):
        result = warning_lead_sweep(
            sc, args.lead_days, disruption=args.disruption, **batch_settings(args, out)
        )
        write_warning_lead(result, out, report=not args.no_report)
    print("\n".join(value_lines(result)))
    print(f"results: {out}/ ({result.computed} points computed now)")
    return 0
