"""HTML of the duties beside the scorecard (:mod:`assessment.duties`), en/zh.

Four pages: the management center's keyword queue, a supervisor's daily help owed,
the chat-buyer trend per manager and week, and the agents supplied their own brand.
Every value is escaped; tables sort on a header click (:func:`maps.html.render_page`).
"""

from __future__ import annotations

__all__ = [
    "render_agency_conflicts",
    "render_chat_trend",
    "render_keyword_queue",
    "render_supervisor_help",
]

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from maps.html import escape, render_page
from maps.i18n import labels

_CSS = """table{margin:8px 0}td,th{border:1px solid #ccc;padding:4px 6px;
vertical-align:top;text-align:left}th{background:#f3f3f3}
.open,.falling{color:#c62828;font-weight:600}.rising{color:#1a7f37;font-weight:600}"""


def render_keyword_queue(
    queue: pd.DataFrame,
    first: dt.date,
    last: dt.date,
    *,
    agreement: tuple[float, int] = (0.0, 0),
    timezone: str = "Asia/Shanghai",
    lang: str = "en",
) -> str:
    """The queue of :func:`assessment.duties.keyword_queue_between`, with how often the
    top suggestion agreed with the center's choice (``agreement``: share, tried)."""
    t = labels(lang, "duties")
    share, tried = agreement
    head = ["date", "manager", "team", "buyer", "slot", "purpose", "reason", "suggested"]
    rows = [
        [
            escape(str(r["date"])[:10]), escape(r["manager_id"]), escape(r["team_id"]),
            escape(r["buyer_id"]), escape(_clock(r["slot_start"], timezone)),
            escape(r["purpose"]), escape(r["reason"]), escape("; ".join(r["suggested"])),
        ]
        for _, r in queue.iterrows()
    ]  # fmt: skip
    agree = t["agreement"].format(hits=round(share * tried), tried=tried)
    parts = [f"<p>{escape(agree)}</p>", _table(t, head, rows)]
    return _page(t, t["queue_title"], t["queue_intro"], first, last, parts, lang)


def render_supervisor_help(
    rows: pd.DataFrame,
    supervisor_id: str,
    first: dt.date,
    last: dt.date,
    *,
    plans: pd.DataFrame | None = None,
    lang: str = "en",
) -> str:
    """A supervisor's page: how many manager-days below target it owed help, how many were
    helped, then one row each (:data:`assessment.duties.HELP_COLUMNS`), and the help
    plans it entered (:data:`assessment.duties.PLAN_COLUMNS`) with their gap causes."""
    t = labels(lang, "duties")
    methods = labels(lang, "scorecard")  # the gap's methods: "onsite +1" -> "到店 +1"
    helped = int(rows["helped"].sum()) if len(rows) else 0
    counts = (
        f"<p>{escape(t['due'])}: {len(rows)} · {escape(t['helped_n'])}: {helped} · "
        f'<span class="open">{escape(t["open_n"])}: {len(rows) - helped}</span></p>'
    )
    head = ["date", "manager", "team", "role", "gap", "helped", "helped_by_you", "helpers",
            "actions"]  # fmt: skip
    body = [
        [
            escape(str(r["date"])[:10]), escape(r["manager_id"]), escape(r["team_id"]),
            escape(t.get(str(r["supervisor_role"]), str(r["supervisor_role"]))),
            escape(_gap(str(r["gap"]), methods)), _yes(bool(r["helped"]), t),
            _yes(bool(r["helped_by_you"]), t),
            escape(r["helpers"]), escape(r["actions"]),
        ]
        for _, r in rows.iterrows()
    ]  # fmt: skip
    title = t["help_title"].format(supervisor=supervisor_id)
    parts = [counts, _table(t, head, body)]
    if plans is not None:
        parts += [f"<h2>{escape(t['plans_title'])}</h2>", _plans_table(plans, t)]
    return _page(t, title, t["help_intro"], first, last, parts, lang)


def render_chat_trend(
    trend: pd.DataFrame, first: dt.date, last: dt.date, *, lang: str = "en"
) -> str:
    """The chat buyers per manager and week (:data:`assessment.duties.TREND_COLUMNS`)."""
    t = labels(lang, "duties")
    head = ["manager", "team", "week", "days", "chat_buyers", "daily_max", "change", "trend"]
    body = []
    for _, r in trend.iterrows():
        change = "" if pd.isna(r["change"]) else f"{int(r['change']):+d}"
        word = str(r["trend"])
        body.append(
            [
                escape(r["manager_id"]), escape(r["team_id"]), escape(str(r["week"])[:10]),
                escape(r["days"]), escape(r["chat_buyers"]), escape(r["daily_max"]),
                escape(change),
                f'<span class="{escape(word)}">{escape(t.get(word, word))}</span>',
            ]
        )  # fmt: skip
    return _page(t, t["trend_title"], t["trend_intro"], first, last, [_table(t, head, body)], lang)


def render_agency_conflicts(table: pd.DataFrame, *, lang: str = "en") -> str:
    """The lines of :func:`assessment.duties.agency_report` (老一批代理品牌)."""
    t = labels(lang, "duties")
    head = ["source", "buyer", "brand", "ref", "boxes", "manager", "team"]
    body = [
        [escape(t.get(str(r["source"]), str(r["source"]))), escape(r["buyer_id"]),
         escape(r["brand"]), escape(r["ref"]), escape(r["boxes"]), escape(r["manager_id"]),
         escape(r["team_id"])]
        for _, r in table.iterrows()
    ]  # fmt: skip
    title = t["agency_title"]
    intro = f"<h1>{escape(title)}</h1><p>{escape(t['agency_intro'])}</p>"
    return render_page(title, intro + _table(t, head, body), lang=lang, css=_CSS, sortable=True)


# ------------------------------------------------------------------ private


def _plans_table(plans: pd.DataFrame, t: Mapping[str, str]) -> str:
    head = ["date", "buyer", "manager", "actions", "completion_plan", "listed", "gap_causes"]
    body = []
    for _, r in plans.iterrows():
        causes = [t.get(c, c) for c in str(r["gap_causes"] or "").split(";") if c]
        if r["gap_unsorted"]:
            causes.append(f"{t['gap_unsorted']} {r['gap_unsorted']}")
        body.append(
            [
                escape(str(r["date"])[:10]), escape(r["buyer_id"]), escape(r["manager_id"]),
                escape(r["actions"]), escape(r["completion_plan"]),
                _yes(bool(r["helper_listed"]), t), escape(" · ".join(causes)),
            ]
        )  # fmt: skip
    return _table(t, head, body)


def _clock(value: Any, timezone: str) -> str:
    if value is None or pd.isna(value):
        return ""
    return str(pd.Timestamp(value).tz_convert(timezone).strftime("%H:%M"))


def _yes(value: bool, t: Mapping[str, str]) -> str:
    return escape(t["yes"]) if value else f'<span class="open">{escape(t["no"])}</span>'


def _table(t: Mapping[str, str], head: Sequence[str], rows: list[list[str]]) -> str:
    if not rows:
        return f"<p>{escape(t['none'])}</p>"
    th = "".join(f"<th>{escape(t[h])}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table data-sortable><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _page(
    t: Mapping[str, str], title: str, intro: str, first: dt.date, last: dt.date,
    parts: list[str], lang: str,
) -> str:  # fmt: skip
    period = t["from_to"].format(first=first.isoformat(), last=last.isoformat())
    head = f"<h1>{escape(title)}</h1><p>{escape(period)}</p><p>{escape(intro)}</p>"
    return render_page(f"{title} {period}", head + "".join(parts), lang=lang, css=_CSS,
                       sortable=True)  # fmt: skip


def _gap(gap: str, t: Mapping[str, str]) -> str:
    """``onsite +1 phone +2`` with the methods in the page's words."""
    return " ".join(t.get(f"method_{w}", w) for w in gap.split())
