"""Verification parameters: one frozen, validated parameter object.

``VerifyConfig`` is passed explicitly to every step (no module globals).  The
defaults are chosen for field managers working wholesale markets on foot and by
car; each is documented on its field.  ``load_config(path)`` reads a TOML file
in which every key is optional.
"""

from __future__ import annotations

__all__ = ["CRS_NAMES", "ExemptPlace", "VerifyConfig", "config_from_mapping", "load_config"]

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from trajectory.errors import ConfigError
from trajectory.tomlconfig import check_known, check_timezone, load_toml_config

#: Coordinate systems trajcheck reads: WGS-84 (GPS), GCJ-02 (Amap/Tencent), BD-09 (Baidu).
CRS_NAMES: tuple[str, ...] = ("wgs84", "gcj02", "bd09")


@dataclass(frozen=True)
class ExemptPlace:
    """A place whose stays are expected and never "unexplained" (office, warehouse, home).

    Stays there are listed in the result with ``exempt`` set to ``name`` and are
    not counted as customer visits.
    """

    name: str
    lat: float
    lon: float
    radius_m: float = 100.0
    crs: str = "wgs84"
    #: Only this manager's place (a home); ``None``: everyone's (the office, a warehouse).
    manager_id: str | None = None


@dataclass(frozen=True)
class VerifyConfig:
    """Parameters of one verification.

    Attributes
    ----------
    timezone
        IANA zone of the working day; naive timestamps are read in it and every
        time in the result carries its offset.  Default ``Asia/Shanghai``.
    arrival_deadline
        Local time by which the first on-site task store must be reached.
        Default 07:30 (wholesale markets trade from before dawn).
    market_deadlines
        Per-market deadlines, keyed by the task list's optional ``market_id``
        column; the first on-site task's market decides.  Default none.
    stay_radius_m
        Radius (m) around the running median of a group within which fixes
        belong to one stay.  Default 50 m: covers 10-30 m phone noise in the
        open and most of the noise under market roofs.
    min_stay_s
        Shortest stay counted as a visit (s).  Default 180 s: longer than a
        red light (30-90 s), shorter than any real sales visit.
    match_radius_m
        Largest distance (m) between a stay and a store for them to match.
        Default 100 m: store coordinates are geocoded addresses and cars park
        15-60 m from the door.
    known_radius_m
        Largest distance (m) at which a stay at no task store is named after the
        nearest known store or buyer (``stay_points[].nearest_known``, given
        ``verify_day(known_places=...)``).  Default 100 m, as ``match_radius_m``:
        the same geocoding error and parking distance.
    max_gap_s
        Longest gap in the fixes (s) bridged inside one stay when the next fix
        is back inside the group (signal lost indoors).  Default 3 h.
    excursion_s
        Longest excursion (s) outside the radius tolerated inside a stay (a walk
        to the car, a burst of bad fixes).  Default 90 s.
    merge_gap_s
        Consecutive stays closer than ``stay_radius_m`` and less than this apart
        in time (s) are one visit split by jitter and are merged.  Default 300 s.
    max_speed_mps
        Speed (m/s) no field manager reaches; fixes that need it are jumps.
        Default 50 m/s (180 km/h).
    jump_m
        A single fix this far (m) off the line between its neighbours, and
        far from both, is a jump and is dropped.  Default 150 m.
    max_accuracy_m
        Fixes reporting a worse horizontal accuracy (m) are dropped.
        Default 200 m (cell-tower fixes).
    accuracy_factor
        Fixes whose accuracy is this many times worse than the track's median
        (and worse than ``stay_radius_m``) are dropped.  Default 5.
    creep_m
        A candidate stay whose first and last quarters are further apart than
        this (m) is creeping traffic, not a visit.  Default 60 m.
    resegment
        Split stays spanning several task stores closer together than the GPS
        spread into per-store visits (wholesale markets).  Default on.
    working_hours
        Local (start, end) window; fixes outside it are ignored (counted as
        ``outside_hours``).  Default none: the whole local day.
    exempt_places
        Office, warehouse, home: stays there are expected, not unexplained.  A task
        store inside one is a store first (stays within ``match_radius_m`` of it
        match it; the result warns).
    market_timezones, manager_timezones
        IANA zones per ``market_id`` and per ``manager_id``, for teams that work
        in several zones: the first on-site task's market decides, then the
        manager, then ``timezone`` (:meth:`timezone_for`).  Default none.
    place_radius_m
        Recurring places across days (``trajcheck week``): unexplained stays whose
        centres are at most this far apart (m) are neighbours (DBSCAN's ``eps``).
        Default 100 m, as ``match_radius_m``.
    place_min_visits
        The fewest unexplained stays (on two days or more) that make a recurring
        place (DBSCAN's ``min_samples``, >= 2).  Default 3.
    market_footprints
        Per ``market_id``, the market hall as a polygon (WKT or GeoJSON text, in the
        run's ``store_crs``): the market's stalls without a footprint of their own are
        inside it, i.e. a stay in the hall is 0 m from them.  Default none.
    """

    timezone: str = "Asia/Shanghai"
    arrival_deadline: dt.time = dt.time(7, 30)
    market_deadlines: Mapping[str, dt.time] = field(default_factory=dict)
    stay_radius_m: float = 50.0
    min_stay_s: float = 180.0
    match_radius_m: float = 100.0
    known_radius_m: float = 100.0
    max_gap_s: float = 3 * 3600.0
    excursion_s: float = 90.0
    merge_gap_s: float = 300.0
    max_speed_mps: float = 50.0
    jump_m: float = 150.0
    max_accuracy_m: float = 200.0
    accuracy_factor: float = 5.0
    creep_m: float = 60.0
    resegment: bool = True
    working_hours: tuple[dt.time, dt.time] | None = None
    exempt_places: tuple[ExemptPlace, ...] = ()
    market_timezones: Mapping[str, str] = field(default_factory=dict)
    manager_timezones: Mapping[str, str] = field(default_factory=dict)
    place_radius_m: float = 100.0
    place_min_visits: int = 3
    market_footprints: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def deadline_for(self, market_id: str | None) -> dt.time:
        """The arrival deadline for a market (the default when it has none)."""
        if market_id is not None and market_id in self.market_deadlines:
            return self.market_deadlines[market_id]
        return self.arrival_deadline

    def timezone_for(self, manager_id: str | None, market_id: str | None) -> str:
        """The zone of a manager-day: its market's, else its manager's, else ``timezone``."""
        if market_id is not None and market_id in self.market_timezones:
            return self.market_timezones[market_id]
        if manager_id is not None and manager_id in self.manager_timezones:
            return self.manager_timezones[manager_id]
        return self.timezone

    def replace(self, **changes: Any) -> VerifyConfig:
        return replace(self, **changes)


_POSITIVE = (
    "stay_radius_m",
    "min_stay_s",
    "match_radius_m",
    "known_radius_m",
    "max_gap_s",
    "max_speed_mps",
    "jump_m",
    "max_accuracy_m",
    "creep_m",
    "place_radius_m",
)
_NON_NEGATIVE = ("excursion_s", "merge_gap_s")


def _validate(cfg: VerifyConfig) -> None:
    for zone in (cfg.timezone, *cfg.market_timezones.values(), *cfg.manager_timezones.values()):
        check_timezone(zone)
    for name in _POSITIVE + _NON_NEGATIVE:
        value = getattr(cfg, name)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ConfigError(f"{name}: expected a finite number, got {value!r}")
        if name in _POSITIVE and value <= 0:
            raise ConfigError(f"{name}: must be > 0, got {value!r}")
        if value < 0:
            raise ConfigError(f"{name}: must be >= 0, got {value!r}")
    _parse_min_visits(cfg.place_min_visits)
    if not cfg.accuracy_factor > 1:
        raise ConfigError(f"accuracy_factor: must be > 1, got {cfg.accuracy_factor!r}")
    if not isinstance(cfg.arrival_deadline, dt.time):
        raise ConfigError("arrival_deadline: expected a local time HH:MM")
    for place in cfg.exempt_places:
        if not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180):
            raise ConfigError(f"exempt_places {place.name!r}: lat/lon out of range")
        if place.crs not in CRS_NAMES:
            raise ConfigError(f"exempt_places {place.name!r}: crs must be one of {CRS_NAMES}")
        if not place.radius_m > 0:
            raise ConfigError(f"exempt_places {place.name!r}: radius_m must be > 0")


def load_config(path: str | Path | None) -> VerifyConfig:
    """Read a TOML configuration file; ``None`` gives the defaults.

    Examples
    --------
    >>> load_config(None).stay_radius_m
    50.0
    """
    return load_toml_config(path, VerifyConfig, config_from_mapping)


def config_from_mapping(data: Mapping[str, Any]) -> VerifyConfig:
    """Build a :class:`VerifyConfig` from plain values (TOML, JSON, API body)."""
    check_known(data, (f.name for f in fields(VerifyConfig)))
    kwargs = {key: _parse_value(key, value) for key, value in data.items()}
    return VerifyConfig(**kwargs)


def _parse_value(key: str, value: Any) -> Any:
    """One configuration value, checked and converted (a number unless named here)."""
    if key == "arrival_deadline":
        return _parse_time(key, value)
    if key == "market_deadlines":
        return _parse_market_deadlines(value)
    if key == "working_hours":
        return _parse_working_hours(value)
    if key == "exempt_places":
        return tuple(_parse_place(i, v) for i, v in enumerate(value))
    if key in ("market_timezones", "manager_timezones"):
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            raise ConfigError(f'{key}: expected a table of id = "Area/City"')
        return {str(k): v for k, v in value.items()}
    if key in ("timezone",):
        if not isinstance(value, str):
            raise ConfigError('timezone: expected a string such as "Asia/Shanghai"')
        return value
    if key in _CHECKED:
        return _CHECKED[key](value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{key}: expected a number, got {value!r}")
    return float(value)


def _parse_resegment(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError("resegment: expected true or false")
    return value


def _parse_market_footprints(value: Any) -> dict[str, str]:
    """``market_footprints``: a table of market_id = polygon text, each one readable."""
    from trajectory.footprint_text import parse_footprint  # shapely, only when configured

    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError('market_footprints: expected a table of market_id = "POLYGON((...))"')
    for key, text in value.items():
        try:
            parse_footprint(text)
        except ValueError as exc:
            raise ConfigError(f"market_footprints.{key}: {exc}") from exc
    return {str(k): v.strip() for k, v in value.items()}


def _parse_min_visits(value: Any) -> int:
    """``place_min_visits``: an integer >= 2 (DBSCAN's ``min_samples``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"place_min_visits: expected an integer, got {value!r}")
    if value < 2:
        raise ConfigError(f"place_min_visits: must be >= 2, got {value!r}")
    return value


#: Settings checked by a parser of their own (the rest are numbers or named in _parse_value).
_CHECKED: dict[str, Callable[[Any], Any]] = {
    "resegment": _parse_resegment,
    "place_min_visits": _parse_min_visits,
    "market_footprints": _parse_market_footprints,
}


def _parse_market_deadlines(value: Any) -> dict[str, dt.time]:
    if not isinstance(value, Mapping):
        raise ConfigError('market_deadlines: expected a table of market_id = "HH:MM"')
    return {str(k): _parse_time(f"market_deadlines.{k}", v) for k, v in value.items()}


def _parse_working_hours(value: Any) -> tuple[dt.time, dt.time] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ConfigError('working_hours: expected ["HH:MM", "HH:MM"]')
    return (_parse_time("working_hours", value[0]), _parse_time("working_hours", value[1]))


def _parse_time(name: str, value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text == "24:00":
            return dt.time(23, 59, 59, 999999)
        for fmt in ("%H:%M", "%H:%M:%S"):
            try:
                return dt.datetime.strptime(text, fmt).time()
            except ValueError:
                pass
    raise ConfigError(f'{name}: expected a local time "HH:MM", got {value!r}')


def _parse_place(index: int, value: Any) -> ExemptPlace:
    if not isinstance(value, Mapping):
        raise ConfigError(f"exempt_places[{index}]: expected a table with name, lat, lon")
    try:
        return ExemptPlace(
            name=str(value["name"]),
            lat=float(value["lat"]),
            lon=float(value["lon"]),
            radius_m=float(value.get("radius_m", 100.0)),
            crs=str(value.get("crs", "wgs84")),
            manager_id=None if value.get("manager_id") is None else str(value["manager_id"]),
        )
    except KeyError as exc:
        raise ConfigError(f"exempt_places[{index}]: missing {exc.args[0]}") from exc
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"exempt_places[{index}]: {exc}") from exc
