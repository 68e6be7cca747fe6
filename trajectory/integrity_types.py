"""The track-integrity part of a result: advisory flags and their contract JSON.

``"integrity": {"status": "clean" | "suspicious", "flags": [{"kind", "start", "end",
"stay_ids", "reason", ...evidence}]}``.  Flags never change the three checks'
statuses; they tell a supervisor which parts of the track to doubt.
"""

from __future__ import annotations

__all__ = [
    "INTEGRITY_KINDS",
    "INTEGRITY_STATUSES",
    "Integrity",
    "IntegrityFlag",
    "IntegrityStatus",
    "read_integrity",
]

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd

from trajectory.errors import InputError
from trajectory.result_parts import iso

IntegrityStatus = Literal["clean", "suspicious"]
#: The statuses, clean first.
INTEGRITY_STATUSES: tuple[IntegrityStatus, ...] = ("clean", "suspicious")
#: The kinds of flag the analysis raises (a stored result may hold others: read as given).
INTEGRITY_KINDS: tuple[str, ...] = (
    "teleport",
    "frozen_position",
    "replayed_track",
    "simulated_route",
)
_SOURCE = "<result>"
_FIXED_KEYS = ("kind", "start", "end", "stay_ids", "reason")


@dataclass(frozen=True)
class IntegrityFlag:
    """One suspicious window of the track.

    ``start``/``end`` are UTC timestamps; ``stay_ids`` the stays that overlap the
    window; ``evidence`` the measured figures (JSON numbers and strings) behind it.
    """

    kind: str
    start: pd.Timestamp
    end: pd.Timestamp
    reason: str
    stay_ids: tuple[int, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, tz: ZoneInfo) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start": _iso(self.start, tz),
            "end": _iso(self.end, tz),
            "stay_ids": list(self.stay_ids),
            "reason": self.reason,
            **self.evidence,
        }


@dataclass(frozen=True)
class Integrity:
    """The day's integrity flags; ``suspicious`` when there is at least one."""

    flags: tuple[IntegrityFlag, ...] = ()

    @property
    def status(self) -> IntegrityStatus:
        return "suspicious" if self.flags else "clean"

    def flagged_stay_ids(self) -> frozenset[int]:
        """The ids of the stays that any flag overlaps."""
        return frozenset(i for f in self.flags for i in f.stay_ids)

    def to_dict(self, tz: ZoneInfo) -> dict[str, Any]:
        return {"status": self.status, "flags": [f.to_dict(tz) for f in self.flags]}


def read_integrity(data: object) -> Integrity:
    """``Integrity`` from a result's ``integrity`` value; absent (None) reads as clean.

    Raises
    ------
    trajectory.errors.InputError
        Naming the field (``integrity.flags[0].start``) when a value has the wrong type.
    """
    if data is None:
        return Integrity()
    if not isinstance(data, Mapping):
        raise _error("integrity", "expected an object")
    flags = data.get("flags", [])
    if not isinstance(flags, list | tuple):
        raise _error("integrity.flags", "expected a list")
    return Integrity(tuple(_flag(f, f"integrity.flags[{i}]") for i, f in enumerate(flags)))


def _flag(data: object, where: str) -> IntegrityFlag:
    if not isinstance(data, Mapping):
        raise _error(where, "expected an object")
    for key in ("kind", "reason"):
        if not isinstance(data.get(key), str):
            raise _error(f"{where}.{key}", "expected a string")
    ids = data.get("stay_ids", [])
    if not isinstance(ids, list | tuple) or not all(
        isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in ids
    ):
        raise _error(f"{where}.stay_ids", "expected a list of integers")
    return IntegrityFlag(
        kind=str(data["kind"]),
        start=_time(data.get("start"), f"{where}.start"),
        end=_time(data.get("end"), f"{where}.end"),
        reason=str(data["reason"]),
        stay_ids=tuple(int(i) for i in ids),
        evidence={k: v for k, v in data.items() if k not in _FIXED_KEYS},
    )


def _time(value: object, where: str) -> pd.Timestamp:
    if not isinstance(value, str):
        raise _error(where, "expected an ISO 8601 time")
    try:
        ts = pd.Timestamp(value)
    except ValueError as exc:
        raise _error(where, f"not an ISO 8601 time: {value!r}") from exc
    if ts.tzinfo is None:
        raise _error(where, f"no UTC offset in {value!r}")
    return ts.tz_convert("UTC")


def _iso(ts: pd.Timestamp, tz: ZoneInfo) -> str:
    return str(iso(ts, tz))


def _error(where: str, reason: str) -> InputError:
    return InputError(_SOURCE, None, where, reason)
