"""Marketing and chat-report data: what each table holds, validation, reading a folder.

Six kinds of rows (``../shared/seed/README.md``, "Marketing" and "Chat reporting"),
each a CSV or JSON file named after its kind, validated column-wise with the
buyer/order import's parsers (:mod:`assessment.validate`), so every problem names
the file, the row (from 1, below the header) and the field:

=============  ==============================================================
kind           one row is
=============  ==============================================================
windows        an effective marketing window of a buyer: local ``start``-``end``
keywords       a tag keyword of the taxonomy: category, whether it needs leaf
               detail (product + brand + net-weight SKU)
marketing      one marketing slot: manager, buyer, start/end, method, purpose,
               goal met, result, reason and reason keywords
chat_reports   a chat report: manager, sent_at, kind (customer/hourly/daily),
               buyer (per-customer reports), tag keywords, transcript
summaries      a manager's daily summary: targets and actual counts by method,
               problems, suggestions, experience
help_plans     a help plan: buyer and/or helped manager, date, helper and role,
               actions, completion plan, gap keywords
=============  ==============================================================

Keyword lists are one cell separated by ``;`` (also ``；``, ``,``, ``，``, ``|``).
A tag keyword that needs leaf detail carries it after a colon:
``产品:猪五花肉/双汇/10kg``.
"""

from __future__ import annotations

__all__ = [
    "MARKETING_KINDS",
    "MARKETING_SCHEMAS",
    "METHODS",
    "REPORT_KINDS",
    "MarketingData",
    "empty_marketing",
    "marketing_raw_from_csv",
    "marketing_raw_from_records",
    "read_marketing",
    "split_keywords",
    "validate_marketing_rows",
]

import json
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from assessment.io import records_of
from assessment.parse import NESTED, parse_column  # the buyer/order import's: one implementation
from assessment.schema import ROLES, FieldSpec, TableSchema
from assessment.validate import Validated, good_rows, problem_order
from trajectory.errors import InputError, RowProblem
from trajectory.io import split_csv as _read_csv

METHODS: tuple[str, ...] = ("onsite", "phone", "chat")
REPORT_KINDS: tuple[str, ...] = ("customer", "hourly", "daily")
TRANSCRIPT_MAX_CHARS = 4000
_METHOD_ALIASES = {"上门": "onsite", "现场": "onsite", "on_site": "onsite", "电话": "phone",
                   "聊一聊": "chat", "聊天": "chat"}  # fmt: skip
_REPORT_ALIASES = {"客户": "customer", "每小时": "hourly", "小时": "hourly", "每日": "daily",
                   "日报": "daily"}  # fmt: skip
_ROLE_ALIASES = {"行政区总经理": "district_gm", "城市总监": "city_director",
                 "大区经理": "regional_manager", "驻场经理": "field_manager",
                 "区域经理": "area_manager", "大区总经理": "regional_gm",
                 "自助联盟人": "self_help_member", "物流行政区总经理": "district_gm"}  # fmt: skip
_CLOCK_RE = r"^([01]?\d|2[0-4]):([0-5]\d)$"
_SPLIT_RE = r"\s*[;；,，|]\s*"

MARKETING_SCHEMAS: dict[str, TableSchema] = {
    "windows": TableSchema(
        "windows",
        (FieldSpec("buyer_id", "id"), FieldSpec("start", "text"), FieldSpec("end", "text")),
        key=("buyer_id", "start"),
    ),
    "keywords": TableSchema(
        "keywords",
        (
            FieldSpec("keyword", "text"),
            FieldSpec("category", "text"),
            FieldSpec("needs_leaf", "bool", required=False),
        ),
        key=("keyword",),
    ),
    "marketing": TableSchema(
        "marketing",
        (
            FieldSpec("manager_id", "id"),
            FieldSpec("buyer_id", "id"),
            FieldSpec("slot_start", "instant"),
            FieldSpec("slot_end", "instant"),
            FieldSpec("method", "enum", choices=METHODS, aliases=_METHOD_ALIASES),
            FieldSpec("purpose", "text"),
            FieldSpec("goal_met", "bool"),
            FieldSpec("result", "text", required=False),
            FieldSpec("reason", "text", required=False),
            FieldSpec("reason_keywords", "text", required=False),
        ),
        key=("manager_id", "buyer_id", "slot_start", "purpose"),
        header_aliases={"start": "slot_start", "end": "slot_end"},
    ),
    "chat_reports": TableSchema(
        "chat_reports",
        (
            FieldSpec("manager_id", "id"),
            FieldSpec("sent_at", "instant"),
            FieldSpec("kind", "enum", choices=REPORT_KINDS, aliases=_REPORT_ALIASES),
            FieldSpec("buyer_id", "id", required=False),
            FieldSpec("tags", "text", required=False),
        ),
        key=("manager_id", "sent_at", "kind"),
        header_aliases={"tag_keywords": "tags"},
    ),
    "summaries": TableSchema(
        "summaries",
        (
            FieldSpec("manager_id", "id"),
            FieldSpec("date", "date"),
            *(FieldSpec(f"target_{m}", "int", lo=0, hi=1000) for m in METHODS),
            *(FieldSpec(f"actual_{m}", "int", lo=0, hi=1000) for m in METHODS),
            FieldSpec("problems", "text", required=False),
            FieldSpec("suggestions", "text", required=False),
            FieldSpec("experience", "text", required=False),
        ),
        key=("manager_id", "date"),
    ),
    "help_plans": TableSchema(
        "help_plans",
        (
            FieldSpec("date", "date"),
            FieldSpec("helper_id", "id"),
            FieldSpec("helper_role", "enum", choices=ROLES, aliases=_ROLE_ALIASES),
            FieldSpec("buyer_id", "id", required=False),
            FieldSpec("manager_id", "id", required=False),
            FieldSpec("actions", "text"),
            FieldSpec("completion_plan", "text"),
            FieldSpec("gap_keywords", "text", required=False),
        ),
        key=("date", "helper_id", "buyer_id", "manager_id"),
    ),
}
#: Import order (none refers to another; all refer to part 1's people and buyers).
MARKETING_KINDS: tuple[str, ...] = tuple(MARKETING_SCHEMAS)
#: Columns each kind refers to in part 1's tables.
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "windows": (("buyer_id", "buyers"),),
    "marketing": (("manager_id", "people"), ("buyer_id", "buyers")),
    "chat_reports": (("manager_id", "people"), ("buyer_id", "buyers")),
    "summaries": (("manager_id", "people"),),
    "help_plans": (("helper_id", "people"), ("buyer_id", "buyers"), ("manager_id", "people")),
}


@dataclass(frozen=True)
class MarketingData:
    """Validated frames of the six kinds (columns: the schema's, ``transcript`` and
    ``source_row``; windows also ``start_min``/``end_min``, minutes after local midnight)."""

    windows: pd.DataFrame
    keywords: pd.DataFrame
    marketing: pd.DataFrame
    chat_reports: pd.DataFrame
    summaries: pd.DataFrame
    help_plans: pd.DataFrame

    def frame(self, kind: str) -> pd.DataFrame:
        out: pd.DataFrame = getattr(self, kind)
        return out


def split_keywords(cells: pd.Series) -> pd.Series:
    """Keyword cells as lists (vectorised ``str.split``); blank or missing gives ``[]``."""
    text = cells.fillna("").astype(str).str.strip()
    parts = text.str.split(_SPLIT_RE, regex=True)
    out: pd.Series = parts.where(text != "", pd.Series([[]] * len(text), index=text.index))
    return out


def validate_marketing_rows(
    raw: pd.DataFrame,
    kind: str,
    *,
    source: str,
    timezone: str,
    known: Mapping[str, pd.Index] | None = None,
) -> Validated:
    """Parse and check every row of one marketing kind (see the module docstring).

    Parameters
    ----------
    raw
        One column per field, cells as text or JSON scalars, and ``source_row``.
    known
        Ids rows may refer to: ``people`` and ``buyers`` (an Index each).  None
        skips the reference checks.

    Returns
    -------
    Validated
        The typed good rows and one problem per bad cell, sorted by row.
    """
    schema = MARKETING_SCHEMAS[kind]
    n = len(raw)
    rows = raw["source_row"].to_numpy(np.int64) if n else np.zeros(0, np.int64)
    out: dict[str, pd.Series] = {}
    reasons: dict[str, np.ndarray] = {}
    for spec in schema.fields:
        cells = raw[spec.name] if spec.name in raw.columns else pd.Series([None] * n, dtype=object)
        values, why = parse_column(
            spec, cells.reset_index(drop=True), timezone=timezone, source=source, rows=rows
        )
        out[spec.name], reasons[spec.name] = values, why
    frame = pd.DataFrame(out)
    frame["source_row"] = rows
    if kind == "chat_reports":
        frame["transcript"], reasons["transcript"] = _transcript(raw, n)
    _cross_field(kind, frame, reasons)
    if known is not None:
        for column, table in REFERENCES.get(kind, ()):
            values = frame[column]
            unknown = (values.notna() & ~values.isin(known.get(table, pd.Index([])))).to_numpy()
            shown = values.astype(str).to_numpy(object)
            why = reasons[column]
            take = unknown & pd.isna(why)
            why[take] = (
                "unknown "
                + table.rstrip("s")
                + " "
                + pd.Series(shown[take]).map(repr).to_numpy(object)
                + f" (import {table} first)"
            )
    good, problems = good_rows(frame, reasons, rows, schema, source)
    rejected = sorted(problems, key=problem_order)
    return Validated(kind, good, tuple(rejected), n)


def empty_marketing(kind: str) -> pd.DataFrame:
    """A validated frame of ``kind`` without rows."""
    raw = pd.DataFrame({"source_row": pd.Series(dtype=np.int64)})
    return validate_marketing_rows(raw, kind, source="<empty>", timezone="UTC").frame


def marketing_raw_from_csv(
    data: bytes, kind: str, source: str
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Split CSV bytes into the kind's text columns (ragged rows are problems)."""
    schema = MARKETING_SCHEMAS[kind]
    optional = (*(n for n in schema.names if n not in schema.required), "transcript")
    table = _read_csv(data, source, schema.required, optional, schema.header_aliases)
    frame = table.frame
    missing = [c for c in schema.required if c not in frame.columns]
    if missing:
        raise InputError(source, None, missing[0], "missing column")
    return frame, list(table.problems)


def read_marketing(
    folder: str | PathLike[str],
    *,
    timezone: str = "Asia/Shanghai",
    known: Mapping[str, pd.Index] | None = None,
    on_bad_row: str = "raise",
) -> tuple[MarketingData, tuple[RowProblem, ...]]:
    """Read ``<kind>.csv`` or ``.json`` of every marketing kind in ``folder`` (absent: no rows).

    ``on_bad_row="raise"`` raises the first problem as an :class:`InputError`;
    ``"skip"`` leaves bad rows out and returns their problems.
    """
    base = Path(folder)
    if not base.is_dir():
        raise InputError(str(folder), None, None, "not a folder")
    frames: dict[str, pd.DataFrame] = {}
    rejected: list[RowProblem] = []
    for kind in MARKETING_KINDS:
        names = (base / f"{kind}.csv", base / f"{kind}.json")
        file = next((f for f in names if f.is_file()), None)
        if file is None:
            frames[kind] = empty_marketing(kind)
            continue
        raw, problems = _raw_from_file(file, kind)
        checked = validate_marketing_rows(
            raw, kind, source=str(file), timezone=timezone, known=known
        )
        found = sorted([*problems, *checked.rejected], key=problem_order)
        if found and on_bad_row == "raise":
            raise InputError.from_problem(found[0])
        rejected.extend(found)
        frames[kind] = checked.frame
    return MarketingData(**frames), tuple(rejected)


# ------------------------------------------------------------------ private


def _raw_from_file(file: Path, kind: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    source = str(file)
    data = file.read_bytes()
    if file.suffix.lower() != ".json":
        return marketing_raw_from_csv(data, kind, source)
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(source, None, None, f"not valid JSON ({exc})") from exc
    return marketing_raw_from_records(records_of(parsed, kind, source), kind, source)


def marketing_raw_from_records(
    items: list[Any], kind: str, source: str
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A frame of JSON objects' fields (header aliases applied); non-objects are problems."""
    aliases = MARKETING_SCHEMAS[kind].header_aliases
    is_obj = np.array([isinstance(x, Mapping) for x in items], dtype=bool)
    rows = np.arange(1, len(items) + 1, dtype=np.int64)
    problems = [RowProblem(source, int(r), None, "expected a JSON object") for r in rows[~is_obj]]
    objs = [x for x, ok in zip(items, is_obj, strict=True) if ok]
    frame = pd.DataFrame.from_records(objs) if objs else pd.DataFrame()
    frame = frame.rename(columns=lambda c: aliases.get(str(c).lower(), str(c).lower()))
    for name in frame.columns:
        if frame[name].dtype == object:
            nested = frame[name].map(lambda v: isinstance(v, list | dict)).to_numpy(bool)
            frame[name] = frame[name].where(~nested, NESTED)
    frame["source_row"] = rows[is_obj]
    return frame, problems


def _transcript(raw: pd.DataFrame, n: int) -> tuple[pd.Series, np.ndarray]:
    cells = raw["transcript"] if "transcript" in raw.columns else pd.Series([None] * n)
    text = cells.reset_index(drop=True).astype(object).where(cells.notna().to_numpy(), "")
    text = text.astype(str)
    why = np.full(n, None, dtype=object)
    why[(text.str.len() > TRANSCRIPT_MAX_CHARS).to_numpy(bool)] = (
        f"longer than {TRANSCRIPT_MAX_CHARS} characters"
    )
    why[text.str.contains("\x00", regex=False).to_numpy(bool)] = "contains NUL"
    return text.where(text != "", None), why


def _clock_minutes(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    parts = text.fillna("").astype(str).str.extract(_CLOCK_RE)
    ok = parts[0].notna().to_numpy(bool).copy()
    minutes = pd.to_numeric(parts[0], errors="coerce").fillna(0).to_numpy(
        np.int64
    ) * 60 + pd.to_numeric(parts[1], errors="coerce").fillna(0).to_numpy(np.int64)
    ok &= minutes <= 24 * 60
    return minutes, ok


def _cross_field(kind: str, frame: pd.DataFrame, reasons: dict[str, np.ndarray]) -> None:
    def flag(field: str, bad: np.ndarray, why: str) -> None:
        take = bad & pd.isna(reasons[field])
        reasons[field][take] = why

    if kind == "windows":
        start, ok_start = _clock_minutes(frame["start"])
        end, ok_end = _clock_minutes(frame["end"])
        flag("start", ~ok_start & frame["start"].notna().to_numpy(), "not a time HH:MM")
        flag("end", ~ok_end & frame["end"].notna().to_numpy(), "not a time HH:MM")
        flag("end", ok_start & ok_end & (end <= start), "not after start")
        frame["start_min"], frame["end_min"] = start, end
    elif kind == "marketing":
        both = (frame["slot_start"].notna() & frame["slot_end"].notna()).to_numpy()
        order = (frame["slot_end"] <= frame["slot_start"]).to_numpy(bool)
        flag("slot_end", both & order, "not after slot_start")
        long = ((frame["slot_end"] - frame["slot_start"]) > pd.Timedelta(hours=12)).to_numpy(bool)
        flag("slot_end", both & long, "a slot longer than 12 h")
    elif kind == "chat_reports":
        customer = (frame["kind"] == "customer").to_numpy(bool)
        flag(
            "buyer_id", customer & frame["buyer_id"].isna().to_numpy(), "missing (customer report)"
        )
    elif kind == "help_plans":
        neither = (frame["buyer_id"].isna() & frame["manager_id"].isna()).to_numpy(bool)
        flag("buyer_id", neither, "missing: a plan helps a buyer, a manager, or both")
    elif kind == "summaries":
        pass
