"""``diversim import`` (a workbook or a folder of CSV files → a scenario YAML file) and
``diversim export`` (a scenario → a workbook or CSV files); see :mod:`simulator.scenario.tables`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError


def add_commands(sub) -> None:
    p = sub.add_parser(
        "import",
        help="turn a scenario workbook (.xlsx) or a folder of CSV files into a scenario YAML file",
        description="Sheets: settings, nodes, legs, sourcing, disruptions (see `diversim export` "
        "for the layout). Every bad cell is reported as FILE: sheet!B7: field: problem — fix.",
    )
    p.add_argument("source", type=Path, metavar="NETWORK.xlsx|DIR")
    p.add_argument("-o", "--out", type=Path, help="the YAML file (default: NETWORK.yaml beside it)")
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export",
        help="write a scenario as a workbook (.xlsx) or as a folder of CSV files",
        description="One sheet per section (settings, nodes, legs, sourcing, disruptions), one "
        "row per entry, nested fields as dotted columns; `diversim import` reads it back.",
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO.yaml", nargs="?")
    p.add_argument(
        "-o", "--out", type=Path, help="a .xlsx file, or a folder for CSV files (default: .xlsx)"
    )
    p.add_argument(
        "--template",
        action="store_true",
        help="write the template workbook (a small example network to fill in) instead",
    )
    p.add_argument("--force", action="store_true", help="replace existing output files")
    p.set_defaults(func=cmd_export)


def _refuse_existing(paths: list[Path], force: bool) -> None:
    there = [p for p in paths if p.exists()]
    if there and not force:
        raise UsageError(f"'{there[0]}' exists; use --force to replace it or -o elsewhere")


def cmd_import(args: argparse.Namespace) -> int:
    import yaml

    from ..output.files import write_atomic
    from ..scenario.tables import import_tables

    src: Path = args.source
    out = args.out or src.with_suffix(".yaml") if src.suffix else (args.out or Path(f"{src}.yaml"))
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"-o {out}: the scenario file must end in .yaml")
    _refuse_existing([out], args.force)
    data = import_tables(src)
    text = (
        f"# Imported from {src.name} by `diversim import`; edit the workbook and import again, "
        "or edit this file.\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, text)
    n = {k: len(data.get(k) or {}) for k in ("nodes", "legs", "sourcing", "disruptions")}
    print(
        f"written: {out} (scenario '{data['name']}': {n['nodes']} nodes, {n['legs']} legs, "
        f"{n['sourcing']} policies, {n['disruptions']} disruptions)"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..output.files import write_atomic
    from ..scenario import load_scenario
    from ..scenario.overlays import read_layers
    from ..scenario.tables import csv_files, export_rows, workbook_bytes

    if args.template == (args.scenario is not None):
        raise UsageError("export: give a SCENARIO.yaml, or --template (not both)")
    if args.template:
        from ..scenario.tables import TEMPLATE

        data = TEMPLATE
        out = args.out or Path("network.xlsx")
    else:
        load_scenario(args.scenario)  # validate first: export only what runs
        data = dict(read_layers(args.scenario).data)
        data.pop("extends", None)
        out = args.out or args.scenario.with_suffix(".xlsx")
    tables = export_rows(data)
    if out.suffix.lower() == ".xlsx":
        _refuse_existing([out], args.force)
        payload = workbook_bytes(tables)
        out.parent.mkdir(parents=True, exist_ok=True)
        written = [write_atomic(out, payload)]
    elif out.suffix:
        raise UsageError(f"-o {out}: give a .xlsx file or a folder (no suffix) for CSV files")
    else:
        if out.exists() and not out.is_dir():
            raise UsageError(f"-o {out}: is a file; give a folder for the CSV files")
        files = csv_files(tables)
        _refuse_existing([out / name for name in files], args.force)
        out.mkdir(parents=True, exist_ok=True)
        written = [write_atomic(out / name, payload) for name, payload in files.items()]
    for path in written:
        print(f"written: {path}")
    print(f"import it back with: diversim import {out} -o SCENARIO.yaml", file=sys.stderr)
    return 0
