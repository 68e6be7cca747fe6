"""The planned world of one generated day: street grid, places, task rows and visiting order.

A street grid with irregular blocks (150-450 m) at a random angle around a random
centre in a Chinese city, stores on its streets 300 m-3 km apart, on market days a
roofed hall with stalls in rows 15-60 m apart.  Coordinates are local metres (u, v)
until :meth:`World.uv_to_latlon`.
"""

from __future__ import annotations

__all__ = ["UTC_OFFSET_S", "Place", "RetryError", "Stop", "World", "road_uv", "unit"]

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from trajectory.geodesy import LocalProjection

Arr = npt.NDArray[np.float64]

# fmt: off
# Shanghai, Beijing, Guangzhou, Chengdu, Shenzhen, Wuhan
_CITIES = ((31.2304, 121.4737), (39.9042, 116.4074), (23.1291, 113.2644),
           (30.5728, 104.0668), (22.5431, 114.0579), (30.5928, 114.3055))
UTC_OFFSET_S = 8 * 3600  # Asia/Shanghai, no DST
# Error (m) of listed coordinates: stores are geocoded addresses; stalls are pinned by
# hand on the market plan (an assumption: geocoding cannot tell stalls 15 m apart).
_STORE_ERROR_M = (5.0, 30.0)
_STALL_ERROR_M = (3.0, 12.0)
# fmt: on


class RetryError(Exception):
    """The drawn plan breaks a scenario constraint; draw again."""


@dataclass
class Place:
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
class Stop:
    kind: str  # store | unexplained | exempt
    task: int  # row of the task list, -1 when none
    place: Place
    dur_s: float


def road_uv(road: tuple[int, float, float]) -> Arr:
    return np.array([road[1], road[2]]) if road[0] == 0 else np.array([road[2], road[1]])


def unit(rng: np.random.Generator) -> Arr:
    a = rng.uniform(0, 2 * np.pi)
    return np.array([np.cos(a), np.sin(a)])


class World:
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
        self.places: list[Place] = []
        n_district = int(rng.integers(0, 4)) if p["market"] else int(rng.integers(6, 11))
        start = rng.uniform(-2500, 2500, 2)
        if p["market"]:
            self.market = self._place(rng, start, (40.0, 150.0), indoor=True)
            stalls = self._stalls(rng, self.market)
            self.places += stalls
            start = self.market.door
        self.places += self._scatter(rng, n_district, start, park)
        self.long_visits: set[int] = set()
        if p["near_pair"]:
            self._add_neighbours(rng, park)
        n_onsite = len(self.places)
        self.exempt_kind = (
            ("仓库" if rng.random() < 0.5 else "住处") if rng.random() < 0.35 else None
        )
        home_at = self.places[0].door + unit(rng) * rng.uniform(1500, 5000)
        self.home = self._place(rng, home_at, park, indoor=rng.random() < 0.5)
        methods = ["onsite"] * n_onsite
        if p["phone_chat"]:
            remote = self._scatter(rng, int(rng.integers(2, 5)), start, park)
            self.places += remote
            methods += [str(rng.choice(["phone", "chat"])) for _ in remote]
        k = len(stalls) if p["market"] else n_onsite
        order, self.skipped = _visiting_order(rng, p, n_onsite, k)
        if p["near_pair"]:
            order = self._neighbour_order(rng, order)
        self.seq = _task_seq(rng, p, len(self.places), n_onsite)
        self.methods = methods
        dur = [self._duration(rng, p, self.places[t]) for t in order]
        self.stops = [Stop("store", t, self.places[t], d) for t, d in zip(order, dur, strict=True)]
        self._add_other_stops(rng, p, park)

    def _add_other_stops(
        self, rng: np.random.Generator, p: dict[str, Any], park: tuple[float, float]
    ) -> None:
        """The scenario's unexplained stop and end-of-day revisit, if any."""
        if p["extra"]:
            spot = self._scatter(rng, 1, self.stops[-1].place.door, park, lo=400.0)[0]
            at = int(rng.integers(1, len(self.stops)))
            self.stops.insert(at, Stop("unexplained", -1, spot, rng.uniform(10, 30) * 60))
        if p["revisit"]:
            first = self.stops[int(rng.integers(0, 2))]
            self.stops.append(Stop("store", first.task, first.place, rng.uniform(5, 20) * 60))

    def uv_to_latlon(self, uv: Arr) -> tuple[Arr, Arr]:
        c, s = np.cos(self.theta), np.sin(self.theta)
        u, v = uv[..., 0], uv[..., 1]
        return self.proj.inverse(u * c - v * s, u * s + v * c)

    def _duration(self, rng: np.random.Generator, p: dict[str, Any], place: Place) -> float:
        if id(place) in self.long_visits:
            return float(rng.uniform(15, 90) * 60)
        if place.hall is not None:
            return float(rng.uniform(4, 15) * 60)
        lo = p["min_visit_min"]
        return float((lo + (40 - lo) * rng.beta(1.5, 3.0)) * 60)

    def _add_neighbours(self, rng: np.random.Generator, park: tuple[float, float]) -> None:
        """One or two ordinary stores 55-120 m from a district store (next door, across the
        street or round the corner), each visit of the group lasting 15-90 min."""
        base_i = int(rng.integers(len(self.places)))
        base = self.places[base_i]
        group = [base]
        for _ in range(1 if rng.random() < 0.7 else 2):
            for _ in range(300):
                anchor = group[-1].door + unit(rng) * rng.uniform(45, 120)
                pl = self._place(rng, anchor, park, indoor=rng.random() < 0.75)
                gaps = np.array([np.hypot(*(pl.door - q.door)) for q in self.places])
                mine = np.array([np.hypot(*(pl.door - q.door)) for q in group])
                listed = np.array([np.hypot(*(pl.listed - q.listed)) for q in self.places])
                if 55 <= mine.min() <= 120 and (gaps >= 55).all() and (listed >= 55).all():
                    self.places.append(pl)
                    group.append(pl)
                    break
            else:
                raise RetryError
        self.near_group = [base_i, *range(len(self.places) - len(group) + 1, len(self.places))]
        self.long_visits = {id(q) for q in group}

    def _neighbour_order(self, rng: np.random.Generator, order: list[int]) -> list[int]:
        """The neighbours visited right after their store (70 % of days) or anywhere."""
        rest = [t for t in order if t not in self.near_group[1:]]
        if rng.random() < 0.7:
            at = rest.index(self.near_group[0]) + 1
            return rest[:at] + self.near_group[1:] + rest[at:]
        for t in self.near_group[1:]:
            rest.insert(int(rng.integers(0, len(rest) + 1)), t)
        return rest

    def _place(
        self, rng: np.random.Generator, near: Arr, park_m: tuple[float, float], *, indoor: bool
    ) -> Place:
        t = int(rng.integers(2))
        line = float(self.lines[t][np.argmin(np.abs(self.lines[t] - near[t]))])
        normal = np.array([1.0, 0.0]) if t == 0 else np.array([0.0, 1.0])
        tangent = normal[::-1]
        side = float(rng.choice([-1.0, 1.0]))
        depth = rng.uniform(8, 20)
        door = road_uv((t, line, float(near[1 - t]))) + side * depth * normal
        dist = rng.uniform(max(park_m[0], depth - 2), max(park_m[1], depth - 1))
        along = float(near[1 - t] + rng.choice([-1, 1]) * np.sqrt(dist**2 - (depth - 3) ** 2))
        road = (t, line, along)
        park = road_uv(road) + side * 3 * normal
        if indoor:
            stand = door + side * rng.uniform(3, 10) * normal + rng.uniform(-3, 3) * tangent
        else:  # talking on the pavement or by the van
            stand = park + (door - park) * rng.uniform(0.2, 0.8)
        listed = door + unit(rng) * rng.uniform(*_STORE_ERROR_M)
        return Place(road, park, door, stand, side * normal, indoor, listed)

    def _scatter(
        self,
        rng: np.random.Generator,
        n: int,
        near: Arr,
        park_m: tuple[float, float],
        lo: float = 300.0,
    ) -> list[Place]:
        out: list[Place] = []
        prev = near
        while len(out) < n:
            for _ in range(300):
                cand = prev + unit(rng) * (
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
                raise RetryError
        return out

    def _stalls(self, rng: np.random.Generator, hall: Place) -> list[Place]:
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
            raise RetryError
        out = []
        for x, r in xy:
            y = 8 + r * gap
            front = hall.door + tangent * x + hall.inward * y
            listed = front + unit(rng) * rng.uniform(*_STALL_ERROR_M)
            out.append(Place(hall.road, hall.park, front, front, hall.inward, True, listed, (x, y)))
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


def _visiting_order(
    rng: np.random.Generator, p: dict[str, Any], n_onsite: int, k: int
) -> tuple[list[int], int]:
    """Visiting order (task rows) with the scenario's swaps and skip; the skipped row or -1.

    ``k`` is the number of rows that may be swapped or skipped (the stalls on market days).
    """
    order = list(range(n_onsite))
    if p["swap"] == 1 or (p["swap"] == 0 and rng.random() < 0.2 and k > 3):
        i = int(rng.integers(0 if p["market"] else 1, k - 1))
        order[i], order[i + 1] = order[i + 1], order[i]
    elif p["swap"] == 2:
        i, j = rng.choice(k, 2, replace=False)
        order[i], order[j] = order[j], order[i]
    skipped = int(rng.integers(1, k)) if p["skip"] else -1
    return [t for t in order if t != skipped], skipped


def _task_seq(
    rng: np.random.Generator, p: dict[str, Any], n_places: int, n_onsite: int
) -> dict[int, int]:
    """``seq`` of each task row: phone/chat tasks interleaved; seq 1 never on-site on such days."""
    rows = list(range(n_places))
    if p["phone_chat"]:
        first_remote = rows[n_onsite]
        rest = [r for r in rows if r != first_remote]
        rng.shuffle(rest)
        onsite_seq = list(range(n_onsite))
        rows = [first_remote] + [onsite_seq.pop(0) if r < n_onsite else r for r in rest]
    return {r: i + 1 for i, r in enumerate(rows)}
