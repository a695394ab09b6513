"""``diversim validate`` (check scenario files) and ``diversim schema`` (their JSON Schema)."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import ScenarioError, shorten
from . import options
from .exits import EXIT_BAD_INPUT, EXIT_OK


def add_commands(sub) -> None:
    p = sub.add_parser("validate", help="check scenario files and report every problem")
    p.add_argument("files", nargs="+", metavar="SCENARIO.yaml")
    options.add_scenario_options(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(func=cmd_schema)


def cmd_validate(args: argparse.Namespace) -> int:
    from ..output.locations import default_out, folder_name
    from ..scenario import load_scenario

    failed = 0
    for path in args.files:
        try:
            sc = load_scenario(path, allow_extends_outside=args.allow_extends_outside)
        except ScenarioError as exc:
            failed += 1
            for p in exc.problems:
                print(f"error: {p}", file=sys.stderr)
            continue
        print(
            f"ok: {shorten(path, 200)}: scenario '{shorten(sc.name)}', {len(sc.nodes)} nodes, "
            f"{len(sc.legs)} legs, {len(sc.sourcing)} policies, {len(sc.disruptions)} disruptions"
        )
        if folder_name(sc.name) != sc.name:
            print(
                f"note: {shorten(path, 200)}: the name '{shorten(sc.name)}' is not a safe folder "
                f"name; results go to '{default_out(sc.name)}' (give a name of letters, digits, "
                "'-' and '_' to choose it)",
                file=sys.stderr,
            )
        for w in scenario_warnings(path, sc):
            print(f"warning: {w}", file=sys.stderr)
    if failed:
        print(f"{failed} of {len(args.files)} file(s) have problems", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def scenario_warnings(path, sc) -> list:
    """The scenario's warnings (:func:`simulator.scenario.advice.advice`), placed at their file
    and line."""
    from pathlib import Path

    from ..scenario.advice import advice
    from ..scenario.overlays import read_layers

    found = advice(sc)
    return read_layers(Path(path)).place(found) if found else []


def cmd_schema(args: argparse.Namespace) -> int:
    from ..scenario.schema import Scenario

    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "diversim scenario"
    print(json.dumps(schema, indent=2))
    return EXIT_OK
