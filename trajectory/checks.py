"""The assessment scheme's three checks on one manager-day.

Each check is a pure function returning a :class:`~trajectory.result.CheckResult`
with ``status`` ``pass``, ``fail`` or ``inconclusive`` and a one-sentence
reason, so a supervisor can tell "he was late" from "we could not see him"
from "two stalls too close to tell apart".
"""

from __future__ import annotations

__all__ = ["check_on_time_arrival", "check_trajectory_clear", "check_visit_count"]

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from trajectory.result import CheckResult, StayPoint, StoreVisit, iso

#: A gap (s) before a stay's first fix longer than this makes its arrival uncertain.
ARRIVAL_GAP_S = 120.0


def check_on_time_arrival(
    stores: Sequence[StoreVisit],
    stays: Sequence[StayPoint],
    deadline: dt.datetime,
    *,
    first_fix: pd.Timestamp | None,
    site_stay: StayPoint | None = None,
) -> CheckResult:
    """The first on-site task store (lowest ``seq``) is reached by ``deadline``.

    "Reached" means a stay at the store's site: the stay matched to it, or an
    earlier stay within the match radius of it (in a wholesale market the
    manager has reached the first stall's site when he stands in its row, even
    where the GPS cannot say which of two neighbouring stalls he is at).

    Parameters
    ----------
    stores
        The day's task stores with their visit status.
    stays
        The day's stays (for the arrival uncertainty of the first store's stay).
    deadline
        Aware local deadline on the day.
    first_fix
        Time of the first usable fix of the day (None: no usable GPS).
    """
    tz = deadline.tzinfo if isinstance(deadline.tzinfo, ZoneInfo) else ZoneInfo("UTC")
    onsite = sorted((s for s in stores if s.method == "onsite"), key=lambda s: s.seq)
    base = {"deadline": iso(deadline, tz), "first_store_id": None, "arrival": None}
    if not onsite:
        return CheckResult(
            "on_time_arrival", "pass", "No on-site task on the list: nothing to be late for.", base
        )
    first = onsite[0]
    stay = next((s for s in stays if s.id == first.stay_id), None) if first.stay_id else None
    if site_stay is not None and (stay is None or site_stay.arrival < stay.arrival):
        stay = site_stay
    arrival_at = stay.arrival if stay is not None else first.arrival
    fields = {
        **base,
        "first_store_id": first.store_id,
        "arrival": iso(arrival_at, tz),
        "stay_id": stay.id if stay is not None else None,
    }
    if arrival_at is not None:
        earliest = stay.arrival_earliest if stay is not None else None
        return _arrival_verdict(first, arrival_at, earliest, deadline, tz, fields)
    return _no_arrival_verdict(first, first_fix, deadline, tz, fields)


def _arrival_verdict(
    first: StoreVisit,
    arrival_at: pd.Timestamp,
    earliest: pd.Timestamp | None,
    deadline: dt.datetime,
    tz: ZoneInfo,
    fields: dict[str, Any],
) -> CheckResult:
    """On time, late, or inconclusive when a GPS gap before the arrival spans the deadline."""
    hhmm = deadline.strftime("%H:%M")
    arrival = pd.Timestamp(arrival_at)
    local = arrival.tz_convert(tz).strftime("%H:%M")
    if arrival <= deadline:
        return CheckResult(
            "on_time_arrival",
            "pass",
            f"Reached the first store {first.store_id} at {local}, by the {hhmm} deadline.",
            fields,
        )
    if earliest is not None and pd.Timestamp(earliest) <= deadline:
        fields["arrival_earliest"] = iso(earliest, tz)
        e_local = pd.Timestamp(earliest).tz_convert(tz).strftime("%H:%M")
        return CheckResult(
            "on_time_arrival",
            "inconclusive",
            f"GPS was lost before the first fix at store {first.store_id} ({local}); "
            f"the manager arrived between {e_local} and {local}, "
            f"and the {hhmm} deadline lies in between.",
            fields,
        )
    late_min = (arrival - pd.Timestamp(deadline)).total_seconds() / 60.0
    return CheckResult(
        "on_time_arrival",
        "fail",
        f"Reached the first store {first.store_id} at {local}, "
        f"{late_min:.0f} min after the {hhmm} deadline.",
        fields,
    )


def _no_arrival_verdict(
    first: StoreVisit,
    first_fix: pd.Timestamp | None,
    deadline: dt.datetime,
    tz: ZoneInfo,
    fields: dict[str, Any],
) -> CheckResult:
    """The first store has no stay: no GPS, cannot tell, or not reached."""
    hhmm = deadline.strftime("%H:%M")
    if first_fix is None:
        return CheckResult(
            "on_time_arrival", "inconclusive", "No usable GPS fixes for the day.", fields
        )
    if first.status in ("ambiguous", "unseen"):
        why = (
            "a stay covers it and a neighbouring store closer together than the GPS spread"
            if first.status == "ambiguous"
            else "a gap in the GPS could have held the visit"
        )
        return CheckResult(
            "on_time_arrival",
            "inconclusive",
            f"Cannot tell whether the first store {first.store_id} was reached: {why}.",
            fields,
        )
    if pd.Timestamp(first_fix) > deadline:
        local = pd.Timestamp(first_fix).tz_convert(tz).strftime("%H:%M")
        return CheckResult(
            "on_time_arrival",
            "fail",
            f"The first store {first.store_id} was not visited, and GPS starts only at {local}, "
            f"after the {hhmm} deadline.",
            fields,
        )
    return CheckResult(
        "on_time_arrival",
        "fail",
        f"The first store {first.store_id} was never visited on the track.",
        fields,
    )


def check_trajectory_clear(
    stores: Sequence[StoreVisit], stays: Sequence[StayPoint], *, has_gps: bool
) -> CheckResult:
    """Every stay matches an on-site task store and every on-site store has a stay."""
    counted = [s for s in stays if s.exempt is None]
    unmatched = [s.id for s in counted if s.store_id is None]
    onsite = [s for s in stores if s.method == "onsite"]
    unvisited = [s.store_id for s in onsite if s.status != "visited"]
    hard = [s.store_id for s in onsite if s.status == "not_visited"]
    soft = [s for s in onsite if s.status in ("ambiguous", "unseen", "no_gps")]
    fields = {
        "unmatched_stay_ids": unmatched,
        "unvisited_store_ids": unvisited,
        "ambiguous_store_ids": [s.store_id for s in soft if s.status == "ambiguous"],
        "unseen_store_ids": [s.store_id for s in soft if s.status == "unseen"],
    }
    if not has_gps:
        if not onsite:
            return CheckResult("trajectory_clear", "pass", "No on-site task and no stays.", fields)
        return CheckResult(
            "trajectory_clear", "inconclusive", "No usable GPS fixes for the day.", fields
        )
    problems = []
    if unmatched:
        problems.append(
            f"{len(unmatched)} stay(s) at no task store (stay {', '.join(map(str, unmatched))})"
        )
    if hard:
        problems.append(f"{len(hard)} on-site store(s) not visited ({', '.join(hard)})")
    if problems:
        return CheckResult("trajectory_clear", "fail", _sentence(problems), fields)
    if soft:
        parts = []
        amb = [s.store_id for s in soft if s.status == "ambiguous"]
        unseen = [s.store_id for s in soft if s.status == "unseen"]
        if amb:
            parts.append(
                f"stores {', '.join(amb)} are closer to a visited neighbour "
                "than the GPS can separate"
            )
        if unseen:
            parts.append(f"stores {', '.join(unseen)} could have been visited during a GPS gap")
        return CheckResult("trajectory_clear", "inconclusive", _sentence(parts), fields)
    n = len(onsite)
    return CheckResult(
        "trajectory_clear",
        "pass",
        f"Every stay matches an on-site task store and all {n} on-site store(s) were visited.",
        fields,
    )


def check_visit_count(
    stores: Sequence[StoreVisit], stays: Sequence[StayPoint], *, has_gps: bool
) -> CheckResult:
    """The number of stay points equals the number of on-site visits reported.

    As the scheme reads: every stay point on the track counts, a revisit of the
    same store too (it is a second stay the visit report has to account for);
    exempt stays (office, warehouse, home) are not customer visits and do not
    count.  On-site visits are the on-site tasks reported visited.
    """
    counted = [s for s in stays if s.exempt is None]
    onsite = [s for s in stores if s.method == "onsite"]
    reported = sum(1 for s in onsite if s.reported_visited)
    revisits = sum(1 for s in counted if s.revisit)
    unmatched = sum(1 for s in counted if s.store_id is None)
    n = len(counted)
    fields: dict[str, object] = {
        "stay_points": n,
        "onsite_visits": reported,
        "revisits": revisits,
        "unmatched_stays": unmatched,
    }
    if not has_gps and reported > 0:
        return CheckResult(
            "visit_count_match", "inconclusive", "No usable GPS fixes for the day.", fields
        )
    extra = []
    if revisits:
        extra.append(f"{revisits} revisit(s) of a store already visited")
    if unmatched:
        extra.append(f"{unmatched} at no task store")
    detail = f" ({', '.join(extra)})" if extra else ""
    low, high = _count_range(counted, onsite)
    fields["stay_points_range"] = [low, high]
    if n == reported and low == high:
        return CheckResult(
            "visit_count_match",
            "pass",
            f"{n} stay point(s){detail} for {reported} reported on-site visit(s).",
            fields,
        )
    if low <= reported <= high:
        return CheckResult(
            "visit_count_match",
            "inconclusive",
            f"{n} stay point(s){detail} for {reported} reported on-site visit(s), but the GPS "
            f"allows {low} to {high}: market stalls too close to count, or a store in a GPS gap.",
            fields,
        )
    return CheckResult(
        "visit_count_match",
        "fail",
        f"{n} stay point(s){detail} for {reported} reported on-site visit(s).",
        fields,
    )


def _count_range(counted: list[StayPoint], onsite: list[StoreVisit]) -> tuple[int, int]:
    """How sure is the count?  Market periods give a range of visit counts (strict
    to loose segmentation); a store that may hide a visit widens it upwards.
    """
    n = len(counted)
    low, high = n, n
    for period in {s.market_period for s in counted if s.market_period}:
        members = [s for s in counted if s.market_period == period]
        span = members[0].period_visits or (len(members), len(members))
        low += min(span[0], len(members)) - len(members)
        high += max(span[1], len(members)) - len(members)
    high += sum(1 for s in onsite if s.status in ("ambiguous", "unseen"))
    return low, high


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."
