"""Read assessment rows from CSV or JSON, and a folder of exports into a :class:`Dataset`.

CSV: a header row, then one row per record (comma, tab or semicolon; UTF-8,
UTF-8 with BOM, UTF-16 or GB18030: the track reader's tokenizer).  JSON: a list
of objects, or an object holding that list under the kind's name or ``rows``.
A file's kind is its stem (``buyers.csv`` holds buyers) unless given.
"""

from __future__ import annotations

__all__ = [
    "Dataset",
    "batch_index",
    "check_rows",
    "empty_frame",
    "kind_of",
    "raw_from_csv",
    "raw_from_records",
    "read_dataset",
    "read_rows",
    "records_of",
]

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from assessment.parse import NESTED
from assessment.references import check_references
from assessment.schema import KINDS, SCHEMAS
from assessment.validate import Validated, validate_rows
from trajectory.errors import InputError, RowProblem

# The track reader's CSV tokenizer (encodings, separators, ragged rows): one implementation.
from trajectory.io import split_csv as _read_csv

SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".json")
#: Kinds a folder must hold (the others may be absent).
REQUIRED_KINDS: tuple[str, ...] = ("areas", "people", "buyers")


@dataclass(frozen=True)
class Dataset:
    """Validated frames of every kind (see :attr:`TableSchema.columns`), plus assignment history.

    ``assignments`` has ``buyer_id, manager_id, assigned_at, ended_at, reason``:
    one row per period a manager held a buyer (``ended_at`` NaT for the current one).
    """

    areas: pd.DataFrame
    clusters: pd.DataFrame
    people: pd.DataFrame
    brands: pd.DataFrame
    buyers: pd.DataFrame
    orders: pd.DataFrame
    declarations: pd.DataFrame
    assignments: pd.DataFrame = field(default_factory=lambda: empty_assignments())

    def frame(self, kind: str) -> pd.DataFrame:
        out: pd.DataFrame = getattr(self, kind)
        return out


def empty_assignments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "buyer_id": pd.Series(dtype=object),
            "manager_id": pd.Series(dtype=object),
            "assigned_at": pd.Series(dtype="datetime64[ns, UTC]"),
            "ended_at": pd.Series(dtype="datetime64[ns, UTC]"),
            "reason": pd.Series(dtype=object),
        }
    )


def assignments_from_buyers(buyers: pd.DataFrame) -> pd.DataFrame:
    """The current assignment of every assigned buyer, as a history of one period each."""
    has = buyers["manager_id"].notna()
    out = pd.DataFrame(
        {
            "buyer_id": buyers.loc[has, "buyer_id"].to_numpy(object),
            "manager_id": buyers.loc[has, "manager_id"].to_numpy(object),
            "assigned_at": buyers.loc[has, "assigned_at"].to_numpy(),
            "ended_at": pd.Series(pd.NaT, index=range(int(has.sum())), dtype="datetime64[ns, UTC]"),
            "reason": "import",
        }
    )
    out["assigned_at"] = pd.to_datetime(out["assigned_at"], utc=True)
    return out


def kind_of(path: str | PathLike[str]) -> str:
    """The kind a file holds, from its stem (``orders-2026-11.csv`` holds orders)."""
    stem = Path(path).stem.lower()
    for kind in KINDS:
        if stem == kind or stem.startswith((kind + "-", kind + "_", kind + ".")):
            return kind
    raise InputError(
        str(path), None, None, f"cannot tell the kind from the name; expected one of {KINDS}"
    )


def raw_from_csv(raw: bytes, kind: str, source: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Split CSV bytes into text columns named by the schema; ragged rows are problems.

    Raises
    ------
    InputError
        Not text, no header, no data rows, or a required column missing.
    """
    schema = SCHEMAS[kind]
    optional = tuple(n for n in schema.names if n not in schema.required)
    table = _read_csv(raw, source, schema.required, optional, schema.header_aliases)
    frame = _rename(table.frame, kind)
    missing = [c for c in schema.required if c not in frame.columns]
    if missing:
        raise InputError(source, None, missing[0], "missing column")
    return frame, list(table.problems)


def raw_from_records(
    items: Sequence[Any], kind: str, source: str
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A frame of JSON objects' fields; non-objects are problems, nested values are marked."""
    rows = np.arange(1, len(items) + 1, dtype=np.int64)
    is_obj = np.fromiter((isinstance(x, Mapping) for x in items), dtype=bool, count=len(items))
    problems = [RowProblem(source, int(r), None, "expected a JSON object") for r in rows[~is_obj]]
    objs = [x for x, ok in zip(items, is_obj, strict=True) if ok]
    frame = pd.DataFrame.from_records(objs) if objs else pd.DataFrame()
    frame = _rename(frame, kind)
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object:
            nested = col.map(lambda v: isinstance(v, list | dict)).to_numpy(bool)
            if nested.any():
                frame[name] = col.where(~nested, NESTED)
    frame["source_row"] = rows[is_obj]
    return frame, problems


def read_rows(
    path: str | PathLike[str],
    kind: str | None = None,
    *,
    timezone: str = "Asia/Shanghai",
    crs: str = "wgs84",
) -> Validated:
    """Read and validate one file (no reference checks: see :func:`check_rows`)."""
    file = Path(path)
    source = str(path)
    use = kind or kind_of(file)
    raw, problems = _raw_from_file(file, use, source)
    checked = validate_rows(raw, use, source=source, timezone=timezone, crs=crs)
    return _with_reader_problems(checked, problems)


def check_rows(
    raw: pd.DataFrame,
    problems: Sequence[RowProblem],
    kind: str,
    *,
    source: str,
    timezone: str,
    crs: str,
    known: Mapping[str, pd.Series],
) -> Validated:
    """Validate raw rows and their references to ``known`` (plus the batch's own ids)."""
    checked = validate_rows(raw, kind, source=source, timezone=timezone, crs=crs)
    own = batch_index(kind, checked.frame)
    merged = dict(known)
    if own is not None:
        merged[kind] = pd.concat([known.get(kind, pd.Series(dtype=object)), own])
    checked = check_references(checked, merged, source=source)
    return _with_reader_problems(checked, problems)


def batch_index(kind: str, frame: pd.DataFrame) -> pd.Series | None:
    """What other kinds may look up in rows of ``kind`` (by id), or None."""
    spec = {
        "areas": ("area_id", "kind"),
        "clusters": ("cluster_id", "area_id"),
        "people": ("person_id", "role"),
        "buyers": ("buyer_id", "area_id"),
    }.get(kind)
    if spec is None:
        return None
    key, value = spec
    return pd.Series(frame[value].to_numpy(object), index=frame[key].to_numpy(object))


def empty_frame(kind: str) -> pd.DataFrame:
    """A validated frame of ``kind`` with no rows (right columns and dtypes)."""
    return validate_rows(
        pd.DataFrame({"source_row": pd.Series(dtype=np.int64)}),
        kind,
        source="<empty>",
        timezone="UTC",
    ).frame


def read_dataset(
    folder: str | PathLike[str],
    *,
    timezone: str = "Asia/Shanghai",
    crs: str = "wgs84",
    on_bad_row: str = "raise",
) -> tuple[Dataset, tuple[RowProblem, ...]]:
    """Read every ``<kind>.csv`` (or ``.json``) of a folder, in import order.

    Parameters
    ----------
    folder
        Holds at least ``areas``, ``people`` and ``buyers``; ``clusters``,
        ``brands``, ``orders`` and ``declarations`` may be absent (no rows).
    on_bad_row
        ``"raise"``: the first bad row raises :class:`InputError`; ``"skip"``:
        bad rows are left out and returned.

    Returns
    -------
    tuple
        The :class:`Dataset` and every rejected row's problem.
    """
    base = Path(folder)
    if not base.is_dir():
        raise InputError(str(folder), None, None, "not a folder")
    frames: dict[str, pd.DataFrame] = {}
    known: dict[str, pd.Series] = {}
    rejected: list[RowProblem] = []
    for kind in KINDS:
        file = next(
            (base / f"{kind}{s}" for s in SUFFIXES if (base / f"{kind}{s}").is_file()), None
        )
        if file is None:
            if kind in REQUIRED_KINDS:
                raise InputError(str(base / f"{kind}.csv"), None, None, "no such file")
            frames[kind] = empty_frame(kind)
            continue
        raw, problems = _raw_from_file(file, kind, str(file))
        checked = check_rows(
            raw, problems, kind, source=str(file), timezone=timezone, crs=crs, known=known
        )
        if checked.rejected and on_bad_row == "raise":
            raise InputError.from_problem(checked.rejected[0])
        rejected.extend(checked.rejected)
        frames[kind] = checked.frame
        own = batch_index(kind, checked.frame)
        if own is not None:
            known[kind] = own
    data = Dataset(**frames, assignments=assignments_from_buyers(frames["buyers"]))
    return data, tuple(rejected)


# ------------------------------------------------------------------ private


def _rename(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    aliases = SCHEMAS[kind].header_aliases
    names = {c: aliases.get(str(c).strip().lower(), str(c).strip().lower()) for c in frame.columns}
    out = frame.rename(columns=names)
    return out.loc[:, ~out.columns.duplicated()]


def _raw_from_file(file: Path, kind: str, source: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    if not file.is_file():
        raise InputError(source, None, None, "no such file")
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            source, None, None, f"unsupported file type {suffix!r}; expected {SUFFIXES}"
        )
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(source, None, None, f"cannot read file ({exc.strerror})") from exc
    if suffix != ".json":
        return raw_from_csv(data, kind, source)
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(source, None, None, f"not valid JSON ({exc})") from exc
    return raw_from_records(records_of(parsed, kind, source), kind, source)


def records_of(parsed: Any, kind: str, source: str) -> list[Any]:
    """The list of records in a JSON document: the list itself, or under ``kind``/``rows``."""
    if isinstance(parsed, list):
        return parsed
    if isinstance(parsed, dict):
        for key in (kind, "rows", "items"):
            if isinstance(parsed.get(key), list):
                return list(parsed[key])
    raise InputError(source, None, None, f'expected a JSON list, or {{"{kind}": [...]}}')


def _with_reader_problems(checked: Validated, problems: Sequence[RowProblem]) -> Validated:
    if not problems:
        return checked
    rejected = sorted([*problems, *checked.rejected], key=lambda p: (p.row or 0, p.field or ""))
    received = checked.received + len(problems)
    return Validated(checked.kind, checked.frame, tuple(rejected), received)
