"""The ``diversim`` command line: validate, schema, run (more verbs arrive with experiments).

Bad input prints one line per problem (file, line, field path, what is wrong, the fix) and exits
with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import __version__
from .errors import ScenarioError, UsageError

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def _cmd_validate(args: argparse.Namespace) -> int:
    from .scenario import load_scenario

    failed = 0
    for path in args.files:
        try:
            sc = load_scenario(path)
        except ScenarioError as exc:
            failed += 1
            for p in exc.problems:
                print(f"error: {p}", file=sys.stderr)
            continue
        print(
            f"ok: {path}: scenario '{sc.name}', {len(sc.nodes)} nodes, {len(sc.legs)} legs, "
            f"{len(sc.sourcing)} policies, {len(sc.disruptions)} disruptions"
        )
    if failed:
        print(f"{failed} of {len(args.files)} file(s) have problems", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from .scenario.schema import Scenario

    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "diversim scenario"
    print(json.dumps(schema, indent=2))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diversim",
        description="Supply-chain diversification simulator: disruptions, sourcing policies, "
        "resilience and cost, compared on common random numbers.",
    )
    parser.add_argument("--version", action="version", version=f"diversim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("validate", help="check scenario files and report every problem")
    p.add_argument("files", nargs="+", metavar="SCENARIO.yaml")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(func=_cmd_schema)

    from .experiment import cli as experiment_cli

    experiment_cli.add_commands(sub)

    from .output import cli as output_cli

    output_cli.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ScenarioError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
