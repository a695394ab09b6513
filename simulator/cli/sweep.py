"""``diversim sweep``: a scenario over a grid, list or Latin hypercube of parameter values.

Finished points are kept in the output folder (:class:`~simulator.output.sweep_folder.SweepStore`),
so an interrupted sweep rerun with the same arguments computes only what is missing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from . import options


def add_commands(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="run a scenario over a grid, list or Latin hypercube of parameter values",
        description="Each design point × policy × replication runs on common random numbers. "
        "Finished points are kept in the output folder, so an interrupted sweep rerun with the "
        "same arguments computes only what is missing.",
    )
    p.add_argument("scenario", metavar="SCENARIO.yaml")
    p.add_argument(
        "--grid",
        action="append",
        metavar="PATH=V1,V2,...",
        help="a grid axis (repeatable); link paths as P1,P2=a:b,c:d",
    )
    p.add_argument(
        "--lhs",
        action="append",
        metavar="PATH=LOW:HIGH",
        help="a Latin hypercube range (repeatable); see --samples",
    )
    p.add_argument(
        "--samples", type=options.whole(1, 100_000), default=10, help="LHS samples (default 10)"
    )
    p.add_argument("--design", type=Path, metavar="SWEEP.yaml", help="a design file")
    options.add_batch_options(p, "sweep", "points")
    p.set_defaults(func=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    from ..experiment.designs import load_design, parse_grid_option, parse_lhs_option
    from ..experiment.sweep import sweep
    from ..output.sweep_folder import write_sweep

    sc = options.load_batch_scenario(args)
    chosen = [x for x in (args.grid, args.lhs, args.design) if x]
    if len(chosen) != 1:
        raise UsageError(
            "give exactly one design: --grid (repeatable), --lhs (repeatable) or --design FILE"
        )
    kwargs: dict = {}
    reps, seed, policies = args.replications, args.seed, args.policy
    if args.grid:
        kwargs["grid"] = [parse_grid_option(g) for g in args.grid]
    elif args.lhs:
        kwargs["lhs"] = dict(parse_lhs_option(x) for x in args.lhs)
        kwargs["samples"] = args.samples
    else:
        points, given = load_design(args.design, sc.seed if seed is None else seed)
        kwargs["points"] = points
        reps = reps or given.get("replications")
        seed = seed if seed is not None else given.get("seed")
        policies = policies or given.get("policies")
    out = options.batch_output(args, sc, "-sweep")
    settings = options.batch_settings(args, out, replications=reps, seed=seed, policies=policies)
    with options.resumable(out, "points"):
        result = sweep(sc, **settings, **kwargs)
        write_sweep(result, out, report=not args.no_report)
    n_points = len(result.points)
    print(
        f"sweep: {n_points} points × {len(result.policies)} policies × "
        f"{result.rows['replication'].nunique()} replications "
        f"({result.computed_points} points computed now, {result.wall_seconds:.1f} s)"
    )
    best = _best_by_point(result)
    if best:
        print(best)
    print(f"results: {out}/")
    return 0


def _best_by_point(result) -> str:
    from ..analysis.ranking import best_policies

    s = result.summary
    if s[s["figure"] == "fill_rate"].empty:
        return ""
    best = best_policies(s, ["point", *result.parameters])
    best = best.rename(columns={"policy": "best_policy", "mean": "fill_rate"})
    return (
        "best policy per point (highest fill rate; ties: lowest cost per unit):\n"
        + best.to_string(index=False)
    )
