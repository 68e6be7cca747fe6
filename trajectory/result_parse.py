"""A stored result dict read back into the fields of a :class:`~trajectory.result.DayResult`.

The inverse of :meth:`~trajectory.result.DayResult.to_dict`.  A stored result may
have been edited by hand, so every key is checked: a missing required key or a
value of the wrong type raises :class:`~trajectory.errors.InputError` naming the
field (``stay_points[2].arrival``).  Keys whose field has a default may be absent;
derived keys (``passed``, ``status``, ``visited``, ``cleaning.rejected_rows``) are
not read.
"""

from __future__ import annotations

__all__ = ["SOURCE", "read_result"]

import datetime as dt
import numbers
from collections.abc import Mapping
from typing import Any, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from trajectory.cleaning import CleaningReport
from trajectory.day_warnings import WARNING_CODES, DayWarning
from trajectory.errors import InputError, RowProblem
from trajectory.integrity_types import read_integrity
from trajectory.known_types import NearestKnown
from trajectory.result_parts import CheckResult, Status, StayPoint, StoreStatus, StoreVisit

#: The ``source`` of the errors: a result dict has no file name.
SOURCE = "<result>"
_DERIVED_CHECK_KEYS = ("passed", "status", "reason", "reason_code", "reason_values")


def read_result(data: object, *, track: pd.DataFrame | None = None) -> dict[str, Any]:
    """Keyword arguments of ``DayResult`` from a result dict (see the module docstring).

    ``data["track"]`` (written with ``include_track=True``), when present, becomes the
    ``track`` frame (``time`` UTC, ``lat``, ``lon``); else ``track`` is used as given.
    """
    d = _Obj(data, "")
    tz_name = d.string("timezone")
    try:
        ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _error("timezone", f"unknown time zone {tz_name!r}") from exc
    cleaning = d.obj("cleaning")
    return {
        "manager_id": d.string("manager_id"),
        "date": d.date("date"),
        "timezone": tz_name,
        "stay_points": tuple(_stay(o) for o in d.objects("stay_points")),
        "stores": tuple(_store(o) for o in d.objects("stores")),
        "checks": _checks(d.obj("checks")),
        "cleaning": _cleaning(cleaning),
        "rejected_rows": tuple(_problem(o) for o in d.objects("rejected_rows", required=False)),
        "outside_day_points": cleaning.integer("outside_day", 0),
        "config": dict(d.obj("config", required=False).data),
        "warnings": tuple(_warning(o) for o in d.objects("warnings", required=False)),
        "integrity": read_integrity(d.data.get("integrity")),
        "track": _track(d.obj("track")) if "track" in d.data else track,
    }


def _stay(o: _Obj) -> StayPoint:
    return StayPoint(
        id=o.integer("id"),
        lat=o.number("lat"),
        lon=o.number("lon"),
        arrival=o.time("arrival"),
        departure=o.time("departure"),
        duration_s=o.number("duration_s"),
        n_points=o.integer("n_points"),
        spread_m=o.number("spread_m", nullable=True),
        max_gap_s=o.number("max_gap_s", nullable=True),
        store_id=o.opt_string("store_id"),
        distance_m=o.opt_number("distance_m"),
        revisit=o.flag("revisit", False),
        exempt=o.opt_string("exempt"),
        ambiguous_store_ids=tuple(o.strings("ambiguous_store_ids")),
        confidence=o.opt_number("confidence"),
        arrival_earliest=o.opt_time("arrival_earliest"),
        split_from=o.opt_integer("split_from"),
        market_period=o.opt_integer("market_period") or 0,
        confirmed=o.flag("confirmed", True),
        first_fix_at=o.opt_time("first_fix_at"),
        last_fix_at=o.opt_time("last_fix_at"),
        departure_latest=o.opt_time("departure_latest"),
        bridged_s=o.opt_number("bridged_s"),
        nearest_known=_nearest_known(o),
    )


def _nearest_known(o: _Obj) -> NearestKnown | None:
    """A stay's ``nearest_known`` (null or absent: None; results before issue 17 lack it)."""
    if o.data.get("nearest_known") is None:
        return None
    n = o.obj("nearest_known")
    return NearestKnown(
        n.string("id"), n.string("name"), n.string("kind"), n.number("distance_m", nullable=True)
    )


def _store(o: _Obj) -> StoreVisit:
    status: StoreStatus = o.choice("status", get_args(StoreStatus))
    return StoreVisit(
        store_id=o.string("store_id"),
        store_name=o.string("store_name"),
        seq=o.integer("seq"),
        method=o.string("method"),
        lat=o.number("lat"),
        lon=o.number("lon"),
        reported_visited=o.flag("reported_visited"),
        status=status,
        stay_id=o.opt_integer("stay_id"),
        arrival=o.opt_time("arrival"),
        departure=o.opt_time("departure"),
        visits=o.integer("visits", 0),
        footprint=o.opt_string("footprint"),  # absent before issue 17: a point
    )


def _checks(o: _Obj) -> dict[str, CheckResult]:
    out = {}
    for name in o.data:
        c = o.obj(str(name))
        status: Status = c.choice("status", get_args(Status))
        fields = {k: v for k, v in c.data.items() if k not in _DERIVED_CHECK_KEYS}
        code = c.opt_string("reason_code")  # None: stored before issue 16
        values = dict(c.obj("reason_values", required=False).data) if code is not None else {}
        out[str(name)] = CheckResult(str(name), status, c.string("reason"), fields, code, values)
    return out


def _warning(o: _Obj) -> DayWarning:
    """A warning; results stored before warnings existed have none."""
    return DayWarning(
        o.choice("code", WARNING_CODES), o.string("message"), dict(o.obj("values").data)
    )


def _cleaning(o: _Obj) -> CleaningReport:
    dropped = o.obj("dropped", required=False)
    return CleaningReport(
        input_points=o.integer("input_points"),
        kept_points=o.integer("kept_points"),
        dropped={str(k): dropped.integer(str(k)) for k in dropped.data},
        reordered=o.flag("reordered", False),
    )


def _problem(o: _Obj) -> RowProblem:
    return RowProblem(
        o.string("source"), o.opt_integer("row"), o.opt_string("field"), o.string("reason")
    )


def _track(o: _Obj) -> pd.DataFrame:
    times, lat, lon = o.array("time"), o.array("lat"), o.array("lon")
    if not len(times) == len(lat) == len(lon):
        raise _error(o.path("time"), "time, lat and lon differ in length")
    if not all(isinstance(t, str) for t in times):
        raise _error(o.path("time"), "expected ISO 8601 strings")
    try:
        time = pd.to_datetime(pd.Series(times, dtype=object), utc=True, format="ISO8601")
        coords = {k: np.asarray(v, dtype=np.float64) for k, v in (("lat", lat), ("lon", lon))}
    except (TypeError, ValueError) as exc:
        raise _error(o.path("time"), f"not a track of times and coordinates: {exc}") from exc
    return pd.DataFrame({"time": time, **coords})


def _error(field: str, reason: str) -> InputError:
    return InputError(SOURCE, None, field, reason)


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


class _Obj:
    """A JSON object being read; each getter checks the key's presence and type."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise _error(where or "<top level>", f"expected an object, got {_kind(data)}")
        self.data: Mapping[Any, Any] = data
        self.where = where

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def value(self, key: str, check: Any, expected: str, default: Any = ...) -> Any:
        """The value of ``key`` if ``check(value)``; ``default`` when absent (else missing)."""
        if key not in self.data:
            if default is ...:
                raise _error(self.path(key), "missing")
            return default
        value = self.data[key]
        if not check(value):
            raise _error(self.path(key), f"expected {expected}, got {_kind(value)}")
        return value

    def string(self, key: str) -> str:
        return str(self.value(key, _is_text, "a string"))

    def opt_string(self, key: str) -> str | None:
        v = self.value(key, _is_text_or_none, "a string or null", None)
        return None if v is None else str(v)

    def strings(self, key: str) -> list[str]:
        v = self.value(key, _is_list, "a list of strings", [])
        if not all(isinstance(s, str) for s in v):
            raise _error(self.path(key), "expected a list of strings")
        return [str(s) for s in v]

    def integer(self, key: str, default: int | None = None) -> int:
        return int(self.value(key, _is_int, "an integer", ... if default is None else default))

    def opt_integer(self, key: str) -> int | None:
        v = self.value(key, lambda v: v is None or _is_int(v), "an integer or null", None)
        return None if v is None else int(v)

    def number(self, key: str, *, nullable: bool = False) -> float:
        """A required number; with ``nullable``, null reads as NaN (not finite when written)."""
        if nullable:
            v = self.value(key, lambda v: v is None or _is_number(v), "a number or null")
            return float("nan") if v is None else float(v)
        return float(self.value(key, _is_number, "a number"))

    def opt_number(self, key: str) -> float | None:
        v = self.value(key, lambda v: v is None or _is_number(v), "a number or null", None)
        return None if v is None else float(v)

    def flag(self, key: str, default: bool | None = None) -> bool:
        return bool(self.value(key, _is_bool, "true or false", ... if default is None else default))

    def choice(self, key: str, options: tuple[Any, ...]) -> Any:
        v = self.string(key)
        if v not in options:
            raise _error(self.path(key), f"{v!r} is not one of {', '.join(options)}")
        return v

    def date(self, key: str) -> dt.date:
        v = self.string(key)
        try:
            return dt.date.fromisoformat(v)
        except ValueError as exc:
            raise _error(self.path(key), f"not a YYYY-MM-DD date: {v!r}") from exc

    def time(self, key: str) -> pd.Timestamp:
        t = self.opt_time(key, required=True)
        if t is None:
            raise _error(self.path(key), "expected an ISO 8601 time, got null")
        return t

    def opt_time(self, key: str, *, required: bool = False) -> pd.Timestamp | None:
        """An ISO 8601 time with its UTC offset, as a UTC timestamp; null is None."""
        v = self.value(key, _is_text_or_none, "an ISO 8601 time or null", ... if required else None)
        if v is None:
            return None
        try:
            ts = pd.Timestamp(v)
        except ValueError as exc:
            raise _error(self.path(key), f"not an ISO 8601 time: {v!r}") from exc
        if ts.tzinfo is None:
            raise _error(self.path(key), f"no UTC offset in {v!r}")
        return ts.tz_convert("UTC")

    def obj(self, key: str, *, required: bool = True) -> _Obj:
        return _Obj(
            self.value(key, _is_mapping, "an object", ... if required else {}), self.path(key)
        )

    def array(self, key: str) -> list[Any]:
        return list(self.value(key, _is_list, "a list"))

    def objects(self, key: str, *, required: bool = True) -> list[_Obj]:
        items = self.value(key, _is_list, "a list", ... if required else [])
        return [_Obj(item, f"{self.path(key)}[{i}]") for i, item in enumerate(items)]


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_text_or_none(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple)


def _is_mapping(value: object) -> bool:
    return isinstance(value, Mapping)


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__
