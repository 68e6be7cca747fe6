"""``trajcheck assess reassign|history --data DIR``: exclusive rights on a folder of exports.

The folder is the database: the rule is the service's
(:func:`assessment.rights.check_reassignment`); an accepted reassignment rewrites the
buyer's ``manager_id`` and ``assigned_at`` in ``buyers.csv`` (or ``.json``; every other
cell, the delimiter and the header as they were) and appends the hand-over, reason
and ``forced`` flag to ``reassignments.jsonl`` beside it, which ``history --data``
reads.  A refusal is an :class:`~trajectory.errors.InputError` naming the buyers file,
the buyer's row and the field (exit status 2), and changes nothing.
"""

from __future__ import annotations

__all__ = ["HISTORY_FILE", "folder_history", "reassign_in_folder"]

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from assessment.config import AssessConfig
from assessment.io import read_dataset
from assessment.rights import check_reassignment
from assessment.schema import SCHEMAS
from trajectory.errors import InputError

#: The hand-overs of a folder, one JSON object a line (not ``*.csv``: never imported).
HISTORY_FILE = "reassignments.jsonl"
_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")


def reassign_in_folder(
    folder: Path, buyer_id: str, manager_id: str, *, at: dt.datetime, reason: str,
    force: bool, config: AssessConfig,
) -> dict[str, Any]:  # fmt: skip
    """Check and record one reassignment in ``folder``; the record (as the API's body)."""
    data, _ = read_dataset(folder, timezone=config.timezone)
    file = _buyers_file(folder)
    found = data.buyers.loc[data.buyers["buyer_id"] == buyer_id]
    if found.empty:
        raise InputError(str(file), None, "buyer_id", f"no buyer {buyer_id!r}")
    row = found.iloc[0]
    roles = data.people.set_index("person_id")["role"]
    refusal = check_reassignment(
        buyer_id=buyer_id, holder=_text(row["manager_id"]),
        assigned_at=_instant(row["assigned_at"]), activated_at=_instant(row["activated_at"]),
        new_manager=manager_id, new_role=_text(roles.get(manager_id)), at=at, force=force,
        reason=reason, config=config,
    )  # fmt: skip
    if refusal is not None:
        where = int(row["source_row"]) if "source_row" in row else None
        raise InputError(str(file), where, refusal.field, f"{refusal.status}: {refusal.reason}")
    stamp = at.astimezone(ZoneInfo(config.timezone)).isoformat(timespec="seconds")
    local = at.astimezone(ZoneInfo(config.timezone))
    _rewrite(file, buyer_id, {"manager_id": manager_id, "assigned_at": local})
    record = {
        "buyer_id": buyer_id,
        "from_manager_id": _text(row["manager_id"]),
        "manager_id": manager_id,
        "assigned_at": stamp,
        "reason": reason[:200],
        "forced": force,
        "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    with (folder / HISTORY_FILE).open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {k: record[k] for k in ("buyer_id", "from_manager_id", "manager_id", "assigned_at",
                                   "reason")}  # fmt: skip


def folder_history(folder: Path, buyer_id: str) -> list[dict[str, Any]]:
    """The hand-overs of ``buyer_id`` recorded in the folder, oldest first."""
    path = folder / HISTORY_FILE
    if not path.is_file():
        return []
    out = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(str(path), number, None, f"not valid JSON ({exc.msg})") from exc
        if isinstance(item, dict) and item.get("buyer_id") == buyer_id:
            out.append(item)
    return out


# ------------------------------------------------------------------ private


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _instant(value: Any) -> dt.datetime | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def _buyers_file(folder: Path) -> Path:
    for suffix in (".csv", ".json"):
        if (folder / f"buyers{suffix}").is_file():
            return folder / f"buyers{suffix}"
    raise InputError(str(folder / "buyers.csv"), None, None, "no such file (csv or json)")


def _stamp(local: dt.datetime, cells: list[str]) -> str:
    """``local`` written as the column's other times are: with a UTC offset when they
    carry one (a column may not mix both forms), else naive local time."""
    if any(_OFFSET.search(c.strip()) for c in cells if c.strip()):
        return local.isoformat(timespec="seconds")
    return local.strftime("%Y-%m-%d %H:%M:%S")


def _rewrite(file: Path, buyer_id: str, values: dict[str, Any]) -> None:
    """Set ``values`` on the buyer's row of ``file``; every other cell kept; atomic."""
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(file), None, None, "rewrite needs UTF-8; re-export it") from exc
    if file.suffix == ".json":
        items = json.loads(text)
        rows = items if isinstance(items, list) else items.get("buyers", items.get("rows"))
        objs = [item for item in rows if isinstance(item, dict)]
        for item in objs:
            if str(item.get("buyer_id", item.get("id"))) == buyer_id:
                item.update(
                    {k: _stamp(v, [str(o.get(k) or "") for o in objs])
                     if isinstance(v, dt.datetime) else v for k, v in values.items()}
                )  # fmt: skip
        out = json.dumps(items, ensure_ascii=False, indent=1) + "\n"
    else:
        out = _rewrite_csv(text, buyer_id, values, str(file))
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    tmp = file.with_name(file.name + ".tmp")
    tmp.write_text(bom + out, encoding="utf-8", newline="")
    tmp.replace(file)


def _rewrite_csv(text: str, buyer_id: str, values: dict[str, Any], source: str) -> str:
    header = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=header.count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise InputError(source, None, None, "no header")
    aliases = SCHEMAS["buyers"].header_aliases
    names = [aliases.get(h.strip().lower(), h.strip().lower()) for h in rows[0]]
    for column in values:
        if column not in names:  # add the column, empty for every other buyer
            names.append(column)
            rows[0].append(column)
            for r in rows[1:]:
                r.append("")
    key = names.index("buyer_id")
    for column, value in values.items():
        if isinstance(value, dt.datetime):
            j = names.index(column)
            values[column] = _stamp(value, [r[j] for r in rows[1:] if len(r) > j])
    for r in rows[1:]:
        if len(r) > key and r[key].strip() == buyer_id:
            for column, value in values.items():
                r[names.index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
