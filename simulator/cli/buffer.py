"""``diversim buffer``: for each policy, the smallest stock level that reaches a fill-rate target.

A search over whole days of cover on common random numbers (:mod:`simulator.experiment.buffer`);
every level evaluated is kept in the output folder, so an interrupted search rerun with the same
arguments reuses what it has.
"""

from __future__ import annotations

import argparse
import sys

from . import options
from .exits import EXIT_INTERRUPTED


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
        "--target-fill",
        type=options.number(0, 1, open_low=True),
        required=True,
        metavar="F",
        help="fill-rate target above 0 up to 1, e.g. 0.98",
    )
    p.add_argument(
        "--replications",
        "-n",
        type=options.REPLICATIONS,
        help="replications per level (default: the scenario's)",
    )
    p.add_argument("--seed", type=options.SEED, help="root seed >= 0 (default: the scenario's)")
    p.add_argument("--policy", action="append", metavar="P", help="only this policy (repeatable)")
    p.add_argument(
        "--out", type=options.out_path, help="folder (default: results/<scenario>-buffer)"
    )
    p.add_argument("--jobs", "-j", type=options.JOBS, help="workers (default: all cores)")
    p.add_argument("--executor", choices=["local", "dask"], default="local", help="local or Dask")
    p.add_argument("--dask-scheduler", metavar="tcp://HOST:PORT", help="Dask scheduler address")
    p.add_argument(
        "--set",
        action="append",
        metavar="PATH=VALUE",
        help="override one scenario field (repeatable), e.g. --set horizon_days=365",
    )
    p.add_argument(
        "--force", action="store_true", help="discard stored levels of a search with other settings"
    )
    p.add_argument("--no-report", action="store_true", help="skip the plot")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    options.add_scenario_options(p)
    p.set_defaults(func=cmd_buffer)


def cmd_buffer(args: argparse.Namespace) -> int:
    from ..experiment.buffer import size_buffers
    from ..output.buffer_folder import write_buffer
    from ..output.locations import OutputKind, check_output, default_out
    from ..output.sweep_folder import SweepStore
    from ..scenario import load_scenario
    from .run import apply_overrides

    sc = load_scenario(args.scenario, allow_extends_outside=args.allow_extends_outside)
    if args.set:
        sc = apply_overrides(sc, args.set)
    out = args.out or default_out(sc.name, "-buffer")
    check_output(out, args.force, OutputKind.SWEEP)
    try:
        result = size_buffers(
            sc,
            args.target_fill,
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
        write_buffer(result, out, report=not args.no_report)
    except KeyboardInterrupt:
        print(
            f"interrupted: evaluated levels are kept in '{out}/points'; rerun the same command "
            "to resume",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INTERRUPTED) from None
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
