"""HTML of the daily scorecards (a team's day) and of the 5-day assessment, en/zh.

Every value is escaped; each manager-day links to its map report through
``map_link(manager_id, date)`` (a relative file of ``trajcheck daily`` or the
service's ``report.html`` URL).
"""

from __future__ import annotations

__all__ = ["render_five_day", "render_team_day"]

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from assessment.fiveday import FiveDay

MapLink = Callable[[str, str], str]
_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "team_title": "Daily scorecards", "five_title": "5-day assessment", "manager": "manager",
        "team": "team", "date": "date", "passed": "passed", "fix": "what to fix tomorrow",
        "map": "map", "verdict": "verdict", "reasons": "reasons", "item": "item",
        "pass": "pass", "fail": "fail", "yes": "yes", "no": "no", "orders": "orders closed",
        "on_time_arrival": "on time", "trajectory_clear": "clear track",
        "visit_count_match": "visit count", "corroborated": "visits corroborated",
        "contradicted": "contradicted", "unknown": "unknown", "done": "done / target",
    },
    "zh": {
        "team_title": "每日考核卡", "five_title": "5天考核", "manager": "驻场经理", "team": "团队",
        "date": "日期", "passed": "通过", "fix": "明日改进", "map": "轨迹图",
        "verdict": "结论", "reasons": "理由", "item": "项目", "pass": "通过", "fail": "未通过",
        "yes": "是", "no": "否", "orders": "成交订单", "on_time_arrival": "准时到达",
        "trajectory_clear": "轨迹清晰", "visit_count_match": "拜访数一致",
        "corroborated": "轨迹印证拜访", "contradicted": "轨迹否定", "unknown": "无法判断",
        "done": "完成 / 目标",
    },
}  # fmt: skip
_CSS = """<style>
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#222}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 6px;
vertical-align:top;text-align:left}th{background:#f3f3f3}
.pass{color:#1a7f37;font-weight:600}.fail{color:#c62828;font-weight:600}
.inconclusive,.no_result{color:#a66f00}ul{margin:0;padding-left:18px}
</style>"""

#: The columns of a scorecard row (:func:`_card_row`) after the first (manager or date).
_CARD_HEAD = (
    "on_time_arrival",
    "trajectory_clear",
    "visit_count_match",
    "done",
    "corroborated",
    "contradicted",
    "unknown",
    "orders",
    "passed",
    "fix",
    "map",
)


def render_team_day(
    cards: pd.DataFrame, day: dt.date, *, lang: str = "en", map_link: MapLink | None = None
) -> str:
    """One row per manager: the three verdicts, counts, corroboration, fixes, map link."""
    t = _labels(lang)
    head = ["manager", "team", *_CARD_HEAD]
    rows = [_card_row(r, t, map_link, first=str(r["manager_id"])) for _, r in cards.iterrows()]
    table = _table([t[h] for h in head], rows)
    title = f"{t['team_title']} {day.isoformat()}"
    return _page(title, [f"<h1>{_e(title)}</h1>", table], lang)


def render_five_day(fd: FiveDay, *, lang: str = "en", map_link: MapLink | None = None) -> str:
    """The verdict and reasons, the orders, and the five scorecards side by side."""
    t = _labels(lang)
    verdict = (
        f'<p>{_e(t["verdict"])}: <span class="{_e(fd.verdict)}">{_e(t[fd.verdict])}</span></p>'
    )
    reasons = "<ul>" + "".join(f"<li>{_e(r)}</li>" for r in fd.reasons) + "</ul>"
    head = ["date", *_CARD_HEAD]
    rows = [_card_row(r, t, map_link, first=None) for _, r in fd.cards.iterrows()]
    orders = ""
    if len(fd.orders):
        cols = ["date", "order_id", "buyer_id", "boxes", "amount", "match_class"]
        body = [[_e(str(v)[:10] if c == "date" else v) for c, v in zip(cols, r, strict=True)]
                for r in fd.orders[cols].itertuples(index=False)]  # fmt: skip
        orders = f"<h2>{_e(t['orders'])}</h2>" + _table(cols, body)
    title = f"{t['five_title']}: {fd.manager_id} {fd.days[0]} .. {fd.days[-1]}"
    parts = [f"<h1>{_e(title)}</h1>", verdict, reasons, orders, _table([t[h] for h in head], rows)]
    return _page(title, parts, lang)


# ------------------------------------------------------------------ private


def _labels(lang: str) -> dict[str, str]:
    if lang not in _LABELS:
        raise ValueError(f"lang must be one of {', '.join(_LABELS)}, got {lang!r}")
    return _LABELS[lang]


def _e(value: Any) -> str:
    return html.escape("" if value is None or value is pd.NA else str(value), quote=True)


def _status(value: Any, t: dict[str, str]) -> str:
    v = str(value)
    return f'<span class="{_e(v)}">{_e(t.get(v, v))}</span>'


def _card_row(
    r: pd.Series, t: dict[str, str], map_link: MapLink | None, first: str | None
) -> list[str]:
    day = str(r["date"])[:10]
    done = " · ".join(
        f"{m} {int(r[f'done_{m}'])}/{int(r[f'target_{m}'])}" for m in ("onsite", "phone", "chat")
    )
    fixes = "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in r["fix_tomorrow"]) + "</ul>"
    link = ""
    if map_link is not None and r["status"] != "no_result":
        link = f'<a href="{_e(map_link(str(r["manager_id"]), day))}">{_e(t["map"])}</a>'
    cells = [] if first is None else [_e(first), _e(r["team_id"])]
    if first is None:
        cells.append(_e(day))
    cells += [
        _status(r[c], t) for c in ("on_time_arrival", "trajectory_clear", "visit_count_match")
    ]
    cells += [_e(done), _e(r["corroborated"]), _e(r["contradicted"]), _e(r["unknown"])]
    cells += [_e(f"{r['orders_closed']} ({r['best_class']})" if r["orders_closed"] else "0")]
    cells += [_status("pass" if r["passed"] else "fail", t), fixes, link]
    return cells


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _page(title: str, body: list[str], lang: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{_e(lang)}"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title>{_CSS}</head><body>" + "".join(body) + "</body></html>\n"
    )
