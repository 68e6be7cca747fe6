"""Human-readable labels of a generated day: store and stall names, the day's notes."""

from __future__ import annotations

__all__ = ["day_notes", "store_names"]

from typing import Any

import numpy as np
import pandas as pd

from trajectory.testing.walk import Line
from trajectory.testing.world import UTC_OFFSET_S, World

# fmt: off
_PREFIX = ("王记", "李记", "老陈", "张家", "阿芳", "惠民",
           "丰收", "鲜达", "绿源", "好邻居", "金果园", "佳禾")
_KIND = ("生鲜超市", "水果店", "蔬菜店", "冻品店", "鲜肉铺", "粮油店", "海鲜档", "果蔬便利店")
_ROAD = ("长宁路", "中山北路", "天河路", "人民南路", "建设路",
         "解放路", "和平街", "文化路", "新华路")
_STALL = ("鲜丰", "万家", "顺发", "众鑫", "宏达", "利民", "广源", "金穗")
_GOODS = ("水果", "蔬菜", "冻品", "海鲜", "禽蛋", "干货", "粮油", "菌菇")
# fmt: on


def store_names(w: World, rng: np.random.Generator) -> list[str]:
    """A Chinese name per place: district stores by shop and road, stalls by goods and row."""
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


def day_notes(
    scenario: str,
    w: World,
    line: Line,
    off: float,
    info: dict[str, float],
    ids: list[str],
    visits: pd.DataFrame,
    p: dict[str, Any],
) -> str:
    """One paragraph on what the day holds (for sample READMEs and failing-test messages)."""
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
            f"unexplained stop {_hhmm((v['arrival_utc'].timestamp() + UTC_OFFSET_S) % 86400)}"
        )
    again = visits["store_id"].dropna()
    parts += [f"{s} visited twice" for s in again[again.duplicated()]]
    if p["phone_gap"]:
        a, b = line.gaps[-1]
        parts.append(f"phone logged nothing {_hhmm(a + off)}-{_hhmm(b + off)}")
    return "; ".join(parts) + "."
