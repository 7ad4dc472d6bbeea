"""Chapter 5's per-epoch animation works in a static page: plotly frames and a slider, no kernel.

The figure is embedded the way ``helpers.display.show_plotly`` embeds it in the book (its HTML
div with the site's local plotly.js) and opened in headless Chromium; stepping the slider or
animating to a frame must swap the picture for that epoch's.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from browser_support import serve
from conftest import ROOT

from helpers.display import plotly_bundle
from helpers.gan import draw_ellipses
from helpers.gan.figures import snapshot_animation

pytestmark = pytest.mark.browser

PLOTLY = ROOT / "book" / "_static" / "vendor" / "plotly.min.js"


def test_animation_frames_play_in_a_static_page(tmp_path, open_page):
    if not PLOTLY.exists():
        pytest.fail("plotly.js is missing: run `make assets` (python scripts/fetch_web_assets.py)")
    images, _ = draw_ellipses(48, 16, "opaque_color", seed=0)
    snapshots = np.stack([images[:16], images[16:32], images[32:48]])
    figure = snapshot_animation(snapshots, title="three epochs")
    shutil.copyfile(PLOTLY, tmp_path / "plotly.min.js")
    (tmp_path / "page.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        "<script src='plotly.min.js'></script></head>"
        f"<body>{plotly_bundle(figure)['text/html']}</body></html>"
    )
    sources = [frame.data[0].source for frame in figure.frames]
    with serve(tmp_path) as url:
        page, log = open_page(f"{url}/page.html")
        page.wait_for_function("() => document.querySelector('.plotly-graph-div image')", timeout=30_000)
        shown = "() => document.querySelector('.plotly-graph-div image').getAttribute('href')"
        # plotly's page plays the frames once on load (auto_play) and stops at the last epoch.
        page.wait_for_function(f"() => ({shown})() === {sources[-1]!r}", timeout=10_000)
        assert page.evaluate("() => document.querySelector('.plotly-graph-div')._transitionData._frames.length") == 3
        # Click the slider at its left end (the first step, "epoch 0"), as a reader would.
        rail = page.locator(".slider-rail-touch-rect").bounding_box()
        page.mouse.click(rail["x"] + 2, rail["y"] + rail["height"] / 2)
        page.wait_for_function(f"() => ({shown})() === {sources[0]!r}", timeout=10_000)
        # And the play button runs through every frame back to the last.
        page.locator(".updatemenu-button", has_text="play").click()
        page.wait_for_function(f"() => ({shown})() === {sources[-1]!r}", timeout=10_000)
        assert log.problems() == []
