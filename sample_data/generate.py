"""Seeded generator of the assessment sample: markets, people, buyers, a month of orders.

Writes ``areas.csv``, ``clusters.csv``, ``people.csv``, ``brands.csv``,
``buyers.csv``, ``orders.csv`` and ``declarations.csv`` into a folder (by default
this one).  The same seed always writes the same bytes.

The city: three wholesale markets inside three districts, two cluster points per
market or district, two teams (north and south) of an area manager and three field
managers each under a district GM, a city director and a regional GM above them.
A hundred buyers of all seven types, each given a profile so that every status,
grade and kind of rights occurs (never registered, registered only, in the
activation period, regular at three levels, in the warning period; targets
waiting for activation, some past the two months); half the locations are given
in GCJ-02 (Amap), the rest in WGS-84.  November 2026's orders, about 7 % cancelled
(by the platform or the buyer), including one buyer whose largest order is
exactly 4 boxes and one with exactly 5, a buyer whose only big orders are of a
legacy agency brand, and lines of exactly 29/30 and 99/100 boxes.  Declarations
of every match class (SKU, product, buyer, none; some "none" only because the
order was cancelled).  The demo reads it as of 2026-12-01.

Run ``python sample_data/generate.py [--out DIR] [--seed N]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import numpy as np

AS_OF = dt.date(2026, 12, 1)
MONTH = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
TZ = "+08:00"

AREAS = [
    # area_id, name, kind, district_id, centre (lat, lon WGS-84)
    ("D01", "嘉定区", "district", "", (31.375, 121.265)),
    ("D02", "闵行区", "district", "", (31.113, 121.382)),
    ("D03", "青浦区", "district", "", (31.151, 121.124)),
    ("M01", "江桥批发市场", "market", "D01", (31.245, 121.335)),
    ("M02", "西郊国际农产品市场", "market", "D02", (31.186, 121.342)),
    ("M03", "上海农产品中心批发市场", "market", "D03", (31.164, 121.428)),
]
TEAMS = {"north": ("D01", "M01", "D03"), "south": ("D02", "M02", "M03")}
BRANDS = [
    ("双汇", "lead"),
    ("雨润", "lead"),
    ("金锣", "lead"),
    ("大成", "regular"),
    ("圣农", "regular"),
    ("正大", "regular"),
    ("华都代理", "legacy_agency"),
]
#: product -> (brands, net weights, yuan per box)
PRODUCTS = {
    "猪五花肉": (("双汇", "雨润", "金锣"), ("10kg", "20斤"), 380.0),
    "鸡胸肉": (("大成", "圣农", "正大"), ("10kg",), 150.0),
    "冻鸡翅中": (("圣农", "正大", "华都代理"), ("10kg", "5kg"), 420.0),
    "猪肋排": (("双汇", "金锣"), ("15kg",), 690.0),
    "牛腩": (("正大", "雨润"), ("10kg",), 560.0),
}
TYPES = (
    "distributor",
    "wet_market",
    "group_catering",
    "processing_plant",
    "chain_restaurant",
    "restaurant",
    "braised_meat",
)
#: profile -> share of buyers; the order volume of each profile is in _month_orders
TYPE_NAMES = {
    "distributor": "冻品批发",
    "wet_market": "菜场摊位",
    "group_catering": "团餐",
    "processing_plant": "食品加工厂",
    "chain_restaurant": "连锁餐饮",
    "restaurant": "酒楼",
    "braised_meat": "卤味熟食",
}
PROFILES = (
    ("unregistered", 8),
    ("registered", 10),
    ("target_waiting", 12),
    ("activation", 10),
    ("regular_big", 14),
    ("regular_mid", 18),
    ("regular_small", 18),
    ("warning", 10),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    generate(args.out, seed=args.seed)
    print(f"sample data written to {args.out}")


def generate(out: Path, *, seed: int = 20261201) -> None:
    """Write the seven CSV files of the sample into ``out``."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    clusters = _clusters(rng)
    people = _people()
    buyers = _buyers(rng, clusters, people)
    orders = _orders(rng, buyers)
    declarations = _declarations(rng, buyers, orders)
    _survey(buyers, orders)
    _write(out / "areas.csv", ["area_id", "name", "kind", "district_id"], [a[:4] for a in AREAS])
    _write(out / "clusters.csv", ["cluster_id", "name", "area_id", "lat", "lon"], clusters)
    _write(
        out / "people.csv",
        ["person_id", "name", "role", "reports_to", "team_id", "area_id"],
        people,
    )
    _write(out / "brands.csv", ["brand", "kind"], BRANDS)
    _write(
        out / "buyers.csv",
        [
            "buyer_id",
            "name",
            "type",
            "area_id",
            "cluster_id",
            "lat",
            "lon",
            "crs",
            "registered_at",
            "manager_id",
            "assigned_at",
            "activated_at",
            "activated_by",
            "chat_admitted",
            "usual_boxes",
            "agent_for",
        ],
        [(*b["row"], b.get("usual", ""), b.get("agent", "")) for b in buyers],  # type: ignore[misc]
    )
    _write(
        out / "orders.csv",
        [
            "order_id",
            "buyer_id",
            "placed_at",
            "product",
            "brand",
            "net_weight",
            "boxes",
            "amount",
            "status",
        ],
        orders,
    )
    _write(
        out / "declarations.csv",
        ["manager_id", "declared_on", "buyer_id", "product", "brand", "net_weight", "boxes"],
        declarations,
    )


def _clusters(rng: np.random.Generator) -> list[tuple[str, ...]]:
    rows = []
    for area_id, name, _kind, _district, (lat, lon) in AREAS:
        for k in (1, 2):
            dlat, dlon = rng.normal(0, 0.004, 2)
            rows.append(
                (
                    f"{area_id}-C{k}",
                    f"{name}{k}号聚集点",
                    area_id,
                    f"{lat + dlat:.6f}",
                    f"{lon + dlon:.6f}",
                )
            )
    return rows


def _people() -> list[tuple[str, ...]]:
    rows = [
        ("RG1", "周总", "regional_gm", "", "", ""),
        ("CD1", "吴总监", "city_director", "RG1", "", ""),
    ]
    for t, (team, areas) in enumerate(TEAMS.items(), start=1):
        gm, am = f"GM{t}", f"AM{t}"
        rows.append((gm, f"{team}区总经理", "district_gm", "CD1", team, areas[0]))
        rows.append((am, f"{team}区域经理", "area_manager", gm, team, areas[0]))
        for k, area in enumerate(areas, start=1):
            rows.append((f"F{t}{k}", f"驻场{t}{k}", "field_manager", am, team, area))
    return rows


def _survey(buyers: list[dict[str, object]], orders: list[tuple[str, ...]]) -> None:
    """Surveyed data (issue 15), drawn without the random generator so every other row
    stays the same: the usual order size of the registered buyers who never ordered
    (4 boxes: not a target; the others: targets before any platform order), and one
    regular buyer that ordered the legacy agency brand recorded as its agent."""
    ordered = {o[1] for o in orders}
    waiting = [b for b in buyers if b["profile"] == "registered" and b["id"] not in ordered]
    for k, b in enumerate(waiting):
        b["usual"] = str((8, 12, 20, 4, 6, 30)[k % 6])
    agent = next(b for b in buyers if b["profile"] == "regular_mid")
    agent["agent"] = "华都代理"
    # the platform must not supply an agent its own brand: one such line, to be flagged
    seq = max(int(o[0][1:]) for o in orders) + 1
    when = f"{(MONTH[0] + dt.timedelta(days=11)).isoformat()}T09:30:00{TZ}"
    amount = f"{12 * PRODUCTS['冻鸡翅中'][2]:.2f}"
    orders.append((f"O{seq:05d}", str(agent["id"]), when, "冻鸡翅中", "华都代理", "10kg", "12",
                   amount, "delivered"))  # fmt: skip


def _buyers(
    rng: np.random.Generator, clusters: list[tuple[str, ...]], people: list[tuple[str, ...]]
) -> list[dict[str, object]]:
    field = {p[5]: p[0] for p in people if p[2] == "field_manager"}
    profiles = [name for name, share in PROFILES for _ in range(share)]
    order = rng.permutation(len(profiles))
    out: list[dict[str, object]] = []
    for i, k in enumerate(order):
        profile = profiles[int(k)]
        kind = TYPES[i % len(TYPES)]
        in_market = kind in ("distributor", "wet_market") or i % 5 == 0
        areas = [a for a in AREAS if (a[2] == "market") == in_market]
        area = areas[i % len(areas)]
        cluster = clusters[[c[2] for c in clusters].index(area[0]) + int(rng.integers(0, 2))]
        lat = float(cluster[3]) + float(rng.normal(0, 0.002))
        lon = float(cluster[4]) + float(rng.normal(0, 0.002))
        crs = "gcj02" if i % 2 else "wgs84"
        if crs == "gcj02":
            from trajectory.crs import wgs84_to_gcj02

            glat, glon = wgs84_to_gcj02(lat, lon)
            lat, lon = float(glat), float(glon)
        manager = field[area[0]]
        registered = activated = assigned = ""
        activated_by = ""
        if profile != "unregistered":
            reg = AS_OF - dt.timedelta(days=int(rng.integers(95, 400)))
            registered = (
                f"{reg.isoformat()} {int(rng.integers(8, 20)):02d}:{int(rng.integers(0, 60)):02d}"
            )
        if profile == "target_waiting":
            # 1, 2 or 3 months ago: some still inside the two months, some past them
            days = (25, 45, 61, 62, 75, 120)[i % 6]
            assigned = (AS_OF - dt.timedelta(days=days)).isoformat()
        elif profile != "unregistered":
            assigned = (AS_OF - dt.timedelta(days=int(rng.integers(70, 300)))).isoformat()
        if profile == "activation":
            act = AS_OF - dt.timedelta(days=int(rng.integers(2, 29)))
            activated = f"{act.isoformat()} 10:00"
        elif profile.startswith("regular") or profile == "warning":
            act = AS_OF - dt.timedelta(days=int(rng.integers(45, 90)))
            activated = f"{act.isoformat()} 10:00"
            activated_by = manager if i % 3 else ""
        out.append(
            {
                "id": f"B{i + 1:03d}",
                "profile": profile,
                "type": kind,
                "manager": manager if assigned else "",
                "row": (
                    f"B{i + 1:03d}",
                    f"{area[1][:2]}{TYPE_NAMES[kind]}{i + 1}号",
                    kind,
                    area[0],
                    cluster[0],
                    f"{lat:.6f}",
                    f"{lon:.6f}",
                    crs,
                    registered,
                    manager if assigned else "",
                    assigned,
                    activated,
                    activated_by,
                    "yes" if rng.random() < 0.4 else "no",
                ),
            }
        )
    return out


def _month_orders(profile: str, kind: str, rng: np.random.Generator) -> tuple[int, int]:
    """(orders this month, typical boxes per line)."""
    big = kind in ("distributor", "processing_plant")
    if profile == "regular_big":
        return int(rng.integers(12, 20)), 85 if big else 25
    if profile == "regular_mid":
        return int(rng.integers(6, 12)), 20 if big else 8
    if profile == "regular_small":
        return int(rng.integers(1, 4)), 4
    if profile == "activation":
        return int(rng.integers(1, 4)), 6
    if profile == "target_waiting":
        return 1, 6
    return 0, 0


def _orders(rng: np.random.Generator, buyers: list[dict[str, object]]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    seq = 0
    days = (MONTH[1] - MONTH[0]).days + 1

    def stamp(day: dt.date, hour: int) -> str:
        return f"{day.isoformat()}T{hour:02d}:{int(rng.integers(0, 60)):02d}:00{TZ}"

    def line(
        order: str,
        buyer: str,
        when: str,
        product: str,
        brand: str,
        weight: str,
        boxes: int,
        status: str,
    ) -> None:
        price = PRODUCTS[product][2] * (1 + float(rng.normal(0, 0.03)))
        rows.append(
            (order, buyer, when, product, brand, weight, str(boxes), f"{boxes * price:.2f}", status)
        )

    special = _special_orders()
    for b in buyers:
        n, size = _month_orders(str(b["profile"]), str(b["type"]), rng)
        if str(b["profile"]) == "warning" and rng.random() < 0.5:
            n, size = 1, 5  # ordered, but the order was cancelled
        for _ in range(n):
            seq += 1
            day = MONTH[0] + dt.timedelta(days=int(rng.integers(0, days)))
            status = "delivered"
            u = rng.random()
            if str(b["profile"]) == "warning":
                status = "cancelled_by_buyer"
            elif u < 0.04:
                status = "cancelled_by_platform"
            elif u < 0.07:
                status = "cancelled_by_buyer"
            n_lines = 1 + int(rng.random() < 0.25)
            products = rng.choice(list(PRODUCTS), size=n_lines, replace=False)
            when = stamp(day, int(rng.integers(4, 11)))
            for product in products:
                brands, weights, _ = PRODUCTS[str(product)]
                brand = str(rng.choice([x for x in brands if x != "华都代理"]))
                boxes = max(1, int(rng.poisson(size)))
                if str(b["profile"]) == "target_waiting":
                    boxes = max(5, boxes)
                line(
                    f"O{seq:05d}",
                    str(b["id"]),
                    when,
                    str(product),
                    brand,
                    str(rng.choice(weights)),
                    boxes,
                    status,
                )
    # hand-placed boundary orders on buyers chosen by profile
    by_profile: dict[str, list[str]] = {}
    for b in buyers:
        by_profile.setdefault(str(b["profile"]), []).append(str(b["id"]))
    for k, (profile, pick, product, brand, weight, boxes, status) in enumerate(special):
        seq += 1
        buyer = by_profile[profile][pick]
        day = MONTH[0] + dt.timedelta(days=3 + k % 20)
        line(f"O{seq:05d}", buyer, stamp(day, 7), product, brand, weight, boxes, status)
    return rows


def _special_orders() -> list[tuple[str, int, str, str, str, int, str]]:
    """Boundary orders: (profile, which buyer of it, product, brand, weight, boxes, status)."""
    return [
        ("registered", 0, "鸡胸肉", "大成", "10kg", 4, "delivered"),  # 4 boxes: not a target
        ("registered", 1, "鸡胸肉", "圣农", "10kg", 5, "delivered"),  # 5 boxes: a target
        ("registered", 2, "冻鸡翅中", "华都代理", "10kg", 40, "delivered"),  # legacy brand only
        ("registered", 3, "猪五花肉", "双汇", "10kg", 8, "cancelled_by_platform"),  # cancelled
        ("regular_mid", 0, "猪肋排", "双汇", "15kg", 29, "delivered"),
        ("regular_mid", 1, "猪肋排", "金锣", "15kg", 30, "delivered"),
        ("regular_big", 0, "猪五花肉", "雨润", "20斤", 99, "delivered"),
        ("regular_big", 1, "猪五花肉", "金锣", "20斤", 100, "delivered"),
        ("regular_big", 2, "牛腩", "正大", "10kg", 150, "cancelled_by_buyer"),
    ]


def _declarations(
    rng: np.random.Generator, buyers: list[dict[str, object]], orders: list[tuple[str, ...]]
) -> list[tuple[str, ...]]:
    manager = {str(b["id"]): str(b["manager"]) for b in buyers}
    rows: list[tuple[str, ...]] = []
    lines = [o for o in orders if manager.get(o[1])]
    picks = rng.choice(len(lines), size=min(48, len(lines)), replace=False)
    for k, p in enumerate(sorted(int(x) for x in picks)):
        order = lines[p]
        buyer, product, brand, weight = order[1], order[3], order[4], order[5]
        day = dt.date.fromisoformat(order[2][:10]) - dt.timedelta(days=int(rng.integers(0, 4)))
        day = max(day, MONTH[0])
        cls = k % 4
        if cls == 1:  # another brand of the same product: product match
            others = [x for x in PRODUCTS[product][0] if x != brand]
            brand = others[k % len(others)]
        elif cls == 2:  # another product and brand: buyer match
            product = next(x for x in PRODUCTS if x != product)
            brand = next(x for x in PRODUCTS[product][0] if x != order[4])
            weight = ""
        elif cls == 3 and k % 8 == 3:  # brand only
            product, weight = "", ""
        boxes = max(1, int(order[6]) + int(rng.integers(-2, 3)))
        rows.append((manager[buyer], day.isoformat(), buyer, product, brand, weight, str(boxes)))
    # buyers without any order in the month: no match
    registered = [b for b in buyers if b["profile"] == "registered"]
    for k, b in enumerate(registered[4:]):
        day = MONTH[0] + dt.timedelta(days=5 + 3 * k)
        rows.append(
            (str(b["manager"]), day.isoformat(), str(b["id"]), "猪五花肉", "双汇", "10kg", "6")
        )
    # the only order in the period was cancelled (special order 4): no match, cancelled counted
    b = registered[3]
    rows.append((str(b["manager"]), "2026-11-06", str(b["id"]), "猪五花肉", "双汇", "10kg", "8"))
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    return rows


def _write(
    path: Path, header: list[str], rows: list[tuple[str, ...]] | list[tuple[object, ...]]
) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
