"""Keras models exported to ONNX for the reader's browser, and checked before anything uses them.

``export_onnx`` writes a Keras 3 model as an ONNX file only once ONNX Runtime, run on sample
inputs, gives what ``model.predict`` gives (within ``tolerance``); a failed export leaves no
file. ``run_onnx`` and ``onnx_signature`` run and describe such a file with ONNX Runtime in
Python, the same runtime (compiled to WebAssembly) that the published page uses. Keras does
the export (``model.export(format="onnx")``, through tf2onnx and onnx).

Chapters reach these through ``helpers.browser`` (``browser.export_onnx(...)``), which puts
the file where the site serves it; see that module for the rest of the way to the page.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.checks import check_file, check_float
from helpers.display import ProgressBlock

#: Largest difference allowed between ONNX Runtime's outputs and ``model.predict``.
DEFAULT_TOLERANCE = 1e-4


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


def onnx_signature(path: str | os.PathLike) -> OnnxSignature:
    """The input and output names, shapes and dtypes of an ONNX file, as ONNX Runtime sees them."""
    session = _session(check_file("path", path))

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
        verbose: show one line (a ``helpers.display.ProgressBlock``) with the file size, the
            input/output signature and the difference.

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
    tolerance = check_float("tolerance", tolerance, minimum=0.0)
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
        ProgressBlock().add(
            f"{path.name}: {size_mb:.2f} MB, {onnx_signature(path)}; "
            f"largest difference from model.predict {difference:.2g}"
        )
    return path


def run_onnx(path: str | os.PathLike, inputs) -> np.ndarray:
    """Run an ONNX file with ONNX Runtime (Python) and return its first output.

    ``inputs``: one array, a list of arrays in the ONNX model's input order (see
    ``onnx_signature``), or a dict from input name to array.
    """
    outputs = _run_all(check_file("path", path), inputs)
    return outputs[0]


# ---------------------------------------------------------------------------------------------


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
