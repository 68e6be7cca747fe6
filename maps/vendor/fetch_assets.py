"""Re-fetch the map reports' vendored JavaScript/CSS from the npm registry (development only).

The offline build of the map reports (:mod:`maps.offline`) inlines every script and
stylesheet the pages load, from copies kept in this folder.  This script makes those
copies reproducible: it runs ``npm pack <package>@<version>`` in a temporary folder for
each package below (the exact version that folium's templates reference), takes the
files out of the tarball, writes them with each package's licence next to them, and
writes ``MANIFEST.json``: which CDN URL each file replaces, its package, version,
licence and sha256.  Nothing is downloaded when the reports are rendered.

Then it renders the online pages (a generated day, the team overview) and checks that
the CDN URLs they load are exactly the manifest's: after a folium upgrade changes a URL,
the script fails and names it, so ``PACKAGES``/``ASSETS`` below are updated with it.

Usage (from the repository root, with npm on the PATH)::

    python maps/vendor/fetch_assets.py          # re-fetch, rewrite MANIFEST.json
    python maps/vendor/fetch_assets.py --check  # compare with npm, change nothing

Notes on the choices (also in the README):

* ``leaflet-textpath`` and ``iso8601-js-period`` ship no ``.min.js``; the ``.min.js`` URLs
  folium uses are minified by the CDN on the fly.  We vendor the package's source file.
* ``iso8601-js-period`` 0.2.1 ships no licence file; its header and ``package.json`` say
  Apache-2.0, whose text is taken from Debian's ``/usr/share/common-licenses/Apache-2.0``.
* The TimeDimension control's CSS loads the Glyphicons Halflings font (play/pause
  buttons) from Bootstrap 3.0.0's CDN; 3.0.0 is not on npm, so the font comes from
  ``bootstrap@3.4.1`` (same glyphs, same code points; woff2 only).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MANIFEST = HERE / "MANIFEST.json"
APACHE_2 = Path("/usr/share/common-licenses/Apache-2.0")


@dataclass(frozen=True)
class Package:
    """One npm package version and where its licence text is."""

    name: str
    version: str
    licence: str  # SPDX identifier, as in the package's package.json
    licence_source: str | None  # path in the tarball; None: written by _licence_text

    @property
    def folder(self) -> str:
        return f"{self.name}-{self.version}"


@dataclass(frozen=True)
class Asset:
    """One file taken from a package: a script/stylesheet (with the URL it replaces)
    or a resource a stylesheet refers to (image, font)."""

    package: str  # key of PACKAGES
    source: str  # path in the tarball
    file: str  # path under the package's folder here
    kind: str  # "js", "css", "image" or "font"
    url: str | None = None  # CDN URL replaced (scripts and stylesheets)
    font_url_prefix: str | None = None  # fonts: the @font-face URLs it stands for


PACKAGES: dict[str, Package] = {
    "leaflet": Package("leaflet", "1.9.3", "BSD-2-Clause", "package/LICENSE"),
    "jquery": Package("jquery", "3.7.1", "MIT", "package/LICENSE.txt"),
    "bootstrap": Package("bootstrap", "5.2.2", "MIT", "package/LICENSE"),
    "textpath": Package("leaflet-textpath", "1.2.3", "MIT", "package/LICENSE"),
    "timedimension": Package("leaflet-timedimension", "1.1.1", "MIT", "package/LICENSE"),
    "iso8601": Package("iso8601-js-period", "0.2.1", "Apache-2.0", None),
    "glyphicons": Package("bootstrap", "3.4.1", "MIT", "package/LICENSE"),
}

_JSD = "https://cdn.jsdelivr.net/npm"
ASSETS: tuple[Asset, ...] = (
    Asset("leaflet", "package/dist/leaflet.js", "leaflet.js", "js",
          f"{_JSD}/leaflet@1.9.3/dist/leaflet.js"),
    Asset("leaflet", "package/dist/leaflet.css", "leaflet.css", "css",
          f"{_JSD}/leaflet@1.9.3/dist/leaflet.css"),
    Asset("leaflet", "package/dist/images/layers.png", "images/layers.png", "image"),
    Asset("leaflet", "package/dist/images/layers-2x.png", "images/layers-2x.png", "image"),
    Asset("leaflet", "package/dist/images/marker-icon.png", "images/marker-icon.png", "image"),
    Asset("jquery", "package/dist/jquery.min.js", "jquery.min.js", "js",
          "https://code.jquery.com/jquery-3.7.1.min.js"),
    Asset("bootstrap", "package/dist/js/bootstrap.bundle.min.js", "bootstrap.bundle.min.js",
          "js", f"{_JSD}/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js"),
    Asset("bootstrap", "package/dist/css/bootstrap.min.css", "bootstrap.min.css", "css",
          f"{_JSD}/bootstrap@5.2.2/dist/css/bootstrap.min.css"),
    Asset("textpath", "package/leaflet.textpath.js", "leaflet.textpath.js", "js",
          f"{_JSD}/leaflet-textpath@1.2.3/leaflet.textpath.min.js"),
    Asset("iso8601", "package/iso8601.js", "iso8601.js", "js",
          f"{_JSD}/iso8601-js-period@0.2.1/iso8601.min.js"),
    Asset("timedimension", "package/dist/leaflet.timedimension.min.js",
          "leaflet.timedimension.min.js", "js",
          f"{_JSD}/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.min.js"),
    Asset("timedimension", "package/dist/leaflet.timedimension.control.css",
          "leaflet.timedimension.control.css", "css",
          f"{_JSD}/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.control.css"),
    Asset("glyphicons", "package/fonts/glyphicons-halflings-regular.woff2",
          "glyphicons-halflings-regular.woff2", "font",
          font_url_prefix="//netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/"
          "glyphicons-halflings-regular."),
)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with npm and the pages; write nothing"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="trajcheck-vendor-") as tmp:
        files, packages = _fetch(Path(tmp))
    manifest = _manifest(files, packages)
    if args.check:
        stale = [
            name
            for name, body in files.items()
            if not (HERE / name).is_file() or (HERE / name).read_bytes() != body
        ]
        old = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.is_file() else None
        if stale or old != manifest:
            print(f"vendored files differ from npm: {stale or 'MANIFEST.json'}", file=sys.stderr)
            return 1
    else:
        for name, body in files.items():
            (HERE / name).parent.mkdir(parents=True, exist_ok=True)
            (HERE / name).write_bytes(body)
        MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {len(files)} files and {MANIFEST.relative_to(ROOT)}")
    return _check_pages(manifest)


def _fetch(tmp: Path) -> tuple[dict[str, bytes], dict[str, dict[str, str]]]:
    """Every vendored file (path here -> bytes) and each package's npm metadata."""
    files: dict[str, bytes] = {}
    packages: dict[str, dict[str, str]] = {}
    for key, package in PACKAGES.items():
        spec = f"{package.name}@{package.version}"
        out = subprocess.run(
            ["npm", "pack", spec, "--json", "--pack-destination", str(tmp)],
            cwd=tmp,
            check=True,
            capture_output=True,
            text=True,
        )
        info = json.loads(out.stdout)[0]
        with tarfile.open(tmp / info["filename"], "r:gz") as tar:
            for asset in (a for a in ASSETS if a.package == key):
                files[f"{package.folder}/{asset.file}"] = _member(tar, asset.source, spec)
            source = package.licence_source
            licence = _member(tar, source, spec) if source else None
        files[f"{package.folder}/LICENSE"] = _licence_text(key, licence, files)
        packages[key] = {"integrity": info["integrity"], "shasum": info["shasum"]}
    return files, packages


def _member(tar: tarfile.TarFile, path: str, spec: str) -> bytes:
    """A file of the tarball, read in memory (nothing is extracted to disk)."""
    handle = tar.extractfile(tar.getmember(path))
    if handle is None:
        raise FileNotFoundError(f"{spec}: {path} is not a file")
    return handle.read()


def _licence_text(key: str, licence: bytes | None, files: dict[str, bytes]) -> bytes:
    if licence is not None:
        return licence
    if key != "iso8601":
        raise ValueError(f"{key}: no licence file named")
    source = files[f"{PACKAGES[key].folder}/iso8601.js"].decode("utf-8")
    header = source[: source.index("*/") + 2]
    note = (
        "iso8601-js-period 0.2.1 ships no licence file. Its source header and its\n"
        'package.json ("license": "Apache-2.0") license it under the Apache License 2.0,\n'
        "whose text follows the header (from Debian's /usr/share/common-licenses).\n\n"
    )
    return (note + header + "\n\n" + APACHE_2.read_text(encoding="utf-8")).encode("utf-8")


def _manifest(files: dict[str, bytes], packages: dict[str, dict[str, str]]) -> dict[str, object]:
    def sha(name: str) -> str:
        return hashlib.sha256(files[name]).hexdigest()

    entries = []
    for asset in ASSETS:
        package = PACKAGES[asset.package]
        name = f"{package.folder}/{asset.file}"
        entry: dict[str, str] = {"file": name, "kind": asset.kind}
        if asset.url is not None:
            entry["url"] = asset.url
        if asset.font_url_prefix is not None:
            entry["font_url_prefix"] = asset.font_url_prefix
        entry |= {"package": package.name, "version": package.version, "sha256": sha(name)}
        entries.append(entry)
    return {
        "about": "Map report assets vendored from the npm registry by maps/vendor/fetch_assets.py;"
        " maps/offline.py inlines them. url: the CDN URL the file replaces.",
        "packages": [
            {
                "name": p.name,
                "version": p.version,
                "licence": p.licence,
                "licence_file": f"{p.folder}/LICENSE",
                "licence_sha256": sha(f"{p.folder}/LICENSE"),
                "npm_integrity": packages[key]["integrity"],
            }
            for key, p in PACKAGES.items()
        ],
        "assets": entries,
    }


def _check_pages(manifest: dict[str, object]) -> int:
    """The CDN URLs our online pages load must be exactly the manifest's."""
    sys.path.insert(0, str(ROOT))
    from maps.day import render_day
    from maps.team import render_team_map
    from trajectory.testing.evaluation import verify_generated
    from trajectory.testing.scenarios import generate_day

    result = verify_generated(generate_day("compliant", 1))
    pages = [render_day(result), render_team_map([result.to_dict()])]
    loaded = {
        url
        for page in pages
        for url in re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"', page)
    }
    assets = cast(list[dict[str, str]], manifest["assets"])
    vendored = {a["url"] for a in assets if "url" in a}
    if loaded != vendored:
        print(
            f"pages load URLs not vendored: {sorted(loaded - vendored)}; "
            f"vendored but not loaded: {sorted(vendored - loaded)}",
            file=sys.stderr,
        )
        return 1
    print(f"the pages load exactly the {len(vendored)} vendored scripts and stylesheets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
