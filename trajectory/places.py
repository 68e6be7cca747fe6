"""Recurring places: the unexplained stays of a manager's days clustered into places.

A stay at no task store and no exempt place is "unexplained" on its day.  Over a week
or a month the same unexplained place comes back (home, the regular breakfast place, a
competitor's warehouse visited every afternoon); :func:`recurring_places` finds them
with DBSCAN (Ester et al. 1996) on the stays' centres under the haversine metric, and
:func:`unexplained_stays` collects the stays from the days' result dicts (the contract
JSON), naming them from ``stay_points[].nearest_known`` when the result has it.

A place is a DBSCAN cluster of at least ``min_visits`` stays (DBSCAN's
``min_samples``; a stay's neighbours are the stays within ``radius_m`` of its centre,
itself included), visited on at least two different days: a place visited several times
on one day only is not recurring.  Noise stays belong to no place.

References
----------
Ester, M., Kriegel, H.-P., Sander, J., Xu, X. (1996). A density-based algorithm for
discovering clusters in large spatial databases with noise. KDD-96, 226-231.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_MIN_VISITS",
    "DEFAULT_RADIUS_M",
    "STAY_COLUMNS",
    "RecurringPlace",
    "recurring_places",
    "unexplained_stays",
]

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trajectory.geodesy import EARTH_RADIUS_M, haversine_m

#: Default largest distance (m) between two stays' centres for them to be neighbours:
#: the ``match_radius_m`` of a stay and a store (geocoding error and parking).
DEFAULT_RADIUS_M = 100.0
#: Default fewest stays (visits) of a place, on at least two different days.
DEFAULT_MIN_VISITS = 3

#: Columns of the stays frame :func:`recurring_places` reads (``unexplained_stays`` builds it):
#: local ``date`` (ISO), ``stay_id``, centre ``lat``/``lon`` (WGS-84), ``duration_s``, and
#: the nearest known place's ``known_id``/``known_name``/``known_kind``/``known_distance_m``
#: (null when the result does not name it).
STAY_COLUMNS: tuple[str, ...] = (
    "date",
    "stay_id",
    "lat",
    "lon",
    "duration_s",
    "known_id",
    "known_name",
    "known_kind",
    "known_distance_m",
)


@dataclass(frozen=True)
class RecurringPlace:
    """One place an unexplained stay keeps coming back to.

    Attributes
    ----------
    id
        1-based, most visits first (then the earliest first visit).
    lat, lon
        The centre: the mean of the stays' centres (WGS-84).
    spread_m
        Largest distance (m) from the centre to a stay's centre.
    visits
        Number of stays at the place.
    total_s, median_s
        Total and typical (median) observed dwell of its stays (s).
    dates
        The local dates with a stay there (ISO, ascending).
    weekdays
        Days of the week with a stay there (0 = Monday ... 6 = Sunday), ascending.
    stays
        ``(date, stay_id)`` of every stay at the place, in time order.
    nearest_known
        The known store or buyer most of its stays were named after
        (``{id, name, kind, distance_m}``, the median distance of those stays), or None.
    """

    id: int
    lat: float
    lon: float
    spread_m: float
    visits: int
    total_s: float
    median_s: float
    dates: tuple[str, ...]
    weekdays: tuple[int, ...]
    stays: tuple[tuple[str, int], ...]
    nearest_known: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        """The place as JSON (coordinates to 1e-6 degree, times and distances to 0.1)."""
        return {
            "id": self.id,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "spread_m": round(self.spread_m, 1),
            "visits": self.visits,
            "days": len(self.dates),
            "total_s": round(self.total_s, 1),
            "median_s": round(self.median_s, 1),
            "dates": list(self.dates),
            "weekdays": list(self.weekdays),
            "stays": [{"date": d, "stay_id": s} for d, s in self.stays],
            "nearest_known": self.nearest_known,
        }


def recurring_places(
    stays: pd.DataFrame,
    *,
    radius_m: float = DEFAULT_RADIUS_M,
    min_visits: int = DEFAULT_MIN_VISITS,
) -> list[RecurringPlace]:
    """Cluster stays into recurring places (DBSCAN, haversine metric).

    Parameters
    ----------
    stays
        One row per stay with the columns of :data:`STAY_COLUMNS` (``known_*`` may be
        absent); read only.  Usually :func:`unexplained_stays` of a manager's days.
    radius_m
        DBSCAN's ``eps`` (m): stays whose centres are at most this far apart are
        neighbours (a place may chain further).  Default :data:`DEFAULT_RADIUS_M`.
    min_visits
        DBSCAN's ``min_samples``: the fewest stays of a place (>= 2).  A place must also
        have stays on two dates or more.  Default :data:`DEFAULT_MIN_VISITS`.

    Returns
    -------
    list of RecurringPlace
        Most visits first; empty when no place recurs.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": ["2026-11-16", "2026-11-17", "2026-11-18"],
    ...     "stay_id": [1, 2, 1], "lat": [23.1, 23.1001, 23.1], "lon": [113.3] * 3,
    ...     "duration_s": [900.0, 1200.0, 600.0]})
    >>> [(p.visits, p.dates[0], p.median_s) for p in recurring_places(frame)]
    [(3, '2026-11-16', 900.0)]
    """
    if not radius_m > 0:
        raise ValueError(f"radius_m must be > 0, got {radius_m!r}")
    if isinstance(min_visits, bool) or not isinstance(min_visits, int) or min_visits < 2:
        raise ValueError(f"min_visits must be an integer >= 2, got {min_visits!r}")
    if len(stays) < min_visits:
        return []
    frame = stays.reset_index(drop=True)
    labels = _dbscan_labels(frame, radius_m, min_visits)
    frame = frame.assign(place=labels)
    frame = frame[frame["place"] >= 0]
    if frame.empty:
        return []
    frame = frame.assign(_day=pd.to_datetime(frame["date"]))
    recurring = frame.groupby("place")["date"].transform("nunique") >= 2
    frame = frame[recurring].sort_values(["_day", "stay_id"], kind="stable")
    return _places(frame)


def unexplained_stays(results: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The stays at no task store and no exempt place of some result dicts.

    Parameters
    ----------
    results
        Result dicts (the contract JSON of :meth:`DayResult.to_dict`); read only.

    Returns
    -------
    pandas.DataFrame
        One row per unexplained stay, the columns of :data:`STAY_COLUMNS`, in the
        order of ``results`` and their stays.
    """
    rows = [
        _stay_row(str(result["date"]), stay)
        for result in results
        for stay in result.get("stay_points", [])
        if stay.get("store_id") is None and stay.get("exempt") is None
    ]
    frame = pd.DataFrame(rows, columns=list(STAY_COLUMNS))
    return frame.astype(
        {"stay_id": "int64", "lat": "float64", "lon": "float64", "duration_s": "float64"}
    )


def _stay_row(date: str, stay: Mapping[str, Any]) -> tuple[Any, ...]:
    known = stay.get("nearest_known") or {}
    return (
        date,
        int(stay["id"]),
        float(stay["lat"]),
        float(stay["lon"]),
        float(stay.get("duration_s") or 0.0),
        known.get("id"),
        known.get("name"),
        known.get("kind"),
        known.get("distance_m"),
    )


def _dbscan_labels(frame: pd.DataFrame, radius_m: float, min_visits: int) -> np.ndarray:
    """DBSCAN's cluster label of each stay (-1: noise), on radians with the haversine metric."""
    from sklearn.cluster import DBSCAN

    coords = np.radians(frame[["lat", "lon"]].to_numpy(dtype=float))
    model = DBSCAN(
        eps=radius_m / EARTH_RADIUS_M,
        min_samples=min_visits,
        metric="haversine",
        algorithm="ball_tree",
    )
    return np.asarray(model.fit_predict(coords), dtype=np.int64)


def _places(frame: pd.DataFrame) -> list[RecurringPlace]:
    """One :class:`RecurringPlace` per cluster of ``frame`` (time-ordered rows)."""
    groups = frame.groupby("place", sort=False)
    summary = groups.agg(
        lat=("lat", "mean"),
        lon=("lon", "mean"),
        visits=("stay_id", "size"),
        total_s=("duration_s", "sum"),
        median_s=("duration_s", "median"),
        first=("_day", "min"),
    )
    centre = summary.loc[frame["place"].to_numpy(), ["lat", "lon"]].to_numpy()
    dist = haversine_m(frame["lat"].to_numpy(), frame["lon"].to_numpy(), centre[:, 0], centre[:, 1])
    summary["spread_m"] = pd.Series(dist, index=frame.index).groupby(frame["place"]).max()
    summary = summary.sort_values(["visits", "first"], ascending=[False, True])
    known = _known_by_place(frame)
    places = []
    for number, (label, row) in enumerate(summary.iterrows(), start=1):
        members = groups.get_group(label)
        days = members["_day"].drop_duplicates()
        places.append(
            RecurringPlace(
                id=number,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                spread_m=float(row["spread_m"]),
                visits=int(row["visits"]),
                total_s=float(row["total_s"]),
                median_s=float(row["median_s"]),
                dates=tuple(d.date().isoformat() for d in days),
                weekdays=tuple(sorted({int(w) for w in days.dt.day_of_week})),
                stays=tuple(
                    zip(
                        members["date"].astype(str).tolist(),
                        members["stay_id"].astype(int).tolist(),
                        strict=True,
                    )
                ),
                nearest_known=known.get(label),
            )
        )
    return places


def _known_by_place(frame: pd.DataFrame) -> dict[Any, dict[str, Any]]:
    """place -> the known place most of its stays were named after (median distance)."""
    if "known_id" not in frame.columns:
        return {}
    named = frame[frame["known_id"].notna()]
    if named.empty:
        return {}
    counts = named.groupby(["place", "known_id"], sort=True).agg(
        n=("stay_id", "size"),
        known_name=("known_name", "first"),
        known_kind=("known_kind", "first"),
        distance_m=("known_distance_m", "median"),
    )
    best = counts.reset_index().sort_values(["place", "n"], ascending=[True, False])
    best = best.drop_duplicates("place")
    distance = best["distance_m"].to_numpy(dtype=float)
    return {
        place: {
            "id": str(known_id),
            "name": str(name),
            "kind": str(kind),
            "distance_m": None if np.isnan(d) else round(float(d), 1),
        }
        for place, known_id, name, kind, d in zip(
            best["place"].tolist(),
            best["known_id"].tolist(),
            best["known_name"].tolist(),
            best["known_kind"].tolist(),
            distance.tolist(),
            strict=True,
        )
    }
