"""Claimed on-site visits against the GPS track: corroborated, contradicted or unknown.

The track is read from the day's stored verification result (``DayResult.to_dict``:
its stay points, task stores and cleaning counts), never recomputed.  For each
on-site marketing record:

* **corroborated**: a stay overlapping the slot is at the buyer: matched to the
  store whose id is the buyer's, or within the day's ``match_radius_m`` of the
  buyer's location;
* **doubtful**: the only stays at the buyer overlapping the slot are ones the track
  integrity analysis flagged (their ids in a flag's ``stay_ids``: a mock location, a
  teleport, a replayed or simulated track; issue 12): the track cannot vouch for them;
* **contradicted**: the track shows the manager elsewhere then: a stay
  overlapping the slot somewhere else, the buyer's task store ``not_visited``, or
  no stay at all although the slot lies inside the tracked part of the day (the
  manager was moving);
* **unknown**: no result or no GPS that day, a GPS gap where the visit could be
  (store ``unseen``), or a slot outside the tracked part of the day.
"""

from __future__ import annotations

__all__ = [
    "CORROBORATION",
    "corroborate",
    "days_from_results",
    "stays_from_results",
    "stores_from_results",
]

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from trajectory.geodesy import EARTH_RADIUS_M

CORROBORATION: tuple[str, ...] = ("corroborated", "doubtful", "contradicted", "unknown")
_STAY_COLS = ("manager_id", "date", "stay_id", "store_id", "lat", "lon", "arrival", "departure",
              "exempt", "flagged")  # fmt: skip


def days_from_results(bodies: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per result: ``manager_id, date, status``, the three check statuses,
    ``has_gps`` (kept fixes > 0), ``match_radius_m``, ``stays`` (not at exempt places)."""
    items = [dict(b) for b in bodies]
    checks = ("on_time_arrival", "trajectory_clear", "visit_count_match")
    frame = pd.DataFrame(
        {
            "manager_id": pd.Series([b["manager_id"] for b in items], dtype=object),
            "date": pd.to_datetime([b["date"] for b in items]).astype("datetime64[ns]"),
            # object columns even without results (an empty list would be float64)
            "status": pd.Series([b.get("status") for b in items], dtype=object),
            **{
                c: pd.Series([b["checks"].get(c, {}).get("status") for b in items], dtype=object)
                for c in checks
            },
            "has_gps": [int(b.get("cleaning", {}).get("kept_points", 0)) > 0 for b in items],
            "match_radius_m": [
                float(b.get("config", {}).get("match_radius_m", 100.0)) for b in items
            ],
            "stays": [sum(s.get("exempt") is None for s in b["stay_points"]) for b in items],
        }
    )
    return frame


def stays_from_results(bodies: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Every stay point of the results: :data:`_STAY_COLS`, times as UTC instants;
    ``flagged`` when a track-integrity flag of its result lists its id."""
    items = [dict(b) for b in bodies]
    if not any(b["stay_points"] for b in items):
        return _empty_stays()
    flat = pd.json_normalize(items, record_path="stay_points", meta=["manager_id", "date"])
    flagged_ids = {
        (str(b["manager_id"]), str(b["date"]), int(i))
        for b in items
        for f in (b.get("integrity") or {}).get("flags") or []
        for i in f.get("stay_ids", [])
    }
    ids = zip(flat["manager_id"].astype(str), flat["date"].astype(str), flat["id"], strict=True)
    out = pd.DataFrame(
        {
            "manager_id": flat["manager_id"].astype(object),
            "date": pd.to_datetime(flat["date"]).astype("datetime64[ns]"),
            "stay_id": flat["id"].astype(np.int64),
            "store_id": flat["store_id"].astype(object),
            "lat": flat["lat"].astype(float),
            "lon": flat["lon"].astype(float),
            "arrival": pd.to_datetime(flat["arrival"], utc=True, format="ISO8601"),
            "departure": pd.to_datetime(flat["departure"], utc=True, format="ISO8601"),
            "exempt": flat["exempt"].astype(object) if "exempt" in flat else None,
            "flagged": [(m, d, int(i)) in flagged_ids for m, d, i in ids],
        }
    )
    return out


def stores_from_results(bodies: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Every task store of the results: ``manager_id, date, store_id, method, status``."""
    items = [dict(b) for b in bodies]
    if not any(b["stores"] for b in items):
        return pd.DataFrame(
            {c: pd.Series(dtype=object) for c in ("manager_id", "store_id", "method", "status")}
        ).assign(date=pd.Series(dtype="datetime64[ns]"))
    flat = pd.json_normalize(items, record_path="stores", meta=["manager_id", "date"])
    out = flat[["manager_id", "date", "store_id", "method", "status"]].copy()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return out


def corroborate(
    records: pd.DataFrame,
    buyers: pd.DataFrame,
    days: pd.DataFrame,
    stays: pd.DataFrame,
    stores: pd.DataFrame,
) -> pd.DataFrame:
    """The on-site records with ``corroboration``, ``stay_id`` (the stay at the buyer),
    ``visit_end`` (the later of the slot's end and that stay's departure) and ``why``.

    ``records`` needs ``date`` (local day) besides the marketing columns; the other
    frames come from :func:`days_from_results`, :func:`stays_from_results`,
    :func:`stores_from_results` and part 1's buyers (``buyer_id, lat, lon``).
    """
    onsite = records.loc[records["method"] == "onsite"].copy()
    n = len(onsite)
    onsite["rid"] = np.arange(n)
    loc = buyers.set_index("buyer_id")[["lat", "lon"]]
    onsite["b_lat"] = onsite["buyer_id"].map(loc["lat"])
    onsite["b_lon"] = onsite["buyer_id"].map(loc["lon"])
    day_info = onsite[["manager_id", "date"]].merge(days, on=["manager_id", "date"], how="left")
    has_result = day_info["status"].notna().to_numpy(bool)
    has_gps = day_info["has_gps"].eq(True).to_numpy()
    onsite["radius"] = day_info["match_radius_m"].fillna(100.0).to_numpy(float)
    solid, corroborated, elsewhere, first_hit = _stays_at_buyer(onsite, stays)
    store_status = _store_status(onsite, stores)
    conditions = [
        ~has_result,
        ~has_gps,
        solid,
        corroborated,
        elsewhere,
        store_status == "not_visited",
        store_status == "unseen",
        _inside_tracked_span(onsite, stays),
    ]
    onsite["corroboration"] = np.select(conditions, [v for v, _ in _RULES], "unknown")
    onsite["why"] = np.select(conditions, [w for _, w in _RULES], _OUTSIDE)
    stay_id = first_hit["stay_id"].reindex(np.arange(n))
    onsite["stay_id"] = pd.array(stay_id.to_numpy(), dtype="Int64")
    later = first_hit["departure"].reindex(np.arange(n))
    later.index = onsite.index
    onsite["visit_end"] = onsite["slot_end"].where(
        later.isna() | (later < onsite["slot_end"]), later
    )
    return onsite.drop(columns=["rid", "b_lat", "b_lon", "radius"])


#: (verdict, why) of each condition of :func:`corroborate`, first that holds wins.
_RULES: tuple[tuple[str, str], ...] = (
    ("unknown", "no verification result for the day"),
    ("unknown", "no GPS fixes that day"),
    ("corroborated", "a stay at the buyer overlaps the slot"),
    ("doubtful", "only a stay flagged by the track integrity analysis is at the buyer then"),
    ("contradicted", "the track shows a stay elsewhere during the slot"),
    ("contradicted", "the buyer's task store was not visited on the track"),
    ("unknown", "a GPS gap could hold the visit"),
    ("contradicted", "no stay during the slot: the track shows the manager moving"),
)
_OUTSIDE = "the slot lies outside the tracked part of the day"
_KEY = ["manager_id", "date"]


def _stays_at_buyer(
    onsite: pd.DataFrame, stays: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    """Per record: an unflagged stay at the buyer overlaps the slot; any stay at the buyer
    does; a stay elsewhere does; and the first stay at the buyer, unflagged ones first
    (``stay_id``, ``departure``), by record number ``rid``."""
    n = len(onsite)
    cols = ["rid", *_KEY, "buyer_id", "slot_start", "slot_end", "b_lat", "b_lon", "radius"]
    pairs = onsite[cols].merge(stays, on=_KEY, how="inner")
    overlap = (pairs["arrival"] < pairs["slot_end"]) & (pairs["departure"] > pairs["slot_start"])
    dist = _haversine_m(pairs["lat"], pairs["lon"], pairs["b_lat"], pairs["b_lon"])
    at_buyer = (pairs["store_id"] == pairs["buyer_id"]) | (dist <= pairs["radius"])
    flagged = pairs["flagged"].fillna(False).astype(bool) if "flagged" in pairs else False
    hit = pairs.assign(flagged=flagged).loc[overlap & at_buyer]
    corroborated = np.zeros(n, dtype=bool)
    corroborated[hit["rid"].to_numpy(np.int64)] = True
    solid = np.zeros(n, dtype=bool)
    solid[hit.loc[~hit["flagged"], "rid"].to_numpy(np.int64)] = True
    first_hit = hit.sort_values(["flagged", "arrival"]).drop_duplicates("rid").set_index("rid")
    elsewhere = np.zeros(n, dtype=bool)
    elsewhere[pairs.loc[overlap & ~at_buyer, "rid"].to_numpy(np.int64)] = True
    return solid, corroborated, elsewhere, first_hit


def _inside_tracked_span(onsite: pd.DataFrame, stays: pd.DataFrame) -> np.ndarray:
    """Per record: the slot lies between the day's first arrival and last departure."""
    span = stays.groupby(_KEY).agg(first=("arrival", "min"), last=("departure", "max"))
    inside = onsite[[*_KEY, "slot_start", "slot_end"]].merge(
        span.reset_index(), on=_KEY, how="left"
    )
    in_span = (inside["slot_start"] >= inside["first"]) & (inside["slot_end"] <= inside["last"])
    return in_span.to_numpy(bool)


def _store_status(onsite: pd.DataFrame, stores: pd.DataFrame) -> np.ndarray:
    """Per record: the status of the buyer's task store that day (None when not a task)."""
    tasks = stores.rename(columns={"store_id": "buyer_id"})[[*_KEY, "buyer_id", "status"]]
    merged = onsite[[*_KEY, "buyer_id"]].merge(
        tasks.drop_duplicates([*_KEY, "buyer_id"]), on=[*_KEY, "buyer_id"], how="left"
    )
    return merged["status"].to_numpy(object)


def _haversine_m(lat1: pd.Series, lon1: pd.Series, lat2: pd.Series, lon2: pd.Series) -> pd.Series:
    p1, p2 = np.radians(lat1.to_numpy(float)), np.radians(lat2.to_numpy(float))
    dlat = p2 - p1
    dlon = np.radians(lon2.to_numpy(float) - lon1.to_numpy(float))
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return pd.Series(np.where(np.isfinite(d), d, np.inf), index=lat1.index)


def _empty_stays() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "manager_id": pd.Series(dtype=object),
            "date": pd.Series(dtype="datetime64[ns]"),
            "stay_id": pd.Series(dtype=np.int64),
            "store_id": pd.Series(dtype=object),
            "lat": pd.Series(dtype=float),
            "lon": pd.Series(dtype=float),
            "arrival": pd.Series(dtype="datetime64[ns, UTC]"),
            "departure": pd.Series(dtype="datetime64[ns, UTC]"),
            "exempt": pd.Series(dtype=object),
            "flagged": pd.Series(dtype=bool),
        }
    )
