"""Buyer rules of the scheme: target customers, grade, status, ranking and exclusive rights.

Every function is pure: it takes validated frames (see
:mod:`assessment.schema`), an ``as_of`` local date and an
:class:`~assessment.config.AssessConfig`, and returns a new frame with one row
per buyer; orders placed after ``as_of`` (local calendar, ``config.timezone``)
and activations or registrations after it are ignored, so a report can be
re-run for any past day.  Everything is grouped pandas/NumPy; no Python loop
runs over buyers or orders.

Rules (``../shared/seed/README.md``, "Target customers and rights", "Buyer
classification"):

* **target**: a non-cancelled single order with at least ``target_min_boxes``
  boxes of platform-listed products (every brand but legacy agency brands; the
  boxes of one order's listed lines add up);
* **grade**: by the largest single order line of one SKU (product + brand + net
  weight) ever, cancelled orders excluded: ``tier1`` >= 100 boxes, ``tier2``
  30-99, ``tier3`` below 30, ``ungraded`` without any order;
* **status**: ``unregistered`` (no registration yet), ``registered`` (not
  activated), ``activation`` (activated less than ``activation_period_days``
  ago), ``regular_l1``/``_l2``/``_l3`` (at least ``regular_min_orders``
  delivered orders last calendar month; level by that month's delivered
  turnover), else ``warning``;
* **rank**: within one (cluster point, market/district, status, grade), by
  cumulative delivered turnover, descending (ties share the better rank);
* **rights**: an activated buyer belongs exclusively to the manager who
  activated it (``activated_by``, else whoever held it at activation); an
  assigned target buyer not activated ``reassign_after_months`` calendar months
  after assignment is due for reassignment from that date (``due_date``; a
  31 December assignment falls due on the last day of February).
"""

from __future__ import annotations

__all__ = [
    "BUYER_REPORT_COLUMNS",
    "GRADES",
    "RIGHTS",
    "STATUSES",
    "assess_buyers",
    "assess_rights",
    "classify_status",
    "find_targets",
    "grade_buyers",
    "rank_buyers",
    "turnover",
]

import datetime as dt

import numpy as np
import pandas as pd

from assessment.agency import own_agency_lines
from assessment.config import AssessConfig
from assessment.io import Dataset
from assessment.schema import CANCELLED_STATUSES

GRADES: tuple[str, ...] = ("tier1", "tier2", "tier3", "ungraded")
STATUSES: tuple[str, ...] = (
    "regular_l1",
    "regular_l2",
    "regular_l3",
    "warning",
    "activation",
    "registered",
    "unregistered",
)
#: exclusive: activated, owned by its activator; due: reassignment due; window: assigned
#: target still inside its activation window; assigned: not a target yet; unassigned.
RIGHTS: tuple[str, ...] = ("exclusive", "due", "window", "assigned", "unassigned")
BUYER_REPORT_COLUMNS: tuple[str, ...] = (
    "buyer_id",
    "name",
    "type",
    "area_id",
    "cluster_id",
    "lat",
    "lon",
    "manager_id",
    "team_id",
    "is_target",
    "target_source",
    "target_since",
    "grade",
    "max_sku_boxes",
    "max_sku",
    "status",
    "last_month_orders",
    "last_month_amount",
    "turnover",
    "rank",
    "rank_of",
    "rights",
    "owner_id",
    "assigned_at",
    "activated_at",
    "due_date",
    "chat_admitted",
)


def assess_buyers(
    data: Dataset, *, as_of: dt.date, config: AssessConfig | None = None
) -> pd.DataFrame:
    """Every rule for every buyer, one row each (columns :data:`BUYER_REPORT_COLUMNS`).

    ``team_id`` is the team of the buyer's current manager (from ``people``);
    times are UTC; ``due_date`` is a local date (NaT when not applicable).
    """
    cfg = config or AssessConfig()
    buyers = data.buyers
    ids = buyers["buyer_id"]
    targets = find_targets(data.orders, data.brands, ids, as_of=as_of, config=cfg, buyers=buyers)
    grades = grade_buyers(data.orders, ids, as_of=as_of, config=cfg)
    status = classify_status(buyers, data.orders, as_of=as_of, config=cfg)
    money = turnover(data.orders, ids, as_of=as_of, config=cfg)
    rights = assess_rights(buyers, targets, data.assignments, as_of=as_of, config=cfg)
    kept = ("buyer_id", "name", "type", "area_id", "cluster_id", "lat", "lon", "manager_id")
    out = buyers[[*kept, "assigned_at", "activated_at", "chat_admitted"]].reset_index(drop=True)
    teams = pd.Series(
        data.people["team_id"].to_numpy(object), index=data.people["person_id"].to_numpy(object)
    )
    out["team_id"] = out["manager_id"].map(teams)
    for part in (targets, grades, status, rights):
        out = out.join(part, on="buyer_id")
    out["turnover"] = out["buyer_id"].map(money).fillna(0.0).round(2)
    ranked = rank_buyers(out)
    out["rank"] = ranked["rank"].to_numpy()
    out["rank_of"] = ranked["rank_of"].to_numpy()
    return out[list(BUYER_REPORT_COLUMNS)]


def find_targets(
    orders: pd.DataFrame,
    brands: pd.DataFrame,
    buyer_ids: pd.Series,
    *,
    as_of: dt.date,
    config: AssessConfig,
    buyers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``is_target``, ``target_source`` and ``target_since`` (UTC time of the first
    qualifying order), by buyer_id.

    Target customers (目标客户) are a pool of prospects: a buyer whose usual single
    order is at least ``config.target_min_boxes`` boxes, known from the survey
    (``buyers.usual_boxes``: ``target_source = surveyed``, before any platform order)
    or from the platform: a non-cancelled order whose lines add up to that many boxes
    (``platform``; the lines that supply an agent the brand it is agent for do not
    count: :mod:`assessment.agency`).  ``brands`` is kept for callers; every brand is
    platform-listed except to its own agent.
    """
    live = _live(orders, as_of, config)
    listed = live.loc[~own_agency_lines(live, buyers)]
    per_order = listed.groupby("order_id", sort=False).agg(
        buyer_id=("buyer_id", "first"), placed_at=("placed_at", "first"), boxes=("boxes", "sum")
    )
    hits = per_order.loc[per_order["boxes"] >= config.target_min_boxes]
    since = hits.groupby("buyer_id")["placed_at"].min()
    out = pd.DataFrame(index=pd.Index(buyer_ids.to_numpy(object), name="buyer_id"))
    out["target_since"] = since.reindex(out.index)
    platform = out["target_since"].notna().to_numpy(bool)
    surveyed: np.ndarray = np.zeros(len(out), dtype=bool)
    if buyers is not None and "usual_boxes" in buyers:
        usual = buyers.set_index("buyer_id")["usual_boxes"].astype("Float64")
        found = (usual.reindex(out.index) >= config.target_min_boxes).fillna(False)
        surveyed = found.to_numpy(bool)
    out["is_target"] = platform | surveyed
    source = np.where(platform, "platform", np.where(surveyed, "surveyed", ""))
    out["target_source"] = pd.Series(source, index=out.index, dtype=object).replace("", None)
    return out[["is_target", "target_source", "target_since"]]


def grade_buyers(
    orders: pd.DataFrame, buyer_ids: pd.Series, *, as_of: dt.date, config: AssessConfig
) -> pd.DataFrame:
    """``grade``, ``max_sku_boxes`` and ``max_sku`` (the SKU of that line), by buyer_id.

    The largest single non-cancelled order line of one SKU decides: ``tier1``
    from ``config.tier1_min_boxes``, ``tier2`` from ``config.tier2_min_boxes``,
    ``tier3`` below; ``ungraded`` without any non-cancelled order.
    """
    live = _live(orders, as_of, config)
    out = pd.DataFrame(index=pd.Index(buyer_ids.to_numpy(object), name="buyer_id"))
    if live.empty:
        out["max_sku_boxes"] = pd.Series(dtype="Int64")
        out["max_sku"] = pd.Series(dtype=object)
    else:
        top = live.loc[live.groupby("buyer_id", sort=False)["boxes"].idxmax()]
        top = top.set_index("buyer_id")
        out["max_sku_boxes"] = top["boxes"].reindex(out.index).astype("Int64")
        out["max_sku"] = _sku_label(top).reindex(out.index)
    boxes = out["max_sku_boxes"].astype("float64").to_numpy()
    grade = np.select(
        [boxes >= config.tier1_min_boxes, boxes >= config.tier2_min_boxes, boxes >= 0],
        ["tier1", "tier2", "tier3"],
        default="ungraded",
    )
    out["grade"] = grade.astype(object)
    return out[["grade", "max_sku_boxes", "max_sku"]]


def classify_status(
    buyers: pd.DataFrame, orders: pd.DataFrame, *, as_of: dt.date, config: AssessConfig
) -> pd.DataFrame:
    """``status``, ``last_month_orders`` and ``last_month_amount`` (delivered), by buyer_id.

    "Last month" is the calendar month before ``as_of``'s month, local time.
    """
    end = _end_utc(as_of, config)
    first_this = dt.date(as_of.year, as_of.month, 1)
    first_last = (pd.Timestamp(first_this) - pd.DateOffset(months=1)).date()
    lo = pd.Timestamp(first_last).tz_localize(config.timezone).tz_convert("UTC")
    hi = pd.Timestamp(first_this).tz_localize(config.timezone).tz_convert("UTC")
    delivered = orders.loc[
        (orders["status"] == "delivered") & (orders["placed_at"] >= lo) & (orders["placed_at"] < hi)
    ]
    month = delivered.groupby("buyer_id").agg(
        last_month_orders=("order_id", "nunique"), last_month_amount=("amount", "sum")
    )
    out = pd.DataFrame(index=pd.Index(buyers["buyer_id"].to_numpy(object), name="buyer_id"))
    out = out.join(month)
    n_orders = out["last_month_orders"].fillna(0).astype(np.int64).to_numpy()
    amount = out["last_month_amount"].fillna(0.0).round(2).to_numpy()
    registered = (buyers["registered_at"] < end).to_numpy(bool)
    activated = (buyers["activated_at"] < end).to_numpy(bool)
    act_day = _local_days(buyers["activated_at"], config.timezone)
    today = np.datetime64(as_of, "D")
    new = activated & ((today - act_day) < np.timedelta64(config.activation_period_days, "D"))
    regular = n_orders >= config.regular_min_orders
    by_orders = config.regular_measure == "frequency"
    level1 = n_orders >= config.l1_min_orders if by_orders else amount >= config.l1_min_amount
    level2 = n_orders >= config.l2_min_orders if by_orders else amount >= config.l2_min_amount
    status = np.select(
        [~registered, ~activated, new, regular & level1, regular & level2, regular],
        ["unregistered", "registered", "activation", "regular_l1", "regular_l2", "regular_l3"],
        default="warning",
    )
    out["status"] = status.astype(object)
    out["last_month_orders"] = n_orders
    out["last_month_amount"] = amount
    return out[["status", "last_month_orders", "last_month_amount"]]


def turnover(
    orders: pd.DataFrame, buyer_ids: pd.Series, *, as_of: dt.date, config: AssessConfig
) -> pd.Series:
    """Cumulative delivered amount (yuan) up to ``as_of``, by buyer_id (0 without orders)."""
    end = _end_utc(as_of, config)
    done = orders.loc[(orders["status"] == "delivered") & (orders["placed_at"] < end)]
    sums = done.groupby("buyer_id")["amount"].sum()
    index = pd.Index(buyer_ids.to_numpy(object), name="buyer_id")
    return sums.reindex(index).fillna(0.0).round(2)


def rank_buyers(table: pd.DataFrame) -> pd.DataFrame:
    """``rank`` (1 = largest turnover) and ``rank_of`` (group size) within each peer group.

    Peers share cluster point, market/district, status and grade (a missing
    cluster point is a group of its own); ties share the better rank.
    """
    keys = ["cluster_id", "area_id", "status", "grade"]
    frame = table[[*keys, "turnover"]].copy()
    frame["cluster_id"] = frame["cluster_id"].fillna("\x00none")
    groups = frame.groupby(keys, sort=False)
    rank = groups["turnover"].rank(method="min", ascending=False).astype(np.int64)
    size = groups["turnover"].transform("size").astype(np.int64)
    return pd.DataFrame({"rank": rank, "rank_of": size}, index=table.index)


def assess_rights(
    buyers: pd.DataFrame,
    targets: pd.DataFrame,
    assignments: pd.DataFrame,
    *,
    as_of: dt.date,
    config: AssessConfig,
) -> pd.DataFrame:
    """``rights``, ``owner_id`` and ``due_date`` (local date), by buyer_id.

    ``owner_id`` is set for activated buyers: ``activated_by``, else the manager
    whose assignment period covers the activation (``assignments``), else the
    current manager.  ``due_date`` is set for assigned, non-activated target
    buyers: assignment day + ``reassign_after_months``; ``rights`` is ``due``
    from that day on.
    """
    end = _end_utc(as_of, config)
    ids = buyers["buyer_id"].to_numpy(object)
    activated = (buyers["activated_at"] < end).to_numpy(bool)
    assigned = buyers["manager_id"].notna().to_numpy(bool)
    is_target = targets["is_target"].reindex(ids).fillna(False).to_numpy(bool)
    holder = _holder_at_activation(buyers, assignments)
    owner = buyers["activated_by"].fillna(holder).fillna(buyers["manager_id"])
    owner = owner.where(activated, None)
    start = pd.DatetimeIndex(_local_days(buyers["assigned_at"], config.timezone))
    due = (start + pd.DateOffset(months=config.reassign_after_months)).to_numpy("datetime64[D]")
    waiting = assigned & is_target & ~activated
    today = np.datetime64(as_of, "D")
    is_due = waiting & (due <= today)
    rights = np.select(
        [activated, is_due, waiting, assigned],
        ["exclusive", "due", "window", "assigned"],
        default="unassigned",
    )
    out = pd.DataFrame(index=pd.Index(ids, name="buyer_id"))
    out["rights"] = rights.astype(object)
    out["owner_id"] = owner.to_numpy(object)
    out["due_date"] = np.where(waiting, due, np.datetime64("NaT", "D")).astype("datetime64[s]")
    return out


# ------------------------------------------------------------------ private


def _end_utc(as_of: dt.date, config: AssessConfig) -> pd.Timestamp:
    """The UTC instant at which the local day after ``as_of`` begins."""
    return pd.Timestamp(as_of + dt.timedelta(days=1)).tz_localize(config.timezone).tz_convert("UTC")


def _live(orders: pd.DataFrame, as_of: dt.date, config: AssessConfig) -> pd.DataFrame:
    """Non-cancelled order lines placed up to ``as_of``."""
    keep = ~orders["status"].isin(CANCELLED_STATUSES) & (
        orders["placed_at"] < _end_utc(as_of, config)
    )
    return orders.loc[keep]


def _local_days(utc: pd.Series, timezone: str) -> np.ndarray:
    """Local calendar day of each instant as ``datetime64[D]`` (NaT stays NaT)."""
    local = pd.DatetimeIndex(utc).tz_convert(timezone).tz_localize(None)
    return np.asarray(local.to_numpy("datetime64[D]"))


def _sku_label(lines: pd.DataFrame) -> pd.Series:
    """``product / brand / 10kg`` (grams below 1 kg, kilograms above)."""
    grams = lines["net_weight_g"].astype("float64")
    weight = np.where(
        grams >= 1000,
        (grams / 1000).map("{:g}kg".format),
        grams.map("{:g}g".format),
    )
    return lines["product"].astype(str) + " / " + lines["brand"].astype(str) + " / " + weight


def _holder_at_activation(buyers: pd.DataFrame, assignments: pd.DataFrame) -> pd.Series:
    """The manager whose assignment began last at or before each buyer's activation."""
    index = buyers.index
    act = buyers.loc[buyers["activated_at"].notna(), ["buyer_id", "activated_at"]]
    if act.empty or assignments.empty:
        return pd.Series(None, index=index, dtype=object)
    left = act.reset_index().sort_values("activated_at")
    right = assignments[["buyer_id", "manager_id", "assigned_at"]].sort_values("assigned_at")
    left = left.assign(
        buyer_id=left["buyer_id"].astype(object),
        activated_at=left["activated_at"].astype("datetime64[ns, UTC]"),
    )
    right = right.assign(
        buyer_id=right["buyer_id"].astype(object),
        assigned_at=right["assigned_at"].astype("datetime64[ns, UTC]"),
    ).dropna(subset=["assigned_at"])
    found = pd.merge_asof(
        left,
        right,
        left_on="activated_at",
        right_on="assigned_at",
        by="buyer_id",
        direction="backward",
    )
    return pd.Series(found["manager_id"].to_numpy(object), index=found["index"]).reindex(index)
