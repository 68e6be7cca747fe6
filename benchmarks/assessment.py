"""Time of each assessment rule on a city of 10,000 buyers and 1,000,000 order lines.

Issue 6's target: every rule under 5 s on this machine.  The data are generated
with NumPy (seeded) in the dtypes :func:`assessment.validate.validate_rows`
produces: 10,000 buyers of 500 field managers in 25 teams, 20 markets/districts,
100 cluster points, 200 products x 30 brands x 3 net weights, three months of
order lines (about 7 % cancelled, a fifth of the orders with two lines) and
50,000 declarations.  Each rule is timed alone (best of ``--repeat`` runs), then
the whole buyer report, the order report, and the import validation of the
order lines from text (as a CSV would give them).

Usage::

    python benchmarks/assessment.py                 # writes benchmarks/results/assessment.md
    python benchmarks/assessment.py --buyers 1000 --orders 100000 --out -   # quick, prints
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment.buyers import (  # noqa: E402
    assess_buyers,
    assess_rights,
    classify_status,
    find_targets,
    grade_buyers,
    rank_buyers,
    turnover,
)
from assessment.config import AssessConfig  # noqa: E402
from assessment.io import Dataset, assignments_from_buyers, empty_frame  # noqa: E402
from assessment.orders import match_declarations, summarise_matches  # noqa: E402
from assessment.schema import BUYER_TYPES  # noqa: E402
from assessment.validate import validate_rows  # noqa: E402

AS_OF = dt.date(2026, 12, 1)
TARGET_S = 5.0


def city(n_buyers: int, n_lines: int, n_declarations: int, seed: int = 6) -> Dataset:
    """A generated city in the validated frames' dtypes."""
    rng = np.random.default_rng(seed)
    utc = "datetime64[ns, UTC]"
    n_managers, n_teams, n_areas, n_clusters = 500, 25, 20, 100
    managers = np.array([f"F{i:04d}" for i in range(n_managers)], dtype=object)
    people = pd.DataFrame(
        {
            "person_id": managers,
            "name": None,
            "role": "field_manager",
            "reports_to": None,
            "team_id": np.array([f"T{i % n_teams:02d}" for i in range(n_managers)], dtype=object),
            "area_id": None,
            "source_row": np.arange(1, n_managers + 1),
        }
    ).astype({"name": object, "reports_to": object, "area_id": object})
    cluster_area = rng.integers(0, n_areas, n_clusters)
    clusters = pd.DataFrame(
        {
            "cluster_id": np.array([f"C{i:03d}" for i in range(n_clusters)], dtype=object),
            "name": None,
            "area_id": np.array([f"A{a:02d}" for a in cluster_area], dtype=object),
            "lat": np.nan,
            "lon": np.nan,
            "crs": "wgs84",
            "source_row": np.arange(1, n_clusters + 1),
        }
    )
    areas = pd.DataFrame(
        {
            "area_id": np.array([f"A{i:02d}" for i in range(n_areas)], dtype=object),
            "name": None,
            "kind": np.where(np.arange(n_areas) % 2, "market", "district").astype(object),
            "district_id": None,
            "source_row": np.arange(1, n_areas + 1),
        }
    )
    n_brands = 30
    brands = pd.DataFrame(
        {
            "brand": np.array([f"brand{i}" for i in range(n_brands)], dtype=object),
            "kind": np.array(["lead"] * 5 + ["regular"] * 22 + ["legacy_agency"] * 3, dtype=object),
            "source_row": np.arange(1, n_brands + 1),
        }
    )
    start = pd.Timestamp("2026-01-01", tz="Asia/Shanghai").tz_convert("UTC")
    days = lambda n, lo, hi: start + pd.to_timedelta(rng.integers(lo * 86400, hi * 86400, n), "s")  # noqa: E731
    cluster = rng.integers(0, n_clusters, n_buyers)
    registered = rng.random(n_buyers) < 0.92
    assigned = registered & (rng.random(n_buyers) < 0.9)
    activated = assigned & (rng.random(n_buyers) < 0.75)
    reg_at = pd.Series(days(n_buyers, 0, 200)).where(registered)
    ass_at = (reg_at + pd.to_timedelta(rng.integers(0, 60, n_buyers), "D")).where(assigned)
    act_at = (ass_at + pd.to_timedelta(rng.integers(0, 120, n_buyers), "D")).where(activated)
    buyers = pd.DataFrame(
        {
            "buyer_id": np.array([f"B{i:05d}" for i in range(n_buyers)], dtype=object),
            "name": None,
            "type": np.array(BUYER_TYPES, dtype=object)[rng.integers(0, 7, n_buyers)],
            "area_id": np.array([f"A{a:02d}" for a in cluster_area[cluster]], dtype=object),
            "cluster_id": np.array([f"C{c:03d}" for c in cluster], dtype=object),
            "lat": 31 + rng.random(n_buyers),
            "lon": 121 + rng.random(n_buyers),
            "registered_at": reg_at.astype(utc),
            "manager_id": pd.Series(managers[rng.integers(0, n_managers, n_buyers)]).where(
                assigned, None
            ),
            "assigned_at": ass_at.astype(utc),
            "activated_at": act_at.astype(utc),
            "activated_by": None,
            "chat_admitted": rng.random(n_buyers) < 0.4,
            "crs": "wgs84",
            "source_row": np.arange(1, n_buyers + 1),
        }
    ).astype({"name": object, "activated_by": object, "manager_id": object})
    # order lines: a fifth of the orders have two lines
    n_orders = n_lines  # an upper bound: the lines run out first
    per_order = 1 + (rng.random(n_orders) < 0.2)
    order_of_line = np.repeat(np.arange(n_orders), per_order)[:n_lines]
    silent = max(1, n_buyers // 50)  # the last 2 % of the buyers order nothing
    order_buyer = rng.integers(0, n_buyers - silent, n_orders)
    order_time = days(n_orders, 244, 334)  # September to November 2026
    status = np.array(["delivered", "cancelled_by_platform", "cancelled_by_buyer"], dtype=object)[
        rng.choice(3, n_orders, p=[0.93, 0.04, 0.03])
    ]
    boxes = np.maximum(1, rng.geometric(0.08, n_lines))
    orders = pd.DataFrame(
        {
            "order_id": np.array([f"O{i:07d}" for i in order_of_line], dtype=object),
            "buyer_id": buyers["buyer_id"].to_numpy(object)[order_buyer[order_of_line]],
            "placed_at": pd.Series(order_time[order_of_line]).astype(utc),
            "product": np.array([f"product{i}" for i in range(200)], dtype=object)[
                rng.integers(0, 200, n_lines)
            ],
            "brand": brands["brand"].to_numpy(object)[rng.integers(0, n_brands, n_lines)],
            "net_weight_g": pd.array(rng.choice([5000, 10000, 15000], n_lines), dtype="Int64"),
            "boxes": boxes.astype(np.int64),
            "amount": np.round(boxes * rng.uniform(80, 700, n_lines), 2),
            "status": status[order_of_line],
            "source_row": np.arange(1, n_lines + 1),
        }
    )
    orders = orders.drop_duplicates(["order_id", "product", "brand", "net_weight_g"])
    sample = orders.sample(n_declarations, random_state=seed)
    shift = pd.to_timedelta(rng.integers(0, 4, n_declarations), "D")
    declared = sample["placed_at"].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None) - shift
    kind = rng.integers(0, 4, n_declarations)
    product = sample["product"].to_numpy(object).copy()
    brand = sample["brand"].to_numpy(object).copy()
    product[kind == 2] = "product-never-ordered"
    brand[kind == 1] = "brand-never-ordered"
    owner = pd.Series(buyers["manager_id"].to_numpy(object), index=buyers["buyer_id"])
    declarations = pd.DataFrame(
        {
            "manager_id": sample["buyer_id"].map(owner).fillna("F0000").to_numpy(object),
            "declared_on": declared.dt.normalize().to_numpy("datetime64[ns]"),
            "buyer_id": np.where(
                kind == 3,
                buyers["buyer_id"].to_numpy(object)[
                    rng.integers(n_buyers - silent, n_buyers, n_declarations)
                ],
                sample["buyer_id"].to_numpy(object),
            ).astype(object),
            "product": product,
            "brand": brand,
            "net_weight_g": pd.array([pd.NA] * n_declarations, dtype="Int64"),
            "boxes": sample["boxes"].to_numpy(np.int64),
            "period_end": pd.Series(pd.NaT, index=range(n_declarations), dtype="datetime64[ns]"),
            "source_row": np.arange(1, n_declarations + 1),
        }
    )
    for kind_name, frame in (("areas", areas), ("clusters", clusters), ("people", people)):
        assert list(frame.columns) == list(empty_frame(kind_name).columns), kind_name
    assert list(buyers.columns) == list(empty_frame("buyers").columns)
    assert list(orders.columns) == list(empty_frame("orders").columns)
    assert list(declarations.columns) == list(empty_frame("declarations").columns)
    return Dataset(
        areas=areas,
        clusters=clusters,
        people=people,
        brands=brands,
        buyers=buyers,
        orders=orders.reset_index(drop=True),
        declarations=declarations,
        assignments=assignments_from_buyers(buyers),
    )


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def as_text(orders: pd.DataFrame) -> pd.DataFrame:
    """The order lines as a CSV reader hands them to the validator (text cells)."""
    local = orders["placed_at"].dt.tz_convert("Asia/Shanghai")
    return pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "buyer_id": orders["buyer_id"],
            "placed_at": local.dt.strftime("%Y-%m-%dT%H:%M:%S+08:00").astype(object),
            "product": orders["product"],
            "brand": orders["brand"],
            "net_weight": (orders["net_weight_g"].astype(np.int64) // 1000).astype(str) + "kg",
            "boxes": orders["boxes"].astype(str),
            "amount": orders["amount"].map("{:.2f}".format),
            "status": orders["status"],
            "source_row": orders["source_row"],
        }
    ).astype(object)


def database(data: Dataset, url: str | None) -> list[tuple[str, float]]:
    """Store every table (upserts, one transaction) and load it back as the service does."""
    import tempfile

    from api.db import make_engine, upgrade
    from api.db.assess import _upsert, load_dataset
    from api.db.session import writing
    from assessment.schema import KINDS

    folder = tempfile.TemporaryDirectory()
    engine = make_engine(url or f"sqlite:///{folder.name}/bench.db")
    upgrade(engine)
    name = engine.dialect.name
    t0 = time.perf_counter()
    with writing(engine) as conn:
        for kind in KINDS:
            _upsert(conn, kind, data.frame(kind))
    stored = time.perf_counter() - t0
    print(f"{'store every table (' + name + ')':<58} {stored:8.3f} s", flush=True)
    with engine.connect() as conn:
        loaded, back = best_of(1, lambda: load_dataset(conn))
    assert len(back.orders) == len(data.orders)
    print(f"{'load every table (' + name + ')':<58} {loaded:8.3f} s", flush=True)
    engine.dispose()
    folder.cleanup()
    return [
        (f"store every table in {name} (`_upsert`, one transaction)*", stored),
        (
            f"load every table from {name} (`load_dataset`, first API request after a write)*",
            loaded,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--declarations", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-import", action="store_true", help="skip the import validation")
    parser.add_argument("--no-db", action="store_true", help="skip storing and loading")
    parser.add_argument(
        "--db", help="SQLAlchemy URL to store into and load from (default: a new SQLite file)"
    )
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "assessment.md"))
    args = parser.parse_args()
    cfg = AssessConfig()
    t0 = time.perf_counter()
    data = city(args.buyers, args.orders, args.declarations)
    made = time.perf_counter() - t0
    ids = data.buyers["buyer_id"]
    targets = find_targets(data.orders, data.brands, ids, as_of=AS_OF, config=cfg)
    table = assess_buyers(data, as_of=AS_OF, config=cfg)
    matches = match_declarations(data.declarations, data.orders, data.people, config=cfg)
    rules: list[tuple[str, Callable[[], Any]]] = [
        ("target customers (`find_targets`)",
         lambda: find_targets(data.orders, data.brands, ids, as_of=AS_OF, config=cfg)),
        ("grade (`grade_buyers`)", lambda: grade_buyers(data.orders, ids, as_of=AS_OF, config=cfg)),
        ("status (`classify_status`)",
         lambda: classify_status(data.buyers, data.orders, as_of=AS_OF, config=cfg)),
        ("cumulative turnover (`turnover`)",
         lambda: turnover(data.orders, ids, as_of=AS_OF, config=cfg)),
        ("ranking (`rank_buyers`)", lambda: rank_buyers(table)),
        ("exclusive rights, reassignment due (`assess_rights`)",
         lambda: assess_rights(data.buyers, targets, data.assignments, as_of=AS_OF, config=cfg)),
        ("whole buyer report (`assess_buyers`, all of the above)",
         lambda: assess_buyers(data, as_of=AS_OF, config=cfg)),
        ("declaration matching (`match_declarations`)",
         lambda: match_declarations(data.declarations, data.orders, data.people, config=cfg)),
        ("per manager and per team (`summarise_matches` x 2)",
         lambda: (summarise_matches(matches, "manager_id"), summarise_matches(matches, "team_id"))),
    ]  # fmt: skip
    rows = []
    for name, fn in rules:
        seconds, _ = best_of(args.repeat, fn)
        rows.append((name, seconds))
        print(f"{name:<58} {seconds:8.3f} s", flush=True)
    if not args.no_import:
        text = as_text(data.orders)
        seconds, checked = best_of(
            1, lambda: validate_rows(text, "orders", source="orders.csv", timezone=cfg.timezone)
        )
        assert not checked.rejected and len(checked.frame) == len(data.orders)
        rows.append(("import validation of the order lines from text (`validate_rows`)*", seconds))
        print(f"{rows[-1][0]:<58} {seconds:8.3f} s", flush=True)
    if not args.no_db:
        rows += database(data, args.db)
    pairs = int((matches["matched_lines"] + matches["cancelled_lines"]).sum())
    header = (
        f"Assessment rules on {len(data.buyers):,} buyers, {len(data.orders):,} order lines "
        f"({data.orders['order_id'].nunique():,} orders, September-November 2026) and "
        f"{len(data.declarations):,} declarations ({pairs:,} declaration-line pairs in their "
        f"periods); {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{platform.processor() or platform.machine()} ({os.cpu_count()} cores, one used), "
        f"Python {platform.python_version()}, pandas {pd.__version__}, NumPy {np.__version__}; "
        f"best of {args.repeat} (import validation: one run); data generated in {made:.1f} s. "
        f"Target: each rule under {TARGET_S:.0f} s."
    )
    lines = [header, "", "| rule | time | under 5 s |", "|---|--:|:-:|"]
    lines += [
        f"| {n} | {s:.2f} s | {'n/a' if n.endswith('*') else 'yes' if s < TARGET_S else 'no'} |"
        for n, s in rows
    ]
    lines += [
        "",
        "\\* not a rule (no target): checking every cell of the CSV rows before they are "
        "stored; storing and loading the tables.",
        "",
        f"Buyer report: {int(table['is_target'].sum()):,} targets, "
        f"{int((table['rights'] == 'due').sum()):,} due for reassignment; matches: "
        + ", ".join(f"{k} {v:,}" for k, v in matches["match"].value_counts().items())
        + ".",
    ]
    text_out = "\n".join(lines) + "\n"
    if args.out == "-":
        print(text_out)
    else:
        Path(args.out).write_text(text_out, encoding="utf-8")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
