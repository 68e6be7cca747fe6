"""The HTTP service: FastAPI app factory, routes, auth and error handling.

Run it with ``trajcheck serve`` (uvicorn); settings come from the environment
(:class:`api.settings.Settings`).  Every client error is a 4xx whose JSON body
is ``{"detail": "<one sentence naming source, row and field>", "errors": [...]}``;
the service never answers a client's input with a 500.
"""

__all__ = ["create_app"]

import datetime as dt
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy.engine import Connection, Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import repo, strictjson
from api.auth import Principal, new_secret
from api.db import make_engine, upgrade
from api.ingest import (
    MAX_DAY,
    MIN_DAY,
    Parsed,
    parse_points_csv,
    parse_points_json,
    parse_tasks,
    to_wgs84,
)
from api.settings import Settings, get_settings
from trajectory.config import VerifyConfig, load_config
from trajectory.errors import InputError, RowProblem, TrajcheckError
from trajectory.pipeline import verify_day
from trajectory.result import DayResult

log = logging.getLogger("trajcheck.api")

VERSION = "0.1.0"
Crs = Literal["wgs84", "gcj02", "bd09"]
ManagerId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]
TeamId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]


def _iso_day(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would also read ``0`` or ``1795129200`` as a Unix time."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected a date YYYY-MM-DD")
    return value


#: A calendar day in a path or query: ``2026-11-20`` and nothing else.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_day)]


# ------------------------------------------------------------------ errors


class ApiError(HTTPException):
    """A client error: status, one-sentence detail and the row problems behind it.

    An ``HTTPException``, so that FastAPI passes it on when it is raised while
    the body is read (the body limit, strict JSON) instead of answering 400.
    """

    def __init__(self, status: int, detail: str, errors: list[RowProblem] | None = None) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []


def _error_body(detail: str, errors: list[RowProblem]) -> dict[str, Any]:
    return {"detail": detail, "errors": [{**p.to_dict(), "message": str(p)} for p in errors]}


def _problem_from_loc(loc: tuple[Any, ...], msg: str, kind: str = "") -> RowProblem:
    """``("body", "stores", 3, "lat")`` -> stores, row 4, field lat."""
    if kind == "json_invalid":
        where = f" at character {loc[1]}" if len(loc) > 1 else ""
        return RowProblem("body", None, None, f"not valid JSON{where} ({msg})")
    parts = [p for p in loc if p != "body"] or ["body"]
    source = str(parts[0]) if isinstance(parts[0], str) else "body"
    row = next((p + 1 for p in parts if isinstance(p, int)), None)
    names = [str(p) for p in parts[1:] if not isinstance(p, int)]
    field = ".".join(names) if names else (None if row is not None else source)
    if loc and loc[0] in ("query", "path", "header", "cookie"):
        source, field = str(loc[0]), ".".join(str(p) for p in loc[1:]) or None
        row = None
    return RowProblem(source, row, field, msg)


# ------------------------------------------------------------------ request / response models


class Problem(BaseModel):
    source: str = Field(description="where: body, query, path, points, tasks, stores, ...")
    row: int | None = Field(description="row of a list, counted from 1 (None: not a row)")
    field: str | None = Field(description="field at fault (None: the whole row or body)")
    reason: str
    message: str = Field(description="source, row, field and reason in one sentence")


class ErrorBody(BaseModel):
    """The body of every 4xx answer."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": "points, row 3, field lat: out of range [-90, 90] (got 999) "
                    "(1 bad rows; no good rows)",
                    "errors": [
                        {
                            "source": "points",
                            "row": 3,
                            "field": "lat",
                            "reason": "out of range [-90, 90] (got 999)",
                            "message": "points, row 3, field lat: out of range [-90, 90] (got 999)",
                        }
                    ],
                }
            ]
        }
    )
    detail: str = Field(description="one sentence naming source, row and field")
    errors: list[Problem] = Field(description="every problem found (may be empty)")


class PointsIn(BaseModel):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "crs": "wgs84",
                    "points": [
                        {
                            "manager_id": "m001",
                            "timestamp": "2026-11-20T07:12:03+08:00",
                            "lat": 31.2304,
                            "lon": 121.4737,
                            "accuracy_m": 8,
                        }
                    ],
                }
            ]
        },
    )
    points: list[Any] = Field(
        description="GPS fixes: objects with manager_id, timestamp (ISO 8601 with a UTC "
        "offset, or epoch seconds/milliseconds), lat, lon and optionally accuracy_m, speed_mps"
    )
    crs: Crs = Field("wgs84", description="coordinate system of lat/lon")
    atomic: bool = Field(
        False,
        description="reject the whole batch when any row is bad (default: keep the good rows)",
    )


class IngestReport(BaseModel):
    received: int = Field(description="rows in the request")
    stored: int = Field(description="fixes newly stored")
    duplicates: int = Field(description="good fixes already stored (same manager and instant)")
    rejected: list[Problem] = Field(description="bad rows, not stored")


class StoreIn(BaseModel):
    model_config = ConfigDict(strict=True)  # a JSON false is not 0, nor 0 false
    store_id: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")
    name: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    market_id: str | None = Field(None, max_length=64, pattern=r"^[^\x00]+$")


class StoresIn(BaseModel):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "crs": "gcj02",
                    "stores": [
                        {"store_id": "s1", "name": "鲜果坊", "lat": 31.2281, "lon": 121.4801}
                    ],
                }
            ]
        },
    )
    stores: list[StoreIn]
    crs: Crs = "wgs84"


class TasksIn(BaseModel):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "crs": "wgs84",
                    "tasks": [
                        {"seq": 1, "store_id": "s1", "method": "onsite"},
                        {
                            "seq": 2,
                            "store_id": "s9",
                            "store_name": "Lucky Fruit",
                            "lat": 31.24,
                            "lon": 121.49,
                            "method": "phone",
                            "reported_visited": True,
                        },
                    ],
                }
            ]
        },
    )
    tasks: list[Any] = Field(
        description="task-list stores: seq, store_id, method (onsite/phone/chat) and optionally "
        "store_name, lat, lon (else taken from the store master data), reported_visited, market_id"
    )
    crs: Crs = Field("wgs84", description="coordinate system of the lat/lon sent with tasks")


class TasksOut(BaseModel):
    manager_id: str
    date: dt.date
    tasks: list[dict[str, Any]]


class ResultRow(BaseModel):
    manager_id: str
    team_id: str | None
    date: str
    status: str
    on_time_arrival: str
    trajectory_clear: str
    visit_count_match: str
    computed_at: str


class ResultsPage(BaseModel):
    total: int
    items: list[ResultRow]


class TeamIn(BaseModel):
    model_config = ConfigDict(strict=True)  # a JSON false is not 0, nor 0 false
    name: str = Field("", max_length=200, pattern=r"^[^\x00]*$")


class ManagerIn(BaseModel):
    model_config = ConfigDict(strict=True)  # a JSON false is not 0, nor 0 false
    team_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[^\x00]+$")


class KeyIn(BaseModel):
    model_config = ConfigDict(strict=True)  # a JSON false is not 0, nor 0 false
    name: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    role: Literal["platform", "supervisor", "admin"]
    team_ids: list[Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]] = []


class KeyOut(BaseModel):
    key_id: int
    name: str
    role: str
    prefix: str
    team_ids: list[str]
    created_at: str
    revoked_at: str | None


class KeyCreated(KeyOut):
    key: str = Field(description="the secret; shown only now, store it safely")


# ------------------------------------------------------------------ body size limit


class BodyLimit:
    """ASGI middleware: 413 for a body larger than ``limit`` bytes, declared or streamed."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(send)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise ApiError(413, self._detail())
            return message

        await self.app(scope, counted, send)

    def _detail(self) -> str:
        return f"body: larger than {self.limit} bytes (TRAJCHECK_MAX_BODY_BYTES)"

    async def _reject(self, send: Any) -> None:
        body = json.dumps(_error_body(self._detail(), [])).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})


# ------------------------------------------------------------------ strict JSON bodies


class _StrictJSONRequest(Request):
    """A request whose JSON body is parsed by :func:`api.strictjson.loads`."""

    async def json(self) -> Any:
        if not hasattr(self, "_strict_json"):
            try:
                self._strict_json = strictjson.loads(await self.body())
            except InputError as exc:
                raise ApiError(422, str(exc), [exc.problem]) from exc
        return self._strict_json


class _StrictJSONRoute(APIRoute):
    """Routes that refuse NaN/Infinity, repeated keys and lone surrogates (see strictjson).

    Their OpenAPI documents the 4xx answers with the error body (:func:`_error_responses`).
    """

    def __init__(self, path: str, *args: Any, **kwargs: Any) -> None:
        given = kwargs.get("responses") or {}
        html = kwargs.get("response_class") is HTMLResponse
        found = _error_responses(path, kwargs.get("methods"), html=html)
        kwargs["responses"] = {
            status: {**found.get(status, {}), **given.get(status, {})}
            for status in {**found, **given}
        }
        super().__init__(path, *args, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(_StrictJSONRequest(request.scope, request.receive))

        return strict


def _error_responses(path: str, methods: Any, *, html: bool) -> dict[int | str, dict[str, Any]]:
    """The 4xx answers a route can give, documented with :class:`ErrorBody`.

    Errors are JSON on every route; on a route answering HTML FastAPI would file a
    ``model`` under text/html, so there the JSON content is spelled out.
    """
    if not path.startswith("/v1/"):
        return {}

    def doc(text: str) -> dict[str, Any]:
        if html:
            schema = {"$ref": "#/components/schemas/ErrorBody"}
            return {"description": text, "content": {"application/json": {"schema": schema}}}
        return {"model": ErrorBody, "description": text}

    found: dict[int | str, dict[str, Any]] = {
        401: doc("no API key, or an unknown or revoked one"),
        422: doc("a bad parameter or body; detail names the field (and row)"),
    }
    if path != "/v1/session":
        found[403] = doc("this key's role or teams do not allow it")
        found[404] = doc("no such manager, team, key, store or result (named in detail)")
    if {"POST", "PUT"} & set(methods or ()):
        found[413] = doc("body larger than TRAJCHECK_MAX_BODY_BYTES, or too many rows")
    return found


# ------------------------------------------------------------------ the app


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, migrate: bool = True
) -> FastAPI:
    """Build the service.

    Parameters
    ----------
    settings
        By default read from the environment.
    engine
        A ready engine (tests share one); by default one for ``settings.database_url``.
    migrate
        Run ``alembic upgrade head`` at start-up.
    """
    cfg_settings = settings or get_settings()
    own_engine = engine is None
    db = engine if engine is not None else make_engine(cfg_settings.database_url)
    verify_cfg = (
        load_config(cfg_settings.config_file) if cfg_settings.config_file else VerifyConfig()
    )

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        if migrate:
            upgrade(db)
        daily = None
        if cfg_settings.daily_at is not None:  # opt-in: TRAJCHECK_DAILY_AT=HH:MM
            from api.daily_schedule import DailyScheduler

            daily = DailyScheduler(cfg_settings, verify_cfg)
            daily.start()
        running.state.daily_scheduler = daily
        try:
            yield
        finally:
            if daily is not None:
                daily.shutdown()
            running.state.daily_scheduler = None
        if own_engine:
            db.dispose()

    app = FastAPI(
        title="trajcheck",
        version=VERSION,
        summary="Verify field managers' GPS tracks against their daily task lists.",
        lifespan=lifespan,
    )
    app.router.route_class = _StrictJSONRoute
    app.state.engine = db
    app.state.settings = cfg_settings
    app.state.verify_config = verify_cfg
    app.state.daily_scheduler = None
    app.add_middleware(BodyLimit, limit=cfg_settings.max_body_bytes)
    _add_error_handlers(app)

    bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
    header_key = APIKeyHeader(name="X-API-Key", auto_error=False)

    def connection() -> Iterator[Connection]:
        with db.connect() as conn:
            yield conn

    def principal(
        request: Request,
        cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        key: Annotated[str | None, Depends(header_key)],
    ) -> Principal:
        if cred is None and "authorization" in request.headers:
            # presented but unusable (not "Bearer <key>", or an empty key): never fall back
            # to another credential behind it
            raise HTTPException(
                401,
                "Authorization: expected 'Bearer <API key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        secret = (cred.credentials if cred else None) or key or request.cookies.get("trajcheck_key")
        if not secret:
            raise HTTPException(
                401,
                "no API key: send Authorization: Bearer <key> or X-API-Key",
                headers={"WWW-Authenticate": "Bearer"},
            )
        with db.connect() as conn:
            found = repo.find_key(conn, secret)
        if found is None:
            raise HTTPException(
                401, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"}
            )
        return Principal(found.key_id, found.role, found.team_ids)

    Who = Annotated[Principal, Depends(principal)]  # noqa: N806
    Conn = Annotated[Connection, Depends(connection)]  # noqa: N806

    def role(*allowed: str) -> Callable[[Principal], Principal]:
        def check(who: Who) -> Principal:
            if who.role not in allowed:
                raise HTTPException(
                    403, f"a {who.role} key may not do this (needs {' or '.join(allowed)})"
                )
            return who

        return check

    Writer = Annotated[Principal, Depends(role("platform", "admin"))]  # noqa: N806
    Admin = Annotated[Principal, Depends(role("admin"))]  # noqa: N806

    def readable_manager(conn: Connection, who: Principal, manager_id: str) -> int:
        found = repo.manager_team(conn, manager_id)
        if found is None:
            if who.reads_all:
                raise HTTPException(404, f"no manager {manager_id!r}")
            raise HTTPException(403, f"manager {manager_id!r} is not in this key's teams")
        pk, team = found
        if not who.may_read_team(team):
            raise HTTPException(403, f"manager {manager_id!r} is not in this key's teams")
        return pk

    def check_day(day: dt.date) -> dt.date:
        if not MIN_DAY <= day <= MAX_DAY:
            raise ApiError(
                422,
                f"path, field date: {day} is outside {MIN_DAY} .. {MAX_DAY}",
                [RowProblem("path", None, "date", f"outside {MIN_DAY} .. {MAX_DAY}")],
            )
        return day

    def verify(conn: Connection, manager_id: str, day: dt.date) -> DayResult:
        track = repo.load_track(conn, manager_id, day, verify_cfg.timezone)
        tasks = repo.load_tasks(conn, manager_id, day)
        try:
            return verify_day(track, tasks, verify_cfg, manager_id=manager_id, date=day)
        except InputError as exc:  # stored data that cannot be verified (e.g. bad task list)
            raise ApiError(422, str(exc)) from exc

    # -------------------------------------------------------------- meta

    @app.get("/health", tags=["meta"], summary="Liveness and database reachability")
    def health() -> JSONResponse:
        try:
            with db.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError as exc:
            log.warning("health: database unreachable: %s", exc)
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": db.dialect.name})

    from alembic.script import ScriptDirectory

    from api.db import alembic_config

    schema_head = str(ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head())

    @app.get("/version", tags=["meta"], summary="Service and schema version (newest migration)")
    def version() -> dict[str, str]:
        return {"version": VERSION, "schema": schema_head}

    # -------------------------------------------------------------- session cookie for browsers

    @app.post(
        "/v1/session",
        tags=["auth"],
        status_code=204,
        summary="Store the API key in an HttpOnly cookie so HTML reports open in a browser",
    )
    def session(who: Who, request: Request, response: Response) -> Response:
        # the key the request was authenticated with, in principal()'s order
        auth = request.headers.get("authorization", "")
        secret = (
            (auth[7:] if auth[:7].lower() == "bearer " else "").strip()
            or request.headers.get("x-api-key")
            or request.cookies.get("trajcheck_key", "")
        )
        response.set_cookie(
            "trajcheck_key",
            secret.strip(),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            max_age=12 * 3600,
        )
        response.status_code = 204
        return response

    # -------------------------------------------------------------- ingest

    def store_points(parsed: Parsed, atomic: bool) -> IngestReport:
        problems = [
            Problem(source=p.source, row=p.row, field=p.field, reason=p.reason, message=str(p))
            for p in parsed.rejected
        ]
        if parsed.rejected and (atomic or parsed.frame.empty):
            why = "atomic batch: nothing stored" if atomic else "no good rows"
            raise ApiError(
                422,
                f"{parsed.rejected[0]} ({len(parsed.rejected)} bad rows; {why})",
                list(parsed.rejected),
            )
        with repo.writing(db) as conn:
            stored = repo.insert_points(conn, parsed.frame)
        return IngestReport(
            received=parsed.received,
            stored=stored,
            duplicates=len(parsed.frame) - stored,
            rejected=problems,
        )

    def too_many(n: int, limit: int, field: str) -> None:
        if n > limit:
            raise ApiError(
                413,
                f"{field}: {n} rows in one request; the limit is {limit}",
                [RowProblem("body", None, field, f"more than {limit} rows")],
            )

    @app.post(
        "/v1/points",
        tags=["ingest"],
        response_model=IngestReport,
        summary="Store GPS fixes (JSON); idempotent on (manager_id, timestamp)",
        responses={
            413: {"description": "too many points or too large a body"},
            422: {"description": "every row bad, or a bad row in an atomic batch"},
        },
    )
    def post_points(body: PointsIn, _who: Writer) -> IngestReport:
        too_many(len(body.points), cfg_settings.max_points_per_request, "points")
        parsed = parse_points_json(
            body.points, crs=body.crs, naive_timezone=cfg_settings.naive_timezone
        )
        return store_points(parsed, body.atomic)

    @app.post(
        "/v1/points.csv",
        tags=["ingest"],
        response_model=IngestReport,
        summary="Store GPS fixes from a CSV body (text/csv: manager_id,timestamp,lat,lon,...)",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "text/csv": {
                        "schema": {"type": "string"},
                        "example": (
                            "manager_id,timestamp,lat,lon\n"
                            "m001,2026-11-20T07:12:03+08:00,31.2304,121.4737\n"
                        ),
                    }
                },
            }
        },
    )
    async def post_points_csv(
        request: Request, _who: Writer, crs: Crs = "wgs84", atomic: bool = False
    ) -> IngestReport:
        raw = await request.body()
        try:
            parsed = parse_points_csv(raw, crs=crs, naive_timezone=cfg_settings.naive_timezone)
        except InputError as exc:
            raise ApiError(422, str(exc), [exc.problem] if hasattr(exc, "problem") else []) from exc
        too_many(parsed.received, cfg_settings.max_points_per_request, "points")
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(store_points, parsed, atomic)

    @app.put(
        "/v1/stores",
        tags=["ingest"],
        summary="Insert or replace store master data",
        responses={422: {"description": "a bad store; nothing stored"}},
    )
    def put_stores(body: StoresIn, _who: Writer) -> dict[str, int]:
        too_many(len(body.stores), cfg_settings.max_stores_per_request, "stores")
        rows = [s.model_dump() for s in body.stores]
        if body.crs != "wgs84" and rows:
            import numpy as np

            lat, lon = to_wgs84(
                np.array([r["lat"] for r in rows]), np.array([r["lon"] for r in rows]), body.crs
            )
            for r, a, o in zip(rows, lat.tolist(), lon.tolist(), strict=True):
                r["lat"], r["lon"] = a, o
        seen: dict[str, int] = {}
        for i, r in enumerate(rows, start=1):
            if r["store_id"] in seen:
                raise ApiError(
                    422,
                    f"stores, row {i}, field store_id: {r['store_id']!r} repeats row "
                    f"{seen[r['store_id']]}",
                    [RowProblem("stores", i, "store_id", f"repeats row {seen[r['store_id']]}")],
                )
            seen[r["store_id"]] = i
        with repo.writing(db) as conn:
            n = repo.upsert_stores(conn, rows)
        return {"stored": n}

    @app.put(
        "/v1/managers/{manager_id}/days/{date}/tasks",
        tags=["ingest"],
        response_model=TasksOut,
        summary="Replace the task list of one manager-day (all rows good, or nothing stored)",
    )
    def put_tasks(manager_id: ManagerId, date: IsoDate, body: TasksIn, _who: Writer) -> TasksOut:
        day = check_day(date)
        too_many(len(body.tasks), cfg_settings.max_tasks_per_request, "tasks")
        with db.connect() as conn:
            ids = [
                t["store_id"]
                for t in body.tasks
                if isinstance(t, dict)
                and isinstance(t.get("store_id"), str)
                and 0 < len(t["store_id"]) <= 64
                and "\x00" not in t["store_id"]
            ]
            known = repo.store_lookup(conn, ids)
        parsed = parse_tasks(
            body.tasks, manager_id=manager_id, day=day, crs=body.crs, known_stores=known
        )
        if parsed.rejected:
            raise ApiError(
                422,
                f"{parsed.rejected[0]} ({len(parsed.rejected)} bad rows; nothing stored)",
                list(parsed.rejected),
            )
        with repo.writing(db) as conn:
            repo.replace_tasks(conn, manager_id, day, parsed.frame)
        return TasksOut(manager_id=manager_id, date=day, tasks=repo.tasks_as_dicts(parsed.frame))

    @app.get("/v1/managers/{manager_id}/days/{date}/tasks", tags=["read"], response_model=TasksOut)
    def get_tasks(manager_id: ManagerId, date: IsoDate, who: Who, conn: Conn) -> TasksOut:
        day = check_day(date)
        readable_manager(conn, who, manager_id)
        frame = repo.load_tasks(conn, manager_id, day).frame
        return TasksOut(manager_id=manager_id, date=day, tasks=repo.tasks_as_dicts(frame))

    # -------------------------------------------------------------- verify and results

    @app.post(
        "/v1/managers/{manager_id}/days/{date}/verify",
        tags=["verify"],
        summary="Verify a manager-day from the stored points and task list; store the result",
    )
    def post_verify(manager_id: ManagerId, date: IsoDate, who: Who, conn: Conn) -> dict[str, Any]:
        day = check_day(date)
        pk = readable_manager(conn, who, manager_id)
        body = verify(conn, manager_id, day).to_dict()
        conn.close()
        with repo.writing(db) as wconn:
            repo.save_result(wconn, pk, day, body)
        return body

    @app.get(
        "/v1/managers/{manager_id}/days/{date}/result",
        tags=["read"],
        summary="The stored result of a manager-day",
    )
    def get_result(manager_id: ManagerId, date: IsoDate, who: Who, conn: Conn) -> dict[str, Any]:
        day = check_day(date)
        readable_manager(conn, who, manager_id)
        body = repo.get_result(conn, manager_id, day)
        if body is None:
            raise HTTPException(404, f"no result for {manager_id} on {day}; POST .../verify first")
        return body

    @app.get(
        "/v1/results",
        tags=["read"],
        response_model=ResultsPage,
        summary="Stored results, filtered by date, team and verdict; failing first",
    )
    def get_results(
        who: Who,
        conn: Conn,
        date: IsoDate | None = None,
        team_id: Annotated[
            str | None, Query(min_length=1, max_length=64, pattern=r"^[^\x00]+$")
        ] = None,
        status: Literal["pass", "fail", "inconclusive"] | None = None,
        check: Literal["on_time_arrival", "trajectory_clear", "visit_count_match"] | None = None,
        verdict: Literal["pass", "fail", "inconclusive"] | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> ResultsPage:
        day = None if date is None else check_day(date)
        teams = _visible_teams(who, team_id)
        total, page = repo.list_results(
            conn,
            day=day,
            team_ids=teams,
            status=status,
            check=check,
            verdict=verdict,
            limit=limit,
            offset=offset,
        )
        return ResultsPage(total=total, items=[ResultRow(**r) for r in page])

    # -------------------------------------------------------------- HTML reports

    @app.get(
        "/v1/managers/{manager_id}/days/{date}/report.html",
        tags=["reports"],
        response_class=HTMLResponse,
        summary="The map report of a manager-day (verifies afresh)",
    )
    def get_report(
        manager_id: ManagerId,
        date: IsoDate,
        who: Who,
        conn: Conn,
        lang: Literal["en", "zh"] = "en",
        tiles: Literal["osm", "amap", "none"] | None = None,
        offline: bool = False,
    ) -> HTMLResponse:
        """Verified afresh from the stored data (a GET changes nothing: the stored
        result is written by ``POST .../verify`` and daily runs only).

        ``offline=true`` inlines Leaflet and every asset (no CDN request) and, unless
        ``tiles`` is given, draws on a blank background; ``tiles`` defaults to osm."""
        from maps.day import render_day

        day = check_day(date)
        readable_manager(conn, who, manager_id)
        result = verify(conn, manager_id, day)
        return HTMLResponse(render_day(result, lang=lang, tiles=tiles, offline=offline))

    @app.get(
        "/v1/days/{date}/index.html",
        tags=["reports"],
        response_class=HTMLResponse,
        summary="The team's day: every visible manager's stored verdicts, failing first",
    )
    def get_team_index(
        date: IsoDate,
        request: Request,
        who: Who,
        conn: Conn,
        team_id: Annotated[
            str | None, Query(min_length=1, max_length=64, pattern=r"^[^\x00]+$")
        ] = None,
        lang: Literal["en", "zh"] = "en",
    ) -> HTMLResponse:
        from maps.team import render_team_index

        day = check_day(date)
        bodies = repo.result_bodies(conn, day, _visible_teams(who, team_id))
        root = request.scope.get("root_path", "")
        links = {
            str(
                b["manager_id"]
            ): f"{root}/v1/managers/{b['manager_id']}/days/{day}/report.html?lang={lang}"
            for b in bodies
        }
        return HTMLResponse(render_team_index(bodies, date=day.isoformat(), links=links, lang=lang))

    def _visible_teams(who: Principal, team_id: str | None) -> list[str] | None:
        if who.reads_all:
            return None if team_id is None else [team_id]
        if team_id is not None:
            if team_id not in who.team_ids:
                raise HTTPException(403, f"team {team_id!r} is not one of this key's teams")
            return [team_id]
        return list(who.team_ids)

    # -------------------------------------------------------------- admin

    @app.put("/v1/teams/{team_id}", tags=["admin"], summary="Create or rename a team")
    def put_team(team_id: TeamId, body: TeamIn, _who: Admin) -> dict[str, str]:
        with repo.writing(db) as conn:
            repo.upsert_team(conn, team_id, body.name)
        return {"team_id": team_id, "name": body.name}

    @app.get("/v1/teams", tags=["admin"], summary="Every team")
    def get_teams(_who: Admin, conn: Conn) -> list[dict[str, Any]]:
        return repo.list_teams(conn)

    @app.put("/v1/managers/{manager_id}", tags=["admin"], summary="Put a manager in a team")
    def put_manager(manager_id: ManagerId, body: ManagerIn, _who: Admin) -> dict[str, Any]:
        with repo.writing(db) as conn:
            if body.team_id is not None and not repo.team_exists(conn, body.team_id):
                raise HTTPException(
                    404, f"no team {body.team_id!r}; PUT /v1/teams/{{team_id}} first"
                )
            repo.assign_manager(conn, manager_id, body.team_id)
        return {"manager_id": manager_id, "team_id": body.team_id}

    @app.post(
        "/v1/keys",
        tags=["admin"],
        response_model=KeyCreated,
        status_code=201,
        summary="Create an API key (the secret is in this answer only)",
    )
    def post_key(body: KeyIn, _who: Admin) -> KeyCreated:
        if body.role == "supervisor" and not body.team_ids:
            raise ApiError(
                422,
                "body, field team_ids: a supervisor key needs at least one team",
                [RowProblem("body", None, "team_ids", "empty for a supervisor key")],
            )
        secret = new_secret()
        with repo.writing(db) as conn:
            missing = [t for t in body.team_ids if not repo.team_exists(conn, t)]
            if missing:
                raise HTTPException(404, f"no team {missing[0]!r}")
            key = repo.create_key(
                conn,
                secret=secret,
                name=body.name,
                role=body.role,
                team_ids=sorted(set(body.team_ids)),
            )
        return KeyCreated(**key.to_dict(), key=secret)

    @app.get(
        "/v1/keys",
        tags=["admin"],
        response_model=list[KeyOut],
        summary="Every API key (no secrets)",
    )
    def get_keys(_who: Admin, conn: Conn) -> list[KeyOut]:
        return [KeyOut(**k.to_dict()) for k in repo.list_keys(conn)]

    @app.delete("/v1/keys/{key_id}", tags=["admin"], status_code=204, summary="Revoke an API key")
    def delete_key(key_id: Annotated[int, Path(ge=1, le=2**31 - 1)], _who: Admin) -> Response:
        with repo.writing(db) as conn:
            if not repo.revoke_key(conn, key_id):
                raise HTTPException(404, f"no live key {key_id}")
        return Response(status_code=204)

    from api.assess_routes import add_assessment_routes  # issue 6: buyers and orders

    writer = role("platform", "admin")
    add_assessment_routes(app, principal=principal, writer=writer, connection=connection)
    from api.scorecard_routes import add_scorecard_routes  # issue 7: scorecards, 5-day

    add_scorecard_routes(app, principal=principal, writer=writer, connection=connection)
    from api.daily_schedule import add_daily_routes  # issue 5: the in-service daily run

    add_daily_routes(app, settings=cfg_settings, writer=writer)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=exc.headers)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette lists the methods of the first route that matched the path only
            # (PUT for .../tasks, which GET serves too)
            path, root = request.scope.get("path", ""), request.scope.get("root_path", "")
            path = path[len(root) :] if root and path.startswith(root) else path
            allowed = {
                method
                for route in app.routes
                if isinstance(route, APIRoute) and route.path_regex.match(path)
                for method in route.methods or ()
            }
            headers["Allow"] = ", ".join(sorted(allowed))
        return JSONResponse(
            _error_body(str(exc.detail), []), status_code=exc.status_code, headers=headers
        )

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(_error_body(exc.detail, exc.errors), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            _problem_from_loc(
                tuple(e.get("loc", ())),
                str(
                    (e.get("ctx") or {}).get("error")
                    if e.get("type") == "json_invalid"
                    else e.get("msg", "")
                ),
                str(e.get("type", "")),
            )
            for e in exc.errors()
        ]
        detail = str(problems[0]) if problems else "invalid request"
        if len(problems) > 1:
            detail += f" (and {len(problems) - 1} more)"
        return JSONResponse(_error_body(detail, problems[:1000]), status_code=422)

    @app.exception_handler(TrajcheckError)
    async def _trajcheck(_request: Request, exc: TrajcheckError) -> JSONResponse:
        return JSONResponse(_error_body(str(exc), []), status_code=422)

    @app.exception_handler(sa.exc.OperationalError)
    async def _database_error(_request: Request, exc: sa.exc.OperationalError) -> JSONResponse:
        # Unreachable, locked, disk full, deadlock: the write transaction was rolled back
        # whole, so the client may simply send the request again.
        log.error("database error, answered 503: %s", exc.orig)
        return JSONResponse(
            _error_body("database unavailable: nothing was stored; retry the request", []),
            status_code=503,
            headers={"Retry-After": "1"},
        )

