"""The library behind *Two Plus Two*, an executable book about neural networks that learn to add.

Modules, one per concern:

- ``helpers.addition``: data, models, training and scoring for the 2 + 2 MLPs (chapters 1-2).
- ``helpers.report``: tables and the check of the blog's observations (chapter 1).
- ``helpers.plots``: figures (plotly for interactive 3D, matplotlib for static curves).
- ``helpers.explorer``: ipywidgets controls that retrain a network live.
- ``helpers.checks``: argument checks with clear ``ValueError`` messages.
"""

__version__ = "0.1.0"
