"""Unit tests for helpers.gan: data, networks, training (seeds, checkpoints), metrics, figures."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from helpers.gan import build_dcgan, draw_ellipses, load_faces, train_gan
from helpers.gan import faces as faces_module
from helpers.gan.figures import epochs_shown, grid, snapshot_epochs
from helpers.gan.metrics import EllipseScorer, FaceScorer, kernel_distance, pixel_statistics, train_attribute_classifier
from helpers.gan.training import check_images

# --- ellipses ------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["outline_color", "white_on_black", "opaque_color"])
def test_ellipses_are_seeded_labelled_and_in_range(variant):
    images, labels = draw_ellipses(50, size=32, variant=variant, seed=3)
    again, _ = draw_ellipses(50, size=32, variant=variant, seed=3)
    other, _ = draw_ellipses(50, size=32, variant=variant, seed=4)
    assert images.shape == (50, 32, 32, 3) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    np.testing.assert_array_equal(images, again)
    assert not np.array_equal(images, other)
    assert set(labels) == {"cx", "cy", "a", "b", "angle", "color"}
    assert (labels["a"] >= labels["b"]).all() and labels["a"].max() <= 31 / 2 and labels["b"].min() >= 8
    assert ((labels["angle"] >= 0) & (labels["angle"] < 180)).all()


def test_moments_recover_the_drawn_ellipses():
    for variant in ("outline_color", "white_on_black", "opaque_color"):
        train, train_labels = draw_ellipses(1000, 32, variant, seed=0)
        scorer = EllipseScorer(train, train_labels)
        images, labels = draw_ellipses(200, 32, variant, seed=1)
        found = scorer.parameters(images)
        assert np.abs(found["a"] - labels["a"]).mean() < 0.6, variant
        assert np.abs(found["b"] - labels["b"]).mean() < 0.6, variant
        elongated = labels["a"] / labels["b"] > 1.2
        angle_error = np.abs((found["angle"] - labels["angle"] + 90) % 180 - 90)[elongated]
        assert np.median(angle_error) < 8, variant
        if variant != "white_on_black":
            assert np.abs(found["color"] - labels["color"]).mean() < 0.08, variant
        scores = scorer(images)
        # Real images are the reference: nearly all valid, every bin reached.
        assert scores["valid"] >= 0.95 and scores["size_coverage"] == 1.0 and scores["angle_coverage"] >= 0.9


def test_collapse_scores_low_and_blank_scores_zero():
    train, labels = draw_ellipses(1000, 32, "opaque_color", seed=0)
    scorer = EllipseScorer(train, labels)
    one = np.repeat(train[:1], 256, axis=0)  # total mode collapse: one ellipse drawn 256 times
    scores = scorer(one)
    assert scores["valid"] == 1.0
    assert scores["hue_coverage"] <= 1 / 6 and scores["angle_coverage"] <= 1 / 6 and scores["pixel_diversity"] == 0
    blank = np.full_like(one, -1.0)
    assert scorer(blank)["valid"] == 0.0 and scorer(blank)["hue_coverage"] == 0.0


def test_outline_data_is_mostly_background():
    images, _ = draw_ellipses(300, 32, "outline_color", seed=0)
    stats = pixel_statistics(images)
    assert stats["background_share"] > 0.8
    # A blank white image is closer to the training images than they are to each other.
    assert stats["mean_distance_to_blank"] < stats["mean_distance_between"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n=0), "n must be at least 1"),
        (dict(n=4, size=24), "power of two"),
        (dict(n=4, size=8), "size must be at least 16"),
        (dict(n=4, variant="filled"), "variant must be one of"),
    ],
)
def test_ellipses_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_ellipses(**kwargs)


# --- networks ------------------------------------------------------------------------------


def test_original_dcgan_has_the_posts_sizes():
    generator, discriminator = build_dcgan(64, "original")
    assert generator.output_shape == (None, 64, 64, 3)
    assert 18_800_000 < generator.count_params() < 19_000_000
    assert 1_000_000 < discriminator.count_params() < 1_100_000


def test_book_dcgan_shapes_and_bad_config():
    generator, discriminator = build_dcgan(32, "book")
    assert generator.output_shape == (None, 32, 32, 3) and discriminator.output_shape == (None, 1)
    assert [layer.filters for layer in generator.layers if hasattr(layer, "filters")] == [64, 32, 3]
    with pytest.raises(ValueError, match="config must be one of"):
        build_dcgan(32, "huge")
    with pytest.raises(ValueError, match="power of two"):
        build_dcgan(48, "book")


# --- training ------------------------------------------------------------------------------

TINY = dict(config="book", seed=1, batch_size=16, n_score=32, verbose=False)


def tiny_ellipses():
    return draw_ellipses(64, 16, "opaque_color", seed=0)


def test_train_gan_snapshots_metrics_and_determinism():
    images, labels = tiny_ellipses()
    run = train_gan(images, epochs=2, labels=labels, **TINY)
    assert run.snapshots.shape == (3, 16, 16, 16, 3) and run.epochs == 2
    assert len(run.metrics) == 3 and {"valid", "hue_coverage", "angle_coverage"} <= set(run.metrics[-1])
    assert run.reference["valid"] >= 0.9
    assert len(run.seconds) == 2 and len(run.losses["generator"]) == 2
    again = train_gan(images, epochs=2, labels=labels, **TINY)
    np.testing.assert_array_equal(run.snapshots, again.snapshots)
    other = train_gan(images, epochs=1, labels=labels, **{**TINY, "seed": 2})
    assert not np.array_equal(run.snapshots[1], other.snapshots[1])
    assert list(run.metrics_table().index) == [0, 1, 2]


def test_killed_training_resumes_from_its_checkpoint(tmp_path):
    images, labels = tiny_ellipses()
    whole = train_gan(images, epochs=3, labels=labels, **TINY)
    killed = train_gan(images, epochs=3, labels=labels, checkpoint_dir=tmp_path, stop_after=1, **TINY)
    assert killed.epochs == 1 and (tmp_path / "gan_state.npz").exists()
    resumed = train_gan(images, epochs=3, labels=labels, checkpoint_dir=tmp_path, **TINY)
    assert resumed.epochs == 3
    np.testing.assert_allclose(resumed.snapshots, whole.snapshots, atol=1e-5)
    assert resumed.losses["generator"] == pytest.approx(whole.losses["generator"], abs=1e-4)
    with pytest.raises(ValueError, match="checkpoint_dir holds a run with other"):
        train_gan(images, epochs=3, labels=labels, checkpoint_dir=tmp_path, **{**TINY, "seed": 5})


def test_generator_average_is_scored_beside_and_resumes(tmp_path):
    images, labels = tiny_ellipses()
    whole = train_gan(images, epochs=2, labels=labels, average=0.9, **TINY)
    plain = train_gan(images, epochs=2, labels=labels, **TINY)
    # The average never feeds back: the trained generator is the plain run's.
    np.testing.assert_array_equal(whole.snapshots, plain.snapshots)
    assert whole.average_snapshots.shape == whole.snapshots.shape and len(whole.average_metrics) == 3
    assert not np.allclose(whole.average_snapshots[-1], whole.snapshots[-1])
    assert whole.generate(3, average=True).shape == (3, 16, 16, 3)
    with pytest.raises(ValueError, match="average=True needs a run trained with average"):
        plain.generate(3, average=True)
    train_gan(images, epochs=2, labels=labels, average=0.9, checkpoint_dir=tmp_path, stop_after=1, **TINY)
    resumed = train_gan(images, epochs=2, labels=labels, average=0.9, checkpoint_dir=tmp_path, **TINY)
    np.testing.assert_allclose(resumed.average_snapshots, whole.average_snapshots, atol=1e-5)


def test_packed_and_conditional_runs():
    images, labels = tiny_ellipses()
    packed = train_gan(images, config="book_packed", epochs=1, **{k: v for k, v in TINY.items() if k != "config"})
    assert packed.discriminator.input_shape == (None, 16, 16, 6)
    codes = {"shade": np.arange(64) % 3}
    conditional = train_gan(images, epochs=1, labels=codes, conditional_on={"shade": 3}, **TINY)
    assert conditional.generator.input_shape == [(None, 100), (None, 3)]
    drawn = conditional.generate(5, seed=0, conditions={"shade": np.array([0, 1, 2, 0, 1])})
    assert drawn.shape == (5, 16, 16, 3)
    with pytest.raises(ValueError, match="conditions\\['shade'\\] must hold codes 0..2"):
        conditional.generate(2, conditions={"shade": np.array([0, 3])})


def test_candidate_fixes_build_train_and_resume(tmp_path):
    from dataclasses import replace

    from helpers.gan.models import CONFIGS, get_config

    images, labels = tiny_ellipses()
    rest = {k: v for k, v in TINY.items() if k != "config"}
    ttur = train_gan(images, config="book_ttur", epochs=1, **rest)
    assert ttur.config.discriminator_learning_rate == 4 * ttur.config.learning_rate
    spectral = train_gan(images, config="book_spectral", epochs=1, **rest)
    kinds = {type(layer).__name__ for layer in spectral.discriminator.layers}
    assert "SpectralNormalization" in kinds and "BatchNormalization" not in kinds
    # DiffAugment draws its randomness from the seed: same seed, same run; a killed run resumes exactly.
    whole = train_gan(images, config="book_diffaugment", epochs=2, labels=labels, **rest)
    again = train_gan(images, config="book_diffaugment", epochs=2, labels=labels, **rest)
    np.testing.assert_array_equal(whole.snapshots, again.snapshots)
    train_gan(images, config="book_diffaugment", epochs=2, checkpoint_dir=tmp_path, stop_after=1, **rest)
    resumed = train_gan(images, config="book_diffaugment", epochs=2, checkpoint_dir=tmp_path, **rest)
    np.testing.assert_allclose(resumed.snapshots, whole.snapshots, atol=1e-5)
    with pytest.raises(ValueError, match="config.augment must hold only"):
        get_config(replace(CONFIGS["book"], augment=("flip",)))


def test_diff_augment_translates_and_recolours_differentiably():
    import tensorflow as tf

    from helpers.gan.training import augment

    images = tf.constant(np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 3)).astype(np.float32))
    seed = tf.constant([3, 4], dtype=tf.int32)
    shifted = augment(images, ("translation",), seed).numpy()
    assert shifted.shape == images.shape
    np.testing.assert_array_equal(shifted, augment(images, ("translation",), seed).numpy())
    # A translation moves pixels: each image is its own shifted copy with a zero border (at most 2 px here).
    moved = 0
    for original, result in zip(images.numpy(), shifted, strict=True):
        matches = [
            (dy, dx)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
            if np.allclose(
                result[max(dy, 0) : 16 + min(dy, 0), max(dx, 0) : 16 + min(dx, 0)],
                original[max(-dy, 0) : 16 + min(-dy, 0), max(-dx, 0) : 16 + min(-dx, 0)],
            )
        ]
        assert matches
        moved += matches[0] != (0, 0)
    assert moved > 0
    with tf.GradientTape() as tape:
        tape.watch(images)
        total = tf.reduce_sum(augment(images, ("translation", "color"), seed))
    assert float(tf.reduce_sum(tf.abs(tape.gradient(total, images)))) > 0


def test_conditioning_at_every_generator_layer():
    from dataclasses import replace

    from helpers.gan.models import CONFIGS, build_generator

    plain = build_generator(32, "book", condition_dim=5)
    every = build_generator(32, replace(CONFIGS["book"], condition_every_layer=True), condition_dim=5)
    assert every.input_shape == plain.input_shape and every.output_shape == (None, 32, 32, 3)
    widths = [layer.kernel.shape[-1] for layer in every.layers if type(layer).__name__ == "Conv2DTranspose"]
    plain_widths = [layer.kernel.shape[-1] for layer in plain.layers if type(layer).__name__ == "Conv2DTranspose"]
    assert [w - p for w, p in zip(widths, plain_widths, strict=True)] == [5, 5, 5]  # inputs grew by the one-hot


def test_projection_discriminator_trains_on_the_attributes():
    from helpers.gan.models import conditional_config

    images, _ = tiny_ellipses()
    codes = {"shade": np.arange(64) % 3}
    config = conditional_config("book", class_weight=2.0, condition_every_layer=True, projection=True)
    rest = {k: v for k, v in TINY.items() if k != "config"}
    run = train_gan(images, config=config, epochs=1, labels=codes, conditional_on={"shade": 3}, **rest)
    assert run.discriminator.input_shape == [(None, 16, 16, 3), (None, 3)]
    assert run.config.class_weight == 2.0 and run.config.name == "book_conditional"
    with pytest.raises(ValueError, match="projection must be True or False"):
        conditional_config("book", projection="yes")
    with pytest.raises(ValueError, match="class_weight must be"):
        conditional_config("book", class_weight=-1.0)


@pytest.mark.parametrize(
    "images, message",
    [
        (np.zeros((0, 32, 32, 3), np.float32), "at least one image"),
        (np.zeros((4, 24, 24, 3), np.float32), "power of two"),
        (np.zeros((4, 32, 32, 3), np.float32) + 2, "scaled to \\[-1, 1\\]"),
        (np.zeros((4, 32, 32), np.float32), "shape \\(n, size, size, 3\\)"),
    ],
)
def test_train_gan_bad_images(images, message):
    with pytest.raises(ValueError, match=message):
        check_images(images)
    with pytest.raises(ValueError, match=message):
        train_gan(images, epochs=1, verbose=False)


def test_train_gan_bad_conditional_labels():
    images, _ = tiny_ellipses()
    with pytest.raises(ValueError, match="labels has no attribute 'hair'"):
        train_gan(images, epochs=1, labels={"skin": np.zeros(64, int)}, conditional_on={"hair": 3}, verbose=False)


# --- faces ---------------------------------------------------------------------------------


def test_node_and_npm_are_installed():
    # The README requires Node.js with npm (chapter 5 renders its faces with it): missing, it fails.
    missing = [name for name in ("node", "npm") if shutil.which(name) is None]
    assert not missing, f"{' and '.join(missing)} not found: chapter 5 needs Node.js 18 or newer with npm (README)"


def test_the_avatar_renderer_is_package_data():
    # A wheel (Colab) carries the Node project: it lives inside helpers, and pyproject lists its files.
    from fnmatch import fnmatch

    import tomllib
    from conftest import ROOT

    project = faces_module.NODE_PROJECT
    assert ROOT / "helpers" in project.parents
    files = {"render.mjs", "package.json", "package-lock.json"}
    assert files <= {path.name for path in project.iterdir()}
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["helpers.gan"]
    unlisted = [name for name in sorted(files) if not any(fnmatch(f"avatars/{name}", pattern) for pattern in listed)]
    assert unlisted == [], f"pyproject's package-data for helpers.gan misses {unlisted}"


def test_dicebear_faces_are_seeded_and_labelled():
    images, codes = load_faces(12, size=32, seed=0)
    again, codes_again = load_faces(12, size=32, seed=0)
    assert images.shape == (12, 32, 32, 3) and images.min() >= -1 and images.max() <= 1
    np.testing.assert_array_equal(images, again)
    assert set(codes) == set(faces_module.ATTRIBUTES)
    for name, values in codes.items():
        np.testing.assert_array_equal(values, codes_again[name])
        assert values.min() >= 0 and values.max() < len(faces_module.ATTRIBUTES[name])
    # The same attributes always render the same face, whatever else is in the batch.
    first = {name: values[:1] for name, values in codes.items()}
    single = faces_module.render_dicebear(first, 32)
    np.testing.assert_array_equal(single[0], np.rint((images[0] + 1) * 127.5).astype(np.uint8))
    # Different clothing colour, different pixels in the bottom rows (where the clothes are).
    recoloured = dict(first, clothingColor=(first["clothingColor"] + 1) % 7)
    assert not np.array_equal(faces_module.render_dicebear(recoloured, 32)[0, -4:], single[0, -4:])


def test_unknown_attribute_values_are_refused():
    with pytest.raises(ValueError, match="hair has no value 'afro'"):
        faces_module.encode("hair", ["long", "afro"])
    with pytest.raises(ValueError, match="unknown attribute 'hat'"):
        faces_module.encode("hat", ["cap"])
    with pytest.raises(ValueError, match="codes must be in 0..6"):
        faces_module.codes_to_values({"skinColor": np.array([7])})


def test_no_node_gives_a_clear_error(monkeypatch):
    monkeypatch.setattr(faces_module.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="needs Node.js 18 or newer"):
        faces_module.node_project()


def write_cartoon_set(folder, n=3, size=40):
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for index in range(n):
        pixels = rng.integers(0, 256, (size, size, 4), dtype=np.uint8)
        pixels[..., 3] = 255
        Image.fromarray(pixels, "RGBA").save(folder / f"cs{index:04d}.png")
        (folder / f"cs{index:04d}.csv").write_text(f'"eye_angle", {index % 3}, 3\n"hair", {index}, 111\n')
    return folder


def test_cartoon_set_reader(tmp_path):
    folder = write_cartoon_set(tmp_path / "cartoonset10k")
    images, codes = load_faces(3, size=16, source=folder)
    assert images.shape == (3, 16, 16, 3) and images.min() >= -1 and images.max() <= 1
    assert list(codes) == ["eye_angle", "hair"]
    assert codes["eye_angle"].tolist() == [0, 1, 2] and codes["hair"].tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="n is 4, but the Cartoon Set folder"):
        load_faces(4, size=16, source=folder)
    with pytest.raises(ValueError, match="power of two"):
        load_faces(2, size=20, source=folder)


def test_cartoon_set_bad_folders(tmp_path):
    folder = write_cartoon_set(tmp_path / "no_csv")
    for table in folder.glob("*.csv"):
        table.unlink()
    with pytest.raises(ValueError, match="has no CSV files"):
        load_faces(2, source=folder)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no PNG images"):
        load_faces(1, source=tmp_path / "empty")
    with pytest.raises(ValueError, match="'dicebear' or a Cartoon Set folder"):
        load_faces(1, source=str(tmp_path / "missing"))


def test_face_scorer_and_kernel_distance():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(300, 8))
    assert abs(kernel_distance(features[:150], features[150:])) < 0.05
    assert kernel_distance(features[:150], features[150:] + 1.0) > 0.5
    # Two-colour "faces": the classifier must tell the colours apart, and a one-colour generator covers half.
    codes = {"shade": np.arange(128) % 2}
    images = np.where(codes["shade"][:, None, None, None] == 0, -0.8, 0.8).astype(np.float32) * np.ones((1, 16, 16, 3))
    classifier = train_attribute_classifier(images, codes, {"shade": 2}, epochs=8, seed=0)
    assert classifier.holdout_accuracy["shade"] == 1.0
    scorer = FaceScorer(classifier, images, codes)
    assert scorer(images)["coverage"] == 1.0
    collapsed = scorer(images[codes["shade"] == 0], {"shade": np.ones(64, int)})
    assert collapsed["coverage_shade"] == 0.5 and collapsed["agreement_shade"] == 0.0


def test_classifier_held_out_faces_steer_nothing():
    # Issue 16: the attribute classifiers' held-out part only reports. Replace every held-out
    # image and label by something else: the trained weights are the same, only the score moves.
    from helpers.gan.metrics import holdout_split, shared_images

    rng = np.random.default_rng(1)
    codes = {"shade": rng.integers(0, 2, 60)}
    images = np.where(codes["shade"][:, None, None, None] == 0, -0.6, 0.6) * np.ones((1, 16, 16, 3))
    images = (images + rng.normal(0, 0.1, images.shape)).clip(-1, 1).astype(np.float32)
    held_out, trained_on = holdout_split(60, seed=2)
    assert len(held_out) == 12 and not set(held_out) & set(trained_on)
    swapped_images, swapped_codes = images.copy(), {"shade": codes["shade"].copy()}
    swapped_images[held_out] = rng.uniform(-1, 1, swapped_images[held_out].shape)
    swapped_codes["shade"][held_out] = 1 - swapped_codes["shade"][held_out]
    first = train_attribute_classifier(images, codes, {"shade": 2}, epochs=2, seed=2)
    second = train_attribute_classifier(swapped_images, swapped_codes, {"shade": 2}, epochs=2, seed=2)
    np.testing.assert_array_equal(first.holdout_index, held_out)
    for a, b in zip(first.model.get_weights(), second.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert first.holdout_accuracy != second.holdout_accuracy
    assert shared_images(images[:5], images) == 5 and shared_images(swapped_images[held_out], images) == 0


# --- figures -------------------------------------------------------------------------------


def test_snapshot_epochs_shows_one_labelled_grid_per_epoch():
    import matplotlib.pyplot as plt

    images, labels = tiny_ellipses()
    snapshots = np.stack([images[:16], images[16:32], images[32:48]])
    figure = snapshot_epochs(snapshots, title="three epochs")
    titles = [ax.get_title() for ax in figure.axes if ax.get_images()]
    assert titles == ["untrained", "epoch 1", "epoch 2"]
    np.testing.assert_array_equal(figure.axes[2].get_images()[0].get_array(), grid(images[32:48]))
    plt.close(figure)
    assert grid(images[:16]).shape == (4 * 17 - 1, 4 * 17 - 1, 3)
    # Fifty epochs: twelve of them, evenly spaced, the first and the last among them.
    assert epochs_shown(50) == [0, 5, 9, 14, 18, 23, 27, 32, 36, 41, 45, 50]
    assert epochs_shown(10) == list(range(11))
    with pytest.raises(ValueError, match="snapshots must have shape"):
        snapshot_epochs(images)


def test_metric_curves_draw_one_panel_per_score_with_the_references():
    import matplotlib.pyplot as plt

    from helpers.gan.figures import metric_curves

    runs = {"plain": [{"valid": 0.1, "kid": 2.0}, {"valid": 0.5, "kid": 1.0}], "fix": [{"valid": 0.2}, {"valid": 0.9}]}
    figure = metric_curves(runs, ["valid", "kid"], references={"plain": {"valid": 1.0}}, title="scores")
    valid, kid = figure.axes
    assert [valid.get_title(), kid.get_title()] == ["valid", "kernel distance"]
    assert [list(line.get_ydata()) for line in valid.lines] == [[0.1, 0.5], [1.0, 1.0], [0.2, 0.9]]
    assert len(kid.lines) == 1  # the fix has no kernel distance: no line for it
    plt.close(figure)


def test_face_picker_widget_redraws_on_choice_and_button():
    from helpers.gan.widgets import face_picker

    images, _ = tiny_ellipses()
    run = train_gan(images, epochs=1, labels={"eyes": np.arange(64) % 6}, conditional_on={"eyes": 6}, **TINY)
    picker = face_picker(run, n=4)
    dropdown, button = picker.children[0].children[0], picker.children[0].children[-1]
    image = picker.children[-1]
    first = bytes(image.value)
    assert first.startswith(b"\x89PNG") and [label for label, _ in dropdown.options] == list(
        faces_module.value_names("eyes")
    )
    dropdown.value = 3
    assert bytes(image.value) != first
    chosen = bytes(image.value)
    button.click()
    assert bytes(image.value) != chosen
    with pytest.raises(ValueError, match="conditional GAN"):
        face_picker(train_gan(images, epochs=1, **TINY))


def test_collapse_summary_and_first_epoch_reaching():
    from helpers.gan.metrics import collapse_summary, first_epoch_reaching

    scores = [{"hue_coverage": 0.0}, {"hue_coverage": 0.25}, {"hue_coverage": 0.95}, {"hue_coverage": 0.5}]
    assert first_epoch_reaching(scores, "hue_coverage", 0.9) == 2
    assert first_epoch_reaching(scores, "hue_coverage", 0.99) is None
    summary = collapse_summary(scores, ("hue_coverage",))
    assert summary == {"mean hue coverage": pytest.approx(1.7 / 3), "last hue coverage": 0.5}  # epoch 0 left out
