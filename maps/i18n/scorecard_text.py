"""The scorecards' sentences and values (part of the ``scorecard`` area, :mod:`maps.i18n`).

``fix_<item>``: the one-line fix of a failed scorecard item, from the card's columns
(the English is exactly :mod:`assessment.fixes`'s ``fix_tomorrow``/``others_owe`` text;
``tests/assessment/test_scorecard_zh.py`` keeps them equal); ``five_<code>``: the 5-day
assessment's reasons (:data:`assessment.fiveday.REASONS`); then the values the pages
show: contact methods, match classes, order statuses, why an order is not counted, and
the columns of the 5-day orders table.
"""

from __future__ import annotations

__all__ = ["EN", "ZH"]

EN: dict[str, str] = {
    "fix_no_track": (
        "No verified GPS track: keep the phone on and uploading the whole working day."
    ),
    "fix_on_time_arrival": "Late at the first on-site customer: be there before the deadline.",
    "fix_trajectory_clear": (
        "Unclear track: stop only at task-list customers and explain every other stop."
    ),
    "fix_visit_count_match": (
        "Stays and reported visits differ: report exactly the on-site visits you made."
    ),
    "fix_contradicted": (
        "{contradicted} claimed on-site visit(s) contradicted by the track: record only visits "
        "you made."
    ),
    "fix_summary_onsite": (
        "Summary says {summary_onsite} on-site visits, records {onsite_claims}, track {stays} "
        "stays: make them agree."
    ),
    "fix_targets": "Below target ({gaps}): plan more customers per method.",
    "fix_chat_not_admitted": (
        "Chat used with {chat_not_admitted} buyer(s) not admitted to chat: phone or visit them "
        "instead."
    ),
    "fix_outside_windows": (
        "{outside_windows} slot(s) outside the buyer's effective window: book slots inside it."
    ),
    "fix_short_windows": (
        "Buyer data: {short_windows} buyer(s) without a valid effective window (each >= 2 h): "
        "survey and record their reachable hours."
    ),
    "fix_results_missing": (
        "{results_missing} slot(s) without a result: write one result per purpose."
    ),
    "fix_reasons_missing": (
        "{reasons_missing} missed goal(s) without a concrete reason: state why."
    ),
    "fix_keywords_missing": (
        "Management center: {keywords_missing} reason(s) to turn into keywords."
    ),
    "fix_help_plans_missing": (
        "Helper: {help_plans_missing} missed goal(s) without a help plan by the next working day."
    ),
    "fix_manager_help_missing": (
        "Supervisor: targets missed and no help entry from the district GM or city director."
    ),
    "fix_customer_reports": (
        "{not_timely} of {customers} customer reports not timely (late {reports_late}, missing "
        "{reports_missing}): report each customer right after marketing it, before the next."
    ),
    "fix_report_tags": (
        "{reports_bad_tags} report(s) with poor tags: >= 2 taxonomy keywords, products down to "
        "product/brand/net weight."
    ),
    "fix_hourly_reports": (
        "{hours_missing} working hour(s) without an hourly report: report every hour."
    ),
    "fix_daily_summary": (
        "Daily summary missing, incomplete or its counts differ from the records: send results, "
        "problems, suggestions and experience."
    ),
    "five_new_orders": "{n} new order(s) from own marketing; best match class {best}",
    "five_no_new_order": "no new order from own marketing in the five working days",
    "five_not_counted": "shown, not counted: {apart}",
    "five_contradicted": "{n} claimed on-site visit(s) contradicted by the track",
    "five_days_enough": "{passed} of {days} daily scorecards passed (at least {needed} needed)",
    "five_days_short": "{passed} of {days} daily scorecards passed (fewer than {needed} needed)",
    "five_no_track": "{n} day(s) without a verified GPS track",
    # values (in English as the data has them)
    "list_sep": ", ",
    "no_result": "no_result",
    "method_onsite": "onsite",
    "method_phone": "phone",
    "method_chat": "chat",
    "class_sku": "sku",
    "class_product": "product",
    "class_buyer": "buyer",
    "class_undeclared": "undeclared",
    "why_new": "new",
    "why_regular": "regular",
    "why_before_marketing": "before_marketing",
    "why_not_marketed": "not_marketed",
    "order_delivered": "delivered",
    "order_cancelled_by_platform": "cancelled_by_platform",
    "order_cancelled_by_buyer": "cancelled_by_buyer",
    # the 5-day orders table
    "col_date": "date",
    "col_first_contact": "first contact",
    "col_contact_method": "method",
    "col_declared_on": "declared on",
    "col_match_class": "match class",
    "col_order_id": "order",
    "col_buyer_id": "buyer",
    "col_boxes": "boxes",
    "col_amount": "amount",
    "col_status": "status",
    "col_counted": "counted",
    "col_why": "why",
}

ZH: dict[str, str] = {
    "fix_no_track": "没有核验过的 GPS 轨迹：整个工作日保持手机开机并上传定位。",
    "fix_on_time_arrival": "首个到店客户迟到：请在截止时间前到达。",
    "fix_trajectory_clear": "轨迹不清晰：只在任务清单上的客户处停留，其他停留须说明原因。",
    "fix_visit_count_match": "停留点与上报拜访数不一致：如实上报实际到店拜访。",
    "fix_contradicted": "{contradicted} 次上报的到店拜访被轨迹否定：只记录实际完成的拜访。",
    "fix_summary_onsite": (
        "总结写到店拜访 {summary_onsite} 次，记录 {onsite_claims} 次，轨迹停留 {stays} 个："
        "三者应一致。"
    ),
    "fix_targets": "未达营销目标（{gaps}）：按各方式多安排客户。",
    "fix_chat_not_admitted": (
        "对 {chat_not_admitted} 个未准入聊一聊的买家使用了聊一聊：请改为电话或到店。"
    ),
    "fix_outside_windows": "{outside_windows} 个时段不在买家的有效营销时段内：请在有效时段内预约。",
    "fix_short_windows": (
        "买家资料：{short_windows} 个买家没有有效营销时段（每段至少 2 小时）："
        "请调查并记录其可联系时间。"
    ),
    "fix_results_missing": "{results_missing} 个时段没有营销结果：每个目的写一条结果。",
    "fix_reasons_missing": "{reasons_missing} 个未达成目标缺少具体原因：请说明原因。",
    "fix_keywords_missing": "管理中心：{keywords_missing} 条原因待整理为关键词。",
    "fix_help_plans_missing": (
        "帮扶人：{help_plans_missing} 个未达成目标在下一个工作日前没有帮扶计划。"
    ),
    "fix_manager_help_missing": "上级：未达营销目标，且行政区总经理或城市总监没有帮扶记录。",
    "fix_customer_reports": (
        "{not_timely} 个客户报告不及时（共 {customers} 个客户；迟报 {reports_late}，缺报 "
        "{reports_missing}）：每营销完一个客户，在下一个客户之前立即报告。"
    ),
    "fix_report_tags": (
        "{reports_bad_tags} 份报告标签不合格：至少 2 个分类关键词，产品须细到商品/品牌/净重。"
    ),
    "fix_hourly_reports": "{hours_missing} 个工作小时没有每小时报告：请每小时报告。",
    "fix_daily_summary": "每日总结缺失、不完整或数量与记录不符：请发送结果、问题、建议和经验。",
    "five_new_orders": "{n} 个来自本人营销的新订单；最佳匹配类别：{best}",
    "five_no_new_order": "五个工作日内没有来自本人营销的新订单",
    "five_not_counted": "列出但不计入：{apart}",
    "five_contradicted": "{n} 次上报的到店拜访被轨迹否定",
    "five_days_enough": "通过 {passed} 天（共 {days} 天考核卡），达到所需的 {needed} 天",
    "five_days_short": "通过 {passed} 天（共 {days} 天考核卡），少于所需的 {needed} 天",
    "five_no_track": "{n} 天没有核验过的 GPS 轨迹",
    "list_sep": "、",
    "no_result": "无轨迹结果",
    "method_onsite": "到店",
    "method_phone": "电话",
    "method_chat": "线上沟通",
    "class_sku": "单品匹配",
    "class_product": "商品匹配",
    "class_buyer": "仅买家匹配",
    "class_undeclared": "未报单",
    "why_new": "新订单",
    "why_regular": "老客户",
    "why_before_marketing": "营销前下单",
    "why_not_marketed": "未营销",
    "order_delivered": "已送达",
    "order_cancelled_by_platform": "平台取消",
    "order_cancelled_by_buyer": "买家取消",
    "col_date": "日期",
    "col_first_contact": "首次联系",
    "col_contact_method": "方式",
    "col_declared_on": "报单日",
    "col_match_class": "匹配类别",
    "col_order_id": "订单",
    "col_buyer_id": "买家",
    "col_boxes": "箱数",
    "col_amount": "金额",
    "col_status": "状态",
    "col_counted": "计入",
    "col_why": "原因",
}
