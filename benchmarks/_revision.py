"""The sources of an earlier git revision, for the benchmarks that measure before/after."""

from __future__ import annotations

__all__ = ["export_revision"]

import io
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def export_revision(rev: str, into: Path | str) -> Path:
    """Write the tracked files of git revision ``rev`` into the folder ``into``
    (``git archive``, extracted with tarfile's ``data`` filter); returns ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return Path(into)
