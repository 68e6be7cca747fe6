"""The service's app factory: ``uvicorn --factory api.main:create_app`` (``trajcheck serve``).

Nothing is built at import: :func:`create_app` takes one :class:`~api.settings.Settings`
(read from the environment only when none is given), loads the three configurations
once, and keeps them with the engine and the assessment's dataset cache on
``app.state.trajcheck`` (:class:`api.deps.AppState`), where every route reads them.
"""

from __future__ import annotations

__all__ = ["create_app", "operation_id"]

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from alembic.script import ScriptDirectory
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.db import alembic_config, make_engine, upgrade
from api.db.cache import DatasetCache
from api.deps import AppState
from api.docs import add_docs
from api.errors import add_error_handlers
from api.http import BodyLimit, StrictJSONRoute
from api.params import VERSION
from api.routes import (
    admin,
    assess,
    daily,
    days,
    duties,
    meta,
    points,
    results,
    scorecards,
    session,
    stores,
    tasks,
    weeks,
)
from api.schedule import service_scheduler
from api.settings import Settings
from assessment.config import load_assess_config
from assessment.marketing_config import load_marketing_config
from trajectory.config import VerifyConfig, load_config

#: The routers in the order their routes are matched.
ROUTERS = (
    meta,
    session,
    points,
    stores,
    tasks,
    days,
    weeks,
    results,
    admin,
    assess,
    scorecards,
    duties,
    daily,
)


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, migrate: bool = True
) -> FastAPI:
    """Build the service.

    Parameters
    ----------
    settings
        By default read from the environment (``TRAJCHECK_*``).
    engine
        A ready engine (tests share one); by default one for ``settings.database_url``,
        disposed of when the app stops.
    migrate
        Run ``alembic upgrade head`` at start-up.
    """
    state = _state(settings or Settings(), engine)
    app = FastAPI(
        title="trajcheck",
        version=VERSION,
        summary="Verify field managers' GPS tracks against their daily task lists.",
        lifespan=_lifespan(state, migrate=migrate, own_engine=engine is None),
        generate_unique_id_function=operation_id,
        docs_url=None,  # served from the vendored Swagger UI (api.docs), not a CDN
        redoc_url=None,
    )
    app.router.route_class = StrictJSONRoute
    app.state.trajcheck = state
    app.state.daily_scheduler = None
    app.add_middleware(BodyLimit, limit=state.settings.max_body_bytes)
    if state.settings.trusted_proxies:  # X-Forwarded-Proto/-For of these proxies only
        app.add_middleware(
            ProxyHeadersMiddleware,
            trusted_hosts=state.settings.trusted_proxies,
        )
    add_error_handlers(app)
    add_docs(app)
    for module in ROUTERS:
        # the routes themselves, not include_router: FastAPI >= 0.160 wraps an included
        # router in one lazy route, and the 405 Allow header and the auth matrix walk
        # app.routes for every (method, path)
        app.router.routes.extend(module.router.routes)
    for route in app.routes:
        if isinstance(route, APIRoute):
            route.operation_id = operation_id(route)
    return app


def operation_id(route: APIRoute) -> str:
    """A short, stable OpenAPI operation id: the endpoint's name (``post_points``,
    ``get_result``), ``import_<kind>`` for the per-kind assessment imports."""
    if route.name == "post_rows":
        return "import_" + route.path.rsplit("/", 1)[-1]
    return route.name


def _state(settings: Settings, engine: Engine | None) -> AppState:
    verify = load_config(settings.config_file) if settings.config_file else VerifyConfig()
    assess_cfg = load_assess_config(settings.assess_config_file)
    marketing = load_marketing_config(
        settings.assess_marketing_config_file, timezone=assess_cfg.timezone
    )
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return AppState(
        settings=settings,
        engine=engine if engine is not None else make_engine(settings.database_url),
        verify_config=verify,
        assess_config=assess_cfg,
        marketing_config=marketing,
        datasets=DatasetCache(),
        schema_head=str(head),
    )


def _lifespan(
    state: AppState, *, migrate: bool, own_engine: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            upgrade(state.engine)
        scheduler = None
        if state.settings.daily_at is not None:  # opt-in: TRAJCHECK_DAILY_AT=HH:MM
            scheduler = service_scheduler(state.settings, state.verify_config)
            scheduler.start()
        app.state.daily_scheduler = scheduler
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown()
            app.state.daily_scheduler = None
            if own_engine:
                state.engine.dispose()

    return lifespan
