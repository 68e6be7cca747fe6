"""Ordinary stores a few dozen metres apart: one stay split only where the track moved.

Two ordinary stores (no ``market_id``) 55-120 m apart are further apart than the
stay radius, so the stay scan usually ends one visit and starts the next; when
it does not (noisy fixes indoors, a short walk next door), one stay covers both
visits.  Such a stay is split only where the track supports it: a move from one
place to another and a dwell at each.  The fixes' 30 s medians are cut where a
change of mean position explains them best (least squares, binary segmentation;
each part at least :data:`MIN_PART_STAYS` minimum stays: a visit next door
lasting barely the minimum stay is not told from indoor noise on real GeoLife
days), and the cut stands only when

* it explains the positions better than one place by at least
  :data:`MIN_GAIN_NATS` (Gaussian, the phone's noise level);
* the parts' medians moved along the line between two of the nearby stores by at
  least :data:`MIN_MOVE_FRACTION` of their distance (listed coordinates are off
  by tens of metres, so the move is measured between the parts, not against the
  stores: which part is at which store is left to the matching);
* no part comes back to where an earlier part was: noise that wanders between
  two nearby stores alternates, a manager who goes next door does not;
* each part lies nearest a store of its own, and each move covers at least
  :data:`MIN_MOVE_FRACTION` of the way from the one store to the next (on real
  GeoLife days with every stay a task store, this halves the stays split).

References
----------
Killick, R., Fearnhead, P. and Eckley, I. A. (2012). Optimal detection of
changepoints with a linear computational cost. JASA 107(500).
"""

from __future__ import annotations

__all__ = [
    "MIN_GAIN_NATS",
    "MIN_MOVE_FRACTION",
    "MIN_PART_STAYS",
    "split_between_stores",
    "split_with_doubt",
    "walked_maybe_next_door",
]

import itertools

import numpy as np
import numpy.typing as npt

from trajectory.market_stalls import (
    BIN_S,
    ERROR_CORRELATION_S,
    STORE_SIGMA_M,
    _noise_sigma,
)
from trajectory.market_walks import READING_S, trusted_walk_fixes

#: The parts' medians must move along a store pair's line by this share of its length.
MIN_MOVE_FRACTION = 0.5
#: A cut must explain the positions better than one place by this much (nats).
MIN_GAIN_NATS = 20.0
#: Each part lasts at least this many minimum stays.
MIN_PART_STAYS = 2.0
#: At most this many parts per stay.
MAX_PARTS = 3

Floats = npt.NDArray[np.float64]


def split_between_stores(
    t: Floats,
    x: Floats,
    y: Floats,
    acc: Floats,
    sx: Floats,
    sy: Floats,
    *,
    min_stay_s: float,
    speed: Floats | None = None,
) -> list[tuple[int, int]]:
    """The parts of one stay near two or more ordinary stores.

    Parameters
    ----------
    t, x, y, acc
        The stay's fixes: seconds, local metres, reported accuracy (m, NaN when none).
    sx, sy
        The nearby stores in the same local metres.
    min_stay_s
        The minimum stay (s); each part lasts :data:`MIN_PART_STAYS` of them.
    speed
        The phone's reported speed (m/s, NaN when none): where it shows a walk from
        one store to another (:func:`walked_between_stores`), that is the split.

    Returns
    -------
    list of (first, last)
        Fix indexes (relative to the stay, inclusive) of each part in time order;
        the one part ``(0, n - 1)`` when the track does not support a split.
    """
    return split_with_doubt(t, x, y, acc, sx, sy, min_stay_s=min_stay_s, speed=speed)[0]


def split_with_doubt(
    t: Floats,
    x: Floats,
    y: Floats,
    acc: Floats,
    sx: Floats,
    sy: Floats,
    *,
    min_stay_s: float,
    speed: Floats | None = None,
) -> tuple[list[tuple[int, int]], bool]:
    """:func:`split_between_stores`' parts and, when they are one, whether the phone
    walked as far as next door (:func:`walked_maybe_next_door`), from one look at the
    walks."""
    whole = [(0, int(t.size) - 1)]
    walked, doubt = (
        _walked_parts(t, x, y, speed, sx, sy, min_stay_s) if speed is not None else ([], False)
    )
    if len(walked) > 1:
        return walked, False
    if t.size < 4 or sx.size < 2 or t[-1] - t[0] < 2 * MIN_PART_STAYS * min_stay_s:
        return whole, doubt
    bins = np.floor((t - t[0]) / BIN_S).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, np.diff(bins) > 0])
    ends = np.r_[starts[1:], t.size]
    b = _Bins(
        np.array([np.median(x[i:j]) for i, j in zip(starts, ends, strict=True)]),
        np.array([np.median(y[i:j]) for i, j in zip(starts, ends, strict=True)]),
        t[starts],
        t[ends - 1],
        sx,
        sy,
    )
    sigma = _noise_sigma(acc, x, y)
    scale = min(1.0, BIN_S / ERROR_CORRELATION_S) / (2.0 * (sigma**2 + STORE_SIGMA_M**2))
    shortest = MIN_PART_STAYS * min_stay_s
    # a return means noise alternating between the stores: no split; two parts at one
    # store mean a weak extra cut, which must not veto the strong one: fewer parts
    for parts in range(min(MAX_PARTS, int(sx.size)), 1, -1):
        edges = [0, *b.segment(0, starts.size, scale, shortest, parts), starts.size]
        if len(edges) == 2 or not b.no_return(edges):
            return whole, doubt
        if b.at_distinct_stores(edges):
            cuts = [(int(starts[i]), int(ends[j - 1] - 1)) for i, j in itertools.pairwise(edges)]
            return cuts, False
    return whole, doubt


class _Bins:
    """The 30 s medians of one stay (``bx``, ``by``), their first and last fix times,
    and the nearby stores (``sx``, ``sy``)."""

    def __init__(
        self, bx: Floats, by: Floats, t_first: Floats, t_last: Floats, sx: Floats, sy: Floats
    ) -> None:
        self.bx, self.by, self.sx, self.sy = bx, by, sx, sy
        self.t_first, self.t_last = t_first, t_last
        self.cx = np.r_[0.0, np.cumsum(bx)]
        self.cy = np.r_[0.0, np.cumsum(by)]
        self.cq = np.r_[0.0, np.cumsum(bx * bx + by * by)]

    def sse(self, lo: npt.ArrayLike, hi: npt.ArrayLike) -> Floats:
        """Squared distances of bins [lo, hi) to their mean (vectorised over lo/hi)."""
        lo_a, hi_a = np.asarray(lo), np.asarray(hi)
        n = (hi_a - lo_a).astype(np.float64)
        sx = self.cx[hi_a] - self.cx[lo_a]
        sy = self.cy[hi_a] - self.cy[lo_a]
        return np.asarray(self.cq[hi_a] - self.cq[lo_a] - (sx * sx + sy * sy) / n)

    def segment(self, lo: int, hi: int, scale: float, min_stay_s: float, parts: int) -> list[int]:
        """Cuts of bins [lo, hi) into at most ``parts`` parts (binary segmentation)."""
        if parts < 2:
            return []
        k = np.arange(lo + 1, hi)
        ok = (self.t_last[k - 1] - self.t_first[lo] >= min_stay_s) & (
            self.t_last[hi - 1] - self.t_first[k] >= min_stay_s
        )
        if not ok.any():
            return []
        k = k[ok]
        gain = scale * (self.sse(lo, hi) - self.sse(lo, k) - self.sse(k, hi))
        best = int(np.argmax(gain))
        cut = int(k[best])
        if gain[best] < MIN_GAIN_NATS or not self.moved(lo, cut, hi):
            return []
        left = self.segment(lo, cut, scale, min_stay_s, parts - 1)
        right = self.segment(cut, hi, scale, min_stay_s, parts - 1 - len(left))
        return [*left, cut, *right]

    def median(self, lo: int, hi: int) -> tuple[float, float]:
        return float(np.median(self.bx[lo:hi])), float(np.median(self.by[lo:hi]))

    def moved(self, lo: int, cut: int, hi: int) -> bool:
        """The medians of [lo, cut) and [cut, hi) moved along some store pair's line by at
        least :data:`MIN_MOVE_FRACTION` of the pair's distance."""
        (ax, ay), (bx, by) = self.median(lo, cut), self.median(cut, hi)
        return bool(_moved_along_pairs(bx - ax, by - ay, self.sx, self.sy).any())

    def at_distinct_stores(self, edges: list[int]) -> bool:
        """Each part nearest a store of its own, and each move from one part to the next
        covers at least :data:`MIN_MOVE_FRACTION` of the way between their stores."""
        med = np.array([self.median(i, j) for i, j in itertools.pairwise(edges)])
        d = np.hypot(med[:, 0, None] - self.sx[None, :], med[:, 1, None] - self.sy[None, :])
        store = np.argmin(d, axis=1)
        if np.unique(store).size < store.size:
            return False
        ux, uy = np.diff(self.sx[store]), np.diff(self.sy[store])
        apart = np.hypot(ux, uy)
        along = (np.diff(med[:, 0]) * ux + np.diff(med[:, 1]) * uy) / apart
        return bool(np.all(along >= MIN_MOVE_FRACTION * apart))

    def no_return(self, edges: list[int]) -> bool:
        """No part's median within half the closest store spacing of another part's."""
        med = np.array([self.median(i, j) for i, j in itertools.pairwise(edges)])
        d = np.hypot(med[:, None, 0] - med[None, :, 0], med[:, None, 1] - med[None, :, 1])
        apart = np.hypot(self.sx[:, None] - self.sx[None, :], self.sy[:, None] - self.sy[None, :])
        closest = float(apart[apart > 0].min()) if (apart > 0).any() else 0.0
        off_diag = ~np.eye(len(med), dtype=bool)
        return bool(np.all(d[off_diag] >= MIN_MOVE_FRACTION * closest))


def walked_between_stores(
    t: Floats, x: Floats, y: Floats, speed: Floats, sx: Floats, sy: Floats, min_stay_s: float
) -> list[tuple[int, int]]:
    """The parts of :func:`_walked_parts` (empty unless there are two or more)."""
    parts, _ = _walked_parts(t, x, y, speed, sx, sy, min_stay_s)
    return parts if len(parts) > 1 else []


def walked_maybe_next_door(
    t: Floats, x: Floats, y: Floats, speed: Floats, sx: Floats, sy: Floats, min_stay_s: float
) -> bool:
    """One stay the phone's speed shows walking from one dwell to another as far as the
    way between two of the nearby stores, the dwells' medians that far apart too, but
    not along any store pair's line: perhaps a visit next door, perhaps a walk inside the
    store, and the listed coordinates (tens of metres off) cannot say which.  The other
    stores are then ones the GPS cannot rule out."""
    _, doubt = _walked_parts(t, x, y, speed, sx, sy, min_stay_s)
    return doubt


def _walked_parts(
    t: Floats, x: Floats, y: Floats, speed: Floats, sx: Floats, sy: Floats, min_stay_s: float
) -> tuple[list[tuple[int, int]], bool]:
    """The dwells of one stay parted by walks the phone's speed shows
    (:func:`trajectory.market_walks.trusted_walk_fixes`) from one store to another.

    Each dwell lasts ``min_stay_s``; two dwells in a row are two visits when, for some
    pair of the nearby stores, both the walk (speed x time) and the move of the dwells'
    medians along the pair's line cover :data:`MIN_MOVE_FRACTION` of the way between
    them; otherwise they are one visit.  Returns the parts (empty when the speeds show
    no such walk, or walking most of the time: not Doppler speeds) and whether two
    dwells kept as one visit were parted by a walk and lie as far apart as that, in a
    direction no store pair confirms (:func:`walked_maybe_next_door`).
    """
    walking = trusted_walk_fixes(t, speed)[0]
    if not walking.any():
        return [], False
    edges = np.flatnonzero(np.diff(np.r_[True, walking, True].astype(np.int8)))
    dwells = [
        (int(a), int(b) - 1)
        for a, b in zip(edges[::2], edges[1::2], strict=True)
        if t[b - 1] - t[a] >= min_stay_s
    ]
    if len(dwells) < 2:
        return [], False
    dt = np.minimum(np.diff(t, append=t[-1]), READING_S)
    metres = np.r_[0.0, np.cumsum(np.where(walking & np.isfinite(speed), speed * dt, 0.0))]
    apart = np.hypot(sx[None, :] - sx[:, None], sy[None, :] - sy[:, None])
    parts = [dwells[0]]
    doubt = False
    for a, b in dwells[1:]:
        p0, p1 = parts[-1]
        dx = float(np.median(x[a : b + 1]) - np.median(x[p0 : p1 + 1]))
        dy = float(np.median(y[a : b + 1]) - np.median(y[p0 : p1 + 1]))
        walked = (metres[a] - metres[p1] >= MIN_MOVE_FRACTION * apart) & (apart > 0)
        if np.any(_moved_along_pairs(dx, dy, sx, sy) & walked):
            parts.append((a, b))
        else:  # back at the same store, or not far enough to be the next one
            parts[-1] = (p0, b)
            doubt |= bool(np.any(walked & (np.hypot(dx, dy) >= MIN_MOVE_FRACTION * apart)))
    return parts, doubt


def _moved_along_pairs(dx: float, dy: float, sx: Floats, sy: Floats) -> npt.NDArray[np.bool_]:
    """Per store pair (stores x stores): a move (``dx``, ``dy``) covers at least
    :data:`MIN_MOVE_FRACTION` of the way from the one store towards the other."""
    ux, uy = sx[None, :] - sx[:, None], sy[None, :] - sy[:, None]
    apart = np.hypot(ux, uy)
    along = (dx * ux + dy * uy) / np.where(apart > 0, apart, np.inf)
    return np.asarray((apart > 0) & (along >= MIN_MOVE_FRACTION * apart), dtype=bool)
