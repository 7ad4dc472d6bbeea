"""Per-epoch checkpoints of a training run, so that a run killed at any moment resumes.

A run's folder holds ``last.keras`` (the model with its optimizer state, after the last
completed epoch), ``best.weights.h5`` (the best weights so far), ``state.json`` (the
early-stopping state, the history and a fingerprint of the configuration, seed and data)
and ``vocabulary.json``. Every file is written to a temporary name and renamed, so a kill
never leaves half a file. A run resumes only when its fingerprint matches.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import keras


def fresh_state() -> dict:
    """The early-stopping state of a run that has not started."""
    return {"epoch": 0, "best": math.inf, "wait": 0, "best_epoch": 0, "stopped": False, "seconds": 0.0}


def atomic_write(write, path: Path) -> None:
    """Write with ``write(temporary_path)`` then rename, so a kill never leaves half a file."""
    temporary = path.with_name(f"tmp-{path.name}")
    write(str(temporary))
    os.replace(temporary, path)


def save_epoch(directory: Path, model, state: dict, history: dict) -> None:
    """The model after this epoch, with the state and the history."""
    atomic_write(lambda p: model.save(p), directory / "last.keras")
    atomic_write(
        lambda p: Path(p).write_text(json.dumps({"state": state, "history": history})), directory / "state.json"
    )


def save_best(directory: Path, model) -> None:
    """The best weights so far."""
    atomic_write(lambda p: model.save_weights(p), directory / "best.weights.h5")


def resumable(directory: Path, fingerprint: dict):
    """``(state, history, model)`` of an interrupted run with this fingerprint, or ``None``."""
    saved_state = directory / "state.json"
    if not (saved_state.exists() and (directory / "last.keras").exists()):
        return None
    saved = json.loads(saved_state.read_text())
    if saved["state"].get("fingerprint") != json.loads(json.dumps(fingerprint)):
        return None
    model = keras.models.load_model(directory / "last.keras", safe_mode=True)
    return saved["state"], saved["history"], model


def best_weights_file(directory: Path | None) -> Path | None:
    """The saved best weights of a run, if any."""
    if directory is None or not (directory / "best.weights.h5").exists():
        return None
    return directory / "best.weights.h5"
