"""A trained network on disk: ``model.keras`` and ``vocabulary.json``, loaded with ``safe_mode=True``."""

from __future__ import annotations

from pathlib import Path

import keras

from helpers.lyrics.text import Vocabulary


def save(model, vocabulary: Vocabulary, directory: Path | str) -> Path:
    """Save the model (``model.keras``) and its vocabulary (``vocabulary.json``) in ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.save(directory / "model.keras")
    vocabulary.save(directory / "vocabulary.json")
    return directory


def load(directory: Path | str):
    """``(model, vocabulary)`` saved by :func:`save`, loaded with ``safe_mode=True``."""
    directory = Path(directory)
    if not (directory / "model.keras").exists() or not (directory / "vocabulary.json").exists():
        raise ValueError(f"{directory} must contain model.keras and vocabulary.json (written by helpers.lyrics.save)")
    model = keras.models.load_model(directory / "model.keras", safe_mode=True)
    return model, Vocabulary.load(directory / "vocabulary.json")
