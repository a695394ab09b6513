"""Where output goes, checked before any simulation: safe folder names from scenario names,
writable output locations, and the rule that ``--force`` replaces only a diversim folder.

A scenario's ``name`` comes from a file that may have travelled between teams, so it never
becomes a path as written: :func:`folder_name` turns it into one safe folder name (no ``/``,
``..``, absolute paths, control characters, Windows-reserved names, or more than
:data:`MAX_NAME_CHARS` characters). :func:`check_output` fails with the fix, before the run, when
the folder cannot be written or may not be replaced.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
import unicodedata
from enum import StrEnum
from pathlib import Path

from ..errors import UsageError, shorten

MAX_NAME_CHARS = 100
"""The longest folder name made from a scenario name (characters, before a suffix)."""

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


class OutputKind(StrEnum):
    """What a folder holds, known by the file diversim writes first into it."""

    RUN = "run"  # a results folder: manifest.json
    SWEEP = "sweep"  # a sweep's or buffer search's store: design.json

    @property
    def marker(self) -> str:
        return {OutputKind.RUN: "manifest.json", OutputKind.SWEEP: "design.json"}[self]


def folder_name(name: str) -> str:
    """A safe, single folder name for a scenario ``name`` (the name itself when it is one).

    Path separators, control characters and the characters Windows refuses become ``_``; leading
    dots (``..``, hidden folders) and trailing dots and spaces become ``_`` too; a Windows
    reserved name gets a ``_`` appended; the result is cut to :data:`MAX_NAME_CHARS` characters.
    """
    s = unicodedata.normalize("NFC", str(name))
    s = "".join("_" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in s)
    s = _UNSAFE.sub("_", s).strip(" ")
    s = re.sub(r"^\.+", lambda m: "_" * len(m.group()), s)
    s = re.sub(r"[. ]+$", lambda m: "_" * len(m.group()), s)
    s = s[:MAX_NAME_CHARS]
    while len(s.encode("utf-8")) > 200:  # most file systems allow 255 bytes per name
        s = s[:-1]
    if s.split(".")[0].upper() in _WINDOWS_RESERVED:
        s += "_"
    return s or "scenario"


def default_out(name: str, suffix: str = "") -> Path:
    """``results/<safe folder name><suffix>``."""
    return Path("results") / f"{folder_name(name)}{suffix}"


def is_diversim_folder(path: Path, kind: OutputKind) -> bool:
    """Whether ``path`` is a folder (not a link) that diversim wrote: it holds the kind's marker,
    a JSON object."""
    marker = path / kind.marker
    if path.is_symlink() or not path.is_dir() or not marker.is_file():
        return False
    try:
        return isinstance(json.loads(marker.read_text(encoding="utf-8")), dict)
    except (OSError, ValueError):
        return False


def check_output(out: Path, force: bool, kind: OutputKind) -> None:
    """Fail (UsageError, exit 2) before any simulation if ``out`` cannot be written or may not be
    replaced or reused.

    A run replaces an existing folder only with ``force`` and only when it is a results folder;
    a sweep resumes in (or, with ``force``, restarts) only a folder holding a sweep, or starts in
    a new or empty one.
    """
    shown = shorten(out, 200)
    if out.is_symlink():
        raise UsageError(f"'{shown}' is a symbolic link; give the folder it points to as --out")
    blocker = _file_in_the_way(out)
    if blocker is not None:
        what = "is a file" if blocker == out else f"is inside '{shorten(blocker, 200)}', a file"
        raise UsageError(f"cannot write to '{shown}': it {what}; choose another --out")
    if out.exists():
        _check_existing(out, force, kind, shown)
    probe_in = out if (kind is OutputKind.SWEEP and out.exists()) else _nearest_existing(out)
    if kind is OutputKind.RUN and out.exists():
        probe_in = out.parent
    _probe(probe_in, shown)


def _check_existing(out: Path, force: bool, kind: OutputKind, shown: str) -> None:
    if kind is OutputKind.RUN:
        if not force:
            raise UsageError(
                f"results folder '{shown}' already exists; use --force to replace it or --out "
                "to choose another folder"
            )
        if not is_diversim_folder(out, kind):
            raise UsageError(
                f"'{shown}' is not a diversim results folder (it has no manifest.json), so "
                "--force will not replace it; choose another --out"
            )
        return
    if is_diversim_folder(out, kind) or not any(out.iterdir()):
        return
    raise UsageError(
        f"'{shown}' already holds files and is not a diversim sweep folder (no design.json); "
        "choose a new or empty folder as --out"
    )


def _file_in_the_way(out: Path) -> Path | None:
    """``out`` or the first of its parents that exists and is not a folder."""
    for p in [*reversed(out.parents), out]:
        try:
            if p.exists() and not p.is_dir():
                return p
        except OSError:  # a name too long, say
            return p
    return None


def _nearest_existing(out: Path) -> Path:
    p = out.absolute()
    while not p.exists():
        p = p.parent
    return p


def _probe(folder: Path, shown: str) -> None:
    """Create and remove a folder in ``folder`` to prove that it is writable."""
    try:
        tmp = tempfile.mkdtemp(prefix=".diversim-probe-", dir=folder)
        os.rmdir(tmp)
    except OSError as exc:
        reason = {
            errno.EACCES: "permission denied",
            errno.EPERM: "permission denied",
            errno.EROFS: "read-only file system",
            errno.ENOSPC: "no space left on the disk",
        }.get(exc.errno or 0, exc.strerror or str(exc))
        raise UsageError(
            f"cannot write the output '{shown}' ({reason} in '{shorten(folder, 200)}'); choose "
            "a folder you can write as --out"
        ) from None


# --------------------------------------------------------------------------- leftovers

# .NAME.tmp-PID-xxxx and .NAME.old-PID-xxxx (folders), .NAME.PID.xxxxxxxx (files of write_atomic)
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:(?:tmp|old)-(?P<pid>\d+)-.+|(?P<fpid>\d+)\.[^.]+)$")


def temp_prefix(name: str, what: str) -> str:
    """The prefix of a hidden temporary sibling of ``name``: ``.NAME.tmp-PID-`` for a folder
    (``what`` = tmp or old), ``.NAME.PID.`` for a file (``what`` = file); the process id lets a
    later run tell a leftover of a killed run from one in progress."""
    if what == "file":
        return f".{name}.{os.getpid()}."
    return f".{name}.{what}-{os.getpid()}-"


def remove_stale(folder: Path, name: str | None = None) -> list[Path]:
    """Remove the temporary siblings of ``name`` (of anything, if None) in ``folder`` left by
    processes that no longer run (killed while writing); return what was removed. Leftovers of
    a process that still runs (a run in progress) are kept."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return removed
    for p in entries:
        m = _LEFTOVER.match(p.name)
        if m is None or (name is not None and m.group("name") != name):
            continue
        if _alive(int(m.group("pid") or m.group("fpid"))):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process (or cannot tell): leave it
    return True
