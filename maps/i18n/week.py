"""Words of the manager's week page (:mod:`maps.week`, issue 17): one row per day and the
recurring unexplained places.  The page uses the day report's words too
(:mod:`maps.i18n.day`: verdicts, checks, integrity); these are the ones it does not have."""

from __future__ import annotations

__all__ = ["EN", "ZH"]

EN: dict[str, str] = {
    "week_title": "Manager's week",
    "week_heading": "{manager} · {first} – {last}",
    "date": "Date",
    "weekday": "Day",
    "wd0": "Mon",
    "wd1": "Tue",
    "wd2": "Wed",
    "wd3": "Thu",
    "wd4": "Fri",
    "wd5": "Sat",
    "wd6": "Sun",
    "no_result": "no result",
    "stays_vs_visits": "Stays / on-site visits",
    "unexplained_stays": "Unexplained stays",
    "at_places": "Recurring places",
    "day_report": "Day report",
    "open_report": "report",
    "places_title": "Recurring unexplained places",
    "places_rule": "stays at no task store, within {radius} m of each other, "
    "at least {visits} visits on two days or more",
    "no_places": "No unexplained place recurs in these days.",
    "place": "Place",
    "centre": "Centre",
    "visits_n": "Visits",
    "days_n": "Days",
    "total_time": "Total time",
    "typical_time": "Typical stay",
    "days_of_week": "Days of week",
    "nearest_known": "Nearest known store",
    "minutes": "{n} min",
    "place_popup": "Place {n}",
}

ZH: dict[str, str] = {
    "week_title": "业务经理周报",
    "week_heading": "{manager} · {first} – {last}",
    "date": "日期",
    "weekday": "星期",
    "wd0": "周一",
    "wd1": "周二",
    "wd2": "周三",
    "wd3": "周四",
    "wd4": "周五",
    "wd5": "周六",
    "wd6": "周日",
    "no_result": "无核验结果",
    "stays_vs_visits": "停留点 / 上报到店拜访",
    "unexplained_stays": "无对应门店的停留",
    "at_places": "常去地点",
    "day_report": "当日报告",
    "open_report": "查看报告",
    "places_title": "反复出现的无对应门店地点",
    "places_rule": "不在任务门店的停留，彼此相距 {radius} 米以内，至少 {visits} 次且分布在两天以上",
    "no_places": "这些天里没有反复出现的无对应门店地点。",
    "place": "地点",
    "centre": "中心位置",
    "visits_n": "次数",
    "days_n": "天数",
    "total_time": "总时长",
    "typical_time": "典型停留时长",
    "days_of_week": "星期分布",
    "nearest_known": "最近的已知门店",
    "minutes": "{n} 分钟",
    "place_popup": "地点 {n}",
}
