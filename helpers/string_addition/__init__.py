"""Chapter 3: recurrent networks that add numbers written as strings.

Modules, one per concern:

- ``seq2seq``: the Keras string-addition LSTM ("535+61" -> "596"), original and fast settings,
  a subpackage (``data``, ``model``, ``settings``, ``schedules``, ``monitor``, ``training``,
  ``tables``; see its docstring).
- ``fused_step``: the fast settings' training step (the same maths as Keras' layers, less work).
- ``long_addition``: the aligned digit-by-digit adder that adds numbers of any length.
- ``carry``: finding the carry inside the aligned adder.
- ``side_by_side``: figures and tables that compare the two models, and the JupyterLab widget.
- ``adders_app``: both adders exported for the static page's in-browser app (``adders_app.js``).

Import them by full path: ``from helpers.string_addition import seq2seq, long_addition``.
"""
