"""Atomic writes: every file goes through a temporary file and a rename, a results folder through
a temporary folder renamed into place, so an interruption never leaves anything half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from .locations import OutputKind, is_diversim_folder, remove_stale, temp_prefix

if TYPE_CHECKING:
    import pandas as pd


#: Rows pandas formats at a time when it writes a CSV. Its default (100,000 cells) holds ~14 MiB
#: of text objects for a 2,000-row table of 45 figures; the bytes written are the same.
CSV_CHUNK_ROWS = 256


def table_csv(table: pd.DataFrame, path: str | os.PathLike | None = None) -> str | None:
    """``table`` as CSV without its index: written to ``path``, or returned as text."""
    return table.to_csv(path, index=False, chunksize=CSV_CHUNK_ROWS)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike, content: bytes | str | pd.DataFrame) -> Path:
    """Write bytes, text (UTF-8) or a table (CSV, no index) to ``path`` through a temporary file
    in the same folder and a rename; the file gets the usual permissions (umask), not mkstemp's
    0600. Return the path."""
    path = Path(path)
    if isinstance(content, str):
        data = content.encode("utf-8")
    elif isinstance(content, bytes):
        data = content
    else:
        data = table_csv(content).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name, "file"), dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@contextmanager
def atomic_folder(out: Path, force: bool) -> Iterator[Path]:
    """Yield a hidden temporary folder beside ``out`` to fill; when the block ends it is renamed
    to ``out`` (replacing an existing ``out`` only with ``force``, and only then); when the block
    fails or is interrupted it is removed and ``out`` is left as it was. Leftovers of an earlier
    write of ``out`` that was killed (SIGKILL, power loss) are removed first."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out.parent, out.name)
    tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(out.name, "tmp"), dir=out.parent))
    tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; results are an ordinary folder
    try:
        yield tmp
        _swap_into_place(tmp, out, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_into_place(tmp: Path, out: Path, force: bool) -> None:
    if out.exists() or out.is_symlink():
        if not force:
            raise UsageError(f"results folder '{out}' appeared during the run; nothing replaced")
        if not is_diversim_folder(out, OutputKind.RUN):
            raise UsageError(f"'{out}' is no longer a diversim results folder; nothing replaced")
        old = Path(tempfile.mkdtemp(prefix=temp_prefix(out.name, "old"), dir=out.parent))
        old.rmdir()
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)
