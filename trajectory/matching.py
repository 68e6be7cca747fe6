"""Matching stays to the day's on-site task stores.

A one-to-one assignment (Hungarian, ``scipy.optimize.linear_sum_assignment``)
minimises the total stay-store distance within a distance gate; when
distances tie, a tiny cost on the difference between visit order and task
order breaks the tie in favour of the order the manager most likely kept.
A stay left over after the assignment that lies within the gate of a store
is a revisit of the nearest such store.  Stays at exempt places (office,
warehouse, home) are labelled and never matched.  Phone and chat tasks are
never expected on the track and are not passed in here.
"""

from __future__ import annotations

__all__ = ["MATCH_COLUMNS", "match_columns", "match_stores"]

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from trajectory._frames import Columns, columns_of, with_columns
from trajectory.config import ExemptPlace
from trajectory.footprints import store_distances
from trajectory.geodesy import haversine_m
from trajectory.markets import AMBIGUOUS_NATS

#: Columns :func:`match_stores` adds to the stay table.
MATCH_COLUMNS: tuple[str, ...] = (
    "store_id",
    "distance_m",
    "revisit",
    "exempt",
    "ambiguous_store_ids",
    "confidence",
)
_ORDER_TIE_BREAK_M = 0.01
_UNREACHABLE = 1e12
#: The widest extension of the gate for a stay left unmatched (share of the radius).
WIDE_GATE_SHARE = 0.5


def match_stores(
    stays: pd.DataFrame,
    stores: pd.DataFrame,
    *,
    radius_m: float = 100.0,
    exempt_places: Sequence[ExemptPlace] = (),
) -> pd.DataFrame:
    """Assign each stay to at most one on-site task store.

    Parameters
    ----------
    stays
        Stay table (``stay_id``, ``lat``, ``lon``, ``spread_m``, ``duration_s``,
        ``n_points``) in time order.  Not modified.
    stores
        On-site task stores (``store_id``, ``seq``, ``lat``, ``lon``), WGS-84.
    radius_m
        Largest stay-store distance (m) that can match.
    exempt_places
        Places (WGS-84) whose stays are expected and are never matched to a store.

    Returns
    -------
    pandas.DataFrame
        A copy of ``stays`` with :data:`MATCH_COLUMNS`: the matched ``store_id``
        (None when unmatched), ``distance_m`` to it, ``revisit`` (a second or
        later stay at that store), ``exempt`` (the exempt place's name or None),
        ``ambiguous_store_ids`` (other task stores the GPS cannot tell apart from
        the matched one) and ``confidence`` in [0, 1] of the match.
    """
    cols = match_columns(columns_of(stays), stores, radius_m, exempt_places)
    return with_columns(stays, cols)


def match_columns(
    stays: Columns, stores: pd.DataFrame, radius_m: float, exempt_places: Sequence[ExemptPlace]
) -> Columns:
    """:data:`MATCH_COLUMNS` of :func:`match_stores` for a stay table given as
    :data:`~trajectory._frames.Columns` (``verify_day``'s hot path)."""
    n, m = len(stays["lat"]), len(stores)
    cols = _empty_columns(n)
    if n == 0:
        return cols
    slat = np.asarray(stays["lat"], dtype=np.float64)
    slon = np.asarray(stays["lon"], dtype=np.float64)
    cols["exempt"] = _exempt_labels(slat, slon, exempt_places, cols["exempt"])
    cols["exempt"] = _stores_first(slat, slon, stores, exempt_places, radius_m, cols["exempt"])
    candidates = np.flatnonzero(cols["exempt"] == None)  # noqa: E711
    if m == 0 or candidates.size == 0:
        return cols
    dist = store_distances(slat[candidates], slon[candidates], stores)  # footprints: 0 inside
    store_ids = stores["store_id"].astype(str).to_numpy(dtype=object)
    matched_store = _preassigned(stays, candidates, store_ids)
    _assign_free(dist, stores, matched_store, radius_m)
    revisit = _revisits(dist, matched_store, radius_m)
    spread = np.asarray(stays["spread_m"], dtype=np.float64)[candidates]
    _assign_free(dist, stores, matched_store, _wide_gate(spread, radius_m))
    ids, dists, amb, conf = _describe(stays, candidates, matched_store, dist, store_ids, radius_m)
    cols["store_id"][candidates] = ids
    cols["distance_m"][candidates] = dists
    cols["revisit"][candidates] = revisit
    for k, c in enumerate(candidates):
        cols["ambiguous_store_ids"][c] = amb[k]
    cols["confidence"][candidates] = conf
    return cols


def _empty_columns(n: int) -> dict[str, np.ndarray]:
    """:data:`MATCH_COLUMNS` of ``n`` stays matched to nothing, in that order."""
    col_amb = np.empty(n, dtype=object)
    col_amb[:] = [[] for _ in range(n)]
    return {
        "store_id": np.full(n, None, dtype=object),
        "distance_m": np.full(n, np.nan),
        "revisit": np.zeros(n, dtype=bool),
        "exempt": np.full(n, None, dtype=object),
        "ambiguous_store_ids": col_amb,
        "confidence": np.full(n, np.nan),
    }


def _exempt_labels(
    slat: np.ndarray, slon: np.ndarray, places: Sequence[ExemptPlace], exempt: np.ndarray
) -> np.ndarray:
    """The name of the first exempt place within whose radius each stay lies, else None."""
    for place in places:
        d = haversine_m(slat, slon, place.lat, place.lon)
        exempt = np.where((exempt == None) & (d <= place.radius_m), place.name, exempt)  # noqa: E711
    return exempt


def _stores_first(
    slat: np.ndarray,
    slon: np.ndarray,
    stores: pd.DataFrame,
    places: Sequence[ExemptPlace],
    radius_m: float,
    exempt: np.ndarray,
) -> np.ndarray:
    """``exempt`` cleared for the stays at a task store inside their exempt place (within
    ``radius_m`` of it and nearer to it than to the place's centre): a task store inside
    an exempt place is a store first, and the place's own stays stay exempt."""
    if stores.empty or not places:
        return exempt
    tlat = stores["lat"].to_numpy(dtype=np.float64)
    tlon = stores["lon"].to_numpy(dtype=np.float64)
    out = exempt.copy()
    for place in places:
        inside = np.atleast_1d(haversine_m(tlat, tlon, place.lat, place.lon)) <= place.radius_m
        if not inside.any():
            continue
        d = haversine_m(slat[:, None], slon[:, None], tlat[inside][None, :], tlon[inside][None, :])
        d_store = np.asarray(d).min(axis=1)
        d_centre = np.atleast_1d(haversine_m(slat, slon, place.lat, place.lon))
        at_store = (exempt == place.name) & (d_store <= radius_m) & (d_store < d_centre)
        out[at_store] = None
    return out


def _preassigned(stays: Columns, candidates: np.ndarray, store_ids: np.ndarray) -> np.ndarray:
    """Per candidate stay, the store it already knows (market visits know their stall:
    ``state_store_id`` from ``trajectory.markets``), else -1."""
    matched_store = np.full(candidates.size, -1, dtype=np.int64)
    if "state_store_id" in stays:
        state = np.asarray(stays["state_store_id"], dtype=object)[candidates]
        index = {sid: j for j, sid in enumerate(store_ids)}
        for k, sid in enumerate(state):
            if (
                sid is not None
                and not (isinstance(sid, float) and np.isnan(sid))
                and str(sid) in index
            ):
                matched_store[k] = index[str(sid)]
    return matched_store


def _assign_free(
    dist: np.ndarray,
    stores: pd.DataFrame,
    matched_store: np.ndarray,
    gate_m: float | np.ndarray,
) -> None:
    """One-to-one assignment of the stays and stores still free (in ``matched_store``,
    in place) within ``gate_m``: one distance, or one per stay (row of ``dist``)."""
    m = len(stores)
    free_stays = np.flatnonzero(matched_store < 0)
    free_stores = np.setdiff1d(np.arange(m), matched_store[matched_store >= 0])
    if free_stays.size and free_stores.size:
        sub = dist[np.ix_(free_stays, free_stores)]
        gate = np.broadcast_to(np.asarray(gate_m, dtype=np.float64), (dist.shape[0],))
        store_rank = stores["seq"].rank(method="first").to_numpy()[free_stores] - 1
        stay_rank = np.arange(free_stays.size) * (free_stores.size / max(free_stays.size, 1))
        order_gap = np.abs(stay_rank[:, None] - store_rank[None, :])
        cost = np.where(
            sub <= gate[free_stays, None], sub + _ORDER_TIE_BREAK_M * order_gap, _UNREACHABLE
        )
        rows, cols = linear_sum_assignment(cost)
        ok = cost[rows, cols] < _UNREACHABLE
        matched_store[free_stays[rows[ok]]] = free_stores[cols[ok]]


def _wide_gate(spread: np.ndarray, radius_m: float) -> np.ndarray:
    """Per stay: the gate for stays left unmatched and stores still unvisited, widened by
    the stay's spread (at most :data:`WIDE_GATE_SHARE` of ``radius_m``): indoor drift can
    carry a long visit's fixes, and their centre, past the gate."""
    return np.asarray(radius_m + np.minimum(np.nan_to_num(spread), WIDE_GATE_SHARE * radius_m))


def _revisits(dist: np.ndarray, matched_store: np.ndarray, radius_m: float) -> np.ndarray:
    """Match leftover stays within the gate of a store to the nearest one (in place);
    flag every stay at a store but the earliest as a revisit."""
    left = np.flatnonzero(matched_store < 0)
    in_gate = dist[left] <= radius_m
    has = in_gate.any(axis=1)
    nearest = np.argmin(np.where(in_gate, dist[left], np.inf), axis=1)
    matched_store[left[has]] = nearest[has]
    revisit = np.zeros(matched_store.size, dtype=bool)
    for s in np.unique(matched_store[matched_store >= 0]):
        at = np.flatnonzero(matched_store == s)
        revisit[at[1:]] = True
    return revisit


def _describe(
    stays: Columns,
    candidates: np.ndarray,
    matched_store: np.ndarray,
    dist: np.ndarray,
    store_ids: np.ndarray,
    radius_m: float,
) -> tuple[list[str | None], list[float], list[list[str]], list[float]]:
    """Per candidate stay: matched store id, distance, stores the GPS cannot tell apart
    from it, and the match's confidence."""
    alt = (
        np.asarray(stays["alt_store_ids"], dtype=object)[candidates]
        if "alt_store_ids" in stays
        else np.full(candidates.size, None, dtype=object)
    )
    margin_nats = (
        np.asarray(stays["margin_nats"], dtype=np.float64)[candidates]
        if "margin_nats" in stays
        else np.full(candidates.size, np.nan)
    )
    spread = np.asarray(stays["spread_m"], dtype=np.float64)[candidates]
    duration = np.asarray(stays["duration_s"], dtype=np.float64)[candidates]
    # How well the stay's centre is known: spread over sqrt(independent fixes),
    # taking GPS errors to decorrelate over about a minute.
    n_eff = np.clip(duration / 60.0, 1.0, None)
    centre_sigma = np.maximum(spread / np.sqrt(n_eff), 5.0)
    ids: list[str | None] = []
    dists: list[float] = []
    amb: list[list[str]] = []
    conf: list[float] = []
    for k in range(candidates.size):
        s = matched_store[k]
        if s < 0:
            ids.append(None)
            dists.append(np.nan)
            amb.append([])
            conf.append(np.nan)
            continue
        d_best = dist[k, s]
        ids.append(store_ids[s])
        dists.append(float(d_best))
        if np.isfinite(margin_nats[k]):  # a market visit: evidence from the re-segmentation
            amb.append([str(a) for a in alt[k]] if isinstance(alt[k], list) else [])
            conf.append(float(1.0 - 0.5 * np.exp(-max(margin_nats[k], 0.0) / AMBIGUOUS_NATS)))
            continue
        others, c = _neighbours(dist[k], s, 2.0 * centre_sigma[k], radius_m)
        near = [store_ids[o] for o in others]
        # an ordinary stay whose phone walked as far as next door (trajectory.neighbours)
        walked = [str(a) for a in alt[k]] if isinstance(alt[k], list) else []
        amb.append(near + [a for a in walked if a != store_ids[s] and a not in near])
        conf.append(c)
    return ids, dists, amb, conf


def _neighbours(
    dist_k: np.ndarray, s: int, margin: float, radius_m: float
) -> tuple[np.ndarray, float]:
    """Stores within ``margin`` of the matched store ``s``'s distance (and the gate), and
    the match's confidence: the distance gap to the nearest of them, or to the gate."""
    d_best = dist_k[s]
    others = np.flatnonzero((dist_k - d_best < margin) & (dist_k <= radius_m))
    others = others[others != s]
    gap = float(np.min(dist_k[others]) - d_best) if others.size else margin
    conf = (
        float(np.clip(0.5 + 0.5 * gap / margin, 0.0, 1.0))
        if others.size
        else float(np.clip(1.0 - d_best / (2 * radius_m), 0.5, 1.0))
    )
    return others, conf
