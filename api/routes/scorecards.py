"""The scorecard endpoints (issue 7): marketing imports, daily scorecards, the 5-day assessment.

Roles are the service's:
``platform`` and ``admin`` import (tag ``ingest``); every key reads (tags ``read``
and ``reports``), a supervisor only the field managers of its own teams (team of
the person in part 1's people table; 403 for anybody else's).

====================================================  =================================
``POST /v1/assess/{kind}``                            rows of one marketing kind (JSON)
``POST /v1/assess/marketing.csv?kind=``               the same from a CSV body
``GET /v1/assess/days/{date}/scorecards[.html]``      a day's scorecards (team/manager)
``GET /v1/assess/managers/{id}/five-day/{date}[.html]``  a manager's 5-day assessment
====================================================  =================================

Scorecards are computed from the database as ``trajcheck assess day --database-url``
computes them (:func:`api.db.marketing.scorecard_inputs`), so both agree.
"""

from __future__ import annotations

__all__ = ["router"]

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.db import teams
from api.db.marketing import import_marketing, scorecard_inputs
from api.deps import AppState, Conn, State, Who, Writer, check_day, check_manager, visible_teams
from api.http import StrictJSONRoute
from api.ingest import MAX_DAY
from api.params import IsoDate, Lang, ManagerId, QueryId, path_part
from api.routes.assess import PREFIX
from api.routes.imports import RawRows, csv_body_doc, import_route, read_csv_rows, run_import
from api.schemas.assess import FiveDayOut, ImportOut, MarketingRowsIn, ScorecardsOut
from assessment.export import to_records
from assessment.fiveday import FiveDay, five_day_assessment, working_days
from assessment.io import Dataset
from assessment.marketing_data import (
    MARKETING_KINDS,
    marketing_raw_from_csv,
    marketing_raw_from_records,
)
from assessment.scorecard import daily_scorecards
from assessment.scorecard_html import render_five_day, render_team_day

MarketingKind = Literal[
    "windows", "keywords", "marketing", "chat_reports", "summaries", "help_plans"
]
PageLang = Annotated[Lang, Query(description="labels of the page")]
router = APIRouter(route_class=StrictJSONRoute)

_EXAMPLES = {
    "windows": {"buyer_id": "B001", "start": "06:00", "end": "12:00"},
    "keywords": {"keyword": "产品", "category": "product", "needs_leaf": True},
    "marketing": {
        "manager_id": "F11",
        "buyer_id": "B001",
        "slot_start": "2026-11-16T07:11:13+08:00",
        "slot_end": "2026-11-16T07:29:49+08:00",
        "method": "onsite",
        "purpose": "首单",
        "goal_met": "no",
        "result": "未下单",
        "reason": "老板不在，库存充足",
        "reason_keywords": "库存",
    },
    "chat_reports": {
        "manager_id": "F11",
        "sent_at": "2026-11-16T07:31:49+08:00",
        "kind": "customer",
        "buyer_id": "B001",
        "tags": "产品:猪五花肉/双汇/10kg;需求",
        "transcript": "B001 首单：未下单",
    },
    "summaries": {
        "manager_id": "F11",
        "date": "2026-11-16",
        "target_onsite": 8,
        "target_phone": 5,
        "target_chat": 4,
        "actual_onsite": 9,
        "actual_phone": 5,
        "actual_chat": 4,
        "problems": "部分客户老板不在",
        "suggestions": "提前电话预约",
        "experience": "先看库存再谈价格",
    },
    "help_plans": {
        "date": "2026-11-17",
        "helper_id": "GM1",
        "helper_role": "district_gm",
        "buyer_id": "B001",
        "actions": "陪访，带样品",
        "completion_plan": "两天内再访并下单",
    },
}
_CSV_EXAMPLE = "buyer_id,start,end\nB001,06:00,12:00\nB001,13:30,17:30\n"


def _add_import(kind: str) -> None:
    def post_rows(body: MarketingRowsIn, _who: Writer, state: State) -> ImportOut:
        parsed = marketing_raw_from_records(body.rows, kind, kind)
        return _import(state, kind, parsed, source=kind, atomic=body.atomic)

    summary = f"Import marketing {kind} (JSON); idempotent upsert; bad rows named"
    example = {"application/json": {"example": {"rows": [_EXAMPLES[kind]]}}}
    import_route(router, f"{PREFIX}/{kind}", summary, {"requestBody": {"content": example}})(
        post_rows
    )


for _kind in MARKETING_KINDS:
    _add_import(_kind)


@import_route(
    router,
    PREFIX + "/marketing.csv",
    "Import one marketing kind from a CSV body (text/csv, header row first)",
    csv_body_doc(_CSV_EXAMPLE),
)
async def post_marketing_csv(
    request: Request, _who: Writer, state: State, kind: MarketingKind, atomic: bool = False
) -> ImportOut:
    parsed, source = await read_csv_rows(request, kind, marketing_raw_from_csv)
    return await run_in_threadpool(_import, state, kind, parsed, source=source, atomic=atomic)


@router.get(
    PREFIX + "/days/{date}/scorecards",
    tags=["read"],
    response_model=ScorecardsOut,
    summary="A day's scorecards of every visible field manager (filter by team, manager)",
)
def get_scorecards(
    date: IsoDate,
    who: Who,
    conn: Conn,
    state: State,
    team_id: QueryId | None = None,
    manager_id: QueryId | None = None,
) -> ScorecardsOut:
    day = check_day(date, "date")
    cards = _day_cards(state, conn, who, day, team_id, manager_id)
    tz = state.marketing_config.timezone
    return ScorecardsOut(date=day.isoformat(), total=len(cards), scorecards=to_records(cards, tz))


@router.get(
    PREFIX + "/days/{date}/scorecards.html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="A day's scorecards as a page (team view), each manager linked to its map",
)
def get_scorecards_html(
    date: IsoDate,
    request: Request,
    who: Who,
    conn: Conn,
    state: State,
    team_id: QueryId | None = None,
    manager_id: QueryId | None = None,
    lang: PageLang = "en",
) -> HTMLResponse:
    day = check_day(date, "date")
    cards = _day_cards(state, conn, who, day, team_id, manager_id)
    page = render_team_day(cards, day, lang=lang, map_link=_map_link(request, lang))
    return HTMLResponse(page)


# the page first: /five-day/{date} would also match '2026-11-16.html' (a 422)
@router.get(
    PREFIX + "/managers/{manager_id}/five-day/{date}.html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="The 5-day assessment as a page: verdict, reasons, orders, five scorecards",
)
def get_five_day_html(
    manager_id: ManagerId,
    date: IsoDate,
    request: Request,
    who: Who,
    conn: Conn,
    state: State,
    lang: PageLang = "en",
) -> HTMLResponse:
    fd = _five_day(state, conn, who, manager_id, check_day(date, "date"))
    return HTMLResponse(render_five_day(fd, lang=lang, map_link=_map_link(request, lang)))


@router.get(
    PREFIX + "/managers/{manager_id}/five-day/{date}",
    tags=["read"],
    response_model=FiveDayOut,
    summary="The 5-day assessment of a field manager from a start day",
)
def get_five_day(
    manager_id: ManagerId, date: IsoDate, who: Who, conn: Conn, state: State
) -> FiveDayOut:
    """``date`` is the first day (rolled forward to a working day)."""
    fd = _five_day(state, conn, who, manager_id, check_day(date, "date"))
    tz = state.marketing_config.timezone
    return FiveDayOut(
        **fd.summary(),
        orders=to_records(fd.orders, tz),
        scorecards=to_records(fd.cards, tz),
    )


# ------------------------------------------------------------------ helpers


def _import(state: AppState, kind: str, parsed: RawRows, **options: Any) -> ImportOut:
    """Store the marketing rows (``source``, ``atomic``) in the marketing timezone."""
    tz = state.marketing_config.timezone
    most = state.settings.max_problems
    return run_import(
        import_marketing, state.engine, kind, parsed, timezone=tz, max_problems=most, **options
    )


def _map_link(request: Request, lang: str) -> Callable[[str, str], str]:
    root = request.scope.get("root_path", "")

    def link(manager_id: str, day: str) -> str:
        who, when = path_part(manager_id), path_part(day)
        return f"{root}/v1/managers/{who}/days/{when}/report.html?lang={lang}"

    return link


def _team_of(conn: Connection, data: Dataset, person_id: str) -> tuple[bool, str | None]:
    """Whether ``person_id`` is known (a person of part 1, or a manager whose tracks the
    service holds), and its team (the person's, else the tracked manager's)."""
    found = data.people.loc[data.people["person_id"] == person_id, "team_id"]
    if not found.empty:
        team = found.dropna()
        return True, None if team.empty else str(team.iat[0])
    tracked = teams.manager_team(conn, person_id)
    return (False, None) if tracked is None else (True, tracked[1])


def _readable(conn: Connection, data: Dataset, who: Principal, manager_id: str) -> None:
    known, team = _team_of(conn, data, manager_id)
    check_manager(who, manager_id, known=known, team=team, noun="person")


def _day_cards(
    state: AppState,
    conn: Connection,
    who: Principal,
    day: dt.date,
    team_id: str | None,
    manager_id: str | None,
) -> pd.DataFrame:
    visible = visible_teams(who, team_id)
    mcfg, acfg = state.marketing_config, state.assess_config
    data, mk, bodies = scorecard_inputs(conn, [day], mcfg, dataset=state.datasets.dataset)
    if manager_id is not None:
        _readable(conn, data, who, manager_id)
    people = data.people
    managers: list[str] | None = None
    if visible is not None:
        managers = people.loc[people["team_id"].isin(visible), "person_id"].tolist()
    if manager_id is not None:
        managers = [manager_id] if managers is None or manager_id in managers else []
    sc = daily_scorecards(data, mk, bodies, day, config=mcfg, assess_config=acfg, managers=managers)
    cards = sc.cards
    if visible is not None:
        cards = cards.loc[cards["team_id"].isin(visible)]
    return cards.reset_index(drop=True)


def _five_day(
    state: AppState, conn: Connection, who: Principal, manager_id: str, start: dt.date
) -> FiveDay:
    mcfg, acfg = state.marketing_config, state.assess_config
    days = list(working_days(start, mcfg.five_days, mcfg.weekmask))
    if days[-1] > MAX_DAY:
        check_day(days[-1], "date")
    data, mk, bodies = scorecard_inputs(
        conn, days, mcfg, manager_id=manager_id, dataset=state.datasets.dataset
    )
    _readable(conn, data, who, manager_id)
    return five_day_assessment(data, mk, bodies, manager_id, start, config=mcfg, assess_config=acfg)
