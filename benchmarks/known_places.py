"""Naming unexplained stays (issue 17): scikit-learn's BallTree vs shapely's STRtree.

100k generated known stores over one metropolitan area (about 65 x 67 km, one store
per 0.04 km^2: a dense master), 1,000 generated manager-days of 8 unexplained stays
each (half 0-80 m from a store, half anywhere).  Both indexes answer the same
question: the nearest store within 100 m by great-circle distance.

* BallTree (haversine metric, radians): ``trajectory.known_places.KnownPlaces``,
  exact nearest neighbour, then the radius filter.
* STRtree (shapely 2, points in degrees): ``dwithin`` candidates in a box wide enough
  for the radius at the area's highest latitude, then exact haversine distances and
  the nearest candidate per stay (vectorised).  ``query_nearest`` alone would be
  nearest in degrees, which is not nearest in metres away from the equator.

Measured: index build (from validated WGS-84 coordinates), all 8,000 stays in one
query, and 1,000 per-day queries (what ``verify_day`` does, one query per day), the
whole ``KnownPlaces.from_frame`` (validation of 100k raw rows included), and the
goal: build + 1,000 per-day queries under 1 s.  Best of ``--repeat`` runs.

Usage::

    python benchmarks/known_places.py                 # prints the table
    python benchmarks/known_places.py --out benchmarks/results/known_places.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trajectory.geodesy import EARTH_RADIUS_M, haversine_m
from trajectory.known_places import KnownPlaces, name_stays
from trajectory.result_parts import StayPoint

RADIUS_M = 100.0
BOX = (30.90, 31.50, 121.10, 121.80)  # lat_min, lat_max, lon_min, lon_max (Shanghai)


def stores(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "id": [f"S{i:06d}" for i in range(n)],
            "name": [f"store {i}" for i in range(n)],
            "lat": rng.uniform(BOX[0], BOX[1], n),
            "lon": rng.uniform(BOX[2], BOX[3], n),
        }
    )


def days(master: pd.DataFrame, n_days: int, per_day: int, seed: int = 1) -> list[np.ndarray]:
    """Per day an (per_day, 2) array of stay (lat, lon): half near a store, half anywhere."""
    rng = np.random.default_rng(seed)
    n = n_days * per_day
    near = rng.random(n) < 0.5
    pick = rng.integers(0, len(master), n)
    bearing = rng.uniform(0, 2 * np.pi, n)
    off = rng.uniform(0, 80, n) / EARTH_RADIUS_M
    lat0 = master["lat"].to_numpy()[pick]
    lon0 = master["lon"].to_numpy()[pick]
    lat = np.where(near, lat0 + np.degrees(off * np.cos(bearing)), rng.uniform(BOX[0], BOX[1], n))
    lon = np.where(
        near,
        lon0 + np.degrees(off * np.sin(bearing)) / np.cos(np.radians(lat0)),
        rng.uniform(BOX[2], BOX[3], n),
    )
    both = np.column_stack([lat, lon])
    return list(both.reshape(n_days, per_day, 2))


class StrIndex:
    """shapely's STRtree over the same points, answering the same question."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray) -> None:
        import shapely

        self.lat, self.lon = lat, lon
        self.tree = shapely.STRtree(shapely.points(lon, lat))
        # degrees of longitude shrink with latitude: the box must hold the radius there
        widest = np.cos(np.radians(np.max(np.abs(lat))))
        self.r_deg = float(np.degrees(RADIUS_M / EARTH_RADIUS_M) / widest)

    def nearest(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import shapely

        q, s = self.tree.query(shapely.points(lon, lat), predicate="dwithin", distance=self.r_deg)
        d = haversine_m(lat[q], lon[q], self.lat[s], self.lon[s])
        ok = d <= RADIUS_M
        q, s, d = q[ok], s[ok], d[ok]
        order = np.lexsort((d, q))
        q, s, d = q[order], s[order], d[order]
        first = np.r_[True, q[1:] != q[:-1]] if len(q) else np.zeros(0, dtype=bool)
        idx = np.full(len(lat), -1, dtype=np.int64)
        dist = np.full(len(lat), np.nan)
        idx[q[first]] = s[first]
        dist[q[first]] = d[first]
        return idx, dist


def _records(day: np.ndarray) -> tuple[StayPoint, ...]:
    """A day's stays as ``verify_day`` holds them (every one at no task store)."""
    t0 = pd.Timestamp("2026-11-20T00:00:00Z")
    return tuple(
        StayPoint(i, float(la), float(lo), t0, t0, 600.0, 60, 10.0, 5.0)
        for i, (la, lo) in enumerate(day.tolist(), start=1)
    )


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def measure(n_stores: int, n_days: int, per_day: int, repeat: int) -> dict[str, Any]:
    master = stores(n_stores)
    stays = days(master, n_days, per_day)
    every = np.concatenate(stays)
    lat, lon = master["lat"].to_numpy(), master["lon"].to_numpy()
    validated = KnownPlaces.from_frame(master).frame
    res: dict[str, Any] = {}
    res["from_frame"], _ = best(lambda: KnownPlaces.from_frame(master), repeat)
    res["bt_build"], bt = best(lambda: KnownPlaces(validated), repeat)
    res["st_build"], st = best(lambda: StrIndex(lat, lon), repeat)
    res["bt_all"], bt_out = best(lambda: bt.nearest(every[:, 0], every[:, 1], RADIUS_M), repeat)
    res["st_all"], st_out = best(lambda: st.nearest(every[:, 0], every[:, 1]), repeat)
    res["bt_days"], _ = best(
        lambda: [bt.nearest(d[:, 0], d[:, 1], RADIUS_M) for d in stays], repeat
    )
    res["st_days"], _ = best(lambda: [st.nearest(d[:, 0], d[:, 1]) for d in stays], repeat)
    records = [_records(d) for d in stays]
    res["bt_name"], _ = best(lambda: [name_stays(r, bt, RADIUS_M) for r in records], repeat)
    same = np.allclose(bt_out[1], st_out[1], equal_nan=True, rtol=0, atol=1e-3)
    res["agree"] = bool(same)
    res["named"] = float((bt_out[0] >= 0).mean())
    res["stays"] = len(every)
    return res


def table(res: dict[str, Any], n_stores: int, n_days: int) -> list[str]:
    ms = {k: v * 1000 for k, v in res.items() if isinstance(v, float) and k != "named"}
    bt_goal = ms["bt_build"] + ms["bt_days"]
    st_goal = ms["st_build"] + ms["st_days"]
    return [
        f"| index | build ({n_stores:,} stores) | {res['stays']:,} stays, one query "
        f"| {n_days:,} per-day queries | build + per-day (goal < 1 s) |",
        "|---|--:|--:|--:|--:|",
        f"| BallTree (haversine) | {ms['bt_build']:.0f} ms | {ms['bt_all']:.0f} ms "
        f"| {ms['bt_days']:.0f} ms | **{bt_goal:.0f} ms** |",
        f"| STRtree (+ haversine refine) | {ms['st_build']:.0f} ms | {ms['st_all']:.0f} ms "
        f"| {ms['st_days']:.0f} ms | {st_goal:.0f} ms |",
        "",
        f"`name_stays` (what `verify_day` calls: query and `nearest_known` records) on the "
        f"{n_days:,} days: {ms['bt_name']:.0f} ms; with the BallTree build: "
        f"**{ms['bt_build'] + ms['bt_name']:.0f} ms**.  "
        f"`KnownPlaces.from_frame` on {n_stores:,} raw rows (validation, conversion, BallTree): "
        f"{ms['from_frame']:.0f} ms.  Stays named within {RADIUS_M:g} m: {res['named']:.0%}; "
        f"both indexes give the same stores: {'yes' if res['agree'] else 'NO'}.",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stores", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=1_000)
    ap.add_argument("--per-day", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    res = measure(args.stores, args.days, args.per_day, args.repeat)
    import shapely
    import sklearn

    header = (
        f"Known places, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, best of {args.repeat}, "
        f"{platform.processor() or platform.machine()} ({os.cpu_count()} cores, one used), "
        f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
        f"shapely {shapely.__version__}, NumPy {np.__version__}."
    )
    lines = [header, "", *table(res, args.stores, args.days)]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
