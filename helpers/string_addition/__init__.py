"""Chapter 3: recurrent networks that add numbers written as strings.

Modules, one per concern:

- ``seq2seq``: the Keras string-addition LSTM ("535+61" -> "596"), original and fast settings.
- ``fused_step``: the fast settings' training step (the same maths as Keras' layers, less work).
- ``long_addition``: the aligned digit-by-digit adder that adds numbers of any length.
- ``carry``: finding the carry inside the aligned adder.
- ``side_by_side``: figures that compare the two models.

``helpers.seq2seq`` and ``helpers.long_addition`` are the same modules under their older,
shorter names.
"""
