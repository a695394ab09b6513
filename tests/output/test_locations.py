"""Where output goes: safe folder names, locations checked before a run, --force only on a
diversim folder, and leftovers of killed writes cleaned on the next write."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.errors import UsageError
from simulator.output.files import atomic_folder, write_atomic
from simulator.output.locations import (
    MAX_NAME_CHARS,
    OutputKind,
    check_output,
    default_out,
    folder_name,
    remove_stale,
)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("china_plus_one", "china_plus_one"),
        ("Red Sea 2024 (v2)", "Red Sea 2024 (v2)"),
        ("名前 シナリオ", "名前 シナリオ"),
        ("../important", "___important"),
        ("/etc/cron.d/x", "_etc_cron.d_x"),
        ("a/b", "a_b"),
        ("a\\b", "a_b"),
        ("..", "__"),
        (".", "_"),
        (".hidden", "_hidden"),
        ("", "scenario"),
        ("   ", "scenario"),
        ("trailing. ", "trailing_"),
        ("con", "con_"),
        ("LPT1.txt", "LPT1.txt_"),
        ("new\nline", "new_line"),
        ("nul\x00byte", "nul_byte"),
        ("\u202eevil", "_evil"),
        ("<script>", "_script_"),
    ],
)
def test_folder_name_is_one_safe_folder(name, expected):
    assert folder_name(name) == expected


def test_folder_name_is_short_and_never_a_path(tmp_path):
    long = folder_name("ü" * 1000)
    assert len(long) <= MAX_NAME_CHARS and len(long.encode()) <= 200
    for name in ["../important", "/abs", "..", "a/../../b", "~/x"]:
        out = default_out(name)
        assert out.parent == Path("results") and len(out.parts) == 2
        assert ".." not in out.parts and not out.is_absolute()


# --------------------------------------------------------------------------- check_output


def test_an_existing_folder_is_refused_without_force(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    with pytest.raises(UsageError, match="already exists; use --force"):
        check_output(out, False, OutputKind.RUN)


def test_force_replaces_only_a_diversim_results_folder(tmp_path):
    out = tmp_path / "important"
    out.mkdir()
    (out / "data.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not a diversim results folder"):
        check_output(out, True, OutputKind.RUN)
    (out / "manifest.json").write_text("not json")
    with pytest.raises(UsageError, match="not a diversim results folder"):
        check_output(out, True, OutputKind.RUN)
    (out / "manifest.json").write_text(json.dumps({"scenario": "x"}))
    check_output(out, True, OutputKind.RUN)  # now it is one
    assert (out / "data.txt").read_text() == "keep me"


def test_a_file_in_the_way_is_refused(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(UsageError, match="it is a file"):
        check_output(afile, True, OutputKind.RUN)
    with pytest.raises(UsageError, match=r"is inside '.*afile', a file"):
        check_output(afile / "sub", False, OutputKind.RUN)
    with pytest.raises(UsageError, match="it is a file"):
        check_output(afile, False, OutputKind.SWEEP)


def test_a_link_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(UsageError, match="symbolic link"):
        check_output(tmp_path / "link", True, OutputKind.RUN)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_a_read_only_folder_is_refused(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(UsageError, match="permission denied"):
            check_output(ro / "res", False, OutputKind.RUN)
    finally:
        ro.chmod(0o700)


def test_an_unwritable_location_is_refused_with_the_reason(tmp_path, monkeypatch):
    # Root ignores permission bits, so the refusal is simulated at the probe itself.
    import simulator.output.locations as loc

    def refuse(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(loc.tempfile, "mkdtemp", refuse)
    with pytest.raises(UsageError, match=r"read-only file system in '.*'\); choose a folder"):
        check_output(tmp_path / "res", False, OutputKind.RUN)


def test_a_sweep_folder_must_be_new_empty_or_a_sweep(tmp_path):
    out = tmp_path / "s"
    check_output(out, False, OutputKind.SWEEP)  # new
    out.mkdir()
    check_output(out, False, OutputKind.SWEEP)  # empty
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="not a diversim sweep folder"):
        check_output(out, True, OutputKind.SWEEP)
    (out / "design.json").write_text("{}")
    check_output(out, True, OutputKind.SWEEP)


# --------------------------------------------------------------------------- leftovers


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    dead, live = _dead_pid(), os.getppid()
    stale = [
        tmp_path / f".res.tmp-{dead}-abc",
        tmp_path / f".res.old-{dead}-abc",
    ]
    for p in stale:
        p.mkdir()
        (p / "summary.csv").write_text("half")
    (tmp_path / f".res.{dead}.k2j4h5g6").write_text("half a file")
    keep = [tmp_path / f".res.tmp-{live}-abc", tmp_path / f".other.tmp-{dead}-abc"]
    for p in keep:
        p.mkdir()
    (tmp_path / ".res.tmp-notapid").mkdir()
    removed = remove_stale(tmp_path, "res")
    assert sorted(p.name for p in removed) == sorted(
        [*(p.name for p in stale), f".res.{dead}.k2j4h5g6"]
    )
    assert all(p.exists() for p in keep) and (tmp_path / ".res.tmp-notapid").exists()


def test_a_write_killed_by_sigkill_is_cleaned_by_the_next_write(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "manifest.json").write_text('{"scenario": "old"}')
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from simulator.output.files import atomic_folder
        with atomic_folder(Path({str(out)!r}), True) as tmp:
            (tmp / "summary.csv").write_text("half written")
            print("writing", flush=True)
            time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".res.tmp-")]
    assert len(left) == 1  # what a kill leaves behind
    assert json.loads((out / "manifest.json").read_text()) == {"scenario": "old"}  # intact
    with atomic_folder(out, True) as tmp:
        (tmp / "manifest.json").write_text('{"scenario": "new"}')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]
    assert json.loads((out / "manifest.json").read_text()) == {"scenario": "new"}


def test_disk_full_while_writing_keeps_the_previous_results(tmp_path, monkeypatch):
    out = tmp_path / "res"
    out.mkdir()
    (out / "manifest.json").write_text('{"scenario": "old"}')
    with pytest.raises(OSError, match="No space"), atomic_folder(out, True) as tmp:
        (tmp / "a.csv").write_text("x")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]
    assert json.loads((out / "manifest.json").read_text()) == {"scenario": "old"}


def test_write_atomic_temp_files_carry_the_writer_pid(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_atomic(tmp_path / "points.csv", "a\n1\n")
    assert seen[0].startswith(f".points.csv.{os.getpid()}.")


def test_a_sweep_store_removes_half_written_points_of_a_killed_sweep(tmp_path):
    from simulator.output.sweep_folder import SweepStore

    store = SweepStore(tmp_path / "sw")
    store.prepare("fp", [{"horizon_days": 30}], force=False)
    store.save(0, [{"point": 0, "value": 1.0}])
    dead = _dead_pid()
    half = store.points / f".point-00001.csv.{dead}.a1b2c3d4"
    half.write_text("point,val")
    store.prepare("fp", [{"horizon_days": 30}], force=False)  # the rerun resumes
    assert not half.exists() and store.load(0) == [{"point": 0, "value": 1.0}]
