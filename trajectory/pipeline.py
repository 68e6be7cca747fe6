"""``verify_day``: the one place that knows the order of the steps.

validate -> select the manager-day -> convert to WGS-84 -> clean -> detect stays
-> re-segment market stays -> match stores -> store statuses -> checks.
"""

from __future__ import annotations

__all__ = ["verify_day"]

import datetime as dt
from dataclasses import asdict
from typing import Any, Literal

import numpy as np
import pandas as pd

from trajectory import crs as crs_mod
from trajectory.checks import (
    ARRIVAL_GAP_S,
    check_on_time_arrival,
    check_trajectory_clear,
    check_visit_count,
)
from trajectory.cleaning import clean_track
from trajectory.config import CRS_NAMES, ExemptPlace, VerifyConfig
from trajectory.errors import InputError
from trajectory.geodesy import haversine_m
from trajectory.markets import resegment_stays
from trajectory.matching import match_stores
from trajectory.result import DayResult, StayPoint, StoreStatus, StoreVisit
from trajectory.schema import ValidatedTasks, ValidatedTrack, validate_tasks, validate_track
from trajectory.staypoints import detect_stay_points

#: Fastest plausible average urban travel speed (m/s) when asking whether a GPS
#: gap could have held a visit.
_GAP_TRAVEL_MPS = 10.0


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
) -> DayResult:
    """Verify one manager's day: stays, store matches and the three checks.

    Parameters
    ----------
    track
        GPS fixes (``manager_id, timestamp, lat, lon[, accuracy_m, speed_mps]``)
        as read by :func:`trajectory.io.read_track` or a raw DataFrame; may hold
        other managers and days, which are left out.
    tasks
        The task list (``manager_id, date, seq, store_id, store_name, lat, lon,
        method[, reported_visited, market_id]``) of one manager-day, or several
        when ``manager_id``/``date`` select one.
    config
        Parameters; the defaults when None.
    track_crs, store_crs
        Coordinate systems of the track and of the stores: ``wgs84``, ``gcj02``
        or ``bd09``.  Everything is converted to WGS-84 with the exact
        (iterative) inverse; the result is in WGS-84.
    manager_id, date
        Select the manager-day when the task list holds several, or name it
        when the task list is empty.
    on_bad_row
        ``raise`` stops at the first bad row (InputError naming file, row and
        field); ``skip`` leaves bad rows out and lists them in the result.

    Returns
    -------
    DayResult
    """
    cfg = config or VerifyConfig()
    for name, value in (("track_crs", track_crs), ("store_crs", store_crs)):
        if value not in CRS_NAMES:
            raise InputError("<arguments>", None, name, f"unknown coordinate system {value!r}")
    vtasks = (
        tasks if isinstance(tasks, ValidatedTasks) else validate_tasks(tasks, on_bad_row=on_bad_row)
    )
    vtrack = (
        track
        if isinstance(track, ValidatedTrack)
        else validate_track(track, timezone=cfg.timezone, on_bad_row=on_bad_row)
    )
    task_df, mgr, day = _select_tasks(vtasks, manager_id, date)
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
    held = set(points["manager_id"].astype(str).unique())
    if held and mgr not in held:
        raise InputError(
            vtrack.source,
            None,
            "manager_id",
            f"the track has no fixes of manager {mgr} (it holds {', '.join(sorted(held)[:5])})",
        )
    points = points.loc[points["manager_id"].astype(str) == mgr]
    # The local day (or its working hours) as a UTC interval: DST-safe, and an
    # integer comparison instead of converting every fix to local time.
    start_t, end_t = cfg.working_hours if cfg.working_hours is not None else (dt.time(0), None)
    lo = pd.Timestamp(dt.datetime.combine(day, start_t), tz=cfg.tz).as_unit("ns").value
    hi = (
        pd.Timestamp(dt.datetime.combine(day, end_t), tz=cfg.tz).as_unit("ns").value
        if end_t
        else pd.Timestamp(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0)), tz=cfg.tz)
        .as_unit("ns")
        .value
        - 1
    )
    ns = pd.DatetimeIndex(points["time"]).as_unit("ns").asi8
    on_day = (ns >= lo) & (ns <= hi)
    outside = int((~on_day).sum())
    points = points.loc[on_day]
    if track_crs != "wgs84" and len(points):
        lat, lon = crs_mod.to_wgs84(points["lat"].to_numpy(), points["lon"].to_numpy(), track_crs)
        points = points.assign(lat=lat, lon=lon)
    task_df = task_df.copy()
    if store_crs != "wgs84" and len(task_df):
        lat, lon = crs_mod.to_wgs84(task_df["lat"].to_numpy(), task_df["lon"].to_numpy(), store_crs)
        task_df["lat"], task_df["lon"] = lat, lon
    exempt = tuple(_exempt_wgs84(p) for p in cfg.exempt_places)

    clean, report = clean_track(
        points,
        max_speed_mps=cfg.max_speed_mps,
        jump_m=cfg.jump_m,
        max_accuracy_m=cfg.max_accuracy_m,
        accuracy_factor=cfg.accuracy_factor,
        accuracy_floor_m=cfg.stay_radius_m,
    )
    stays = detect_stay_points(
        clean,
        radius_m=cfg.stay_radius_m,
        min_stay_s=cfg.min_stay_s,
        max_gap_s=cfg.max_gap_s,
        excursion_s=cfg.excursion_s,
        merge_gap_s=cfg.merge_gap_s,
        creep_m=cfg.creep_m,
    )
    onsite = task_df.loc[task_df["method"] == "onsite"].sort_values("seq", kind="stable")
    if cfg.resegment and len(stays):
        stays = resegment_stays(
            stays,
            clean,
            onsite,
            min_stay_s=cfg.min_stay_s,
            match_radius_m=cfg.match_radius_m,
            merge_gap_s=cfg.merge_gap_s,
        )
    elif len(stays):
        stays = stays.assign(split_from=stays["stay_id"])
    else:
        stays = stays.assign(split_from=pd.Series(dtype="int64"))
    matched = match_stores(stays, onsite, radius_m=cfg.match_radius_m, exempt_places=exempt)
    stay_points = tuple(_stay_points(matched, clean))
    has_gps = len(clean) > 0
    store_visits = tuple(_store_visits(task_df, stay_points, clean, cfg))
    first_market = onsite["market_id"].iloc[0] if len(onsite) and "market_id" in onsite else None
    deadline_t = cfg.deadline_for(
        None if first_market is None or pd.isna(first_market) else str(first_market)
    )
    deadline = dt.datetime.combine(day, deadline_t, tzinfo=cfg.tz)
    first_fix = pd.Timestamp(clean["time"].iloc[0]) if has_gps else None
    site_stay = _first_site_stay(onsite, stay_points, cfg.match_radius_m)
    checks = {
        "on_time_arrival": check_on_time_arrival(
            store_visits, stay_points, deadline, first_fix=first_fix, site_stay=site_stay
        ),
        "trajectory_clear": check_trajectory_clear(store_visits, stay_points, has_gps=has_gps),
        "visit_count_match": check_visit_count(store_visits, stay_points, has_gps=has_gps),
    }
    return DayResult(
        manager_id=mgr,
        date=day,
        timezone=cfg.timezone,
        stay_points=stay_points,
        stores=store_visits,
        checks=checks,
        cleaning=report,
        rejected_rows=tuple(vtrack.rejected) + tuple(vtasks.rejected),
        outside_day_points=outside,
        config=_config_summary(cfg, track_crs, store_crs),
        track=clean.loc[:, ["time", "lat", "lon", "source_row"]].reset_index(drop=True),
    )


def _first_site_stay(
    onsite: pd.DataFrame, stays: tuple[StayPoint, ...], radius_m: float
) -> StayPoint | None:
    """The earliest non-exempt stay within ``radius_m`` of the first on-site store."""
    if onsite.empty or not stays:
        return None
    first = onsite.iloc[0]
    near = [
        s
        for s in stays
        if s.exempt is None
        and float(haversine_m(s.lat, s.lon, first["lat"], first["lon"])) <= radius_m
    ]
    return min(near, key=lambda s: s.arrival) if near else None


def _select_tasks(
    vtasks: ValidatedTasks, manager_id: str | None, date: dt.date | str | None
) -> tuple[pd.DataFrame, str | None, dt.date | None]:
    df = vtasks.frame
    want_date = dt.date.fromisoformat(date) if isinstance(date, str) else date
    if manager_id is not None:
        df = df.loc[df["manager_id"].astype(str) == str(manager_id)]
    if want_date is not None:
        df = df.loc[df["date"] == want_date]
    pairs = df[["manager_id", "date"]].drop_duplicates()
    if len(pairs) > 1:
        listed = ", ".join(f"{m} {d}" for m, d in pairs.head(5).itertuples(index=False))
        raise InputError(
            vtasks.source,
            None,
            "manager_id",
            f"the task list holds several manager-days ({listed}); verify one at a time "
            "(select with manager_id and date)",
        )
    if len(pairs) == 1:
        m, d = pairs.iloc[0]
        return df, str(m), d
    return df, manager_id, want_date


def _exempt_wgs84(place: ExemptPlace) -> ExemptPlace:
    if place.crs == "wgs84":
        return place
    lat, lon = crs_mod.to_wgs84(np.array([place.lat]), np.array([place.lon]), place.crs)
    return ExemptPlace(place.name, float(lat[0]), float(lon[0]), place.radius_m, "wgs84")


def _stay_points(matched: pd.DataFrame, clean: pd.DataFrame) -> list[StayPoint]:
    out = []
    times = pd.DatetimeIndex(clean["time"]) if len(clean) else None
    for row in matched.to_dict("records"):
        earliest = None
        gap = float(row["arrival_gap_s"])
        if times is not None and np.isfinite(gap) and gap > ARRIVAL_GAP_S:
            earliest = times[int(row["first_fix"]) - 1]
        period = int(row.get("market_period", 0))
        out.append(
            StayPoint(
                id=int(row["stay_id"]),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                arrival=pd.Timestamp(row["arrival"]),
                departure=pd.Timestamp(row["departure"]),
                duration_s=float(row["duration_s"]),
                n_points=int(row["n_points"]),
                spread_m=float(row["spread_m"]),
                max_gap_s=float(row["max_gap_s"]),
                store_id=None if _missing(row["store_id"]) else str(row["store_id"]),
                distance_m=None if _missing(row["distance_m"]) else float(row["distance_m"]),
                revisit=bool(row["revisit"]),
                exempt=None if _missing(row["exempt"]) else str(row["exempt"]),
                ambiguous_store_ids=tuple(str(s) for s in row["ambiguous_store_ids"]),
                confidence=None if _missing(row["confidence"]) else float(row["confidence"]),
                arrival_earliest=earliest,
                split_from=int(row["split_from"]),
                market_period=period,
                confirmed=bool(row.get("confirmed", True)),
                period_visits=(int(row["period_visits_min"]), int(row["period_visits_max"]))
                if period
                else None,
            )
        )
    return out


def _missing(value: object) -> bool:
    if value is None or isinstance(value, list | tuple):
        return value is None
    return bool(pd.isna(value))  # type: ignore[call-overload]


def _store_visits(
    tasks: pd.DataFrame, stays: tuple[StayPoint, ...], clean: pd.DataFrame, cfg: VerifyConfig
) -> list[StoreVisit]:
    out = []
    gaps = _gps_gaps(clean, stays, cfg.min_stay_s)
    for task in tasks.sort_values("seq", kind="stable").to_dict("records"):
        sid = str(task["store_id"])
        mine = sorted((s for s in stays if s.store_id == sid), key=lambda s: s.arrival)
        status: StoreStatus
        if task["method"] != "onsite":
            status = "not_expected"
        elif mine:
            # only market visits a stricter segmentation does not confirm: ambiguous
            status = "visited" if any(s.confirmed for s in mine) else "ambiguous"
        elif len(clean) == 0:
            status = "no_gps"
        elif any(sid in s.ambiguous_store_ids for s in stays):
            status = "ambiguous"
        elif _fits_in_gap(gaps, float(task["lat"]), float(task["lon"]), cfg.min_stay_s):
            status = "unseen"
        else:
            status = "not_visited"
        first = mine[0] if mine and task["method"] == "onsite" else None
        out.append(
            StoreVisit(
                store_id=sid,
                store_name=str(task["store_name"]),
                seq=int(task["seq"]),
                method=str(task["method"]),
                lat=float(task["lat"]),
                lon=float(task["lon"]),
                reported_visited=bool(task["reported_visited"]),
                status=status,
                stay_id=first.id if first else None,
                arrival=first.arrival if first else None,
                departure=first.departure if first else None,
                visits=len(mine) if first else 0,
            )
        )
    return out


def _gps_gaps(clean: pd.DataFrame, stays: tuple[StayPoint, ...], min_stay_s: float) -> pd.DataFrame:
    """Gaps between consecutive fixes, outside any stay, long enough to hold a visit.

    A gap inside a stay is indoor signal loss at that place (the fixes before
    and after it are at the same spot), not a window for another visit.
    """
    if len(clean) < 2:
        return pd.DataFrame(columns=["dt_s", "lat0", "lon0", "lat1", "lon1"])
    ns = pd.DatetimeIndex(clean["time"]).as_unit("ns").asi8
    dt_s = np.diff(ns) / 1e9
    inside = np.zeros(ns.size - 1, dtype=bool)
    for s in stays:
        a = pd.Timestamp(s.arrival).as_unit("ns").value
        b = pd.Timestamp(s.departure).as_unit("ns").value
        inside |= (ns[:-1] >= a) & (ns[1:] <= b)
    idx = np.flatnonzero((dt_s > min_stay_s) & ~inside)
    lat = clean["lat"].to_numpy()
    lon = clean["lon"].to_numpy()
    return pd.DataFrame(
        {
            "dt_s": dt_s[idx],
            "lat0": lat[idx],
            "lon0": lon[idx],
            "lat1": lat[idx + 1],
            "lon1": lon[idx + 1],
        }
    )


def _fits_in_gap(gaps: pd.DataFrame, lat: float, lon: float, min_stay_s: float) -> bool:
    if gaps.empty:
        return False
    d_in = haversine_m(gaps["lat0"], gaps["lon0"], lat, lon)
    d_out = haversine_m(lat, lon, gaps["lat1"], gaps["lon1"])
    need = (d_in + d_out) / _GAP_TRAVEL_MPS + min_stay_s
    return bool(np.any(need <= gaps["dt_s"].to_numpy()))


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
