"""The lyrics generator for the reader's browser: the network as ONNX, the vocabulary as JSON.

The page (``book/_static/lyrics_app.js``) tokenizes the seed exactly as
:mod:`helpers.lyrics.text` does, feeds windows of word ids (int32, shape ``[1, window]``)
to the ONNX model with ONNX Runtime Web, and samples with the same randomness rule as
:mod:`helpers.lyrics.generation`. The export is checked against ``model.predict`` by
:func:`helpers.browser.export_onnx`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from helpers.lyrics.text import Vocabulary

#: The site must stay light: every model file is refused above this size.
MAX_MODEL_BYTES = 8_000_000


def sample_windows(vocabulary: Vocabulary, count: int = 8, seed: int = 0) -> np.ndarray:
    """Windows to check the export on: random words, some left-padded like a short seed."""
    rng = np.random.default_rng(seed)
    windows = rng.integers(2, len(vocabulary), size=(count, vocabulary.window)).astype(np.int32)
    for row in range(0, count, 2):
        windows[row, : rng.integers(0, vocabulary.window)] = 0
    return windows


def export_for_browser(model, vocabulary: Vocabulary, directory: Path | str, name: str = "gene") -> dict[str, Path]:
    """Write ``<name>.onnx`` and ``<name>_vocabulary.json`` into ``directory``; returns their paths.

    A model file over 8 MB is a ``ValueError`` (cap the vocabulary: the output layer holds
    most of the weights).
    """
    from helpers import browser

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    onnx_path = browser.export_onnx(model, directory / f"{name}.onnx", sample_windows(vocabulary), verbose=False)
    size = onnx_path.stat().st_size
    if size > MAX_MODEL_BYTES:
        onnx_path.unlink()
        raise ValueError(
            f"the exported {name} model is {size / 1e6:.1f} MB, over the {MAX_MODEL_BYTES / 1e6:.0f} MB "
            f"limit for the site; train it with a smaller vocabulary (max_words)"
        )
    vocabulary_path = vocabulary.save(directory / f"{name}_vocabulary.json")
    return {"model": onnx_path, "vocabulary": vocabulary_path}


#: The page's generator: its networks' titles and its first settings.
APP_CONFIG = {"seed_text": "hello world", "randomness": 0.3, "words": 60}


def show_generator(networks: dict[str, tuple[object, Vocabulary, str]]) -> dict[str, float]:
    """Export each network for the site and show the in-page generator; returns each model file's MB.

    ``networks`` maps a file name (``"gene"``) to ``(model, vocabulary, title)``. The files go
    to the site's model folder (:func:`helpers.browser.site_model_dir`), the app is
    ``book/_static/lyrics_app.js``.
    """
    from helpers import browser

    folder = browser.site_model_dir("lyrics")
    exported = {
        name: export_for_browser(model, vocabulary, folder, name=name)
        for name, (model, vocabulary, _) in networks.items()
    }
    browser.show_browser_model(
        "lyrics",
        models={name: paths["model"] for name, paths in exported.items()},
        files={f"{name}_vocabulary": paths["vocabulary"] for name, paths in exported.items()},
        config={"networks": {name: title for name, (_, _, title) in networks.items()}, **APP_CONFIG},
    )
    return {name: paths["model"].stat().st_size / 1e6 for name, paths in exported.items()}
