"""Request plumbing every route shares: the body-size limit, strict JSON bodies, and the
OpenAPI documentation of the error answers."""

from __future__ import annotations

__all__ = ["BodyLimit", "StrictJSONRoute"]

import json
from collections.abc import Callable, Coroutine, MutableMapping
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api import strictjson
from api.deps import authenticate
from api.errors import ApiError, error_body
from api.limits import JSON_MEDIA, check_media, count_json_rows, row_limit, too_many
from api.schemas.service import ErrorBody
from trajectory.errors import InputError, RowProblem


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
        body = json.dumps(error_body(self._detail(), [])).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _StrictJSONRequest(Request):
    """A request whose JSON body is parsed by :func:`api.strictjson.loads`."""

    async def json(self) -> Any:
        if not hasattr(self, "_strict_json"):
            data = await self.body()
            limit, field = self.scope.get("trajcheck.row_limit") or (0, "")
            # counted on the bytes, before any object is built; the count never exceeds
            # the body's length, so a body of at most ``limit`` bytes needs no count
            if limit and len(data) > limit:
                too_many(count_json_rows(data), limit, field)
            try:
                self._strict_json = strictjson.loads(data)
            except InputError as exc:
                raise ApiError(422, str(exc), [exc.problem]) from exc
            except json.JSONDecodeError:
                raise  # FastAPI answers it: "not valid JSON at character ..."
            except ValueError as exc:  # e.g. an integer of more than 4300 digits
                why = f"not a JSON value this service reads ({str(exc)[:80]})"
                raise ApiError(422, f"body: {why}", [RowProblem("body", None, None, why)]) from exc
        return self._strict_json


class StrictJSONRoute(APIRoute):
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

        path = self.path

        async def strict(request: Request) -> Response:
            state = getattr(request.app.state, "trajcheck", None)
            if state is not None and path.startswith("/v1/"):
                # the key first: no body is read or parsed for an anonymous caller
                who = await run_in_threadpool(authenticate, request, state)
                request.scope["trajcheck.principal"] = who
            if state is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
                _check_same_origin(request)
            if state is not None and request.method in ("POST", "PUT", "PATCH"):
                _check_media(request, path)
                request.scope["trajcheck.row_limit"] = row_limit(path, state.settings)
            return await handler(_StrictJSONRequest(request.scope, request.receive))

        return strict


def _check_same_origin(request: Request) -> None:
    """403 for a cookie-authenticated write sent from another origin (CSRF).

    A key sent in a header is not something a foreign page can make a browser add, so
    only cookie-authenticated requests are checked: ``Sec-Fetch-Site`` must be
    ``same-origin`` or ``none`` when the browser sends it, and ``Origin``, when sent,
    must be the service's own (sibling subdomains are same-site, not same-origin).
    """
    headers = request.headers
    if "authorization" in headers or "x-api-key" in headers:
        return
    site = headers.get("sec-fetch-site")
    origin = headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if (site is not None and site not in ("same-origin", "none")) or (
        origin is not None and origin != own
    ):
        why = f"a cookie-authenticated write from another origin ({origin or site}) is refused"
        raise ApiError(403, f"request: {why}", [RowProblem("request", None, "origin", why)])


def _check_media(request: Request, path: str) -> None:
    """422 for a JSON route's body that is not declared ``application/json``."""
    declared = request.headers.get("content-type", "").split(";")[0].strip().lower()
    length = request.headers.get("content-length")
    if not declared and length in (None, "0") and "transfer-encoding" not in request.headers:
        return  # no body (POST .../verify)
    if path.endswith(".csv"):
        return  # checked once the body is in (api.limits.read_csv_body)
    check_media(declared, JSON_MEDIA)


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
