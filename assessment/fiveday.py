"""The 5-day assessment ("can you close an order in 5 days?") of one field manager.

Over ``config.five_days`` working days from a start day (``weekmask``): the daily
scorecards side by side, the non-cancelled orders closed by the manager's buyers
and their best match class, and an overall verdict:

* ``pass``: at least one **new** order from the manager's own marketing
  (:mod:`assessment.neworders`: a non-cancelled order of a buyer the manager marketed
  in the window, placed after the first contact, the buyer not already a regular), no
  claimed on-site visit contradicted by the track, and at least ``min_days_passed``
  daily scorecards passed;
* ``fail`` otherwise, with every reason listed.
"""

from __future__ import annotations

__all__ = ["REASONS", "FiveDay", "five_day_assessment", "reason_text", "working_days"]

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from assessment.config import AssessConfig
from assessment.io import Dataset
from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import MarketingData
from assessment.neworders import new_orders
from assessment.scorecard import daily_scorecards, orders_closed

_RANK = {"undeclared": 0, "buyer": 1, "product": 2, "sku": 3}
#: The English reasons of the verdict by code (``not_counted``'s ``{apart}``: each
#: ``why`` and its count); the pages' words are ``five_<code>`` in ``maps.i18n``.
REASONS: dict[str, str] = {
    "new_orders": "{n} new order(s) from own marketing; best match class {best}",
    "no_new_order": "no new order from own marketing in the five working days",
    "not_counted": "shown, not counted: {apart}",
    "contradicted": "{n} claimed on-site visit(s) contradicted by the track",
    "days_enough": "{passed} of {days} daily scorecards passed (at least {needed} needed)",
    "days_short": "{passed} of {days} daily scorecards passed (fewer than {needed} needed)",
    "no_track": "{n} day(s) without a verified GPS track",
}


@dataclass(frozen=True)
class FiveDay:
    """The assessment: ``days`` (the working days), ``cards`` (one scorecard row per day),
    ``orders`` (the window's orders with ``counted``/``why`` and the evidence chain),
    ``closed`` (a new order counted), ``verdict`` and ``reasons``."""

    manager_id: str
    start: dt.date
    days: tuple[dt.date, ...]
    cards: pd.DataFrame
    orders: pd.DataFrame
    closed: bool
    best_class: str | None
    verdict: str
    reasons: tuple[str, ...] = field(default=())
    #: The reasons as ``(code, values)`` (:data:`REASONS`), for the pages' languages.
    reason_codes: tuple[tuple[str, dict[str, Any]], ...] = field(default=())

    def summary(self) -> dict[str, Any]:
        return {
            "manager_id": self.manager_id,
            "start": self.start.isoformat(),
            "days": [d.isoformat() for d in self.days],
            "closed_order": self.closed,
            "orders_closed": len(self.orders),
            "new_orders": int(self.orders["counted"].sum()) if len(self.orders) else 0,
            "best_class": self.best_class,
            "days_passed": int(self.cards["passed"].sum()),
            "contradicted": int(self.cards["contradicted"].sum()),
            "verdict": self.verdict,
            "reasons": list(self.reasons),
        }


def working_days(start: dt.date, n: int, weekmask: str) -> tuple[dt.date, ...]:
    """``n`` working days from ``start`` (rolled forward to a working day)."""
    first = np.busday_offset(np.datetime64(start, "D"), 0, roll="forward", weekmask=weekmask)
    days = np.busday_offset(first, np.arange(n), weekmask=weekmask)
    return tuple(dt.date.fromisoformat(str(d)) for d in days)


def five_day_assessment(
    data: Dataset,
    mk: MarketingData,
    results: Iterable[Mapping[str, Any]],
    manager_id: str,
    start: dt.date,
    *,
    config: MarketingConfig,
    assess_config: AssessConfig,
) -> FiveDay:
    """Assess ``manager_id`` over the working days from ``start`` (see the module docstring)."""
    days = working_days(start, config.five_days, config.weekmask)
    bodies = [dict(b) for b in results if b.get("manager_id") == manager_id]
    cards = []
    for day in days:
        sc = daily_scorecards(
            data, mk, bodies, day, config=config, assess_config=assess_config,
            managers=[manager_id],
        )  # fmt: skip
        cards.append(sc.cards)
    card = pd.concat(cards, ignore_index=True)
    order = _window_orders(data, mk, manager_id, days, assess_config)
    counted = order.loc[order["counted"]]
    closed = len(counted) > 0
    best = None
    if closed:
        best = str(max(counted["match_class"], key=lambda c: _RANK[str(c)]))
    contradicted = int(card["contradicted"].sum())
    enough = int(card["passed"].sum()) >= config.min_days_passed
    codes = _reason_codes(card, order, best, len(days), config.min_days_passed)
    reasons = tuple(reason_text(code, values) for code, values in codes)
    verdict = "pass" if closed and not contradicted and enough else "fail"
    return FiveDay(
        manager_id, start, days, card, order, closed, best, verdict, reasons, reason_codes=codes
    )


def reason_text(code: str, values: Mapping[str, Any]) -> str:
    """The English reason of ``code`` (:data:`REASONS`) from its values."""
    if code == "not_counted":
        values = {"apart": ", ".join(f"{k} {n}" for k, n in values["counts"].items())}
    return REASONS[code].format(**values)


def _reason_codes(
    card: pd.DataFrame, order: pd.DataFrame, best: str | None, n_days: int, needed: int
) -> tuple[tuple[str, dict[str, Any]], ...]:
    """The reasons of the verdict as ``(code, values)``, in the order they are listed."""
    out: list[tuple[str, dict[str, Any]]] = []
    n_new = int(order["counted"].sum()) if len(order) else 0
    if best is not None:
        out.append(("new_orders", {"n": n_new, "best": best}))
    else:
        out.append(("no_new_order", {}))
    shown = order["why"].value_counts().to_dict()
    apart = {str(k): int(v) for k, v in sorted(shown.items()) if k != "new"}
    if apart:
        out.append(("not_counted", {"counts": apart}))
    contradicted = int(card["contradicted"].sum())
    if contradicted:
        out.append(("contradicted", {"n": contradicted}))
    passed = int(card["passed"].sum())
    code = "days_enough" if passed >= needed else "days_short"
    out.append((code, {"passed": passed, "days": n_days, "needed": needed}))
    no_track = int((card["status"] == "no_result").sum())
    if no_track:
        out.append(("no_track", {"n": no_track}))
    return tuple(out)


def _window_orders(
    data: Dataset, mk: MarketingData, manager_id: str, days: tuple[dt.date, ...],
    config: AssessConfig,
) -> pd.DataFrame:  # fmt: skip
    """The window's orders (:func:`assessment.neworders.new_orders`) with their class
    against the manager's declarations, the marketed buyers included."""
    marketed = mk.marketing.loc[
        mk.marketing["manager_id"] == manager_id, ["manager_id", "buyer_id"]
    ]
    md = pd.DataFrame({"manager_id": manager_id, "date": [pd.Timestamp(d) for d in days]})
    md["date"] = md["date"].astype("datetime64[ns]")
    closed = orders_closed(data, md, config, extra=marketed)
    return new_orders(data, mk, manager_id, days, config=config, closed=closed)
