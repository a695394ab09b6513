"""``diversim buffer``: for each policy, the smallest stock level that reaches a fill-rate target.

A search over whole days of cover on common random numbers (:mod:`simulator.experiment.buffer`);
every level evaluated is kept in the output folder, so an interrupted search rerun with the same
arguments reuses what it has.
"""

from __future__ import annotations

import argparse
import sys

from .options import (
    add_batch_options,
    batch_output,
    batch_settings,
    load_batch_scenario,
    resumable,
)


def add_commands(sub) -> None:
    p = sub.add_parser(
        "buffer",
        help="size the safety stock: per policy, the smallest days of cover reaching a fill rate",
        description="For each policy, the smallest order-up-to level (whole days of cover of "
        "mean demand; the reorder point scaled with it) whose fill rate reaches the target with "
        "95%% confidence, found by bisection on common random numbers, and the cost there.",
    )
    p.add_argument("scenario", metavar="SCENARIO.yaml")
    p.add_argument(
        "--target-fill", type=float, required=True, metavar="F", help="fill-rate target, e.g. 0.98"
    )
    add_batch_options(p, "buffer", "levels")
    p.set_defaults(func=cmd_buffer)


def cmd_buffer(args: argparse.Namespace) -> int:
    from ..experiment.buffer import size_buffers
    from ..output.buffer_folder import write_buffer

    sc = load_batch_scenario(args)
    out = batch_output(args, sc, "-buffer")
    with resumable(out, "levels"):
        result = size_buffers(sc, args.target_fill, **batch_settings(args, out))
        write_buffer(result, out, report=not args.no_report)
    print(f"smallest stock reaching a fill rate of {args.target_fill:.1%} (95% lower bound):")
    for _, r in result.levels.iterrows():
        if r["days"] != r["days"]:
            print(f"  {r['policy']}: not reached up to the search cap")
            continue
        print(
            f"  {r['policy']}: {r['days']:.0f} days of cover — fill rate {r['fill_rate']:.2%}, "
            f"cost per unit {r['cost_per_unit']:,.2f} [{r['cost_per_unit_low']:,.2f}, "
            f"{r['cost_per_unit_high']:,.2f}]"
        )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"results: {out}/ ({result.computed} levels computed now)")
    return 0
