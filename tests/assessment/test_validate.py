"""Imports validate every row and name source, row and field; good rows are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from assessment.io import (
    batch_index,
    check_rows,
    kind_of,
    raw_from_csv,
    raw_from_records,
    read_dataset,
    read_rows,
)
from assessment.validate import validate_rows
from tests.helpers.assess import AREAS, CLUSTERS, PEOPLE, buyer, frame, order
from trajectory import crs as crs_mod
from trajectory.errors import InputError

TZ = "Asia/Shanghai"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def _check(kind: str, rows: list[dict[str, Any]], **kwargs: Any) -> tuple[pd.DataFrame, list[str]]:
    raw, problems = raw_from_records(rows, kind, kind)
    known = {
        "areas": batch_index("areas", frame("areas", AREAS)),
        "clusters": batch_index("clusters", frame("clusters", CLUSTERS)),
        "people": batch_index("people", frame("people", PEOPLE)),
        "buyers": pd.Series(["M1"], index=["B1"], dtype=object),
    }
    checked = check_rows(
        raw, problems, kind, source=f"{kind}.json", timezone=TZ, crs="wgs84", known=known, **kwargs
    )
    return checked.frame, [str(p) for p in checked.rejected]


class TestValidateRows:
    def test_good_rows_are_kept_and_every_bad_cell_named(self) -> None:
        rows = [
            order("O1", "B1", "2026-11-10", 5),
            {**order("O2", "B1", "2026-11-10", 5), "boxes": "5.5", "amount": "-1"},
            {**order("O3", "B1", "2026-11-10", 0), "status": "lost"},
            {**order("O4", "B1", "2026-11-10", 5), "placed_at": "yesterday"},
            {**order("O5", "B1", "2026-11-10", 5), "net_weight": "10"},
            order("O6", "B9", "2026-11-10", 5),
        ]
        good, problems = _check("orders", rows)
        assert good["order_id"].tolist() == ["O1"]
        assert problems == [
            "orders.json, row 2, field amount: negative (got -1)",
            "orders.json, row 2, field boxes: not a whole number (got 5.5)",
            "orders.json, row 3, field boxes: out of range [1, 1000000] (got 0)",
            "orders.json, row 3, field status: not one of delivered, cancelled_by_platform, "
            "cancelled_by_buyer (got lost)",
            "orders.json, row 4, field placed_at: not ISO 8601, naive local time or epoch seconds "
            "(got 'yesterday')",
            "orders.json, row 5, field net_weight: not a net weight such as 10kg, 500g or 20斤 "
            "(got 10)",
            "orders.json, row 6, field buyer_id: unknown buyer 'B9' (import buyers first)",
        ]

    def test_missing_required_and_optional_fields(self) -> None:
        good, problems = _check("buyers", [{"buyer_id": "B2", "type": "restaurant"}])
        assert good.empty
        assert problems == [
            "buyers.json, row 1, field area_id: missing",
            "buyers.json, row 1, field lat: missing",
            "buyers.json, row 1, field lon: missing",
        ]

    def test_repeated_keys(self) -> None:
        rows = [order("O1", "B1", "2026-11-10", 5), order("O1", "B1", "2026-11-10", 6)]
        good, problems = _check("orders", rows)
        assert len(good) == 1 and good["boxes"].tolist() == [5]
        assert problems == [
            "orders.json, row 2, field order_id: repeats row 1 (same order_id, product, brand, "
            "net_weight)"
        ]

    def test_lines_of_one_order_must_agree(self) -> None:
        rows = [
            order("O1", "B1", "2026-11-10", 5),
            order("O1", "B1", "2026-11-10", 5, product="ribs", status="cancelled_by_buyer"),
        ]
        good, problems = _check("orders", rows)
        assert len(good) == 1
        assert problems == [
            "orders.json, row 2, field status: order 'O1' has delivered at row 1, "
            "cancelled_by_buyer here"
        ]

    @pytest.mark.parametrize(
        ("text", "grams"),
        [("10kg", 10000), ("10 KG", 10000), ("20斤", 10000), ("500g", 500), ("2.5公斤", 2500)],
    )
    def test_net_weights(self, text: str, grams: int) -> None:
        good, _ = _check("orders", [order("O1", "B1", "2026-11-10", 5, net_weight=text)])
        assert good["net_weight_g"].tolist() == [grams]

    def test_chinese_enumerations(self) -> None:
        people = [
            {"person_id": "X1", "role": "驻场经理", "team_id": "north"},
            {"person_id": "X2", "role": "大区经理"},
            {"person_id": "X3", "role": "行政区总经理"},
        ]
        good, problems = _check("people", people)
        assert not problems
        assert good["role"].tolist() == ["field_manager", "regional_manager", "district_gm"]
        good, _ = _check("buyers", [buyer("B2", type="卤味", chat_admitted="是")])
        assert good["type"].tolist() == ["braised_meat"] and good["chat_admitted"].tolist() == [
            True
        ]

    def test_instants_dates_and_zones(self) -> None:
        rows = [
            buyer("B2", registered_at="2026-01-01"),
            buyer("B3", registered_at="2026-01-01 08:30"),
        ]
        good, problems = _check("buyers", rows)
        assert not problems
        assert good["registered_at"].tolist() == [
            pd.Timestamp("2025-12-31T16:00Z"),
            pd.Timestamp("2026-01-01T00:30Z"),
        ]
        _, problems = _check(
            "buyers", [buyer("B2", registered_at="2026-01-01T08:00+08:00"), buyer("B3")]
        )
        assert problems and "mixes" in problems[0] and "row 2, field registered_at" in problems[0]

    def test_cross_field_rules(self) -> None:
        rows = [
            buyer("B2", assigned_at=None),
            buyer("B3", registered_at="2026-03-01", activated_at="2026-02-01"),
            buyer("B4", activated_at=None, activated_by="F1"),
        ]
        _, problems = _check("buyers", rows)
        assert problems == [
            "buyers.json, row 1, field assigned_at: missing: a buyer with a manager_id needs the "
            "time of assignment",
            "buyers.json, row 2, field activated_at: before registered_at",
            "buyers.json, row 3, field activated_by: given without activated_at",
        ]
        _, problems = _check(
            "declarations",
            [
                {"manager_id": "F1", "declared_on": "2026-11-10", "buyer_id": "B1", "boxes": 3},
                {
                    "manager_id": "F1",
                    "declared_on": "2026-11-10",
                    "buyer_id": "B1",
                    "brand": "LEAD",
                    "boxes": 3,
                    "period_end": "2026-11-09",
                },
            ],
        )
        assert problems == [
            "declarations.json, row 1, field product: missing: declare a product, a brand or both",
            "declarations.json, row 2, field period_end: before declared_on",
        ]

    def test_references_and_roles(self) -> None:
        rows = [
            buyer("B2", manager_id="G1"),
            buyer("B3", cluster_id="C9"),
            buyer("B4", area_id="D1"),
            buyer("B5", manager_id="X9"),
        ]
        _, problems = _check("buyers", rows)
        assert problems == [
            "buyers.json, row 1, field manager_id: 'G1' is a district_gm, not an account manager "
            "(field/area manager, regional manager or city director)",
            "buyers.json, row 2, field cluster_id: unknown cluster point 'C9' (import clusters "
            "first)",
            "buyers.json, row 3, field cluster_id: cluster point 'C1' lies in area 'M1', not in "
            "'D1'",
            "buyers.json, row 4, field manager_id: unknown person 'X9' (import people first)",
        ]

    def test_people_may_report_to_people_of_the_same_batch(self) -> None:
        rows = [
            {"person_id": "N2", "role": "field_manager", "reports_to": "N1"},
            {"person_id": "N1", "role": "area_manager", "reports_to": "G1"},
            {"person_id": "N3", "role": "field_manager", "reports_to": "nobody"},
        ]
        good, problems = _check("people", rows)
        assert good["person_id"].tolist() == ["N2", "N1"]
        assert problems == [
            "people.json, row 3, field reports_to: unknown person 'nobody' (import people first)"
        ]

    @pytest.mark.parametrize("system", ["gcj02", "bd09"])
    def test_locations_are_converted_to_wgs84_and_the_source_kept(self, system: str) -> None:
        lat, lon = 31.2304, 121.4737
        shifted = crs_mod.convert(lat, lon, "wgs84", system)
        row = buyer("B2", lat=float(shifted[0]), lon=float(shifted[1]), crs=system)
        good, problems = _check("buyers", [row, buyer("B3", crs="utm")])
        assert problems == [
            "buyers.json, row 2, field crs: not one of wgs84, gcj02, bd09 (got utm)"
        ]
        assert good["crs"].tolist() == [system]
        assert good["lat"].iat[0] == pytest.approx(lat, abs=1e-7)
        assert good["lon"].iat[0] == pytest.approx(lon, abs=1e-7)

    @pytest.mark.parametrize(("lat", "lon"), [(-90, 180), (90, -180), (0, 180)])
    def test_converted_locations_stay_on_the_globe(self, lat: float, lon: float) -> None:
        good, problems = _check("buyers", [buyer("B2", lat=lat, lon=lon, crs="bd09")])
        assert not problems
        assert -90 <= good["lat"].iat[0] <= 90 and -180 <= good["lon"].iat[0] <= 180

    def test_json_values_that_are_not_scalars(self) -> None:
        raw, problems = raw_from_records(
            [
                order("O1", "B1", "2026-11-10", 5),
                7,
                {**order("O2", "B1", "2026-11-10", 5), "boxes": [5]},
            ],
            "orders",
            "orders",
        )
        checked = validate_rows(raw, "orders", source="orders", timezone=TZ)
        assert [str(p) for p in problems] == ["orders, row 2: expected a JSON object"]
        assert [str(p) for p in checked.rejected] == [
            "orders, row 3, field boxes: a JSON list or object; expected one value"
        ]

    def test_json_whole_numbers_are_ids(self) -> None:
        good, _ = _check("people", [{"person_id": 7.0, "role": "field_manager"}])
        assert good["person_id"].tolist() == ["7"]

    def test_validation_is_vectorised(self) -> None:
        n = 20_000
        raw = pd.DataFrame(
            {
                "order_id": [f"O{i}" for i in range(n)],
                "buyer_id": "B1",
                "placed_at": "2026-11-10T08:00:00+08:00",
                "product": "p",
                "brand": "b",
                "net_weight": "10kg",
                "boxes": "3",
                "amount": "12.5",
                "status": "delivered",
                "source_row": np.arange(1, n + 1),
            }
        )
        import time

        t0 = time.perf_counter()
        checked = validate_rows(raw, "orders", source="o", timezone=TZ)
        assert len(checked.frame) == n and not checked.rejected
        assert time.perf_counter() - t0 < 2.0


class TestReaders:
    def test_csv_rows_count_from_one_below_the_header(self, tmp_path: Path) -> None:
        path = tmp_path / "areas.csv"
        path.write_text("area_id,kind\nM1,market\nM2\nM3,lake\n", encoding="utf-8")
        checked = read_rows(path)
        assert checked.frame["area_id"].tolist() == ["M1"]
        assert [str(p) for p in checked.rejected] == [
            f"{path}, row 2: expected 2 fields, got 1",
            f"{path}, row 3, field kind: not one of market, district (got lake)",
        ]

    def test_missing_column_is_a_file_error(self) -> None:
        with pytest.raises(InputError, match=r"areas.csv, field kind: missing column"):
            raw_from_csv(b"area_id,name\nM1,x\n", "areas", "areas.csv")

    def test_header_aliases_and_case(self) -> None:
        raw, _ = raw_from_csv(b"ID,Role,Team\nP1,field_manager,north\n", "people", "p.csv")
        assert {"person_id", "role", "team_id"} <= set(raw.columns)

    def test_kind_from_the_file_name(self) -> None:
        assert kind_of("x/orders-2026-11.csv") == "orders"
        with pytest.raises(InputError, match="cannot tell the kind"):
            kind_of("stuff.csv")

    def test_gb18030_csv(self, tmp_path: Path) -> None:
        path = tmp_path / "people.csv"
        path.write_bytes("person_id,name,role\nP1,张三,驻场经理\n".encode("gb18030"))
        checked = read_rows(path)
        assert checked.frame["name"].tolist() == ["张三"]

    def test_read_dataset_raises_on_the_first_bad_row(self, tmp_path: Path) -> None:
        for name in ("areas", "people", "buyers"):
            (tmp_path / f"{name}.csv").write_bytes((SAMPLE / f"{name}.csv").read_bytes())
        text = (tmp_path / "buyers.csv").read_text(encoding="utf-8").splitlines()
        text[3] = text[3].replace("distributor", "spaceship", 1).replace("wet_market", "spaceship")
        (tmp_path / "buyers.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"buyers.csv, row \d+, field"):
            read_dataset(tmp_path)
        data, rejected = read_dataset(tmp_path, on_bad_row="skip")
        # the clusters file is absent: every buyer naming a cluster point is rejected
        assert data.buyers.empty and len(rejected) >= 100
        assert data.orders.empty and data.declarations.empty

    def test_read_dataset_needs_the_required_files(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match=r"areas\.csv: no such file"):
            read_dataset(tmp_path)
