"""The assessment endpoints (``/v1/assess/...``): imports, reassignments, buyer and order reports.

The roles
are the service's: ``platform`` and ``admin`` import and reassign (tag
``ingest``); every key reads, a supervisor only the buyers whose manager is in
one of its teams and the declarations of its teams' managers (tags ``read`` and
``reports``).  Ranks are computed over every buyer before the rows are filtered,
so a supervisor sees the same rank as the platform.  Rows of an import are
validated like the CLI's (every bad row named; good rows kept, or nothing with
``atomic``) and upserted on their natural keys.  Reports read the stored tables
through the app's :class:`api.db.cache.DatasetCache` (loaded again only after a write).
"""

from __future__ import annotations

__all__ = ["PREFIX", "router"]

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.db import assess, assignments
from api.db.session import writing
from api.deps import AppState, Conn, State, Who, Writer, check_day, check_manager, visible_teams
from api.errors import ApiError
from api.http import StrictJSONRoute
from api.params import Crs, IsoDate, Lang, QueryId
from api.routes.imports import RawRows, csv_body_doc, import_route, read_csv_rows, run_import
from api.schemas.assess import (
    BuyersPage,
    HistoryOut,
    ImportOut,
    OrdersOut,
    ReassignIn,
    ReassignOut,
    RowsIn,
)
from assessment.buyers import assess_buyers
from assessment.config import AssessConfig
from assessment.export import to_records
from assessment.html import render_buyers, render_orders
from assessment.io import Dataset, raw_from_csv, raw_from_records
from assessment.orders import match_declarations, summarise_matches
from assessment.schema import KINDS
from trajectory.errors import RowProblem

Kind = Literal["areas", "clusters", "people", "brands", "buyers", "orders", "declarations"]
Status = Literal[
    "regular_l1",
    "regular_l2",
    "regular_l3",
    "warning",
    "activation",
    "registered",
    "unregistered",
]
Grade = Literal["tier1", "tier2", "tier3", "ungraded"]
View = Literal["all", "targets", "due"]
PREFIX = "/v1/assess"
AsOf = Annotated[IsoDate | None, Query(description="local day (default today)")]
From = Annotated[IsoDate | None, Query(alias="from", description="declared on or after")]
To = Annotated[IsoDate | None, Query(alias="to", description="declared on or before")]
PageLang = Annotated[Lang, Query()]

router = APIRouter(route_class=StrictJSONRoute)
_CSV_EXAMPLE = "buyer_id,type,area_id,lat,lon\nB001,distributor,M01,31.2446,121.3397\n"


def _add_import(kind: str) -> None:
    def post_rows(body: RowsIn, _who: Writer, state: State) -> ImportOut:
        parsed = raw_from_records(body.rows, kind, kind)
        return _import(state, kind, parsed, source=kind, crs=body.crs, atomic=body.atomic)

    summary = f"Import {kind} (JSON); idempotent upsert; bad rows named"
    import_route(router, f"{PREFIX}/{kind}", summary)(post_rows)


for _kind in KINDS:
    _add_import(_kind)


@import_route(
    router,
    PREFIX + "/import.csv",
    "Import one kind of rows from a CSV body (text/csv, header row first)",
    csv_body_doc(_CSV_EXAMPLE),
)
async def post_csv(
    request: Request,
    _who: Writer,
    state: State,
    kind: Kind,
    crs: Crs = "wgs84",
    atomic: bool = False,
) -> ImportOut:
    parsed, source = await read_csv_rows(request, kind, raw_from_csv)
    return await run_in_threadpool(
        _import, state, kind, parsed, source=source, crs=crs, atomic=atomic
    )


@router.post(
    PREFIX + "/reassignments",
    tags=["ingest"],
    response_model=ReassignOut,
    summary="Hand a buyer to another account manager; the history keeps every period",
    responses={409: {"description": "activated (exclusive rights) or already held"}},
)
def post_reassignment(body: ReassignIn, _who: Writer, state: State) -> ReassignOut:
    at = body.at or dt.datetime.now(dt.UTC)
    if at.tzinfo is None:
        raise ApiError(
            422,
            "body, field at: no UTC offset",
            [RowProblem("body", None, "at", "no UTC offset")],
        )
    try:
        with writing(state.engine) as conn:
            done = assignments.reassign(
                conn, body.buyer_id, body.manager_id, at=at, reason=body.reason, force=body.force
            )
    except assignments.ReassignError as exc:
        raise ApiError(exc.status, str(exc), [exc.problem]) from exc
    return ReassignOut(**done)


@router.get(
    PREFIX + "/buyers",
    tags=["read"],
    response_model=BuyersPage,
    summary="Every visible buyer: target, grade, status, rank, rights, reassignment due",
)
def get_buyers(  # noqa: PLR0913 (the report's filters)
    who: Who,
    conn: Conn,
    state: State,
    as_of: AsOf = None,
    team_id: QueryId | None = None,
    manager_id: QueryId | None = None,
    view: View = "all",
    status: Status | None = None,
    grade: Grade | None = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> BuyersPage:
    filters = (as_of, team_id, manager_id, view, status, grade)
    cfg, day, table = _buyers(state, conn, who, *filters)
    page = table.iloc[offset : offset + limit]
    return BuyersPage(as_of=day.isoformat(), total=len(table), items=to_records(page, cfg.timezone))


@router.get(
    PREFIX + "/buyers.html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="The buyer report as a sortable, filterable page",
)
def get_buyers_html(
    who: Who,
    conn: Conn,
    state: State,
    as_of: AsOf = None,
    team_id: QueryId | None = None,
    manager_id: QueryId | None = None,
    view: View = "all",
    lang: PageLang = "en",
) -> HTMLResponse:
    cfg, day, table = _buyers(state, conn, who, as_of, team_id, manager_id, view, None, None)
    return HTMLResponse(render_buyers(table, as_of=day, timezone=cfg.timezone, lang=lang))


@router.get(
    PREFIX + "/buyers/history",
    tags=["read"],
    response_model=HistoryOut,
    summary="Who held a buyer when (every assignment period)",
)
def get_history(who: Who, conn: Conn, state: State, buyer_id: QueryId) -> HistoryOut:
    data = state.datasets.dataset(conn)
    found = data.buyers.loc[data.buyers["buyer_id"] == buyer_id]
    team = _team_of(data, found["manager_id"].iat[0]) if len(found) else None
    if not len(found) or not who.may_read_team(team):
        if who.reads_all:
            raise HTTPException(404, f"no buyer {buyer_id!r}")
        raise HTTPException(403, f"buyer {buyer_id!r} is not held in this key's teams")
    periods = assignments.assignment_history(conn, [buyer_id])
    return HistoryOut(buyer_id=buyer_id, periods=to_records(periods, state.assess_config.timezone))


@router.get(
    PREFIX + "/orders",
    tags=["read"],
    response_model=OrdersOut,
    summary="Declared vs actual orders: per declaration, per manager, per team",
)
def get_orders(
    who: Who,
    conn: Conn,
    state: State,
    as_of: AsOf = None,
    date_from: From = None,
    date_to: To = None,
    team_id: QueryId | None = None,
    manager_id: QueryId | None = None,
) -> OrdersOut:
    filters = (as_of, date_from, date_to, team_id, manager_id)
    cfg, day, (matches, managers, teams) = _orders(state, conn, who, *filters)
    return OrdersOut(
        as_of=day.isoformat(),
        by_team=to_records(teams, cfg.timezone),
        by_manager=to_records(managers, cfg.timezone),
        declarations=to_records(matches, cfg.timezone),
    )


@router.get(
    PREFIX + "/orders.html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="Declared vs actual orders as sortable, filterable tables",
)
def get_orders_html(
    who: Who,
    conn: Conn,
    state: State,
    as_of: AsOf = None,
    date_from: From = None,
    date_to: To = None,
    team_id: QueryId | None = None,
    manager_id: QueryId | None = None,
    lang: PageLang = "en",
) -> HTMLResponse:
    filters = (as_of, date_from, date_to, team_id, manager_id)
    cfg, day, (matches, managers, teams) = _orders(state, conn, who, *filters)
    page = render_orders(matches, managers, teams, timezone=cfg.timezone, lang=lang, as_of=day)
    return HTMLResponse(page)


# ------------------------------------------------------------------ helpers


def _import(state: AppState, kind: str, parsed: RawRows, **options: Any) -> ImportOut:
    """Store the rows (``source``, ``crs``, ``atomic``) in the assessment's timezone."""
    tz = state.assess_config.timezone
    most = state.settings.max_problems
    return run_import(
        assess.import_rows, state.engine, kind, parsed, timezone=tz, max_problems=most, **options
    )


def _day(as_of: dt.date | None, cfg: AssessConfig, field: str = "as_of") -> dt.date:
    day = as_of or dt.datetime.now(ZoneInfo(cfg.timezone)).date()
    return check_day(day, field, "query")


def _team_of(data: Dataset, person_id: Any) -> str | None:
    if person_id is None or pd.isna(person_id):
        return None
    found = data.people.loc[data.people["person_id"] == person_id, "team_id"]
    return None if found.empty or pd.isna(found.iat[0]) else str(found.iat[0])


def _visible(
    data: Dataset, who: Principal, team_id: str | None, manager_id: str | None
) -> list[str] | None:
    """The teams whose rows this key may see (None: all), after the filters' checks."""
    if manager_id is not None:
        known = bool((data.people["person_id"] == manager_id).any())
        check_manager(who, manager_id, known=known, team=_team_of(data, manager_id), noun="person")
    return visible_teams(who, team_id)


def _report_inputs(
    state: AppState, conn: Connection, as_of: dt.date | None
) -> tuple[AssessConfig, dt.date, Dataset]:
    """The configuration, the checked day (default today) and the stored rows of a report."""
    cfg = state.assess_config
    day = _day(as_of, cfg)
    return cfg, day, state.datasets.dataset(conn)


def _buyers(
    state: AppState,
    conn: Connection,
    who: Principal,
    as_of: dt.date | None,
    team_id: str | None,
    manager_id: str | None,
    view: str,
    status: str | None,
    grade: str | None,
) -> tuple[AssessConfig, dt.date, pd.DataFrame]:
    cfg, day, data = _report_inputs(state, conn, as_of)
    teams = _visible(data, who, team_id, manager_id)
    table = assess_buyers(data, as_of=day, config=cfg)
    if teams is not None:
        table = table.loc[table["team_id"].isin(teams)]
    if manager_id is not None:
        table = table.loc[table["manager_id"] == manager_id]
    if view == "targets":
        table = table.loc[table["is_target"]]
    elif view == "due":
        table = table.loc[table["rights"] == "due"].sort_values(["due_date", "buyer_id"])
    if status is not None:
        table = table.loc[table["status"] == status]
    if grade is not None:
        table = table.loc[table["grade"] == grade]
    return cfg, day, table.reset_index(drop=True)


def _orders(
    state: AppState,
    conn: Connection,
    who: Principal,
    as_of: dt.date | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    team_id: str | None,
    manager_id: str | None,
) -> tuple[AssessConfig, dt.date, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    cfg, day, data = _report_inputs(state, conn, as_of)
    for given, field in ((date_from, "from"), (date_to, "to")):
        if given is not None:
            _day(given, cfg, field)
    teams = _visible(data, who, team_id, manager_id)
    decl = data.declarations
    if date_from is not None:
        decl = decl.loc[decl["declared_on"] >= pd.Timestamp(date_from)]
    if date_to is not None:
        decl = decl.loc[decl["declared_on"] <= pd.Timestamp(date_to)]
    matches = match_declarations(decl, data.orders, data.people, config=cfg, as_of=day)
    if teams is not None:
        matches = matches.loc[matches["team_id"].isin(teams)]
    if manager_id is not None:
        matches = matches.loc[matches["manager_id"] == manager_id]
    matches = matches.sort_values(["declared_on", "manager_id", "buyer_id"]).reset_index(drop=True)
    by_manager, by_team = (
        summarise_matches(matches, "manager_id"),
        summarise_matches(matches, "team_id"),
    )
    return cfg, day, (matches, by_manager, by_team)
