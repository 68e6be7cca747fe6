"""Exclusive marketing rights (专属营销权) at a reassignment: the pure rule.

A buyer assigned to a field manager to activate is theirs for
``reassign_after_months`` (2) calendar months: handing it to someone else inside that
window is refused unless forced with a reason (kept in the history); an activated
buyer belongs to its activator (forced only, with a reason); and a buyer due for
reassignment goes to another *field manager* (驻场经理), not to any account manager.
Used by the service (:mod:`api.db.assignments`) and by ``trajcheck assess reassign
--data`` alike.
"""

from __future__ import annotations

__all__ = ["RightsRefusal", "check_reassignment", "window_end"]

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from assessment.config import AssessConfig


@dataclass(frozen=True)
class RightsRefusal:
    """Why a reassignment is refused: HTTP-like ``status``, the ``field`` and ``reason``."""

    status: int
    field: str
    reason: str


def window_end(assigned_at: dt.datetime, config: AssessConfig) -> dt.date:
    """The local day the exclusive window of an assignment ends (assignment day + months)."""
    day = pd.Timestamp(assigned_at).tz_convert(config.timezone).normalize().tz_localize(None)
    return (day + pd.DateOffset(months=config.reassign_after_months)).date()


def check_reassignment(
    *,
    buyer_id: str,
    holder: str | None,
    assigned_at: dt.datetime | None,
    activated_at: dt.datetime | None,
    new_manager: str,
    new_role: str | None,
    at: dt.datetime,
    force: bool,
    reason: str,
    config: AssessConfig,
) -> RightsRefusal | None:
    """The refusal of handing ``buyer_id`` to ``new_manager`` at ``at``, or None."""
    if new_role is None:
        return RightsRefusal(422, "manager_id", f"no person {new_manager!r}")
    if new_role != "field_manager":
        return RightsRefusal(
            422, "manager_id", f"{new_manager!r} is a {new_role}: buyers go to field managers"
        )
    if holder == new_manager:
        return RightsRefusal(
            409, "manager_id", f"buyer {buyer_id!r} is already held by {new_manager!r}"
        )
    if assigned_at is not None and at <= assigned_at:
        return RightsRefusal(422, "at", "not after the current assignment began")
    if force and not reason.strip():
        return RightsRefusal(422, "reason", "a forced reassignment needs a reason")
    if activated_at is not None and activated_at <= at and not force:
        return RightsRefusal(
            409, "buyer_id",
            f"buyer {buyer_id!r} is activated: its activator holds exclusive rights "
            "(force to override)",
        )  # fmt: skip
    waiting = activated_at is None or activated_at > at
    if waiting and holder is not None and assigned_at is not None and not force:
        end = window_end(assigned_at, config)
        local = pd.Timestamp(at).tz_convert(config.timezone).date()
        if local < end:
            return RightsRefusal(
                409, "buyer_id",
                f"buyer {buyer_id!r} is inside {holder!r}'s exclusive window until "
                f"{end.isoformat()} (force with a reason to override)",
            )  # fmt: skip
    return None
