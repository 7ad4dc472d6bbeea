"""scripts/fetch_web_assets.py fetches npm tarballs with pooch, SHA-256 checked, from a local registry.

The registry is a folder served on localhost (``$NPM_CONFIG_REGISTRY``): nothing leaves the
machine.
"""

from __future__ import annotations

import functools
import http.server
import io
import sys
import tarfile
import threading

import pytest
from conftest import ROOT

from helpers.data import file_sha256

sys.path.insert(0, str(ROOT / "scripts"))
import fetch_web_assets  # noqa: E402


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """A one-package npm registry on localhost: ``(tarball path, its SHA-256, stop)``."""
    folder = tmp_path / "registry" / "@scope" / "widget" / "-"
    folder.mkdir(parents=True)
    tarball = folder / "widget-1.0.0.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        payload = b"console.log('widget');\n"
        member = tarfile.TarInfo("package/dist/widget.js")
        member.size = len(payload)
        archive.addfile(member, io.BytesIO(payload))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "registry"))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", f"http://127.0.0.1:{server.server_address[1]}/")
    monkeypatch.setenv("TWOPLUSTWO_CACHE", str(tmp_path / "cache"))
    yield tarball, file_sha256(tarball), server.shutdown
    server.shutdown()


def test_a_tarball_is_downloaded_checked_and_then_read_from_the_cache(registry, tmp_path):
    tarball, sha256, stop = registry
    fetched = fetch_web_assets.fetch_tarball("@scope/widget", "1.0.0", sha256)
    assert fetched == tmp_path / "cache" / "npm" / "scope-widget-1.0.0.tgz"  # npm pack's name
    assert file_sha256(fetched) == sha256
    stop()  # offline from now on: the cached copy is checked and used
    assert fetch_web_assets.fetch_tarball("@scope/widget", "1.0.0", sha256) == fetched


def test_a_tarball_with_another_hash_is_refused_and_not_kept(registry, tmp_path):
    _, sha256, _ = registry
    wrong = "0" * 64
    with pytest.raises(SystemExit, match="@scope/widget@1.0.0: .*" + wrong):
        fetch_web_assets.fetch_tarball("@scope/widget", "1.0.0", wrong)
    assert not (tmp_path / "cache" / "npm" / "scope-widget-1.0.0.tgz").exists()


def test_the_vendored_packages_are_pinned_by_sha256():
    for package, version, sha256, *_ in fetch_web_assets.NPM_PACKAGES:
        assert len(sha256) == 64 and int(sha256, 16) >= 0, package
        assert fetch_web_assets.tarball_url(package, version).endswith(
            f"/{package}/-/{package.split('/')[-1]}-{version}.tgz"
        )
