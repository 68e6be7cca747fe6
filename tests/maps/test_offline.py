"""maps.offline: inlining the vendored assets, and refusing what it cannot inline."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import folium
import pytest

import maps.offline as offline
from maps.offline import MANIFEST_PATH, VENDOR_DIR, OfflineAssetError, inline_assets

LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
TIMEDIMENSION_CSS = "https://cdn.jsdelivr.net/npm/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.control.css"


def _page(head: str, body: str = "") -> str:
    return f"<!DOCTYPE html>\n<html>\n<head>\n{head}\n</head>\n<body>{body}</body>\n</html>\n"


def _clear_caches() -> None:
    for fn in (
        offline.vendored_assets,
        offline._read,
        offline._licences,
        offline._script_block,
        offline._style_block,
    ):
        fn.cache_clear()


@pytest.fixture
def vendor_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of maps/vendor that a test may damage."""
    copy = tmp_path / "vendor"
    shutil.copytree(VENDOR_DIR, copy)
    monkeypatch.setattr(offline, "VENDOR_DIR", copy)
    monkeypatch.setattr(offline, "MANIFEST_PATH", copy / "MANIFEST.json")
    _clear_caches()
    yield copy
    _clear_caches()


class TestManifest:
    def test_every_file_present_with_its_sha256(self) -> None:
        manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
        for asset in manifest["assets"]:
            body = (VENDOR_DIR / asset["file"]).read_bytes()
            assert hashlib.sha256(body).hexdigest() == asset["sha256"], asset["file"]
        for package in manifest["packages"]:
            body = (VENDOR_DIR / package["licence_file"]).read_bytes()
            assert hashlib.sha256(body).hexdigest() == package["licence_sha256"]
            licence = body.decode("utf-8")
            assert package["npm_integrity"].startswith("sha512-")
            words = {"MIT": "Permission is hereby granted", "BSD-2-Clause": "BSD 2-Clause"}
            words["Apache-2.0"] = "Apache License"
            assert words[package["licence"]] in licence, package["name"]

    def test_versions_are_the_ones_in_the_urls(self) -> None:
        manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
        for asset in manifest["assets"]:
            if "url" in asset:
                assert f"{asset['package']}@{asset['version']}" in asset["url"] or (
                    f"{asset['package']}-{asset['version']}" in asset["url"]
                ), asset["url"]
                assert asset["file"].startswith(f"{asset['package']}-{asset['version']}/")


class TestInlineAssets:
    def test_scripts_and_stylesheets_inlined(self) -> None:
        page = _page(
            f'<script src="{LEAFLET_JS}"></script>\n'
            f'<link rel="stylesheet" href="{LEAFLET_CSS}"/>\n'
            f'<link rel="stylesheet" href="{TIMEDIMENSION_CSS}"/>',
            '<a href="https://www.openstreetmap.org/copyright">OSM</a>',
        )
        out = inline_assets(page)
        assert LEAFLET_JS not in out.split("*/", 1)[1]  # only named in the banner comment
        assert '<script data-vendored="leaflet-1.9.3/leaflet.js">' in out
        assert "Leaflet 1.9.3, a JS library for interactive maps" in out
        # Leaflet's images and the timeline's icon font become data: URIs
        assert 'url("data:image/png;base64,' in out
        assert 'src:url("data:font/woff2;base64,' in out
        assert "netdna.bootstrapcdn.com" not in out
        assert not re.search(r"""url\(\s*['"]?(https?:)?//""", out)
        assert "url(images/" not in out
        # an attribution link is a link, not an asset
        assert '<a href="https://www.openstreetmap.org/copyright">' in out

    @pytest.mark.parametrize(
        "head",
        [
            '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"></script>',
            '<link rel="stylesheet" href="https://example.org/theme.css"/>',
            '<script src="//cdn.example.org/x.js"></script>',
            '<link rel="icon" href="https://example.org/favicon.ico"/>',
            '<img src="https://example.org/pixel.gif">',
            "<style>@import url(https://fonts.example.org/font.css);</style>",
            "<style>.x{background:url(https://example.org/a.png)}</style>",
            '<div style="background:url(//example.org/a.png)"></div>',
            '<iframe src="http://example.org/"></iframe>',
        ],
    )
    def test_unknown_external_reference_raises(self, head: str) -> None:
        with pytest.raises(OfflineAssetError, match=r"example\.org|leaflet@1\.9\.4"):
            inline_assets(_page(head))

    def test_a_folium_default_page_is_refused(self) -> None:
        """Folium's own map loads icon assets we never vendored: offline must say so."""
        page = folium.Map(location=[31.2, 121.5], tiles=None).get_root().render()
        with pytest.raises(OfflineAssetError, match=r"no vendored copy of .*awesome-markers"):
            inline_assets(page)

    def test_local_and_data_references_pass(self) -> None:
        page = _page(
            '<script src="data:text/javascript,1"></script>',
            '<img src="data:image/png;base64,AAAA"><a href="day.html">day</a>',
        )
        assert inline_assets(page) == page

    def test_altered_vendored_file_raises(self, vendor_copy: Path) -> None:
        with (vendor_copy / "leaflet-1.9.3" / "leaflet.js").open("a", encoding="utf-8") as f:
            f.write("\n// edited\n")
        with pytest.raises(OfflineAssetError, match="sha256 differs"):
            inline_assets(_page(f'<script src="{LEAFLET_JS}"></script>'))

    def test_missing_vendored_file_raises(self, vendor_copy: Path) -> None:
        (vendor_copy / "leaflet-1.9.3" / "leaflet.css").unlink()
        with pytest.raises(OfflineAssetError, match=r"leaflet\.css is missing"):
            inline_assets(_page(f'<link rel="stylesheet" href="{LEAFLET_CSS}"/>'))

    def test_missing_manifest_raises(self, vendor_copy: Path) -> None:
        (vendor_copy / "MANIFEST.json").unlink()
        with pytest.raises(OfflineAssetError, match=r"MANIFEST\.json is missing"):
            inline_assets(_page(f'<script src="{LEAFLET_JS}"></script>'))

    def test_script_end_tag_inside_code_is_escaped(self, vendor_copy: Path) -> None:
        path = vendor_copy / "leaflet-1.9.3" / "leaflet.js"
        path.write_text('var s = "</script><!-- x";\n', encoding="utf-8")
        manifest = json.loads((vendor_copy / "MANIFEST.json").read_text(encoding="utf-8"))
        for asset in manifest["assets"]:
            if asset["file"] == "leaflet-1.9.3/leaflet.js":
                asset["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        (vendor_copy / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
        out = inline_assets(_page(f'<script src="{LEAFLET_JS}"></script>'))
        assert 'var s = "<\\/script><\\!-- x";' in out
        assert out.count("</script>") == 1
