"""Declared orders against actual orders: match classes per declaration, per manager, per team.

A declaration says an account manager expects a buyer to order (a SKU, a
product or a brand, some boxes).  It is matched against the buyer's order lines
placed in its period: ``declared_on`` through ``period_end`` (local calendar
days, inclusive; by default ``config.declaration_days`` days).  Cancelled lines
never match; they are counted apart (by platform, by buyer).

Classes (``../shared/seed/README.md``, "Orders"), best first:

* ``sku``: a line of the buyer with the declared product and brand (and net
  weight, when declared);
* ``product``: a line with the declared product, another brand (or weight);
* ``buyer``: a line of the buyer, product and brand both different (also every
  match of a declaration that names only a brand: the seed's product-level
  class needs a product);
* ``none``: no non-cancelled line of the buyer in the period.

``matched_*`` add up the lines of the declaration's class: for ``sku`` the SKU's
lines, for ``product`` the product's lines, for ``buyer`` every line of the buyer
in the period.  Two declarations whose periods overlap may count the same line.

The join is vectorised: order lines sorted by (buyer, local day), each
declaration's lines found by two binary searches, pairs expanded with
``np.repeat``; nothing loops over declarations or orders in Python.
"""

from __future__ import annotations

__all__ = [
    "CLASSES",
    "MATCH_COLUMNS",
    "SUMMARY_COLUMNS",
    "match_declarations",
    "summarise_matches",
]

import datetime as dt

import numpy as np
import pandas as pd

from assessment.config import AssessConfig
from assessment.schema import CANCELLED_STATUSES

CLASSES: tuple[str, ...] = ("sku", "product", "buyer", "none")
_LEVEL_NAMES = np.array(["none", "buyer", "product", "sku"], dtype=object)
MATCH_COLUMNS: tuple[str, ...] = (
    "manager_id",
    "team_id",
    "declared_on",
    "period_end",
    "buyer_id",
    "product",
    "brand",
    "net_weight_g",
    "boxes",
    "match",
    "matched_orders",
    "matched_lines",
    "matched_boxes",
    "matched_amount",
    "cancelled_lines",
    "cancelled_by_platform",
    "cancelled_by_buyer",
    "cancelled_amount",
    "period_open",
)
SUMMARY_COLUMNS: tuple[str, ...] = (
    "declarations",
    *(f"n_{c}" for c in CLASSES),
    *(f"amount_{c}" for c in CLASSES[:3]),
    "declared_boxes",
    "matched_boxes",
    "cancelled_lines",
    "cancelled_amount",
    "match_rate",
)


def match_declarations(
    declarations: pd.DataFrame,
    orders: pd.DataFrame,
    people: pd.DataFrame | None = None,
    *,
    config: AssessConfig | None = None,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """One row per declaration with its class and the lines behind it (:data:`MATCH_COLUMNS`).

    Parameters
    ----------
    declarations, orders
        Validated frames (``assessment.schema``).
    people
        For ``team_id`` (the declaring manager's team); optional.
    config
        ``timezone`` and ``declaration_days``.
    as_of
        Ignore lines placed after this local day; periods still running then
        have ``period_open`` true.  Default: every line.
    """
    cfg = config or AssessConfig()
    decl = declarations.reset_index(drop=True)
    start = decl["declared_on"].to_numpy("datetime64[D]")
    given_end = decl["period_end"].to_numpy("datetime64[D]")
    default_end = start + np.timedelta64(cfg.declaration_days - 1, "D")
    end = np.where(np.isnat(given_end), default_end, given_end)
    lines = orders
    today = None if as_of is None else np.datetime64(as_of, "D")
    order_day = _local_days(lines["placed_at"], cfg.timezone)
    if today is not None:
        keep = order_day <= today
        lines = lines.loc[keep]
        order_day = order_day[keep]
    d_idx, o_idx = _pairs(decl["buyer_id"], start, end, lines["buyer_id"], order_day)
    level = _levels(decl, lines, d_idx, o_idx)
    out = decl[
        ["manager_id", "declared_on", "buyer_id", "product", "brand", "net_weight_g", "boxes"]
    ].copy()
    out["period_end"] = pd.Series(end.astype("datetime64[s]"))
    _tally(out, lines, d_idx, o_idx, level)
    out["period_open"] = False if today is None else end > today
    if people is not None:
        teams = pd.Series(
            people["team_id"].to_numpy(object), index=people["person_id"].to_numpy(object)
        )
        out["team_id"] = out["manager_id"].map(teams)
    else:
        out["team_id"] = None
    return out[list(MATCH_COLUMNS)]


def _tally(
    out: pd.DataFrame,
    lines: pd.DataFrame,
    d_idx: np.ndarray,
    o_idx: np.ndarray,
    level: np.ndarray,
) -> None:
    """Write each declaration's class and the counts of its matched and cancelled lines.

    A declaration's class is the best level of its live (not cancelled) lines; the
    lines at that level are its matched lines.
    """
    n = len(out)
    status = lines["status"].to_numpy(object)[o_idx]
    amount = lines["amount"].to_numpy(float)[o_idx]
    boxes = lines["boxes"].to_numpy(np.int64)[o_idx]
    cancelled = np.isin(status, CANCELLED_STATUSES)
    live = ~cancelled
    best = np.zeros(n, dtype=np.int8)
    np.maximum.at(best, d_idx[live], level[live])
    chosen = live & (level >= best[d_idx]) & (best[d_idx] > 0)
    order_codes = pd.factorize(lines["order_id"].to_numpy(object)[o_idx])[0]
    out["match"] = _LEVEL_NAMES[best]
    out["matched_orders"] = _distinct(d_idx[chosen], order_codes[chosen], n)
    out["matched_lines"] = np.bincount(d_idx[chosen], minlength=n)
    out["matched_boxes"] = np.bincount(d_idx[chosen], weights=boxes[chosen], minlength=n).astype(
        np.int64
    )
    out["matched_amount"] = np.bincount(d_idx[chosen], weights=amount[chosen], minlength=n).round(2)
    out["cancelled_lines"] = np.bincount(d_idx[cancelled], minlength=n)
    for who in ("platform", "buyer"):
        sel = status == f"cancelled_by_{who}"
        out[f"cancelled_by_{who}"] = np.bincount(d_idx[sel], minlength=n)
    out["cancelled_amount"] = np.bincount(
        d_idx[cancelled], weights=amount[cancelled], minlength=n
    ).round(2)


def summarise_matches(matches: pd.DataFrame, by: str) -> pd.DataFrame:
    """Counts and amounts by class per ``by`` (``"manager_id"`` or ``"team_id"``).

    Columns :data:`SUMMARY_COLUMNS`; ``match_rate`` is the share of declarations
    with any match (``sku``, ``product`` or ``buyer``).  A missing team is
    its own row (``team_id`` null).
    """
    frame = matches.copy()
    frame["_key"] = frame[by].fillna("\x00none")
    for c in CLASSES:
        hit = frame["match"] == c
        frame[f"n_{c}"] = hit.astype(np.int64)
        if c != "none":
            frame[f"amount_{c}"] = frame["matched_amount"].where(hit, 0.0)
    frame["declarations"] = 1
    frame["declared_boxes"] = frame["boxes"]
    sums = [
        "declarations",
        *(f"n_{c}" for c in CLASSES),
        *(f"amount_{c}" for c in CLASSES[:3]),
        "declared_boxes",
        "matched_boxes",
        "cancelled_lines",
        "cancelled_amount",
    ]
    out = frame.groupby("_key", sort=True)[sums].sum()
    out["match_rate"] = (1 - out["n_none"] / out["declarations"]).round(4)
    for c in (*(f"amount_{c}" for c in CLASSES[:3]), "cancelled_amount"):
        out[c] = out[c].round(2)
    out.index = out.index.where(out.index != "\x00none", None)
    out.index.name = by
    if by == "manager_id":
        team = frame.groupby("_key", sort=True)["team_id"].first()
        out.insert(0, "team_id", team.to_numpy(object))
    return out.reset_index()[[by, *(["team_id"] if by == "manager_id" else []), *SUMMARY_COLUMNS]]


# ------------------------------------------------------------------ private


def _local_days(utc: pd.Series, timezone: str) -> np.ndarray:
    local = pd.DatetimeIndex(utc).tz_convert(timezone).tz_localize(None)
    return np.asarray(local.to_numpy("datetime64[D]"))


def _pairs(
    decl_buyer: pd.Series,
    start: np.ndarray,
    end: np.ndarray,
    order_buyer: pd.Series,
    order_day: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(declaration, order line) index pairs: same buyer, line day within the period."""
    codes, uniques = pd.factorize(order_buyer.to_numpy(object))
    d_codes = pd.Index(uniques).get_indexer(decl_buyer.to_numpy(object))
    if len(order_day) == 0 or len(start) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    days = order_day.astype(np.int64)
    base = int(min(days.min(), start.astype(np.int64).min())) - 1
    span = int(max(days.max(), end.astype(np.int64).max())) - base + 2
    keys = codes.astype(np.int64) * span + (days - base)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    lo_key = d_codes.astype(np.int64) * span + (start.astype(np.int64) - base)
    hi_key = d_codes.astype(np.int64) * span + (end.astype(np.int64) - base)
    lo = np.searchsorted(keys, lo_key, side="left")
    hi = np.searchsorted(keys, hi_key, side="right")
    counts = np.where(d_codes >= 0, hi - lo, 0)
    total = int(counts.sum())
    d_idx = np.repeat(np.arange(len(start), dtype=np.int64), counts)
    offsets = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    o_pos = offsets + np.arange(total, dtype=np.int64)
    return d_idx, order[o_pos]


def _levels(
    decl: pd.DataFrame, lines: pd.DataFrame, d_idx: np.ndarray, o_idx: np.ndarray
) -> np.ndarray:
    """3 (SKU), 2 (product) or 1 (buyer only) for each pair."""
    d_prod = decl["product"].to_numpy(object)[d_idx]
    d_brand = decl["brand"].to_numpy(object)[d_idx]
    d_weight = decl["net_weight_g"].astype("float64").to_numpy()[d_idx]
    o_prod = lines["product"].to_numpy(object)[o_idx]
    o_brand = lines["brand"].to_numpy(object)[o_idx]
    o_weight = lines["net_weight_g"].astype("float64").to_numpy()[o_idx]
    same_product = _same(d_prod, o_prod)
    same_brand = _same(d_brand, o_brand)
    weight_ok = np.isnan(d_weight) | (d_weight == o_weight)
    return np.select(
        [same_product & same_brand & weight_ok, same_product], [3, 2], default=1
    ).astype(np.int8)


def _same(declared: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Element-wise equality of declared and actual text; a missing declared value never matches."""
    codes, _ = pd.factorize(np.concatenate([declared, actual]), use_na_sentinel=True)
    left, right = codes[: len(declared)], codes[len(declared) :]
    same: np.ndarray = (left >= 0) & (left == right)
    return same


def _distinct(d_idx: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """Number of distinct ``codes`` per declaration index."""
    if len(d_idx) == 0:
        return np.zeros(n, dtype=np.int64)
    width = int(codes.max()) + 1
    pairs = np.unique(d_idx * width + codes)
    out: np.ndarray = np.bincount(pairs // width, minlength=n)
    return out
