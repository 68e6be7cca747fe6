"""HTML of the daily scorecards (a team's day) and of the 5-day assessment, en/zh.

Every value is escaped; each manager-day links to its map report through
``map_link(manager_id, date)`` (a relative file of ``trajcheck daily`` or the
service's ``report.html`` URL), which gets the raw id and must percent-encode it
(``urllib.parse.quote(..., safe="")``): an id ``M%31`` must not link to manager ``M1``.
"""

from __future__ import annotations

__all__ = ["render_five_day", "render_team_day"]

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from assessment.fiveday import FiveDay
from assessment.scorecard_text import (
    ORDER_COLUMNS,
    done_text,
    five_reasons,
    fix_lines,
    order_cells,
    owed_lines,
)
from maps.html import escape, render_page
from maps.i18n import labels

MapLink = Callable[[str, str], str]
#: The scorecards' own rules, after maps.html's shared ones.
_CSS = """table{margin:8px 0}td,th{border:1px solid #ccc;padding:4px 6px;
vertical-align:top;text-align:left}th{background:#f3f3f3}
.pass{color:#1a7f37;font-weight:600}.fail{color:#c62828;font-weight:600}
.inconclusive,.no_result{color:#a66f00}ul{margin:0;padding-left:18px}"""

#: The columns of a scorecard row (:func:`_card_row`) after the first (manager or date).
_CARD_HEAD = (
    "on_time_arrival",
    "trajectory_clear",
    "visit_count_match",
    "done",
    "corroborated",
    "doubtful",
    "contradicted",
    "unknown",
    "orders",
    "score",
    "passed",
    "fix",
    "others_owe",
    "map",
)
#: Fixes shown before the fold (the weightiest first; MarketingConfig.top_fixes).
TOP_FIXES = 3


def render_team_day(
    cards: pd.DataFrame, day: dt.date, *, lang: str = "en", map_link: MapLink | None = None
) -> str:
    """One row per manager: the three verdicts, counts, corroboration, fixes, map link."""
    t = labels(lang, "scorecard")
    head = ["manager", "team", *_CARD_HEAD]
    rows = [_card_row(r, t, map_link, first=str(r["manager_id"])) for _, r in cards.iterrows()]
    table = _table([t[h] for h in head], rows)
    title = f"{t['team_title']} {day.isoformat()}"
    return _page(title, [f"<h1>{escape(title)}</h1>", _glance(cards, t), table], lang)


def _glance(cards: pd.DataFrame, t: Mapping[str, str]) -> str:
    """The day at a glance: managers passed, and the most common failures of the team."""
    passed = int(cards["passed"].sum()) if len(cards) else 0
    common = cards["failed_items"].explode().dropna().value_counts().head(TOP_FIXES)
    items = "".join(
        f"<li>{escape(t.get(str(k), str(k)))}: {int(n)}</li>" for k, n in common.items()
    )
    return (
        f'<p class="glance">{escape(t["glance_passed"])}: {passed} / {len(cards)}</p>'
        f"<p>{escape(t['glance_common'])}</p><ul>{items}</ul>"
    )


def render_five_day(fd: FiveDay, *, lang: str = "en", map_link: MapLink | None = None) -> str:
    """The verdict and reasons, the orders, and the five scorecards side by side."""
    t = labels(lang, "scorecard")
    verdict = f"<p>{escape(t['verdict'])}: {_status(fd.verdict, t)}</p>"
    reasons = "<ul>" + "".join(f"<li>{escape(r)}</li>" for r in five_reasons(fd, t)) + "</ul>"
    head = ["date", *_CARD_HEAD]
    rows = [_card_row(r, t, map_link, first=None) for _, r in fd.cards.iterrows()]
    orders = ""
    if len(fd.orders):
        # the evidence chain: marketing slot -> declaration -> order -> delivery
        body = [[escape(c) for c in order_cells(r, t)] for r in fd.orders.to_dict("records")]
        cols = [t[f"col_{c}"] for c in ORDER_COLUMNS]
        orders = f"<h2>{escape(t['orders'])}</h2>" + _table(cols, body)
    title = f"{t['five_title']}: {fd.manager_id} {fd.days[0]} .. {fd.days[-1]}"
    parts = [
        f"<h1>{escape(title)}</h1>",
        verdict,
        reasons,
        orders,
        _table([t[h] for h in head], rows),
    ]
    return _page(title, parts, lang)


# ------------------------------------------------------------------ private


def _status(value: Any, t: Mapping[str, str]) -> str:
    v = str(value)
    return f'<span class="{escape(v)}">{escape(t.get(v, v))}</span>'


def _card_row(
    r: pd.Series, t: Mapping[str, str], map_link: MapLink | None, first: str | None
) -> list[str]:
    day = str(r["date"])[:10]
    done = done_text(r, t)
    fixes = _fixes(fix_lines(r, t), t)
    owed = "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in owed_lines(r, t)) + "</ul>"
    link = ""
    if map_link is not None and r["status"] != "no_result":
        link = f'<a href="{escape(map_link(str(r["manager_id"]), day))}">{escape(t["map"])}</a>'
    cells = [] if first is None else [escape(first), escape(r["team_id"])]
    if first is None:
        cells.append(escape(day))
    cells += [
        _status(r[c], t) for c in ("on_time_arrival", "trajectory_clear", "visit_count_match")
    ]
    cells += [
        escape(done),
        escape(r["corroborated"]),
        escape(r.get("doubtful", 0)),
        escape(r["contradicted"]),
        escape(r["unknown"]),
    ]
    best = t.get(f"class_{r['best_class']}", str(r["best_class"]))
    cells += [escape(f"{r['orders_closed']} ({best})" if r["orders_closed"] else "0")]
    cells += [escape(f"{float(r['score']):.0%} ({r['items_met']}/{r['items_due']})")]
    cells += [_status("pass" if r["passed"] else "fail", t), fixes, owed, link]
    return cells


def _fixes(fixes: list[str], t: Mapping[str, str]) -> str:
    """The weightiest :data:`TOP_FIXES` fixes, the rest folded."""
    first = "".join(f"<li>{escape(x)}</li>" for x in fixes[:TOP_FIXES])
    rest = fixes[TOP_FIXES:]
    fold = ""
    if rest:
        more = "".join(f"<li>{escape(x)}</li>" for x in rest)
        head = f"<summary>{escape(t['more'])} ({len(rest)})</summary>"
        fold = f"<details>{head}<ul>{more}</ul></details>"
    return f"<ul>{first}</ul>{fold}"


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _page(title: str, body: list[str], lang: str) -> str:
    return render_page(title, "".join(body), lang=lang, css=_CSS)
