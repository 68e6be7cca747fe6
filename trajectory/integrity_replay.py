"""Replayed tracks: a day's fixes that repeat another day's, shifted in time.

Each day keeps a compact :class:`TrackFingerprint`: its first fix of every minute
(time to the second, position to 1e-6 degree, 0.11 m), about 3-5 KB compressed for a
working day.  :func:`find_replays` compares today's cleaned fixes against other
days' fingerprints: candidate shifts come from near-identical positions of the two
days' per-minute fixes, then today's track is interpolated at every fingerprint
time plus the shift (1 s steps around the candidate) and the share of fingerprint
fixes it meets within :data:`MATCH_M` is measured.  Exact copies, copies with
sub-metre jitter, an extra shift of minutes and thinned copies all meet nearly every
fix; two honest days on the same route do not (independent GPS noise of 5-40 m puts
fewer than one fix in ten within 2.5 m even at the same store, and the drives never
line up to the metre).
"""

from __future__ import annotations

__all__ = ["MATCH_M", "ReplayMatch", "TrackFingerprint", "build_fingerprint", "find_replays"]

import datetime as dt
import struct
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from trajectory.errors import InputError
from trajectory.geodesy import LocalProjection

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: A fingerprint fix "met" by today's track within this distance (m).
MATCH_M = 2.5
#: Candidate pairs of per-minute fixes closer than this (m).
_PAIR_M = 5.0
#: Share of the overlapping fingerprint fixes met, and the least count, to flag.
MIN_SHARE = 0.25
MIN_MATCHED = 20
#: Matched fixes of the other day's drives (>= 2 m/s) needed: a copy repeats the drives.
MIN_MOVING = 5
#: Today's fixes bracketing an interpolation no further apart than this (s).
_MAX_BRACKET_S = 120.0
_HEADER = struct.Struct("<4siiq")
_MAGIC = b"TCF1"


@dataclass(frozen=True, eq=False)
class TrackFingerprint:
    """A day's first fix of every minute: ``t_s`` (epoch s), ``lat_e6``/``lon_e6`` (1e-6 deg)."""

    date: dt.date
    t_s: I64
    lat_e6: npt.NDArray[np.int32]
    lon_e6: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.t_s)

    def to_bytes(self) -> bytes:
        """zlib-compressed deltas; :meth:`from_bytes` reads them back exactly."""
        n = len(self.t_s)
        base = int(self.t_s[0]) if n else 0
        head = _HEADER.pack(_MAGIC, self.date.toordinal(), n, base)
        cols = [
            np.diff(self.t_s, prepend=base),
            np.diff(self.lat_e6, prepend=0),
            np.diff(self.lon_e6, prepend=0),
        ]
        body = np.concatenate([np.asarray(c, dtype="<i4") for c in cols]).tobytes()
        return head + zlib.compress(body, 6)

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "<fingerprint>") -> TrackFingerprint:
        """The fingerprint :meth:`to_bytes` wrote; ``InputError`` naming ``source`` if not one."""
        try:
            magic, ordinal, n, base = _HEADER.unpack_from(data)
            body = np.frombuffer(zlib.decompress(data[_HEADER.size :]), dtype="<i4")
        except (struct.error, zlib.error) as exc:
            raise InputError(
                source, None, "fingerprint", f"not a track fingerprint: {exc}"
            ) from exc
        if magic != _MAGIC or len(body) != 3 * n:
            raise InputError(source, None, "fingerprint", "not a track fingerprint")
        cols = body.reshape(3, n).astype(np.int64)
        return cls(
            dt.date.fromordinal(ordinal),
            np.cumsum(cols[0]) + base,
            np.cumsum(cols[1]).astype(np.int32),
            np.cumsum(cols[2]).astype(np.int32),
        )


@dataclass(frozen=True)
class ReplayMatch:
    """Today's window that repeats ``other_date``'s fixes shifted by ``shift_s``."""

    other_date: dt.date
    shift_s: int
    start_s: float
    end_s: float
    share: float
    matched: int


def build_fingerprint(t_s: F64, lat: F64, lon: F64, date: dt.date) -> TrackFingerprint:
    """The first fix of every minute of time-sorted fixes (``t_s`` epoch seconds)."""
    sec = np.floor(np.asarray(t_s, dtype=np.float64)).astype(np.int64)
    minute = sec // 60
    keep = np.r_[True, minute[1:] != minute[:-1]] if len(sec) else np.zeros(0, bool)
    return TrackFingerprint(
        date,
        sec[keep],
        np.round(np.asarray(lat)[keep] * 1e6).astype(np.int32),
        np.round(np.asarray(lon)[keep] * 1e6).astype(np.int32),
    )


def find_replays(
    t_s: F64, lat: F64, lon: F64, today: TrackFingerprint, others: list[TrackFingerprint]
) -> list[ReplayMatch]:
    """The other days whose fixes today's track (time-sorted, cleaned) repeats."""
    others = [fp for fp in others if fp.date != today.date and len(fp) >= MIN_MATCHED]
    if len(t_s) < MIN_MATCHED or len(today) < MIN_MATCHED or not others:
        return []  # nothing to compare: no projection, no tree
    proj = LocalProjection.around(lat, lon)
    x, y = proj.forward(lat, lon)
    tx, ty = proj.forward(today.lat_e6 / 1e6, today.lon_e6 / 1e6)
    tree = cKDTree(np.column_stack([tx, ty]))
    found = []
    for fp in others:
        fx, fy = proj.forward(fp.lat_e6 / 1e6, fp.lon_e6 / 1e6)
        match = _best_shift(t_s, x, y, fp, fx, fy, tree, today.t_s)
        if match is not None:
            found.append(match)
    return found


def _best_shift(
    t_s: F64, x: F64, y: F64, fp: TrackFingerprint, fx: F64, fy: F64, tree: cKDTree, today_t: I64
) -> ReplayMatch | None:
    """The shift under which today's track meets most of ``fp``'s fixes, if it flags."""
    pairs = tree.sparse_distance_matrix(
        cKDTree(np.column_stack([fx, fy])), _PAIR_M, output_type="ndarray"
    )
    if len(pairs) < MIN_MATCHED:
        return None
    shifts = today_t[pairs["i"]] - fp.t_s[pairs["j"]]
    bins, counts = np.unique(np.round(shifts / 60.0).astype(np.int64), return_counts=True)
    best: tuple[float, int, npt.NDArray[np.bool_], int] | None = None
    top = np.argsort(counts)[::-1][:3]
    # a copy pairs most per-minute fixes under one shift; honest days spread their pairs
    for b in bins[top[counts[top] >= MIN_MATCHED // 2]]:
        coarse = b * 60 + np.arange(-90, 91, 5, dtype=np.int64)  # then 1 s around the best
        _, _, _, k = _meet(t_s, x, y, fp.t_s, fx, fy, coarse)
        cand = coarse[k] + np.arange(-6, 7, dtype=np.int64)
        share, met, valid, k = _meet(t_s, x, y, fp.t_s, fx, fy, cand)
        if valid.sum() and (best is None or share > best[0]):
            best = (share, int(cand[k]), met, int(valid.sum()))
    if best is None:
        return None
    share, shift, met, _ = best
    moving = _moving(fp.t_s, fx, fy)
    if share < MIN_SHARE or met.sum() < MIN_MATCHED or (met & moving).sum() < MIN_MOVING:
        return None
    when = fp.t_s[met] + shift
    return ReplayMatch(fp.date, shift, float(when.min()), float(when.max()), share, int(met.sum()))


def _meet(
    t_s: F64, x: F64, y: F64, ft: I64, fx: F64, fy: F64, cand: I64
) -> tuple[float, npt.NDArray[np.bool_], npt.NDArray[np.bool_], int]:
    """For each candidate shift, the fingerprint fixes met; the best shift's share."""
    q = (ft[None, :] + cand[:, None]).astype(np.float64)
    idx = np.searchsorted(t_s, q)
    inside = (idx > 0) & (idx < len(t_s))
    lo = np.clip(idx - 1, 0, len(t_s) - 1)
    hi = np.clip(idx, 0, len(t_s) - 1)
    exact = t_s[lo] == q
    valid = inside & ((t_s[hi] - t_s[lo] <= _MAX_BRACKET_S) | exact)
    d = np.hypot(np.interp(q, t_s, x) - fx[None, :], np.interp(q, t_s, y) - fy[None, :])
    met = valid & (d <= MATCH_M)
    shares = met.sum(axis=1) / np.maximum(valid.sum(axis=1), 1)
    k = int(np.argmax(shares))
    return float(shares[k]), met[k], valid[k], k


def _moving(t: I64, x: F64, y: F64) -> npt.NDArray[np.bool_]:
    """Fingerprint fixes on a drive: >= 2 m/s to the next fix (within 3 min)."""
    dt_s = np.diff(t).astype(np.float64)
    v = np.hypot(np.diff(x), np.diff(y)) / np.maximum(dt_s, 1.0)
    moving: npt.NDArray[np.bool_] = np.r_[(v >= 2.0) & (dt_s <= 180.0), False]
    return moving
