"""Chapter 5 executed headless with small parameters; asserts on the values it glued."""

from __future__ import annotations

import pytest
from conftest import SMALL_PARAMETERS, glued

NAME = "05_cartoon_avatars.ipynb"

SMALL = SMALL_PARAMETERS[NAME]


@pytest.mark.notebook
def test_chapter_5_executes_and_its_results_hold(executed):
    notebook = executed(NAME)
    values = glued(notebook)
    shares = [
        "outline_color_valid",
        "white_on_black_valid",
        "opaque_color_valid",
        "opaque_color_hue_coverage",
        "white_on_black_angle_coverage",
        "faces_plain_coverage",
        "faces_fix_coverage",
        "faces_average_coverage",
        "faces_real_coverage",
        "opaque_plain_mean_hue_coverage",
        "opaque_fix_mean_hue_coverage",
        "opaque_plain_last_hue_coverage",
        "opaque_fix_last_hue_coverage",
        "outline_background_share",
    ]
    for name in shares:
        assert 0.0 <= values[name] <= 1.0, name
    # The outline data are mostly white, and a blank page is closer to them than they are to each other.
    assert values["outline_background_share"] > 0.8
    assert values["outline_blank_distance"] < values["outline_between_distance"]
    for name in ("hair", "hairColor", "skinColor", "clothingColor", "eyes"):
        assert 0.0 <= values[f"agreement_{name}"] <= 1.0, name
        assert 0.0 <= values[f"classifier_{name}"] <= 1.0, name
    assert 0.0 <= values["agreement_before_last"] <= 1.0 and 0.0 <= values["agreement_last"] <= 1.0
    below = [
        name
        for name in ("hair", "hairColor", "skinColor", "clothingColor", "eyes")
        if values[f"agreement_{name}"] < 0.8
    ]
    assert values["agreement_target"].startswith("every attribute" if not below else "it is not reached for")
    for name in ("fix_verdict", "average_verdict"):
        assert values[name].startswith(("helps", "is mixed", "does not help")), name
    assert values["ellipse_fix_verdict"].startswith(("covers more", "does not cover"))
    assert values["fix_config"] == "book_spectral"
    # The fix's summary agrees with the verdict it glued.
    fix_better = (
        values["opaque_fix_mean_hue_coverage"] > values["opaque_plain_mean_hue_coverage"]
        and values["opaque_fix_mean_pixel_diversity"] > values["opaque_plain_mean_pixel_diversity"]
    )
    assert values["ellipse_fix_verdict"].startswith("covers more") == fix_better
    for key in ("plain", "fix"):
        assert values[f"opaque_{key}_90_of_hue_bins_first"].startswith(("epoch ", "not within"))
    assert values["n_ellipses"] == SMALL["N_ELLIPSES"] and values["n_faces"] == SMALL["N_FACES"]
    assert values["ellipse_epochs"] == SMALL["ELLIPSE_EPOCHS"]
    assert 0 < values["generator_mb"] < 8
    assert values["chapter_minutes"] > 0
    # The per-epoch animations are plotly figures with one frame per epoch (+ the untrained one).
    html = [
        o["data"]["text/html"]
        for c in notebook.cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {}) and "plotly" in "".join(o["data"]["text/html"])
    ]
    assert len(html) >= 6  # 3 ellipse animations, 2 face runs, conditional, + score curves
    # Progress: one block per training run (3 ellipse variants and the fix, faces plain and fixed,
    # conditional), updated in
    # place; only the imports cell (tagged remove-stderr) writes to stderr.
    outputs = [(c, o) for c in notebook.cells for o in c.get("outputs", [])]
    blocks = [
        o["data"]["text/plain"]
        for _, o in outputs
        if o.get("output_type") == "display_data" and "\nepoch 1/" in o.get("data", {}).get("text/plain", "")
    ]
    assert len(blocks) == 7
    assert all(block.count("\nepoch ") >= SMALL["FACE_EPOCHS"] for block in blocks)
    assert not [
        c.source[:40]
        for c, o in outputs
        if o.get("name") == "stderr" and "remove-stderr" not in c.metadata.get("tags", [])
    ]
    # The in-browser app's element is on the page, with its model's hash.
    assert any(
        "twoplustwo-browser-model" in "".join(o.get("data", {}).get("text/html", ""))
        for c in notebook.cells
        for o in c.get("outputs", [])
    )
