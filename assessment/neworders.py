"""New orders of the 5-day assessment (5天考核,5天能出单吗): did the manager's own marketing
produce a new order within the working days?

:func:`new_orders` lists every non-cancelled order placed in the window by a buyer the
manager marketed to in it, or holds, and says whether it **counts**: the buyer was
marketed by this manager in the window, the order was placed after the first marketing
contact, and the buyer was not already a regular (常客) before the window.  Reorders of
regulars (``why = regular``), orders placed before any marketing (``before_marketing``)
and orders of held buyers not marketed (``not_marketed``) are shown, not counted.  Each
row carries its evidence chain: marketing slot -> declaration -> order -> delivery.
Vectorised (merges and group-bys).
"""

from __future__ import annotations

__all__ = ["NEW_ORDER_COLUMNS", "new_orders", "regulars_before"]

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from assessment.config import AssessConfig
from assessment.io import Dataset
from assessment.marketing import local_day
from assessment.marketing_data import MarketingData
from assessment.schema import CANCELLED_STATUSES

NEW_ORDER_COLUMNS: tuple[str, ...] = (
    "date", "order_id", "buyer_id", "placed_at", "boxes", "amount", "status",
    "first_contact", "contact_method", "purpose", "declared_on", "match_class",
    "counted", "why",
)  # fmt: skip


def regulars_before(data: Dataset, start: dt.date, config: AssessConfig) -> pd.Index:
    """Buyers that were regulars (常客) before local day ``start``: at least
    ``config.regular_min_orders`` delivered orders in the ``config.regular_lookback_days``
    days before it (order frequency, the measure the scheme's 常客 suggests)."""
    o = data.orders.loc[data.orders["status"] == "delivered"]
    day = local_day(o["placed_at"], config.timezone)
    lo = pd.Timestamp(start) - pd.Timedelta(days=config.regular_lookback_days)
    recent = o.loc[(day >= lo) & (day < pd.Timestamp(start))]
    n = recent.groupby("buyer_id")["order_id"].nunique()
    out: pd.Index = pd.Index(n.index[n >= config.regular_min_orders])
    return out


def new_orders(
    data: Dataset,
    mk: MarketingData,
    manager_id: str,
    days: Sequence[dt.date],
    *,
    config: AssessConfig,
    closed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Orders of the window with ``counted`` and ``why`` (see the module docstring).

    ``closed``: the scorecards' orders (:func:`assessment.scorecard.orders_closed`,
    ``order_id, match_class``) for the declaration class; default none (``undeclared``).
    """
    tz = config.timezone
    stamps = pd.DatetimeIndex([pd.Timestamp(d) for d in days])
    rec = mk.marketing.loc[mk.marketing["manager_id"] == manager_id]
    rec = rec.loc[local_day(rec["slot_start"], tz).isin(stamps)].sort_values("slot_start")
    first = rec.drop_duplicates("buyer_id")[["buyer_id", "slot_start", "method", "purpose"]]
    first = first.rename(columns={"slot_start": "first_contact", "method": "contact_method"})
    b = data.buyers
    held = set(b.loc[b["manager_id"] == manager_id, "buyer_id"])
    held |= set(b.loc[b["activated_by"] == manager_id, "buyer_id"])
    lines = data.orders.loc[~data.orders["status"].isin(CANCELLED_STATUSES)]
    lines = lines.assign(date=local_day(lines["placed_at"], tz))
    lines = lines.loc[lines["date"].isin(stamps)]
    lines = lines.loc[lines["buyer_id"].isin(held) | lines["buyer_id"].isin(first["buyer_id"])]
    out = (
        lines.groupby("order_id", sort=True)
        .agg(
            date=("date", "first"),
            buyer_id=("buyer_id", "first"),
            placed_at=("placed_at", "min"),
            boxes=("boxes", "sum"),
            amount=("amount", "sum"),
            status=("status", "first"),
        )
        .reset_index()
        .merge(first, on="buyer_id", how="left")
    )
    out = _declared(out, data, manager_id, config)
    if closed is not None and len(closed):
        cls = closed[["order_id", "match_class"]].drop_duplicates("order_id")
        out = out.merge(cls, on="order_id", how="left")
    else:
        out["match_class"] = None
    out["match_class"] = out["match_class"].fillna("undeclared")
    regular = out["buyer_id"].isin(regulars_before(data, min(days), config))
    marketed = out["first_contact"].notna()
    after = marketed & (out["placed_at"] > out["first_contact"])
    out["why"] = np.select(
        [~marketed, ~after, regular], ["not_marketed", "before_marketing", "regular"], "new"
    )
    out["counted"] = out["why"] == "new"
    return out.sort_values(["placed_at", "order_id"]).reset_index(drop=True)[
        list(NEW_ORDER_COLUMNS)
    ]


def _declared(
    orders: pd.DataFrame, data: Dataset, manager_id: str, config: AssessConfig
) -> pd.DataFrame:
    """``declared_on``: the earliest of the manager's declarations for the buyer whose
    period covers the order's day (NaT: none)."""
    d = data.declarations.loc[data.declarations["manager_id"] == manager_id]
    end = d["period_end"].fillna(d["declared_on"] + pd.Timedelta(days=config.declaration_days - 1))
    d = d.assign(period_end=end)[["buyer_id", "declared_on", "period_end"]]
    pairs = orders[["order_id", "buyer_id", "date"]].merge(d, on="buyer_id")
    live = (pairs["declared_on"] <= pairs["date"]) & (pairs["date"] <= pairs["period_end"])
    when = pairs.loc[live].groupby("order_id")["declared_on"].min().rename("declared_on")
    return orders.merge(when, left_on="order_id", right_index=True, how="left")
