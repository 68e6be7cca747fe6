"""The reasons of the three checks, written from their ``reason_code`` and ``reason_values``.

Part of the ``day`` area (:mod:`maps.i18n`).  ``reason_<check>_<code>`` is the sentence
of one code; ``trajectory_clear``'s ``problems`` and ``uncertain`` join the
``reason_part_<list>`` of each non-empty list of ids, ``visit_count_match``'s
``{detail}`` the ``reason_detail_<count>`` of each non-zero count.  The English is
exactly the ``reason`` of the result JSON (:data:`trajectory.checks.REASONS`;
``tests/maps/test_reasons.py`` keeps them equal).
"""

from __future__ import annotations

__all__ = ["EN", "ZH"]

_NO_GPS_EN = "No usable GPS fixes for the day."
_NO_GPS_ZH = "当天没有可用的 GPS 定位点。"
_COUNTED_EN = "{stays} stay point(s){detail} for {reported} reported on-site visit(s)."
_COUNTED_ZH = "{stays} 个停留点{detail}，上报到店拜访 {reported} 次。"

EN: dict[str, str] = {
    "reason_on_time_arrival_no_onsite_task": "No on-site task on the list: nothing to be late for.",
    "reason_on_time_arrival_on_time": (
        "Reached the first store {store} at {arrival}, by the {deadline} deadline."
    ),
    "reason_on_time_arrival_gap_spans_deadline": (
        "GPS was lost before the first fix at store {store} ({arrival}); the manager arrived "
        "between {earliest} and {arrival}, and the {deadline} deadline lies in between."
    ),
    "reason_on_time_arrival_late": (
        "Reached the first store {store} at {arrival}, {late_min} min after the {deadline} "
        "deadline."
    ),
    "reason_on_time_arrival_no_gps": _NO_GPS_EN,
    "reason_on_time_arrival_first_store_ambiguous": (
        "Cannot tell whether the first store {store} was reached: a stay covers it and a "
        "neighbouring store closer together than the GPS spread."
    ),
    "reason_on_time_arrival_first_store_unseen": (
        "Cannot tell whether the first store {store} was reached: a gap in the GPS could have "
        "held the visit."
    ),
    "reason_on_time_arrival_gps_starts_late": (
        "The first store {store} was not visited, and GPS starts only at {first_fix}, after the "
        "{deadline} deadline."
    ),
    "reason_on_time_arrival_not_visited": "The first store {store} was never visited on the track.",
    "reason_trajectory_clear_nothing_to_check": "No on-site task and no stays.",
    "reason_trajectory_clear_no_gps": _NO_GPS_EN,
    "reason_trajectory_clear_clear": (
        "Every stay matches an on-site task store and all {onsite} on-site store(s) were visited."
    ),
    "reason_part_unmatched": "{n} stay(s) at no task store (stay {ids})",
    "reason_part_not_visited": "{n} on-site store(s) not visited ({ids})",
    "reason_part_short": (
        "fewer stays than stores: not all of stores {ids} were visited, and the GPS cannot "
        "tell which were missed"
    ),
    "reason_part_ambiguous": (
        "stores {ids} are closer to a visited neighbour than the GPS can separate"
    ),
    "reason_part_unseen": "stores {ids} could have been visited during a GPS gap",
    "reason_part_no_gps": "stores {ids} have no GPS to check",
    "reason_visit_count_match_no_gps": _NO_GPS_EN,
    "reason_visit_count_match_match": _COUNTED_EN,
    "reason_visit_count_match_mismatch": _COUNTED_EN,
    "reason_visit_count_match_count_uncertain": (
        "{stays} stay point(s){detail} for {reported} reported on-site visit(s), but the GPS "
        "allows {low} to {high}: market stalls too close to count, a walk that may have gone "
        "next door, or a store in a GPS gap."
    ),
    "reason_detail": " ({items})",
    "reason_detail_revisits": "{n} revisit(s) of a store already visited",
    "reason_detail_unmatched": "{n} at no task store",
    # punctuation: between ids, between the parts of a reason, at its end
    "list_sep": ", ",
    "reason_sep": "; ",
    "reason_end": ".",
}

ZH: dict[str, str] = {
    "reason_on_time_arrival_no_onsite_task": "任务清单上没有到店任务，不存在迟到。",
    "reason_on_time_arrival_on_time": "首店 {store} 于 {arrival} 到达，未超过截止时间 {deadline}。",
    "reason_on_time_arrival_gap_spans_deadline": (
        "首店 {store} 的首个定位点（{arrival}）之前 GPS 信号中断；业务经理在 {earliest} 至 "
        "{arrival} 之间到达，截止时间 {deadline} 正在其间。"
    ),
    "reason_on_time_arrival_late": (
        "首店 {store} 于 {arrival} 到达，迟到 {late_min} 分钟（截止时间 {deadline}）。"
    ),
    "reason_on_time_arrival_no_gps": _NO_GPS_ZH,
    "reason_on_time_arrival_first_store_ambiguous": (
        "无法判断是否到达首店 {store}：有停留点覆盖该店，但它与相邻门店的距离小于 GPS 误差。"
    ),
    "reason_on_time_arrival_first_store_unseen": (
        "无法判断是否到达首店 {store}：GPS 信号中断期间可能完成了拜访。"
    ),
    "reason_on_time_arrival_gps_starts_late": (
        "首店 {store} 未拜访，且 GPS 直到 {first_fix} 才开始记录，已晚于截止时间 {deadline}。"
    ),
    "reason_on_time_arrival_not_visited": "轨迹显示首店 {store} 从未拜访。",
    "reason_trajectory_clear_nothing_to_check": "没有到店任务，也没有停留点。",
    "reason_trajectory_clear_no_gps": _NO_GPS_ZH,
    "reason_trajectory_clear_clear": (
        "每个停留点都对应到店任务门店，{onsite} 家到店门店全部已拜访。"
    ),
    "reason_part_unmatched": "{n} 个停留点不在任何任务门店（停留点 {ids}）",
    "reason_part_not_visited": "{n} 家到店门店未拜访（{ids}）",
    "reason_part_short": "停留点少于门店数：门店 {ids} 未全部拜访，GPS 无法确定漏掉的是哪几家",
    "reason_part_ambiguous": "门店 {ids} 与已拜访的相邻门店距离过近，GPS 无法区分",
    "reason_part_unseen": "门店 {ids} 可能在 GPS 信号中断期间被拜访",
    "reason_part_no_gps": "门店 {ids} 没有 GPS 数据可供核对",
    "reason_visit_count_match_no_gps": _NO_GPS_ZH,
    "reason_visit_count_match_match": _COUNTED_ZH,
    "reason_visit_count_match_mismatch": _COUNTED_ZH,
    "reason_visit_count_match_count_uncertain": (
        "{stays} 个停留点{detail}，上报到店拜访 {reported} 次，但按 GPS 可能为 {low} 至 "
        "{high} 个：市场摊位过近无法计数，可能步行去了隔壁门店，或有门店位于 GPS 信号中断段。"
    ),
    "reason_detail": "（{items}）",
    "reason_detail_revisits": "{n} 次重复到访已拜访门店",
    "reason_detail_unmatched": "{n} 个不在任务门店",
    "list_sep": "、",
    "reason_sep": "；",
    "reason_end": "。",
}
