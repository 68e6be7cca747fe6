"""Output files of a daily run: their names and atomic writes.

* :func:`day_stem` gives the file-name stem of a manager's outputs;
* :func:`write_text_atomic` writes a file to a temporary name beside it and renames
  it over the target, so an interrupted run leaves either the old file, the new one,
  or nothing, never half a file; :func:`atomic_target` does the same for writers
  that take a path (Parquet), and :func:`move_into_place` is the final rename.
"""

from __future__ import annotations

__all__ = ["atomic_target", "day_stem", "move_into_place", "write_text_atomic"]

import functools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Bytes kept as they are in file names; everything else is percent-encoded.
_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def day_stem(manager_id: str) -> str:
    """The file-name stem of a manager's outputs: the id, percent-encoded where unsafe.

    Letters, digits, ``_`` and ``-`` stay; every other byte of the UTF-8 id
    (``/``, ``.``, spaces, Chinese characters) becomes ``%XX``, so any id gives one
    file name, distinct ids give distinct names, and ``..`` cannot climb out of
    the output folder.  Hive partition readers (pyarrow) decode the same form.

    Examples
    --------
    >>> day_stem("M3946"), day_stem("a/b"), day_stem("..")
    ('M3946', 'a%2Fb', '%2E%2E')
    """
    raw = manager_id.encode("utf-8")
    return "".join(chr(b) if b in _SAFE else f"%{b:02X}" for b in raw)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    The temporary file sits in the same folder (so the rename is atomic on POSIX and
    Windows) and starts with ``.``, so readers that skip hidden files never see it.
    It is removed when writing fails.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        move_into_place(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write; renamed over ``target`` on success.

    The temporary file exists (empty) when the block starts; it is removed when the
    block raises, and ``target`` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        move_into_place(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def move_into_place(tmp: Path, target: Path) -> None:
    """Rename a finished temporary file over ``target``, with a new file's usual permissions.

    ``tempfile.mkstemp`` creates files readable by their owner only; the outputs of a
    run (maps a web server serves, summaries others read) get ``0o666`` less the umask,
    as ``open`` would have given them.
    """
    tmp.chmod(0o666 & ~_umask())
    tmp.replace(target)


@functools.cache
def _umask() -> int:
    """The process's umask, read on the first write (not at import).

    Linux shows it in ``/proc/self/status``; elsewhere reading it means setting it
    and setting it back.
    """
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
