"""Duties beside the scorecard (issue 15, items 6, 7, 12): read by every key, scoped.

==========================================================  ==============================
``GET /v1/assess/keywords/queue[.html]?from=&to=``          the management center's queue
``GET /v1/assess/supervisors/{id}/help[.html]?from=&to=``   a supervisor's daily help owed
``GET /v1/assess/chat-trend[.html]?from=&to=``              chat buyers per manager, week
``GET /v1/assess/agency-conflicts[.html]?as_of=``           agents supplied their own brand
==========================================================  ==============================

A supervisor key sees the rows of its own teams' managers (``team_id``/``manager_id``
of another team: 403), and the help page of a supervisor of its teams; an unknown
person is a 404 for platform and admin keys and a 403 for a supervisor's.  Days are
local; ``to`` defaults to today and ``from`` to a week (the trend: four weeks) before;
a period longer than :data:`MAX_SPAN_DAYS` or reversed is a 422 naming the field.
"""

from __future__ import annotations

__all__ = ["MAX_SPAN_DAYS", "router"]

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import pandas as pd
from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy.engine import Connection

from api.auth import Principal
from api.db.marketing import load_marketing
from api.deps import AppState, Conn, State, Who, check_day, check_manager, visible_teams
from api.errors import ApiError
from api.http import StrictJSONRoute
from api.params import IsoDate, Lang, ManagerId, QueryId
from api.routes.assess import PREFIX
from api.schemas.duties import AgencyOut, ChatTrendOut, KeywordQueueOut, SupervisorHelpOut
from assessment.duties import (
    agency_report,
    chat_trend,
    helper_plans,
    keyword_queue_between,
    supervisor_help_between,
)
from assessment.duties_html import (
    render_agency_conflicts,
    render_chat_trend,
    render_keyword_queue,
    render_supervisor_help,
)
from assessment.export import to_records
from assessment.io import Dataset
from assessment.keywords import top1_agreement
from assessment.marketing import HELPER_ROLES
from assessment.marketing_data import MarketingData
from trajectory.errors import RowProblem

#: The longest period one request reads (days, both ends included).
MAX_SPAN_DAYS = 92
From = Annotated[IsoDate | None, Query(alias="from", description="first local day")]
To = Annotated[IsoDate | None, Query(alias="to", description="last local day (default today)")]
PageLang = Annotated[Lang, Query(description="labels of the page")]
AsOf = Annotated[IsoDate | None, Query(description="up to this local day (default: all)")]
router = APIRouter(route_class=StrictJSONRoute)


@router.get(
    PREFIX + "/keywords/queue",
    tags=["read"],
    response_model=KeywordQueueOut,
    summary="The management center's queue: reasons without keywords, with suggestions",
)
def get_keyword_queue(
    who: Who, conn: Conn, state: State, date_from: From = None, date_to: To = None,
    team_id: QueryId | None = None, manager_id: QueryId | None = None,
) -> KeywordQueueOut:  # fmt: skip
    first, last, queue, agreement = _queue(state, conn, who, date_from, date_to, team_id,
                                           manager_id)  # fmt: skip
    items = to_records(queue, state.marketing_config.timezone)
    return KeywordQueueOut(
        first=first.isoformat(), last=last.isoformat(), total=len(items),
        agreement=round(agreement[0], 4), tried=agreement[1], items=items,  # type: ignore[arg-type]
    )  # fmt: skip


@router.get(
    PREFIX + "/keywords/queue.html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="The management center's keyword queue as a page",
)
def get_keyword_queue_html(
    who: Who, conn: Conn, state: State, date_from: From = None, date_to: To = None,
    team_id: QueryId | None = None, manager_id: QueryId | None = None, lang: PageLang = "en",
) -> HTMLResponse:  # fmt: skip
    first, last, queue, agreement = _queue(state, conn, who, date_from, date_to, team_id,
                                           manager_id)  # fmt: skip
    tz = state.marketing_config.timezone
    page = render_keyword_queue(queue, first, last, agreement=agreement, timezone=tz, lang=lang)
    return HTMLResponse(page)


# the page first: /help would not match '.html', but keep the order of the siblings
@router.get(
    PREFIX + "/supervisors/{supervisor_id}/help.html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="A supervisor's page: the daily help it owed managers below target, and gave",
)
def get_supervisor_help_html(
    supervisor_id: ManagerId, who: Who, conn: Conn, state: State, date_from: From = None,
    date_to: To = None, lang: PageLang = "en",
) -> HTMLResponse:  # fmt: skip
    first, last, rows, plans = _help(state, conn, who, supervisor_id, date_from, date_to)
    page = render_supervisor_help(rows, supervisor_id, first, last, plans=plans, lang=lang)
    return HTMLResponse(page)


@router.get(
    PREFIX + "/supervisors/{supervisor_id}/help",
    tags=["read"],
    response_model=SupervisorHelpOut,
    summary="The daily help a district GM or city director owed and gave (not scored)",
)
def get_supervisor_help(
    supervisor_id: ManagerId, who: Who, conn: Conn, state: State, date_from: From = None,
    date_to: To = None,
) -> SupervisorHelpOut:  # fmt: skip
    first, last, rows, plans = _help(state, conn, who, supervisor_id, date_from, date_to)
    helped = int(rows["helped"].sum()) if len(rows) else 0
    tz = state.marketing_config.timezone
    return SupervisorHelpOut(
        supervisor_id=supervisor_id, first=first.isoformat(), last=last.isoformat(),
        due=len(rows), helped=helped, open=len(rows) - helped,
        items=to_records(rows, tz),  # type: ignore[arg-type]
        plans=to_records(plans, tz),  # type: ignore[arg-type]
    )  # fmt: skip


@router.get(
    PREFIX + "/chat-trend",
    tags=["read"],
    response_model=ChatTrendOut,
    summary="Distinct chat buyers per manager and week, against the week before",
)
def get_chat_trend(
    who: Who, conn: Conn, state: State, date_from: From = None, date_to: To = None,
    team_id: QueryId | None = None, manager_id: QueryId | None = None,
) -> ChatTrendOut:  # fmt: skip
    first, last, trend = _trend(state, conn, who, date_from, date_to, team_id, manager_id)
    items = to_records(trend, state.marketing_config.timezone)
    return ChatTrendOut(first=first.isoformat(), last=last.isoformat(), total=len(items),
                        items=items)  # type: ignore[arg-type]  # fmt: skip


@router.get(
    PREFIX + "/chat-trend.html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="Chat buyers per manager and week as a page",
)
def get_chat_trend_html(
    who: Who, conn: Conn, state: State, date_from: From = None, date_to: To = None,
    team_id: QueryId | None = None, manager_id: QueryId | None = None, lang: PageLang = "en",
) -> HTMLResponse:  # fmt: skip
    first, last, trend = _trend(state, conn, who, date_from, date_to, team_id, manager_id)
    return HTMLResponse(render_chat_trend(trend, first, last, lang=lang))


@router.get(
    PREFIX + "/agency-conflicts",
    tags=["read"],
    response_model=AgencyOut,
    summary="Order lines and declarations supplying a regional agent its own brand",
)
def get_agency_conflicts(
    who: Who, conn: Conn, state: State, as_of: AsOf = None, team_id: QueryId | None = None,
    manager_id: QueryId | None = None,
) -> AgencyOut:  # fmt: skip
    table = _agency(state, conn, who, as_of, team_id, manager_id)
    items = to_records(table, state.assess_config.timezone)
    day = None if as_of is None else as_of.isoformat()
    return AgencyOut(as_of=day, total=len(items), items=items)  # type: ignore[arg-type]


@router.get(
    PREFIX + "/agency-conflicts.html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="Agents supplied their own brand (老一批代理品牌) as a page",
)
def get_agency_conflicts_html(
    who: Who, conn: Conn, state: State, as_of: AsOf = None, team_id: QueryId | None = None,
    manager_id: QueryId | None = None, lang: PageLang = "en",
) -> HTMLResponse:  # fmt: skip
    table = _agency(state, conn, who, as_of, team_id, manager_id)
    return HTMLResponse(render_agency_conflicts(table, lang=lang))


# ------------------------------------------------------------------ helpers


def _agency(
    state: AppState, conn: Connection, who: Principal, as_of: dt.date | None,
    team_id: str | None, manager_id: str | None,
) -> pd.DataFrame:  # fmt: skip
    if as_of is not None:
        check_day(as_of, "as_of", "query")
    data = state.datasets.dataset(conn)
    tz = state.assess_config.timezone
    table = agency_report(data, as_of=as_of, timezone=tz)
    return _scoped(table, data.people, who, team_id, manager_id)


def _period(
    state: AppState, date_from: dt.date | None, date_to: dt.date | None, default_days: int
) -> tuple[dt.date, dt.date]:
    """``from .. to`` checked: in the service's range, not reversed, not too long."""
    tz = state.marketing_config.timezone
    last = check_day(date_to or dt.datetime.now(ZoneInfo(tz)).date(), "to", "query")
    first = check_day(date_from or last - dt.timedelta(days=default_days - 1), "from", "query")
    if first > last:
        raise _bad("from", f"{first} is after to ({last})")
    if (last - first).days + 1 > MAX_SPAN_DAYS:
        raise _bad("from", f"the period is longer than {MAX_SPAN_DAYS} days")
    return first, last


def _bad(field: str, reason: str) -> ApiError:
    return ApiError(
        422, f"query, field {field}: {reason}", [RowProblem("query", None, field, reason)]
    )


def _inputs(
    state: AppState, conn: Connection, first: dt.date, last: dt.date
) -> tuple[Dataset, MarketingData]:
    return state.datasets.dataset(conn), load_marketing(conn, first, last, state.marketing_config)


def _team(people: pd.DataFrame, person_id: str) -> tuple[bool, str | None, str | None]:
    """Whether ``person_id`` is a person of the people table, its team and its role."""
    found = people.loc[people["person_id"] == person_id]
    if found.empty:
        return False, None, None
    team = found["team_id"].dropna()
    return True, None if team.empty else str(team.iat[0]), str(found["role"].iat[0])


def _scoped(
    frame: pd.DataFrame, people: pd.DataFrame, who: Principal, team_id: str | None,
    manager_id: str | None,
) -> pd.DataFrame:  # fmt: skip
    """Rows of the key's visible teams (and of ``team_id``, ``manager_id`` when given)."""
    visible = visible_teams(who, team_id)
    if manager_id is not None:
        known, team, _ = _team(people, manager_id)
        check_manager(who, manager_id, known=known, team=team, noun="person")
        frame = frame.loc[frame["manager_id"] == manager_id]
    if visible is not None:
        frame = frame.loc[frame["team_id"].isin(visible)]
    return frame.reset_index(drop=True)


def _queue(
    state: AppState, conn: Connection, who: Principal, date_from: dt.date | None,
    date_to: dt.date | None, team_id: str | None, manager_id: str | None,
) -> tuple[dt.date, dt.date, pd.DataFrame, tuple[float, int]]:  # fmt: skip
    first, last = _period(state, date_from, date_to, 7)
    data, mk = _inputs(state, conn, first, last)
    queue, checked = keyword_queue_between(mk, data.people, first, last, state.marketing_config)
    # the agreement is the suggester's quality over every keyed reason of the period
    return (
        first,
        last,
        _scoped(queue, data.people, who, team_id, manager_id),
        top1_agreement(checked, mk.keywords),
    )


def _help(
    state: AppState, conn: Connection, who: Principal, supervisor_id: str,
    date_from: dt.date | None, date_to: dt.date | None,
) -> tuple[dt.date, dt.date, pd.DataFrame, pd.DataFrame]:  # fmt: skip
    first, last = _period(state, date_from, date_to, 7)
    data, mk = _inputs(state, conn, first, last)
    known, team, role = _team(data.people, supervisor_id)
    check_manager(who, supervisor_id, known=known, team=team, noun="person")
    if role not in HELPER_ROLES:
        reason = (
            f"{supervisor_id!r} is a {role}: the daily help is a district GM's or city director's"
        )
        raise ApiError(422, f"path, field supervisor_id: {reason}",
                       [RowProblem("path", None, "supervisor_id", reason)])  # fmt: skip
    rows = supervisor_help_between(
        data, mk, first, last, supervisor_id, config=state.marketing_config,
        assess_config=state.assess_config,
    )  # fmt: skip
    plans = helper_plans(mk.help_plans, data.people, supervisor_id, first, last)
    return first, last, _scoped(rows, data.people, who, None, None), plans


def _trend(
    state: AppState, conn: Connection, who: Principal, date_from: dt.date | None,
    date_to: dt.date | None, team_id: str | None, manager_id: str | None,
) -> tuple[dt.date, dt.date, pd.DataFrame]:  # fmt: skip
    first, last = _period(state, date_from, date_to, 28)
    data, mk = _inputs(state, conn, first, last)
    records: Any = mk.marketing
    day = records["slot_start"].dt.tz_convert(state.marketing_config.timezone).dt.date
    records = records.loc[(day >= first) & (day <= last)]
    trend = chat_trend(records, data.people, state.marketing_config.timezone)
    return first, last, _scoped(trend, data.people, who, team_id, manager_id)
