"""Chapter 4, Gene Lyrica One: a word-level recurrent network that writes song lyrics.

Modules, one per concern:

- ``corpus``: the Public Domain Lyrics Database (or the blog's Kaggle CSV), cleaned,
  de-duplicated, split by song.
- ``text``: tokenization (the same in Python and in the browser), vocabulary, windows.
- ``configs``: the configurations (``original``, ``gene``, ``baba``, ``tod``): one window
  per word (the blog's training) or every word of song pieces (the book's Gene Lyrica One).
- ``network``: the blog's layers, optimizer and loss, a GloVe embedding.
- ``training_data``: each configuration's training, validation and test songs (by song,
  seeded), vocabulary and windows.
- ``training``: the training loop, early stopping and best weights on validation.
- ``checkpoints``: per-epoch checkpoints, so a killed run resumes.
- ``saving``: ``.keras`` save and safe load of a trained network with its vocabulary.
- ``generation``: next-word probabilities, randomness (temperature), seeded sampling.
- ``metrics``: perplexity, top-1/top-5 accuracy, Kneser-Ney n-gram baselines (order chosen on
  validation, scored on test), repetition and copying.
- ``sequence``: the sequence-to-sequence variant the blog tried first.
- ``verdicts``: the chapter's claims, each sentence written from the numbers it rests on.
- ``figures``: the chapter's plots. ``widgets``: the JupyterLab generator.
- ``browser_export``: the model and vocabulary for the in-browser generator, and the page's app.
- ``__main__``: ``python -m helpers.lyrics generate|train``.
"""

from helpers.lyrics.browser_export import export_for_browser
from helpers.lyrics.configs import CONFIGS, TrainingConfig, get_config
from helpers.lyrics.corpus import Corpus, Song, load_corpus
from helpers.lyrics.generation import generate
from helpers.lyrics.metrics import evaluate, perplexity
from helpers.lyrics.saving import load, save
from helpers.lyrics.text import Vocabulary
from helpers.lyrics.training import train
from helpers.lyrics.training_data import prepare

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
