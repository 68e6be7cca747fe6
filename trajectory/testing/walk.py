"""The true path of one generated day: drives along the grid, walks, visits and their truth.

The manager starts at home or the warehouse, drives (car 9-14 m/s, e-bike 5-7 m/s)
along the grid with turns, red lights (30-90 s) and queues, parks 15-60 m from the
door (e-bike 3-15 m), walks in and moves about inside.  Times are seconds on a
relative clock; :func:`walk_day` returns them as a :class:`Line`.
"""

from __future__ import annotations

__all__ = ["Line", "walk_day"]

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from trajectory.testing.world import Arr, Place, RetryError, Stop, World, unit


@dataclass
class Line:
    """The planned day on a relative clock (s from the first fix)."""

    times: Arr
    points: Arr
    visits: list[dict[str, Any]]
    indoor: list[tuple[float, float]]
    gaps: list[tuple[float, float]]
    drifts: list[tuple[float, float, float, Arr]]
    log_end: float
    target_s: float  # local time of day the first on-site task store is reached


def walk_day(w: World, p: dict[str, Any], rng: np.random.Generator) -> Line:
    walk_mps = rng.uniform(1.1, 1.4)
    line = Line(np.zeros(0), np.zeros((0, 2)), [], [], [], [], 0.0, 0.0)
    home = w.home
    path = _Path(home.stand if w.exempt_kind else home.door)
    if w.exempt_kind:
        _visit(path, Stop("exempt", -1, home, rng.uniform(8, 30) * 60), p, rng, line, walk_mps)
    here = home
    jam_leg = int(rng.integers(1, len(w.stops))) if p["jam_near"] else -1
    hall_in = 0.0
    for i, stop in enumerate(w.stops):
        pl = stop.place
        if pl.hall is not None and here.hall is not None:
            path.walk(w.hall_path(here.hall, pl.hall), 0.9)
            if rng.random() < 0.3:
                path.wait(rng.uniform(20, 60))  # a look at another stall's goods
        elif p["near_pair"] and here is not home and np.hypot(*(pl.door - here.door)) < 150:
            path.walk(here.door, walk_mps)  # next door or across the street: walk over
            path.walk(pl.door if pl.indoor else pl.park, walk_mps)
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
        _visit(path, Stop("exempt", -1, home, rng.uniform(5, 20) * 60), p, rng, line, walk_mps)
        line.log_end = path.t
    else:  # the phone stops logging on the way home
        line.log_end = min(path.t, t_off + rng.uniform(3, 15) * 60)
    line.times = np.concatenate(path.times)
    line.points = np.concatenate(path.points)
    stays = [v for v in line.visits if v["kind"] != "exempt"]
    if p["phone_gap"]:
        line.gaps.append(_phone_gap(stays, rng))
    if p["revisit"]:
        _check_revisit(stays)
    line.target_s = (
        rng.uniform(7 * 3600 + 40 * 60, 8 * 3600 + 40 * 60)
        if p["late"]
        else rng.uniform(6 * 3600 + 40 * 60, 7 * 3600 + 20 * 60)
    )
    return line


def _phone_gap(stays: list[dict[str, Any]], rng: np.random.Generator) -> tuple[float, float]:
    """A 25-35 min logging gap around a drive between two stays (not the first)."""
    options = []
    for a, b in itertools.pairwise(stays[1:]):
        start = rng.uniform(max(a["arr"] + 300, a["dep"] - 300), a["dep"] + 120)
        end = start + rng.uniform(25, 35) * 60
        if end <= b["dep"] - 360:
            options.append((start, end))
    if not options:
        raise RetryError
    return options[int(rng.integers(len(options)))]


def _check_revisit(stays: list[dict[str, Any]]) -> None:
    """The revisit must come more than 65 min after the first visit of that store."""
    again = stays[-1]
    before = [v for v in stays[:-1] if v["task"] == again["task"]]
    if again["arr"] - before[0]["dep"] < 65 * 60:
        raise RetryError


def _leave(path: _Path, here: Place, w: World, walk_mps: float, line: Line, hall_in: float) -> None:
    if here.hall is not None:
        path.walk(w.hall_path(here.hall, (0.0, 0.0)), 0.9)
        line.indoor.append((hall_in, path.t))
    elif here.indoor:
        path.walk(here.door, walk_mps)
    path.walk(here.park, walk_mps)


def _visit(
    path: _Path,
    stop: Stop,
    p: dict[str, Any],
    rng: np.random.Generator,
    line: Line,
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
        line.drifts.append((t_a, t_a + rng.uniform(180, 600), dep, unit(rng) * rng.uniform(20, 80)))
    line.visits.append(
        {"kind": stop.kind, "task": stop.task, "stand": pl.stand, "arr": arr, "dep": dep}
    )


def _between(lines: Arr, x0: float, x1: float, rng: np.random.Generator) -> float | None:
    lo, hi = min(x0, x1), max(x0, x1)
    inside = lines[(lines > lo + 1) & (lines < hi - 1)]
    return float(rng.choice(inside)) if len(inside) else None


def _route(w: World, a: Place, b: Place, rng: np.random.Generator) -> Arr:
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


def _profile(poly: Arr, w: World, rng: np.random.Generator, jam: str | None) -> tuple[Arr, Arr]:
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
