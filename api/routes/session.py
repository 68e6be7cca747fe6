"""``/v1/session``: a browser session in an HttpOnly cookie, so HTML reports open in a browser.

The cookie holds a random session token, never the API key: only the token's digest is
stored (``sessions``), it expires after ``TRAJCHECK_SESSION_HOURS`` and ends when its key
is revoked or on ``DELETE /v1/session``.  It is ``Secure`` when the request came over
https, directly or through a trusted TLS proxy (``TRAJCHECK_TRUSTED_PROXIES``).
"""

from __future__ import annotations

__all__ = ["router"]

from fastapi import APIRouter, Request, Response

from api.db import keys
from api.db.session import writing
from api.deps import SESSION_COOKIE, State, Who
from api.http import StrictJSONRoute

router = APIRouter(tags=["auth"], route_class=StrictJSONRoute)


@router.post(
    "/v1/session",
    status_code=204,
    summary="Open a browser session (an HttpOnly cookie) so HTML reports open in a browser",
)
def post_session(who: Who, state: State, request: Request, response: Response) -> Response:
    seconds = state.settings.session_hours * 3600
    old = _cookie_only(request)
    with writing(state.engine) as conn:
        if old:  # renewed from the cookie alone: the old token ends
            keys.delete_session(conn, old)
        token = keys.create_session(conn, who.key_id, seconds=seconds)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=seconds,
    )
    response.status_code = 204
    return response


@router.delete("/v1/session", status_code=204, summary="End the browser session (sign out)")
def delete_session(who: Who, state: State, request: Request, response: Response) -> Response:
    token = _cookie_only(request)
    if token:
        with writing(state.engine) as conn:
            keys.delete_session(conn, token)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")
    response.status_code = 204
    return response


def _cookie_only(request: Request) -> str | None:
    """The session token when the request was authenticated by the cookie alone."""
    headers = request.headers
    if "authorization" in headers or "x-api-key" in headers:
        return None
    return request.cookies.get(SESSION_COOKIE) or None
