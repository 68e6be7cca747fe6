"""Words of the team pages (:mod:`maps.team`): the index, the overview map, the lists of
manager-days without a verdict.  The team pages use the day report's words too
(:mod:`maps.i18n.day`); these are the ones it does not have.
"""

from __future__ import annotations

__all__ = ["EN", "ZH"]

EN: dict[str, str] = {
    "team_title": "Team day report",
    "managers": "Managers",
    "check": "Check",
    "stays": "Stays",
    "visits": "On-site visits",
    "day_map": "Day map",
    "open_map": "map",
    "no_map": "no map",
    "overview": "Overview map of every stay",
    "sort_hint": "Click a column header to sort.",
    "team_map_title": "Team day: every stay",
    "problems_error": "manager-day(s) could not be verified",
    "problems_no_gps": "manager(s) with a task list but no GPS fix on the day",
    "problems_no_tasks": "manager(s) with GPS fixes but no task list",
    "problems_see": " (see summary.csv):",
    "integrity_all": "all",
}

ZH: dict[str, str] = {
    "team_title": "团队外勤日报",
    "managers": "业务经理人数",
    "check": "检查项",
    "stays": "停留点",
    "visits": "上报到店拜访",
    "day_map": "当日地图",
    "open_map": "查看地图",
    "no_map": "无地图",
    "overview": "全体停留点总览地图",
    "sort_hint": "点击列标题可排序。",
    "team_map_title": "团队当日停留点总览",
    "problems_error": "个业务经理日无法核验",
    "problems_no_gps": "名业务经理有任务清单但当天无定位点",
    "problems_no_tasks": "名业务经理有定位点但无任务清单",
    "problems_see": "（详见 summary.csv）：",
    "integrity_all": "全部",
}
