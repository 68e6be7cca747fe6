"""Which stays are market time: stores grouped into markets, market stays into periods.

A store belongs to the market of its ``market_id``; stores without one that are
chained by distances under the stay radius form a market of their own (stalls
listed without an id).  A stay near two or more stores of one market is market
time, and consecutive market stays close in time form one market period, which
:func:`trajectory.markets.resegment_stays` splits into stall visits.
"""

from __future__ import annotations

__all__ = ["in_one_market", "market_labels", "market_periods"]

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components


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


def market_periods(
    stays: pd.DataFrame,
    market: npt.NDArray[np.bool_],
    t: npt.NDArray[np.float64],
    merge_gap_s: float,
) -> list[list[int]]:
    """Runs of consecutive market stays (``market``), close in time."""
    first = stays["first_fix"].to_numpy()
    last = stays["last_fix"].to_numpy()
    periods: list[list[int]] = []
    for i in np.flatnonzero(market):
        if periods and periods[-1][-1] == i - 1 and t[first[i]] - t[last[i - 1]] <= merge_gap_s:
            periods[-1].append(int(i))
        else:
            periods.append([int(i)])
    return periods
