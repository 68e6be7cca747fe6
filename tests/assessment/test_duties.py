"""Issue 15, items 6, 7 and 12: the duties beside the scorecard (keyword queue, the
supervisor's daily help, the chat-buyer trend), pure functions and pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from assessment import duties
from assessment.config import AssessConfig
from assessment.duties_html import (
    render_agency_conflicts,
    render_chat_trend,
    render_keyword_queue,
    render_supervisor_help,
)
from assessment.io import read_dataset
from assessment.marketing_data import read_marketing
from tests.assessment.test_scorecards import CFG, SAMPLE, frame, rec

PEOPLE = pd.DataFrame(
    {
        "person_id": ["CD", "GM", "AM", "F1", "F2", "LOOP1", "LOOP2", "F3"],
        "role": ["city_director", "district_gm", "area_manager", "field_manager",
                 "field_manager", "area_manager", "area_manager", "field_manager"],
        "reports_to": [None, "CD", "GM", "AM", "AM", "LOOP2", "LOOP1", "LOOP1"],
        "team_id": [None, "north", "north", "north", "north", None, None, "x"],
    }
)  # fmt: skip


@pytest.fixture(scope="module")
def city() -> tuple[Any, Any]:
    data, _ = read_dataset(SAMPLE)
    mk, _ = read_marketing(SAMPLE / "marketing")
    return data, mk


def _card(
    manager: str, day: str, *, below: bool, helped: bool, purposes: int = 3
) -> dict[str, Any]:
    return {
        "manager_id": manager, "team_id": "north", "date": pd.Timestamp(day),
        "below_target": below, "manager_help": helped, "purposes": purposes,
        "summary_present": purposes > 0, "target_onsite": 8, "done_onsite": 6,
        "target_phone": 5, "done_phone": 5, "target_chat": 4, "done_chat": 3,
    }  # fmt: skip


def _plan(helper: str, role: str, manager: str, day: str) -> dict[str, Any]:
    return {"date": day, "helper_id": helper, "helper_role": role, "manager_id": manager,
            "actions": "<b>陪访</b>", "completion_plan": "明日达标"}  # fmt: skip


class TestSupervisorsOf:
    def test_every_gm_and_director_up_the_chain_nearest_first(self) -> None:
        out = duties.supervisors_of(PEOPLE)
        f1 = out.loc[out["manager_id"] == "F1"]
        assert f1["supervisor_id"].tolist() == ["GM", "CD"]
        assert f1["supervisor_role"].tolist() == ["district_gm", "city_director"]

    def test_a_loop_in_the_chain_stops(self) -> None:
        out = duties.supervisors_of(PEOPLE)
        assert "F3" not in set(out["manager_id"])


class TestSupervisorHelp:
    """物流行政区总经理或城市总监每日对未达成目标的驻场经理帮扶: the supervisor's duty."""

    def test_owed_helped_and_open(self) -> None:
        cards = pd.DataFrame([
            _card("F1", "2026-11-18", below=True, helped=True),
            _card("F2", "2026-11-18", below=True, helped=False),
            _card("F2", "2026-11-19", below=False, helped=False),
            _card("F1", "2026-11-19", below=True, helped=False, purposes=0),  # no data
        ])  # fmt: skip
        plans = frame("help_plans", [_plan("GM", "district_gm", "F1", "2026-11-19")])
        out = duties.supervisor_help(cards, plans, PEOPLE, CFG)
        assert len(out) == 4  # two manager-days, each owed by GM and CD
        gm = out.loc[out["supervisor_id"] == "GM"].set_index("manager_id")
        assert gm.loc["F1", "helped"] and gm.loc["F1", "helped_by_you"]
        assert gm.loc["F1", "helpers"] == "GM" and gm.loc["F1", "actions"] == "<b>陪访</b>"
        assert not gm.loc["F2", "helped"] and gm.loc["F2", "gap"] == "onsite +2 chat +1"
        cd = out.loc[out["supervisor_id"] == "CD"].set_index("manager_id")
        assert cd.loc["F1", "helped"] and not cd.loc["F1", "helped_by_you"]
        only = duties.supervisor_help(cards, plans, PEOPLE, CFG, supervisor_id="CD")
        assert set(only["supervisor_id"]) == {"CD"} and list(only.columns) == list(
            duties.HELP_COLUMNS
        )

    def test_sample_week_never_fails_the_manager_for_it(self, city: Any) -> None:
        data, mk = city
        rows = duties.supervisor_help_between(
            data, mk, dt.date(2026, 11, 14), dt.date(2026, 11, 22), "GM2", config=CFG,
            assess_config=AssessConfig(),
        )  # fmt: skip
        assert len(rows) == 9 and rows["helped"].all()
        assert set(rows["manager_id"]) <= {"F21", "F22", "F23"}

    def test_plans_entered_with_gap_causes(self, city: Any) -> None:
        """帮扶人(自助联盟人、大区经理、城市总监、行政区总经理); 差异原因分析: 方法、流程、规范."""
        data, mk = city
        plans = duties.helper_plans(
            mk.help_plans, data.people, "GM1", dt.date(2026, 11, 17), dt.date(2026, 11, 17)
        )
        assert len(plans) > 0 and plans["helper_listed"].all()
        assert set(plans["gap_causes"]) == {"method", "process"}
        page = render_supervisor_help(
            plans.iloc[:0].reindex(columns=list(duties.HELP_COLUMNS)), "GM1",
            dt.date(2026, 11, 17), dt.date(2026, 11, 17), plans=plans, lang="zh",
        )  # fmt: skip
        assert "差异原因" in page and "方法" in page and "流程" in page

    def test_page_escapes_and_speaks_chinese(self) -> None:
        cards = pd.DataFrame([_card("F<1>", "2026-11-18", below=True, helped=False)])
        people = PEOPLE.replace({"F1": "F<1>"})
        out = duties.supervisor_help(cards, frame("help_plans", []), people, CFG)
        page = render_supervisor_help(out, "GM", dt.date(2026, 11, 16), dt.date(2026, 11, 20),
                                      lang="zh")  # fmt: skip
        assert "F&lt;1&gt;" in page and "F<1>" not in page
        assert "未帮扶" in page and "物流行政区总经理或城市总监" in page


class TestChatTrend:
    """需不断提高聊一聊买家数: distinct chat buyers per manager and week."""

    def test_rising_flat_falling(self) -> None:
        rows = []
        for day, buyers in (("2026-11-09", "B1 B2"), ("2026-11-11", "B2"),  # week 1: 2
                            ("2026-11-16", "B1 B2 B3"),  # week 2: 3
                            ("2026-11-23", "B1"), ("2026-12-02", "B4")):  # 1, then 1  # fmt: skip
            for b in buyers.split():
                r = rec(b, "09:00", "09:30", method="chat")
                rows.append({**r, "slot_start": f"{day} 09:00", "slot_end": f"{day} 09:30"})
        rows.append(
            {
                **rec("B9", "10:00", "10:30"),
                "slot_start": "2026-11-10 10:00",
                "slot_end": "2026-11-10 10:30",
            }
        )  # on site: a day, no chat buyer
        out = duties.chat_trend(frame("marketing", rows), PEOPLE, "Asia/Shanghai")
        assert out["week"].dt.strftime("%m-%d").tolist() == ["11-09", "11-16", "11-23", "11-30"]
        assert out["chat_buyers"].tolist() == [2, 3, 1, 1]
        assert out["days"].tolist() == [3, 1, 1, 1] and out["daily_max"].tolist() == [2, 3, 1, 1]
        assert out["trend"].tolist() == ["first", "rising", "falling", "flat"]
        assert out["change"].tolist()[1:] == [1, -2, 0]
        page = render_chat_trend(out, dt.date(2026, 11, 1), dt.date(2026, 12, 5), lang="zh")
        assert "上升" in page and "下降" in page and "需不断提高聊一聊买家数" in page


class TestKeywordQueue:
    """管理中心将原因转换成关键词: the management center's queue, with suggestions."""

    def test_sample_queue_and_agreement(self, city: Any) -> None:
        from assessment.keywords import top1_agreement

        data, mk = city
        first, last = dt.date(2026, 11, 16), dt.date(2026, 11, 20)
        queue, checked = duties.keyword_queue_between(mk, data.people, first, last, CFG)
        assert len(queue) == 20 and queue["suggested"].str.len().gt(0).all()
        assert set(queue["team_id"]) == {"north", "south"}
        share, tried = top1_agreement(checked, mk.keywords)
        assert (round(share * tried), tried) == (12, 14)
        one_day, _ = duties.keyword_queue_between(mk, data.people, last, last, CFG)
        assert 0 < len(one_day) < len(queue) and (one_day["date"] == pd.Timestamp(last)).all()

    def test_page_escapes_the_reason(self, city: Any) -> None:
        data, mk = city
        queue, _ = duties.keyword_queue_between(
            mk, data.people, dt.date(2026, 11, 16), dt.date(2026, 11, 20), CFG
        )
        queue.loc[0, "reason"] = "<script>alert(1)</script>"
        page = render_keyword_queue(queue, dt.date(2026, 11, 16), dt.date(2026, 11, 20),
                                    agreement=(12 / 14, 14), lang="zh")  # fmt: skip
        assert "<script>alert" not in page and "&lt;script&gt;" in page
        assert "12 / 14" in page and "管理中心" in page


def test_agency_report_names_the_agent_and_its_manager(city: Any) -> None:
    """老一批代理品牌: 平台不向厂家区域代理商供应其代理品牌的商品 (B004 is agent for 华都代理)."""
    data, _ = city
    out = duties.agency_report(data, as_of=dt.date(2026, 12, 1))
    assert out[["source", "buyer_id", "brand", "manager_id", "team_id"]].values.tolist() == [
        ["order", "B004", "华都代理", "F11", "north"]
    ]
    assert duties.agency_report(data, as_of=dt.date(2026, 1, 1)).empty
    page = render_agency_conflicts(out, lang="zh")
    assert "老一批代理品牌" in page and "订单" in page and "B004" in page
