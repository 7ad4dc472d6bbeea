"""Chapter 5's results: each section's computation as one call returning a small result object.

Every function here takes the chapter's runs, computes the numbers a section shows, records
the section's verdicts in a ``helpers.claims.ClaimsRecord`` (each sentence written from the
numbers, so a run where a verdict fails says so) and returns a result with:

* ``table``: what the section displays (a pandas DataFrame), if any;
* ``glued``: ``{name: value}`` of the numbers the prose shows (``glue_values`` glues them).

The chapter stays short: a visible cell trains or calls one of these, and glues in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.claims import ClaimsRecord
from helpers.gan import metrics, models
from helpers.gan.faces import ATTRIBUTES, LABELS, value_names
from helpers.gan.training import GanRun

#: The attributes the face scores and the conditional generator use, and how the page names them.
FACE_ATTRIBUTES = ("hair", "hairColor", "skinColor", "clothingColor", "eyes")
#: How the page names the three ellipse data sets.
VARIANT_NAMES = {
    "outline_color": "coloured outlines on white",
    "white_on_black": "white on black",
    "opaque_color": "random colours",
}
#: The conditional generator's aim: every requested attribute found on this share of faces.
AGREEMENT_AIM = 0.8
#: "Collapsed": samples less than half as varied as real images (pixel diversity), or faces
#: covering less than half of the attribute modes the real faces cover.
COLLAPSED_BELOW = 0.5
#: The classifiers are trusted as an instrument when they read every attribute but the hair
#: colour (hidden under caps and bald heads) right on at least this share of held-out faces.
TRUSTED_ACCURACY = 0.9


@dataclass
class Result:
    """A section's numbers: the table it shows and the values its prose glues."""

    table: pd.DataFrame | None = None
    glued: dict[str, object] = field(default_factory=dict)
    #: A second table, where a section shows one (the per-epoch numbers behind a figure).
    detail: pd.DataFrame | None = None


def glue_values(values: dict[str, object]) -> None:
    """Glue every value (``myst_nb.glue(name, value, display=False)``)."""
    from myst_nb import glue

    for name, value in values.items():
        glue(name, value, display=False)


def _epoch(epoch: int | None) -> str:
    return f"epoch {epoch}" if epoch is not None else "not within the run"


def _at_epoch(epoch: int | None) -> str:
    return f"at epoch {epoch}" if epoch is not None else "never within the run"


# --- section 1: scale ---------------------------------------------------------------------


def scale_table() -> Result:
    """The post's networks (64 px) and the book's (32 px): kernels, channels and weights."""
    rows = {}
    for name, size in (("original", 64), ("book", 32)):
        generator, discriminator = models.build_dcgan(size, name)
        config = models.get_config(name)
        rows[models.display_name(name)] = {
            "image size": size,
            "kernel": config.kernel,
            "generator channels": "-".join(map(str, config.generator_widths(size))),
            "discriminator channels": "-".join(map(str, config.discriminator_widths)),
            "generator weights": generator.count_params(),
            "discriminator weights": discriminator.count_params(),
        }
    table = pd.DataFrame(rows)
    glued = {
        "original_generator_weights": int(table.loc["generator weights", models.display_name("original")]),
        "book_generator_weights": int(table.loc["generator weights", models.display_name("book")]),
    }
    return Result(table, glued)


# --- section 3: why white -----------------------------------------------------------------


def pixel_statistics(data: dict[str, np.ndarray], claims: ClaimsRecord, n: int = 2000) -> Result:
    """Background share and distances to a blank image per ellipse variant; the "white is easy" claim."""
    table = pd.DataFrame({variant: metrics.pixel_statistics(images[:n]) for variant, images in data.items()}).T
    outline = table.loc["outline_color"]
    values = {
        "share": float(outline["background_share"]),
        "blank": float(outline["mean_distance_to_blank"]),
        "between": float(outline["mean_distance_between"]),
    }
    claims.claim(
        "white_is_close",
        holds=values["blank"] < values["between"],
        values=values,
        true="A blank white image is on average {blank:.3f} away (RMS, in [0, 1] units) from an outline "
        "image, closer than two training images are to each other ({between:.3f}): a generator that draws "
        "white is already close to every real image.",
        false="A blank white image is on average {blank:.3f} away (RMS, in [0, 1] units) from an outline "
        "image, not closer than two training images are to each other ({between:.3f}): in this run white "
        "is no shortcut.",
    )
    shown = table.rename(
        columns={
            "background_share": "background share",
            "mean_distance_to_blank": "mean distance to a blank image",
            "mean_distance_between": "mean distance between images",
        }
    )
    shown.index = [VARIANT_NAMES.get(variant, variant) for variant in shown.index]
    return Result(shown.round(3), {"outline_background_share": values["share"]})


# --- section 4: ellipses measured, and the fix ---------------------------------------------


#: The last-epoch scores the page quotes for each ellipse variant.
_SHOWN_SCORES = {
    "outline_color": ("valid",),
    "white_on_black": ("valid", "angle_coverage"),
    "opaque_color": ("valid", "hue_coverage"),
}


def ellipse_scores(runs: dict[str, GanRun]) -> Result:
    """Last-epoch scores of the three ellipse runs, and how low the colours fell once ellipses formed."""
    rows, glued = {}, {}
    for variant, run in runs.items():
        last = run.metrics[-1]
        rows[VARIANT_NAMES.get(variant, variant)] = {
            "valid": last["valid"],
            "hue coverage": last.get("hue_coverage", np.nan),
            "angle coverage": last["angle_coverage"],
            "size coverage": last["size_coverage"],
            "pixel diversity": last["pixel_diversity"],
        }
        for name in _SHOWN_SCORES.get(variant, ()):
            glued[f"{variant}_{name}"] = last[name]
    formed = [m["hue_coverage"] for m in runs["opaque_color"].metrics if m["valid"] >= 0.5]
    glued["opaque_color_hue_min_formed"] = min(formed) if formed else 0.0
    glued["opaque_color_epochs_formed"] = len(formed)
    table = pd.DataFrame(rows).T.round(3).astype(object).where(lambda t: t.notna(), "–")  # no hue on white
    return Result(table, glued)


def compare_fix_on_ellipses(plain: GanRun, fix: GanRun, fix_label: str, claims: ClaimsRecord) -> Result:
    """The plain DCGAN and the fix on random-colour ellipses: collapse summaries and three claims."""
    runs = {"plain DCGAN": plain, fix_label: fix}
    summary = {label: metrics.collapse_summary(run.metrics) for label, run in runs.items()}
    first = {
        label: {
            "hue": metrics.first_epoch_reaching(run.metrics, "hue_coverage", 0.9),
            "valid": metrics.first_epoch_reaching(run.metrics, "valid", 0.5),
        }
        for label, run in runs.items()
    }
    for label in runs:
        summary[label]["90% of hue bins first"] = _epoch(first[label]["hue"])
        summary[label]["half the samples valid first"] = _epoch(first[label]["valid"])
    glued = {}
    for label, key in (("plain DCGAN", "plain"), (fix_label, "fix")):
        glued[f"opaque_{key}_last_hue_coverage"] = summary[label]["last hue coverage"]
    _ellipse_claims(plain, fix, summary["plain DCGAN"], summary[fix_label], first, fix_label, claims)
    table = pd.DataFrame(summary).map(lambda value: f"{value:.3f}" if isinstance(value, float) else value)
    per_epoch = pd.DataFrame(
        {
            f"{name.replace('_', ' ')}, {label}": [m[name] for m in run.metrics]
            for name in ("hue_coverage", "pixel_diversity")
            for label, run in runs.items()
        }
    ).rename_axis("epoch")
    return Result(table, glued, per_epoch.round(2))


def _ellipse_claims(plain, fix, plain_summary, fix_summary, first, fix_label, claims: ClaimsRecord) -> None:
    start = plain.metrics[1]
    claims.claim(
        "ellipses_start_collapsed",
        holds=start["pixel_diversity"] < COLLAPSED_BELOW,
        values={"diversity": start["pixel_diversity"], "valid": start["valid"], "hue": start["hue_coverage"]},
        true="On random-coloured ellipses the DCGAN starts collapsed: after its first epoch its samples are "
        "{diversity:.3f} times as varied as real images, nearly the same blob for every noise vector.",
        false="On random-coloured ellipses the DCGAN does not start collapsed this time: after its first "
        "epoch its samples are already {diversity:.3f} times as varied as real images.",
    )
    values = {
        "fix": fix_label,
        "fix_hue": fix_summary["mean hue coverage"],
        "plain_hue": plain_summary["mean hue coverage"],
        "fix_diversity": fix_summary["mean pixel diversity"],
        "plain_diversity": plain_summary["mean pixel diversity"],
    }
    claims.claim(
        "ellipse_fix_helps",
        holds=values["fix_hue"] > values["plain_hue"] and values["fix_diversity"] > values["plain_diversity"],
        values=values,
        true="Averaged over the epochs, {fix} covers more colours ({fix_hue:.0%} of the hue bins against "
        "{plain_hue:.0%}) and draws more varied samples (pixel diversity {fix_diversity:.2f} against "
        "{plain_diversity:.2f}) than the plain DCGAN.",
        false="Averaged over the epochs, {fix} does not both cover more colours ({fix_hue:.0%} of the hue "
        "bins against {plain_hue:.0%}) and draw more varied samples (pixel diversity {fix_diversity:.2f} "
        "against {plain_diversity:.2f}) than the plain DCGAN.",
    )
    plain_valid, fix_valid = first["plain DCGAN"]["valid"], first[fix_label]["valid"]
    never = 10**9
    claims.claim(
        "fix_not_valid_sooner",
        holds=(fix_valid if fix_valid is not None else never) >= (plain_valid if plain_valid is not None else never),
        values={"fix": fix_label, "plain": _at_epoch(plain_valid), "fixed": _at_epoch(fix_valid)},
        true="It does not draw valid ellipses sooner: half the samples are valid first {plain} for the "
        "plain DCGAN and {fixed} with {fix}.",
        false="It does draw valid ellipses sooner: half the samples are valid first {fixed} with {fix}, "
        "against {plain} for the plain DCGAN.",
    )


# --- section 5: faces ---------------------------------------------------------------------


def classifier_check(
    classifier: metrics.AttributeClassifier,
    classifier_images: np.ndarray,
    gan_images: np.ndarray,
    claims: ClaimsRecord,
) -> Result:
    """The instrument: held-out accuracy, the own-draw check and the "good enough to trust" claim."""
    accuracy = classifier.holdout_accuracy
    held_out = classifier_images[classifier.holdout_index]
    trained_on = np.delete(classifier_images, classifier.holdout_index, axis=0)
    values = {
        "n_train": len(trained_on),
        "n_held_out": len(held_out),
        "n_gan": len(gan_images),
        "shared_with_training": metrics.shared_images(held_out, trained_on),
        "shared_with_gan": metrics.shared_images(held_out, gan_images),
    }
    values["shared"] = (values["shared_with_training"] + values["shared_with_gan"]) / values["n_held_out"]
    claims.claim(
        "classifiers_own_draw",
        holds=values["shared"] <= 0.02,
        values=values,
        true="The classifiers train on {n_train:,} avatars of their own draw (their own seed, not the "
        "{n_gan:,} faces the GANs train on) for a fixed number of epochs, and are scored on {n_held_out:,} "
        "more from that draw that steered nothing; only {shared:.1%} of those are pixel-identical to a face "
        "seen in training (the same attributes drawn twice by chance).",
        false="The classifiers train on {n_train:,} avatars of their own draw for a fixed number of epochs, "
        "but {shared:.1%} of the {n_held_out:,} held-out faces they are scored on are pixel-identical to a "
        "face seen in training: their held-out accuracy is flattered.",
    )
    readable = {name: value for name, value in accuracy.items() if name != "hairColor"}
    worst = min(readable, key=readable.get)
    trust = {"worst": LABELS[worst], "worst_accuracy": readable[worst], "level": TRUSTED_ACCURACY}
    trust["hair_colour"] = accuracy.get("hairColor", np.nan)
    claims.claim(
        "classifiers_trusted",
        holds=readable[worst] >= TRUSTED_ACCURACY,
        values=trust,
        true="The measuring instrument is good enough to trust: on held-out avatars it reads every attribute "
        "but the hair colour right at least {level:.0%} of the time (lowest: {worst}, {worst_accuracy:.0%}).",
        false="The measuring instrument is not good enough to trust blindly: on held-out avatars it reads "
        "the {worst} right only {worst_accuracy:.0%} of the time (we want {level:.0%}), so the face scores below "
        "are rough.",
    )
    hardest = min(accuracy, key=accuracy.get)
    claims.claim(
        "hair_colour_hardest",
        holds=hardest == "hairColor",
        values={"hardest": LABELS[hardest], "accuracy": accuracy[hardest]},
        true="The hair colour is the hardest to read ({accuracy:.0%}): a bald head, a cap or a beanie hides "
        "it, so some faces carry a hair colour no one can see.",
        false="The hardest attribute to read this time is the {hardest} ({accuracy:.0%}), not the hair colour.",
    )
    table = pd.Series({LABELS[name]: value for name, value in accuracy.items()}, name="held-out accuracy")
    glued = {f"classifier_{name}": value for name, value in accuracy.items()}
    return Result(table.to_frame().T.round(3), glued)


def compare_faces(face_metrics: dict[str, list[dict]], reference: dict, fix_label: str, claims: ClaimsRecord) -> Result:
    """Faces: last-epoch scores, means over each half of training, and the verdicts on the fix and average."""
    epochs = len(face_metrics["plain DCGAN"]) - 1
    table = pd.DataFrame({label: scores[-1] for label, scores in face_metrics.items()})
    table["real faces"] = pd.Series(reference)
    first_half, later_half = slice(1, 1 + max(1, epochs // 2)), slice(1 + epochs // 2, None)
    means = {
        label: {
            "early": float(np.mean([m["coverage"] for m in scores[first_half]])),
            "coverage": float(np.mean([m["coverage"] for m in scores[later_half]])),
            "kid": float(np.mean([m["kid"] for m in scores[later_half]])),
        }
        for label, scores in face_metrics.items()
    }
    glued = {"faces_real_coverage": float(table.loc["coverage", "real faces"])}
    for label, key in (("plain DCGAN", "plain"), (fix_label, "fix"), ("weight average", "average")):
        glued[f"faces_{key}_coverage"] = float(table.loc["coverage", label])
        glued[f"faces_{key}_kid"] = float(table.loc["kid", label])
    plain = means["plain DCGAN"]
    for claim_id, label, words in (
        ("faces_fix_helps", fix_label, fix_label),
        ("faces_average_helps", "weight average", "the weight average"),
    ):
        _helps_claim(claims, claim_id, words, means[label], plain)
    start = face_metrics["plain DCGAN"][1]["coverage"]
    claims.claim(
        "faces_start_collapsed",
        holds=start < COLLAPSED_BELOW * glued["faces_real_coverage"],
        values={"start": start, "real": glued["faces_real_coverage"]},
        true="Faces start collapsed too: after the first epoch the plain DCGAN's samples cover "
        "{start:.0%} of the attribute modes (real faces: {real:.0%}).",
        false="Faces do not start collapsed: after the first epoch the plain DCGAN's samples already cover "
        "{start:.0%} of the attribute modes (real faces: {real:.0%}).",
    )
    early = {"fix": fix_label, "fixed": means[fix_label]["early"], "plain": plain["early"]}
    claims.claim(
        "faces_fix_early",
        holds=early["fixed"] > early["plain"],
        values=early,
        true="Over the first half of training {fix} covers more of the modes, {fixed:.0%} on average "
        "against the plain DCGAN's {plain:.0%}, as it did for the ellipses.",
        false="Over the first half of training {fix} covers no more of the modes than the plain DCGAN "
        "({fixed:.0%} on average against {plain:.0%}), unlike on the ellipses.",
    )
    rows = {"coverage": "coverage (mean)", "kid": "kernel distance"}
    rows |= {f"coverage_{name}": f"coverage: {LABELS.get(name, name)}" for name in ATTRIBUTES}
    table.index = [rows.get(name, name) for name in table.index]
    return Result(table.round(3), glued)


def _helps_claim(claims: ClaimsRecord, claim_id: str, label: str, candidate: dict, plain: dict) -> None:
    better_coverage = candidate["coverage"] >= plain["coverage"]
    closer = candidate["kid"] <= plain["kid"]
    if better_coverage == closer:
        verdict = "helps" if closer else "does not help"
    else:
        verdict = "gives mixed results"
    values = {
        "label": label,
        "verdict": verdict,
        "coverage": candidate["coverage"],
        "plain_coverage": plain["coverage"],
        "kid": candidate["kid"],
        "plain_kid": plain["kid"],
    }
    claims.claim(
        claim_id,
        holds=better_coverage and closer,
        values=values,
        true="On faces, {label} helps: over the second half of training it covers at least as many modes "
        "({coverage:.0%} against {plain_coverage:.0%}) and is closer to the real faces (kernel distance "
        "{kid:.3f} against {plain_kid:.3f}).",
        false="On faces, {label} {verdict}: over the second half of training it covers {coverage:.0%} of "
        "the modes against the plain DCGAN's {plain_coverage:.0%}, at a kernel distance of {kid:.3f} "
        "against {plain_kid:.3f} (lower is closer).",
    )


# --- section 6: the conditional generator -------------------------------------------------


def agreement(
    run: GanRun,
    scorer: metrics.FaceScorer,
    classifier: metrics.AttributeClassifier,
    n: int,
    seed: int,
    claims: ClaimsRecord,
) -> Result:
    """How often the classifiers find the requested attributes on ``n`` generated faces; three claims."""
    rng = np.random.default_rng(seed + 11)
    requested = {name: rng.integers(0, count, n) for name, count in run.conditional_on.items()}
    scores = {
        label: scorer(run.generate(n, seed=seed + 12, conditions=requested, average=average), requested)
        for label, average in (("trained generator", False), ("weight average", True))
    }
    names = list(run.conditional_on)
    table = pd.DataFrame({label: {name: s[f"agreement_{name}"] for name in names} for label, s in scores.items()})
    table["classifier on real faces"] = pd.Series(classifier.holdout_accuracy)
    shown = table["weight average"]
    glued = {f"agreement_{name}": float(shown[name]) for name in names}
    low, high = shown.idxmin(), shown.idxmax()
    missed = [LABELS[name] for name in names if shown[name] < AGREEMENT_AIM]
    claims.claim(
        "agreement_aim",
        holds=not missed,
        values={"aim": AGREEMENT_AIM, "low": float(shown[low]), "low_name": LABELS[low], "missed": ", ".join(missed)},
        true="We aimed for {aim:.0%} on every attribute, and every attribute reaches it "
        "(lowest: {low_name}, {low:.0%}).",
        false="We aimed for {aim:.0%} on every attribute; it is not reached for {missed} "
        "(lowest: {low_name}, {low:.0%}).",
    )
    claims.claim(
        "agreement_range",
        holds=high == "clothingColor",
        values={
            "low": float(shown[low]),
            "low_name": LABELS[low],
            "high": float(shown[high]),
            "high_name": LABELS[high],
        },
        true="It draws the requested attribute on {low:.0%} ({low_name}) to {high:.0%} ({high_name}) of "
        "faces; the clothing colour, a large patch, is the easiest.",
        false="It draws the requested attribute on {low:.0%} ({low_name}) to {high:.0%} ({high_name}) of "
        "faces; this time the easiest is not the clothing colour but the {high_name}.",
    )
    per_epoch = [np.mean([m[f"agreement_{name}"] for name in names]) for m in run.average_metrics[-2:]]
    claims.claim(
        "agreement_rising",
        holds=per_epoch[-1] > per_epoch[0],
        values={"before": float(per_epoch[0]), "last": float(per_epoch[-1])},
        true="On the fixed samples scored after every epoch, the mean agreement was still rising at the end "
        "({before:.0%} one epoch before, {last:.0%} at the last): more epochs would help.",
        false="On the fixed samples scored after every epoch, the mean agreement was no longer rising at the "
        "end ({before:.0%} one epoch before, {last:.0%} at the last).",
    )
    table.index = [LABELS[name] for name in table.index]
    return Result(table.round(3), glued)


def face_app_config(run: GanRun, seed: int, faces: int = 8) -> dict:
    """The config of the in-browser face picker (``faces_app.js``): attributes, their names and colours."""
    names = list(run.conditional_on)
    return {
        "attributes": {name: list(ATTRIBUTES[name]) for name in names},
        "names": {name: value_names(name) for name in names},
        "swatches": {name: name.endswith("Color") for name in names},
        "labels": {name: LABELS[name] for name in names},
        "noise_dim": run.config.noise_dim,
        "size": run.size,
        "faces": faces,
        "seed": seed,
    }


def export_face_app(run: GanRun, seed: int) -> tuple[dict, float]:
    """Export the conditional generator's weight average for the browser: ``(models, megabytes)``."""
    from helpers import browser
    from helpers.gan.training import one_hot_conditions

    counts = run.conditional_on
    noise = np.random.default_rng(seed).standard_normal((4, run.config.noise_dim)).astype(np.float32)
    attributes = one_hot_conditions(counts, {name: np.arange(4) % count for name, count in counts.items()})
    path = browser.export_onnx(
        run.average_generator, browser.site_model_dir("faces") / "generator.onnx", [noise, attributes], verbose=False
    )
    return {"generator": path}, path.stat().st_size / 1e6
