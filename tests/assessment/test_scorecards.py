"""Marketing, corroboration and chat rules at their boundaries; scorecards and the 5-day
assessment on the seeded sample (issue 7)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from api.cli.main import main as cli_main
from assessment import chat, corroboration, marketing
from assessment.config import AssessConfig
from assessment.fiveday import five_day_assessment, working_days
from assessment.io import read_dataset
from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import read_marketing, validate_marketing_rows
from assessment.scorecard import daily_scorecards
from assessment.scorecard_html import render_team_day
from maps.html import escape
from maps.i18n import labels
from trajectory.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
CFG = MarketingConfig()


def frame(kind: str, rows: list[dict[str, Any]], **known: list[str]) -> pd.DataFrame:
    raw = pd.DataFrame(rows).astype(object)
    raw["source_row"] = range(1, len(rows) + 1)
    index = {k: pd.Index(v) for k, v in known.items()} or None
    checked = validate_marketing_rows(
        raw, kind, source=f"{kind}.csv", timezone="Asia/Shanghai", known=index
    )
    assert not checked.rejected, checked.rejected
    return checked.frame


def rec(buyer: str, start: str, end: str, method: str = "onsite", **kw: Any) -> dict[str, Any]:
    row = {
        "manager_id": "F1",
        "buyer_id": buyer,
        "slot_start": f"2026-11-18 {start}",
        "slot_end": f"2026-11-18 {end}",
        "method": method,
        "purpose": "首单",
        "goal_met": "yes",
        "result": "ok",
    }
    return {**row, **kw}


class TestValidation:
    def test_problems_name_file_row_field(self) -> None:
        raw = pd.DataFrame(
            [
                {"buyer_id": "B1", "start": "09:00", "end": "11:00"},
                {"buyer_id": "B1", "start": "12:00", "end": "12:00"},
                {"buyer_id": "B9", "start": "25:00", "end": "26:00"},
            ]
        )
        raw["source_row"] = [1, 2, 3]
        got = validate_marketing_rows(
            raw, "windows", source="windows.csv", timezone="UTC", known={"buyers": pd.Index(["B1"])}
        )
        assert len(got.frame) == 1
        text = [str(p) for p in got.rejected]
        assert any("row 2" in t and "field end" in t and "not after start" in t for t in text)
        assert any("row 3" in t and "buyer_id" in t and "unknown" in t for t in text)
        assert any("row 3" in t and "field start" in t for t in text)

    def test_customer_report_needs_buyer_and_repeats_are_named(self) -> None:
        raw = pd.DataFrame(
            [
                {"manager_id": "F1", "sent_at": "2026-11-18 09:00", "kind": "customer"},
                {"manager_id": "F1", "sent_at": "2026-11-18 10:00", "kind": "每小时"},
                {"manager_id": "F1", "sent_at": "2026-11-18 10:00", "kind": "hourly"},
            ]
        )
        raw["source_row"] = [1, 2, 3]
        got = validate_marketing_rows(raw, "chat_reports", source="c.csv", timezone="UTC")
        text = [str(p) for p in got.rejected]
        assert any("row 1" in t and "buyer_id" in t for t in text)
        assert any("row 3" in t and "repeats row 2" in t for t in text)

    def test_folder_import_is_idempotent_and_raises_on_bad_rows(self, tmp_path: Path) -> None:
        a, _ = read_marketing(SAMPLE / "marketing")
        b, _ = read_marketing(SAMPLE / "marketing")
        pd.testing.assert_frame_equal(a.marketing, b.marketing)
        (tmp_path / "marketing.csv").write_text(
            "manager_id,buyer_id,slot_start,slot_end,method,purpose,goal_met\n"
            "F1,B1,2026-11-18 09:00,2026-11-18 08:00,fax,首单,yes\n",
            encoding="utf-8",
        )
        with pytest.raises(InputError, match=r"marketing.csv, row 1, field method"):
            read_marketing(tmp_path)


class TestWindows:
    @pytest.mark.parametrize(("end", "short"), [("11:00", False), ("10:59", True)])
    def test_two_hours_exactly(self, end: str, short: bool) -> None:
        w = frame("windows", [{"buyer_id": "B1", "start": "09:00", "end": end}])
        assert bool(marketing.check_windows(w, CFG)["short"].iat[0]) is short

    def test_overlapping_windows_count_once(self) -> None:
        w = frame(
            "windows",
            [
                {"buyer_id": "B1", "start": "09:00", "end": "10:30"},
                {"buyer_id": "B1", "start": "10:00", "end": "10:59"},
            ],
        )
        out = marketing.check_windows(w, CFG)
        assert int(out["window_minutes"].iat[0]) == 119 and bool(out["short"].iat[0])

    @pytest.mark.parametrize(
        ("start", "end", "want"),
        [
            ("09:00", "11:00", "inside"),
            ("10:30", "11:01", "outside"),
            ("08:59", "09:30", "outside"),
        ],
    )
    def test_slot_inside_window_bounds(self, start: str, end: str, want: str) -> None:
        w = frame("windows", [{"buyer_id": "B1", "start": "09:00", "end": "11:00"}])
        r = frame("marketing", [rec("B1", start, end), rec("B2", start, end)])
        got = marketing.slot_windows(r, w, "Asia/Shanghai").tolist()
        assert got == [want, "no_window"]


class TestMethodsAndResults:
    def test_chat_only_for_admitted_buyers(self) -> None:
        buyers = pd.DataFrame({"buyer_id": ["B1", "B2"], "chat_admitted": [True, False]})
        r = frame(
            "marketing",
            [
                rec("B1", "09:00", "09:05", "chat"),
                rec("B2", "09:10", "09:15", "聊一聊"),
                rec("B2", "09:20", "09:25", "phone"),
            ],
        )
        got = marketing.check_methods(r, buyers)["chat_not_admitted"].tolist()
        assert got == [False, True, False]
        counts = marketing.chat_buyer_counts(r, "Asia/Shanghai")
        assert counts["chat_buyers"].tolist() == [2]

    @pytest.mark.parametrize(
        ("reason", "keywords", "missing"),
        [
            ("老板不在店", "客情", False),
            ("老板不在", "", False),
            ("无", "客情", True),
            ("太忙了", "客情", True),
        ],
    )
    def test_missed_goal_needs_concrete_reason(
        self, reason: str, keywords: str, missing: bool
    ) -> None:
        """Issue 15 changed this rule: 管理中心将原因转换成关键词, so a concrete reason
        without keywords is the management center's (``keywords_missing``), not a miss."""
        r = frame(
            "marketing",
            [rec("B1", "09:00", "09:30", goal_met="no", reason=reason, reason_keywords=keywords)],
        )
        out = marketing.check_reasons(r, CFG)
        assert bool(out["reason_missing"].iat[0]) is missing
        assert bool(out["keywords_missing"].iat[0]) is (not missing and not keywords)

    def test_purpose_met_on_a_later_slot_and_several_results(self) -> None:
        """Issue 15 dropped the duplicate-result rule: 不同时段的营销结果可以不同."""
        r = frame(
            "marketing",
            [
                rec("B1", "09:00", "09:10", goal_met="no"),
                rec("B1", "10:00", "10:10", goal_met="yes"),
                rec("B2", "11:00", "11:10"),
                rec("B2", "12:00", "12:10"),
            ],
        )
        p = marketing.check_purposes(r, "Asia/Shanghai")
        assert p["met"].tolist() == [True, True]
        assert p["results"].tolist() == [1, 2] and "duplicate_result" not in p

    @pytest.mark.parametrize(
        ("day", "n", "deadline"),
        [
            ("2026-11-20", 1, "2026-11-23"),
            ("2026-11-18", 1, "2026-11-19"),
            ("2026-11-18", 0, "2026-11-18"),
        ],
    )
    def test_help_plan_by_next_working_day(self, day: str, n: int, deadline: str) -> None:
        cfg = MarketingConfig(help_plan_working_days=n)
        got = marketing.help_deadline(pd.Series(pd.to_datetime([day])), cfg)
        assert got.iat[0] == pd.Timestamp(deadline)

    def test_manager_help_only_from_district_gm_or_city_director(self) -> None:
        people = pd.DataFrame(
            {"person_id": ["GM1", "AM1"], "role": ["district_gm", "area_manager"]}
        )
        plans = frame(
            "help_plans",
            [
                {
                    "date": "2026-11-19",
                    "helper_id": "AM1",
                    "helper_role": "area_manager",
                    "manager_id": "F1",
                    "actions": "a",
                    "completion_plan": "b",
                },
                {
                    "date": "2026-11-20",
                    "helper_id": "GM1",
                    "helper_role": "district_gm",
                    "manager_id": "F2",
                    "actions": "a",
                    "completion_plan": "b",
                },
            ],
        )
        below = pd.DataFrame(
            {"manager_id": ["F1", "F2"], "date": pd.to_datetime(["2026-11-18"] * 2)}
        )
        assert marketing.manager_help(below, plans, people, CFG).tolist() == [False, False]
        below2 = below.assign(date=pd.to_datetime(["2026-11-18", "2026-11-19"]))
        assert marketing.manager_help(below2, plans, people, CFG).tolist() == [False, True]


def result(
    stays: list[tuple[str | None, float, float, str, str]], kept: int = 100
) -> dict[str, Any]:
    return {
        "manager_id": "F1",
        "date": "2026-11-18",
        "status": "pass",
        "checks": {
            c: {"status": "pass"}
            for c in ("on_time_arrival", "trajectory_clear", "visit_count_match")
        },
        "cleaning": {"kept_points": kept},
        "config": {"match_radius_m": 100.0},
        "stores": [],
        "stay_points": [
            {
                "id": i + 1,
                "store_id": s,
                "lat": lat,
                "lon": lon,
                "exempt": None,
                "arrival": f"2026-11-18T{a}:00+08:00",
                "departure": f"2026-11-18T{d}:00+08:00",
            }
            for i, (s, lat, lon, a, d) in enumerate(stays)
        ],
    }


class TestCorroborate:
    BUYERS = pd.DataFrame({"buyer_id": ["B1", "B2"], "lat": [31.0, 31.1], "lon": [121.0, 121.1]})

    def run(self, records: list[dict[str, Any]], bodies: list[dict[str, Any]]) -> list[str]:
        r = frame("marketing", records)
        r["date"] = marketing.local_day(r["slot_start"], "Asia/Shanghai")
        out = corroboration.corroborate(
            r,
            self.BUYERS,
            corroboration.days_from_results(bodies),
            corroboration.stays_from_results(bodies),
            corroboration.stores_from_results(bodies),
        )
        return list(out["corroboration"])

    def test_statuses(self) -> None:
        bodies = [
            result([("B1", 31.0, 121.0, "09:00", "09:30"), (None, 31.2, 121.2, "10:00", "10:40")])
        ]
        got = self.run(
            [
                rec("B1", "09:10", "09:20"),
                rec("B2", "10:10", "10:20"),
                rec("B2", "09:40", "09:50"),
                rec("B2", "12:00", "12:10"),
            ],
            bodies,
        )
        assert got == ["corroborated", "contradicted", "contradicted", "unknown"]

    @pytest.mark.parametrize(("metres", "want"), [(99.0, "corroborated"), (101.0, "contradicted")])
    def test_match_radius_of_the_buyer_location(self, metres: float, want: str) -> None:
        lat = 31.0 + metres / 111_195.0
        bodies = [result([(None, lat, 121.0, "09:00", "09:30")])]
        assert self.run([rec("B1", "09:10", "09:20")], bodies) == [want]

    def test_touching_is_not_overlapping_and_no_gps_is_unknown(self) -> None:
        bodies = [result([("B1", 31.0, 121.0, "09:00", "09:30")])]
        assert self.run([rec("B1", "09:30", "09:40")], bodies) == ["unknown"]
        assert self.run([rec("B1", "09:10", "09:20")], [result([], kept=0)]) == ["unknown"]
        assert self.run([rec("B1", "09:10", "09:20")], []) == ["unknown"]

    def test_a_visit_vouched_for_only_by_a_flagged_stay_is_doubtful(self) -> None:
        """Issue 12: a stay a track-integrity flag lists cannot corroborate a visit alone."""
        body = result(
            [
                ("B1", 31.0, 121.0, "09:00", "09:30"),  # stay 1: flagged below
                ("B2", 31.1, 121.1, "10:00", "10:30"),  # stay 2: flagged
                ("B2", 31.1, 121.1, "10:20", "10:50"),  # stay 3: clean, overlaps stay 2's slot
            ]
        )
        flag = {"kind": "frozen_position", "start": "x", "end": "y", "reason": "r"}
        body["integrity"] = {"status": "suspicious", "flags": [{**flag, "stay_ids": [1, 2]}]}
        records = [rec("B1", "09:10", "09:20"), rec("B2", "10:25", "10:28")]
        assert self.run(records, [body]) == ["doubtful", "corroborated"]
        body["integrity"] = {"status": "clean", "flags": []}
        assert self.run(records, [body]) == ["corroborated", "corroborated"]


class TestChat:
    def test_timely_between_this_customer_and_the_next(self) -> None:
        r = frame(
            "marketing",
            [rec("B1", "09:00", "09:30"), rec("B1", "09:30", "09:40"), rec("B2", "10:00", "10:30")],
        )
        r["date"] = marketing.local_day(r["slot_start"], "Asia/Shanghai")
        ep = chat.customer_episodes(r, CFG)
        assert len(ep) == 2  # two slots of B1 in a row are one customer
        reps = frame(
            "chat_reports",
            [
                {
                    "manager_id": "F1",
                    "sent_at": "2026-11-18 09:40",
                    "kind": "customer",
                    "buyer_id": "B1",
                },
                {
                    "manager_id": "F1",
                    "sent_at": "2026-11-18 11:30",
                    "kind": "customer",
                    "buyer_id": "B2",
                },
            ],
        )
        got = chat.check_timeliness(ep, reps, CFG)["report_status"].tolist()
        assert got == ["timely", "late"]  # B2 is the last: 60 min grace ends at 11:30

    @pytest.mark.parametrize(
        ("tags", "ok"),
        [
            ("产品:猪五花肉/双汇/10kg;价格", True),
            ("价格", False),
            ("产品:猪五花肉;价格", False),
            ("天气;价格", False),
            ("产品：鸡胸肉/大成/20斤；价格", True),
        ],
    )
    def test_tags(self, tags: str, ok: bool) -> None:
        kw = frame(
            "keywords",
            [
                {"keyword": "产品", "category": "product", "needs_leaf": "yes"},
                {"keyword": "价格", "category": "price"},
            ],
        )
        reps = frame(
            "chat_reports",
            [
                {
                    "manager_id": "F1",
                    "sent_at": "2026-11-18 09:40",
                    "kind": "customer",
                    "buyer_id": "B1",
                    "tags": tags,
                }
            ],
        )
        assert bool(chat.check_report_tags(reps, kw, CFG)["tags_ok"].iat[0]) is ok

    def test_hourly_one_per_working_hour(self) -> None:
        times = ["08:00", "08:59", "09:30", "17:59", "18:00"]
        reps = frame(
            "chat_reports",
            [{"manager_id": "F1", "sent_at": f"2026-11-18 {t}", "kind": "hourly"} for t in times],
        )
        md = pd.DataFrame({"manager_id": ["F1"], "date": pd.to_datetime(["2026-11-18"])})
        out = chat.check_hourly(md, reps, CFG)
        assert out[["hours_reported", "hours_missing", "hourly_extra"]].iloc[0].tolist() == [
            3,
            7,
            2,
        ]


@pytest.fixture(scope="module")
def sample() -> tuple[Any, Any, list[dict[str, Any]]]:
    data, _ = read_dataset(SAMPLE)
    mk, _ = read_marketing(SAMPLE / "marketing")
    bodies = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((SAMPLE / "marketing" / "results").glob("*/days/*.json"))
    ]
    return data, mk, bodies


class TestSample:
    def test_daily_scorecard_flags_and_fixes(self, sample: Any) -> None:
        data, mk, bodies = sample
        sc = daily_scorecards(
            data, mk, bodies, dt.date(2026, 11, 18), config=CFG, assess_config=AssessConfig()
        )
        f11 = sc.cards.set_index("manager_id").loc["F11"]
        assert f11["contradicted"] >= 1 and f11["corroborated"] >= 5
        assert "contradicted" in f11["failed_items"]
        assert len(f11["fix_tomorrow"]) == len(f11["failed_items"])
        assert 0 < f11["score"] < 1 and f11["items_met"] < f11["items_due"]
        f21 = sc.cards.set_index("manager_id").loc["F21"]
        assert f21["status"] == "no_result" and f21["unknown"] == f21["onsite_claims"] > 0
        page = render_team_day(
            sc.cards.assign(team_id="<script>"),
            dt.date(2026, 11, 18),
            lang="zh",
            map_link=lambda m, d: f"x/{m}?a=1&b=2",
        )
        assert "<script>" not in page and "&lt;script&gt;" in page and "a=1&amp;b=2" in page

    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_doubtful_visits_are_counted_and_shown(self, sample: Any, lang: str) -> None:
        """Issue 12: flag every stay of F11's day; its corroborated visits become doubtful."""
        data, mk, bodies = sample
        day = dt.date(2026, 11, 18)
        plain = daily_scorecards(data, mk, bodies, day, config=CFG, assess_config=AssessConfig())
        flagged = []
        for body in bodies:
            body = json.loads(json.dumps(body))
            if body["manager_id"] == "F11" and body["date"] == day.isoformat():
                ids = [s["id"] for s in body["stay_points"]]
                flag = {"kind": "replayed_track", "start": "a", "end": "b", "reason": "r"}
                body["integrity"] = {"status": "suspicious", "flags": [{**flag, "stay_ids": ids}]}
            flagged.append(body)
        sc = daily_scorecards(data, mk, flagged, day, config=CFG, assess_config=AssessConfig())
        before = plain.cards.set_index("manager_id").loc["F11"]
        f11 = sc.cards.set_index("manager_id").loc["F11"]
        assert before["doubtful"] == 0 and f11["corroborated"] == 0
        assert f11["doubtful"] == before["corroborated"] >= 5
        page = render_team_day(sc.cards, day, lang=lang)
        assert f"<th>{escape(labels(lang, 'scorecard')['doubtful'])}</th>" in page

    def test_five_day(self, sample: Any) -> None:
        data, mk, bodies = sample
        fd = five_day_assessment(
            data, mk, bodies, "F11", dt.date(2026, 11, 16), config=CFG, assess_config=AssessConfig()
        )
        # issue 15: closed = a new order from F11's own marketing (not a regular's reorder)
        assert len(fd.cards) == 5 and fd.closed and fd.verdict == "fail"
        assert 0 < int(fd.orders["counted"].sum()) < len(fd.orders)
        assert any("contradicted" in r for r in fd.reasons)
        assert working_days(dt.date(2026, 11, 21), 5, CFG.weekmask)[0] == dt.date(2026, 11, 23)

    def test_cli(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        args = [
            "assess",
            "five-day",
            "--manager",
            "F11",
            "--start",
            "2026-11-16",
            "--data",
            str(SAMPLE),
            "--marketing",
            str(SAMPLE / "marketing"),
            "--results",
            str(SAMPLE / "marketing" / "results"),
            "--out",
            str(tmp_path),
        ]
        assert cli_main(args) == 0
        assert "F11 2026-11-16 .. 2026-11-20: fail" in capsys.readouterr().out
        for suffix in ("json", "csv", "html"):
            assert (tmp_path / f"five-day-F11-2026-11-16.{suffix}").is_file()
        assert cli_main([*args[:5], "2026-13-01", *args[6:]]) == 2
