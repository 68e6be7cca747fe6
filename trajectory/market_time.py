"""Which stays are market time: stores grouped into markets, market stays into periods.

A store belongs to the market of its ``market_id``; stores without one that are
chained by distances under the stay radius form a market of their own (stalls
listed without an id).  A stay near two or more stores of one market is market
time, and consecutive market stays close in time form one market period, which
:func:`trajectory.markets.resegment_stays` splits into stall visits.
"""

from __future__ import annotations

__all__ = ["AMONG_SHARE", "in_one_market", "market_labels", "market_periods", "market_reach"]

from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

#: Share of the fixes between two market stays that must lie among the market's stalls
#: for the time between them to be market time.
AMONG_SHARE = 0.9


def market_labels(
    stores: pd.DataFrame,
    sx: npt.NDArray[np.float64],
    sy: npt.NDArray[np.float64],
    link_m: float,
) -> npt.NDArray[np.int64]:
    """The market of each store (0, 1, ...): its ``market_id``, or else its
    component of stores without one linked by distances under ``link_m``."""
    n = len(stores)
    has_id = (
        stores["market_id"].notna().to_numpy() if "market_id" in stores else np.zeros(n, dtype=bool)
    )
    labels = np.full(n, -1, dtype=np.int64)
    if has_id.any():
        labels[has_id] = pd.factorize(stores["market_id"].to_numpy()[has_id])[0]
    free = np.flatnonzero(~has_id)
    if free.size:
        d = np.hypot(sx[free, None] - sx[None, free], sy[free, None] - sy[None, free])
        _, comp = connected_components(csr_matrix(d < link_m), directed=False)
        labels[free] = comp + labels.max() + 1
    return labels


def in_one_market(
    near: npt.NDArray[np.bool_], labels: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Per stay: two or more of its nearby stores belong to one market."""
    if labels.size == 0:
        return np.zeros(near.shape[0], dtype=bool)
    onehot = labels[:, None] == np.arange(labels.max() + 1)[None, :]
    counts = near.astype(np.int64) @ onehot.astype(np.int64)
    return np.asarray((counts >= 2).any(axis=1), dtype=bool)


class _Positions(Protocol):
    """Fixes ``x``/``y`` and stores ``sx``/``sy`` in one local projection (m)."""

    @property
    def x(self) -> npt.NDArray[np.float64]: ...
    @property
    def y(self) -> npt.NDArray[np.float64]: ...
    @property
    def sx(self) -> npt.NDArray[np.float64]: ...
    @property
    def sy(self) -> npt.NDArray[np.float64]: ...


def market_reach(
    stores: pd.DataFrame,
    near: npt.NDArray[np.bool_],
    day: _Positions,
    link_m: float,
    radius_m: float,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per stay: market time (:func:`in_one_market`, markets by :func:`market_labels`);
    per stay and store: a stall the stay may be at (near it, or any stall of a market
    near a market stay: a visit may be at a stall no stay's centre came near); per fix:
    within ``radius_m`` of such a stall."""
    labels = market_labels(stores, day.sx, day.sy, link_m)
    market = in_one_market(near, labels)
    of_markets = np.isin(labels, labels[np.flatnonzero(near[market].any(axis=0))])
    d = np.hypot(day.x[:, None] - day.sx[of_markets], day.y[:, None] - day.sy[of_markets])
    among = np.asarray((d <= radius_m).any(axis=1), dtype=bool)
    return market, near | of_markets[None, :], among


def market_periods(
    stays: pd.DataFrame,
    market: npt.NDArray[np.bool_],
    t: npt.NDArray[np.float64],
    merge_gap_s: float,
    among_stalls: npt.NDArray[np.bool_] | None = None,
) -> list[list[int]]:
    """Runs of consecutive market stays (``market``), close in time or, per fix
    ``among_stalls``, with nearly every fix between them among the market's stalls (the
    stay scan can miss a visit in between; the market period must not)."""
    first = stays["first_fix"].to_numpy()
    last = stays["last_fix"].to_numpy()
    inside = np.r_[0, np.cumsum(among_stalls)] if among_stalls is not None else None
    periods: list[list[int]] = []
    for i in np.flatnonzero(market):
        joined = bool(periods) and periods[-1][-1] == i - 1
        if joined and t[first[i]] - t[last[i - 1]] > merge_gap_s:
            a, b = last[i - 1] + 1, first[i]
            joined = inside is not None and inside[b] - inside[a] >= AMONG_SHARE * (b - a)
        if joined:
            periods[-1].append(int(i))
        else:
            periods.append([int(i)])
    return periods
