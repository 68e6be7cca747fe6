"""Words of the day map report (:mod:`maps.day`) and the words the team pages share.

The report's own words: headings, legend entries, status names, the timeline's
controls.  The checks' reasons are in :mod:`maps.i18n.reasons` (same area).
"""

from __future__ import annotations

__all__ = ["EN", "ZH"]

EN: dict[str, str] = {
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
    # track integrity (issue 12): advisory flags, never a verdict
    "integrity": "Track integrity",
    "integrity_clean": "clean",
    "integrity_suspicious": "suspicious",
    "integrity_banner": (
        "Track integrity: suspicious ({n} flag(s)). These parts of the track may not be real "
        "(advisory; the checks above are unchanged): "
    ),
    "integrity_teleport": "teleport",
    "integrity_frozen_position": "frozen position (mock location?)",
    "integrity_replayed_track": "replayed track",
    "integrity_simulated_route": "simulated route",
    "layer_integrity": "Suspicious track (integrity flags)",
    # warnings about the inputs (codes of trajectory.day_warnings; {values} of the result)
    "warnings": "Warnings",
    "warning_zone_mismatch": (
        "The track's longitude ({lon}°) fits about UTC{expected_offset_h:+d}, not the time "
        "zone {timezone} (UTC{utc_offset_h:+g}): times may be shifted; check the time zone."
    ),
    "warning_outside_day": (
        "{outside} of {total} fixes fall outside the {window} in {timezone} and were left "
        "out: check the time zone and the date."
    ),
    "warning_store_in_exempt_place": (
        "Task store {store_id} lies {distance_m} m inside the exempt place {place}: stays "
        "at the store count as visits of it."
    ),
    "warning_stays_far_from_stores": (
        "None of {stays} stay(s) is within {radius_m} m of a task store (median {median_m} m "
        "from the nearest): check the stores' coordinate system ({store_crs})."
    ),
    "no_tasks": "no task list",
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
    "layers_toggle": "Map layers",
    "zoom_in": "Zoom in",
    "zoom_out": "Zoom out",
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
    # the timeline's clock control: button tooltips, the speed label (one step = 1 minute)
    "timeline_backward": "One minute back",
    "timeline_play": "Play / pause",
    "timeline_forward": "One minute forward",
    "timeline_speed": "{n} min/s",
    "timeline_speed_title": "Playback speed: minutes of the day per second",
    "timeline_no_time": "time not available",
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
    "bridged_gap": "GPS gap inside the stay (bridged)",
    "arrival_window": "Arrival between",
    "departure_window": "Departure between",
    "stay_bridged": "dashed ring: the stay bridges a GPS gap",
    "ambiguous_with": "Cannot tell apart",
    "match_radius": "Match radius",
    "stay_no": "stay",
}

ZH: dict[str, str] = {
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
    "integrity": "轨迹真实性",
    "integrity_clean": "正常",
    "integrity_suspicious": "可疑",
    "integrity_banner": (
        "轨迹真实性：可疑（{n} 处）。以下轨迹片段可能不真实（仅供参考，上方三项检查结果不变）："
    ),
    "integrity_teleport": "瞬移",
    "integrity_frozen_position": "位置冻结（疑似虚拟定位）",
    "integrity_replayed_track": "重放轨迹",
    "integrity_simulated_route": "模拟路线",
    "layer_integrity": "可疑轨迹（真实性标记）",
    "warnings": "警告",
    "warning_zone_mismatch": (
        "轨迹经度（{lon}°）约对应 UTC{expected_offset_h:+d}，与所配置时区 {timezone}"
        "（UTC{utc_offset_h:+g}）不符：时间可能整体偏移，请检查时区。"
    ),
    "warning_outside_day": (
        "有 {outside} 个定位点（共 {total} 个）不在当日/工作时段（{window}，{timezone}）内，"
        "已被排除：请检查时区和日期。"
    ),
    "warning_store_in_exempt_place": (
        "任务门店 {store_id} 距豁免地点中心 {distance_m} 米，位于豁免地点 {place} 内："
        "在该门店的停留按门店拜访计。"
    ),
    "warning_stays_far_from_stores": (
        "{stays} 个停留点均不在任务门店 {radius_m} 米范围内（距最近门店中位数 {median_m} 米）："
        "请检查门店坐标系（{store_crs}）。"
    ),
    "no_tasks": "无任务清单",
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
    "layers_toggle": "图层",
    "zoom_in": "放大",
    "zoom_out": "缩小",
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
    "timeline_backward": "后退一分钟",
    "timeline_play": "播放 / 暂停",
    "timeline_forward": "前进一分钟",
    "timeline_speed": "{n} 分钟/秒",
    "timeline_speed_title": "回放速度：每秒播放的当天分钟数",
    "timeline_no_time": "无可用时间",
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
    "bridged_gap": "停留中的GPS中断（已衔接）",
    "arrival_window": "到达时间介于",
    "departure_window": "离开时间介于",
    "stay_bridged": "虚线圈：停留中有GPS中断",
    "ambiguous_with": "无法区分的门店",
    "match_radius": "匹配半径",
    "stay_no": "停留点",
}
