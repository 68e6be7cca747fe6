"""How the team report names a manager: by name where the data has one (the service's
people, a task list's ``manager_name``), and what it says of a manager with several
results for the day (the same day verified twice, ``late.json`` beside
``late.full.json``): the files, the one kept and why, and whether their verdicts
differ -- never a silent choice."""

from __future__ import annotations

__all__ = ["duplicate_notes", "manager_label"]

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from maps.html import escape


def duplicate_notes(
    found: Sequence[tuple[Path, dict[str, Any]]],
    date: str,
    chosen: Mapping[str, tuple[dict[str, Any], str | None]],
) -> list[str]:
    """One line per manager with several results for ``date``: the files, which one was
    kept and why, and whether their verdicts differ."""
    by_manager: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    for path, data in found:
        if str(data["date"]) == date:
            by_manager.setdefault(str(data["manager_id"]), []).append((path, data))
    lines = []
    for manager, results in sorted(by_manager.items()):
        if len(results) < 2:
            continue
        kept_data, href = chosen[manager]
        kept = next(p for p, d in results if d is kept_data)
        why = "it has a day map" if href is not None else "the first by file name"
        statuses = sorted({str(d.get("status")) for _, d in results})
        differ = f"; their verdicts differ ({', '.join(statuses)})" if len(statuses) > 1 else ""
        names = ", ".join(p.name for p, _ in results)
        lines.append(
            f"manager {manager}: {len(results)} results for {date} ({names}); "
            f"kept {kept.name} ({why}){differ}"
        )
    return lines


def manager_label(result: Mapping[str, Any]) -> str:
    """The manager cell's HTML: ``name`` over the id when the result carries a
    ``manager_name``, else the id (both escaped)."""
    manager = escape(str(result["manager_id"]))
    name = result.get("manager_name")
    if not name:
        return manager
    return f'{escape(str(name))} <small class="tc-id">{manager}</small>'
