"""Words of the daily scorecards and the 5-day assessment (:mod:`assessment.scorecard_html`)."""

from __future__ import annotations

__all__ = ["EN", "ZH"]

EN: dict[str, str] = {
    "team_title": "Daily scorecards",
    "five_title": "5-day assessment",
    "manager": "manager",
    "team": "team",
    "date": "date",
    "passed": "passed",
    "fix": "what to fix tomorrow",
    "map": "map",
    "verdict": "verdict",
    "reasons": "reasons",
    "item": "item",
    "pass": "pass",
    "fail": "fail",
    "yes": "yes",
    "no": "no",
    "orders": "orders closed",
    "on_time_arrival": "on time",
    "trajectory_clear": "clear track",
    "visit_count_match": "visit count",
    "corroborated": "visits corroborated",
    "contradicted": "contradicted",
    "unknown": "unknown",
    "done": "done / target",
}

ZH: dict[str, str] = {
    "team_title": "每日考核卡",
    "five_title": "5天考核",
    "manager": "驻场经理",
    "team": "团队",
    "date": "日期",
    "passed": "通过",
    "fix": "明日改进",
    "map": "轨迹图",
    "verdict": "结论",
    "reasons": "理由",
    "item": "项目",
    "pass": "通过",
    "fail": "未通过",
    "yes": "是",
    "no": "否",
    "orders": "成交订单",
    "on_time_arrival": "准时到达",
    "trajectory_clear": "轨迹清晰",
    "visit_count_match": "拜访数一致",
    "corroborated": "轨迹印证拜访",
    "contradicted": "轨迹否定",
    "unknown": "无法判断",
    "done": "完成 / 目标",
}
