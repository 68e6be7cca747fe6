"""``verify_day``: the one place that knows the order of the steps.

validate -> select the manager-day -> convert to WGS-84 -> clean -> detect stays
-> re-segment market stays -> match stores -> store statuses -> checks.
"""

from __future__ import annotations

__all__ = ["verify_day"]

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from trajectory._frames import Columns
from trajectory.checks import (
    check_on_time_arrival,
    check_trajectory_clear,
    check_visit_count,
)
from trajectory.cleaning import CleaningReport, clean_track
from trajectory.config import CRS_NAMES, ExemptPlace, VerifyConfig
from trajectory.day_crs import exempt_places_of, in_wgs84
from trajectory.day_select import is_onsite, select_tasks
from trajectory.day_warnings import DayWarning, detect_warnings
from trajectory.errors import InputError, RowProblem
from trajectory.footprints import footprints_in_wgs84, store_distances
from trajectory.geodesy import haversine_m
from trajectory.geoframes import fixes_from_geodataframe, is_geodataframe
from trajectory.integrity import TrackFingerprint, check_integrity
from trajectory.known_places import KnownPlaces, name_stays
from trajectory.markets import resegment_columns
from trajectory.matching import match_columns
from trajectory.result import CheckResult, DayResult, StayPoint, StoreVisit
from trajectory.schema import ValidatedTasks, ValidatedTrack, validate_tasks, validate_track
from trajectory.staypoints import SETTLE_S, detect_stay_columns
from trajectory.timestamps import local_day_bounds
from trajectory.visits import stay_records, store_records


def verify_day(
    track: pd.DataFrame | ValidatedTrack,
    tasks: pd.DataFrame | ValidatedTasks,
    config: VerifyConfig | None = None,
    *,
    track_crs: str = "wgs84",
    store_crs: str = "wgs84",
    manager_id: str | None = None,
    date: dt.date | str | None = None,
    on_bad_row: Literal["raise", "skip"] = "raise",
    other_days: Sequence[TrackFingerprint] = (),
    known_places: KnownPlaces | None = None,
) -> DayResult:
    """Verify one manager's day: stays, store matches and the three checks.

    Parameters
    ----------
    track
        Fixes (``manager_id, timestamp, lat, lon[, accuracy_m, speed_mps]``): read by
        :func:`trajectory.io.read_track`, a raw DataFrame, or a GeoDataFrame of points
        (its ``.crs`` converted with pyproj); other managers and days are left out.
    tasks
        The task list (``manager_id, date, seq, store_id, store_name, lat, lon, method
        [, reported_visited, market_id, crs]``), of several days when selected by
        ``manager_id``/``date``.
    config, track_crs, store_crs
        Parameters (None: the defaults); the coordinate systems, ``wgs84``, ``gcj02`` or
        ``bd09`` (a task row's ``crs`` wins).  The result is in WGS-84.
    manager_id, date
        Select the manager-day in a task list of several, or name it for an empty one.
    other_days
        Other days' fingerprints (``integrity.day_fingerprint``) to find a replay of.
    known_places
        Every known store and buyer: names stays at no task store (``nearest_known``).
    on_bad_row
        ``raise``: an InputError (file, row, field) at the first bad row; ``skip``.
    """
    d = _prepare(track, tasks, config, (track_crs, store_crs), manager_id, date, on_bad_row)
    cfg, day, task_df = d.cfg, d.day, d.task_df
    clean, report = _clean(d.points, cfg)
    onsite = task_df.loc[is_onsite(task_df)].sort_values("seq", kind="stable")
    exempt = exempt_places_of(cfg, d.manager_id)
    stay_points = _stay_points(clean, onsite, cfg, exempt, known_places)
    store_visits = tuple(store_records(task_df, stay_points, clean, cfg.min_stay_s))
    warnings = _warnings(d, onsite, stay_points, exempt, store_crs)
    return DayResult(
        manager_id=d.manager_id,
        date=day,
        timezone=cfg.timezone,
        stay_points=stay_points,
        stores=store_visits,
        checks=_run_checks(onsite, store_visits, stay_points, clean, day, cfg),
        cleaning=report,
        rejected_rows=d.rejected,
        outside_day_points=d.outside,
        config=_config_summary(cfg, track_crs, store_crs),
        warnings=warnings,
        integrity=check_integrity(d.points, clean, stay_points, date=day, others=other_days),
        track=clean.loc[:, ["time", "lat", "lon", "source_row"]].reset_index(drop=True),
    )


class _Day(NamedTuple):
    """The manager-day's inputs: validated, selected, in WGS-84, in the day's zone."""

    cfg: VerifyConfig
    manager_id: str
    day: dt.date
    task_df: pd.DataFrame
    points: pd.DataFrame
    outside: int
    lon: np.ndarray
    rejected: tuple[RowProblem, ...]


def _prepare(
    track: pd.DataFrame | ValidatedTrack,
    tasks: pd.DataFrame | ValidatedTasks,
    config: VerifyConfig | None,
    crs_names: tuple[str, str],
    manager_id: str | None,
    date: dt.date | str | None,
    on_bad_row: Literal["raise", "skip"],
) -> _Day:
    """Validate, pick the day's zone, select the manager-day's fixes and convert them."""
    if is_geodataframe(track):  # its CRS honoured here; the rest reads lat/lon
        track = fixes_from_geodataframe(track)
    track_crs, store_crs = crs_names
    vtasks = _validate_tasks(tasks, track_crs, store_crs, on_bad_row)
    cfg = _zoned(config or VerifyConfig(), vtasks, manager_id, date)
    vtrack = _validate_track(track, cfg, on_bad_row)
    task_df, mgr, day, points = _select_day(vtrack, vtasks, manager_id, date)
    lon = points["lon"].to_numpy(dtype=np.float64)
    points, outside = _on_day(points, day, cfg)
    points, task_df = in_wgs84(points, task_df, track_crs, store_crs)
    task_df = footprints_in_wgs84(task_df, cfg.market_footprints, store_crs)
    rejected = tuple(vtrack.rejected) + tuple(vtasks.rejected)
    return _Day(cfg, mgr, day, task_df, points, outside, lon, rejected)


def _warnings(
    d: _Day,
    onsite: pd.DataFrame,
    stays: tuple[StayPoint, ...],
    exempt: tuple[ExemptPlace, ...],
    store_crs: str,
) -> tuple[DayWarning, ...]:
    """The day's warnings (:func:`trajectory.day_warnings.detect_warnings`)."""
    return detect_warnings(
        day=d.day,
        cfg=d.cfg,
        lon=d.lon,
        outside=d.outside,
        onsite=onsite,
        stays=stays,
        exempt_places=exempt,
        store_crs=store_crs,
    )


def _validate_tasks(
    tasks: pd.DataFrame | ValidatedTasks,
    track_crs: str,
    store_crs: str,
    on_bad_row: Literal["raise", "skip"],
) -> ValidatedTasks:
    """The coordinate system names checked, the tasks validated unless they are."""
    for name, value in (("track_crs", track_crs), ("store_crs", store_crs)):
        if value not in CRS_NAMES:
            raise InputError("<arguments>", None, name, f"unknown coordinate system {value!r}")
    if isinstance(tasks, ValidatedTasks):
        return tasks
    return validate_tasks(tasks, on_bad_row=on_bad_row)


def _validate_track(
    track: pd.DataFrame | ValidatedTrack, cfg: VerifyConfig, on_bad_row: Literal["raise", "skip"]
) -> ValidatedTrack:
    """The track validated (naive times read in the day's zone) unless it is."""
    if isinstance(track, ValidatedTrack):
        return track
    return validate_track(track, timezone=cfg.timezone, on_bad_row=on_bad_row)


def _zoned(
    cfg: VerifyConfig, vtasks: ValidatedTasks, manager_id: str | None, date: dt.date | str | None
) -> VerifyConfig:
    """The configuration in the manager-day's zone (:meth:`VerifyConfig.timezone_for`)."""
    if not cfg.market_timezones and not cfg.manager_timezones:
        return cfg
    df, mgr, _ = select_tasks(vtasks, manager_id, date)
    onsite = df.loc[is_onsite(df)].sort_values("seq", kind="stable")
    market = onsite["market_id"].iloc[0] if len(onsite) and "market_id" in onsite else None
    zone = cfg.timezone_for(mgr, None if market is None or pd.isna(market) else str(market))
    return cfg if zone == cfg.timezone else cfg.replace(timezone=zone)


def _select_day(
    vtrack: ValidatedTrack,
    vtasks: ValidatedTasks,
    manager_id: str | None,
    date: dt.date | str | None,
) -> tuple[pd.DataFrame, str, dt.date, pd.DataFrame]:
    """The manager-day's tasks, manager, date and the manager's fixes (all days)."""
    task_df, mgr, day = select_tasks(vtasks, manager_id, date)
    points = vtrack.frame
    if mgr is None:
        ids = points["manager_id"].unique()
        if len(ids) != 1:
            raise InputError(
                vtrack.source,
                None,
                "manager_id",
                "the task list is empty and the track holds several managers; name one",
            )
        mgr = str(ids[0])
    if day is None:
        raise InputError(
            vtasks.source, None, "date", "the task list is empty; name the date to verify"
        )
    as_text = points["manager_id"].astype(str)
    held = set(as_text.unique())
    if held and mgr not in held:
        raise InputError(
            vtrack.source,
            None,
            "manager_id",
            f"the track has no fixes of manager {mgr} (it holds {', '.join(sorted(held)[:5])})",
        )
    if held == {mgr}:  # the usual one-manager track: no copy
        return task_df, mgr, day, points
    return task_df, mgr, day, points.loc[as_text == mgr]


def _on_day(points: pd.DataFrame, day: dt.date, cfg: VerifyConfig) -> tuple[pd.DataFrame, int]:
    """The fixes of the local day (or its working hours; no copy when that is all of
    them) and the count of the others.  The window is a UTC interval: DST-safe, and an
    integer comparison instead of converting every fix to local time."""
    start, end = local_day_bounds(day, cfg.timezone)
    lo, hi = start.as_unit("ns").value, end.as_unit("ns").value - 1
    if cfg.working_hours is not None:
        start_t, end_t = cfg.working_hours
        lo = pd.Timestamp(dt.datetime.combine(day, start_t), tz=cfg.tz).as_unit("ns").value
        hi = pd.Timestamp(dt.datetime.combine(day, end_t), tz=cfg.tz).as_unit("ns").value
    ns = pd.DatetimeIndex(points["time"]).as_unit("ns").asi8
    on_day = (ns >= lo) & (ns <= hi)
    outside = int((~on_day).sum())
    return (points.loc[on_day] if outside else points), outside


def _clean(points: pd.DataFrame, cfg: VerifyConfig) -> tuple[pd.DataFrame, CleaningReport]:
    """``clean_track`` with the configuration's options."""
    return clean_track(
        points,
        max_speed_mps=cfg.max_speed_mps,
        jump_m=cfg.jump_m,
        max_accuracy_m=cfg.max_accuracy_m,
        accuracy_factor=cfg.accuracy_factor,
        accuracy_floor_m=cfg.stay_radius_m,
    )


def _stay_points(
    clean: pd.DataFrame,
    onsite: pd.DataFrame,
    cfg: VerifyConfig,
    exempt: tuple[ExemptPlace, ...],
    known: KnownPlaces | None,
) -> tuple[StayPoint, ...]:
    """The day's stays, matched to the on-site stores and the exempt places (WGS-84), the
    others named after the nearest known place.  The stay table travels as columns
    (``trajectory._frames.Columns``), never as a DataFrame."""
    stays = _detect_stays(clean, onsite, cfg)
    matched = {**stays, **match_columns(stays, onsite, cfg.match_radius_m, exempt)}
    return name_stays(stay_records(matched, clean), known, cfg.known_radius_m)


def _detect_stays(clean: pd.DataFrame, onsite: pd.DataFrame, cfg: VerifyConfig) -> Columns:
    """Stays of the cleaned track, market stays re-segmented by stall when configured."""
    limits = (cfg.min_stay_s, cfg.max_gap_s, cfg.excursion_s, cfg.merge_gap_s, cfg.creep_m)
    stays = detect_stay_columns(clean, cfg.stay_radius_m, (*limits, SETTLE_S))
    if cfg.resegment and len(stays["stay_id"]):
        market = (cfg.min_stay_s, cfg.match_radius_m, cfg.merge_gap_s, cfg.stay_radius_m)
        return resegment_columns(stays, clean, onsite, market)
    return {**stays, "split_from": stays["stay_id"]}


def _run_checks(
    onsite: pd.DataFrame,
    store_visits: tuple[StoreVisit, ...],
    stay_points: tuple[StayPoint, ...],
    clean: pd.DataFrame,
    day: dt.date,
    cfg: VerifyConfig,
) -> dict[str, CheckResult]:
    """The three checks; the arrival deadline is the first on-site store's market's."""
    has_gps = len(clean) > 0
    first_market = onsite["market_id"].iloc[0] if len(onsite) and "market_id" in onsite else None
    deadline_t = cfg.deadline_for(
        None if first_market is None or pd.isna(first_market) else str(first_market)
    )
    deadline = dt.datetime.combine(day, deadline_t, tzinfo=cfg.tz)
    first_fix = pd.Timestamp(clean["time"].iloc[0]) if has_gps else None
    site_stay = _first_site_stay(onsite, stay_points, cfg.match_radius_m)
    return {
        "on_time_arrival": check_on_time_arrival(
            store_visits, stay_points, deadline, first_fix=first_fix, site_stay=site_stay
        ),
        "trajectory_clear": check_trajectory_clear(store_visits, stay_points, has_gps=has_gps),
        "visit_count_match": check_visit_count(store_visits, stay_points, has_gps=has_gps),
    }


def _first_site_stay(
    onsite: pd.DataFrame, stays: tuple[StayPoint, ...], radius_m: float
) -> StayPoint | None:
    """The earliest non-exempt stay within ``radius_m`` of the first on-site store."""
    if onsite.empty or not stays:
        return None
    first = onsite.iloc[0]
    d_first: list[float]
    if "footprint" in onsite:  # distance to its footprint (0 inside) where it has one
        lat, lon = np.array([[s.lat, s.lon] for s in stays]).T
        d_first = store_distances(lat, lon, onsite.iloc[[0]])[:, 0].tolist()
    else:
        f_lat, f_lon = first["lat"], first["lon"]
        d_first = [float(haversine_m(s.lat, s.lon, f_lat, f_lon)) for s in stays]
    near = [s for s, d in zip(stays, d_first, strict=True) if s.exempt is None and d <= radius_m]
    return min(near, key=lambda s: s.arrival) if near else None


def _config_summary(cfg: VerifyConfig, track_crs: str, store_crs: str) -> dict[str, Any]:
    data = asdict(cfg)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dt.time):
            out[key] = value.strftime("%H:%M:%S")
        elif key == "market_deadlines":
            out[key] = {k: v.strftime("%H:%M:%S") for k, v in value.items()}
        elif key == "working_hours":
            out[key] = None if value is None else [v.strftime("%H:%M:%S") for v in value]
        elif key == "exempt_places":
            out[key] = [dict(p) for p in value]
        else:
            out[key] = value
    out["track_crs"] = track_crs
    out["store_crs"] = store_crs
    return out
