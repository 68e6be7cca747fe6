"""Scoring detected stays and verdicts against ground truth.

Used by the accuracy benchmark (``benchmarks/accuracy.py``) and the accuracy
regression tests: both generated days (``trajectory.testing.scenarios``) and real
traces with diary-labelled stops are scored the same way.
"""

from __future__ import annotations

__all__ = [
    "IntervalScore",
    "nearby_store_score",
    "score_intervals",
    "score_verdicts",
    "summarise",
    "timing_errors",
    "verify_generated",
]

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import linear_sum_assignment

from trajectory.config import config_from_mapping
from trajectory.pipeline import verify_day
from trajectory.result import DayResult
from trajectory.testing.scenarios import SimulatedDay


@dataclass(frozen=True)
class IntervalScore:
    """Detected stays vs true stops on one day.

    A detected stay and a true stop match when their time intervals overlap; the
    pairing is one-to-one and maximises total overlap.  ``split`` counts true
    stops overlapped by two or more detected stays; ``merged`` detected stays
    overlapping two or more true stops.
    """

    true: int
    detected: int
    matched: int
    split: int
    merged: int
    arrival_err_s: list[float] = field(default_factory=list)
    departure_err_s: list[float] = field(default_factory=list)

    @property
    def exact_count(self) -> bool:
        return self.true == self.detected


def score_intervals(
    true_start: npt.ArrayLike,
    true_end: npt.ArrayLike,
    det_start: npt.ArrayLike,
    det_end: npt.ArrayLike,
) -> IntervalScore:
    """Score detected [start, end] intervals (epoch seconds) against true ones."""
    ts, te = np.asarray(true_start, dtype=float), np.asarray(true_end, dtype=float)
    ds, de = np.asarray(det_start, dtype=float), np.asarray(det_end, dtype=float)
    if ts.size == 0 or ds.size == 0:
        return IntervalScore(int(ts.size), int(ds.size), 0, 0, 0)
    overlap = np.minimum(te[:, None], de[None, :]) - np.maximum(ts[:, None], ds[None, :])
    hits = overlap > 0
    rows, cols = linear_sum_assignment(-np.where(hits, overlap, 0.0))
    ok = hits[rows, cols]
    rows, cols = rows[ok], cols[ok]
    return IntervalScore(
        true=int(ts.size),
        detected=int(ds.size),
        matched=int(rows.size),
        split=int((hits.sum(axis=1) >= 2).sum()),
        merged=int((hits.sum(axis=0) >= 2).sum()),
        arrival_err_s=(ds[cols] - ts[rows]).tolist(),
        departure_err_s=(de[cols] - te[rows]).tolist(),
    )


def score_verdicts(result: dict[str, Any], expected: dict[str, bool]) -> dict[str, str]:
    """Per check: ``right``, ``wrong`` or ``inconclusive`` against the expected pass/fail."""
    out = {}
    for name, want in expected.items():
        check = result["checks"][name]
        if check.get("status") == "inconclusive":
            out[name] = "inconclusive"
        else:
            out[name] = "right" if bool(check["passed"]) == bool(want) else "wrong"
    return out


def summarise(scores: list[IntervalScore]) -> dict[str, float]:
    """Precision, recall, F1, split/missed counts, exact-count share and timing errors."""
    true = sum(s.true for s in scores)
    det = sum(s.detected for s in scores)
    matched = sum(s.matched for s in scores)
    precision = matched / det if det else 1.0
    recall = matched / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    arr = (
        np.abs(np.concatenate([np.asarray(s.arrival_err_s) for s in scores]))
        if scores
        else np.zeros(0)
    )
    dep = (
        np.abs(np.concatenate([np.asarray(s.departure_err_s) for s in scores]))
        if scores
        else np.zeros(0)
    )
    return {
        "days": len(scores),
        "true": true,
        "detected": det,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "split": sum(s.split for s in scores),
        "missed": true - matched,
        "exact_days": sum(s.exact_count for s in scores) / len(scores) if scores else 1.0,
        "arrival_p50_s": float(np.median(arr)) if arr.size else float("nan"),
        "arrival_p90_s": float(np.percentile(arr, 90)) if arr.size else float("nan"),
        "departure_p50_s": float(np.median(dep)) if dep.size else float("nan"),
        "departure_p90_s": float(np.percentile(dep, 90)) if dep.size else float("nan"),
    }


def nearby_store_score(
    day: SimulatedDay, result: DayResult, *, within_m: float = 150.0
) -> IntervalScore:
    """Stays vs true visits at ordinary stores with another on-site store within ``within_m``.

    ``split`` counts such visits cut into two or more stays, ``merged`` stays that
    cover two or more of them; a detected stay counts when it overlaps one of them.
    """
    tasks = day.tasks.loc[day.tasks["method"] == "onsite"]
    lat = np.radians(tasks["lat"].to_numpy(dtype=np.float64))
    lon = np.radians(tasks["lon"].to_numpy(dtype=np.float64))
    dx = (lon[:, None] - lon[None, :]) * np.cos(lat.mean()) * 6_371_000.0
    dy = (lat[:, None] - lat[None, :]) * 6_371_000.0
    d = np.hypot(dx, dy) + np.eye(lat.size) * 1e9
    near_ids = set(tasks["store_id"].to_numpy()[(d <= within_m).any(axis=1)].astype(str))
    v = day.visits.loc[day.visits["store_id"].astype(str).isin(near_ids)]
    ts = v["arrival_utc"].map(pd.Timestamp.timestamp).to_numpy(dtype=np.float64)
    te = v["departure_utc"].map(pd.Timestamp.timestamp).to_numpy(dtype=np.float64)
    ds = np.array([s.arrival.timestamp() for s in result.stay_points])
    de = np.array([s.departure.timestamp() for s in result.stay_points])
    touching = (
        (np.minimum(te[:, None], de[None, :]) > np.maximum(ts[:, None], ds[None, :])).any(axis=0)
        if ts.size and ds.size
        else np.zeros(ds.size, dtype=bool)
    )
    return score_intervals(ts, te, ds[touching], de[touching])


def timing_errors(day: SimulatedDay, result: DayResult) -> dict[str, list[float]]:
    """Arrival and departure errors (s, detected - true) of the stays paired with true
    visits (one-to-one, most overlap), split by whether the stay's end was observed or
    bridged: ``arrival_bridged`` when the GPS allows an arrival more than
    ``BRIDGE_GAP_S`` earlier (``arrival_earliest``), ``departure_bridged`` likewise
    (``departure_latest``)."""
    out: dict[str, list[float]] = {
        f"{end}_{kind}": [] for end in ("arrival", "departure") for kind in ("observed", "bridged")
    }
    stays = result.stay_points
    if not stays or day.visits.empty:
        return out
    ts = day.visits["arrival_utc"].map(pd.Timestamp.timestamp).to_numpy(dtype=np.float64)
    te = day.visits["departure_utc"].map(pd.Timestamp.timestamp).to_numpy(dtype=np.float64)
    ds = np.array([s.arrival.timestamp() for s in stays])
    de = np.array([s.departure.timestamp() for s in stays])
    overlap = np.minimum(te[:, None], de[None, :]) - np.maximum(ts[:, None], ds[None, :])
    rows, cols = linear_sum_assignment(-np.where(overlap > 0, overlap, 0.0))
    for r, c in zip(rows, cols, strict=True):
        if overlap[r, c] <= 0:
            continue
        a = "bridged" if stays[c].arrival_earliest is not None else "observed"
        d = "bridged" if stays[c].departure_latest is not None else "observed"
        out[f"arrival_{a}"].append(float(ds[c] - ts[r]))
        out[f"departure_{d}"].append(float(de[c] - te[r]))
    return out


def verify_generated(day: SimulatedDay) -> DayResult:
    """Verify a generated day with its own configuration and coordinate systems."""
    return verify_day(
        day.track,
        day.tasks,
        config_from_mapping(day.config) if day.config else None,
        track_crs=day.track_crs,
        store_crs=day.store_crs,
    )
