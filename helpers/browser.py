"""Models that run in the reader's browser: where their files go, how pages name them, the app's HTML.

The static book runs some trained networks (chapter 4's lyrics generator, chapter 5's face
generator) in the reader's browser with ONNX Runtime Web (npm ``onnxruntime-web`` 1.30.0,
wasm backend, one thread, served from ``_static/vendor/onnxruntime``; never a CDN). A chapter:

1. exports its trained model into the site's model folder; the export is checked against
   ``model.predict`` on sample inputs and refused if they disagree::

       from helpers import browser
       folder = browser.site_model_dir("lyrics")           # book/_static/models/lyrics/
       onnx_file = browser.export_onnx(model, folder / "gene.onnx", sample_windows)

   Other files the page needs (a vocabulary, settings) go to the same folder, e.g. as JSON.

2. displays the app that runs it, as the cell's output::

       browser.show_browser_model("lyrics", models={"gene": onnx_file},
                                  files={"vocabulary": folder / "vocabulary.json"},
                                  config={"window": 14})

   In the built site, ``_static/twoplustwo_models.js`` finds that element, loads
   ``_static/lyrics_app.js`` (the chapter's app, see the header of twoplustwo_models.js for
   how to write one) and starts it; every model and file is fetched and its SHA-256 checked
   before use. In JupyterLab or Colab the same output is a one-line note instead (the site's
   scripts are absent there; the chapter's ipywidgets version is the one to use).

The export itself (Keras -> ONNX, checked against ``model.predict``) lives in
``helpers.onnx_export``; its public names (``export_onnx``, ``run_onnx``, ``onnx_signature``,
``OnnxMismatchError``, ...) are importable from here too, as chapters call them. File hashes
are ``helpers.data.file_sha256``.

How model files reach the site: ``site_model_dir`` is ``book/_static/models/<name>/``
(git-ignored), inside Sphinx's ``html_static_path``. Sphinx copies static files after it has
executed and written every page, so models exported while the book build executes a chapter
are served. Outside a checkout of the book (the package installed from a wheel, as in Colab)
there is no site: the models go to ``$TWOPLUSTWO_CACHE/site/_static/models`` instead, so the
chapter still runs. ``show_browser_model`` publishes each file under a name holding the start
of its SHA-256 (``gene.3f2a9c81d0e4.onnx``), so a page always refers to exactly the file it
was executed with, even when the tests re-export smaller models into the same folder; the
book's Sphinx extension (``book/_ext/twoplustwo_models.py``) fails the build when a page
refers to a missing or altered file and leaves unreferenced model files out of the built site.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from helpers.checks import check_file
from helpers.data import cache_dir, file_sha256
from helpers.onnx_export import (
    DEFAULT_TOLERANCE,
    OnnxMismatchError,
    OnnxSignature,
    TensorInfo,
    export_onnx,
    onnx_signature,
    run_onnx,
)

__all__ = [
    "DEFAULT_NOTE",
    "DEFAULT_TOLERANCE",
    "OnnxMismatchError",
    "OnnxSignature",
    "SITE_MODELS",
    "SITE_STATIC",
    "TensorInfo",
    "browser_model_html",
    "export_onnx",
    "file_sha256",
    "onnx_signature",
    "publish",
    "run_onnx",
    "show_browser_model",
    "site_model_dir",
]

#: The book's repository folder, when helpers is used from a checkout (editable install).
ROOT = Path(__file__).resolve().parent.parent
#: Sphinx's static folder: everything under it is copied to ``_build/html/_static``. Outside
#: a checkout (an installed wheel, Colab), a folder of the cache that no site serves.
SITE_STATIC = ROOT / "book" / "_static" if (ROOT / "_config.yml").is_file() else cache_dir("site") / "_static"
#: Model files for the browser, one folder per chapter app (git-ignored).
SITE_MODELS = SITE_STATIC / "models"
#: How a chapter page (``notebooks/NN_name.html``) reaches ``_static``.
PAGE_TO_STATIC = "../_static/"
#: Shown instead of the app wherever the site's scripts are absent (JupyterLab, Colab).
DEFAULT_NOTE = "This generator runs in the published book; use the widget above."
#: Characters of the SHA-256 kept in published file names.
HASH_PREFIX_LENGTH = 12

_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def site_model_dir(name: str) -> Path:
    """The folder a chapter's app exports its models to (``book/_static/models/<name>/``), created.

    ``name`` is the app's name (lower case letters, digits and ``_``), e.g. ``"lyrics"``.
    """
    _check_name("name", name)
    folder = SITE_MODELS / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def publish(path: str | os.PathLike) -> tuple[str, str]:
    """Make a file in ``book/_static/models`` available to the pages under its content name.

    Copies ``models/<app>/gene.onnx`` to ``models/<app>/gene.<sha256 prefix>.onnx`` (once) and
    returns that copy's URL relative to a chapter page, and the file's full SHA-256.
    """
    path = check_file("path", path).resolve()
    if SITE_MODELS.resolve() not in path.parents:
        raise ValueError(f"path must be inside {SITE_MODELS} (use site_model_dir(app)), got {path}")
    sha256 = file_sha256(path)
    published = path.with_name(f"{path.stem}.{sha256[:HASH_PREFIX_LENGTH]}{path.suffix}")
    if not published.exists() or file_sha256(published) != sha256:
        partial = published.with_name(published.name + ".partial")
        shutil.copyfile(path, partial)
        os.replace(partial, published)
    url = PAGE_TO_STATIC + published.relative_to(SITE_STATIC.resolve()).as_posix()
    return url, sha256


def browser_model_html(
    app: str,
    models: Mapping[str, str | os.PathLike],
    files: Mapping[str, str | os.PathLike] | None = None,
    config: Mapping[str, object] | None = None,
    note: str = DEFAULT_NOTE,
) -> str:
    """The HTML a chapter displays where its in-browser app should appear.

    Args:
        app: the app's name; the site loads ``_static/<app>_app.js``, which registers it with
            ``TwoPlusTwoModels.register("<app>", start)``.
        models: ONNX files (inside ``site_model_dir(app)``) by the name the app asks for, e.g.
            ``{"gene": ..., "baba": ...}``; the app gets a session with ``context.model(name)``.
            It may be empty for an app that only reads ``files``.
        files: other files the app needs (vocabulary JSON, ...), by name; the app reads them
            with ``context.json(name)`` / ``context.text(name)`` / ``context.bytes(name)``.
        config: JSON-serialisable settings handed to the app as ``context.config``.
        note: the text shown where the site's scripts are absent (JupyterLab, Colab).

    Every file is published under its content name (see ``publish``) and listed with its URL,
    relative to the chapter page, and its SHA-256: the page refuses a file with another hash.
    No script is inlined: the element is inert until the site's ``twoplustwo_models.js``
    starts it, so the notebook shows ``note`` and nothing fails.
    """
    _check_name("app", app)
    files = {} if files is None else files
    if not isinstance(files, Mapping):
        raise ValueError(f"files must be a dict from file name to path, got {files!r}")
    # An app without a network to run (chapter 1's trainer, chapter 2's explorer: weights
    # from a JSON file) gives models={} and at least one file.
    if not isinstance(models, Mapping) or not (models or files):
        raise ValueError(
            "models must be a non-empty dict from model name to .onnx file "
            f"(it may be empty when files are given), got {models!r}"
        )
    for kind, entries in (("models", models), ("files", files)):
        for key in entries:
            if not isinstance(key, str) or not key:
                raise ValueError(f"{kind} keys must be non-empty strings, got {key!r}")
    try:
        config_json = json.loads(json.dumps({} if config is None else dict(config), allow_nan=False))
    except (TypeError, ValueError) as error:
        raise ValueError(f"config must be JSON-serialisable (finite numbers, strings, lists, dicts): {error}") from None

    def entry(path) -> dict[str, str]:
        url, sha256 = publish(path)
        return {"url": url, "sha256": sha256}

    spec = {
        "app": app,
        "models": {key: entry(path) for key, path in models.items()},
        "files": {key: entry(path) for key, path in files.items()},
        "config": config_json,
    }
    return (
        f'<div class="twoplustwo-browser-model" data-app="{html.escape(app)}" '
        f'data-spec="{html.escape(json.dumps(spec), quote=True)}">'
        f'<p class="twoplustwo-browser-model-note"><em>{html.escape(note)}</em></p></div>'
    )


def show_browser_model(
    app: str,
    models: Mapping[str, str | os.PathLike],
    files: Mapping[str, str | os.PathLike] | None = None,
    config: Mapping[str, object] | None = None,
    note: str = DEFAULT_NOTE,
) -> None:
    """Display ``browser_model_html(...)`` as the cell's output (same arguments)."""
    from IPython.display import HTML, display

    display(HTML(browser_model_html(app, models, files=files, config=config, note=note)))


# ---------------------------------------------------------------------------------------------


def _check_name(argument: str, value: object) -> str:
    if not isinstance(value, str) or not _NAME_PATTERN.match(value):
        raise ValueError(
            f"{argument} must be a lower-case name (letters, digits, _; starting with a letter), got {value!r}"
        )
    return value
