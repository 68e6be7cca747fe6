"""``POST /v1/session``: the API key in an HttpOnly cookie, so HTML reports open in a browser."""

from __future__ import annotations

__all__ = ["router"]

from fastapi import APIRouter, Request, Response

from api.deps import Who
from api.http import StrictJSONRoute

router = APIRouter(tags=["auth"], route_class=StrictJSONRoute)


@router.post(
    "/v1/session",
    status_code=204,
    summary="Store the API key in an HttpOnly cookie so HTML reports open in a browser",
)
def session(who: Who, request: Request, response: Response) -> Response:
    # the key the request was authenticated with, in the order api.deps reads them
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
