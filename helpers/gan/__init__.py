"""Chapter 5: drawing ellipses and cartoon faces with a GAN, the post "Generating cartoon avatars with GANs".

Modules, one per concern:

- ``helpers.gan.ellipses``: the three seeded ellipse data sets of the post's story, with labels.
- ``helpers.gan.faces``: cartoon faces: DiceBear "personas" rendered offline with Node (the
  Node project ``helpers/gan/avatars`` is package data, installed with npm on first use), and
  a Cartoon Set folder reader, with each face's attributes and the words the page uses for them.
- ``helpers.gan.models``: the post's DCGAN (``"original"``), the book's narrower one, the
  candidate fixes for mode collapse as named configurations (spectral normalisation, the
  chapter's fix; two time-scales; DiffAugment; packed discriminator; minibatch standard
  deviation) and the conditional networks (attributes at every generator layer, projection
  discriminator: ``conditional_config``).
- ``helpers.gan.training``: ``train_gan`` (16 fixed samples and scores per epoch, checkpoints
  and resume, an optional generator weight average, seeded DiffAugment) and its result,
  ``GanRun``.
- ``helpers.gan.metrics``: mode collapse measured: ellipses read back from image moments,
  coverage of modes, attribute classifiers and a kernel distance for faces.
- ``helpers.gan.figures``: the per-epoch samples (one static figure per run) and the score curves.
- ``helpers.gan.results``: each section's numbers, tables and claims (``helpers.claims``) as
  one call returning a small result, and the browser app's export and config.
- ``helpers.gan.widgets``: the conditional generator's attribute dropdowns (ipywidgets).

The in-browser version of the conditional generator is ``book/_static/faces_app.js``
(started by ``helpers.browser.show_browser_model("faces", ...)``).
"""

from helpers.gan.ellipses import draw_ellipses
from helpers.gan.faces import load_faces
from helpers.gan.models import CONFIGS, build_dcgan
from helpers.gan.training import GanRun, train_gan

__all__ = ["CONFIGS", "GanRun", "build_dcgan", "draw_ellipses", "load_faces", "train_gan"]
