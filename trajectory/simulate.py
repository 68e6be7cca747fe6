"""Seeded generator of realistic manager-days with ground truth (samples, golden tests, benchmark).

A day is planned in metres around a random centre in a Chinese city: a street grid
with irregular blocks (150-450 m) at a random angle, stores on its streets
300 m-3 km apart, on market days a roofed hall with stalls in rows 15-60 m apart.
The manager starts at home or the warehouse (06:00-07:00 on ordinary days), drives
(car 9-14 m/s, e-bike 5-7 m/s) along the grid with turns, red lights (30-90 s) and
queues, parks 15-60 m from the door (e-bike 3-15 m), walks in and moves about
inside; the listed store coordinate is the door geocoded 5-30 m off (stalls 3-12 m).  The path is
sampled like a phone does and corrupted like one: Gauss-Markov noise per axis, 5-15 m
outdoors and 15-40 m indoors or under a market roof (time constant 30-120 s), slow
indoor drift (20-80 m), single jumps (100-2000 m), bursts of 3-8 cell/Wi-Fi fixes
300-1500 m off (bad ``accuracy_m`` reported half the time), indoor signal gaps,
missing speeds, duplicated uploads and shuffled rows.

Nothing here knows the detector; the figures are field figures, drawn per day.
Verdicts are never knife-edge: on-time days reach the first on-site store by 07:20,
late days at 07:40 or later, and every true visit lasts at least 4 minutes.

References
----------
.. [1] J. Rankin, "An error model for sensor simulation GPS and differential GPS",
   IEEE PLANS 1994 (first-order Gauss-Markov GPS error).
"""

from __future__ import annotations

__all__ = ["SCENARIOS", "SimulatedDay", "generate_day"]

import itertools
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.signal import lfilter

from trajectory.geodesy import LocalProjection

Arr = npt.NDArray[np.float64]

# fmt: off
# Field rates of an ordinary day; each scenario overrides a few of them.
_BASE: dict[str, Any] = {
    "market": False,        # a wholesale-market day (6-12 stalls, then 0-3 district stores)
    "late": False,          # first on-site store reached 07:40-08:40 instead of 06:40-07:20
    "skip": False,          # one on-site store (never seq 1) skipped, still reported visited
    "swap": 0,              # 1: two stalls visited in swapped adjacent order, 2: any two swapped
    "extra": False,         # an unexplained 10-30 min stop >= 400 m from every task store
    "revisit": False,       # the first or second store visited again at the end, > 1 h later
    "phone_chat": False,    # 2-4 phone/chat tasks, one of them seq 1
    "track_crs": "wgs84",
    "store_crs": "wgs84",
    "sampling": 5.0,        # nominal interval (s); 0 means irregular, log-uniform 1-60 s
    "jumps_h": 1.0,         # single jumps per hour (x 0.5-1.5 per day)
    "bursts_h": 0.3,        # bursts of cell/Wi-Fi fixes per hour (x 0.5-1.5), 3x likelier indoors
    "gap_p": 0.15,          # share of indoor visits with a signal gap ...
    "gap_min": (5.0, 12.0), # ... this long (min); stalls 2-8 min
    "drift_p": 0.08,        # share of indoor visits whose fixes drift 20-80 m
    "jam_p": 0.1,           # share of drives with a stop-and-go queue (150-500 m, 0-2 m/s)
    "jam_near": False,      # one queue on the street of a store just left or about to be entered
    "phone_gap": False,     # the phone logs nothing for 25-35 min around a drive
    "messy": False,         # upload batches duplicated and out of order
    "min_visit_min": 5.0,   # shortest district visit (min); visits last up to 40 min
}
_SCENARIO_PARAMS: dict[str, dict[str, Any]] = {
    "compliant": {},
    "late": {"late": True},
    "skipped_store": {"skip": True},
    "extra_stop": {"extra": True},
    "market": {"market": True, "swap": 1},
    "gcj02_stores": {"store_crs": "gcj02"},
    "track_gcj02": {"track_crs": "gcj02"},
    "heavy_outliers": {"jumps_h": 18.0, "bursts_h": 4.0},
    "sampling_1s": {"sampling": 1.0},
    "sampling_30s": {"sampling": 30.0},
    "irregular_sampling": {"sampling": 0.0},
    "traffic_jam": {"jam_p": 0.5, "jam_near": True},
    "revisit": {"revisit": True},
    "indoor_gaps": {"gap_p": 0.75, "gap_min": (8.0, 25.0)},
    "phone_gap": {"phone_gap": True, "min_visit_min": 15.0},
    "messy_rows": {"messy": True},
    "drift_indoors": {"drift_p": 0.75},
    "market_skip": {"market": True, "skip": True, "swap": 2},
    "phone_chat_tasks": {"phone_chat": True},
}
#: Scenario names accepted by :func:`generate_day`.
SCENARIOS: tuple[str, ...] = tuple(_SCENARIO_PARAMS)

# Shanghai, Beijing, Guangzhou, Chengdu, Shenzhen, Wuhan
_CITIES = ((31.2304, 121.4737), (39.9042, 116.4074), (23.1291, 113.2644),
           (30.5728, 104.0668), (22.5431, 114.0579), (30.5928, 114.3055))
_UTC_OFFSET_S = 8 * 3600  # Asia/Shanghai, no DST
# Error (m) of listed coordinates: stores are geocoded addresses; stalls are pinned by
# hand on the market plan (an assumption: geocoding cannot tell stalls 15 m apart).
_STORE_ERROR_M = (5.0, 30.0)
_STALL_ERROR_M = (3.0, 12.0)
_PREFIX = ("王记", "李记", "老陈", "张家", "阿芳", "惠民",
           "丰收", "鲜达", "绿源", "好邻居", "金果园", "佳禾")
_KIND = ("生鲜超市", "水果店", "蔬菜店", "冻品店", "鲜肉铺", "粮油店", "海鲜档", "果蔬便利店")
_ROAD = ("长宁路", "中山北路", "天河路", "人民南路", "建设路",
         "解放路", "和平街", "文化路", "新华路")
_STALL = ("鲜丰", "万家", "顺发", "众鑫", "宏达", "利民", "广源", "金穗")
_GOODS = ("水果", "蔬菜", "冻品", "海鲜", "禽蛋", "干货", "粮油", "菌菇")
# fmt: on


@dataclass(frozen=True, eq=False)
class SimulatedDay:
    """One generated manager-day with its ground truth.

    Attributes
    ----------
    track
        Fixes as a phone uploads them: ``manager_id, timestamp`` (ISO 8601, second
        resolution, ``+08:00``), ``lat, lon`` (in ``track_crs``), ``accuracy_m``,
        ``speed_mps`` (NaN where the phone gave none).
    tasks
        The day's task list (``TASK_COLUMNS`` plus ``reported_visited``), coordinates
        in ``store_crs``.
    visits
        True stops of at least 4 min in time order: ``kind`` (store, unexplained,
        exempt), ``store_id`` (None unless a store), ``lat, lon`` (WGS-84, where the
        person stood), ``arrival_utc, departure_utc``.
    expected
        ``on_time_arrival``, ``trajectory_clear``, ``visit_count_match`` under the
        default configuration plus ``config``, computed from ``visits``.
    config
        Configuration overrides the day needs (``exempt_places`` when the day starts
        at home or the warehouse), else ``{}``.
    point_truth
        Per ``track`` row (same order): ``true_lat, true_lon`` (WGS-84), ``indoor``,
        ``fault`` ("", "jump", "burst") and ``drift_m``; for benchmarks of cleaning.
    """

    track: pd.DataFrame
    tasks: pd.DataFrame
    visits: pd.DataFrame
    track_crs: str
    store_crs: str
    expected: dict[str, bool]
    config: dict[str, Any]
    scenario: str
    seed: int
    notes: str
    point_truth: pd.DataFrame


def generate_day(
    scenario: str,
    seed: int,
    *,
    sampling_s: float | None = None,
    date: str = "2026-11-20",
    manager_id: str | None = None,
) -> SimulatedDay:
    """Generate one manager-day of ``scenario``, reproducible from ``seed``.

    Parameters
    ----------
    scenario
        One of :data:`SCENARIOS`.
    seed
        Non-negative integer; the same (scenario, seed) always gives the same day.
    sampling_s
        Regular sampling interval (s, >= 1, rounded to whole seconds; intervals of 3 s
        or more jitter by 1 s) replacing the scenario's own.  The plan, the noise and
        the outlier times do not depend on it, so one day can be compared across rates.
    date
        Local date (Asia/Shanghai) of the day, ``YYYY-MM-DD``.
    manager_id
        Manager id written to track and tasks; a seeded ``M####`` by default.
    """
    if scenario not in _SCENARIO_PARAMS:
        raise ValueError(f"unknown scenario {scenario!r}; expected one of {', '.join(SCENARIOS)}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if sampling_s is not None and not sampling_s >= 1:
        raise ValueError(f"sampling_s must be >= 1 s, got {sampling_s!r}")
    p = {**_BASE, **_SCENARIO_PARAMS[scenario]}
    if sampling_s is not None:
        p["sampling"] = float(sampling_s)
    ss = np.random.SeedSequence([int(seed), zlib.crc32(scenario.encode())])
    plan_rng, noise_rng, sample_rng, fault_rng, id_rng = (
        np.random.default_rng(s) for s in ss.spawn(5)
    )
    for _ in range(100):
        try:
            world = _World(p, plan_rng)
            line = _walk_day(world, p, plan_rng)
            break
        except _RetryError:
            continue
    else:  # pragma: no cover - the constraints are loose; 100 failures mean a bug
        raise RuntimeError(f"could not plan a {scenario} day for seed {seed}")
    rngs = (noise_rng, sample_rng, fault_rng, id_rng)
    day = _assemble(world, line, p, scenario, date, manager_id, rngs)
    return SimulatedDay(**day, scenario=scenario, seed=int(seed))


class _RetryError(Exception):
    """The drawn plan breaks a scenario constraint; draw again."""


@dataclass
class _Place:
    # (0: on a street of constant u, 1: of constant v; that constant; position along it)
    road: tuple[int, float, float]
    park: Arr  # where the vehicle stops (u, v) m
    door: Arr  # true entrance or stall front
    stand: Arr  # where the person stands during a visit
    inward: Arr  # unit vector from the street into the building
    indoor: bool
    listed: Arr  # coordinate on the task list (before any CRS change)
    hall: tuple[float, float] | None = None  # (along, depth) m inside the market hall


@dataclass
class _Stop:
    kind: str  # store | unexplained | exempt
    task: int  # row of the task list, -1 when none
    place: _Place
    dur_s: float


def _road_uv(road: tuple[int, float, float]) -> Arr:
    return np.array([road[1], road[2]]) if road[0] == 0 else np.array([road[2], road[1]])


def _unit(rng: np.random.Generator) -> Arr:
    a = rng.uniform(0, 2 * np.pi)
    return np.array([np.cos(a), np.sin(a)])


class _World:
    """Grid, places, task list and visiting order of one planned day."""

    def __init__(self, p: dict[str, Any], rng: np.random.Generator) -> None:
        lat0, lon0 = _CITIES[rng.integers(len(_CITIES))]
        self.proj = LocalProjection(
            lat0 + rng.uniform(-0.05, 0.05), lon0 + rng.uniform(-0.06, 0.06)
        )
        self.theta = rng.uniform(0, np.pi / 2)
        self.lines = [-9000 + np.cumsum(rng.uniform(150, 450, 70)) for _ in range(2)]
        self.ebike = not p["market"] and rng.random() < 0.3
        self.cruise = rng.uniform(5, 7) if self.ebike else rng.uniform(9, 14)
        park = (3.0, 15.0) if self.ebike else (15.0, 60.0)
        self.places: list[_Place] = []
        n_district = int(rng.integers(0, 4)) if p["market"] else int(rng.integers(6, 11))
        start = rng.uniform(-2500, 2500, 2)
        if p["market"]:
            self.market = self._place(rng, start, (40.0, 150.0), indoor=True)
            stalls = self._stalls(rng, self.market)
            self.places += stalls
            start = self.market.door
        self.places += self._scatter(rng, n_district, start, park)
        n_onsite = len(self.places)
        self.exempt_kind = (
            ("仓库" if rng.random() < 0.5 else "住处") if rng.random() < 0.35 else None
        )
        home_at = self.places[0].door + _unit(rng) * rng.uniform(1500, 5000)
        self.home = self._place(rng, home_at, park, indoor=rng.random() < 0.5)
        methods = ["onsite"] * n_onsite
        if p["phone_chat"]:
            remote = self._scatter(rng, int(rng.integers(2, 5)), start, park)
            self.places += remote
            methods += [str(rng.choice(["phone", "chat"])) for _ in remote]
        order = list(range(n_onsite))  # visiting order, as task rows
        k = len(stalls) if p["market"] else n_onsite
        if p["swap"] == 1 or (p["swap"] == 0 and rng.random() < 0.2 and k > 3):
            i = int(rng.integers(0 if p["market"] else 1, k - 1))
            order[i], order[i + 1] = order[i + 1], order[i]
        elif p["swap"] == 2:
            i, j = rng.choice(k, 2, replace=False)
            order[i], order[j] = order[j], order[i]
        self.skipped = int(rng.integers(1, k)) if p["skip"] else -1
        order = [t for t in order if t != self.skipped]
        # task list: phone/chat tasks interleaved; seq 1 is never on-site on such days
        rows = list(range(len(self.places)))
        if p["phone_chat"]:
            first_remote = rows[n_onsite]
            rest = [r for r in rows if r != first_remote]
            rng.shuffle(rest)
            onsite_seq = list(range(n_onsite))
            rows = [first_remote] + [onsite_seq.pop(0) if r < n_onsite else r for r in rest]
        self.seq = {r: i + 1 for i, r in enumerate(rows)}
        self.methods = methods
        dur = [self._duration(rng, p, self.places[t]) for t in order]
        self.stops = [_Stop("store", t, self.places[t], d) for t, d in zip(order, dur, strict=True)]
        if p["extra"]:
            spot = self._scatter(rng, 1, self.stops[-1].place.door, park, lo=400.0)[0]
            at = int(rng.integers(1, len(self.stops)))
            self.stops.insert(at, _Stop("unexplained", -1, spot, rng.uniform(10, 30) * 60))
        if p["revisit"]:
            first = self.stops[int(rng.integers(0, 2))]
            self.stops.append(_Stop("store", first.task, first.place, rng.uniform(5, 20) * 60))

    def uv_to_latlon(self, uv: Arr) -> tuple[Arr, Arr]:
        c, s = np.cos(self.theta), np.sin(self.theta)
        u, v = uv[..., 0], uv[..., 1]
        return self.proj.inverse(u * c - v * s, u * s + v * c)

    def _duration(self, rng: np.random.Generator, p: dict[str, Any], place: _Place) -> float:
        if place.hall is not None:
            return float(rng.uniform(4, 15) * 60)
        lo = p["min_visit_min"]
        return float((lo + (40 - lo) * rng.beta(1.5, 3.0)) * 60)

    def _place(
        self, rng: np.random.Generator, near: Arr, park_m: tuple[float, float], *, indoor: bool
    ) -> _Place:
        t = int(rng.integers(2))
        line = float(self.lines[t][np.argmin(np.abs(self.lines[t] - near[t]))])
        normal = np.array([1.0, 0.0]) if t == 0 else np.array([0.0, 1.0])
        tangent = normal[::-1]
        side = float(rng.choice([-1.0, 1.0]))
        depth = rng.uniform(8, 20)
        door = _road_uv((t, line, float(near[1 - t]))) + side * depth * normal
        dist = rng.uniform(max(park_m[0], depth - 2), max(park_m[1], depth - 1))
        along = float(near[1 - t] + rng.choice([-1, 1]) * np.sqrt(dist**2 - (depth - 3) ** 2))
        road = (t, line, along)
        park = _road_uv(road) + side * 3 * normal
        if indoor:
            stand = door + side * rng.uniform(3, 10) * normal + rng.uniform(-3, 3) * tangent
        else:  # talking on the pavement or by the van
            stand = park + (door - park) * rng.uniform(0.2, 0.8)
        listed = door + _unit(rng) * rng.uniform(*_STORE_ERROR_M)
        return _Place(road, park, door, stand, side * normal, indoor, listed)

    def _scatter(
        self,
        rng: np.random.Generator,
        n: int,
        near: Arr,
        park_m: tuple[float, float],
        lo: float = 300.0,
    ) -> list[_Place]:
        out: list[_Place] = []
        prev = near
        while len(out) < n:
            for _ in range(300):
                cand = prev + _unit(rng) * (
                    rng.uniform(300, 3000) if out or self.places else rng.uniform(0, 2000)
                )
                if np.hypot(*cand) > 6000:
                    continue
                pl = self._place(rng, cand, park_m, indoor=rng.random() < 0.75)
                gaps = [np.hypot(*(pl.door - q.door)) for q in self.places + out]
                if all(g >= lo for g in gaps) and (not out or 300 <= gaps[-1] <= 3000):
                    out.append(pl)
                    prev = pl.door
                    break
            else:
                raise _RetryError
        return out

    def _stalls(self, rng: np.random.Generator, hall: _Place) -> list[_Place]:
        n, rows, gap = int(rng.integers(6, 13)), int(rng.integers(3, 6)), rng.uniform(15, 22)
        tangent = hall.inward[::-1]
        for _ in range(200):
            xy = [(rng.uniform(-60, 60), int(rng.integers(rows)))]
            while len(xy) < n:
                x0, r0 = xy[-1]
                r = r0 if rng.random() < 0.6 else r0 + int(rng.choice([-1, 1]))
                x = x0 + (
                    rng.choice([-1, 1]) * rng.uniform(15, 45) if r == r0 else rng.uniform(-35, 35)
                )
                pts = np.array([(a, 8 + b * gap) for a, b in [*xy, (x, r)]])
                d = np.hypot(*(pts[:-1] - pts[-1]).T)
                if 0 <= r < rows and abs(x) <= 90 and d.min() >= 15 and d[-1] <= 60:
                    xy.append((x, r))
                elif len(xy) > 1 and rng.random() < 0.05:
                    break
            if len(xy) == n:
                break
        else:
            raise _RetryError
        out = []
        for x, r in xy:
            y = 8 + r * gap
            front = hall.door + tangent * x + hall.inward * y
            listed = front + _unit(rng) * rng.uniform(*_STALL_ERROR_M)
            out.append(
                _Place(hall.road, hall.park, front, front, hall.inward, True, listed, (x, y))
            )
        return out

    def hall_path(self, a: tuple[float, float], b: tuple[float, float]) -> Arr:
        """Walk along aisles (and a cross aisle every 30 m) from ``a`` to ``b`` in the hall."""
        pts = (
            [b]
            if abs(a[1] - b[1]) < 1
            else [(xc := round((a[0] + b[0]) / 60) * 30.0, a[1]), (xc, b[1]), b]
        )
        tangent = self.market.inward[::-1]
        return np.array([self.market.door + tangent * x + self.market.inward * y for x, y in pts])


def _between(lines: Arr, x0: float, x1: float, rng: np.random.Generator) -> float | None:
    lo, hi = min(x0, x1), max(x0, x1)
    inside = lines[(lines > lo + 1) & (lines < hi - 1)]
    return float(rng.choice(inside)) if len(inside) else None


def _route(w: _World, a: _Place, b: _Place, rng: np.random.Generator) -> Arr:
    """Streets from ``a``'s parking spot to ``b``'s: an L or a staircase of turns on the grid."""
    ta, la, pa = a.road
    tb, lb, pb = b.road
    l1, l2 = (w.lines[1], w.lines[0]) if ta == 1 else (w.lines[0], w.lines[1])
    # in this frame `a` lies on a street of constant first coordinate
    q = (lb, pb) if tb == ta else (pb, lb)
    pts: list[tuple[float, float]]
    if tb == ta:
        if abs(la - lb) < 1:
            pts = [(la, pa), q]
        else:
            c = _between(l2, pa, pb, rng)
            if c is None:  # no cross street in between: take the nearest one
                c = float(l2[np.argmin(np.abs(l2 - (pa + pb) / 2))])
            pts = [(la, pa), (la, c), (lb, c), q]
    else:
        c2, c1 = _between(l2, pa, q[1], rng), _between(l1, la, q[0], rng)
        if c1 is not None and c2 is not None and rng.random() < 0.5:
            pts = [(la, pa), (la, c2), (c1, c2), (c1, q[1]), q]
        else:
            pts = [(la, pa), (la, q[1]), q]
    arr = np.array(pts, dtype=np.float64)
    return np.vstack([a.park, arr[:, ::-1] if ta == 1 else arr, b.park])


def _profile(poly: Arr, w: _World, rng: np.random.Generator, jam: str | None) -> tuple[Arr, Arr]:
    """Keyframes (points, t) of a drive along ``poly``: turns, red lights, an optional queue.

    ``jam`` is None, "mid" (somewhere on the way), "start" (pulling out of the place
    just left) or "end" (queueing on the street of the place ahead).
    """
    seg = np.hypot(*np.diff(poly, axis=0).T)
    poly = poly[np.r_[True, seg > 0.01]]
    seg = seg[seg > 0.01]
    s_v = np.r_[0.0, np.cumsum(seg)]
    length = float(s_v[-1])
    v_seg = np.clip(w.cruise * rng.uniform(0.75, 1.1, len(seg)), 5, 8 if w.ebike else 15)
    v_seg[seg < 10] = 2.0  # pulling out of / into the parking spot
    turns = s_v[2:-2]
    zones = [(s - 20, s + 20, rng.uniform(3, 5)) for s in turns]
    crossings = [turns]
    for i in range(len(seg)):
        a, b = poly[i], poly[i + 1]
        # a leg along u crosses the streets of constant u, and likewise for v
        ax = int(abs(b[1] - a[1]) > abs(b[0] - a[0]))
        lo, hi = sorted((a[ax], b[ax]))
        c = w.lines[ax][(w.lines[ax] > lo + 1) & (w.lines[ax] < hi - 1)]
        crossings.append(s_v[i] + np.abs(c - a[ax]))
    cand = np.concatenate(crossings)
    red = cand[rng.random(len(cand)) < 0.35]
    stop_at, stop_s = [red], [rng.uniform(30, 90, len(red))]
    for s in red:
        zones += [(s - 30, s, 0.4 * w.cruise), (s, s + 30, 0.4 * w.cruise)]
    if jam is not None and length > 220:
        q_len = min(rng.uniform(150, 500), length - 60)
        if jam == "start":
            q0 = 5.0
        elif jam == "end":
            q0 = length - 5 - q_len
        else:
            q0 = rng.uniform(20, length - 20 - q_len)
        halts = q0 + np.cumsum(rng.uniform(10, 40, 60))  # stop-and-go, never a 3-min halt
        halts = halts[halts < q0 + q_len]
        stop_at.append(halts)
        stop_s.append(rng.uniform(5, 50, len(halts)))
        zones.append((q0, q0 + q_len, rng.uniform(1, 3)))
    pos, dwell = np.concatenate(stop_at), np.concatenate(stop_s)
    edges = np.concatenate([s_v, pos, np.array([z[:2] for z in zones]).reshape(-1)])
    b = np.unique(np.clip(edges, 0, length))
    mid = (b[:-1] + b[1:]) / 2
    v = v_seg[np.clip(np.searchsorted(s_v, mid) - 1, 0, len(seg) - 1)]
    for za, zb, zv in zones:
        m = (mid > za) & (mid < zb)
        v[m] = np.minimum(v[m], zv)
    d = np.zeros(len(b))
    np.add.at(d, np.searchsorted(b, np.clip(pos, 0, length)), dwell)
    t_arr = np.r_[0.0, np.cumsum(np.diff(b) / v + d[:-1])]
    keep = np.column_stack([np.ones(len(b), bool), d > 0]).ravel()
    s_k = np.repeat(b, 2)[keep]
    t_k = np.column_stack([t_arr, t_arr + d]).ravel()[keep]
    pts = np.column_stack([np.interp(s_k, s_v, poly[:, 0]), np.interp(s_k, s_v, poly[:, 1])])
    return pts, t_k


class _Path:
    """Keyframes (t s, u m, v m) of the true path; the person moves linearly between them."""

    def __init__(self, start: Arr) -> None:
        self.t = 0.0
        self.pos = np.asarray(start, dtype=np.float64)
        self.times: list[Arr] = [np.zeros(1)]
        self.points: list[Arr] = [self.pos[None, :]]

    def extend(self, dt: Arr, pts: Arr) -> None:
        self.times.append(self.t + dt)
        self.points.append(pts)
        self.t += float(dt[-1])
        self.pos = pts[-1]

    def walk(self, pts: Arr, speed_mps: float) -> None:
        path = np.vstack([self.pos, np.atleast_2d(pts)])
        d = np.hypot(*np.diff(path, axis=0).T)
        if (d > 0.01).any():
            self.extend(np.cumsum(d[d > 0.01] / speed_mps), path[1:][d > 0.01])

    def wait(self, dur_s: float) -> None:
        self.extend(np.array([dur_s]), self.pos[None, :])

    def drive(self, pts: Arr, t_k: Arr) -> None:
        self.extend(t_k[1:], pts[1:])


@dataclass
class _Line:
    """The planned day on a relative clock (s from the first fix)."""

    times: Arr
    points: Arr
    visits: list[dict[str, Any]]
    indoor: list[tuple[float, float]]
    gaps: list[tuple[float, float]]
    drifts: list[tuple[float, float, float, Arr]]
    log_end: float
    target_s: float  # local time of day the first on-site task store is reached


def _walk_day(w: _World, p: dict[str, Any], rng: np.random.Generator) -> _Line:
    walk_mps = rng.uniform(1.1, 1.4)
    line = _Line(np.zeros(0), np.zeros((0, 2)), [], [], [], [], 0.0, 0.0)
    home = w.home
    path = _Path(home.stand if w.exempt_kind else home.door)
    if w.exempt_kind:
        _visit(path, _Stop("exempt", -1, home, rng.uniform(8, 30) * 60), p, rng, line, walk_mps)
    here = home
    jam_leg = int(rng.integers(1, len(w.stops))) if p["jam_near"] else -1
    hall_in = 0.0
    for i, stop in enumerate(w.stops):
        pl = stop.place
        if pl.hall is not None and here.hall is not None:
            path.walk(w.hall_path(here.hall, pl.hall), 0.9)
            if rng.random() < 0.3:
                path.wait(rng.uniform(20, 60))  # a look at another stall's goods
        else:
            _leave(path, here, w, walk_mps, line, hall_in)
            near = str(rng.choice(["start", "end"])) if i == jam_leg else None
            jam = near or ("mid" if rng.random() < p["jam_p"] else None)
            path.drive(*_profile(_route(w, here, pl, rng), w, rng, jam))
            path.walk(pl.door if pl.indoor else pl.park, walk_mps)
            if pl.hall is not None:
                hall_in = path.t
                path.walk(w.hall_path((0.0, 0.0), pl.hall), 0.9)
        _visit(path, stop, p, rng, line, walk_mps)
        here = pl
    _leave(path, here, w, walk_mps, line, hall_in)
    t_off = path.t
    path.drive(*_profile(_route(w, here, home, rng), w, rng, None))
    if w.exempt_kind == "仓库" and rng.random() < 0.5:
        path.walk(home.door if home.indoor else home.park, walk_mps)
        _visit(path, _Stop("exempt", -1, home, rng.uniform(5, 20) * 60), p, rng, line, walk_mps)
        line.log_end = path.t
    else:  # the phone stops logging on the way home
        line.log_end = min(path.t, t_off + rng.uniform(3, 15) * 60)
    line.times = np.concatenate(path.times)
    line.points = np.concatenate(path.points)
    stays = [v for v in line.visits if v["kind"] != "exempt"]
    if p["phone_gap"]:
        options = []
        for a, b in itertools.pairwise(stays[1:]):
            start = rng.uniform(max(a["arr"] + 300, a["dep"] - 300), a["dep"] + 120)
            end = start + rng.uniform(25, 35) * 60
            if end <= b["dep"] - 360:
                options.append((start, end))
        if not options:
            raise _RetryError
        line.gaps.append(options[int(rng.integers(len(options)))])
    if p["revisit"]:
        again = stays[-1]
        before = [v for v in stays[:-1] if v["task"] == again["task"]]
        if again["arr"] - before[0]["dep"] < 65 * 60:
            raise _RetryError
    line.target_s = (
        rng.uniform(7 * 3600 + 40 * 60, 8 * 3600 + 40 * 60)
        if p["late"]
        else rng.uniform(6 * 3600 + 40 * 60, 7 * 3600 + 20 * 60)
    )
    return line


def _leave(
    path: _Path, here: _Place, w: _World, walk_mps: float, line: _Line, hall_in: float
) -> None:
    if here.hall is not None:
        path.walk(w.hall_path(here.hall, (0.0, 0.0)), 0.9)
        line.indoor.append((hall_in, path.t))
    elif here.indoor:
        path.walk(here.door, walk_mps)
    path.walk(here.park, walk_mps)


def _visit(
    path: _Path,
    stop: _Stop,
    p: dict[str, Any],
    rng: np.random.Generator,
    line: _Line,
    walk_mps: float,
) -> None:
    """Walk to the stand point, stay ``stop.dur_s`` moving about a little, record the truth."""
    pl, dur = stop.place, stop.dur_s
    k = int(rng.integers(1, 4))
    subs = pl.stand + rng.normal(0, 1.0 if pl.hall else 2.5, (k, 2))
    path.walk(subs[0], walk_mps if pl.hall is None else 0.9)
    arr = path.t
    gap = 0.0
    if pl.indoor and rng.random() < p["gap_p"]:
        if pl.hall is None:
            gap = rng.uniform(*p["gap_min"]) * 60
            dur = max(dur, gap + 180)
        else:
            gap = rng.uniform(2, 8) * 60 if dur >= 360 else 0.0
            gap = min(gap, dur - 150)
    move = float(np.hypot(*np.diff(subs, axis=0).T).sum()) / 0.6
    for j, d in enumerate(max(dur - move, 60) * rng.dirichlet(np.ones(k))):
        path.wait(float(d))
        if j < k - 1:
            path.walk(subs[j + 1], 0.6)
    dep = path.t
    if gap > 0:
        g0 = rng.uniform(arr + 60, dep - 60 - gap)
        line.gaps.append((g0, g0 + gap))
    if pl.indoor and pl.hall is None:
        line.indoor.append((arr, dep))
    if pl.indoor and rng.random() < p["drift_p"]:
        t_a = arr + rng.uniform(30, 180)
        line.drifts.append(
            (t_a, t_a + rng.uniform(180, 600), dep, _unit(rng) * rng.uniform(20, 80))
        )
    line.visits.append(
        {"kind": stop.kind, "task": stop.task, "stand": pl.stand, "arr": arr, "dep": dep}
    )


def _assemble(
    w: _World,
    line: _Line,
    p: dict[str, Any],
    scenario: str,
    date: str,
    manager_id: str | None,
    rngs: tuple[np.random.Generator, ...],
) -> dict[str, Any]:
    """Observe the planned day and build the fields of a :class:`SimulatedDay`."""
    noise_rng, sample_rng, fault_rng, id_rng = rngs
    onsite = [r for r, m in enumerate(w.methods) if m == "onsite"]
    first = min(onsite, key=lambda r: w.seq[r])
    off = float(round(line.target_s - min(v["arr"] for v in line.visits if v["task"] == first)))
    obs, cols, info = _observe(w, line, p, off, noise_rng, sample_rng, fault_rng)
    order = _row_order(obs, p["messy"], fault_rng)
    mid = f"M{id_rng.integers(1000, 10000)}"
    mid = manager_id if manager_id is not None else mid
    ids = [f"S{n}" for n in id_rng.choice(90000, len(w.places), replace=False) + 10000]
    names = _names(w, id_rng)

    lat, lon = w.uv_to_latlon(cols["pos"])
    if p["track_crs"] == "gcj02":
        from trajectory.crs import wgs84_to_gcj02

        lat, lon = wgs84_to_gcj02(lat, lon)
    stamps = np.char.add(
        np.datetime_as_string(np.datetime64(date, "s") + obs.astype("timedelta64[s]"), unit="s"),
        "+08:00",
    )
    track = pd.DataFrame(
        {
            "manager_id": mid,
            "timestamp": stamps[order],
            "lat": np.round(lat[order], 7),
            "lon": np.round(lon[order], 7),
            "accuracy_m": np.round(cols["acc"][order], 1),
            "speed_mps": np.round(cols["speed"][order], 2),
        }
    )
    t_lat, t_lon = w.uv_to_latlon(cols["true"])
    point_truth = pd.DataFrame(
        {
            "true_lat": t_lat[order],
            "true_lon": t_lon[order],
            "indoor": cols["indoor"][order],
            "fault": cols["fault"][order],
            "drift_m": np.round(cols["drift_m"][order], 2),
        }
    )

    rows = sorted(range(len(w.places)), key=lambda r: w.seq[r])
    s_lat, s_lon = w.uv_to_latlon(np.array([w.places[r].listed for r in rows]))
    if p["store_crs"] == "gcj02":
        from trajectory.crs import wgs84_to_gcj02

        s_lat, s_lon = wgs84_to_gcj02(s_lat, s_lon)
    tasks = pd.DataFrame(
        {
            "manager_id": mid,
            "date": date,
            "seq": [w.seq[r] for r in rows],
            "store_id": [ids[r] for r in rows],
            "store_name": [names[r] for r in rows],
            "lat": np.round(s_lat, 7),
            "lon": np.round(s_lon, 7),
            "method": [w.methods[r] for r in rows],
            "reported_visited": True,
        }
    )

    midnight_utc = pd.Timestamp(date, tz="UTC") - pd.Timedelta(seconds=_UTC_OFFSET_S)
    vs = sorted(line.visits, key=lambda v: v["arr"])
    v_lat, v_lon = w.uv_to_latlon(np.array([v["stand"] for v in vs]))
    visits = pd.DataFrame(
        {
            "kind": [v["kind"] for v in vs],
            "store_id": [ids[v["task"]] if v["kind"] == "store" else None for v in vs],
            "lat": v_lat,
            "lon": v_lon,
            "arrival_utc": [midnight_utc + pd.Timedelta(seconds=round(v["arr"] + off)) for v in vs],
            "departure_utc": [
                midnight_utc + pd.Timedelta(seconds=round(v["dep"] + off)) for v in vs
            ],
        }
    )
    config: dict[str, Any] = {}
    if (visits["kind"] == "exempt").any():
        e_lat, e_lon = w.uv_to_latlon(w.home.listed)
        config["exempt_places"] = [
            {
                "name": w.exempt_kind,
                "lat": round(float(e_lat), 7),
                "lon": round(float(e_lon), 7),
                "radius_m": 120.0,
                "crs": "wgs84",
            }
        ]
    return {
        "track": track,
        "tasks": tasks,
        "visits": visits,
        "track_crs": p["track_crs"],
        "store_crs": p["store_crs"],
        "expected": _expected(tasks, visits, date),
        "config": config,
        "notes": _notes(scenario, w, line, off, info, ids, visits, p),
        "point_truth": point_truth,
    }


def _expected(tasks: pd.DataFrame, visits: pd.DataFrame, date: str) -> dict[str, bool]:
    """The three verdicts the truth implies under the default configuration (deadline 07:30)."""
    onsite = tasks[tasks["method"] == "onsite"]
    stores = visits[visits["kind"] == "store"]
    first = onsite.sort_values("seq")["store_id"].iloc[0]
    arrivals = stores.loc[stores["store_id"] == first, "arrival_utc"]
    deadline = pd.Timestamp(f"{date}T07:30:00+08:00")
    return {
        "on_time_arrival": bool(len(arrivals) > 0 and arrivals.min() <= deadline),
        "trajectory_clear": bool(
            not (visits["kind"] == "unexplained").any()
            and set(onsite["store_id"]) <= set(stores["store_id"])
        ),
        "visit_count_match": int((visits["kind"] != "exempt").sum())
        == int(onsite["reported_visited"].sum()),
    }


def _observe(
    w: _World,
    line: _Line,
    p: dict[str, Any],
    off: float,
    noise_rng: np.random.Generator,
    sample_rng: np.random.Generator,
    fault_rng: np.random.Generator,
) -> tuple[npt.NDArray[np.int64], dict[str, Any], dict[str, float]]:
    """Sample the path like a phone and corrupt the fixes; times are local seconds of the day."""
    t0, t1 = int(np.ceil(off)), int(np.floor(off + line.log_end))
    n_grid = t1 - t0 + 1
    # everything drawn before the sampling is the same whatever the sampling rate
    tau, s_out, s_in = (
        noise_rng.uniform(30, 120),
        noise_rng.uniform(5, 15),
        noise_rng.uniform(15, 40),
    )
    phi, burn = np.exp(-1 / tau), int(5 * tau)
    white = noise_rng.standard_normal((2, n_grid + burn))
    ou = lfilter([np.sqrt(1 - phi**2)], [1.0, -phi], white, axis=1)[:, burn:]  # unit Gauss-Markov
    indoor = np.zeros(n_grid, dtype=bool)
    for a, b in line.indoor:
        indoor[max(0, int(a + off) - t0) : max(0, int(b + off) - t0)] = True
    sigma = np.convolve(
        np.pad(np.where(indoor, s_in, s_out), 7, mode="edge"), np.full(15, 1 / 15), "valid"
    )
    hours = n_grid / 3600
    no_speed = fault_rng.random() < 0.1
    nj = fault_rng.poisson(p["jumps_h"] * fault_rng.uniform(0.5, 1.5) * hours)
    j_t, j_off = fault_rng.uniform(t0, t1, nj), _vectors(fault_rng, nj, 100, 2000)
    j_bad, j_acc = fault_rng.random(nj) < 0.5, fault_rng.uniform(150, 1500, nj)
    nb = fault_rng.poisson(p["bursts_h"] * fault_rng.uniform(0.5, 1.5) * hours)
    weight = np.where(indoor, 3.0, 1.0)  # cell/Wi-Fi fallback mostly indoors
    b_t = t0 + fault_rng.choice(n_grid, nb, p=weight / weight.sum())
    b_k, b_off = fault_rng.integers(3, 9, nb), _vectors(fault_rng, nb, 300, 1500)
    b_scatter = fault_rng.normal(0, 25, (nb, 8, 2))
    b_bad, b_acc, b_ok = (
        fault_rng.random(nb) < 0.5,
        fault_rng.uniform(300, 2000, nb),
        fault_rng.uniform(20, 60, (nb, 8)),
    )

    step = p["sampling"]
    if step == 0:  # irregular: 1-60 s, log-uniform
        iv = np.rint(np.exp(sample_rng.uniform(0, np.log(60), n_grid)))
    else:
        iv = np.full(n_grid, float(max(1, round(step))))
        if step >= 3:
            iv += sample_rng.choice([-1.0, 0.0, 1.0], n_grid, p=[0.1, 0.8, 0.1])
    obs = t0 + np.r_[0, np.cumsum(iv)].astype(np.int64)
    obs = obs[obs <= t1]
    obs = obs[sample_rng.random(len(obs)) >= 0.01]  # missed fixes
    for a, b in line.gaps:
        obs = obs[(obs < a + off) | (obs >= b + off)]
    n, i = len(obs), obs - t0
    times = line.times + off
    true = np.column_stack([np.interp(obs, times, line.points[:, k]) for k in (0, 1)])
    j = np.clip(np.searchsorted(times, obs, "right") - 1, 0, len(times) - 2)
    v_true = np.hypot(*(line.points[j + 1] - line.points[j]).T) / np.maximum(
        times[j + 1] - times[j], 1e-6
    )
    err = ou[:, i].T * sigma[i, None] + noise_rng.normal(0, 1.5, (n, 2))
    acc = np.clip(1.4 * sigma[i] * np.exp(noise_rng.normal(0, 0.3, n)), 3, None)
    drift = np.zeros((n, 2))
    for ta, tr, te, vec in line.drifts:
        ramp = np.clip((obs - ta - off) / (tr - ta), 0, 1)
        held = min(1.0, (te - ta) / (tr - ta)) * np.clip(1 - (obs - te - off) / 20, 0, 1)
        drift += np.where(obs <= te + off, ramp, held)[:, None] * vec
    pos = true + err + drift
    fault = np.full(n, "", dtype="<U5")
    if n:
        ji = np.clip(np.searchsorted(obs, j_t), 0, n - 1)
        pos[ji] += j_off
        fault[ji] = "jump"
        acc[ji[j_bad]] = j_acc[j_bad]
        for k in range(nb):
            s = int(np.searchsorted(obs, b_t[k]))
            m = min(int(b_k[k]), n - s)
            if m > 0:
                pos[s : s + m] = true[s] + b_off[k] + b_scatter[k, :m]
                fault[s : s + m] = "burst"
                acc[s : s + m] = b_acc[k] if b_bad[k] else b_ok[k, :m]
    still = v_true < 0.3
    speed = np.where(
        still,
        np.where(fault_rng.random(n) < 0.5, 0.0, np.abs(fault_rng.normal(0, 0.15, n))),
        np.abs(v_true + fault_rng.normal(0, 0.3, n)),
    )
    speed[
        (fault_rng.random(n) < 0.02) | ((fault != "") & (fault_rng.random(n) < 0.7)) | no_speed
    ] = np.nan
    cols = {
        "pos": pos,
        "true": true,
        "indoor": indoor[i],
        "fault": fault,
        "drift_m": np.hypot(*drift.T),
        "acc": acc,
        "speed": speed,
    }
    info = {
        "tau": tau,
        "s_out": s_out,
        "s_in": s_in,
        "jumps": float((fault == "jump").sum()),
        "bursts": float(nb),
        "n": float(n),
    }
    return obs, cols, info


def _vectors(rng: np.random.Generator, n: int, lo: float, hi: float) -> Arr:
    """``n`` offsets in random directions, lengths log-uniform in [lo, hi] m."""
    a = rng.uniform(0, 2 * np.pi, n)
    length = np.exp(rng.uniform(np.log(lo), np.log(hi), n))
    return np.column_stack([np.cos(a), np.sin(a)]) * length[:, None]


def _row_order(
    obs: npt.NDArray[np.int64], messy: bool, rng: np.random.Generator
) -> npt.NDArray[np.intp]:
    """Row order of the upload: duplicated blocks; on messy days also batches out of order."""
    n = len(obs)
    idx = np.arange(n)
    if not messy:
        k = int(rng.integers(1, 3)) if rng.random() < 0.2 and n > 20 else 0
        dups = [
            idx[s : s + int(m)]
            for s, m in zip(rng.integers(0, max(n - 15, 1), k), rng.integers(3, 16, k), strict=True)
        ]
        rows = np.concatenate([idx, *dups])
        return rows[np.argsort(obs[rows], kind="stable")]
    cuts = np.cumsum(rng.integers(30, 300, n // 30 + 1))
    batches: list[npt.NDArray[np.intp]] = []
    for b in np.split(idx, cuts[cuts < n]):
        batches.append(b)
        if len(b) > 5 and rng.random() < 0.3:  # the upload was retried
            s = int(rng.integers(0, len(b) - 4))
            batches.append(b[s : s + int(rng.integers(5, 41))])
    sel = np.flatnonzero(rng.random(len(batches)) < 0.35)
    shuffled = list(batches)
    for a, b in zip(sel, rng.permutation(sel), strict=True):
        shuffled[a] = batches[b]
    return np.concatenate(shuffled)


def _names(w: _World, rng: np.random.Generator) -> list[str]:
    depths = sorted({round(pl.hall[1], 3) for pl in w.places if pl.hall is not None})
    out = []
    for pl in w.places:
        if pl.hall is None:
            out.append(f"{rng.choice(_PREFIX)}{rng.choice(_KIND)}（{rng.choice(_ROAD)}店）")
        else:
            row = chr(65 + depths.index(round(pl.hall[1], 3)))
            number = int((pl.hall[0] + 92) // 3) + 1
            out.append(f"{rng.choice(_STALL)}{rng.choice(_GOODS)}批发 {row}{number}档")
    return out


def _hhmm(local_s: float) -> str:
    return f"{int(local_s // 3600):02d}:{int(local_s % 3600 // 60):02d}"


def _notes(
    scenario: str,
    w: _World,
    line: _Line,
    off: float,
    info: dict[str, float],
    ids: list[str],
    visits: pd.DataFrame,
    p: dict[str, Any],
) -> str:
    n_onsite = w.methods.count("onsite")
    n_stalls = sum(pl.hall is not None for pl in w.places)
    parts = [
        f"{scenario}: {n_onsite} on-site task stores"
        + (f" ({n_stalls} market stalls)" if n_stalls else ""),
        f"{'e-bike' if w.ebike else 'car'}; day starts {_hhmm(off)} "
        + (f"at the exempt {w.exempt_kind}" if w.exempt_kind else "on the way"),
        f"first on-site task reached {_hhmm(line.target_s)}",
        f"GPS sigma {info['s_out']:.0f} m outdoors / {info['s_in']:.0f} m indoors per axis, "
        f"tau {info['tau']:.0f} s; {info['jumps']:.0f} jumps, {info['bursts']:.0f} bursts, "
        f"{len(line.gaps)} signal gaps, {len(line.drifts)} drifting visits; {info['n']:.0f} fixes",
    ]
    if w.skipped >= 0:
        parts.append(f"{ids[w.skipped]} skipped but reported visited")
    for _, v in visits[visits["kind"] == "unexplained"].iterrows():
        parts.append(
            f"unexplained stop {_hhmm((v['arrival_utc'].timestamp() + _UTC_OFFSET_S) % 86400)}"
        )
    again = visits["store_id"].dropna()
    parts += [f"{s} visited twice" for s in again[again.duplicated()]]
    if p["phone_gap"]:
        a, b = line.gaps[-1]
        parts.append(f"phone logged nothing {_hhmm(a + off)}-{_hhmm(b + off)}")
    return "; ".join(parts) + "."
