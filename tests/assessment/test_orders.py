"""Declared vs actual orders: the four classes, the period's edges, cancellations, summaries."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from assessment.config import AssessConfig
from assessment.orders import MATCH_COLUMNS, SUMMARY_COLUMNS, match_declarations, summarise_matches
from tests.helpers.assess import buyer, dataset, declaration, order

BUYERS = [buyer("B1"), buyer("B2"), buyer("B3", manager_id="F2")]


def _match(
    declarations: list[dict[str, Any]],
    orders: list[dict[str, Any]],
    *,
    as_of: dt.date | None = None,
    config: AssessConfig | None = None,
) -> pd.DataFrame:
    data = dataset(BUYERS, orders, declarations)
    return match_declarations(
        data.declarations, data.orders, data.people, config=config, as_of=as_of
    )


class TestMatchClasses:
    @pytest.mark.parametrize(
        ("declared", "expected"),
        [
            ({"product": "pork belly", "brand": "LEAD"}, "sku"),
            ({"product": "pork belly", "brand": "LEAD", "net_weight": "10kg"}, "sku"),
            ({"product": "pork belly", "brand": "LEAD", "net_weight": "20斤"}, "sku"),
            ({"product": "pork belly", "brand": "LEAD", "net_weight": "5kg"}, "product"),
            ({"product": "pork belly", "brand": "REG"}, "product"),
            ({"product": "pork belly", "brand": None}, "product"),
            ({"product": "ribs", "brand": "LEAD"}, "buyer"),
            ({"product": "ribs", "brand": "REG"}, "buyer"),
            ({"product": None, "brand": "LEAD"}, "buyer"),
        ],
    )
    def test_class_of_one_declaration(self, declared: dict[str, Any], expected: str) -> None:
        got = _match(
            [declaration("B1", "2026-11-10", **declared)], [order("O1", "B1", "2026-11-11", 12)]
        )
        assert got["match"].tolist() == [expected]

    def test_another_buyers_order_is_no_match(self) -> None:
        got = _match([declaration("B1", "2026-11-10")], [order("O1", "B2", "2026-11-11", 12)])
        assert got["match"].tolist() == ["none"] and got["matched_lines"].tolist() == [0]

    def test_the_best_class_wins_and_counts_only_its_lines(self) -> None:
        lines = [
            order("O1", "B1", "2026-11-10", 10, amount=1000),  # the SKU
            order("O2", "B1", "2026-11-11", 20, amount=2000, brand="REG"),  # same product
            order("O2", "B1", "2026-11-11", 30, amount=3000, product="ribs"),  # other product
            order("O3", "B1", "2026-11-12", 5, amount=500),  # the SKU again
        ]
        got = _match(
            [
                declaration("B1", "2026-11-10"),
                declaration("B1", "2026-11-10", brand="OLD"),
                declaration("B1", "2026-11-10", product="wings", brand="OLD"),
            ],
            lines,
        )
        assert got["match"].tolist() == ["sku", "product", "buyer"]
        assert got["matched_lines"].tolist() == [2, 3, 4]
        assert got["matched_orders"].tolist() == [2, 3, 3]
        assert got["matched_boxes"].tolist() == [15, 35, 65]
        assert got["matched_amount"].tolist() == [1500.0, 3500.0, 6500.0]


class TestPeriod:
    @pytest.mark.parametrize(
        ("placed", "inside"),
        [
            ("2026-11-09T23:59:59+08:00", False),
            ("2026-11-10T00:00:00+08:00", True),
            ("2026-11-14T23:59:59+08:00", True),  # declared day + 4: the fifth day
            ("2026-11-15T00:00:00+08:00", False),
            ("2026-11-14T16:00:00Z", False),  # 15 Nov 00:00 in Shanghai
            ("2026-11-09T16:00:00Z", True),  # 10 Nov 00:00 in Shanghai
        ],
    )
    def test_five_local_days_from_the_declaration(self, placed: str, inside: bool) -> None:
        got = _match([declaration("B1", "2026-11-10")], [order("O1", "B1", placed, 12)])
        assert (got["match"].iat[0] == "sku") is inside
        assert got["period_end"].iat[0] == pd.Timestamp("2026-11-14")

    def test_period_end_given_in_the_row(self) -> None:
        lines = [order("O1", "B1", "2026-11-20", 12)]
        got = _match([declaration("B1", "2026-11-10", period_end="2026-11-20")], lines)
        assert got["match"].iat[0] == "sku"
        got = _match([declaration("B1", "2026-11-10", period_end="2026-11-10")], lines)
        assert got["match"].iat[0] == "none"

    def test_declaration_days_is_configuration(self) -> None:
        lines = [order("O1", "B1", "2026-11-16", 12)]
        assert _match([declaration("B1", "2026-11-10")], lines)["match"].iat[0] == "none"
        cfg = AssessConfig(declaration_days=7)
        assert _match([declaration("B1", "2026-11-10")], lines, config=cfg)["match"].iat[0] == "sku"

    def test_as_of_cuts_the_orders_and_marks_open_periods(self) -> None:
        lines = [order("O1", "B1", "2026-11-13", 12)]
        got = _match([declaration("B1", "2026-11-10")], lines, as_of=dt.date(2026, 11, 12))
        assert got["match"].iat[0] == "none" and bool(got["period_open"].iat[0])
        got = _match([declaration("B1", "2026-11-10")], lines, as_of=dt.date(2026, 11, 14))
        assert got["match"].iat[0] == "sku" and not bool(got["period_open"].iat[0])


class TestCancelled:
    def test_cancelled_lines_never_match_and_are_counted_apart(self) -> None:
        lines = [
            order("O1", "B1", "2026-11-10", 10, amount=1000, status="cancelled_by_platform"),
            order("O2", "B1", "2026-11-11", 10, amount=700, status="cancelled_by_buyer"),
            order("O3", "B1", "2026-11-11", 3, amount=300, brand="REG"),
        ]
        got = _match([declaration("B1", "2026-11-10"), declaration("B2", "2026-11-10")], lines)
        row = got.iloc[0]
        assert row["match"] == "product"  # the SKU's own lines were cancelled
        assert (row["matched_lines"], row["matched_amount"]) == (1, 300.0)
        assert (
            row["cancelled_lines"],
            row["cancelled_by_platform"],
            row["cancelled_by_buyer"],
        ) == (
            2,
            1,
            1,
        )
        assert row["cancelled_amount"] == 1700.0
        assert got.iloc[1]["cancelled_lines"] == 0

    def test_only_cancelled_is_no_match(self) -> None:
        lines = [order("O1", "B1", "2026-11-10", 10, status="cancelled_by_buyer")]
        got = _match([declaration("B1", "2026-11-10")], lines).iloc[0]
        assert got["match"] == "none" and got["cancelled_lines"] == 1


class TestSummaries:
    DECLARED: ClassVar = [
        declaration("B1", "2026-11-01"),  # sku
        declaration("B1", "2026-11-01", brand="REG"),  # product
        declaration("B2", "2026-11-01", product="ribs"),  # buyer
        declaration("B2", "2026-11-20"),  # none
        declaration("B3", "2026-11-01", manager_id="F2"),  # sku, team south
    ]
    ORDERS: ClassVar = [
        order("O1", "B1", "2026-11-02", 10, amount=1000),
        order("O2", "B2", "2026-11-03", 4, amount=400),
        order("O3", "B3", "2026-11-03", 7, amount=700),
        order("O4", "B3", "2026-11-04", 7, amount=9, status="cancelled_by_platform"),
    ]

    def test_per_manager(self) -> None:
        got = summarise_matches(_match(self.DECLARED, self.ORDERS), "manager_id")
        assert list(got.columns) == ["manager_id", "team_id", *SUMMARY_COLUMNS]
        f1 = got.set_index("manager_id").loc["F1"]
        assert f1[["declarations", "n_sku", "n_product", "n_buyer", "n_none"]].tolist() == [
            4,
            1,
            1,
            1,
            1,
        ]
        assert f1[["amount_sku", "amount_product", "amount_buyer"]].tolist() == [1000, 1000, 400]
        assert f1["match_rate"] == 0.75 and f1["team_id"] == "north"
        f2 = got.set_index("manager_id").loc["F2"]
        assert (f2["n_sku"], f2["cancelled_lines"], f2["cancelled_amount"]) == (1, 1, 9.0)

    def test_per_team(self) -> None:
        got = summarise_matches(_match(self.DECLARED, self.ORDERS), "team_id").set_index("team_id")
        assert got.loc["north", "declarations"] == 4 and got.loc["south", "declarations"] == 1
        assert got.loc["south", "match_rate"] == 1.0

    def test_columns_and_purity(self) -> None:
        data = dataset(BUYERS, self.ORDERS, self.DECLARED)
        before = data.declarations.copy(), data.orders.copy()
        got = match_declarations(data.declarations, data.orders, data.people)
        assert list(got.columns) == list(MATCH_COLUMNS)
        pd.testing.assert_frame_equal(data.declarations, before[0])
        pd.testing.assert_frame_equal(data.orders, before[1])

    def test_no_declarations_or_no_orders(self) -> None:
        assert _match([], self.ORDERS).empty
        got = _match(self.DECLARED, [])
        assert set(got["match"]) == {"none"} and got["matched_amount"].sum() == 0

    def test_same_as_a_naive_loop_on_random_data(self) -> None:
        rng = np.random.default_rng(3)
        products, brands = ["pork belly", "ribs", "wings"], ["LEAD", "REG", "OLD"]
        lines = [
            order(
                f"O{i}",
                f"B{1 + int(rng.integers(0, 3))}",
                f"2026-11-{1 + int(rng.integers(0, 20)):02d}",
                int(rng.integers(1, 40)),
                product=str(rng.choice(products)),
                brand=str(rng.choice(brands)),
                status=str(rng.choice(["delivered"] * 4 + ["cancelled_by_buyer"])),
            )
            for i in range(120)
        ]
        decls = [
            declaration(
                f"B{1 + int(rng.integers(0, 3))}",
                f"2026-11-{1 + int(rng.integers(0, 20)):02d}",
                product=str(rng.choice(products)),
                brand=str(rng.choice(brands)),
                manager_id="F1",
            )
            for _ in range(40)
        ]
        decls = list(
            {(d["buyer_id"], d["declared_on"], d["product"], d["brand"]): d for d in decls}.values()
        )
        got = _match(decls, lines)["match"].tolist()
        want = []
        for d in decls:
            start = dt.date.fromisoformat(d["declared_on"])
            best = "none"
            for o in lines:
                day = dt.date.fromisoformat(o["placed_at"][:10])
                if o["buyer_id"] != d["buyer_id"] or o["status"] != "delivered":
                    continue
                if not start <= day <= start + dt.timedelta(days=4):
                    continue
                if o["product"] == d["product"] and o["brand"] == d["brand"]:
                    best = "sku"
                elif o["product"] == d["product"] and best != "sku":
                    best = "product"
                elif best == "none":
                    best = "buyer"
            want.append(best)
        assert got == want
