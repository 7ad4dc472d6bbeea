"""Where the book keeps its data, and fetching data sets with their SHA-256 checked.

Two folders, both overridable with an environment variable:

* ``data_dir()``: downloaded data sets, ``$TWOPLUSTWO_DATA`` (default
  ``~/.cache/twoplustwo/data``). Tests and CI point it at a read-only local mirror
  (``../shared/data``), so nothing is downloaded while testing.
* ``cache_dir()``: what the book *generates* (rendered images, trained models, npm
  tarballs), ``$TWOPLUSTWO_CACHE`` (default ``~/.cache/twoplustwo``). Always writable.

``fetch`` looks for the file in ``data_dir()`` first and downloads it from its public
source only when it is missing. Either way the SHA-256 must match: a file with the wrong
hash is refused with a ``ValueError`` and never used (a downloaded one is deleted).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataFile:
    """One public data file: where it lives in the data folder, its source and its hash."""

    relative_path: str
    url: str
    sha256: str
    description: str = ""


def data_dir() -> Path:
    """The folder data sets are read from (``$TWOPLUSTWO_DATA``, default ``~/.cache/twoplustwo/data``)."""
    return Path(os.environ.get("TWOPLUSTWO_DATA", Path.home() / ".cache" / "twoplustwo" / "data")).expanduser()


def cache_dir(*parts: str) -> Path:
    """A writable folder for what the book generates (``$TWOPLUSTWO_CACHE``), created if missing."""
    root = Path(os.environ.get("TWOPLUSTWO_CACHE", Path.home() / ".cache" / "twoplustwo")).expanduser()
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks: the book's one file hasher (data sets, web
    assets, published models; the browser recomputes it with ``crypto.subtle.digest``)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(path: Path, expected: str) -> Path:
    """Return ``path`` if its SHA-256 is ``expected``; otherwise a ``ValueError`` saying both."""
    actual = file_sha256(path)
    if actual != expected:
        raise ValueError(
            f"{path} has SHA-256 {actual}, but {expected} was expected: the file is damaged or "
            f"not the published one. Delete it (it will be downloaded again) or point "
            f"TWOPLUSTWO_DATA at a folder with the right file."
        )
    return path


def fetch(data_file: DataFile, progress: bool = True) -> Path:
    """The local path of ``data_file``, downloaded (with pooch) only if it is not there yet.

    The hash is checked in both cases; a download with the wrong hash is deleted by pooch
    and reported as a ``ValueError``.
    """
    local = data_dir() / data_file.relative_path
    if local.exists():
        return check_sha256(local, data_file.sha256)
    import pooch

    try:
        downloaded = pooch.retrieve(
            url=data_file.url,
            known_hash=f"sha256:{data_file.sha256}",
            fname=local.name,
            path=local.parent,
            progressbar=progress,
        )
    except ValueError as error:  # pooch's hash mismatch: the file is already removed
        raise ValueError(
            f"download of {data_file.url} did not match its SHA-256 ({error}); nothing was kept"
        ) from error
    return Path(downloaded)
