"""``helpers.seq2seq`` is ``helpers.string_addition.seq2seq`` (chapter 3), under its shorter name.

The module object itself is registered under this name, so both imports give the same
module (monkeypatching one patches the other).
"""

import sys

from helpers.string_addition import seq2seq as _module

sys.modules[__name__] = _module
