"""``/docs`` without a CDN: Swagger UI served from the files vendored in ``api/vendor``.

FastAPI's own ``/docs`` page loads Swagger UI from jsDelivr, so on an intranet without
internet it stays blank.  Here the page loads ``/docs/assets/<file>``, answered from
``api/vendor/<package>-<version>/`` as listed in ``api/vendor/MANIFEST.json`` (package,
version, licence, sha256 of each file; taken from ``npm pack swagger-ui-dist@<version>``
by the developer, never downloaded at run time).  ReDoc (also from a CDN) is not served.
"""

from __future__ import annotations

__all__ = ["MANIFEST_PATH", "add_docs"]

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
MANIFEST_PATH = VENDOR_DIR / "MANIFEST.json"
_MEDIA = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


@cache
def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST_PATH.read_text("utf-8"))
    return data


def add_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and its assets (the app is built with ``docs_url=None``)."""

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - Swagger UI",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )

    @app.get("/docs/assets/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        manifest = _manifest()
        if name not in manifest["files"] or Path(name).suffix not in _MEDIA:
            raise HTTPException(404, f"no documentation asset {name!r}")
        path = VENDOR_DIR / manifest["folder"] / name
        return FileResponse(path, media_type=_MEDIA[Path(name).suffix])
