"""Seeded generator of the marketing sample: five working days of the field managers.

Writes ``sample_data/marketing/``: the six marketing kinds (``windows``,
``keywords``, ``marketing``, ``chat_reports``, ``summaries``, ``help_plans``),
F11's simulated GPS days (``tracks/<date>/F11/``: ``track.csv``, ``tasks.csv``,
``config.toml``) and their verification results (``results/<date>/days/F11.json``,
the layout of ``trajcheck daily``).  Consistent with part 1's sample
(``people.csv``, ``buyers.csv``): F11's task-list stores are F11's buyers
(``store_id`` = ``buyer_id``), each day simulated by ``trajectory.testing`` (the
generator of ``sample_tracks/``) and moved to F11's district.

Monday 2026-11-16 to Friday 2026-11-20, one scenario a day: compliant, late,
skipped_store (a visit claimed at a store never visited: **contradicted**),
extra_stop, and a compliant day with one on-site visit claimed while the track
shows F11 at another customer (**contradicted**).  The chat reports include late,
keyword-poor, unknown-keyword and SKU-incomplete ones and missing hourly reports;
a summary miscounts; a missed goal has a vague reason; a help plan is missing.
F21 reports records for the same days without any GPS (corroboration unknown).
F12, F13, F22 and F23 (issue 15) get simulated days too (``OTHERS``: careful to sloppy
reports, compliant to late/skipping days, tracks sampled every 20 s), and missed goals
carry paraphrased concrete reasons (``REASONS``), some not keyed yet.

Run ``python sample_data/generate_marketing.py``; the same seed writes the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from trajectory import load_config, read_tasks, read_track, verify_day  # noqa: E402
from trajectory.testing.scenarios import generate_day  # noqa: E402

SEED = 20261116
DAYS = [dt.date(2026, 11, 16) + dt.timedelta(days=i) for i in range(5)]
SCENARIOS = ("compliant", "late", "skipped_store", "extra_stop", "compliant")
CENTRE = (31.375, 121.265)  # D01 嘉定区, F11's district
TZ = dt.timezone(dt.timedelta(hours=8))
KEYWORDS = [
    ("产品", "product", True), ("价格", "price", False), ("质量", "quality", False),
    ("配送", "delivery", False), ("竞品", "competitor", False), ("账期", "payment", False),
    ("品牌", "brand", False), ("库存", "stock", False), ("需求", "demand", False),
    ("客情", "relationship", False), ("方法", "gap_method", False),
    ("流程", "gap_process", False), ("规范", "gap_norm", False),
]  # fmt: skip
PRODUCTS = ["猪五花肉/双汇/10kg", "鸡胸肉/大成/10kg", "冻鸡翅中/正大/5kg", "猪肋排/金锣/15kg"]
PURPOSES = ("首单", "复购", "新品推荐", "回款", "客情维护")
#: The other field managers (issue 15: a scorecard that tells managers apart): their five
#: days' scenarios, how careful their chat reports are (0 careful .. 2 sloppy), their
#: district's centre and the sampling interval of their simulated tracks (s).
OTHERS: dict[str, tuple[tuple[str, ...], int, tuple[float, float]]] = {
    "F12": (("compliant",) * 5, 0, (31.245, 121.338)),
    "F13": (("late", "compliant", "extra_stop", "late", "skipped_store"), 2, (31.150, 121.130)),
    "F22": (("compliant", "compliant", "late", "compliant", "compliant"), 1,
            (31.180, 121.342)),
    "F23": (("compliant", "late", "compliant", "compliant", "compliant"), 0, (31.195, 121.470)),
}  # fmt: skip
OTHER_SAMPLING_S = 20.0
#: Concrete reasons of missed goals and the keywords the management center gave them;
#: paraphrased, so that a text-similarity suggestion has something to learn.
REASONS: tuple[tuple[str, str], ...] = (
    ("老板不在，约明天上午再谈价格", "客情;价格"),
    ("老板外出进货，明天上午再来谈价格", "客情;价格"),
    ("嫌我们每箱比批发市场贵五块", "价格;竞品"),
    ("说隔壁档口每箱便宜三块，价格没谈拢", "价格;竞品"),
    ("上次配送晚到两小时，暂时不愿再订", "配送"),
    ("配送时间和开店时间对不上，要求早上六点前到", "配送"),
    ("库存还很多，下周再补货", "库存"),
    ("冷库满了，等库存消化完再订", "库存"),
    ("已和别家签了月结账期，要求我们也给账期", "账期;竞品"),
    ("资金紧张，要求延长账期到月底", "账期"),
    ("要先看样品质量再决定", "质量"),
    ("上批冻品化冻后出水多，质量有顾虑", "质量"),
    ("只认双汇的牌子，我们这款缺货", "品牌;库存"),
    ("客户只要大牌，不接受我们推荐的品牌", "品牌"),
)


def main(out: Path = HERE / "marketing") -> None:
    rng = np.random.default_rng(SEED)
    buyers = pd.read_csv(HERE / "buyers.csv", dtype=str, keep_default_na=False)
    f11 = buyers.loc[buyers["manager_id"] == "F11"].reset_index(drop=True)
    f21 = buyers.loc[buyers["manager_id"] == "F21"].reset_index(drop=True)
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("marketing", "chat_reports",
                                                            "summaries", "help_plans")}  # fmt: skip
    for i, (day, scenario) in enumerate(zip(DAYS, SCENARIOS, strict=True)):
        visits = _simulate(out, day, scenario, i, f11)
        _records(rows, rng, day, "F11", f11, visits, i)
    for day in DAYS:
        _records(rows, rng, day, "F21", f21, None, -1)
    for manager, (scenarios, care, centre) in OTHERS.items():
        pool = buyers.loc[buyers["manager_id"] == manager].reset_index(drop=True)
        for i, (day, scenario) in enumerate(zip(DAYS, scenarios, strict=True)):
            visits = _simulate(out, day, scenario, i, pool, manager, centre)
            _records(rows, rng, day, manager, pool, visits, 10 + i, care)
    _write(out / "keywords.csv", [dict(zip(("keyword", "category", "needs_leaf"), k, strict=True))
                                  for k in KEYWORDS])  # fmt: skip
    _write(out / "windows.csv", _windows(buyers, rng))
    for kind, items in rows.items():
        _write(out / f"{kind}.csv", items)


def _simulate(
    out: Path, day: dt.date, scenario: str, i: int, f11: pd.DataFrame,
    manager: str = "F11", centre: tuple[float, float] = CENTRE,
) -> pd.DataFrame:  # fmt: skip
    other = manager != "F11"
    sim = generate_day(
        scenario, i + 1 + (100 * int(manager[1:]) if other else 0), date=day.isoformat(),
        manager_id=manager, sampling_s=OTHER_SAMPLING_S if other else None,
    )  # fmt: skip
    track, tasks, visits = sim.track.copy(), sim.tasks.copy(), sim.visits.copy()
    dlat = centre[0] - float(track["lat"].mean())
    dlon = centre[1] - float(track["lon"].mean())
    for frame in (track, tasks, visits):
        frame["lat"] = (frame["lat"] + dlat).round(7)
        frame["lon"] = (frame["lon"] + dlon).round(7)
    order = np.random.default_rng(SEED + i).permutation(len(f11))
    order = np.resize(order, len(tasks))  # a small pool: buyers visited again on one day
    rename = dict(zip(tasks["store_id"], f11["buyer_id"].iloc[order], strict=True))
    names = dict(zip(f11["buyer_id"], f11["name"], strict=True))
    tasks["store_id"] = tasks["store_id"].map(rename)
    tasks["store_name"] = tasks["store_id"].map(names)
    visits["store_id"] = visits["store_id"].map(rename)
    folder = out / "tracks" / day.isoformat() / manager
    folder.mkdir(parents=True, exist_ok=True)
    track.to_csv(folder / "track.csv", index=False)
    tasks.to_csv(folder / "tasks.csv", index=False)
    lines = [f"# Written by sample_data/generate_marketing.py ({scenario}, seed {i + 1}).\n"]
    for place in sim.config.get("exempt_places", []):
        lines.append(
            f'[[exempt_places]]\nname = "{place["name"]}"\nlat = {place["lat"] + dlat:.7f}\n'
            f"lon = {place['lon'] + dlon:.7f}\nradius_m = {place['radius_m']}\n"
        )
    (folder / "config.toml").write_text("".join(lines), encoding="utf-8")
    result = verify_day(
        read_track(folder / "track.csv"),
        read_tasks(folder / "tasks.csv"),
        load_config(folder / "config.toml"),
        manager_id=manager,
        date=day,
    ).to_dict()
    target = out / "results" / day.isoformat() / "days" / f"{manager}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    stores = visits.loc[visits["kind"] == "store"].copy()
    stores["reported_only"] = False
    skipped = tasks.loc[~tasks["store_id"].isin(stores["store_id"]) & (tasks["method"] == "onsite")]
    return pd.concat([stores, skipped.assign(reported_only=True)], ignore_index=True)


def _t(ts: pd.Timestamp | dt.datetime) -> str:
    return pd.Timestamp(ts).tz_convert(TZ).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def _records(
    rows: dict[str, list[dict[str, Any]]],
    rng: np.random.Generator,
    day: dt.date,
    manager: str,
    pool: pd.DataFrame,
    visits: pd.DataFrame | None,
    i: int,
    care: int = 1,
) -> None:
    events: list[tuple[pd.Timestamp, pd.Timestamp, str, str]] = []  # start, end, buyer, method
    start_of = pd.Timestamp(dt.datetime.combine(day, dt.time(8, 0), TZ))
    if visits is not None:
        real = visits.loc[~visits["reported_only"]].sort_values("arrival_utc")
        for v in real.itertuples():
            a, d = pd.Timestamp(v.arrival_utc), pd.Timestamp(v.departure_utc)
            events.append((a + pd.Timedelta(minutes=1), d - pd.Timedelta(minutes=1),
                           str(v.store_id), "onsite"))  # fmt: skip
        if len(real) >= 3:  # a claimed visit at a skipped store, during a real stay elsewhere
            ghost = visits.loc[visits["reported_only"], "store_id"]
            other = pool.loc[~pool["buyer_id"].isin(visits["store_id"]), "buyer_id"]
            fake = str(ghost.iloc[0]) if len(ghost) else (str(other.iloc[0]) if i == 4 else "")
            if fake:
                host = real.iloc[2]
                a = pd.Timestamp(host.arrival_utc) + pd.Timedelta(minutes=2)
                events.append((a, a + pd.Timedelta(minutes=5), fake, "onsite"))
    else:
        for k in range(6):
            a = start_of + pd.Timedelta(minutes=40 * k)
            events.append((a, a + pd.Timedelta(minutes=25), str(pool["buyer_id"].iloc[k]),
                           "onsite"))  # fmt: skip
    last = max(e[1] for e in events)
    chat_ok = pool.loc[pool["chat_admitted"] == "yes", "buyer_id"].tolist()
    others = pool["buyer_id"].tolist()
    for k in range(5):  # phone calls after the visits, then chat with admitted buyers
        a = last + pd.Timedelta(minutes=15 + 12 * k)
        events.append((a, a + pd.Timedelta(minutes=6), others[(k * 3 + i) % len(others)], "phone"))
    for k, b in enumerate(chat_ok[:4] + ([others[1]] if i == 1 else [])):
        a = last + pd.Timedelta(minutes=90 + 10 * k)
        events.append((a, a + pd.Timedelta(minutes=5), b, "chat"))
    events.sort()
    done = {"onsite": set(), "phone": set(), "chat": set()}  # type: dict[str, set[str]]
    for n, (a, d, b, method) in enumerate(events):
        missed = n % 4 == 3
        reason, kws = ("", "")
        if missed:
            reason, kws = REASONS[(n + 3 * i + int(manager[1:])) % len(REASONS)]
            if (n + i) % 5 == 4:
                kws = ""  # not keyed yet: the management center's queue
            if n == 3 and i == 2:
                reason, kws = ("无", "")
        rows["marketing"].append({
            "manager_id": manager, "buyer_id": b, "slot_start": _t(a), "slot_end": _t(d),
            "method": method, "purpose": PURPOSES[n % len(PURPOSES)],
            "goal_met": "no" if missed else "yes", "result": "已约复谈" if missed else "达成",
            "reason": reason, "reason_keywords": kws,
        })  # fmt: skip
        done[method].add(b)
        planned = {(p["date"], p["buyer_id"]) for p in rows["help_plans"]}
        next_day = (day + dt.timedelta(days=1 if day.weekday() < 4 else 3)).isoformat()
        if missed and not (i == 3 and n == 3) and (next_day, b) not in planned:
            rows["help_plans"].append({
                "date": (day + dt.timedelta(days=1 if day.weekday() < 4 else 3)).isoformat(),
                "helper_id": "GM1" if manager < "F2" else "GM2",
                "helper_role": "district_gm", "buyer_id": b, "manager_id": "",
                "actions": "陪访，带样品", "completion_plan": "两天内再访并下单",
                "gap_keywords": "方法",
            })  # fmt: skip
        sent = d + pd.Timedelta(minutes=2)
        tags = f"产品:{PRODUCTS[n % len(PRODUCTS)]};需求"
        if care == 0:
            pass
        elif (n + i) % 7 == 5:
            tags = "需求"  # keyword-poor
        elif (n + i) % 7 == 6:
            tags = "产品:猪五花肉;价格"  # not down to the SKU
        elif (n + i) % 11 == 4:
            tags = "天气;价格"  # not in the taxonomy
        state = "未" if missed else "已"
        if (n == 2 and manager == "F11") or (care == 2 and n % 5 == 2):
            sent = d + pd.Timedelta(hours=3)  # late: after the next customer
        rows["chat_reports"].append({
            "manager_id": manager, "sent_at": _t(sent), "kind": "customer", "buyer_id": b,
            "tags": tags, "transcript": f"{b} {PURPOSES[n % len(PURPOSES)]}：{state}达成",
        })  # fmt: skip
    skip_hours = {i % 10, (i * 3) % 10} if manager == "F11" and i in (1, 3) else set()
    if care == 2:
        skip_hours = {1, 4, 7}
    for h in range(8, 18):
        if h - 8 in skip_hours:
            continue
        at = pd.Timestamp(dt.datetime.combine(day, dt.time(h, 50), TZ))
        hourly = {"manager_id": manager, "sent_at": _t(at), "kind": "hourly", "buyer_id": ""}
        rows["chat_reports"].append({**hourly, "tags": "", "transcript": f"{h}点"})
    at = pd.Timestamp(dt.datetime.combine(day, dt.time(19, 30), TZ))
    rows["chat_reports"].append({"manager_id": manager, "sent_at": _t(at), "kind": "daily",
                                 "buyer_id": "", "tags": "", "transcript": "今日总结"})  # fmt: skip
    counts = {m: len(s) for m, s in done.items()}
    if i == 2:
        counts["onsite"] += 1  # the summary claims one on-site visit more than the records
    rows["summaries"].append({
        "manager_id": manager, "date": day.isoformat(),
        "target_onsite": 8, "target_phone": 5, "target_chat": 4,
        "actual_onsite": counts["onsite"], "actual_phone": counts["phone"],
        "actual_chat": counts["chat"], "problems": "部分客户老板不在",
        "suggestions": "提前电话预约", "experience": "" if i == 4 else "先看库存再谈价格",
    })  # fmt: skip
    if len(done["onsite"]) < 8 and not (manager == "F11" and i == 0):
        rows["help_plans"].append({
            "date": day.isoformat(), "helper_id": "GM1" if manager < "F2" else "GM2",
            "helper_role": "district_gm", "buyer_id": "", "manager_id": manager,
            "actions": "电话辅导：路线与时间安排", "completion_plan": "明日上门量达标",
            "gap_keywords": "流程",
        })  # fmt: skip


def _windows(buyers: pd.DataFrame, rng: np.random.Generator) -> list[dict[str, Any]]:
    out = []
    for n, b in enumerate(buyers["buyer_id"]):
        if n % 17 == 5:
            out.append({"buyer_id": b, "start": "09:00", "end": "10:00"})  # only 1 h: short
            continue
        out.append({"buyer_id": b, "start": "06:00", "end": "12:00"})
        out.append({"buyer_id": b, "start": "13:30", "end": "16:00" if n % 5 else "17:30"})
    del rng
    return out


def _write(path: Path, items: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(items[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(items)


if __name__ == "__main__":
    main()
