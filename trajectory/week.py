"""A manager's week (or month): one row per day and the recurring places.

:func:`summarize_week` reads the stored day results (the contract JSON) of one manager
over a range of dates and returns the one JSON document the command line
(``trajcheck week --json``), the service (``GET /v1/managers/{id}/weeks/{date}``) and
the week page (:mod:`maps.week`) share.  Nothing is recomputed: the day rows come from
the results, and the places cluster their unexplained stays
(:func:`trajectory.places.recurring_places`).
"""

from __future__ import annotations

__all__ = ["WEEK_DAYS", "summarize_week", "week_window"]

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from trajectory.places import recurring_places, unexplained_stays
from trajectory.result import CHECK_NAMES, check_status

#: Days in the service's week window (the days ending on the requested date).
WEEK_DAYS = 7


def week_window(last: dt.date, days: int = WEEK_DAYS) -> tuple[dt.date, dt.date]:
    """``(first, last)``: the ``days`` dates ending on ``last`` (inclusive)."""
    if days < 1:
        raise ValueError(f"days must be >= 1, got {days!r}")
    return last - dt.timedelta(days=days - 1), last


def summarize_week(
    results: Iterable[Mapping[str, Any]],
    *,
    manager_id: str,
    first: dt.date,
    last: dt.date,
    radius_m: float,
    min_visits: int,
) -> dict[str, Any]:
    """The week document of one manager.

    Parameters
    ----------
    results
        The manager's day results (result dicts); those of other managers or outside
        ``first`` .. ``last`` are ignored; of two for one date the first is kept.
    manager_id
        The manager.
    first, last
        The range of local dates (inclusive).
    radius_m, min_visits
        :func:`~trajectory.places.recurring_places`' parameters
        (``VerifyConfig.place_radius_m`` and ``place_min_visits``).

    Returns
    -------
    dict
        ``manager_id``, ``first``, ``last``, ``radius_m``, ``min_visits``, ``days``
        (one row per date of the range, ascending; ``status`` null for a date without
        a result) and ``places`` (:meth:`RecurringPlace.to_dict`, most visits first).
    """
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    chosen: dict[str, Mapping[str, Any]] = {}
    for result in results:
        date = str(result.get("date"))
        if str(result.get("manager_id")) != manager_id or date in chosen:
            continue
        if first.isoformat() <= date <= last.isoformat():
            chosen[date] = result
    ordered = [chosen[d] for d in sorted(chosen)]
    places = recurring_places(unexplained_stays(ordered), radius_m=radius_m, min_visits=min_visits)
    at_place = {stay: p.id for p in places for stay in p.stays}
    span = (last - first).days + 1
    days = [_day_row(first + dt.timedelta(days=k), chosen, at_place) for k in range(span)]
    return {
        "manager_id": manager_id,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "radius_m": float(radius_m),
        "min_visits": int(min_visits),
        "days": days,
        "places": [p.to_dict() for p in places],
    }


def _day_row(
    day: dt.date,
    chosen: Mapping[str, Mapping[str, Any]],
    at_place: Mapping[tuple[str, int], int],
) -> dict[str, Any]:
    """One day's row: its verdicts, stays vs visits, integrity, places (none without a result)."""
    date = day.isoformat()
    row: dict[str, Any] = {"date": date, "weekday": day.weekday()}
    result = chosen.get(date)
    if result is None:
        return {
            **row,
            "status": None,
            "verdict": None,
            "checks": {},
            "stay_points": None,
            "onsite_visits": None,
            "unexplained": None,
            "integrity": None,
            "integrity_flags": None,
            "places": [],
        }
    checks = result.get("checks") or {}
    verdicts = {n: str((checks.get(n) or {}).get("status", "inconclusive")) for n in CHECK_NAMES}
    stays = [s for s in result.get("stay_points", []) if s.get("exempt") is None]
    counted = (checks.get("visit_count_match") or {}).get("stay_points")
    visits = (checks.get("visit_count_match") or {}).get("onsite_visits")
    integrity = result.get("integrity")
    places = sorted({at_place[k] for s in stays if (k := (date, int(s["id"]))) in at_place})
    return {
        **row,
        "status": str(result.get("status") or check_status(verdicts.values())),
        "verdict": check_status(verdicts.values()),
        "checks": verdicts,
        "stay_points": counted if isinstance(counted, int) else len(stays),
        "onsite_visits": int(visits) if isinstance(visits, int | float) else None,
        "unexplained": sum(1 for s in stays if s.get("store_id") is None),
        "integrity": None if not integrity else str(integrity.get("status", "clean")),
        "integrity_flags": None if not integrity else len(integrity.get("flags") or []),
        "places": places,
    }
