"""Mode collapse measured instead of eyeballed.

Ellipses: every generated image is read back as an ellipse from its image moments (the
pixels that differ from the background: their mean is the centre; the eigenvectors of their
covariance give the angle, the eigenvalues the semi-axes, since a filled ellipse of semi-axis
``a`` has variance ``a**2 / 4`` along it and a thin outline ``a**2 / 2``), and its colour is
the mean colour of those that differ most from the background (anti-aliased edges are
mixed). An image counts as a *valid ellipse* when the ellipse drawn from those parameters
overlaps its pixels well (intersection over union >= 0.8; 0.6 for the thin outlines,
compared thickened by a pixel) and its semi-axes lie in the training range. Coverage then
asks which modes of the training set the samples reach: the share of hue, angle and size
bins that receive at least a quarter of the samples the training set would put there.

Faces: small attribute classifiers trained on labelled avatars say which hair style, hair
colour, skin and clothing colour each generated face has; coverage is the share of each
attribute's values that appear, and a kernel distance (KID: the unbiased squared MMD with a
cubic polynomial kernel, as in Binkowski et al. 2018) on the classifier's features compares
the samples' spread with the real faces'. Real images scored the same way give the reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from helpers.checks import check_int
from helpers.gan.ellipses import AXIS_RANGE, OUTLINE_WIDTH, _ellipse_coverage, rgb_to_hue

HUE_BINS = 12
ANGLE_BINS = 12
SIZE_BINS = 6
#: A bin is covered when it gets at least this share of the samples the training set puts there.
COVERED_SHARE = 0.25
#: Overlap needed for a valid ellipse: filled shapes must match closely, 1-2 px outlines (thickened) less so.
VALID_IOU = {"filled": 0.8, "outline": 0.6}
#: Ellipses rounder than this have no meaningful angle; they are left out of the angle scores.
ROUND_RATIO = 1.15


def background_of(images: np.ndarray) -> np.ndarray:
    """The background colour (RGB in [0, 1]) of images in [-1, 1]: the median of their corner pixels."""
    corners = images[:, [0, 0, -1, -1], [0, -1, 0, -1], :]
    return (np.median(corners.reshape(-1, 3), axis=0) + 1) / 2


def ellipse_parameters(images: np.ndarray, background: np.ndarray, filled: bool) -> dict[str, np.ndarray]:
    """Each image's ellipse read back from its moments (see the module docstring).

    Returns arrays ``cx, cy, a, b, angle`` (as ``draw_ellipses`` labels them), ``color``
    (``(n, 3)``), ``area`` (pixels differing from the background) and ``iou`` (overlap of
    those pixels with the ellipse drawn from the recovered parameters).
    """
    rgb = (np.asarray(images, dtype=np.float64) + 1) / 2
    size = rgb.shape[1]
    difference = np.abs(rgb - np.asarray(background)).max(axis=-1)
    mask = difference > 0.5
    area = mask.sum(axis=(1, 2)).astype(float)
    x = np.arange(size) + 0.5
    y = size - x  # rows go down, y goes up
    weights = mask / np.maximum(area, 1)[:, None, None]
    cx = (weights * x[None, None, :]).sum(axis=(1, 2))
    cy = (weights * y[None, :, None]).sum(axis=(1, 2))
    dx = x[None, None, :] - cx[:, None, None]
    dy = y[None, :, None] - cy[:, None, None]
    sxx = (weights * dx * dx).sum(axis=(1, 2))
    syy = (weights * dy * dy).sum(axis=(1, 2))
    sxy = (weights * dx * dy).sum(axis=(1, 2))
    covariance = np.stack([np.stack([sxx, sxy], -1), np.stack([sxy, syy], -1)], -2)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)  # ascending
    factor = 4.0 if filled else 2.0
    a = np.sqrt(factor * np.maximum(eigenvalues[:, 1], 0))
    b = np.sqrt(factor * np.maximum(eigenvalues[:, 0], 0))
    major = eigenvectors[:, :, 1]
    angle = np.degrees(np.arctan2(major[:, 1], major[:, 0])) % 180.0
    # Colour: the pixels that differ most from the background (edges are mixed with it).
    strongest = mask & (difference >= 0.9 * difference.max(axis=(1, 2), keepdims=True))
    color = (rgb * strongest[..., None]).sum(axis=(1, 2)) / np.maximum(strongest.sum(axis=(1, 2)), 1)[:, None]
    drawn = _ellipse_coverage(size, cx, cy, np.maximum(a, 0.5), np.maximum(b, 0.5), angle, outline=not filled) > 0.5
    if not filled:
        # A 1-2 px outline misses itself by a pixel after rounding: compare both thickened by a pixel.
        drawn, mask = _dilate(drawn), _dilate(mask)
    union = (drawn | mask).sum(axis=(1, 2))
    iou = np.where(union > 0, (drawn & mask).sum(axis=(1, 2)) / np.maximum(union, 1), 0.0)
    iou = np.where(area > 0, iou, 0.0)
    return {"cx": cx, "cy": cy, "a": a, "b": b, "angle": angle, "color": color, "area": area, "iou": iou}


def _dilate(mask: np.ndarray) -> np.ndarray:
    """Boolean masks ``(n, h, w)`` grown by one pixel in the 8 directions."""
    padded = np.pad(mask, ((0, 0), (1, 1), (1, 1)))
    h, w = mask.shape[1:]
    grown = np.zeros_like(mask)
    for dy in range(3):
        for dx in range(3):
            grown |= padded[:, dy : dy + h, dx : dx + w]
    return grown


def _coverage(real_values: np.ndarray, sample_values: np.ndarray, bins: np.ndarray, n_samples: int) -> float:
    """Share of the training set's bins that get at least ``COVERED_SHARE`` of their expected samples."""
    real_share = np.histogram(real_values, bins)[0] / max(len(real_values), 1)
    counts = np.histogram(sample_values, bins)[0]
    occupied = real_share > 0
    return float((counts[occupied] >= COVERED_SHARE * real_share[occupied] * n_samples).mean())


def _total_variation(real_values: np.ndarray, sample_values: np.ndarray, bins: np.ndarray) -> float:
    """Half the L1 distance between the two histograms (0: same distribution, 1: disjoint)."""
    if len(sample_values) == 0:
        return 1.0
    p = np.histogram(real_values, bins)[0] / len(real_values)
    q = np.histogram(sample_values, bins)[0] / len(sample_values)
    return float(0.5 * np.abs(p - q).sum())


class EllipseScorer:
    """Scores generated ellipse images against a training set (call it on images in [-1, 1]).

    The scores: ``valid`` (share of valid ellipses), ``hue_coverage``, ``angle_coverage``,
    ``size_coverage`` (bins reached, counting every sample, valid or not, so that a collapse
    to one blob scores low), ``hue_tv`` and ``angle_tv`` (histogram distances among valid
    samples), ``centre_error`` (median distance from the image centre, px) and
    ``pixel_diversity`` (mean distance between two samples, relative to the training set's).
    """

    def __init__(self, images: np.ndarray, labels: dict[str, np.ndarray], n_reference: int = 2000):
        self.size = images.shape[1]
        self.background = background_of(images)
        self.filled = bool(self.background.mean() < 0.5)  # the outline variant is drawn on white
        self.colored = bool(np.ptp(labels["color"], axis=0).max() > 0.01)
        keep = slice(0, n_reference)
        self.real_hue = rgb_to_hue(labels["color"][keep])
        elongated = labels["a"][keep] / labels["b"][keep] > ROUND_RATIO
        self.real_angle = labels["angle"][keep][elongated]
        self.real_a = labels["a"][keep]
        self.axis_limits = (0.85 * AXIS_RANGE[0] * self.size, 1.15 * AXIS_RANGE[1] * self.size)
        if not self.filled:
            self.axis_limits = (self.axis_limits[0] - OUTLINE_WIDTH * self.size, self.axis_limits[1])
        self.real_diversity = _pixel_diversity(images[keep])

    def parameters(self, images: np.ndarray) -> dict[str, np.ndarray]:
        """``ellipse_parameters`` with this training set's background and fill, plus ``valid``."""
        found = ellipse_parameters(images, self.background, self.filled)
        low, high = self.axis_limits
        overlap = VALID_IOU["filled" if self.filled else "outline"]
        found["valid"] = (found["iou"] >= overlap) & (found["b"] >= low) & (found["a"] <= high)
        return found

    def __call__(self, images: np.ndarray) -> dict[str, float]:
        found = self.parameters(images)
        valid = found["valid"]
        n = len(images)
        hue_bins = np.linspace(0, 1, HUE_BINS + 1)
        angle_bins = np.linspace(0, 180, ANGLE_BINS + 1)
        size_bins = np.linspace(AXIS_RANGE[0] * self.size, AXIS_RANGE[1] * self.size, SIZE_BINS + 1)
        # Invalid samples count as misses: they go to no bin.
        hue = np.where(valid, rgb_to_hue(found["color"]), -1.0)
        elongated = valid & (found["a"] / np.maximum(found["b"], 1e-6) > ROUND_RATIO)
        angle = np.where(elongated, found["angle"], -1.0)
        size = np.where(valid, found["a"], -1.0)
        n_elongated_expected = n * len(self.real_angle) / len(self.real_a)
        scores = {
            "valid": float(valid.mean()),
            "angle_coverage": _coverage(self.real_angle, angle, angle_bins, round(n_elongated_expected)),
            "size_coverage": _coverage(self.real_a, size, size_bins, n),
            "angle_tv": _total_variation(self.real_angle, found["angle"][elongated], angle_bins),
            "centre_error": float(np.median(np.hypot(found["cx"] - self.size / 2, found["cy"] - self.size / 2))),
            "pixel_diversity": _pixel_diversity(images) / self.real_diversity,
        }
        if self.colored:
            scores["hue_coverage"] = _coverage(self.real_hue, hue, hue_bins, n)
            scores["hue_tv"] = _total_variation(self.real_hue, hue[valid], hue_bins)
        return scores


def _pixel_diversity(images: np.ndarray, pairs: int = 2000, seed: int = 0) -> float:
    """Mean RMS pixel distance between random pairs of images."""
    rng = np.random.default_rng(seed)
    first, second = rng.integers(0, len(images), (2, pairs))
    keep = first != second
    difference = images[first[keep]].astype(np.float64) - images[second[keep]]
    return float(np.sqrt((difference**2).mean(axis=(1, 2, 3))).mean())


def pixel_statistics(images: np.ndarray) -> dict[str, float]:
    """Why the outline variant collapses to white: how much of the data is background.

    ``background_share``: share of pixels equal (within 0.1) to the background;
    ``mean_distance_to_blank``: RMS distance (in [0, 1] units) between an image and a blank
    background image, against ``mean_distance_between``: between two training images.
    """
    rgb = (np.asarray(images, dtype=np.float64) + 1) / 2
    background = background_of(images)
    near = np.abs(rgb - background).max(axis=-1) < 0.1
    blank_distance = np.sqrt(((rgb - background) ** 2).mean(axis=(1, 2, 3))).mean()
    return {
        "background_share": float(near.mean()),
        "mean_distance_to_blank": float(blank_distance),
        "mean_distance_between": _pixel_diversity(images) / 2,
    }


# --- faces -------------------------------------------------------------------------------


@dataclass
class AttributeClassifier:
    """A small CNN with one softmax head per attribute, and the features before the heads."""

    model: keras.Model
    features_model: keras.Model
    counts: dict[str, int]
    holdout_accuracy: dict[str, float]
    #: Which of the training images were held out (scored, never trained on).
    holdout_index: np.ndarray | None = None

    def predict(self, images: np.ndarray) -> dict[str, np.ndarray]:
        """Each image's most likely code per attribute."""
        outputs = self.model.predict(images, batch_size=256, verbose=0)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        return {name: out.argmax(axis=1) for name, out in zip(self.counts, outputs, strict=True)}

    def features(self, images: np.ndarray) -> np.ndarray:
        """The penultimate layer, the space the kernel distance is measured in."""
        return self.features_model.predict(images, batch_size=256, verbose=0)


def holdout_split(n: int, seed: int = 0, holdout: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """``(held_out, trained_on)`` indices of ``n`` labelled images: a seeded fifth (``holdout``) held out.

    Training runs a fixed number of epochs, so the held-out part steers nothing: it only
    reports the accuracy.
    """
    order = np.random.default_rng(seed).permutation(n)
    n_holdout = max(1, int(holdout * n))
    return order[:n_holdout], order[n_holdout:]


def shared_images(images: np.ndarray, others: np.ndarray) -> int:
    """How many of ``images`` are pixel-identical to one of ``others``."""
    seen = {np.ascontiguousarray(image).tobytes() for image in others}
    return sum(np.ascontiguousarray(image).tobytes() in seen for image in images)


def train_attribute_classifier(
    images: np.ndarray,
    codes: dict[str, np.ndarray],
    counts: dict[str, int],
    epochs: int = 5,
    seed: int = 0,
    holdout: float = 0.2,
    verbose: int = 0,
) -> AttributeClassifier:
    """Train the attribute classifiers on labelled images in [-1, 1]; report held-out accuracy."""
    epochs = check_int("epochs", epochs, minimum=1)
    if not counts:
        raise ValueError("counts must name at least one attribute")
    keras.utils.set_random_seed(seed)
    test, train = holdout_split(len(images), seed, holdout)
    size = images.shape[1]
    inputs = keras.Input((size, size, 3))
    x = inputs
    for width in (32, 64, 128):
        x = keras.layers.Conv2D(width, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)  # keeps where things are: hair sits on top, clothes at the bottom
    features = keras.layers.Dense(128, activation="relu", name="features")(x)
    heads = [keras.layers.Dense(count, activation="softmax", name=name)(features) for name, count in counts.items()]
    model = keras.Model(inputs, heads)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=["sparse_categorical_crossentropy"] * len(heads))
    targets = [np.asarray(codes[name])[train] for name in counts]
    model.fit(images[train], targets, batch_size=32, epochs=epochs, verbose=verbose, shuffle=True)
    classifier = AttributeClassifier(model, keras.Model(inputs, features), dict(counts), {}, test)
    predicted = classifier.predict(images[test])
    classifier.holdout_accuracy = {
        name: float((predicted[name] == np.asarray(codes[name])[test]).mean()) for name in counts
    }
    return classifier


def kernel_distance(real_features: np.ndarray, fake_features: np.ndarray) -> float:
    """KID: unbiased squared MMD with the kernel ``(x . y / d + 1) ** 3`` (0 when the sets match)."""
    d = real_features.shape[1]

    def kernel(x, y):
        return (x @ y.T / d + 1) ** 3

    m, n = len(real_features), len(fake_features)
    k_rr, k_ff, k_rf = (
        kernel(real_features, real_features),
        kernel(fake_features, fake_features),
        kernel(real_features, fake_features),
    )
    return float(
        (k_rr.sum() - np.trace(k_rr)) / (m * (m - 1)) + (k_ff.sum() - np.trace(k_ff)) / (n * (n - 1)) - 2 * k_rf.mean()
    )


class FaceScorer:
    """Scores generated faces with an ``AttributeClassifier`` (call it on images in [-1, 1]).

    ``coverage_<attribute>``: share of the attribute's values predicted for at least
    ``COVERED_SHARE`` of the samples the training set would give it; ``coverage``: their mean;
    ``kid``: kernel distance to the real faces' features. Called with ``conditions`` (the
    requested codes of a conditional generator) it adds ``agreement_<attribute>``: share of
    faces whose predicted value is the requested one.
    """

    def __init__(
        self,
        classifier: AttributeClassifier,
        real_images: np.ndarray,
        real_codes: dict[str, np.ndarray],
        n_reference: int = 1000,
    ):
        self.classifier = classifier
        features = classifier.features(real_images[:n_reference])
        # One scale for all features (their real RMS) keeps the kernel's values near 1.
        self.feature_scale = float(np.sqrt((features**2).mean())) or 1.0
        self.real_features = features / self.feature_scale
        self.real_share = {
            name: np.bincount(np.asarray(real_codes[name]), minlength=count) / len(real_codes[name])
            for name, count in classifier.counts.items()
        }

    def __call__(self, images: np.ndarray, conditions: dict[str, np.ndarray] | None = None) -> dict[str, float]:
        predicted = self.classifier.predict(images)
        n = len(images)
        scores = {}
        for name, count in self.classifier.counts.items():
            counts = np.bincount(predicted[name], minlength=count)
            occupied = self.real_share[name] > 0
            scores[f"coverage_{name}"] = float(
                (counts[occupied] >= COVERED_SHARE * self.real_share[name][occupied] * n).mean()
            )
        scores["coverage"] = float(np.mean([scores[f"coverage_{name}"] for name in self.classifier.counts]))
        scores["kid"] = kernel_distance(self.real_features, self.classifier.features(images) / self.feature_scale)
        if conditions:
            for name in self.classifier.counts:
                if name in conditions:
                    scores[f"agreement_{name}"] = float((predicted[name] == np.asarray(conditions[name])).mean())
        return scores


def first_epoch_reaching(scores: list[dict], name: str, level: float) -> int | None:
    """The first epoch (index into per-epoch ``scores``, 0 = untrained) where ``name`` >= ``level``; None if none."""
    for epoch, values in enumerate(scores):
        if values.get(name, -np.inf) >= level:
            return epoch
    return None


def collapse_summary(scores: list[dict], names: tuple[str, ...] = ("hue_coverage", "valid", "pixel_diversity")) -> dict:
    """Per-epoch scores of one run condensed: each score's mean over the trained epochs and its last value.

    Keys are worded for a table: ``"mean hue coverage"``, ``"last hue coverage"``, ...
    """
    trained = scores[1:]
    summary = {}
    for name in names:
        values = [m[name] for m in trained if name in m]
        if values:
            worded = name.replace("_", " ")
            summary[f"mean {worded}"] = float(np.mean(values))
            summary[f"last {worded}"] = float(values[-1])
    return summary
