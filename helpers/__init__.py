"""The library behind *Two Plus Two*, an executable book about neural networks that learn to add.

The tree reads like the table of contents: one subpackage per experiment, shared pieces at
the top.

Shared by every chapter:

- ``helpers.checks``: argument and parameter checks with clear ``ValueError`` messages.
- ``helpers.claims``: each sentence that states a result of the run, chosen by its outcome and glued.
- ``helpers.display``: showing plotly figures in JupyterLab, Colab and the static book, and
  training progress as one compact block per run.
- ``helpers.data``: the data and cache folders, and SHA-256-checked downloads.
- ``helpers.stacked``: training many tiny networks at once in one compiled graph.
- ``helpers.batches``: ``fit``'s own shuffled batches without tf.data's autotuning thread,
  whose end now and then stalled an epoch for seconds (chapter 3).
- ``helpers.browser``: models for the reader's browser: the site's model folder, files
  published under their hash, and the app element that ``_static/twoplustwo_models.js``
  starts with ONNX Runtime Web (chapters 4 and 5); ``export_onnx`` and the other names of
  ``helpers.onnx_export`` are importable from it too.
- ``helpers.onnx_export``: Keras models exported to ONNX, checked against ``model.predict``
  with ONNX Runtime before the file is written.

One subpackage per experiment:

- ``helpers.addition``: chapters 1 and 2, tiny networks that learn (or fail) to add two
  integers: the networks and their training, chapter 1's tables, figures and live explorer,
  chapter 2's look inside the hidden layer and the fixes that make them add; ``tables``
  formats their tables for the page.
- ``helpers.string_addition``: chapter 3, recurrent networks that add numbers written as
  strings: the Keras seq2seq example (``helpers.string_addition.seq2seq``) and its cheaper
  training step (``fused_step``: the same network and maths), the aligned
  long adder (``helpers.string_addition.long_addition``), the carry, side-by-side figures,
  and both adders for the static page's in-browser app (``adders_app``).
- ``helpers.lyrics``: chapter 4, Gene Lyrica One: the lyrics corpus, Keras tokenization,
  the blog's recurrent network and its three stories (and the book's training of it on
  every word of song pieces), generation with randomness, held-out
  perplexity against Kneser-Ney n-grams, the in-browser generator and a command line
  (``python -m helpers.lyrics``).
- ``helpers.gan``: chapter 5, cartoon avatars with GANs: seeded ellipses and DiceBear faces,
  the post's DCGAN and the book's, mode collapse measured, fixes for it (spectral
  normalisation is the chapter's), and a conditional face generator that also runs in the
  browser.
"""

__version__ = "0.1.0"
