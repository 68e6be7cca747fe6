"""``/docs`` works offline: every asset it loads is served by the service (issue 14, item 9)."""

from __future__ import annotations

import hashlib
import json
import re

from fastapi.testclient import TestClient

from api.docs import MANIFEST_PATH
from api.main import create_app
from api.settings import Settings


def test_docs_load_only_assets_the_service_serves() -> None:
    with TestClient(create_app(Settings(database_url="sqlite://"), migrate=False)) as c:
        page = c.get("/docs")
        assert page.status_code == 200
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
        urls += re.findall(r"url: '([^']+)'", page.text)
        assert urls
        for url in urls:
            assert url.startswith("/"), f"/docs loads {url} from outside"
            assert c.get(url).status_code == 200, url
        assert c.get("/docs/assets/../main.py").status_code == 404


def test_vendored_assets_match_the_manifest() -> None:
    manifest = json.loads(MANIFEST_PATH.read_text("utf-8"))
    assert manifest["package"] == "swagger-ui-dist" and manifest["licence"]
    for name, info in manifest["files"].items():
        data = (MANIFEST_PATH.parent / manifest["folder"] / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info["sha256"], name
    assert "LICENSE" in manifest["files"]
