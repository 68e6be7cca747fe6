"""Words about stays at a place the company knows but that is not on the day's task list
(issue 17: ``stay_points[].nearest_known``), for the day map (``DAY_*``, part of the
``day`` area) and the team index (``TEAM_*``, part of the ``team`` area)."""

from __future__ import annotations

__all__ = ["DAY_EN", "DAY_ZH", "TEAM_EN", "TEAM_ZH"]

DAY_EN: dict[str, str] = {
    "off_list": "not on today's list",
    "stay_off_list": "known store or buyer, not on the list",
    "known_store": "store",
    "known_buyer": "buyer",
    "off_list_stays": "not on today's list",
}

DAY_ZH: dict[str, str] = {
    "off_list": "不在今日任务清单",
    "stay_off_list": "已知门店或买家，不在清单",
    "known_store": "门店",
    "known_buyer": "买家",
    "off_list_stays": "个不在今日清单",
}

TEAM_EN: dict[str, str] = {
    "off_list_visits": "Off-list visits",
    "off_list_title": "stays at a known store or buyer not on the day's task list",
}

TEAM_ZH: dict[str, str] = {
    "off_list_visits": "清单外到访",
    "off_list_title": "停留于已知门店或买家、但不在当日任务清单的次数",
}
