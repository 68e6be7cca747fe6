"""Counting market visits: when the doubt over which stall a visit was at does not matter.

In a wholesale market the GPS often cannot say which of two neighbouring stalls a
visit was at, while the count of visits is sure: every segmentation of the market
period agrees on it (the phone's speed shows each walk from stall to stall;
:mod:`trajectory.market_walks`).  Then

* the doubt does not widen the count: a store the GPS cannot rule out is not a
  visit that may be hidden (:func:`settled_ambiguity`);
* each stay is one visit at one store, so a day with fewer stays that can be at a
  store than on-site stores has missed at least the difference: if just that many
  stores are in doubt, those were not visited; if more, some of them were not,
  and the GPS cannot tell which (:func:`pigeonhole`).
"""

from __future__ import annotations

__all__ = ["pigeonhole", "settled_ambiguity"]

from collections.abc import Sequence

from trajectory.result import StayPoint, StoreVisit


def _settled_period(stay: StayPoint, counted: Sequence[StayPoint]) -> bool:
    """The stay belongs to a market period whose visit count every segmentation agrees on."""
    if not stay.market_period or stay.period_visits is None:
        return False
    n = sum(1 for s in counted if s.market_period == stay.market_period)
    return stay.period_visits == (n, n)


def settled_ambiguity(counted: Sequence[StayPoint]) -> set[str]:
    """Stores whose only doubt is which stall of a settled market period a visit was at
    (no stay outside such periods names them)."""
    inside: set[str] = set()
    outside: set[str] = set()
    for s in counted:
        ids = {*s.ambiguous_store_ids, *([s.store_id] if s.store_id else [])}
        (inside if _settled_period(s, counted) else outside).update(ids)
    return inside - outside


def pigeonhole(
    stores: Sequence[StoreVisit], stays: Sequence[StayPoint]
) -> tuple[list[str], list[str]]:
    """On-site stores surely not visited though no stay rules them out, and stores of
    which some (not all) were surely not visited; both empty unless every doubt is
    which stall of a settled market period a visit was at."""
    counted = [s for s in stays if s.exempt is None]
    onsite = [s for s in stores if s.method == "onsite"]
    at_store = sum(1 for s in counted if s.store_id or s.ambiguous_store_ids)
    hard = [s.store_id for s in onsite if s.status == "not_visited"]
    missing = len(onsite) - at_store - len(hard)
    doubt = [s for s in onsite if s.status not in ("visited", "not_visited")]
    if missing <= 0 or not doubt:
        return [], []
    settled = settled_ambiguity(counted)
    if (
        any(s.status != "ambiguous" or s.stay_id is not None for s in doubt)
        or not {s.store_id for s in doubt} <= settled
    ):
        return [], []
    ids = [s.store_id for s in doubt]
    return (ids, []) if len(ids) <= missing else ([], ids)
