"""The ``diversim`` command line: every verb, wired from the layers below.

One module per group of verbs: :mod:`.validate` (validate, schema), :mod:`.run` (run, compare),
:mod:`.sweep` (sweep), :mod:`.buffer` (buffer), :mod:`.warning` (warning-value), :mod:`.stress`
(stress), :mod:`.worst_case` (worst-case), :mod:`.sensitivity` (sensitivity), :mod:`.output`
(plot, report) and :mod:`.tables` (import, export). The CLI is where a run's tables meet the
results folder: experiment returns tables, output writes and draws them.

Bad input prints one line per problem (file, line, field path, what is wrong, the fix) and exits
with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import ScenarioError, UsageError, shorten
from . import (
    buffer,
    output,
    run,
    sensitivity,
    stress,
    sweep,
    tables,
    validate,
    warning,
    worst_case,
)
from .exits import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diversim",
        description="Supply-chain diversification simulator: disruptions, sourcing policies, "
        "resilience and cost, compared on common random numbers.",
    )
    parser.add_argument("--version", action="version", version=f"diversim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for verbs in (
        validate,
        run,
        sweep,
        buffer,
        warning,
        stress,
        worst_case,
        sensitivity,
        output,
        tables,
    ):
        verbs.add_commands(sub)
    return parser


#: pyarrow's allocator for a command's tables (``ARROW_DEFAULT_MEMORY_POOL``; yours wins if set).
#: Its default, mimalloc, kept what pandas' pyarrow-backed text columns passed through: a
#: 1,024-replication run peaked ~45 MiB higher, growing ~8 KB per policy × replication.
ARROW_POOL = "system"


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", ARROW_POOL)  # read when pyarrow starts
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # inside the try: a closed pipe is raised here, not at exit
        return code
    except ScenarioError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UsageError as exc:
        print(f"error: {shorten(exc, 1000)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _reader_went_away()
    except OSError as exc:  # disk full, a folder removed under us: say so, no traceback
        where = f" '{shorten(exc.filename, 200)}'" if exc.filename else ""
        print(
            f"error: could not read or write{where}: {exc.strerror or exc}; results folders "
            "are written atomically, so earlier results are as they were",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _reader_went_away() -> int:
    """The reader of stdout closed it (``diversim schema | head``): stop quietly, like any Unix
    tool. stdout is pointed at /dev/null so Python's flush at exit cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
