"""Wholesale markets: splitting market time into visits of close-together stalls.

In a market the task stores are stalls 15-60 m apart under one roof, closer
together than the GPS spread, so the stay scan sees one or a few long stays
where the manager went from stall to stall.  This module joins consecutive
stays near the same stalls into a *market period* and re-segments its fixes
with a Viterbi path over 30 s time bins whose hidden states are the candidate
stalls plus "elsewhere": each bin's median position is scored against every
stall (Gaussian in distance, with the noise level the phone reports, and
weighted for the minute-long correlation of GPS errors), a switch costs a
fixed penalty, and runs shorter than the minimum stay are folded into the
neighbour that explains them better (a semi-Markov minimum duration).

Task order plays no part: managers skip and reorder stalls, and an order
prior would hide the skipped stall a supervisor needs to see.  Each visit
keeps the evidence for its stall over the runner-up (``margin`` in nats);
where it is weak, the runner-up is named as ambiguous rather than guessed.

The segmentation itself is :func:`trajectory.market_stalls.segment_period`.

Only market time is split this way: a stay near two or more stalls of one
market, where a market is the stores sharing a ``market_id`` or, for stores
without one, stores chained by distances under ``market_link_m`` (the stay
radius: closer than the stay scan can separate).  Ordinary stores further apart
are told apart by the stay scan itself, which ends a stay when the manager walks
from one to the other; re-segmenting their stays followed GPS noise that wanders
between two nearby stores (issue 13: a real 87-minute visit at one of two
stores 82 m apart came out as four stays).  A stay near two or more ordinary
stores is split only where the track moved from one to another and dwelt at
each (:func:`trajectory.neighbours.split_between_stores`).

References
----------
Rabiner, L. R. (1989). A tutorial on hidden Markov models and selected
applications in speech recognition. Proc. IEEE 77(2).
"""

from __future__ import annotations

__all__ = ["AMBIGUOUS_NATS", "resegment_columns", "resegment_stays"]

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory._frames import Columns, columns_of, frame_of
from trajectory.geodesy import LocalProjection
from trajectory.market_stalls import AMBIGUOUS_NATS, segment_period
from trajectory.market_time import market_periods, market_reach
from trajectory.neighbours import split_with_doubt
from trajectory.staypoints import STAY_COLUMNS
from trajectory.timestamps import elapsed_s

_EXTRA = (
    "split_from",
    "state_store_id",
    "alt_store_ids",
    "margin_nats",
    "confirmed",
    "market_period",
    "period_visits_min",
    "period_visits_max",
)


def resegment_stays(
    stays: pd.DataFrame,
    track: pd.DataFrame,
    stores: pd.DataFrame,
    *,
    min_stay_s: float,
    match_radius_m: float,
    merge_gap_s: float = 300.0,
    market_link_m: float = 50.0,
) -> pd.DataFrame:
    """Split market time into one stay per stall visit (and ordinary stays where the track moved).

    Parameters
    ----------
    stays
        Stays from :func:`trajectory.staypoints.detect_stay_points` on ``track``.
    track
        The cleaned track the stays were detected on (``time``, ``lat``, ``lon``,
        optional ``accuracy_m``).
    stores
        On-site task stores (``store_id``, ``lat``, ``lon`` in WGS-84).
    min_stay_s
        Shortest visit (s); no split produces a shorter one.
    match_radius_m
        A stay with two or more stalls of one market within this distance (m) is
        market time.
    merge_gap_s
        Consecutive market stays at most this far apart in time (s) form one
        market period.
    market_link_m
        Stores without a ``market_id`` chained by distances under this (m) form a market.

    Returns
    -------
    pandas.DataFrame
        The stays, market periods replaced by their visits, renumbered in time
        order, with ``split_from`` (the first original stay id of the period, or
        the stay's own id), ``state_store_id`` (the stall assigned, None outside
        markets), ``alt_store_ids`` (stalls the GPS cannot rule out: the runner-up
        when the evidence is weak, and any unvisited stall that explains a
        minimum-stay window of it nearly as well), ``margin_nats`` (evidence for
        the stall over the runner-up), ``confirmed`` (a strict segmentation visits
        the stall too), ``market_period`` (1, 2, ... per period; 0 outside markets) and
        ``period_visits_min`` / ``period_visits_max`` (the range of the period's
        visit count over strict and loose segmentations).  A fresh index.
    """
    limits = (min_stay_s, match_radius_m, merge_gap_s, market_link_m)
    return frame_of(resegment_columns(columns_of(stays), track, stores, limits))


def resegment_columns(
    stays: Columns,
    track: pd.DataFrame,
    stores: pd.DataFrame,
    limits: tuple[float, float, float, float],
) -> Columns:
    """:func:`resegment_stays` on :data:`~trajectory._frames.Columns` (``verify_day``'s
    hot path: a DataFrame only when a stay is split); ``limits`` are its ``min_stay_s,
    match_radius_m, merge_gap_s, market_link_m`` in that order."""
    min_stay_s, match_radius_m, merge_gap_s, market_link_m = limits
    out = _outside_markets(stays)
    found = _near_stores(track, stores, out, match_radius_m) if len(stores) >= 2 else None
    if found is None:
        return out
    day, near = _Fixes.of(track, stores, found[0]), found[1]
    market, stalls, among = market_reach(stores, near, day, market_link_m, match_radius_m)
    frame = frame_of(out)
    periods = market_periods(frame, market, day.t, merge_gap_s, among)
    replaced, rows = _split_rows(
        day, frame, near, stalls, market, periods, min_stay_s, match_radius_m
    )
    if not replaced.any():
        return out
    result = pd.concat([frame.loc[~replaced], *([pd.DataFrame(rows)] if rows else [])])
    return columns_of(_typed(result.sort_values("first_fix", kind="stable").reset_index(drop=True)))


def _split_rows(
    day: _Fixes,
    out: pd.DataFrame,
    near: npt.NDArray[np.bool_],
    stalls: npt.NDArray[np.bool_],
    market: npt.NDArray[np.bool_],
    periods: list[list[int]],
    min_stay_s: float,
    match_radius_m: float,
) -> tuple[npt.NDArray[np.bool_], list[dict[str, object]]]:
    """The stays replaced (market periods; ordinary stays the track splits) and their rows.

    An ordinary stay is tried for a split between the stores near its centre and those
    within ``match_radius_m`` of a good share of its fixes (two visits merged into one
    stay can have their centre between the stores, out of reach of one)."""
    replaced = np.zeros(len(out), dtype=bool)
    rows: list[dict[str, object]] = []
    for period, members in enumerate(periods, start=1):
        replaced[members] = True
        rows += _period_rows(day, out, stalls, members, period, min_stay_s)
    reach = near | _reached(day, out, match_radius_m)
    for i in np.flatnonzero((reach.sum(axis=1) >= 2) & ~market):
        parts = _ordinary_rows(day, out, reach, int(i), min_stay_s)
        if len(parts) > 1:
            replaced[i] = True
            rows += parts
        elif parts[0]["alt_store_ids"]:  # one stay, but perhaps a visit next door
            replaced[i] = True
            row = {str(k): v for k, v in out.iloc[int(i)].items()}
            rows.append({**row, "alt_store_ids": parts[0]["alt_store_ids"]})
    return replaced, rows


@dataclass(frozen=True)
class _Fixes:
    """The cleaned track in local metres (``t`` s, ``x``/``y`` m) and the stores likewise."""

    t: npt.NDArray[np.float64]
    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    acc: npt.NDArray[np.float64]
    speed: npt.NDArray[np.float64]
    times: pd.DatetimeIndex
    proj: LocalProjection
    sx: npt.NDArray[np.float64]
    sy: npt.NDArray[np.float64]
    store_ids: npt.NDArray[Any]

    @classmethod
    def of(cls, track: pd.DataFrame, stores: pd.DataFrame, proj: LocalProjection) -> _Fixes:
        """The fixes and stores in ``proj`` (centred on the track's fixes)."""
        lat = track["lat"].to_numpy(dtype=np.float64)
        lon = track["lon"].to_numpy(dtype=np.float64)
        x, y = proj.forward(lat, lon)
        sx, sy = _store_xy(proj, stores)
        acc = (
            track["accuracy_m"].to_numpy(dtype=np.float64)
            if "accuracy_m" in track
            else np.full(len(track), np.nan)
        )
        speed = (
            track["speed_mps"].to_numpy(dtype=np.float64)
            if "speed_mps" in track
            else np.full(len(track), np.nan)
        )
        store_ids = stores["store_id"].astype(str).to_numpy()
        t = elapsed_s(track["time"])
        times = pd.DatetimeIndex(track["time"])
        return cls(t, x, y, acc, speed, times, proj, sx, sy, store_ids)


def _near_stores(
    track: pd.DataFrame, stores: pd.DataFrame, stays: Columns, radius_m: float
) -> tuple[LocalProjection, npt.NDArray[np.bool_]] | None:
    """The projection centred on the track's fixes, and which stores lie within
    ``radius_m`` of each stay (stays x stores); None when no stay is within twice that
    of two stores (nothing to split: the fixes need no projecting)."""
    lat = track["lat"].to_numpy(dtype=np.float64)
    lon = track["lon"].to_numpy(dtype=np.float64)
    proj = LocalProjection.around(lat, lon)
    sx, sy = _store_xy(proj, stores)
    cx, cy = proj.forward(stays["lat"], stays["lon"])
    d = np.hypot(cx[:, None] - sx[None, :], cy[:, None] - sy[None, :])
    # twice the radius: a store a share of the stay's fixes reach (_reached) counts too
    return (proj, d <= radius_m) if bool(((d <= 2 * radius_m).sum(axis=1) >= 2).any()) else None


def _store_xy(
    proj: LocalProjection, stores: pd.DataFrame
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    return proj.forward(
        stores["lat"].to_numpy(dtype=np.float64), stores["lon"].to_numpy(dtype=np.float64)
    )


def _outside_markets(stays: Columns) -> Columns:
    """The stays with the market columns as outside any market."""
    n = len(stays["stay_id"])
    alt_store_ids = np.empty(n, dtype=object)
    for i in range(n):  # one empty list per stay
        alt_store_ids[i] = []
    cols = dict(
        split_from=stays["stay_id"],
        state_store_id=np.full(n, None, dtype=object),
        alt_store_ids=alt_store_ids,
        margin_nats=np.full(n, np.nan),
        confirmed=np.ones(n, dtype=bool),
        market_period=np.zeros(n, dtype=np.int64),
        period_visits_min=np.zeros(n, dtype=np.int64),
        period_visits_max=np.zeros(n, dtype=np.int64),
    )
    return {**stays, **cols}


def _period_rows(
    day: _Fixes,
    out: pd.DataFrame,
    near: npt.NDArray[np.bool_],
    members: list[int],
    period: int,
    min_stay_s: float,
) -> list[dict[str, object]]:
    """The stall visits of one market period, as rows of the stay table."""
    t, x, y = day.t, day.x, day.y
    first = int(out["first_fix"].iloc[members[0]])
    last = int(out["last_fix"].iloc[members[-1]])
    cand = np.flatnonzero(near[members].any(axis=0))
    sl = slice(first, last + 1)
    visits, count_range = segment_period(
        t[sl],
        x[sl],
        y[sl],
        day.acc[sl],
        day.sx[cand],
        day.sy[cand],
        min_stay_s=min_stay_s,
        speed=day.speed[sl],
    )
    split_from = int(out["stay_id"].iloc[members[0]])
    return [
        {
            **_part_row(day, first + a, first + b, split_from),
            "state_store_id": None if state < 0 else day.store_ids[cand[state]],
            "alt_store_ids": [str(day.store_ids[cand[q]]) for q in alts],
            "margin_nats": margin,
            "confirmed": confirmed,
            "market_period": period,
            "period_visits_min": count_range[0],
            "period_visits_max": count_range[1],
        }
        for a, b, state, alts, margin, confirmed in visits
    ]


#: Share of a stay's fixes within the match radius of a store that makes it a candidate.
REACHED_SHARE = 0.1


def _reached(day: _Fixes, out: pd.DataFrame, radius_m: float) -> npt.NDArray[np.bool_]:
    """Per stay and store: at least :data:`REACHED_SHARE` of the stay's fixes lie within
    ``radius_m`` of the store."""
    first = out["first_fix"].to_numpy(dtype=np.int64)
    last = out["last_fix"].to_numpy(dtype=np.int64)
    within = np.hypot(day.x[:, None] - day.sx[None, :], day.y[:, None] - day.sy[None, :])
    cum = np.vstack([np.zeros((1, day.sx.size)), np.cumsum(within <= radius_m, axis=0)])
    share = (cum[last + 1] - cum[first]) / (last - first + 1)[:, None]
    return np.asarray(share >= REACHED_SHARE, dtype=bool)


def _ordinary_rows(
    day: _Fixes, out: pd.DataFrame, near: npt.NDArray[np.bool_], i: int, min_stay_s: float
) -> list[dict[str, object]]:
    """One stay near two or more ordinary stores, split where the track moved between them
    (:func:`trajectory.neighbours.split_between_stores`); one row when it did not."""
    first, last = int(out["first_fix"].iloc[i]), int(out["last_fix"].iloc[i])
    cand = np.flatnonzero(near[i])
    sl = slice(first, last + 1)
    parts, doubt = split_with_doubt(
        day.t[sl],
        day.x[sl],
        day.y[sl],
        day.acc[sl],
        day.sx[cand],
        day.sy[cand],
        min_stay_s=min_stay_s,
        speed=day.speed[sl],
    )
    split_from = int(out["stay_id"].iloc[i])
    return [
        {
            **_part_row(day, first + a, first + b, split_from),
            "state_store_id": None,
            "alt_store_ids": [str(sid) for sid in day.store_ids[cand]] if doubt else [],
            "margin_nats": np.nan,
            "confirmed": True,
            "market_period": 0,
            "period_visits_min": 0,
            "period_visits_max": 0,
        }
        for a, b in parts
    ]


def _part_row(day: _Fixes, fa: int, fb: int, split_from: int) -> dict[str, object]:
    """The stay-table fields of fixes ``fa``..``fb`` (inclusive) as one stay."""
    t, x, y = day.t, day.x, day.y
    px, py = float(np.median(x[fa : fb + 1])), float(np.median(y[fa : fb + 1]))
    plat, plon = day.proj.inverse(px, py)
    dist = np.hypot(x[fa : fb + 1] - px, y[fa : fb + 1] - py)
    gaps = np.diff(t[fa : fb + 1])
    return {
        "lat": float(plat),
        "lon": float(plon),
        "arrival": day.times[fa],
        "departure": day.times[fb],
        "duration_s": float(t[fb] - t[fa]),
        "n_points": int(fb - fa + 1),
        "spread_m": float(np.percentile(dist, 80)),
        "max_gap_s": float(gaps.max()) if gaps.size else 0.0,
        "arrival_gap_s": float(t[fa] - t[fa - 1]) if fa > 0 else np.inf,
        "departure_gap_s": float(t[fb + 1] - t[fb]) if fb + 1 < t.size else np.inf,
        "first_fix": fa,
        "last_fix": fb,
        "split_from": split_from,
    }


_INTS = ("n_points", "first_fix", "last_fix", "stay_id", "split_from")
_FLOATS = ("lat", "lon", "duration_s", "spread_m", "max_gap_s", "arrival_gap_s", "departure_gap_s")


def _typed(result: pd.DataFrame) -> pd.DataFrame:
    """The re-segmented stays renumbered, with the stay table's column types and order."""
    result["stay_id"] = np.arange(1, len(result) + 1)
    result["confirmed"] = result["confirmed"].astype(bool)
    for col in (*_INTS, "market_period", "period_visits_min", "period_visits_max"):
        result[col] = result[col].astype("int64")
    for col in (*_FLOATS, "margin_nats"):
        result[col] = result[col].astype("float64")
    result["state_store_id"] = (
        result["state_store_id"].astype(object).where(result["state_store_id"].notna(), None)
    )
    result["arrival"] = pd.to_datetime(result["arrival"], utc=True)
    result["departure"] = pd.to_datetime(result["departure"], utc=True)
    return result.loc[:, [*STAY_COLUMNS, *_EXTRA]]
