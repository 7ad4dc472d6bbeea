"""Put local copies of the book's JavaScript into ``book/_static/vendor/`` (hash-checked).

The static site must work offline and load nothing from a CDN:

* ``plotly.min.js`` comes from the installed ``plotly`` Python package, so the figures and
  the library that draws them always have matching versions.
* ``require.js``, the ipywidgets embedder (``embed-amd.js``), MathJax and ONNX Runtime Web
  come from their npm packages' tarballs, downloaded from the npm registry with
  ``pooch.retrieve`` into ``helpers.data.cache_dir("npm")`` (``$TWOPLUSTWO_CACHE/npm``) and
  checked against the SHA-256 below before anything is unpacked: pooch keeps a cached
  tarball whose hash matches (so a second run is offline), downloads a missing one, and
  deletes a download with another hash. ``$NPM_CONFIG_REGISTRY`` (npm's own setting) points
  at a mirror of the registry.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import sys
import tarfile
from pathlib import Path

import pooch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # helpers from this checkout, installed or not
from helpers.data import cache_dir  # noqa: E402

VENDOR = ROOT / "book" / "_static" / "vendor"

# (package, version, sha256 of the npm tarball, folder under vendor/, prefix to strip,
#  patterns of the tarball members to keep)
NPM_PACKAGES = [
    (
        "requirejs",
        "2.3.8",
        "777158e89275e16bd51aec3ef714fbcb5dc45789e7078659933bc814916d7dec",
        "",
        "package/",
        ["package/require.js"],
    ),
    # The embedder and the icon fonts its stylesheet refers to.
    (
        "@jupyter-widgets/html-manager",
        "1.0.15",
        "2b9d65cb7913e1c7d671757a10008b32c9c2448d4429513371e55c07d6107638",
        "",
        "package/dist/",
        [
            "package/dist/embed-amd.js",
            "package/dist/*.woff2",
            "package/dist/*.woff",
            "package/dist/*.ttf",
            "package/dist/*.eot",
            "package/dist/*.svg",
        ],
    ),
    # MathJax 3 for the formulas (Sphinx would load it from a CDN), with the fonts, TeX
    # extensions, menu and accessibility parts it loads relative to tex-mml-chtml.js.
    (
        "mathjax",
        "3.2.2",
        "1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09",
        "mathjax/",
        "package/es5/",
        [
            "package/es5/tex-mml-chtml.js",
            "package/es5/output/chtml/*",
            "package/es5/input/tex/extensions/*",
            "package/es5/ui/*",
            "package/es5/a11y/*",
            "package/es5/sre/*",
        ],
    ),
    # ONNX Runtime Web for the models that run in the reader's browser (chapters 4 and 5), wasm
    # backend only: the ES-module entry point (an ES module, so require.js on widget pages can't
    # capture it as an AMD module), the wasm glue it imports and the 14 MB wasm binary.
    (
        "onnxruntime-web",
        "1.30.0",
        "d2228df7e4616bc3348bf504ee888f3bec43789a273f0a63f3e68d203ce3bf71",
        "onnxruntime/",
        "package/dist/",
        [
            "package/dist/ort.wasm.min.mjs",
            "package/dist/ort-wasm-simd-threaded.mjs",
            "package/dist/ort-wasm-simd-threaded.wasm",
        ],
    ),
]


def tarball_name(package: str, version: str) -> str:
    """The tarball's file name as ``npm pack`` writes it (``@scope/name`` -> ``scope-name-1.0.0.tgz``)."""
    return f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"


def tarball_url(package: str, version: str) -> str:
    registry = os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/").rstrip("/")
    return f"{registry}/{package}/-/{package.split('/')[-1]}-{version}.tgz"


def fetch_tarball(package: str, version: str, expected: str) -> Path:
    """The package's tarball in the cache, downloaded only if missing, its SHA-256 checked either way."""
    try:
        return Path(
            pooch.retrieve(
                tarball_url(package, version),
                known_hash=f"sha256:{expected}",
                fname=tarball_name(package, version),
                path=cache_dir("npm"),
                progressbar=False,
            )
        )
    except ValueError as error:  # pooch's hash mismatch; the download is already deleted
        sys.exit(f"{package}@{version}: {error}")


def unpack(tarball: Path, folder: str, prefix: str, patterns: list[str]) -> None:
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if member.isfile() and any(fnmatch.fnmatch(member.name, p) for p in patterns):
                destination = VENDOR / folder / member.name.removeprefix(prefix)
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.extractfile(member).read())


def main() -> None:
    import plotly

    VENDOR.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", VENDOR / "plotly.min.js")
    for package, version, expected, folder, prefix, patterns in NPM_PACKAGES:
        stamp = VENDOR / f".{tarball_name(package, version)}.ok"
        if not stamp.exists():
            unpack(fetch_tarball(package, version, expected), folder, prefix, patterns)
            stamp.touch()
    print(f"web assets ready in {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
