"""The library behind *Two Plus Two*, an executable book about neural networks that learn to add.

Modules, one per concern:

- ``helpers.checks``: argument checks with clear ``ValueError`` messages.
- ``helpers.display``: showing plotly figures in JupyterLab, Colab and the static book.
- ``helpers.stacked``: training many tiny networks at once in one compiled graph.
- ``helpers.addition``: data, models, training and scoring for the 2 + 2 MLPs (chapters 1-2).
- ``helpers.report``: chapter 1's tables and the check of the blog's observations.
- ``helpers.plots``: figures for the addition chapters (plotly 3D, matplotlib curves).
- ``helpers.explorer``: ipywidgets controls that retrain a 2 + 2 network live.
- ``helpers.inspection``: what the hidden layer computes (chapter 2).
- ``helpers.improved``: the step-by-step fixes that make the networks add (chapter 2).
- ``helpers.explorer_widgets``: the activation explorer (chapter 2).
- ``helpers.binary_readout``: can a sigmoid layer carry a binary code? (chapter 2).
- ``helpers.seq2seq``: the Keras string-addition LSTM, original and fast (chapter 3).
- ``helpers.long_addition``: the aligned digit-by-digit adder (chapter 3).
- ``helpers.carry``: finding the carry inside the aligned adder (chapter 3).
- ``helpers.compare``: side-by-side figures of the two chapter 3 models.
"""

__version__ = "0.1.0"
