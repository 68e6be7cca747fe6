"""The few lines ``trajcheck verify`` prints for a person at a terminal (the JSON is for
programs): the three verdicts with their reasons, stays against on-site visits, the
track's integrity and the day's warnings, in the map report's words (en or zh)."""

from __future__ import annotations

__all__ = ["pad", "summary_text"]

import html
import unicodedata
from collections.abc import Mapping
from typing import Any

from maps.day_known import off_list_kind
from maps.day_panel import warning_lines
from maps.i18n import labels

CHECK_ORDER = ("on_time_arrival", "trajectory_clear", "visit_count_match")


def summary_text(data: Mapping[str, Any], lang: str = "en") -> str:
    """``data`` is a result's JSON (``DayResult.to_dict()``); returns printable lines."""
    t = labels(lang, "day")
    status = str(data.get("status", ""))
    head = f"{t['manager']} {data.get('manager_id', '')}  {t['date']} {data.get('date', '')}"
    lines = [head, f"{t['overall']}: {t.get(status, status).upper()}", ""]
    checks: Mapping[str, Any] = data.get("checks", {})
    width = max(_width(t[name]) for name in CHECK_ORDER)
    for name in CHECK_ORDER:
        check = checks.get(name)
        if check is None:
            continue
        verdict = t.get(str(check["status"]), str(check["status"]))
        name_col, verdict_col = pad(t[name], width), pad(verdict, 12)
        lines.append(f"  {name_col}  {verdict_col}  {check.get('reason', '')}")
    count = checks.get("visit_count_match", {})
    if "stay_points" in count:
        lines += [
            "",
            f"{t['stays_vs_visits']}: {count['stay_points']} {t['stays_counted']}, "
            f"{count.get('onsite_visits', 0)} {t['visits_reported']}",
        ]
    lines += _off_list_lines(data, t)
    integrity = data.get("integrity") or {}
    if integrity.get("status") == "suspicious":
        kinds = sorted({str(f.get("kind")) for f in integrity.get("flags", [])})
        named = ", ".join(t.get(f"integrity_{k}", k) for k in kinds)
        lines.append(f"{t['integrity']}: {t['integrity_suspicious']} ({named})")
    elif integrity:
        lines.append(f"{t['integrity']}: {t['integrity_clean']}")
    warnings = warning_lines(data, t)
    if warnings:
        lines.append(f"{t['warnings']}:")
        lines += [f"  - {w}" for w in warnings]
    return "\n".join(lines) + "\n"


def _off_list_lines(data: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    """One line per stay at a known place not on the day's list (``--stores``)."""
    out = []
    for stay in data.get("stay_points", []):
        named = off_list_kind(stay, t)
        if named is not None:
            minutes = float(stay["duration_s"]) / 60.0
            what = html.unescape(named[1])
            out.append(f"  {t['stay']} {stay['id']} ({minutes:.0f} {t['minutes']}): {what}")
    return out


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns."""
    return text + " " * max(0, width - _width(text))
