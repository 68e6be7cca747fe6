"""Buyer rules at the seed's boundaries: 4/5 boxes, 29/30 and 99/100, two months exactly."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pandas as pd
import pytest

from assessment.buyers import (
    BUYER_REPORT_COLUMNS,
    assess_buyers,
    assess_rights,
    classify_status,
    find_targets,
    grade_buyers,
    rank_buyers,
    turnover,
)
from assessment.config import AssessConfig
from assessment.io import Dataset
from tests.helpers.assess import buyer, dataset, frame, order

AS_OF = dt.date(2026, 12, 1)
CFG = AssessConfig()


def _targets(
    orders: list[dict[str, object]], as_of: dt.date = AS_OF, **fields: object
) -> pd.DataFrame:
    data = dataset([buyer("B1", **fields)], orders)
    return find_targets(
        data.orders, data.brands, data.buyers["buyer_id"], as_of=as_of, config=CFG,
        buyers=data.buyers,
    )  # fmt: skip


def _grade(orders: list[dict[str, object]], config: AssessConfig = CFG) -> pd.Series:
    data = dataset([buyer("B1")], orders)
    return grade_buyers(data.orders, data.buyers["buyer_id"], as_of=AS_OF, config=config).loc["B1"]


class TestFindTargets:
    @pytest.mark.parametrize(("boxes", "target"), [(1, False), (4, False), (5, True), (6, True)])
    def test_single_order_of_five_boxes(self, boxes: int, target: bool) -> None:
        assert bool(_targets([order("O1", "B1", "2026-11-10", boxes)]).loc["B1", "is_target"]) is (
            target
        )

    @pytest.mark.parametrize("status", ["cancelled_by_platform", "cancelled_by_buyer"])
    def test_cancelled_orders_do_not_count(self, status: str) -> None:
        found = _targets([order("O1", "B1", "2026-11-10", 50, status=status)])
        assert not found.loc["B1", "is_target"]

    def test_legacy_agency_brand_is_not_supplied_to_its_agent(self) -> None:
        """Issue 15 changed this rule (老一批代理品牌: 平台不向厂家区域代理商供应其代理品牌的商品):
        a legacy agency brand counts for every buyer except the brand's own agent."""
        assert _targets([order("O1", "B1", "2026-11-10", 40, brand="OLD")]).loc["B1", "is_target"]
        agent = _targets([order("O1", "B1", "2026-11-10", 40, brand="OLD")], agent_for="OLD")
        assert not agent.loc["B1", "is_target"]
        # a brand the brand list does not know counts as listed
        assert _targets([order("O1", "B1", "2026-11-10", 5, brand="NEW")]).loc["B1", "is_target"]

    def test_listed_lines_of_one_order_add_up(self) -> None:
        lines = [
            order("O1", "B1", "2026-11-10", 3, product="belly"),
            order("O1", "B1", "2026-11-10", 2, product="ribs", brand="REG"),
        ]
        assert _targets(lines).loc["B1", "is_target"]
        lines[1] = order("O1", "B1", "2026-11-10", 2, product="ribs", brand="OLD")
        assert not _targets(lines, agent_for="OLD").loc["B1", "is_target"]  # its own brand

    def test_two_small_orders_are_not_one_big_one(self) -> None:
        lines = [order("O1", "B1", "2026-11-10", 4), order("O2", "B1", "2026-11-11", 4)]
        assert not _targets(lines).loc["B1", "is_target"]

    def test_target_since_is_the_first_qualifying_order(self) -> None:
        lines = [
            order("O1", "B1", "2026-11-03T09:00:00+08:00", 2),
            order("O2", "B1", "2026-11-05T09:00:00+08:00", 7),
            order("O3", "B1", "2026-11-09T09:00:00+08:00", 9),
        ]
        assert _targets(lines).loc["B1", "target_since"] == pd.Timestamp("2026-11-05T01:00Z")

    def test_orders_after_as_of_are_ignored_on_the_local_calendar(self) -> None:
        late = [order("O1", "B1", "2026-12-01T23:59:00+08:00", 5)]
        assert _targets(late).loc["B1", "is_target"]  # still 1 December in Shanghai
        after = [order("O1", "B1", "2026-12-02T00:00:00+08:00", 5)]  # 16:00 UTC on the 1st
        assert not _targets(after).loc["B1", "is_target"]

    def test_a_buyer_without_orders_is_listed_and_not_a_target(self) -> None:
        found = _targets([])
        assert list(found.index) == ["B1"] and not found.loc["B1", "is_target"]


class TestGradeBuyers:
    @pytest.mark.parametrize(
        ("boxes", "grade"),
        [(1, "tier3"), (29, "tier3"), (30, "tier2"), (99, "tier2"), (100, "tier1"), (500, "tier1")],
    )
    def test_largest_single_order_of_one_sku(self, boxes: int, grade: str) -> None:
        got = _grade([order("O1", "B1", "2026-11-10", boxes), order("O2", "B1", "2026-11-11", 1)])
        assert got["grade"] == grade and got["max_sku_boxes"] == boxes

    def test_skus_are_not_added_up(self) -> None:
        lines = [
            order("O1", "B1", "2026-11-10", 60, product="belly"),
            order("O1", "B1", "2026-11-10", 60, product="ribs"),
            order("O2", "B1", "2026-11-11", 60, product="belly"),
        ]
        assert _grade(lines)["grade"] == "tier2"

    def test_net_weight_is_part_of_the_sku_and_20_jin_is_10_kg(self) -> None:
        got = _grade([order("O1", "B1", "2026-11-10", 100, net_weight="20斤")])
        assert got["max_sku"] == "pork belly / LEAD / 10kg"
        got = _grade([order("O1", "B1", "2026-11-10", 45, net_weight="500g")])
        assert got["max_sku"] == "pork belly / LEAD / 500g"

    def test_cancelled_orders_do_not_grade(self) -> None:
        lines = [
            order("O1", "B1", "2026-11-10", 150, status="cancelled_by_buyer"),
            order("O2", "B1", "2026-11-11", 12),
        ]
        assert _grade(lines)["grade"] == "tier3"
        assert _grade(lines[:1])["grade"] == "ungraded"

    def test_no_orders_is_ungraded(self) -> None:
        got = _grade([])
        assert got["grade"] == "ungraded" and pd.isna(got["max_sku_boxes"])

    def test_thresholds_are_configuration(self) -> None:
        cfg = CFG.replace(tier1_min_boxes=80, tier2_min_boxes=20)
        assert _grade([order("O1", "B1", "2026-11-10", 80)], cfg)["grade"] == "tier1"
        assert _grade([order("O1", "B1", "2026-11-10", 20)], cfg)["grade"] == "tier2"


def _status(
    buyers: list[dict[str, object]],
    orders: list[dict[str, object]],
    as_of: dt.date = AS_OF,
    config: AssessConfig = CFG,
) -> pd.DataFrame:
    data = dataset(buyers, orders)
    return classify_status(data.buyers, data.orders, as_of=as_of, config=config)


class TestClassifyStatus:
    def test_registration_and_activation(self) -> None:
        got = _status(
            [
                buyer(
                    "U1", registered_at=None, manager_id=None, assigned_at=None, activated_at=None
                ),
                buyer("U2", registered_at="2026-12-02", activated_at=None),
                buyer("R1", activated_at=None),
                buyer("R2", activated_at="2026-12-02"),
            ],
            [],
        )["status"]
        assert got.to_dict() == {
            "U1": "unregistered",
            "U2": "unregistered",
            "R1": "registered",
            "R2": "registered",
        }

    @pytest.mark.parametrize(
        ("activated", "status"),
        [("2026-12-01", "activation"), ("2026-11-02", "activation"), ("2026-11-01", "warning")],
    )
    def test_activation_period_is_30_days(self, activated: str, status: str) -> None:
        got = _status([buyer("B1", activated_at=activated + " 23:00")], [])
        assert got.loc["B1", "status"] == status

    @pytest.mark.parametrize(
        ("amount", "status"),
        [
            (100_000.00, "regular_l1"),
            (99_999.99, "regular_l2"),
            (20_000.00, "regular_l2"),
            (19_999.99, "regular_l3"),
            (0.01, "regular_l3"),
        ],
    )
    def test_regular_levels_from_last_months_turnover(self, amount: float, status: str) -> None:
        lines = [
            order("O1", "B1", "2026-11-10", 10, amount=amount - 0.01 if amount > 1 else amount),
            order("O2", "B1", "2026-11-20", 1, amount=0.01 if amount > 1 else 0.0),
        ]
        got = _status([buyer("B1")], lines)
        assert got.loc["B1", "status"] == status
        assert got.loc["B1", "last_month_amount"] == pytest.approx(amount)

    def test_warning_without_delivered_orders_last_month(self) -> None:
        lines = [
            order("O1", "B1", "2026-11-10", 10, status="cancelled_by_platform"),
            order("O2", "B1", "2026-10-31", 10),  # October
            order("O3", "B1", "2026-12-01", 10),  # this month
        ]
        got = _status([buyer("B1")], lines)
        assert got.loc["B1", "status"] == "warning" and got.loc["B1", "last_month_orders"] == 0

    def test_last_month_is_the_local_calendar_month(self) -> None:
        # 31 Oct 23:30 in Shanghai is 15:30 UTC: October, not November
        lines = [order("O1", "B1", "2026-10-31T23:30:00+08:00", 10)]
        assert _status([buyer("B1")], lines).loc["B1", "status"] == "warning"
        lines = [order("O1", "B1", "2026-11-01T00:00:00+08:00", 10)]
        assert _status([buyer("B1")], lines).loc["B1", "status"] == "regular_l3"

    def test_january_looks_at_december(self) -> None:
        lines = [order("O1", "B1", "2026-12-31", 10, amount=25_000)]
        got = _status([buyer("B1")], lines, as_of=dt.date(2027, 1, 5))
        assert got.loc["B1", "status"] == "regular_l2"

    def test_regular_min_orders_is_configuration(self) -> None:
        lines = [
            order("O1", "B1", "2026-11-10", 10),
            order("O1", "B1", "2026-11-10", 3, product="x"),
        ]
        cfg = CFG.replace(regular_min_orders=2)
        assert _status([buyer("B1")], lines, config=cfg).loc["B1", "status"] == "warning"
        lines.append(order("O2", "B1", "2026-11-11", 1))
        assert _status([buyer("B1")], lines, config=cfg).loc["B1", "status"] == "regular_l3"


class TestTurnoverAndRank:
    def test_turnover_is_delivered_amounts_up_to_as_of(self) -> None:
        data = dataset(
            [buyer("B1"), buyer("B2")],
            [
                order("O1", "B1", "2026-06-10", 10, amount=1000.5),
                order("O2", "B1", "2026-11-10", 10, amount=99.5),
                order("O3", "B1", "2026-11-11", 10, amount=5000, status="cancelled_by_buyer"),
                order("O4", "B1", "2026-12-02", 10, amount=7000),
            ],
        )
        got = turnover(data.orders, data.buyers["buyer_id"], as_of=AS_OF, config=CFG)
        assert got.to_dict() == {"B1": 1100.0, "B2": 0.0}

    def test_rank_within_cluster_area_status_and_grade(self) -> None:
        table = pd.DataFrame(
            {
                "cluster_id": ["C1", "C1", "C1", "C1", "C2", None, None],
                "area_id": ["M1"] * 7,
                "status": ["regular_l1"] * 3
                + ["warning", "regular_l1", "regular_l1", "regular_l1"],
                "grade": ["tier1"] * 7,
                "turnover": [10.0, 30.0, 30.0, 99.0, 5.0, 1.0, 2.0],
            }
        )
        got = rank_buyers(table)
        assert got["rank"].tolist() == [3, 1, 1, 1, 1, 2, 1]
        assert got["rank_of"].tolist() == [3, 3, 3, 1, 1, 2, 2]


def _rights(
    rows: list[dict[str, object]],
    orders: list[dict[str, object]],
    as_of: dt.date,
    assignments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    data = dataset(rows, orders, assignments=assignments)
    targets = find_targets(
        data.orders, data.brands, data.buyers["buyer_id"], as_of=as_of, config=CFG
    )
    return assess_rights(data.buyers, targets, data.assignments, as_of=as_of, config=CFG)


class TestAssessRights:
    BUYERS: ClassVar = [buyer("T1", activated_at=None, assigned_at="2026-09-15")]
    ORDERS: ClassVar = [order("O1", "T1", "2026-09-20", 5)]

    @pytest.mark.parametrize(
        ("as_of", "rights"),
        [
            (dt.date(2026, 11, 14), "window"),
            (dt.date(2026, 11, 15), "due"),
            (dt.date(2026, 11, 16), "due"),
        ],
    )
    def test_due_two_calendar_months_after_assignment(self, as_of: dt.date, rights: str) -> None:
        got = _rights(self.BUYERS, self.ORDERS, as_of)
        assert got.loc["T1", "rights"] == rights
        assert got.loc["T1", "due_date"] == pd.Timestamp("2026-11-15")

    def test_assignment_time_counts_on_the_local_calendar(self) -> None:
        # 14 Sep 17:00 UTC is 15 Sep 01:00 in Shanghai
        rows = [buyer("T1", activated_at=None, assigned_at="2026-09-14T17:00:00Z")]
        got = _rights(rows, self.ORDERS, dt.date(2026, 11, 14))
        assert got.loc["T1", "due_date"] == pd.Timestamp("2026-11-15")

    @pytest.mark.parametrize(
        ("assigned", "due"),
        [("2026-12-31", "2027-02-28"), ("2027-12-31", "2028-02-29"), ("2026-08-31", "2026-10-31")],
    )
    def test_month_ends_clamp(self, assigned: str, due: str) -> None:
        rows = [buyer("T1", activated_at=None, assigned_at=assigned, registered_at="2026-01-01")]
        got = _rights(rows, [order("O1", "T1", "2026-08-31", 9)], dt.date(2028, 6, 1))
        assert got.loc["T1", "due_date"] == pd.Timestamp(due)

    def test_not_a_target_is_never_due(self) -> None:
        got = _rights(self.BUYERS, [order("O1", "T1", "2026-09-20", 4)], dt.date(2027, 1, 1))
        assert got.loc["T1", "rights"] == "assigned" and pd.isna(got.loc["T1", "due_date"])

    def test_activated_buyer_belongs_to_its_activator(self) -> None:
        rows = [
            buyer("A1", activated_at="2026-11-20", activated_by="F2"),
            buyer("A2", activated_at="2026-11-20"),
            buyer("A3", activated_at="2026-11-20", assigned_at="2026-11-25", manager_id="F2"),
        ]
        history = pd.DataFrame(
            {
                "buyer_id": ["A3", "A3"],
                "manager_id": ["F1", "F2"],
                "assigned_at": pd.to_datetime(["2026-01-01", "2026-11-25"], utc=True),
                "ended_at": pd.to_datetime(["2026-11-25", None], utc=True),
                "reason": ["import", "reassigned"],
            }
        )
        got = _rights(rows, self.ORDERS[:0], dt.date(2026, 12, 1), assignments=history)
        assert got["rights"].tolist() == ["exclusive"] * 3
        # activator named; else the holder at activation (F1, though F2 holds it now)
        assert got["owner_id"].tolist() == ["F2", "F1", "F1"]

    def test_activated_late_is_exclusive_not_due(self) -> None:
        rows = [buyer("T1", activated_at="2026-11-30", assigned_at="2026-09-15")]
        got = _rights(rows, self.ORDERS, dt.date(2026, 12, 1))
        assert got.loc["T1", "rights"] == "exclusive" and pd.isna(got.loc["T1", "due_date"])

    def test_unassigned(self) -> None:
        rows = [buyer("N1", manager_id=None, assigned_at=None, activated_at=None)]
        assert _rights(rows, [], AS_OF).loc["N1", "rights"] == "unassigned"


class TestAssessBuyers:
    def test_one_row_per_buyer_with_every_column(self) -> None:
        data = dataset(
            [
                buyer("B1"),
                buyer("B2", manager_id="F2"),
                buyer("B3", manager_id=None, assigned_at=None),
            ],
            [
                order("O1", "B1", "2026-11-10", 30, amount=25_000),
                order("O2", "B2", "2026-11-10", 4),
            ],
        )
        got = assess_buyers(data, as_of=AS_OF).set_index("buyer_id")
        assert list(got.reset_index().columns) == list(BUYER_REPORT_COLUMNS)
        assert got.loc["B1", ["is_target", "grade", "status", "team_id"]].tolist() == [
            True,
            "tier2",
            "regular_l2",
            "north",
        ]
        assert got.loc["B2", ["is_target", "grade", "status", "team_id"]].tolist() == [
            False,
            "tier3",
            "regular_l3",
            "south",
        ]
        assert pd.isna(got.loc["B3", "team_id"])

    def test_inputs_are_not_modified(self) -> None:
        data = dataset([buyer("B1")], [order("O1", "B1", "2026-11-10", 30)])
        copies = {k: data.frame(k).copy() for k in ("buyers", "orders", "brands", "people")}
        assess_buyers(data, as_of=AS_OF)
        for kind, before in copies.items():
            pd.testing.assert_frame_equal(data.frame(kind), before)

    def test_order_of_rows_does_not_matter(self) -> None:
        rows = [buyer(f"B{i}", manager_id="F1" if i % 2 else "F2") for i in range(6)]
        lines = [
            order(f"O{i}", f"B{i % 6}", f"2026-11-{1 + i % 28:02d}", 3 + 7 * i) for i in range(20)
        ]
        a = assess_buyers(dataset(rows, lines), as_of=AS_OF).set_index("buyer_id").sort_index()
        flipped = dataset(rows[::-1], lines[::-1])
        b = assess_buyers(flipped, as_of=AS_OF).set_index("buyer_id").sort_index()
        pd.testing.assert_frame_equal(a, b)

    def test_empty(self) -> None:
        data = Dataset(
            **{
                k: frame(k, [])
                for k in (
                    "areas",
                    "clusters",
                    "people",
                    "brands",
                    "buyers",
                    "orders",
                    "declarations",
                )
            }
        )
        assert assess_buyers(data, as_of=AS_OF).empty
