"""Daily scorecards at a city's scale (issue 7): 500 field managers x 30 marketing records
and 40 chat reports each, with a stored verification result (10 stays) per manager.

Run ``.venv/bin/python benchmarks/scorecards.py``; writes benchmarks/results/scorecards.md.
"""

from __future__ import annotations

import datetime as dt
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

# benchmarks/assessment.py would shadow the package when run as a script
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessment.config import AssessConfig
from assessment.io import Dataset, empty_frame
from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import MarketingData, empty_marketing
from assessment.scorecard import daily_scorecards

N_MANAGERS, N_RECORDS, N_REPORTS, N_STAYS = 500, 30, 40, 10
DAY = dt.date(2026, 11, 18)


def build() -> tuple[Dataset, MarketingData, list[dict[str, object]]]:
    rng = np.random.default_rng(7)
    m_ids = np.array([f"F{i:04d}" for i in range(N_MANAGERS)], dtype=object)
    b_ids = np.array([f"B{i:06d}" for i in range(N_MANAGERS * 20)], dtype=object)
    people = empty_frame("people").reindex(range(N_MANAGERS))
    people["person_id"], people["role"] = m_ids, "field_manager"
    people["team_id"] = [f"T{i // 10}" for i in range(N_MANAGERS)]
    buyers = empty_frame("buyers").reindex(range(len(b_ids)))
    buyers["buyer_id"], buyers["manager_id"] = b_ids, np.repeat(m_ids, 20)
    buyers["lat"] = 31.0 + rng.random(len(b_ids)) * 0.3
    buyers["lon"] = 121.0 + rng.random(len(b_ids)) * 0.3
    buyers["chat_admitted"] = rng.random(len(b_ids)) < 0.4
    base = dict.fromkeys(("areas", "clusters", "brands", "orders", "declarations"))
    data = Dataset(**{k: empty_frame(k) for k in base}, people=people, buyers=buyers)
    t0 = pd.Timestamp("2026-11-18 08:00", tz="Asia/Shanghai").tz_convert("UTC")
    n = N_MANAGERS * N_RECORDS
    mgr = np.repeat(m_ids, N_RECORDS)
    k = np.tile(np.arange(N_RECORDS), N_MANAGERS)
    start = t0 + pd.to_timedelta(k * 18, unit="min")
    buyer = b_ids[np.repeat(np.arange(N_MANAGERS) * 20, N_RECORDS) + k % 20]
    rec = pd.DataFrame(
        {
            "manager_id": mgr,
            "buyer_id": buyer,
            "slot_start": start,
            "slot_end": start + pd.Timedelta(minutes=12),
            "method": np.array(["onsite", "phone", "chat"], dtype=object)[k % 3],
            "purpose": "首单",
            "goal_met": rng.random(n) > 0.2,
            "result": "ok",
            "reason": "老板不在店里",
            "reason_keywords": "客情",
            "source_row": np.arange(n),
        }
    )
    nr = N_MANAGERS * N_REPORTS
    j = np.tile(np.arange(N_REPORTS), N_MANAGERS)
    cust = j < N_RECORDS
    sent = t0 + pd.to_timedelta(np.where(cust, j * 18 + 13, (j - N_RECORDS) * 60 + 50), unit="min")
    reps = pd.DataFrame(
        {
            "manager_id": np.repeat(m_ids, N_REPORTS),
            "sent_at": sent,
            "kind": np.where(cust, "customer", "hourly").astype(object),
            "buyer_id": np.where(
                cust, b_ids[np.repeat(np.arange(N_MANAGERS) * 20, N_REPORTS) + j % 20], None
            ),
            "tags": np.where(cust, "产品:猪五花肉/双汇/10kg;价格", None),
            "transcript": "x",
            "source_row": np.arange(nr),
        }
    )
    kw = pd.DataFrame(
        {
            "keyword": ["产品", "价格"],
            "category": ["p", "q"],
            "needs_leaf": [True, False],
            "source_row": [1, 2],
        }
    )
    mk = MarketingData(
        windows=empty_marketing("windows"),
        keywords=kw,
        marketing=rec,
        chat_reports=reps,
        summaries=empty_marketing("summaries"),
        help_plans=empty_marketing("help_plans"),
    )
    bodies: list[dict[str, object]] = []
    for i, m in enumerate(m_ids):
        stays = []
        for s in range(N_STAYS):
            b = i * 20 + (s * 3) % 20
            a = t0 + pd.Timedelta(minutes=54 * s)
            stays.append(
                {
                    "id": s + 1,
                    "store_id": b_ids[b],
                    "lat": buyers["lat"].iat[b],
                    "lon": buyers["lon"].iat[b],
                    "exempt": None,
                    "arrival": a.isoformat(),
                    "departure": (a + pd.Timedelta(minutes=15)).isoformat(),
                }
            )
        bodies.append(
            {
                "manager_id": m,
                "date": DAY.isoformat(),
                "status": "pass",
                "checks": {
                    c: {"status": "pass"}
                    for c in ("on_time_arrival", "trajectory_clear", "visit_count_match")
                },
                "cleaning": {"kept_points": 2000},
                "config": {"match_radius_m": 100.0},
                "stores": [],
                "stay_points": stays,
            }
        )
    return data, mk, bodies


def main() -> None:
    data, mk, bodies = build()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        sc = daily_scorecards(
            data, mk, bodies, DAY, config=MarketingConfig(), assess_config=AssessConfig()
        )
        times.append(time.perf_counter() - t)
    best = min(times)
    ok = "yes" if best < 10 else "no"
    lines = [
        "# Daily scorecards at a city's scale (issue 7)",
        "",
        f"{N_MANAGERS} field managers x {N_RECORDS} marketing records and {N_REPORTS} chat "
        f"reports each ({len(mk.marketing):,} records, {len(mk.chat_reports):,} reports), one "
        f"stored result of {N_STAYS} stays per manager; `daily_scorecards` for all of them, one "
        "core, best of 3 (the result JSON already parsed; reading files is not timed).",
        "",
        "| step | time | under 10 s |",
        "|---|--:|:-:|",
        f"| all daily scorecards (`daily_scorecards`) | {best:.2f} s | {ok} |",
        "",
        f"Runs: {', '.join(f'{x:.2f} s' for x in times)}; {len(sc.cards)} scorecards, "
        f"{int(sc.cards['corroborated'].sum()):,} visits corroborated, "
        f"{int(sc.cards['contradicted'].sum()):,} contradicted. "
        f"Measured {dt.date.today()} on {platform.machine()} ({platform.python_version()}).",
    ]
    out = Path(__file__).parent / "results" / "scorecards.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
