"""The assessment endpoints (``/v1/assess/...``): imports, reassignments, buyer and order reports.

:func:`add_assessment_routes` is called by :func:`api.app.create_app` with the app's
own authentication dependencies and adds the routes to the app itself (not as an
included router, so every check that walks ``app.routes`` sees them).  The roles
are the service's: ``platform`` and ``admin`` import and reassign (tag
``ingest``); every key reads, a supervisor only the buyers whose manager is in
one of its teams and the declarations of its teams' managers (tags ``read`` and
``reports``).  Ranks are computed over every buyer before the rows are filtered,
so a supervisor sees the same rank as the platform.  Rows of an import are
validated like the CLI's (every bad row named; good rows kept, or nothing with
``atomic``) and upserted on their natural keys.  Reports read the stored tables
through :func:`api.assess_cache.cached_dataset` (loaded again only after a write).
"""

__all__ = ["PREFIX", "AssessSettings", "add_assessment_routes"]

import datetime as dt
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from api import assess_cache, assess_repo, routing
from api.app import ApiError, Crs, IsoDate
from api.auth import Principal
from api.repo import writing
from assessment.buyers import assess_buyers
from assessment.config import AssessConfig, load_assess_config
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
PREFIX = "/v1/assess"
Day = IsoDate  # only ``YYYY-MM-DD`` (pydantic would also read ``0`` as a Unix time)


class AssessSettings(BaseSettings):
    """``TRAJCHECK_ASSESS_CONFIG_FILE``: the assessment TOML (thresholds, timezone); optional."""

    model_config = SettingsConfigDict(env_prefix="TRAJCHECK_ASSESS_", extra="ignore")
    config_file: Path | None = None


@lru_cache(maxsize=1)
def _assess_config() -> AssessConfig:
    return load_assess_config(AssessSettings().config_file)


class RowsIn(BaseModel):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "crs": "gcj02",
                    "rows": [
                        {
                            "buyer_id": "B001",
                            "name": "江桥冻品批发1号",
                            "type": "distributor",
                            "area_id": "M01",
                            "lat": 31.2446,
                            "lon": 121.3397,
                            "registered_at": "2026-05-19 16:10",
                            "manager_id": "F11",
                            "assigned_at": "2026-08-16",
                        }
                    ],
                }
            ]
        },
    )
    rows: list[Any] = Field(description="the rows: objects with the kind's columns")
    crs: Crs = Field("wgs84", description="coordinate system of lat/lon (buyers, clusters)")
    atomic: bool = Field(False, description="store nothing when any row is bad")


class ReassignIn(BaseModel):
    model_config = ConfigDict(strict=True)
    buyer_id: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")
    manager_id: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")
    at: dt.datetime | None = Field(
        None, strict=False, description="when (ISO 8601 with a UTC offset); default now"
    )
    reason: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    force: bool = Field(False, description="reassign even an activated buyer")


class ReassignOut(BaseModel):
    buyer_id: str
    from_manager_id: str | None
    manager_id: str
    assigned_at: str
    reason: str


class BuyersPage(BaseModel):
    as_of: str
    total: int
    items: list[dict[str, Any]] = Field(
        description="one object per buyer, columns of assessment.buyers.BUYER_REPORT_COLUMNS"
    )


class OrdersOut(BaseModel):
    as_of: str
    by_team: list[dict[str, Any]]
    by_manager: list[dict[str, Any]]
    declarations: list[dict[str, Any]]


class HistoryOut(BaseModel):
    buyer_id: str
    periods: list[dict[str, Any]]


_CSV_EXAMPLE = "buyer_id,type,area_id,lat,lon\nB001,distributor,M01,31.2446,121.3397\n"


def add_assessment_routes(
    app: FastAPI,
    *,
    principal: Callable[..., Principal],
    writer: Callable[..., Principal],
    connection: Callable[..., Iterator[Connection]],
) -> None:
    """Add the ``/v1/assess`` routes to ``app`` over its dependencies (caller, connection)."""
    router = app.router  # the app's route class (strict JSON, documented errors) applies
    Who = Annotated[Principal, Depends(principal)]  # noqa: N806
    Writer = Annotated[Principal, Depends(writer)]  # noqa: N806
    Conn = Annotated[Connection, Depends(connection)]  # noqa: N806
    AsOf = Annotated[Day | None, Query(description="local day (default today)")]  # noqa: N806
    From = Annotated[Day | None, Query(alias="from", description="declared on or after")]  # noqa: N806
    To = Annotated[Day | None, Query(alias="to", description="declared on or before")]  # noqa: N806
    Lang = Annotated[Literal["en", "zh"], Query()]  # noqa: N806

    def add_import(kind: str) -> None:
        def post_rows(body: RowsIn, request: Request, _who: Writer) -> routing.ImportOut:
            parsed = raw_from_records(body.rows, kind, kind)
            return _import(request, kind, parsed, source=kind, crs=body.crs, atomic=body.atomic)

        summary = f"Import {kind} (JSON); idempotent upsert; bad rows named"
        routing.import_route(router, f"{PREFIX}/{kind}", summary)(post_rows)

    for kind in KINDS:
        add_import(kind)

    @routing.import_route(
        router,
        PREFIX + "/import.csv",
        "Import one kind of rows from a CSV body (text/csv, header row first)",
        routing.csv_body_doc(_CSV_EXAMPLE),
    )
    async def post_csv(
        request: Request,
        _who: Writer,
        kind: Kind,
        crs: Crs = "wgs84",
        atomic: bool = False,
    ) -> routing.ImportOut:
        parsed, source = await routing.read_csv_rows(request, kind, raw_from_csv)
        return await run_in_threadpool(
            _import, request, kind, parsed, source=source, crs=crs, atomic=atomic
        )

    @router.post(
        PREFIX + "/reassignments",
        tags=["ingest"],
        response_model=ReassignOut,
        summary="Hand a buyer to another account manager; the history keeps every period",
        responses={409: {"description": "activated (exclusive rights) or already held"}},
    )
    def post_reassignment(body: ReassignIn, request: Request, _who: Writer) -> ReassignOut:
        at = body.at or dt.datetime.now(dt.UTC)
        if at.tzinfo is None:
            raise ApiError(
                422,
                "body, field at: no UTC offset",
                [RowProblem("body", None, "at", "no UTC offset")],
            )
        try:
            with writing(request.app.state.engine) as conn:
                done = assess_repo.reassign(
                    conn,
                    body.buyer_id,
                    body.manager_id,
                    at=at,
                    reason=body.reason,
                    force=body.force,
                )
        except assess_repo.ReassignError as exc:
            raise ApiError(exc.status, str(exc), [exc.problem]) from exc
        return ReassignOut(**done)

    @router.get(
        PREFIX + "/buyers",
        tags=["read"],
        response_model=BuyersPage,
        summary="Every visible buyer: target, grade, status, rank, rights, reassignment due",
    )
    def get_buyers(
        who: Who,
        conn: Conn,
        as_of: AsOf = None,
        team_id: routing.Id | None = None,
        manager_id: routing.Id | None = None,
        view: Literal["all", "targets", "due"] = "all",
        status: Status | None = None,
        grade: Grade | None = None,
        limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> BuyersPage:
        cfg, day, table = _buyers(conn, who, as_of, team_id, manager_id, view, status, grade)
        page = table.iloc[offset : offset + limit]
        return BuyersPage(
            as_of=day.isoformat(), total=len(table), items=to_records(page, cfg.timezone)
        )

    @router.get(
        PREFIX + "/buyers.html",
        tags=["reports"],
        response_class=HTMLResponse,
        summary="The buyer report as a sortable, filterable page",
    )
    def get_buyers_html(
        who: Who,
        conn: Conn,
        as_of: AsOf = None,
        team_id: routing.Id | None = None,
        manager_id: routing.Id | None = None,
        view: Literal["all", "targets", "due"] = "all",
        lang: Lang = "en",
    ) -> HTMLResponse:
        cfg, day, table = _buyers(conn, who, as_of, team_id, manager_id, view, None, None)
        return HTMLResponse(render_buyers(table, as_of=day, timezone=cfg.timezone, lang=lang))

    @router.get(
        PREFIX + "/buyers/history",
        tags=["read"],
        response_model=HistoryOut,
        summary="Who held a buyer when (every assignment period)",
    )
    def get_history(who: Who, conn: Conn, buyer_id: routing.Id) -> HistoryOut:
        cfg = _assess_config()
        data = assess_cache.cached_dataset(conn)
        found = data.buyers.loc[data.buyers["buyer_id"] == buyer_id]
        team = _team_of(data, found["manager_id"].iat[0]) if len(found) else None
        if not len(found) or not who.may_read_team(team):
            if who.reads_all:
                raise HTTPException(404, f"no buyer {buyer_id!r}")
            raise HTTPException(403, f"buyer {buyer_id!r} is not held in this key's teams")
        periods = assess_repo.assignment_history(conn, [buyer_id])
        return HistoryOut(buyer_id=buyer_id, periods=to_records(periods, cfg.timezone))

    @router.get(
        PREFIX + "/orders",
        tags=["read"],
        response_model=OrdersOut,
        summary="Declared vs actual orders: per declaration, per manager, per team",
    )
    def get_orders(
        who: Who,
        conn: Conn,
        as_of: AsOf = None,
        date_from: From = None,
        date_to: To = None,
        team_id: routing.Id | None = None,
        manager_id: routing.Id | None = None,
    ) -> OrdersOut:
        cfg, day, (matches, managers, teams) = _orders(
            conn, who, as_of, date_from, date_to, team_id, manager_id
        )
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
        as_of: AsOf = None,
        date_from: From = None,
        date_to: To = None,
        team_id: routing.Id | None = None,
        manager_id: routing.Id | None = None,
        lang: Lang = "en",
    ) -> HTMLResponse:
        cfg, day, (matches, managers, teams) = _orders(
            conn, who, as_of, date_from, date_to, team_id, manager_id
        )
        page = render_orders(matches, managers, teams, timezone=cfg.timezone, lang=lang, as_of=day)
        return HTMLResponse(page)


# ------------------------------------------------------------------ helpers


def _import(
    request: Request, kind: str, parsed: routing.Parsed, **options: Any
) -> routing.ImportOut:
    """Store the rows (``source``, ``crs``, ``atomic``) in the assessment's timezone."""
    tz = _assess_config().timezone
    return routing.run_import(
        assess_repo.import_rows, request, kind, parsed, timezone=tz, **options
    )


def _day(as_of: dt.date | None, cfg: AssessConfig, field: str = "as_of") -> dt.date:
    day = as_of or dt.datetime.now(ZoneInfo(cfg.timezone)).date()
    return routing.check_day(day, field, "query")


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
        routing.check_manager(who, manager_id, known=known, team=_team_of(data, manager_id))
    if who.reads_all:
        return None if team_id is None else [team_id]
    if team_id is not None:
        routing.check_team(who, team_id)
        return [team_id]
    return list(who.team_ids)


def _report_inputs(
    conn: Connection, as_of: dt.date | None
) -> tuple[AssessConfig, dt.date, Dataset]:
    """The configuration, the checked day (default today) and the stored rows of a report."""
    cfg = _assess_config()
    day = _day(as_of, cfg)
    return cfg, day, assess_cache.cached_dataset(conn)


def _buyers(
    conn: Connection,
    who: Principal,
    as_of: dt.date | None,
    team_id: str | None,
    manager_id: str | None,
    view: str,
    status: str | None,
    grade: str | None,
) -> tuple[AssessConfig, dt.date, pd.DataFrame]:
    cfg, day, data = _report_inputs(conn, as_of)
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
    conn: Connection,
    who: Principal,
    as_of: dt.date | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    team_id: str | None,
    manager_id: str | None,
) -> tuple[AssessConfig, dt.date, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    cfg, day, data = _report_inputs(conn, as_of)
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
