"""Seeded ellipse images, the three variants of the post's story, with every image's parameters.

The post trained its DCGAN on 64 px ellipses centred in the image, with semi-axes of 16 to
31 px, any angle, before moving to faces. It told three variants:

* ``"outline_color"``: an unfilled ellipse in a random colour on a white background. The GAN
  ended up drawing white squares: almost every pixel of the data is white.
* ``"white_on_black"``: an opaque white ellipse on black. Worked.
* ``"opaque_color"``: an opaque ellipse in a random colour on black. Colour blobs, then mode
  collapse.

Sizes scale with the image: at 32 px the semi-axes are 8 to 15.5 px. Each image's centre,
semi-axes, angle and colour are returned as labels, so what a generator draws can be
compared with the training set parameter by parameter (``helpers.gan.metrics``).
"""

from __future__ import annotations

import numpy as np

from helpers.checks import check_choice, check_int

VARIANTS = ("outline_color", "white_on_black", "opaque_color")
#: Background colour of each variant, RGB in [0, 1].
BACKGROUND = {"outline_color": (1.0, 1.0, 1.0), "white_on_black": (0.0, 0.0, 0.0), "opaque_color": (0.0, 0.0, 0.0)}
#: The post's semi-axes at 64 px, as a share of the image size: 16..31 px.
AXIS_RANGE = (16 / 64, 31 / 64)
#: Outline thickness as a share of the image size (2 px at 64 px, 1 px at 32 px).
OUTLINE_WIDTH = 2 / 64
#: Pixels per side at which each pixel's coverage is estimated (anti-aliasing).
SUPERSAMPLE = 4


def check_image_size(size: object, name: str = "size") -> int:
    """``size`` if it is a power of two of at least 16 (the DCGANs double 4 px up to it)."""
    size = check_int(name, size, minimum=16, maximum=1024)
    if size & (size - 1):
        raise ValueError(f"{name} must be a power of two (16, 32, 64, ...), got {size}")
    return size


def draw_ellipses(
    n: int, size: int = 32, variant: str = "opaque_color", seed: int = 0
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``n`` seeded ellipse images and their parameters.

    Returns ``(images, labels)``: ``images`` is ``float32`` of shape ``(n, size, size, 3)``
    scaled to [-1, 1] (what the tanh generator outputs); ``labels`` maps ``"cx", "cy"``
    (centre, pixels), ``"a", "b"`` (semi-axes, pixels, ``a >= b``), ``"angle"`` (degrees of
    the major axis in [0, 180), counter-clockwise from the x axis with y pointing up) and
    ``"color"`` (``(n, 3)`` RGB in [0, 1]) to arrays.
    """
    n = check_int("n", n, minimum=1)
    size = check_image_size(size)
    check_choice("variant", variant, VARIANTS)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    low, high = AXIS_RANGE[0] * size, AXIS_RANGE[1] * size
    axes = rng.uniform(low, high, size=(n, 2))
    a, b = axes.max(axis=1), axes.min(axis=1)
    angle = rng.uniform(0.0, 180.0, size=n)
    if variant == "white_on_black":
        color = np.ones((n, 3))
    else:
        # Saturated colours (random hue, high value) so that "colour" is a clear mode to count.
        color = _hsv_to_rgb(rng.uniform(0, 1, n), rng.uniform(0.6, 1.0, n), rng.uniform(0.7, 1.0, n))
    centre = np.full(n, size / 2)
    coverage = _ellipse_coverage(size, centre, centre, a, b, angle, outline=variant == "outline_color")
    background = np.asarray(BACKGROUND[variant])
    images = background + coverage[..., None] * (color[:, None, None, :] - background)
    labels = {"cx": centre.copy(), "cy": centre.copy(), "a": a, "b": b, "angle": angle, "color": color}
    return (images * 2 - 1).astype(np.float32), labels


def _ellipse_coverage(
    size: int, cx: np.ndarray, cy: np.ndarray, a: np.ndarray, b: np.ndarray, angle: np.ndarray, outline: bool
) -> np.ndarray:
    """Share of each pixel inside the ellipse (or its outline), shape ``(n, size, size)``."""
    offsets = (np.arange(SUPERSAMPLE) + 0.5) / SUPERSAMPLE
    fine = (np.arange(size)[:, None] + offsets[None, :]).ravel()  # sub-pixel centres
    x = fine[None, None, :] - cx[:, None, None]
    y = (size - fine)[None, :, None] - cy[:, None, None]  # image rows go down, y goes up
    theta = np.deg2rad(angle)[:, None, None]
    along = x * np.cos(theta) + y * np.sin(theta)
    across = -x * np.sin(theta) + y * np.cos(theta)
    radius = np.sqrt((along / a[:, None, None]) ** 2 + (across / b[:, None, None]) ** 2)
    if outline:
        # A band of constant width around the boundary: |r - 1| scaled by the local radius.
        half_width = OUTLINE_WIDTH * size / 2
        inside = np.abs(radius - 1) * np.sqrt(a * b)[:, None, None] <= half_width
    else:
        inside = radius <= 1
    n = len(a)
    return inside.reshape(n, size, SUPERSAMPLE, size, SUPERSAMPLE).mean(axis=(2, 4))


def _hsv_to_rgb(hue: np.ndarray, saturation: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Vectorised HSV -> RGB, all in [0, 1]."""
    sector = np.floor(hue * 6).astype(int) % 6
    fraction = hue * 6 - np.floor(hue * 6)
    p = value * (1 - saturation)
    q = value * (1 - fraction * saturation)
    t = value * (1 - (1 - fraction) * saturation)
    table = np.stack(
        [
            np.stack(c, -1)
            for c in ((value, t, p), (q, value, p), (p, value, t), (p, q, value), (t, p, value), (value, p, q))
        ],
        0,
    )
    return table[sector, np.arange(len(hue))]


def rgb_to_hue(rgb: np.ndarray) -> np.ndarray:
    """Hue in [0, 1) of RGB colours in [0, 1] (shape ``(..., 3)``); grey gives 0."""
    rgb = np.asarray(rgb, dtype=float)
    maximum, minimum = rgb.max(-1), rgb.min(-1)
    chroma = maximum - minimum
    safe = np.where(chroma > 0, chroma, 1)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    hue = (
        np.where(maximum == r, ((g - b) / safe) % 6, np.where(maximum == g, (b - r) / safe + 2, (r - g) / safe + 4)) / 6
    )
    return np.where(chroma > 0, hue % 1.0, 0.0)
