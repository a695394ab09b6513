"""``diversim plot`` (re-draw the plots of a results folder) and ``diversim report`` (re-build
its report.html)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_commands(sub) -> None:
    p = sub.add_parser(
        "plot", help="re-draw the plots (PNG and SVG) of a results folder into DIR/plots"
    )
    p.add_argument("folder", type=Path, metavar="DIR")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("report", help="re-build the one-file HTML report DIR/report.html")
    p.add_argument("folder", type=Path, metavar="DIR")
    p.add_argument(
        "--static",
        action="store_true",
        help="images only, no interactive figures (they need plotly: diversim[interactive])",
    )
    p.set_defaults(func=cmd_report)


def cmd_plot(args: argparse.Namespace) -> int:
    from ..output.render import plot_folder

    written = plot_folder(args.folder)
    print(f"written: {len(written)} files in {args.folder / 'plots'}/")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ..output.render import report_folder

    print(f"written: {report_folder(args.folder, interactive=not args.static)}")
    return 0
