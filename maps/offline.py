"""Offline build of the map reports: every script and stylesheet inlined into the page.

:func:`inline_assets` takes a rendered page and replaces each ``<script src=...>`` and
``<link rel="stylesheet" href=...>`` whose URL is in ``maps/vendor/MANIFEST.json``
with the vendored file's content, so the page opens without any network.  In the
inlined stylesheets every ``url(...)`` becomes a ``data:`` URI: the images a stylesheet
names by relative path (Leaflet's layer icon), and the icon font of the timeline's
buttons, which its stylesheet loads from a CDN and the manifest maps to a vendored file.

Anything it does not know raises :class:`OfflineAssetError`: an asset URL that is not
in the manifest (say, after a folium upgrade changed a version), any other tag that
would load from outside, a stylesheet ``url()`` or ``@import`` it cannot inline, or a
vendored file that is missing or whose sha256 differs from the manifest.  So a page
written offline either needs no network or is not written.

The vendored files come from the npm registry at development time
(``maps/vendor/fetch_assets.py``); nothing is downloaded at run time.  Map tiles are
not assets: a page drawn offline with tiles still fetches them when opened (see
:func:`maps.day.render_day`).
"""

from __future__ import annotations

__all__ = ["MANIFEST_PATH", "VENDOR_DIR", "OfflineAssetError", "VendoredAsset", "inline_assets"]

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

#: Folder of the vendored files (one sub-folder per npm package and version).
VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
#: What each vendored file replaces, with package, version, licence and sha256.
MANIFEST_PATH = VENDOR_DIR / "MANIFEST.json"

_MIME = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".gif": "image/gif",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}
_FONT_FACE = re.compile(r"@font-face\s*\{[^{}]*\}", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.IGNORECASE)
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # a scheme, or //host
_ASSET_ATTRS = {"src", "href", "srcset", "data", "poster", "background", "xlink:href"}


class OfflineAssetError(RuntimeError):
    """The page needs something the offline build cannot inline."""


@dataclass(frozen=True)
class VendoredAsset:
    """One vendored file, as ``MANIFEST.json`` lists it."""

    file: str  # path under VENDOR_DIR
    kind: str  # "js", "css", "image" or "font"
    package: str
    version: str
    sha256: str
    url: str | None = None  # the CDN URL it replaces (scripts and stylesheets)
    font_url_prefix: str | None = None  # fonts: the @font-face URLs it stands for


def inline_assets(page: str) -> str:
    """Return ``page`` with every known CDN script and stylesheet inlined.

    Parameters
    ----------
    page
        A rendered HTML page (folium's output, plus our own elements).

    Returns
    -------
    str
        The same page whose ``<script src>`` tags became ``<script>`` blocks and whose
        stylesheet links became ``<style>`` blocks, each opening with a comment naming
        the package, version and licence.  Attribution links (``<a href>``) and text
        inside scripts are left alone.

    Raises
    ------
    OfflineAssetError
        For a script or stylesheet URL not in the manifest, any other tag that loads an
        external resource, a stylesheet reference that cannot be inlined, or a vendored
        file missing or altered.
    """
    by_url = {a.url: a for a in vendored_assets() if a.url is not None}
    parser = _TagFinder()
    parser.feed(page)
    parser.close()
    line_starts = [0] + [m.end() for m in re.finditer("\n", page)]
    out: list[str] = []
    done = 0
    for tag in parser.tags:
        start = line_starts[tag.line - 1] + tag.column
        end = start + len(tag.text)
        url = tag.attrs.get("src") if tag.name == "script" else tag.attrs.get("href")
        if tag.name == "script" and url is not None and not url.startswith("data:"):
            asset = by_url.get(url)
            if asset is None:
                raise _unknown(url)
            close = re.compile(r"\s*</script\s*>", re.IGNORECASE).match(page, end)
            if close is None:
                raise OfflineAssetError(f"<script src={url!r}> is not followed by </script>")
            out += [page[done:start], _script_block(asset)]
            done = close.end()
        elif tag.name == "link" and url is not None and not url.startswith("data:"):
            asset = by_url.get(url)
            rel = (tag.attrs.get("rel") or "").lower().split()
            if asset is None or asset.kind != "css" or "stylesheet" not in rel:
                raise _unknown(url)
            out += [page[done:start], _style_block(asset)]
            done = end
        else:
            _refuse_external(tag)
    _refuse_external_css(parser.styles)
    out.append(page[done:])
    return "".join(out)


def _refuse_external_css(styles: list[str]) -> None:
    """Raise for a ``<style>`` block that would load from outside (``url()``, ``@import``)."""
    for css in styles:
        for match in _CSS_URL.finditer(css):
            ref = match.group(2).strip()
            if _EXTERNAL.match(ref) and not ref.lower().startswith("data:"):
                raise OfflineAssetError(f"<style> url({ref}) would load from outside")
        if re.search(r"@import\b", css, re.IGNORECASE):
            raise OfflineAssetError("<style> @import would load from outside")


@cache
def vendored_assets() -> tuple[VendoredAsset, ...]:
    """The manifest's files, each checked against its sha256 (read once per process).

    Raises
    ------
    OfflineAssetError
        When the manifest or a file is missing, or a file's sha256 differs.
    """
    try:
        manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise OfflineAssetError(
            f"{MANIFEST_PATH} is missing: the package was installed without its vendored "
            "assets (run maps/vendor/fetch_assets.py in a checkout)"
        ) from exc
    assets = tuple(
        VendoredAsset(
            file=str(a["file"]),
            kind=str(a["kind"]),
            package=str(a["package"]),
            version=str(a["version"]),
            sha256=str(a["sha256"]),
            url=a.get("url"),
            font_url_prefix=a.get("font_url_prefix"),
        )
        for a in manifest["assets"]
    )
    for asset in assets:
        if hashlib.sha256(_read(asset.file)).hexdigest() != asset.sha256:
            raise OfflineAssetError(
                f"{VENDOR_DIR / asset.file}: sha256 differs from {MANIFEST_PATH.name} "
                "(re-run maps/vendor/fetch_assets.py)"
            )
    return assets


@cache
def _licences() -> dict[tuple[str, str], str]:
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return {(p["name"], p["version"]): str(p["licence"]) for p in manifest["packages"]}


@cache
def _read(file: str) -> bytes:
    path = VENDOR_DIR / file
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise OfflineAssetError(f"{path} is missing (listed in {MANIFEST_PATH.name})") from exc


def _banner(asset: VendoredAsset) -> str:
    licence = _licences().get((asset.package, asset.version), "see its LICENSE")
    return (
        f"/* {asset.package} {asset.version} ({licence}; maps/vendor/{asset.file}), "
        f"inlined for offline use in place of {asset.url} */"
    )


@cache
def _script_block(asset: VendoredAsset) -> str:
    code = _read(asset.file).decode("utf-8")
    # inside a <script> element these two sequences would end or confuse it
    code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")
    return f'<script data-vendored="{asset.file}">{_banner(asset)}\n{code}\n</script>'


@cache
def _style_block(asset: VendoredAsset) -> str:
    css = _inline_css(_read(asset.file).decode("utf-8"), asset.file)
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return f'<style data-vendored="{asset.file}">{_banner(asset)}\n{css}\n</style>'


def _inline_css(css: str, file: str) -> str:
    """Every ``url()`` of a vendored stylesheet as a ``data:`` URI (or a local fragment)."""
    if re.search(r"@import\b", css, re.IGNORECASE):
        raise OfflineAssetError(f"maps/vendor/{file}: @import cannot be inlined")
    css = _FONT_FACE.sub(lambda m: _font_face(m.group(0), file), css)

    def replace(match: re.Match[str]) -> str:
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#")):
            return match.group(0)  # already inline; "#default#VML" is an old-IE behaviour
        if _EXTERNAL.match(ref) or ref.startswith("/"):
            raise OfflineAssetError(f"maps/vendor/{file}: url({ref}) is outside the vendored files")
        target = str(PurePosixPath(file).parent / ref.split("?")[0].split("#")[0])
        return f'url("{_data_uri(target, file)}")'

    return _CSS_URL.sub(replace, css)


def _font_face(block: str, file: str) -> str:
    """An ``@font-face`` rule whose sources are external, rebuilt on the vendored font."""
    refs = [m.group(2).strip() for m in _CSS_URL.finditer(block)]
    if all(ref.startswith("data:") for ref in refs):
        return block
    fonts = [a for a in vendored_assets() if a.font_url_prefix is not None]
    for font in fonts:
        prefix = str(font.font_url_prefix)
        if refs and all(re.sub(r"^https?:", "", ref).startswith(prefix) for ref in refs):
            kept = [
                d.strip()
                for d in block[block.index("{") + 1 : -1].split(";")
                if d.strip() and not d.strip().lower().startswith("src")
            ]
            fmt = PurePosixPath(font.file).suffix.lstrip(".")
            src = f'src:url("{_data_uri(font.file, file)}") format("{fmt}")'
            return "@font-face{" + ";".join([*kept, src]) + "}"
    raise OfflineAssetError(f"maps/vendor/{file}: no vendored font for {refs[0]}")


def _data_uri(target: str, referrer: str) -> str:
    known = {a.file for a in vendored_assets()}
    mime = _MIME.get(PurePosixPath(target).suffix.lower())
    if target not in known or mime is None:
        raise OfflineAssetError(
            f"maps/vendor/{referrer} refers to {target}, which is not a vendored image or font"
        )
    return f"data:{mime};base64,{base64.b64encode(_read(target)).decode('ascii')}"


def _unknown(url: str) -> OfflineAssetError:
    return OfflineAssetError(
        f"no vendored copy of {url}: add it to maps/vendor/fetch_assets.py and re-run it "
        "(the offline page would need the network)"
    )


def _refuse_external(tag: _Tag) -> None:
    """Any other tag loading from outside the page (an <a href> is a link, not an asset)."""
    if tag.name == "a":
        return
    for attr, value in tag.attrs.items():
        if attr in _ASSET_ATTRS and value and _EXTERNAL.match(value.strip()):
            if value.strip().lower().startswith(("data:", "blob:")):
                continue
            raise OfflineAssetError(f"<{tag.name} {attr}={value!r}> would load from outside")
    style = tag.attrs.get("style") or ""
    for match in _CSS_URL.finditer(style):
        ref = match.group(2).strip()
        if _EXTERNAL.match(ref) and not ref.lower().startswith("data:"):
            raise OfflineAssetError(f"<{tag.name} style> url({ref}) would load from outside")


@dataclass(frozen=True)
class _Tag:
    name: str
    attrs: dict[str, str | None]
    text: str  # the start tag as written
    line: int  # 1-based
    column: int  # 0-based


class _TagFinder(HTMLParser):
    """Start tags in document order, and the text of each <style>; script and style
    contents are text, not tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: list[_Tag] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(tag, attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(tag, attrs)

    def _add(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self.getpos()
        text = self.get_starttag_text() or ""
        self.tags.append(_Tag(tag, dict(attrs), text, line, column))
