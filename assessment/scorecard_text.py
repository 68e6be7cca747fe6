"""The scorecard pages' sentences in the page's language (issue 16).

The data keeps its English (``fix_tomorrow``, ``others_owe``, the 5-day ``reasons``:
the contract of the JSON and CSV); the pages write the same sentences from the label
table (``maps.i18n``, area ``scorecard``): a fix from its item (``failed_items``) and
the card's own columns, a 5-day reason from its code and values
(:attr:`assessment.fiveday.FiveDay.reason_codes`).  A sentence the table cannot write
(an unknown item, a value missing) is shown as the data has it.
"""

from __future__ import annotations

__all__ = ["ORDER_COLUMNS", "done_text", "five_reasons", "fix_lines", "order_cells", "owed_lines"]

from collections.abc import Mapping
from typing import Any

import pandas as pd

from assessment.fiveday import FiveDay
from assessment.fixes import OTHERS_ITEMS
from assessment.marketing_data import METHODS
from maps.i18n import labels

#: The columns of the 5-day orders table, in order.
ORDER_COLUMNS = ("date", "first_contact", "contact_method", "declared_on", "match_class",
                 "order_id", "buyer_id", "boxes", "amount", "status", "counted", "why")  # fmt: skip
#: Value labels of the orders table's columns: ``<prefix>_<value>``.
_VALUE_PREFIX = {
    "contact_method": "method",
    "match_class": "class",
    "status": "order",
    "why": "why",
}


def done_text(r: pd.Series, t: Mapping[str, str]) -> str:
    """Done / target per method: ``onsite 8/8 · phone 5/5 · chat 3/6`` (to escape)."""
    return " · ".join(
        f"{t[f'method_{m}']} {int(r[f'done_{m}'])}/{int(r[f'target_{m}'])}" for m in METHODS
    )


def fix_lines(r: pd.Series, t: Mapping[str, str]) -> list[str]:
    """The card's fixes for tomorrow (own items, weightiest first)."""
    values = _values(r, t)
    items, texts = list(r["failed_items"]), list(r["fix_tomorrow"])
    if len(items) != len(texts):
        return [str(x) for x in texts]
    return [
        _write(t, f"fix_{item}", values, str(text)) for item, text in zip(items, texts, strict=True)
    ]


def owed_lines(r: pd.Series, t: Mapping[str, str]) -> list[str]:
    """What others owe: each text matched to its item by the English it was written in."""
    values = _values(r, labels("en", "scorecard"))
    english = {_write(labels("en", "scorecard"), f"fix_{i}", values, ""): i for i in OTHERS_ITEMS}
    mine = _values(r, t)
    out = []
    for text in r["others_owe"]:
        item = english.get(str(text))
        out.append(str(text) if item is None else _write(t, f"fix_{item}", mine, str(text)))
    return out


def five_reasons(fd: FiveDay, t: Mapping[str, str]) -> list[str]:
    """The 5-day verdict's reasons; its English ``reasons`` when it has no codes."""
    if len(fd.reason_codes) != len(fd.reasons):
        return list(fd.reasons)
    out = []
    for (code, values), english in zip(fd.reason_codes, fd.reasons, strict=True):
        v: dict[str, Any] = dict(values)
        if code == "not_counted":
            counts = v.get("counts", {})
            v = {
                "apart": t["list_sep"].join(
                    f"{t.get(f'why_{k}', k)} {n}" for k, n in counts.items()
                )
            }
        if code == "new_orders":
            v["best"] = t.get(f"class_{v.get('best')}", str(v.get("best")))
        out.append(_write(t, f"five_{code}", v, english))
    return out


def order_cells(row: Mapping[Any, Any], t: Mapping[str, str]) -> list[str]:
    """One order of the 5-day table as text cells (to escape), values in the page's words."""
    cells = []
    for col in ORDER_COLUMNS:
        v = row[col]
        if v is None or (not isinstance(v, (list, str)) and pd.isna(v)):
            cells.append("–")
        elif col == "date":
            cells.append(str(v)[:10])
        elif col == "counted":
            cells.append(t["yes"] if bool(v) else t["no"])
        elif col in _VALUE_PREFIX:
            cells.append(t.get(f"{_VALUE_PREFIX[col]}_{v}", str(v)))
        else:
            cells.append(str(v))
    return cells


def _values(r: pd.Series, t: Mapping[str, str]) -> dict[str, str]:
    """The card's columns as the fixes write them, and the two the fixes compute."""
    values = {str(k): str(v) for k, v in r.items() if not isinstance(v, list)}
    try:
        values["not_timely"] = str(r["customers"] - r["reports_timely"])
        gaps = {m: int(r[f"target_{m}"]) - int(r[f"done_{m}"]) for m in METHODS}
        values["gaps"] = " ".join(f"{t[f'method_{m}']} +{g}" for m, g in gaps.items() if g > 0)
    except (KeyError, TypeError, ValueError):
        pass
    return values


def _write(t: Mapping[str, str], key: str, values: Mapping[str, Any], fallback: str) -> str:
    try:
        return t[key].format(**values)
    except (KeyError, ValueError, IndexError):
        return fallback
