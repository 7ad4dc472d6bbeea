"""Chapter 4, Gene Lyrica One: a word-level recurrent network that writes song lyrics.

Modules, one per concern:

- ``corpus``: the Public Domain Lyrics Database (or the blog's Kaggle CSV), cleaned,
  de-duplicated, split by song.
- ``text``: tokenization (the same in Python and in the browser), vocabulary, windows.
- ``models``: the blog's network, its configurations (``original``, ``gene``, ``baba``,
  ``tod``), training one window per word (the blog's) or every word of song pieces (the
  book's Gene Lyrica One), per-epoch checkpoints and resume, ``.keras`` save/load.
- ``generation``: next-word probabilities, randomness (temperature), seeded sampling.
- ``metrics``: perplexity, top-1/top-5 accuracy, Kneser-Ney n-gram baselines, repetition
  and copying.
- ``sequence``: the sequence-to-sequence variant the blog tried first.
- ``figures``: the chapter's plots. ``widgets``: the JupyterLab generator.
- ``browser_export``: the model and vocabulary for the in-browser generator.
- ``__main__``: ``python -m helpers.lyrics generate|train``.
"""

from helpers.lyrics.browser_export import export_for_browser
from helpers.lyrics.corpus import Corpus, Song, load_corpus
from helpers.lyrics.generation import generate
from helpers.lyrics.metrics import evaluate, perplexity
from helpers.lyrics.models import CONFIGS, TrainingConfig, get_config, load, prepare, save, train
from helpers.lyrics.text import Vocabulary

__all__ = [
    "CONFIGS",
    "Corpus",
    "Song",
    "TrainingConfig",
    "Vocabulary",
    "evaluate",
    "export_for_browser",
    "generate",
    "get_config",
    "load",
    "load_corpus",
    "perplexity",
    "prepare",
    "save",
    "train",
]
