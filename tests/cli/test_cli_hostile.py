"""Hostile scenario names, bad flags and faults through the command line (in this process, for
speed): exit 2 naming the flag or field, no traceback, nothing outside the output folder
touched, nothing in results/ lost or half-written."""

from __future__ import annotations

import copy
import errno
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from simulator.cli import main

FAST = ["-n", "1", "-j", "1", "--no-report", "--no-alternatives", "--quiet"]


@pytest.fixture
def short(tiny_data) -> dict:
    d = copy.deepcopy(tiny_data)
    d["horizon_days"], d["warmup_days"] = 40, 0
    return d


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse refuses a value
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def scenario(work: Path, data: dict, name: str = "s.yaml") -> str:
    (work / name).write_text(yaml.safe_dump(data), encoding="utf-8")
    return name


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


# --------------------------------------------------------------------------- names


def test_a_name_with_dots_cannot_delete_outside_results(work, short, capsys):
    (work / "important").mkdir()
    (work / "important" / "data.txt").write_text("precious")
    short["name"] = "../important"
    path = scenario(work, short)
    code, _, err = cli(capsys, "validate", path)
    assert code == 0 and "results go to 'results/___important'" in err
    for _ in range(2):  # the second time with --force replaces the run's own folder only
        code, _, err = cli(capsys, "run", path, *FAST, "--force")
        assert code == 0, err
    assert (work / "important" / "data.txt").read_text() == "precious"
    assert (work / "results" / "___important" / "manifest.json").is_file()
    assert sorted(p.name for p in work.iterdir()) == ["important", "results", "s.yaml"]


@pytest.mark.parametrize(
    "name,folder",
    [("/tmp/diversim-abs-name", "_tmp_diversim-abs-name"), ("..", "__"), ("a/b", "a_b")],
)
def test_unsafe_names_become_one_folder_in_results(work, short, capsys, name, folder):
    short["name"] = name
    path = scenario(work, short)
    code, _, err = cli(capsys, "run", path, *FAST, "--force")
    assert code == 0, err
    assert tree(work / "results")[0] == folder
    assert json.loads((work / "results" / folder / "manifest.json").read_text())["scenario"] == name
    assert not Path("/tmp/diversim-abs-name").exists()


def test_names_with_control_characters_are_shown_escaped(work, short, capsys):
    short["name"] = "evil\x1b[2J"
    code, out, err = cli(capsys, "validate", scenario(work, short))
    assert code == 0 and "\x1b" not in out + err and "evil\\x1b[2J" in out


def test_force_does_not_replace_a_folder_diversim_did_not_write(work, short, capsys):
    mine = work / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    code, _, err = cli(capsys, "run", scenario(work, short), *FAST, "--out", "mine", "--force")
    assert code == 2 and "not a diversim results folder" in err and "running" not in err
    assert tree(mine) == ["thesis.tex"]


def test_a_sweep_does_not_write_into_a_foreign_folder(work, short, capsys):
    mine = work / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    code, _, err = cli(
        capsys, "sweep", scenario(work, short), "--grid", "horizon_days=30,40", "--out", "mine"
    )
    assert code == 2 and "not a diversim sweep folder" in err
    assert tree(mine) == ["notes.txt"]


# --------------------------------------------------------------------------- output locations


def test_an_output_under_a_file_fails_before_simulating(work, short, capsys):
    (work / "afile").write_text("x")
    path = scenario(work, short)
    code, _, err = cli(capsys, "run", path, *FAST, "--out", "afile/sub")
    assert code == 2 and "is inside 'afile', a file" in err and "running" not in err
    code, _, err = cli(capsys, "sweep", path, "--grid", "horizon_days=30,40", "--out", "afile")
    assert code == 2 and "it is a file" in err
    code, _, err = cli(capsys, "buffer", path, "--target-fill", "0.9", "--out", "afile")
    assert code == 2 and "it is a file" in err
    assert (work / "afile").read_text() == "x"


def test_a_read_only_output_fails_before_simulating(work, short, capsys, monkeypatch):
    import simulator.output.locations as loc

    def refuse(*a, **k):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(loc.tempfile, "mkdtemp", refuse)  # root would ignore chmod
    code, _, err = cli(capsys, "run", scenario(work, short), *FAST, "--out", "ro/res")
    assert code == 2 and "permission denied" in err and "choose a folder you can write" in err
    assert "running" not in err


def test_disk_full_while_writing_keeps_the_previous_results(work, short, capsys, monkeypatch):
    path = scenario(work, short)
    assert cli(capsys, "run", path, *FAST, "--out", "res")[0] == 0
    before = (work / "res" / "summary.csv").read_text()
    import simulator.output.results_folder as rf

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(rf, "manifest", full)
    code, _, err = cli(capsys, "run", path, *FAST, "--out", "res", "--force", "--seed", "9")
    assert code == 1 and "No space left on device" in err and "earlier results" in err
    assert (work / "res" / "summary.csv").read_text() == before
    assert sorted(p.name for p in work.iterdir()) == ["res", "s.yaml"]  # no leftovers


def test_a_killed_write_is_cleaned_on_the_next_run(work, short, capsys):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (work / "results").mkdir()
    stale = work / "results" / f".tiny.tmp-{dead.pid}-x1y2"
    stale.mkdir()
    (stale / "summary.csv").write_text("half")
    code, _, err = cli(capsys, "run", scenario(work, short), *FAST)
    assert code == 0, err
    assert tree(work / "results")[0] == "tiny" and not stale.exists()


# --------------------------------------------------------------------------- bad flags


@pytest.mark.parametrize(
    "argv,words",
    [
        (["run", "@", "--set", "horizon_days=[unclosed"], "--set 'horizon_days=[unclosed'"),
        (["run", "@", "--set", "name=!!python/name:os.system"], "tags are not allowed"),
        (["run", "@", "--set", "horizon_days"], "--set 'horizon_days': write PATH=VALUE"),
        (["run", "@", "--set", "horizon_days=.inf"], "finite"),
        (["sweep", "@", "--grid", "horizon_days=[x"], "--grid 'horizon_days=[x'"),
        (["sweep", "@", "--grid", "horizon_days=!!int 3"], "--grid"),
        (["sweep", "@", "--lhs", "horizon_days=0:inf"], "--lhs"),
        (["sweep", "@", "--lhs", "horizon_days=1:x"], "--lhs"),
        (["sweep", "@", "--grid", "horizon_days=30", "--samples", "0"], "argument --samples"),
        (["run", "@", "--seed", "-1"], "argument --seed: must be a whole number"),
        (["run", "@", "--seed", str(2**64)], "argument --seed"),
        (["run", "@", "--seed", "x"], "argument --seed: expected a whole number"),
        (["run", "@", "-n", "0"], "argument --replications/-n"),
        (["run", "@", "--jobs", "0"], "argument --jobs/-j"),
        (["run", "@", "--target-halfwidth", "nan"], "argument --target-halfwidth"),
        (["run", "@", "--target-halfwidth", "0"], "argument --target-halfwidth"),
        (["run", "@", "--max-replications", "0"], "argument --max-replications"),
        (["buffer", "@", "--target-fill", "1.5"], "--target-fill must be in (0, 1]"),
        (["buffer", "@", "--target-fill", "nan"], "--target-fill must be in (0, 1]"),
        (["warning-value", "@", "--lead-days", "0,inf"], "argument --lead-days"),
        (["sweep", "@", "--grid", "horizon_days=30", "-n", "-3"], "argument --replications/-n"),
    ],
)
def test_bad_command_line_values_exit_2_naming_the_flag(work, short, capsys, argv, words):
    path = scenario(work, short)
    code, _, err = cli(capsys, *[path if a == "@" else a for a in argv])
    assert code == 2 and words in err, err
    assert not (work / "results").exists()


@pytest.mark.parametrize(
    "design,words",
    [
        ("design: lhs\nlhs: {ranges: {horizon_days: [a, b]}}\n", "wrong form"),
        ("design: grid\nparameters: [{path: horizon_days, values: 3}]\n", "wrong form"),
        ("design: grid\nreplications: -1\nparameters: []\n", "replications must be"),
        ("design: !!python/name:os.system grid\n", "tags are not allowed"),
        ("[[[[", "malformed YAML"),
    ],
)
def test_bad_design_files_exit_2(work, short, capsys, design, words):
    (work / "d.yaml").write_text(design)
    code, _, err = cli(capsys, "sweep", scenario(work, short), "--design", "d.yaml")
    assert code == 2 and words in err, err


# --------------------------------------------------------------------------- extends


def test_extends_outside_needs_the_option_on_every_verb(work, short, capsys):
    (work / "shared").mkdir()
    (work / "shared" / "base.yaml").write_text(yaml.safe_dump(short))
    (work / "team").mkdir()
    (work / "team" / "v.yaml").write_text("extends: ../shared/base.yaml\nname: v\n")
    code, _, err = cli(capsys, "validate", "team/v.yaml")
    assert code == 2 and "outside the scenario's folder" in err
    code, _, err = cli(capsys, "run", "team/v.yaml", *FAST)
    assert code == 2 and "--allow-extends-outside" in err
    code, out, _ = cli(capsys, "validate", "team/v.yaml", "--allow-extends-outside")
    assert code == 0 and "scenario 'v'" in out
