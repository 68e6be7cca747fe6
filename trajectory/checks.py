"""The assessment scheme's three checks on one manager-day.

Each check is a pure function returning a :class:`~trajectory.result.CheckResult`
with ``status`` ``pass``, ``fail`` or ``inconclusive`` and a one-sentence
reason, so a supervisor can tell "he was late" from "we could not see him"
from "two stalls too close to tell apart".
"""

from __future__ import annotations

__all__ = [
    "COUNT_DETAILS",
    "REASONS",
    "REASON_PARTS",
    "check_on_time_arrival",
    "check_trajectory_clear",
    "check_visit_count",
    "reason_text",
]

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from trajectory.market_count import pigeonhole, settled_ambiguity
from trajectory.result import CheckResult, Status, StayPoint, StoreVisit, iso

#: A gap (s) before a stay's first fix longer than this makes its arrival uncertain.
ARRIVAL_GAP_S = 120.0

_COUNTED = "{stays} stay point(s){detail} for {reported} reported on-site visit(s)."
#: The English reason of each ``(check, reason_code)``, from its ``reason_values``.  The
#: map reports hold the same sentences, and their Chinese, as ``reason_<check>_<code>``
#: labels (``maps.i18n.day``); ``tests/maps/test_reasons.py`` keeps the two equal.
#: Lists of ids are written joined by ", "; ``trajectory_clear``'s ``problems`` and
#: ``uncertain`` are sentences of ``REASON_PARTS``, ``visit_count_match``'s ``detail`` of
#: ``COUNT_DETAILS``.
REASONS: dict[str, str] = {
    "on_time_arrival.no_onsite_task": "No on-site task on the list: nothing to be late for.",
    "on_time_arrival.on_time": (
        "Reached the first store {store} at {arrival}, by the {deadline} deadline."
    ),
    "on_time_arrival.gap_spans_deadline": (
        "GPS was lost before the first fix at store {store} ({arrival}); the manager arrived "
        "between {earliest} and {arrival}, and the {deadline} deadline lies in between."
    ),
    "on_time_arrival.late": (
        "Reached the first store {store} at {arrival}, {late_min} min after the {deadline} "
        "deadline."
    ),
    "on_time_arrival.no_gps": "No usable GPS fixes for the day.",
    "on_time_arrival.first_store_ambiguous": (
        "Cannot tell whether the first store {store} was reached: a stay covers it and a "
        "neighbouring store closer together than the GPS spread."
    ),
    "on_time_arrival.first_store_unseen": (
        "Cannot tell whether the first store {store} was reached: a gap in the GPS could have "
        "held the visit."
    ),
    "on_time_arrival.gps_starts_late": (
        "The first store {store} was not visited, and GPS starts only at {first_fix}, after the "
        "{deadline} deadline."
    ),
    "on_time_arrival.not_visited": "The first store {store} was never visited on the track.",
    "trajectory_clear.nothing_to_check": "No on-site task and no stays.",
    "trajectory_clear.no_gps": "No usable GPS fixes for the day.",
    "trajectory_clear.clear": (
        "Every stay matches an on-site task store and all {onsite} on-site store(s) were visited."
    ),
    "visit_count_match.no_gps": "No usable GPS fixes for the day.",
    "visit_count_match.match": _COUNTED,
    "visit_count_match.mismatch": _COUNTED,
    "visit_count_match.count_uncertain": (
        "{stays} stay point(s){detail} for {reported} reported on-site visit(s), but the GPS "
        "allows {low} to {high}: market stalls too close to count, a walk that may have gone "
        "next door, or a store in a GPS gap."
    ),
}
#: The parts of ``trajectory_clear``'s ``problems``/``uncertain`` reasons, by the list of
#: ``reason_values`` they name (``{n}``: its length, ``{ids}``: its items), in this order.
REASON_PARTS: dict[str, str] = {
    "unmatched": "{n} stay(s) at no task store (stay {ids})",
    "not_visited": "{n} on-site store(s) not visited ({ids})",
    "short": (
        "fewer stays than stores: not all of stores {ids} were visited, and the GPS cannot "
        "tell which were missed"
    ),
    "ambiguous": "stores {ids} are closer to a visited neighbour than the GPS can separate",
    "unseen": "stores {ids} could have been visited during a GPS gap",
    "no_gps": "stores {ids} have no GPS to check",
}
#: The parts of ``visit_count_match``'s ``{detail}``, by their count in ``reason_values``.
COUNT_DETAILS: dict[str, str] = {
    "revisits": "{n} revisit(s) of a store already visited",
    "unmatched": "{n} at no task store",
}


def reason_text(name: str, code: str, values: dict[str, Any]) -> str:
    """The English reason of check ``name`` from its ``reason_code`` and ``reason_values``."""
    if code in ("problems", "uncertain"):
        parts = [
            REASON_PARTS[k].format(n=len(values[k]), ids=", ".join(map(str, values[k])))
            for k in REASON_PARTS
            if values.get(k)
        ]
        return _sentence(parts)
    if name == "visit_count_match" and "detail" not in values and "stays" in values:
        extra = [COUNT_DETAILS[k].format(n=values[k]) for k in COUNT_DETAILS if values.get(k)]
        values = {**values, "detail": f" ({', '.join(extra)})" if extra else ""}
    return REASONS[f"{name}.{code}"].format(**values)


def _check(
    name: str, status: Status, code: str, values: dict[str, Any], fields: dict[str, Any]
) -> CheckResult:
    """A check result whose English reason is written from its code and values."""
    return CheckResult(name, status, reason_text(name, code, values), fields, code, values)


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
        return _check("on_time_arrival", "pass", "no_onsite_task", {}, base)
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
        values = {"store": first.store_id, "arrival": local, "deadline": hhmm}
        return _check("on_time_arrival", "pass", "on_time", values, fields)
    if earliest is not None and pd.Timestamp(earliest) <= deadline:
        fields["arrival_earliest"] = iso(earliest, tz)
        e_local = pd.Timestamp(earliest).tz_convert(tz).strftime("%H:%M")
        values = {"store": first.store_id, "arrival": local, "earliest": e_local, "deadline": hhmm}
        return _check("on_time_arrival", "inconclusive", "gap_spans_deadline", values, fields)
    late_min = (arrival - pd.Timestamp(deadline)).total_seconds() / 60.0
    values = {
        "store": first.store_id,
        "arrival": local,
        "late_min": f"{late_min:.0f}",
        "deadline": hhmm,
    }
    return _check("on_time_arrival", "fail", "late", values, fields)


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
        return _check("on_time_arrival", "inconclusive", "no_gps", {}, fields)
    if first.status in ("ambiguous", "unseen"):
        code = f"first_store_{first.status}"
        return _check("on_time_arrival", "inconclusive", code, {"store": first.store_id}, fields)
    if pd.Timestamp(first_fix) > deadline:
        local = pd.Timestamp(first_fix).tz_convert(tz).strftime("%H:%M")
        values = {"store": first.store_id, "first_fix": local, "deadline": hhmm}
        return _check("on_time_arrival", "fail", "gps_starts_late", values, fields)
    return _check("on_time_arrival", "fail", "not_visited", {"store": first.store_id}, fields)


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
            return _check("trajectory_clear", "pass", "nothing_to_check", {}, fields)
        return _check("trajectory_clear", "inconclusive", "no_gps", {}, fields)
    values: dict[str, Any] = {
        "unmatched": unmatched,
        "not_visited": hard,
        **{
            k: [s.store_id for s in soft if s.status == k]
            for k in ("ambiguous", "unseen", "no_gps")
        },
    }
    if unmatched or hard:  # the reason names every unvisited store, the soft ones too
        return _check("trajectory_clear", "fail", "problems", values, fields)
    short = pigeonhole(stores, stays)[1]  # some of these stores were surely missed
    if short:
        values["short"], values["ambiguous"] = short, []
        return _check("trajectory_clear", "fail", "problems", values, fields)
    if soft:
        return _check("trajectory_clear", "inconclusive", "uncertain", values, fields)
    return _check("trajectory_clear", "pass", "clear", {"onsite": len(onsite)}, fields)


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
        return _check("visit_count_match", "inconclusive", "no_gps", {}, fields)
    low, high = _count_range(counted, onsite)
    fields["stay_points_range"] = [low, high]
    values = {"stays": n, "reported": reported, "revisits": revisits, "unmatched": unmatched}
    if n == reported and low == high:
        return _check("visit_count_match", "pass", "match", values, fields)
    if low <= reported <= high:
        values |= {"low": low, "high": high}
        return _check("visit_count_match", "inconclusive", "count_uncertain", values, fields)
    return _check("visit_count_match", "fail", "mismatch", values, fields)


def _count_range(counted: list[StayPoint], onsite: list[StoreVisit]) -> tuple[int, int]:
    """How sure is the count?  Market periods give a range of visit counts (strict
    to loose segmentation); a store that may hide a visit widens it upwards, unless
    the only doubt is which stall of a settled market period a visit was at
    (:func:`trajectory.market_count.settled_ambiguity`).
    """
    n = len(counted)
    low, high = n, n
    for period in {s.market_period for s in counted if s.market_period}:
        members = [s for s in counted if s.market_period == period]
        span = members[0].period_visits or (len(members), len(members))
        low += min(span[0], len(members)) - len(members)
        high += max(span[1], len(members)) - len(members)
    settled = settled_ambiguity(counted)
    high += sum(
        1
        for s in onsite
        if s.status == "unseen" or (s.status == "ambiguous" and s.store_id not in settled)
    )
    return low, high


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."
