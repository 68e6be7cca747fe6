"""The 5-day assessment ("can you close an order in 5 days?") of one field manager.

Over ``config.five_days`` working days from a start day (``weekmask``): the daily
scorecards side by side, the non-cancelled orders closed by the manager's buyers
and their best match class, and an overall verdict:

* ``pass``: at least one non-cancelled order closed, no claimed on-site visit
  contradicted by the track, and at least ``min_days_passed`` daily scorecards passed;
* ``fail`` otherwise, with every reason listed.
"""

from __future__ import annotations

__all__ = ["FiveDay", "five_day_assessment", "working_days"]

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
from assessment.scorecard import daily_scorecards

_RANK = {"undeclared": 0, "buyer": 1, "product": 2, "sku": 3}


@dataclass(frozen=True)
class FiveDay:
    """The assessment: ``days`` (the working days), ``cards`` (one scorecard row per day),
    ``orders`` (closed orders), ``verdict`` and ``reasons``."""

    manager_id: str
    start: dt.date
    days: tuple[dt.date, ...]
    cards: pd.DataFrame
    orders: pd.DataFrame
    closed: bool
    best_class: str | None
    verdict: str
    reasons: tuple[str, ...] = field(default=())

    def summary(self) -> dict[str, Any]:
        return {
            "manager_id": self.manager_id,
            "start": self.start.isoformat(),
            "days": [d.isoformat() for d in self.days],
            "closed_order": self.closed,
            "orders_closed": len(self.orders),
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
    cards, orders = [], []
    for day in days:
        sc = daily_scorecards(
            data, mk, bodies, day, config=config, assess_config=assess_config,
            managers=[manager_id],
        )  # fmt: skip
        cards.append(sc.cards)
        orders.append(sc.orders)
    card = pd.concat(cards, ignore_index=True)
    order = pd.concat(orders, ignore_index=True)
    closed = len(order) > 0
    best = None
    if closed:
        best = str(max(order["match_class"], key=lambda c: _RANK[str(c)]))
    reasons: list[str] = []
    passed_days = int(card["passed"].sum())
    contradicted = int(card["contradicted"].sum())
    if closed:
        reasons.append(f"closed {len(order)} non-cancelled order(s); best match class {best}")
    else:
        reasons.append("no non-cancelled order closed in the five working days")
    if contradicted:
        reasons.append(f"{contradicted} claimed on-site visit(s) contradicted by the track")
    enough = passed_days >= config.min_days_passed
    reasons.append(
        f"{passed_days} of {len(days)} daily scorecards passed "
        f"({'at least' if enough else 'fewer than'} {config.min_days_passed} needed)"
    )
    no_track = int((card["status"] == "no_result").sum())
    if no_track:
        reasons.append(f"{no_track} day(s) without a verified GPS track")
    verdict = "pass" if closed and not contradicted and enough else "fail"
    return FiveDay(manager_id, start, days, card, order, closed, best, verdict, tuple(reasons))
