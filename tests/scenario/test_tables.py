"""Scenarios as spreadsheets: every shipped scenario survives export → import unchanged (as a
workbook and as CSV files), bad cells are reported at their cell with exit status 2, and the
shipped template workbook imports and validates."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import load_scenario, scenario_from_dict
from simulator.cli import main
from simulator.errors import ScenarioError
from simulator.scenario.tables import column_letter, from_cell, import_tables

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
TEMPLATE = ROOT / "examples" / "network_template.xlsx"

openpyxl = pytest.importorskip("openpyxl")


def _same(a, b) -> None:
    assert a.model_dump(mode="json") == b.model_dump(mode="json")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
@pytest.mark.parametrize("form", ["network.xlsx", "csv"])
def test_every_shipped_scenario_round_trips(path, form, tmp_path, capsys):
    out = tmp_path / form
    assert main(["export", str(path), "-o", str(out)]) == 0
    back = tmp_path / "back.yaml"
    assert main(["import", str(out), "-o", str(back)]) == 0
    _same(load_scenario(path), load_scenario(back))
    assert "written:" in capsys.readouterr().out


def test_cell_values():
    assert column_letter(0) == "A" and column_letter(25) == "Z" and column_letter(26) == "AA"
    assert from_cell("NO", typed=False) == "NO"  # a country code, not YAML's false
    assert from_cell("12", typed=False) == 12 and from_cell("0.5", typed=False) == 0.5
    assert from_cell("12", typed=True) == "12"  # a workbook's text cell stays text
    assert from_cell("[a, b]", typed=True) == ["a", "b"]
    assert from_cell("  ", typed=True) is None


def _workbook(tmp_path, edit) -> Path:
    """The template workbook with ``edit(wb)`` applied."""
    wb = openpyxl.load_workbook(TEMPLATE)
    edit(wb)
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    return path


def _cell(ws, row_id: str, column: str):
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == row_id:
            return row[header.index(column)]
    raise AssertionError(row_id)


def test_bad_cells_are_reported_at_their_cell(tmp_path, capsys):
    where = {}

    def edit(wb):
        c = _cell(wb["nodes"], "cn_supplier", "capacity_per_day")
        c.value = -5
        where["cap"] = c.coordinate
        c = _cell(wb["legs"], "cn_port", "to")
        c.value = "nowhere"
        where["to"] = c.coordinate

    path = _workbook(tmp_path, edit)
    out = tmp_path / "s.yaml"
    assert main(["import", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"bad.xlsx: nodes!{where['cap']}: nodes.cn_supplier.capacity_per_day" in err
    assert f"legs!{where['to']}" in err and "nowhere" in err
    assert "Traceback" not in err and not out.exists()


def test_duplicate_ids_and_missing_sheets(tmp_path):
    def dup(wb):
        ws = wb["legs"]
        ws.append([c.value for c in ws[2]])  # row 2 again, same id

    with pytest.raises(ScenarioError) as exc:
        import_tables(_workbook(tmp_path, dup))
    (p,) = exc.value.problems
    assert "duplicate id 'cn_port' (also on row 2)" in str(p) and "legs!A" in str(p)

    def drop(wb):
        del wb["sourcing"]

    with pytest.raises(ScenarioError, match="has no sheet 'sourcing'"):
        import_tables(_workbook(tmp_path, drop))


def test_csv_cells_are_located_too(tmp_path, capsys):
    out = tmp_path / "net"
    assert main(["export", str(SCENARIOS[0]), "-o", str(out)]) == 0
    lines = (out / "legs.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("mode")] = "boat"
    lines[1] = ",".join(row)
    (out / "legs.csv").write_text("\n".join(lines) + "\n")
    assert main(["import", str(out), "-o", str(tmp_path / "s.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"legs.csv!{column_letter(header.index('mode'))}2:" in err and "boat" in err


def test_import_refuses_to_overwrite_and_export_needs_a_source(tmp_path, capsys):
    out = tmp_path / "s.yaml"
    out.write_text("keep me")
    assert main(["import", str(TEMPLATE), "-o", str(out)]) == 2
    assert out.read_text() == "keep me" and "--force" in capsys.readouterr().err
    assert main(["export", "-o", str(tmp_path / "x.xlsx")]) == 2


def test_shipped_template_imports_and_matches_the_built_in_one(tmp_path):
    from simulator.scenario.tables import TEMPLATE as BUILT_IN

    data = import_tables(TEMPLATE)
    _same(scenario_from_dict(data), scenario_from_dict(BUILT_IN))
    assert main(["export", "--template", "-o", str(tmp_path / "t.xlsx")]) == 0
    _same(scenario_from_dict(import_tables(tmp_path / "t.xlsx")), scenario_from_dict(BUILT_IN))
