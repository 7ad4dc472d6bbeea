"""``helpers.checks``: the shared argument checks (most are exercised through their callers)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks import check_bool


def test_check_bool_takes_python_and_numpy_booleans_and_refuses_the_rest():
    assert check_bool("flag", True) is True and check_bool("flag", np.False_) is False
    for value in (1, 0, "yes", None, 1.0):
        with pytest.raises(ValueError, match=f"flag must be True or False, got {value!r}"):
            check_bool("flag", value)


def test_check_file_names_the_argument_and_the_missing_file(tmp_path):
    from helpers.checks import check_file

    present = tmp_path / "model.onnx"
    present.write_bytes(b"x")
    assert check_file("path", str(present)) == present
    with pytest.raises(ValueError, match=r"path: no such file .*absent\.onnx"):
        check_file("path", tmp_path / "absent.onnx")
    with pytest.raises(ValueError, match="path must be a file path, got int"):
        check_file("path", 3)
