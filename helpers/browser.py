"""Keras models that run in the reader's browser: ONNX export, checks, and the page's HTML.

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

How model files reach the site: ``site_model_dir`` is ``book/_static/models/<name>/``
(git-ignored), inside Sphinx's ``html_static_path``. Sphinx copies static files after it has
executed and written every page, so models exported while the book build executes a chapter
are served. ``show_browser_model`` publishes each file under a name holding the start of
its SHA-256 (``gene.3f2a9c81d0e4.onnx``), so a page always refers to exactly the file it was
executed with, even when the tests re-export smaller models into the same folder; the book's
Sphinx extension (``book/_ext/twoplustwo_models.py``) fails the build when a page refers to a
missing or altered file and leaves unreferenced model files out of the built site.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The book's repository folder (helpers is installed in editable mode from it).
ROOT = Path(__file__).resolve().parent.parent
#: Sphinx's static folder: everything under it is copied to ``_build/html/_static``.
SITE_STATIC = ROOT / "book" / "_static"
#: Model files for the browser, one folder per chapter app (git-ignored).
SITE_MODELS = SITE_STATIC / "models"
#: How a chapter page (``notebooks/NN_name.html``) reaches ``_static``.
PAGE_TO_STATIC = "../_static/"
#: Largest difference allowed between ONNX Runtime's outputs and ``model.predict``.
DEFAULT_TOLERANCE = 1e-4
#: Shown instead of the app wherever the site's scripts are absent (JupyterLab, Colab).
DEFAULT_NOTE = "This generator runs in the published book; use the widget above."
#: Characters of the SHA-256 kept in published file names.
HASH_PREFIX_LENGTH = 12

_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class OnnxMismatchError(RuntimeError):
    """The exported ONNX model does not compute what the Keras model computes."""


@dataclass(frozen=True)
class TensorInfo:
    """One input or output of an ONNX model: its name, shape (``None`` = any size) and dtype."""

    name: str
    shape: tuple[int | None, ...]
    dtype: str

    def __str__(self) -> str:
        dims = ", ".join("?" if size is None else str(size) for size in self.shape)
        return f"{self.name}: {self.dtype}[{dims}]"


@dataclass(frozen=True)
class OnnxSignature:
    """Inputs and outputs of an ONNX model, in the order ONNX Runtime lists them."""

    inputs: tuple[TensorInfo, ...]
    outputs: tuple[TensorInfo, ...]

    def __str__(self) -> str:
        return f"inputs {', '.join(map(str, self.inputs))}; outputs {', '.join(map(str, self.outputs))}"


def site_model_dir(name: str) -> Path:
    """The folder a chapter's app exports its models to (``book/_static/models/<name>/``), created.

    ``name`` is the app's name (lower case letters, digits and ``_``), e.g. ``"lyrics"``.
    """
    _check_name("name", name)
    folder = SITE_MODELS / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes (what the browser recomputes with ``crypto.subtle.digest``)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def onnx_signature(path: str | os.PathLike) -> OnnxSignature:
    """The input and output names, shapes and dtypes of an ONNX file, as ONNX Runtime sees them."""
    session = _session(_existing_file("path", path))

    def info(node) -> TensorInfo:
        shape = tuple(size if isinstance(size, int) else None for size in node.shape)
        dtype = node.type.removeprefix("tensor(").removesuffix(")")
        return TensorInfo(node.name, shape, {"float": "float32", "double": "float64"}.get(dtype, dtype))

    return OnnxSignature(tuple(map(info, session.get_inputs())), tuple(map(info, session.get_outputs())))


def export_onnx(
    model, path: str | os.PathLike, sample_inputs, tolerance: float = DEFAULT_TOLERANCE, verbose: bool = True
) -> Path:
    """Export a Keras model to ONNX for the browser, checked against ``model.predict``.

    Args:
        model: a built Keras 3 model (functional, sequential or loaded from a ``.keras`` file).
        path: the ``.onnx`` file to write (usually inside ``site_model_dir(app)``).
        sample_inputs: a batch the model accepts, as for ``model.predict``: one array, a list
            of arrays in the order of ``model.inputs`` (e.g. ``[noise, attribute_ids]``), or a
            dict from input name to array. The model is called on it once before the export
            (a model loaded from disk must be), and the exported file is run on it with ONNX
            Runtime.
        tolerance: the largest absolute difference allowed between ONNX Runtime's outputs and
            ``model.predict``'s.
        verbose: print one line with the file size, input/output signature and the difference.

    Returns:
        ``path``. It is only written once the check passed: a failed export leaves no file.

    Raises:
        ValueError: bad arguments (not a Keras model, no ``.onnx`` suffix, inputs that do not
            match the model's inputs).
        OnnxMismatchError: the ONNX model's outputs differ from ``model.predict`` by more than
            ``tolerance``.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, got {type(model).__name__}")
    path = Path(path)
    if path.suffix != ".onnx":
        raise ValueError(f"path must end in .onnx, got {str(path)!r}")
    tolerance = _check_tolerance(tolerance)
    inputs = _model_inputs(model, sample_inputs)

    # Keras refuses to export a model that was never called (a loaded model never was).
    model(inputs, training=False)
    expected = _as_arrays(model.predict(inputs, verbose=0))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".export-") as scratch:
        candidate = Path(scratch) / path.name
        with _quiet_export():
            model.export(str(candidate), format="onnx", verbose=False)
        actual = _run_all(candidate, inputs)
        difference = _largest_difference(expected, actual)
        if not difference <= tolerance:  # also catches NaN
            raise OnnxMismatchError(
                f"the ONNX export of {model.name!r} differs from model.predict by {difference:.3g} "
                f"(tolerance {tolerance:g}); {path} was not written"
            )
        os.replace(candidate, path)
    if verbose:
        size_mb = path.stat().st_size / 1e6
        print(
            f"{path.name}: {size_mb:.2f} MB, {onnx_signature(path)}; "
            f"largest difference from model.predict {difference:.2g}",
            flush=True,
        )
    return path


def run_onnx(path: str | os.PathLike, inputs) -> np.ndarray:
    """Run an ONNX file with ONNX Runtime (Python) and return its first output.

    ``inputs``: one array, a list of arrays in the ONNX model's input order (see
    ``onnx_signature``), or a dict from input name to array.
    """
    outputs = _run_all(_existing_file("path", path), inputs)
    return outputs[0]


def publish(path: str | os.PathLike) -> tuple[str, str]:
    """Make a file in ``book/_static/models`` available to the pages under its content name.

    Copies ``models/<app>/gene.onnx`` to ``models/<app>/gene.<sha256 prefix>.onnx`` (once) and
    returns that copy's URL relative to a chapter page, and the file's full SHA-256.
    """
    path = _existing_file("path", path).resolve()
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
    # An app without a network to run (chapter 2's explorer reads weights from a JSON file)
    # gives models={} and at least one file.
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


def _check_tolerance(tolerance: object) -> float:
    from helpers.checks import check_float

    return check_float("tolerance", tolerance, minimum=0.0)


def _existing_file(argument: str, path: str | os.PathLike) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"{argument} must be a file path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{argument}: no such file {path}")
    return path


def _model_inputs(model, sample_inputs):
    """``sample_inputs`` checked against the model's inputs (count and names), as arrays."""
    names = [tensor.name for tensor in model.inputs]
    if isinstance(sample_inputs, Mapping):
        if set(sample_inputs) != set(names):
            raise ValueError(
                f"sample_inputs must have the model's input names {sorted(names)}, "
                f"got {sorted(map(str, sample_inputs))}"
            )
        return {name: np.asarray(value) for name, value in sample_inputs.items()}
    if isinstance(sample_inputs, (list, tuple)):
        if len(sample_inputs) != len(names):
            raise ValueError(
                f"sample_inputs must hold {len(names)} arrays (the model's inputs {names}), got {len(sample_inputs)}"
            )
        return [np.asarray(value) for value in sample_inputs]
    if len(names) != 1:
        raise ValueError(f"the model has {len(names)} inputs {names}: pass sample_inputs as a list or a dict")
    array = np.asarray(sample_inputs)
    if array.ndim == 0 or array.shape[0] == 0:
        raise ValueError(f"sample_inputs must be a non-empty batch, got shape {array.shape}")
    return array


def _feeds(session, inputs) -> dict[str, np.ndarray]:
    """ONNX Runtime feeds from one array, a list in input order, or a dict by name."""
    nodes = session.get_inputs()
    names = [node.name for node in nodes]
    if isinstance(inputs, Mapping):
        if set(inputs) != set(names):
            raise ValueError(
                f"inputs must have the ONNX model's input names {sorted(names)}, got {sorted(map(str, inputs))}"
            )
        arrays = [inputs[name] for name in names]
    elif isinstance(inputs, (list, tuple)):
        if len(inputs) != len(names):
            raise ValueError(f"inputs must hold {len(names)} arrays (ONNX inputs {names}), got {len(inputs)}")
        arrays = list(inputs)
    else:
        if len(names) != 1:
            raise ValueError(f"the ONNX model has {len(names)} inputs {names}: pass a list or a dict")
        arrays = [inputs]
    numpy_types = {
        "tensor(float)": np.float32,
        "tensor(double)": np.float64,
        "tensor(int32)": np.int32,
        "tensor(int64)": np.int64,
        "tensor(bool)": np.bool_,
        "tensor(uint8)": np.uint8,
    }
    return {
        # Cast to the dtype the model declares (int64 ids from numpy into an int32 input, ...).
        node.name: np.asarray(array).astype(numpy_types.get(node.type, np.asarray(array).dtype), copy=False)
        for node, array in zip(nodes, arrays, strict=True)
    }


def _run_all(path: Path, inputs) -> list[np.ndarray]:
    session = _session(path)
    return list(session.run(None, _feeds(session, inputs)))


def _session(path: Path):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: no warnings on the chapter's stderr
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _as_arrays(outputs) -> list[np.ndarray]:
    if isinstance(outputs, Mapping):
        return [np.asarray(outputs[key]) for key in sorted(outputs)]
    if isinstance(outputs, Sequence) and not isinstance(outputs, np.ndarray):
        return [np.asarray(value) for value in outputs]
    return [np.asarray(outputs)]


def _largest_difference(expected: list[np.ndarray], actual: list[np.ndarray]) -> float:
    if len(expected) != len(actual):
        raise OnnxMismatchError(f"the ONNX model has {len(actual)} outputs, model.predict gives {len(expected)}")
    largest = 0.0
    for keras_output, onnx_output in zip(expected, actual, strict=True):
        if keras_output.shape != onnx_output.shape:
            raise OnnxMismatchError(
                f"ONNX output shape {onnx_output.shape} differs from model.predict's {keras_output.shape}"
            )
        if keras_output.size:
            largest = max(largest, float(np.max(np.abs(keras_output.astype(np.float64) - onnx_output))))
    return largest


@contextlib.contextmanager
def _quiet_export():
    """Silence tf2onnx's log lines and warnings: a chapter's output shows only our summary line."""
    loggers = [logging.getLogger(name) for name in ("tf2onnx", "tensorflow")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
