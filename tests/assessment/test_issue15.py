"""Issue 15: the scheme's own wording, rule by rule (each docstring quotes the Chinese)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest

from assessment import keywords, marketing
from assessment.buyers import assess_buyers, classify_status
from assessment.config import AssessConfig
from assessment.fiveday import five_day_assessment
from assessment.io import read_dataset
from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import read_marketing
from assessment.rights import check_reassignment
from assessment.scorecard import daily_scorecards
from assessment.scorecard_html import render_team_day
from tests.assessment.test_scorecards import CFG, SAMPLE, frame, rec
from tests.helpers.assess import buyer, dataset, order

UTC = dt.UTC
ACFG = AssessConfig()


@pytest.fixture(scope="module")
def city() -> tuple[Any, Any, list[dict[str, Any]]]:
    data, _ = read_dataset(SAMPLE)
    mk, _ = read_marketing(SAMPLE / "marketing")
    bodies = [json.loads(p.read_text("utf-8")) for p in
              sorted((SAMPLE / "marketing" / "results").glob("*/days/*.json"))]  # fmt: skip
    return data, mk, bodies


def test_1_targets_are_a_pool_of_prospects() -> None:
    """目标客户:平台已上线产品单笔订单量≥5箱的所有买家; statuses include 已注册/未注册, so the
    surveyed usual order size makes a target before any platform order, and after 2 months
    without activation it is due."""
    data = dataset([buyer("B1", activated_at=None, assigned_at="2026-08-01", usual_boxes=5),
                    buyer("B2", activated_at=None, assigned_at="2026-08-01",
                          usual_boxes=4)])  # fmt: skip
    out = assess_buyers(data, as_of=dt.date(2026, 12, 1)).set_index("buyer_id")
    assert out.loc["B1", "is_target"] and out.loc["B1", "target_source"] == "surveyed"
    assert out.loc["B1", "rights"] == "due" and not out.loc["B2", "is_target"]


@pytest.mark.parametrize(
    ("role", "at", "force", "reason", "want"),
    [
        ("field_manager", "2026-09-30", False, "", 409),  # inside the two months
        ("field_manager", "2026-09-30", True, "", 422),  # forced without a reason
        ("field_manager", "2026-09-30", True, "boss asked", None),
        ("field_manager", "2026-10-01", False, "", None),  # two months passed
        ("city_director", "2026-10-01", False, "", 422),  # goes to another field manager
    ],
)
def test_2_exclusive_rights_protect(
    role: str, at: str, force: bool, reason: str, want: int | None
) -> None:
    """驻场经理对激活客户具有专属营销权,2个月内未激活的目标客户需分配给其他驻场经理."""
    tz = dt.timezone(dt.timedelta(hours=8))
    got = check_reassignment(
        buyer_id="B1", holder="F1", assigned_at=dt.datetime(2026, 8, 1, tzinfo=tz),
        activated_at=None, new_manager="F2", new_role=role,
        at=dt.datetime.fromisoformat(at).replace(hour=9, tzinfo=tz), force=force,
        reason=reason, config=ACFG,
    )  # fmt: skip
    assert (None if got is None else got.status) == want


def test_3_legacy_agency_brand_not_supplied_to_its_agent(city: Any) -> None:
    """老一批代理品牌: 平台不向厂家区域代理商供应其代理品牌的商品 (B045's 40-box order counts;
    B004, agent for 华都代理, is flagged)."""
    from assessment.agency import agency_conflicts

    data = city[0]
    out = assess_buyers(data, as_of=dt.date(2026, 12, 1)).set_index("buyer_id")
    assert out.loc["B045", "is_target"]
    flags = agency_conflicts(data.orders, data.declarations, data.buyers)
    assert flags["buyer_id"].tolist() == ["B004"] and flags["source"].tolist() == ["order"]


def test_4_each_effective_window_is_two_hours() -> None:
    """有效营销时段 ... 的时间段(≥2小时): two 1-hour windows do not make one."""
    w = frame("windows", [{"buyer_id": "B1", "start": "09:00", "end": "10:00"},
                          {"buyer_id": "B1", "start": "14:00", "end": "15:00"},
                          {"buyer_id": "B2", "start": "09:00", "end": "11:00"}])  # fmt: skip
    out = marketing.check_windows(w, CFG).set_index("buyer_id")
    assert out.loc["B1", "window_minutes"] == 120 and out.loc["B1", "short"]
    assert not out.loc["B2", "short"]
    r = frame("marketing", [rec("B1", "09:10", "09:20")])
    assert marketing.slot_windows(r, marketing.effective_windows(w, CFG), "Asia/Shanghai")[0] == (
        "no_window"
    )


def test_5_slots_and_results() -> None:
    """日营销结果管控: 不同目的的营销时段可不同, 未达成可再安排; 结果与目的一一对应: two purposes
    in one slot are two rows, and several met results of one purpose are fine."""
    r = frame("marketing", [rec("B1", "09:00", "09:30", purpose="首单"),
                            rec("B1", "09:00", "09:30", purpose="回款"),
                            rec("B1", "10:00", "10:10", purpose="首单")])  # fmt: skip
    p = marketing.check_purposes(r, "Asia/Shanghai")
    assert p["met"].all() and p["results"].tolist() == [1, 2]


def test_6_keywords_are_the_management_centers(city: Any) -> None:
    """管理中心将原因转换成关键词: no fail for the manager; a queue with suggestions."""
    mk = city[1]
    checked = marketing.check_reasons(mk.marketing, CFG)
    assert (
        checked["keywords_missing"].any()
        and not (checked["keywords_missing"] & checked["reason_missing"]).any()
    )
    queue = keywords.keyword_queue(checked, mk.keywords)
    assert len(queue) and all(queue["suggested"].str.len() > 0)
    share, n = keywords.top1_agreement(checked, mk.keywords)
    assert n >= 10 and share >= 0.7


def test_7_help_plans() -> None:
    """帮扶人(包括自助联盟人、大区经理、城市总监、行政区总经理); 差异原因分析:方法、流程、规范."""
    people = pd.DataFrame(
        {"person_id": ["S1", "AM1"], "role": ["self_help_member", "area_manager"]}
    )
    plans = frame("help_plans", [
        {"date": "2026-11-19", "helper_id": "S1", "helper_role": "自助联盟人", "buyer_id": "B1",
         "actions": "a", "completion_plan": "b", "gap_keywords": "方法;规范;天气"},
        {"date": "2026-11-19", "helper_id": "AM1", "helper_role": "area_manager",
         "buyer_id": "B2", "actions": "a", "completion_plan": "b"},
    ])  # fmt: skip
    out = marketing.check_help_plans(plans, people)
    assert out["helper_listed"].tolist() == [True, False]
    assert out["gap_causes"].iat[0] == "method;norm" and out["gap_unsorted"].iat[0] == 1


def test_8_summary_sections_as_they_occur(city: Any) -> None:
    """问题/建议/经验: 按实际发生的报告 — an empty section is fine."""
    data, mk, bodies = city
    sc = daily_scorecards(data, mk, bodies, dt.date(2026, 11, 20), config=CFG,
                          assess_config=ACFG)  # fmt: skip
    f11 = sc.cards.set_index("manager_id").loc["F11"]  # its experience is empty that day
    assert f11["sections_ok"]


def test_9_scorecard_tells_managers_apart(city: Any) -> None:
    """A duty of the supervisor, the management center or the buyer's data is reported
    beside the manager's scorecard, never failed on it (考核驻场经理自己的工作)."""
    data, mk, bodies = city
    days = [dt.date(2026, 11, d) for d in range(16, 21)]
    cards = pd.concat([daily_scorecards(data, mk, bodies, d, config=CFG,
                                        assess_config=ACFG).cards for d in days])  # fmt: skip
    assert cards["score"].nunique() >= 8 and 0 < cards["passed"].mean() < 1
    own = {i for items in cards["failed_items"] for i in items}
    assert not own & {"keywords_missing", "short_windows", "manager_help_missing"}
    page = render_team_day(cards.iloc[:6], dt.date(2026, 11, 16), lang="zh")
    assert "<details>" in page or max(len(f) for f in cards["fix_tomorrow"]) <= 3
    strict = MarketingConfig(pass_score=1.0)
    one = daily_scorecards(data, mk, bodies, dt.date(2026, 11, 16), config=strict,
                           assess_config=ACFG).cards  # fmt: skip
    assert not one["passed"].any() or (one["score"] == 1.0).all()


def test_10_five_day_counts_new_orders_of_own_marketing(city: Any) -> None:
    """5天考核,5天能出单吗: a new order of a buyer the manager marketed, after the first
    contact, not from an existing 常客; reorders and orders before marketing are shown."""
    data, mk, bodies = city
    fd = five_day_assessment(data, mk, bodies, "F22", dt.date(2026, 11, 16), config=CFG,
                             assess_config=ACFG)  # fmt: skip
    assert fd.verdict == "pass" and fd.orders["counted"].sum() >= 1
    o = fd.orders
    assert (o.loc[o["counted"], "placed_at"] > o.loc[o["counted"], "first_contact"]).all()
    assert set(o.loc[~o["counted"], "why"]) <= {"regular", "before_marketing", "not_marketed"}
    assert o.loc[o["counted"], ["first_contact", "contact_method", "status"]].notna().all().all()


def test_11_the_documents_own_words() -> None:
    """分销/菜场/团膳/加工厂/连锁餐饮/大中餐饮/烧卤, 主打品牌/老一批代理品牌,
    自助联盟人, 物流行政区总经理."""
    from assessment.schema import _BRAND_ALIASES, _ROLE_ALIASES, _TYPE_ALIASES
    from maps.i18n.assessment import ZH

    for word in ("分销", "菜场", "团膳", "加工厂", "连锁餐饮", "大中餐饮", "烧卤"):
        assert word in _TYPE_ALIASES
    assert (
        _BRAND_ALIASES["主打品牌"] == "lead" and _BRAND_ALIASES["老一批代理品牌"] == "legacy_agency"
    )
    assert _ROLE_ALIASES["自助联盟人"] == "self_help_member"
    assert _ROLE_ALIASES["物流行政区总经理"] == "district_gm"
    assert ZH["regular_l1"] == "常客一级" and ZH["tier1"] == "单品一批"
    assert ZH["match:sku"] == "买家及单品品牌匹配" and ZH["match:product"] == "买家及单品匹配"


def test_13_regular_by_order_frequency() -> None:
    """常客买家定级根据上月订单记录确定: order frequency offered as the measure (configurable)."""
    orders = [order(f"O{k}", "B1", f"2026-11-{k + 1:02d}", 5, amount=10.0) for k in range(8)]
    data = dataset([buyer("B1", activated_at="2026-06-01")], orders)
    cfg = AssessConfig(regular_measure="frequency")
    by_freq = classify_status(data.buyers, data.orders, as_of=dt.date(2026, 12, 1), config=cfg)
    by_amount = classify_status(data.buyers, data.orders, as_of=dt.date(2026, 12, 1), config=ACFG)
    assert by_freq.loc["B1", "status"] == "regular_l1"
    assert by_amount.loc["B1", "status"] == "regular_l3"
