"""Scenarios as tables: an Excel workbook (or a folder of CSV files) with the sheets ``settings``,
``nodes``, ``legs``, ``sourcing`` and ``disruptions``, for planners who keep networks in
spreadsheets (``diversim import`` / ``diversim export``).

One row per node, leg, policy or disruption, its id in the first column. Nested fields are
dotted columns (``demand.kind``, ``lead_time_days.dist``, ``shares.cn_shenzhen``,
``target.node``, ``effect.closed``); a list is written in one cell as ``[a, b]``; an empty cell
is a field left out (its default). ``settings`` has one row per top-level field (``field``,
``value``, and a ``description`` column that is read back as nothing). A sheet called
``README`` (written by export) is ignored on import.

Every problem found on import, by the tables or by the scenario's own validation, is located at
its cell: ``network.xlsx: nodes!F7: nodes.cn.capacity_per_day: …``. Excel needs openpyxl
(``pip install 'diversim[excel]'``); CSV folders need nothing extra.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ScenarioError

#: The sheets, in workbook order; the id column of each section sheet.
SECTIONS = {"nodes": "id", "legs": "id", "sourcing": "policy", "disruptions": "id"}
SHEETS = ("settings", *SECTIONS)
SETTINGS_COLUMNS = ("field", "value", "description")
EXCEL_NEEDS = "reading or writing .xlsx needs openpyxl: pip install 'diversim[excel]'"

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def column_letter(i: int) -> str:
    """Excel's name of column ``i`` (0-based): A, B, …, Z, AA, …"""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


@dataclass(frozen=True)
class Cell:
    """Where a value came from: ``nodes!F7`` (row as the spreadsheet numbers it, from 1)."""

    sheet: str
    row: int
    col: int

    def __str__(self) -> str:
        return f"{self.sheet}!{column_letter(self.col)}{self.row}"


@dataclass
class Table:
    """One sheet: its header and its rows (the row below the header is row 2)."""

    name: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)


# --------------------------------------------------------------------------- values


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A nested mapping as dotted keys; lists and scalars are leaves."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def to_cell(value: Any) -> Any:
    """A field value as a spreadsheet cell: numbers, text and booleans as they are, a list or
    an empty mapping as YAML flow text (``[a, b]``), None as an empty cell."""
    if isinstance(value, list | tuple | dict):
        return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)[
            :-1
        ].removesuffix("\n...")
    return value


def from_cell(value: Any, typed: bool) -> Any:
    """A cell as a field value (None for an empty cell). ``typed``: the cell keeps its type (a
    workbook), so only text in brackets is parsed; else (CSV) numbers and true/false too. Text
    such as NO or ON stays text (no YAML guessing)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and math.isnan(value):
        return None
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    if text[0] in "[{":
        return yaml.safe_load(text)
    if not typed:
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        if _NUMBER.match(text):
            number = float(text)
            return int(number) if number.is_integer() and re.match(r"^[+-]?\d+$", text) else number
    return text


# --------------------------------------------------------------------------- scenario ⇄ tables


def scenario_tables(data: dict[str, Any], descriptions: dict[str, str] | None = None) -> dict:
    """The tables of a scenario mapping (as a YAML file holds it), by sheet name."""
    descriptions = descriptions or {}
    settings = Table("settings", list(SETTINGS_COLUMNS))
    top = {k: v for k, v in data.items() if k not in SECTIONS and k != "extends"}
    for key, value in flatten(top).items():
        settings.rows.append([key, to_cell(value), descriptions.get(key.split(".")[0], "")])
    tables = {"settings": settings}
    for section, id_col in SECTIONS.items():
        entries = data.get(section) or {}
        flat = {k: flatten(v) for k, v in entries.items()}
        columns: list[str] = []
        for f in flat.values():
            columns += [c for c in f if c not in columns]
        # The kind first, then the rest in the order they first appear.
        columns.sort(key=lambda c: c != "kind")
        t = Table(section, [id_col, *columns])
        for k, f in flat.items():
            t.rows.append([k, *(to_cell(f.get(c)) for c in columns)])
        tables[section] = t
    return tables


def _unflatten(items: list[tuple[str, Any, Cell]], problems: list[Problem], where: str):
    """Dotted keys back to a nested mapping; a key that is both a value and a group of columns
    (``transit_days`` and ``transit_days.dist`` on one row) is a problem at its cell."""
    out: dict[str, Any] = {}
    for key, value, cell in items:
        parts = key.split(".")
        node = out
        for i, part in enumerate(parts[:-1]):
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):
                problems.append(
                    Problem(
                        where,
                        f"column '{key}' and column '{'.'.join(parts[: i + 1])}' both have a "
                        "value on this row",
                        "fill one of them: a plain value, or its dotted parts",
                        file=str(cell),
                    )
                )
                break
            node = nxt
        else:
            if isinstance(node.get(parts[-1]), dict):
                problems.append(
                    Problem(
                        where,
                        f"column '{key}' has a value and so do its dotted parts ({key}.…)",
                        "fill one of them: a plain value, or its dotted parts",
                        file=str(cell),
                    )
                )
                continue
            node[parts[-1]] = value
    return out


def tables_scenario(
    tables: dict[str, Table], typed: bool
) -> tuple[dict[str, Any], dict[str, Cell], list[Problem]]:
    """(scenario mapping, cell of each dotted field path, problems) from the tables."""
    problems: list[Problem] = []
    cells: dict[str, Cell] = {}
    data: dict[str, Any] = {}
    st = tables.get("settings")
    if st is not None:
        items = []
        for r, row in enumerate(st.rows, start=2):
            key = from_cell(row[0] if row else None, typed)
            value = from_cell(row[1] if len(row) > 1 else None, typed)
            if key is None:
                if value is not None:
                    problems.append(
                        Problem(
                            "",
                            "a value without a field name",
                            "name the field in column A",
                            file=str(Cell("settings", r, 0)),
                        )
                    )
                continue
            if value is None:
                continue
            cell = Cell("settings", r, 1)
            items.append((str(key), value, cell))
            cells[str(key)] = cell
        data.update(_unflatten(items, problems, "settings"))
    for section, id_col in SECTIONS.items():
        t = tables.get(section)
        if t is None:
            continue
        header = [str(h).strip() if h is not None else "" for h in t.header]
        if not header or header[0] != id_col:
            got = header[0] if header else "nothing"
            problems.append(
                Problem(
                    section,
                    f"the first column must be '{id_col}', not '{got}'",
                    f"put the {id_col} of each row in column A, headed '{id_col}'",
                    file=str(Cell(section, 1, 0)),
                )
            )
            continue
        for c, h in enumerate(header):
            if not h and any(
                c < len(row) and from_cell(row[c], typed) is not None for row in t.rows
            ):
                problems.append(
                    Problem(
                        section,
                        "a column with values but no heading",
                        "give it a field name (e.g. capacity_per_day) or delete it",
                        file=str(Cell(section, 1, c)),
                    )
                )
        entries: dict[str, Any] = {}
        first_row: dict[str, int] = {}
        for r, row in enumerate(t.rows, start=2):
            values = [
                from_cell(row[c] if c < len(row) else None, typed) for c in range(len(header))
            ]
            if all(v is None for v in values):
                continue
            key = values[0]
            if key is None:
                problems.append(
                    Problem(
                        section,
                        f"a row without an {id_col}",
                        f"fill in column A ({id_col})",
                        file=str(Cell(section, r, 0)),
                    )
                )
                continue
            key = str(key)
            if key in first_row:
                problems.append(
                    Problem(
                        f"{section}.{key}",
                        f"duplicate {id_col} '{key}' (also on row {first_row[key]})",
                        "give every row its own id",
                        file=str(Cell(section, r, 0)),
                    )
                )
                continue
            first_row[key] = r
            cells[f"{section}.{key}"] = Cell(section, r, 0)
            items = []
            for c in range(1, len(header)):
                if header[c] and values[c] is not None:
                    cell = Cell(section, r, c)
                    items.append((header[c], values[c], cell))
                    cells[f"{section}.{key}.{header[c]}"] = cell
            entries[key] = _unflatten(items, problems, f"{section}.{key}")
        data[section] = entries
    return data, cells, problems


def locate(problem: Problem, cells: dict[str, Cell], source: str) -> Problem:
    """The problem at the cell of its field path (or of the nearest enclosing one)."""
    if problem.file and "!" in problem.file:
        return Problem(problem.path, problem.message, problem.fix, file=f"{source}: {problem.file}")
    path = problem.path
    while path and path not in cells:
        path = path.rpartition(".")[0]
    where = f"{source}: {cells[path]}" if path else source
    return Problem(problem.path, problem.message, problem.fix, file=where)


# --------------------------------------------------------------------------- files


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise ScenarioError([Problem("", EXCEL_NEEDS, "pip install 'diversim[excel]'")]) from None
    return openpyxl


def read_tables(path: Path) -> tuple[dict[str, Table], bool]:
    """The tables of a workbook (.xlsx) or of a folder of CSV files, and whether its cells are
    typed (a workbook) or text (CSV)."""
    if path.is_dir():
        tables = {}
        for name in SHEETS:
            f = path / f"{name}.csv"
            if f.exists():
                with f.open(newline="", encoding="utf-8-sig") as fh:
                    rows = list(csv.reader(fh))
                tables[name] = Table(f"{name}.csv", rows[0] if rows else [], rows[1:])
        return tables, False
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ScenarioError(
            [
                Problem(
                    "",
                    "not a workbook or a folder of CSV files",
                    "give a .xlsx file or a folder holding nodes.csv, legs.csv, …",
                    file=str(path),
                )
            ]
        )
    openpyxl = _openpyxl()
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"cannot be read as a workbook ({type(exc).__name__}: {exc})",
                    "save it again from Excel as .xlsx",
                    file=str(path),
                )
            ]
        ) from None
    tables = {}
    for ws in wb.worksheets:
        name = ws.title.strip().lower()
        if name not in SHEETS:
            continue
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        tables[name] = Table(ws.title, [*rows[0]] if rows else [], rows[1:])
    wb.close()
    return tables, True


def import_tables(path: str | Path) -> dict[str, Any]:
    """Read a workbook or CSV folder and validate it as a scenario; return the scenario mapping
    (as a YAML file would hold it). Raise one :class:`ScenarioError` with every problem at its
    cell (``network.xlsx: nodes!F7: …``)."""
    from .loader import scenario_from_dict

    path = Path(path)
    if not path.exists():
        raise ScenarioError([Problem("", "does not exist", "check the path", file=str(path))])
    tables, typed = read_tables(path)
    missing = [s for s in ("nodes", "sourcing") if s not in tables]
    if missing:
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"has no sheet '{s}'",
                    f"add a sheet (or {s}.csv) called '{s}'",
                    file=str(path),
                )
                for s in missing
            ]
        )
    sheet_names = {k: t.name for k, t in tables.items()}
    data, cells, problems = tables_scenario(tables, typed)
    cells = {k: Cell(sheet_names.get(c.sheet, c.sheet), c.row, c.col) for k, c in cells.items()}
    problems = [
        Problem(p.path, p.message, p.fix, file=_rename(p.file, sheet_names)) for p in problems
    ]
    data.setdefault("name", path.stem)
    if problems:
        raise ScenarioError([locate(p, cells, str(path)) for p in problems])
    try:
        scenario_from_dict(data, name=path.stem)
    except ScenarioError as exc:
        raise ScenarioError([locate(p, cells, str(path)) for p in exc.problems]) from None
    return data


def _rename(where: str | None, names: dict[str, str]) -> str | None:
    if where and "!" in where:
        sheet, _, rest = where.partition("!")
        return f"{names.get(sheet, sheet)}!{rest}"
    return where


def _readme_rows() -> list[list[str]]:
    return [
        ["diversim scenario workbook"],
        [""],
        [
            "Sheets: settings (one row per top-level field), nodes, legs, sourcing, disruptions "
            "(one row per node, leg, policy, disruption; its id in column A)."
        ],
        [
            "Nested fields are dotted columns: demand.kind, lead_time_days.dist, shares.cn, "
            "target.node, effect.closed. Lists go in one cell: [a, b]. Empty cell = default."
        ],
        [
            "Import: diversim import network.xlsx -o scenario.yaml   (then: diversim run "
            "scenario.yaml)"
        ],
        ["Field meanings: diversim schema, or the description column of the settings sheet."],
    ]


def workbook_bytes(tables: dict[str, Table]) -> bytes:
    """The tables as an .xlsx workbook (bold, frozen header; a README sheet last)."""
    openpyxl = _openpyxl()
    from openpyxl.styles import Font, PatternFill

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    for name in SHEETS:
        t = tables[name]
        ws = wb.create_sheet(name)
        ws.append(t.header)
        for c in ws[1]:
            c.font, c.fill = bold, fill
        for row in t.rows:
            ws.append([_excel_value(v) for v in row])
        ws.freeze_panes = "B2"
        for i, h in enumerate(t.header):
            width = max([len(str(h)), *(len(str(r[i])) for r in t.rows if i < len(r))])
            ws.column_dimensions[column_letter(i)].width = min(48, max(8, width + 2))
    ws = wb.create_sheet("README")
    for row in _readme_rows():
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_files(tables: dict[str, Table]) -> dict[str, bytes]:
    """The tables as CSV files (UTF-8), by file name: settings.csv, nodes.csv, …"""
    out = {}
    for name in SHEETS:
        t = tables[name]
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(t.header)
        for row in t.rows:
            w.writerow(["" if v is None else _csv_value(v) for v in row])
        out[f"{name}.csv"] = buf.getvalue().encode("utf-8")
    return out


def _excel_value(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) and not isinstance(v, datetime) else v


def _csv_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def field_descriptions() -> dict[str, str]:
    """The schema's description of each top-level scenario field (for the settings sheet)."""
    from .schema import Scenario

    return {k: (f.description or "") for k, f in Scenario.model_fields.items()}


def export_rows(data: dict[str, Any]) -> dict[str, Table]:
    """The tables of a scenario mapping, with the settings' descriptions."""
    return scenario_tables(data, field_descriptions())


#: The scenario of the template workbook (``diversim export --template``): two suppliers, two
#: ports, a strait, a plant; single and split sourcing; a scheduled closure of the strait.
TEMPLATE: dict[str, Any] = {
    "name": "my_network",
    "description": "Template: replace the rows with your own network (one row per node, leg, "
    "policy, disruption).",
    "currency": "USD",
    "seed": 1,
    "start_date": date(2025, 1, 1),
    "horizon_days": 365,
    "warmup_days": 60,
    "replications": 20,
    "baseline": "single_cn",
    "product": {"name": "component", "unit_value": 100, "holding_cost_rate": 0.25},
    "nodes": {
        "cn_supplier": {
            "kind": "supplier",
            "label": "Shenzhen",
            "country": "CN",
            "lat": 22.54,
            "lon": 114.06,
            "capacity_per_day": 400,
            "lead_time_days": 7,
            "unit_price": 100,
        },
        "vn_supplier": {
            "kind": "supplier",
            "label": "Hai Phong",
            "country": "VN",
            "lat": 20.86,
            "lon": 106.68,
            "capacity_per_day": 300,
            "lead_time_days": 10,
            "unit_price": 106,
        },
        "port_shenzhen": {
            "kind": "port",
            "label": "Yantian",
            "country": "CN",
            "lat": 22.57,
            "lon": 114.27,
            "handling_days": 2,
        },
        "port_haiphong": {
            "kind": "port",
            "label": "Hai Phong port",
            "country": "VN",
            "lat": 20.84,
            "lon": 106.76,
            "handling_days": 2,
        },
        "malacca": {
            "kind": "chokepoint",
            "label": "Malacca",
            "country": "SG",
            "lat": 1.26,
            "lon": 103.82,
        },
        "rotterdam": {
            "kind": "port",
            "label": "Rotterdam",
            "country": "NL",
            "lat": 51.95,
            "lon": 4.14,
            "handling_days": {"dist": "triangular", "low": 1, "mode": 2, "high": 4},
        },
        "plant": {
            "kind": "site",
            "label": "Plant",
            "country": "DE",
            "lat": 51.43,
            "lon": 6.76,
            "demand": {"kind": "poisson", "rate_per_day": 200},
            "inventory": {"kind": "base_stock", "order_up_to_days_of_cover": 45},
            "shortage_penalty_per_unit": 50,
        },
    },
    "legs": {
        "cn_port": {
            "from": "cn_supplier",
            "to": "port_shenzhen",
            "mode": "road",
            "transit_days": 1,
            "cost_per_unit": 0.2,
        },
        "vn_port": {
            "from": "vn_supplier",
            "to": "port_haiphong",
            "mode": "road",
            "transit_days": 1,
            "cost_per_unit": 0.2,
        },
        "shenzhen_malacca": {
            "from": "port_shenzhen",
            "to": "malacca",
            "mode": "sea",
            "transit_days": 5,
            "cost_per_unit": 0.3,
        },
        "haiphong_malacca": {
            "from": "port_haiphong",
            "to": "malacca",
            "mode": "sea",
            "transit_days": 5,
            "cost_per_unit": 0.3,
        },
        "malacca_rotterdam": {
            "from": "malacca",
            "to": "rotterdam",
            "mode": "sea",
            "transit_days": {"dist": "lognormal", "mean": 24, "cv": 0.1},
            "cost_per_unit": 1.5,
        },
        "rotterdam_plant": {
            "from": "rotterdam",
            "to": "plant",
            "mode": "road",
            "transit_days": 1,
            "cost_per_unit": 0.3,
        },
    },
    "sourcing": {
        "single_cn": {"kind": "single", "supplier": "cn_supplier"},
        "split_cn_vn": {"kind": "split", "shares": {"cn_supplier": 0.6, "vn_supplier": 0.4}},
    },
    "disruptions": {
        "shenzhen_port_closed": {
            "description": "A typhoon closes Yantian for two weeks.",
            "target": {"node": "port_shenzhen"},
            "timing": {"kind": "scheduled", "start_day": 150, "duration_days": 14},
            "effect": {"closed": True},
        },
    },
}
