"""``diversim sensitivity``: which scenario parameters move a figure most (Morris or Sobol, SALib).

Every design point runs as a sweep point (common random numbers, local processes or Dask,
resumable from the output folder, a progress bar); :mod:`simulator.experiment.sensitivity`.
"""

from __future__ import annotations

import argparse
import sys

from .options import batch_output, batch_settings, load_batch_scenario, resumable
from .stress import add_run_options


def add_commands(sub) -> None:
    p = sub.add_parser(
        "sensitivity",
        help="global sensitivity of a figure to scenario parameters (Morris or Sobol, SALib)",
        description="Rank scenario parameters (dotted paths, each with a range) by their effect "
        "on one figure for a policy: Morris screening (μ*, σ) or Sobol first-order and total "
        "indices, with 95%% bootstrap intervals. Needs the 'sensitivity' extra (SALib).",
    )
    p.add_argument("scenario", metavar="SCENARIO.yaml")
    p.add_argument(
        "--param",
        action="append",
        required=True,
        metavar="PATH=LOW:HIGH",
        help="a parameter and its range (repeatable), e.g. "
        "nodes.plant.inventory.order_up_to_days_of_cover=20:80",
    )
    p.add_argument("--method", choices=["morris", "sobol"], default="morris", help="default morris")
    p.add_argument(
        "--figure", default="fill_rate", help="the figure (default fill_rate), e.g. cost_per_unit"
    )
    p.add_argument(
        "--samples",
        type=int,
        help="Morris trajectories (default 10: (params+1)×10 points) or the Sobol base sample, "
        "a power of 2 (default 64: (params+2)×64 points)",
    )
    add_run_options(p, "sensitivity")
    p.set_defaults(func=cmd_sensitivity)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..experiment.designs import parse_lhs_option
    from ..experiment.sensitivity import sensitivity
    from ..output.sensitivity_folder import write_sensitivity

    sc = load_batch_scenario(args)
    bounds: dict[str, tuple[float, float]] = {}
    for opt in args.param:
        try:
            path, rng = parse_lhs_option(opt)
        except UsageError:
            raise UsageError(f"--param '{opt}': write PATH=LOW:HIGH") from None
        bounds[path] = rng
    out = batch_output(args, sc, "-sensitivity")
    with resumable(out, "points"):
        result = sensitivity(
            sc,
            bounds,
            method=args.method,
            figure=args.figure,
            samples=args.samples,
            **batch_settings(args, out),
        )
        write_sensitivity(result, out, report=not args.no_report)
    key = "mu_star" if result.method.value == "morris" else "ST"
    label = "μ*" if key == "mu_star" else "total Sobol index"
    print(
        f"sensitivity of {result.figure} ({result.method.value}, {len(result.design)} points × "
        f"{result.replications} replications), by {label} with its 95% interval:"
    )
    for p in result.policies:
        print(f"  {p}:")
        g = result.indices[result.indices["policy"] == p].sort_values(key, ascending=False)
        for _, r in g.iterrows():
            print(f"    {r['parameter']}: {r[key]:.4g} ± {r[key + '_conf']:.2g}")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"results: {out}/ ({result.computed_points} points computed now)")
    return 0
