"""Labels of the map reports in English and Chinese.

Only the report's own words are translated: headings, legend entries, status
names.  The reason sentences of the checks come from ``trajectory.checks`` and
stay in English, as the contract JSON has them.
"""

from __future__ import annotations

__all__ = ["LABELS", "LANGS", "Lang", "labels"]

from collections.abc import Mapping
from typing import Literal

Lang = Literal["en", "zh"]

#: Languages the reports are written in.
LANGS: tuple[str, ...] = ("en", "zh")

_EN: dict[str, str] = {
    "title": "Field day report",
    "manager": "Manager",
    "date": "Date",
    "overall": "Overall",
    # the three checks (keys are trajectory.result.CHECK_NAMES)
    "on_time_arrival": "On-time arrival",
    "trajectory_clear": "Clear trajectory",
    "visit_count_match": "Visit count match",
    # check statuses
    "pass": "pass",
    "fail": "fail",
    "inconclusive": "inconclusive",
    # facts
    "deadline": "Deadline",
    "first_arrival": "First arrival",
    "first_store": "first store",
    "stays_vs_visits": "Stays vs on-site visits",
    "stays_counted": "stays (exempt places excluded)",
    "visits_reported": "on-site visits reported",
    "stays_on_map": "stays on the map",
    "unexplained_stays": "unexplained stays",
    "cleaning": "GPS cleaning",
    "input_points": "points received",
    "kept_points": "points kept",
    "dropped": "dropped",
    "none_dropped": "none dropped",
    "outside_day": "outside the day",
    "rejected_rows": "unreadable rows",
    # cleaning reasons (keys are trajectory.cleaning's)
    "duplicate": "duplicate",
    "conflicting_duplicate": "conflicting duplicate",
    "zero_coordinates": "zero coordinates",
    "poor_accuracy": "poor accuracy",
    "burst": "outlier burst",
    "jump": "jump",
    # tasks
    "tasks": "Task list",
    "seq": "#",
    "store": "Store",
    "method": "Method",
    "status": "Status",
    "reported": "Reported",
    "onsite": "on site",
    "phone": "phone",
    "chat": "chat",
    "remote_note": "phone and chat tasks are listed here only, not on the map",
    "yes": "yes",
    "no": "no",
    # store statuses
    "visited": "visited",
    "not_visited": "not visited",
    "ambiguous": "ambiguous",
    "unseen": "GPS gap, unseen",
    "not_expected": "remote task",
    "no_gps": "no GPS",
    "reported_not_on_track": "reported, not on the track",
    # layers and legend
    "legend": "Legend",
    "layer_track": "Track",
    "layer_stays": "Stay points",
    "layer_stores": "Stores",
    "layer_links": "Stay-store links",
    "time_of_day": "Track by time of day (arrows: direction)",
    "gps_gap": "GPS gap (no fixes)",
    "stay": "Stay",
    "stay_matched": "stay at a task store",
    "stay_unexplained": "unexplained stay",
    "stay_exempt": "exempt place",
    "stay_size": "circle size: duration",
    "store_radius": "store and its match radius",
    "link": "stay to matched store",
    "layer_timeline": "Timeline (play the day back)",
    "timeline_clock": "Play the day back; the clock shows local time ({zone})",
    "timeline_now": "position at the clock's time",
    "timeline_trail": "track played so far",
    "timeline_stay": "stay, shown from its arrival",
    # popups
    "arrival": "Arrival",
    "departure": "Departure",
    "duration": "Duration",
    "minutes": "min",
    "matched_store": "Matched store",
    "unexplained": "unexplained",
    "distance": "Distance",
    "points": "GPS points",
    "exempt": "Exempt place",
    "revisit": "revisit",
    "ambiguous_with": "Cannot tell apart",
    "match_radius": "Match radius",
    "stay_no": "stay",
}

_ZH: dict[str, str] = {
    "title": "外勤日报",
    "manager": "业务经理",
    "date": "日期",
    "overall": "总体结论",
    "on_time_arrival": "准时到达",
    "trajectory_clear": "轨迹清晰",
    "visit_count_match": "拜访一致",
    "pass": "通过",
    "fail": "未通过",
    "inconclusive": "无法判断",
    "deadline": "首店截止时间",
    "first_arrival": "首店到达时间",
    "first_store": "首店",
    "stays_vs_visits": "停留点与到店拜访",
    "stays_counted": "个停留点（不含豁免地点）",
    "visits_reported": "次上报到店拜访",
    "stays_on_map": "个停留点显示在地图上",
    "unexplained_stays": "个停留点无对应门店",
    "cleaning": "GPS 数据清洗",
    "input_points": "收到定位点",
    "kept_points": "保留定位点",
    "dropped": "剔除",
    "none_dropped": "无剔除",
    "outside_day": "不在当天",
    "rejected_rows": "无法读取的行",
    "duplicate": "重复点",
    "conflicting_duplicate": "时间重复、位置冲突",
    "zero_coordinates": "零坐标",
    "poor_accuracy": "精度过低",
    "burst": "连续漂移点",
    "jump": "跳点",
    "tasks": "任务清单",
    "seq": "序号",
    "store": "门店",
    "method": "方式",
    "status": "状态",
    "reported": "已上报",
    "onsite": "到店",
    "phone": "电话",
    "chat": "线上沟通",
    "remote_note": "电话和线上沟通任务只列在此处，不在地图上标注",
    "yes": "是",
    "no": "否",
    "visited": "已拜访",
    "not_visited": "未拜访",
    "ambiguous": "无法区分",
    "unseen": "信号缺失，未见",
    "not_expected": "远程任务",
    "no_gps": "无定位",
    "reported_not_on_track": "已上报，轨迹未见",
    "legend": "图例",
    "layer_track": "轨迹",
    "layer_stays": "停留点",
    "layer_stores": "门店",
    "layer_links": "停留点—门店连线",
    "time_of_day": "轨迹按时段着色（箭头表示方向）",
    "gps_gap": "信号中断（无定位点）",
    "stay": "停留点",
    "stay_matched": "在任务门店停留",
    "stay_unexplained": "无对应门店的停留",
    "stay_exempt": "豁免地点",
    "stay_size": "圆圈大小：停留时长",
    "store_radius": "门店及匹配半径",
    "link": "停留点到匹配门店",
    "layer_timeline": "时间轴（回放当天轨迹）",
    "timeline_clock": "回放当天轨迹；时钟显示当地时间（{zone}）",
    "timeline_now": "时钟所示时刻的位置",
    "timeline_trail": "已回放的轨迹",
    "timeline_stay": "停留点（到达时出现）",
    "arrival": "到达",
    "departure": "离开",
    "duration": "停留时长",
    "minutes": "分钟",
    "matched_store": "匹配门店",
    "unexplained": "无对应门店",
    "distance": "距离",
    "points": "定位点数",
    "exempt": "豁免地点",
    "revisit": "重复到访",
    "ambiguous_with": "无法区分的门店",
    "match_radius": "匹配半径",
    "stay_no": "停留点",
}

#: Every label by language; both languages have the same keys.
LABELS: dict[str, dict[str, str]] = {"en": _EN, "zh": _ZH}


def labels(lang: str) -> Mapping[str, str]:
    """The labels of one language.

    Parameters
    ----------
    lang
        ``"en"`` or ``"zh"``.

    Raises
    ------
    ValueError
        For any other language.
    """
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return LABELS[lang]
