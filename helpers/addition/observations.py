"""Chapter 1's tables: the results grid, the blog's five observations, the lucky runs.

Every verdict here is computed from a results table (``GridResult.table``), with the rule
it applies written next to it, so a reader can disagree with the rule, not with a number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: A network "adds" when at least this fraction of fresh pairs come out exactly right.
ADDS = 0.95
#: "Poor" and "abysmal", made concrete.
POOR = 0.5
ABYSMAL = 0.01


def results_table(table: pd.DataFrame) -> pd.DataFrame:
    """Accuracy as "mean ± std (min-max)" per hidden units (rows) and maximum sum (columns)."""

    def cell(values: pd.Series) -> str:
        if len(values) == 1:
            return f"{values.iloc[0]:.1%}"
        return f"{values.mean():.1%} ± {values.std():.1%} ({values.min():.0%}–{values.max():.0%})"

    pivot = table.pivot_table(index="hidden_units", columns="max_sum", values="accuracy", aggfunc=cell)
    pivot.index.name, pivot.columns.name = "hidden units", "maximum sum"
    return pivot


def mse_table(table: pd.DataFrame) -> pd.DataFrame:
    """Mean squared error (mean over seeds, 3 significant digits) per hidden units and maximum sum."""
    pivot = table.pivot_table(index="hidden_units", columns="max_sum", values="mse", aggfunc="mean")
    pivot = pivot.map(lambda value: f"{value:.3g}")
    pivot.index.name, pivot.columns.name = "hidden units", "maximum sum"
    return pivot


def check_observations(table: pd.DataFrame) -> pd.DataFrame:
    """Check the original blog post's five observations against a results table.

    Returns one row per observation: the claim, the rule used to test it, what we measured,
    and a verdict (``agree``, ``partly`` or ``disagree``).
    """
    rows = []
    by_sum = {value: group for value, group in table.groupby("max_sum")}
    sums = sorted(by_sum)
    smallest, middle, largest = sums[0], sums[len(sums) // 2], sums[-1]

    ones = table[table.hidden_units == 1]
    best_one = ones.accuracy.max() if len(ones) else np.nan
    rows.append(
        _row(
            "a",
            "The 1-node network cannot add.",
            f"every 1-node run gets under {POOR:.0%} right",
            f"best 1-node run: {best_one:.1%}",
            "agree" if best_one < POOR else "disagree",
        )
    )

    small = by_sum[smallest]
    wide = small[small.hidden_units >= 2]
    adders = (wide.accuracy >= ADDS).mean() if len(wide) else np.nan
    per_width = ", ".join(f"{h}: {(g.accuracy >= ADDS).sum()}/{len(g)}" for h, g in wide.groupby("hidden_units"))
    rows.append(
        _row(
            "b",
            f"2 or more hidden nodes reach high accuracy for sums up to {smallest}.",
            f"runs with at least {ADDS:.0%} right (per hidden size: runs that add / runs)",
            f"{adders:.0%} of runs ({per_width})",
            "agree" if adders == 1 else ("partly" if adders >= 0.5 else "disagree"),
        )
    )

    # (c) and (d): the best run of a range stays under a limit.
    for key, value, word, limit, digits in (("c", middle, "poor", POOR, 1), ("d", largest, "abysmal", ABYSMAL, 2)):
        best = by_sum[value].accuracy.max()
        rows.append(
            _row(
                key,
                f"All networks are {word} for sums up to {value}.",
                f"no run gets {limit:.0%} right",
                f"best run: {best:.{digits}%}",
                "agree" if best < limit else "disagree",
            )
        )

    improved, steps = mse_doublings(table)
    share = improved / steps if steps else np.nan
    rows.append(
        _row(
            "e",
            "More hidden nodes help most of the time.",
            "doubling the hidden layer lowers the mean MSE (over seeds)",
            f"{improved} of {steps} doublings lower it",
            "agree" if share > 0.5 else "disagree",
        )
    )
    return pd.DataFrame(rows).set_index("observation")


def mse_doublings(table: pd.DataFrame) -> tuple[int, int]:
    """How many steps to the next wider hidden layer lower the mean MSE (over seeds), of how many."""
    steps = improved = 0
    for value in sorted(table.max_sum.unique()):
        mean_mse = table[table.max_sum == value].groupby("hidden_units").mse.mean().sort_index()
        for narrow, wider in zip(mean_mse.values[:-1], mean_mse.values[1:]):
            steps += 1
            improved += bool(wider < narrow)
    return improved, steps


def _row(key: str, claim: str, rule: str, measured: str, verdict: str) -> dict[str, str]:
    return {"observation": key, "the blog says": claim, "our rule": rule, "we measured": measured, "verdict": verdict}


def lucky_runs(table: pd.DataFrame, histories: dict, hidden_units: int, bits: int, max_epochs: int) -> pd.DataFrame:
    """One row per seed of one network shape: epochs, accuracy, how training ended.

    A run "ended by early stopping" well before the epoch limit with a poor accuracy is one
    that stopped on a plateau of the validation loss, not at the end of learning.
    """
    rows = []
    subset = table[(table.hidden_units == hidden_units) & (table.bits == bits)].sort_values("seed")
    for row in subset.itertuples():
        val_loss = np.asarray(histories[(hidden_units, bits, row.seed)]["val_loss"])
        best = int(np.argmin(val_loss))
        stopped = row.epochs < max_epochs
        rows.append(
            {
                "seed": row.seed,
                "epochs": row.epochs,
                "accuracy": row.accuracy,
                "ended by": "early stopping" if stopped else "epoch limit",
                "best epoch": best + 1,
                "val loss at best": float(val_loss[best]),
            }
        )
    return pd.DataFrame(rows).set_index("seed")


def output_weight_signs(models: dict, table: pd.DataFrame, hidden_units: int, bits: int) -> pd.DataFrame:
    """For each seed of one network shape: its starting and final output weights, and its accuracy.

    Without biases every hidden unit outputs exactly 1/2 for the pair (0, 0), so the network
    answers ``0 + 0`` with half the sum of its output weights. Only a network with a negative
    output weight can make that sum (nearly) zero, and with all output weights positive the
    prediction can only range over a factor of two: from half their sum to their sum.
    """
    from helpers.addition.networks import initial_weights

    rows = []
    subset = table[(table.hidden_units == hidden_units) & (table.bits == bits)].sort_values("seed")
    for row in subset.itertuples():
        start = initial_weights(hidden_units, bits, row.seed)[1].ravel()
        final = models[(hidden_units, bits, row.seed)].get_weights()[-1].ravel()
        rows.append(
            {
                "seed": row.seed,
                "start: sum of output weights": float(start.sum()),
                "final output weights": ", ".join(f"{w:.1f}" for w in final),
                "final: a negative output weight": bool((final < 0).any()),
                "accuracy": row.accuracy,
                "epochs": row.epochs,
            }
        )
    return pd.DataFrame(rows).set_index("seed")


def observation_summary(observations: pd.DataFrame, table: pd.DataFrame) -> str:
    """One paragraph on the verdicts, written from them so that it holds for any seeds."""
    agreed = [key for key, verdict in observations.verdict.items() if verdict == "agree"]
    text = f"We agree with observations {', '.join(f'({key})' for key in agreed) or 'none'}."
    smallest = table.max_sum.min()
    small = table[table.max_sum == smallest]
    mixed = [h for h, runs in small.groupby("hidden_units") if 0 < (runs.accuracy >= ADDS).mean() < 1]
    if mixed:
        widths = ", ".join(map(str, mixed[:-1])) + (" and " if len(mixed) > 1 else "") + str(mixed[-1])
        text += (
            f" The single seed of the original hid something, though: for sums below {smallest}, the "
            f"{widths}-unit networks add in some seeds and get only a small fraction right in others."
        )
    return text


def patience_comparison(runs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Epochs and accuracy per seed side by side, one pair of columns per labelled rerun.

    ``runs`` maps a label (``"patience 5"``) to a results table of one network shape.
    """
    columns = []
    for label, table in runs.items():
        part = table.set_index("seed")[["epochs", "accuracy"]]
        columns.append(part.rename(columns={column: f"{column} ({label})" for column in part.columns}))
    return pd.concat(columns, axis=1)


def patience_verdict(first: pd.DataFrame, unstopped: pd.DataFrame, patience: int = 5) -> str:
    """What more patience changed: compares who adds with early stopping (``patience``) and without it."""
    before = int((first.accuracy >= ADDS).sum())
    after = int((unstopped.accuracy >= ADDS).sum())
    if after > before:
        return (
            f"Without early stopping {after - before} more run(s) learn to add: for them, patience {patience} "
            "ended learning that was still coming."
        )
    return (
        "Not one more run learns to add, even with every epoch and no early stopping: the unlucky runs are "
        "not slow, they are stuck. Early stopping only saved them time."
    )


def sign_story(signs: pd.DataFrame) -> str:
    """Do the runs that add and the runs with a negative output weight coincide?"""
    adds = signs.accuracy >= ADDS
    negative = signs["final: a negative output weight"]
    if (adds == negative).all():
        return (
            "Every run that learned to add ended with a negative output weight, and every run that did not "
            "kept them all positive: on the plateau, where the best it can do is answer near the middle."
        )
    return (
        f"{int((adds & negative).sum())} of {int(adds.sum())} runs that learned to add ended with a negative "
        f"output weight, and {int((~adds & ~negative).sum())} of {int((~adds).sum())} that did not kept them "
        "all positive."
    )


def luck_by_start(signs: pd.DataFrame) -> tuple[pd.DataFrame, float, float]:
    """Cross-tabulate "learned to add" against the sign of the starting output-weight sum.

    Returns the table and the success rates of negative and of positive starts.
    """
    learned = (signs.accuracy >= ADDS).rename("learned to add")
    start = pd.Series(
        np.where(signs["start: sum of output weights"] < 0, "negative", "positive"),
        index=signs.index,
        name="starting sum of output weights",
    )
    counts = pd.crosstab(start, learned, margins=True)
    rates = learned.groupby(start).mean()
    return counts, float(rates.get("negative", np.nan)), float(rates.get("positive", np.nan))


def prediction_ranges(models: dict, bits: int, hidden_units: int, seeds) -> pd.DataFrame:
    """Lowest and highest prediction over every pair of the training range, per seed."""
    from helpers.addition.networks import grid_pairs, predict_sums

    _, pairs = grid_pairs(bits)
    rows = []
    for seed in seeds:
        predictions = predict_sums(models[(hidden_units, bits, seed)], pairs)
        rows.append(
            {
                "seed": seed,
                "lowest": predictions.min(),
                "highest": predictions.max(),
                "width": predictions.max() - predictions.min(),
            }
        )
    return pd.DataFrame(rows).set_index("seed")


def collapse_note(ranges: pd.DataFrame) -> str:
    """A sentence about seeds whose network answers (almost) the same number everywhere."""
    collapsed = ranges.index[ranges.width < 1].tolist()
    if not collapsed:
        return ""
    return (
        f"In {len(collapsed)} of {len(ranges)} seeds (seed {', '.join(map(str, collapsed))}) the network "
        "collapsed completely: its one unit is saturated, and it answers about the same number for every pair."
    )


def saturation_table(
    models: dict,
    table: pd.DataFrame,
    bits: int,
    seed: int,
    pairs: np.ndarray,
    sums: np.ndarray,
    steps_per_epoch: int,
    learning_rate: float,
) -> pd.DataFrame:
    """What the networks for the largest sums do, one row per hidden size.

    A unit counts as *on* or *off* when its output is within 0.01 of 1 or 0 for every pair.
    ``Adam's reach`` is how far one weight can move in the epochs trained: Adam moves each
    weight by about the learning rate per step, at most.
    """
    from helpers.addition.networks import hidden_outputs, predict_sums

    rows = []
    for h in sorted(table.hidden_units.unique()):
        model = models[(h, bits, seed)]
        hidden = hidden_outputs(model, pairs)
        on = (hidden > 0.99).all(axis=0)
        off = (hidden < 0.01).all(axis=0)
        predictions = predict_sums(model, pairs)
        output_weights = model.get_weights()[-1].ravel()
        epochs = int(table[(table.hidden_units == h) & (table.bits == bits) & (table.seed == seed)].epochs.item())
        rows.append(
            {
                "hidden units": h,
                "epochs": epochs,
                "units always on": int(on.sum()),
                "units always off": int(off.sum()),
                "output weight of an 'on' unit": float(output_weights[on].mean()) if on.any() else np.nan,
                "Adam's reach": epochs * steps_per_epoch * learning_rate,
                "distinct predictions": int(np.unique(np.round(predictions, 3)).size),
                "prediction": float(predictions.mean()),
                "mean sum": float(np.mean(sums)),
            }
        )
    return pd.DataFrame(rows).set_index("hidden units")


# --------------------------------------------------------------------------- claims
# Each function records chapter 1's result sentences with helpers.claims.ClaimsRecord: the
# sentence shown is the one the numbers support.


def claim_results(claims, table: pd.DataFrame, blog_checks: pd.DataFrame) -> None:
    """The headline claims: small sums are learned (when lucky), large ones never; wider helps; the
    blog's observations of failure hold."""
    smallest, largest = int(table.max_sum.min()), int(table.max_sum.max())
    wide = table[(table.max_sum == smallest) & (table.hidden_units >= 2)]
    adders = float((wide.accuracy >= ADDS).mean())
    claims.claim(
        "small_adds",
        holds=adders > 0,
        values={"adders": adders, "max_sum": smallest, "adds": ADDS, "results": _records(table)},
        true="With sums below {max_sum}, networks with 2 or more hidden units can add, when they are lucky: "
        "{adders:.0%} of those runs got at least {adds:.0%} of fresh sums exactly right.",
        false="With sums below {max_sum}, not one network with 2 or more hidden units learned to add in this run "
        "(none got {adds:.0%} of fresh sums exactly right).",
    )
    best_large = float(table[table.max_sum > smallest].accuracy.max()) if (table.max_sum > smallest).any() else 0.0
    claims.claim(
        "never_large",
        holds=best_large < ADDS,
        values={"best": best_large, "max_sum": smallest, "adds": ADDS},
        true="With the original settings, hidden sigmoid networks without biases add small numbers when they are "
        "lucky, and never add large ones (the best run above sums of {max_sum} got {best:.1%} right).",
        false="With the original settings, one network even added sums above {max_sum}: {best:.1%} right.",
    )
    improved, steps = mse_doublings(table)
    claims.claim(
        "wider",
        holds=improved > steps / 2,
        values={"improved": improved, "steps": steps, "largest": largest},
        true="As for (e), wider layers do usually lower the error ({improved} of {steps} steps to a wider layer "
        'lower the mean MSE), but at sums up to {largest} "lower" means from terrible to slightly less terrible.',
        false="As for (e), wider layers did not usually lower the error in this run: only {improved} of {steps} "
        "steps to a wider layer lowered the mean MSE.",
    )
    failures = {key: blog_checks.verdict[key] for key in ("a", "c", "d")}
    claims.claim(
        "blog_failures",
        holds=all(verdict == "agree" for verdict in failures.values()),
        values={"verdicts": blog_checks.verdict.to_dict()},
        true="Over many seeds, the blog's observations of failure (a, c and d) hold",
        false="Over many seeds, not all of the blog's observations of failure hold (verdicts: {verdicts})",
    )


def claim_fresh_pairs(claims, seeds, n_train: int, n_eval: int, validation_split: float, eval_seed: int) -> None:
    """Validation steers, fresh pairs score: the scoring pairs come from seeds no training data uses."""
    n_validation = n_train - int(np.floor(n_train * (1 - validation_split)))
    scoring_seeds = {eval_seed + s for s in seeds}
    claims.claim(
        "fresh_pairs",
        holds=not scoring_seeds & set(seeds),
        values={"n_validation": n_validation, "n_train": n_train, "n_eval": n_eval},
        true="Early stopping reads only the validation split (the last {n_validation:,} of each network's "
        "{n_train:,} pairs); every score on this page is on {n_eval:,} fresh pairs, drawn with seeds that "
        "no training data, and no training decision, used.",
        false="Careful: the scoring pairs of this run were drawn with a seed that also made training data.",
    )


def claim_patience(claims, first, patient, unstopped, patience: int, lucky_patience: int) -> None:
    """Does patience rescue the unlucky runs? The verdict, and the summary's version of it."""
    counts = {
        "first": int((first.accuracy >= ADDS).sum()),
        "patient": int((patient.accuracy >= ADDS).sum()),
        "unstopped": int((unstopped.accuracy >= ADDS).sum()),
        "patience": patience,
        "lucky_patience": lucky_patience,
    }
    holds = counts["patient"] <= counts["first"] and counts["unstopped"] <= counts["first"]
    claims.claim(
        "patience",
        holds=holds,
        values=counts,
        true=patience_verdict(first, unstopped, patience),
        false=patience_verdict(first, unstopped, patience)
        + " ({patient} add with patience {lucky_patience}, {first} with patience {patience}.)",
    )
    claims.claim(
        "patience_summary",
        holds=holds,
        values=counts,
        true="Runs that keep all output weights positive are stuck on a plateau (they can never answer 0 + 0), "
        "and no amount of patience rescues them.",
        false="More patience did rescue some runs here: {unstopped} add without early stopping, {first} with "
        "patience {patience}.",
    )


def claim_signs(claims, signs: pd.DataFrame) -> None:
    """Do the runs that add and the runs with a negative output weight coincide?"""
    adds = signs.accuracy >= ADDS
    negative = signs["final: a negative output weight"]
    claims.claim(
        "signs",
        holds=bool((adds == negative).all()),
        values={
            "adds_negative": int((adds & negative).sum()),
            "adds": int(adds.sum()),
            "stuck_positive": int((~adds & ~negative).sum()),
            "stuck": int((~adds).sum()),
        },
        true=sign_story(signs),
        false=sign_story(signs),
    )


def claim_start_sign(claims, negative_rate: float, positive_rate: float) -> None:
    """Is the starting sign of the output weights a hint of luck?"""
    claims.claim(
        "start_sign",
        holds=bool(negative_rate > positive_rate),
        values={"negative": negative_rate, "positive": positive_rate},
        true="The starting sign is a strong hint, not a law, but the luck is clearly in the initializer's coin "
        "flips, not in the patience of early stopping.",
        false="So in this run the starting sign did not tell the lucky runs apart: negative starts learned "
        "{negative:.0%} of the time, positive ones {positive:.0%}.",
    )


def claim_plateau(claims, lucky: pd.DataFrame, histories: dict, hidden_units: int, bits: int) -> None:
    """The unlucky runs settle on one plateau; the lucky ones never do, and end far below it.

    ``lucky`` is ``lucky_runs``' table. The plateau is the range of the unlucky runs' best
    validation losses; it is compared with the variance of the sum of two numbers drawn
    uniformly from [0, 2^(bits-1)), the squared error of answering the average sum everywhere.
    The lucky runs are compared with it at the epoch where early stopping ended the median
    unlucky run, and at their end.
    """
    curves = {seed: np.asarray(histories[(hidden_units, bits, seed)]["val_loss"]) for seed in lucky.index}
    adds = lucky.accuracy >= ADDS
    winners, losers = list(lucky.index[adds]), list(lucky.index[~adds])
    count = 2 ** (bits - 1)
    constant = 2 * (count**2 - 1) / 12
    if not winners or not losers:
        claims.claim(
            "plateau",
            holds=False,
            values={"winners": len(winners), "losers": len(losers), "constant": constant},
            true="",
            false="This time {winners} runs learned to add and {losers} did not: there are not two kinds of "
            "curve to compare.",
        )
        return
    best = {seed: float(curve.min()) for seed, curve in curves.items()}
    low, high = min(best[seed] for seed in losers), max(best[seed] for seed in losers)
    lengths = [len(curves[seed]) for seed in losers]
    epoch = int(np.median(lengths))
    then = max(float(curves[seed][:epoch].min()) for seed in winners)
    lucky_best = max(best[seed] for seed in winners)
    claims.claim(
        "plateau",
        holds=high <= 1.5 * low and then < low and lucky_best <= low / 10,
        values={
            "low": low,
            "high": high,
            "constant": constant,
            "short": min(lengths),
            "long": max(lengths),
            "epoch": epoch,
            "then": then,
            "lucky": lucky_best,
            "factor": low / lucky_best,
        },
        true="The runs that did not learn all settle on one plateau: their best validation losses lie between "
        "{low:.2f} and {high:.2f} (answering the average sum everywhere would score {constant:.1f}), and early "
        "stopping ends them after {short} to {long} epochs. The lucky runs never settle there: by epoch {epoch} "
        "they are already below it (at {then:.2f} at most), and they end {factor:.0f} times lower, at "
        "{lucky:.3f} at most.",
        false="The curves do not tell the plateau story this time: the runs that did not learn end with best "
        "losses between {low:.2f} and {high:.2f}, the lucky runs are at {then:.2f} at most by epoch {epoch} and "
        "end at {lucky:.3f} at most.",
    )


def claim_valley(claims, model, training_pairs: np.ndarray, bits: int) -> None:
    """The 1-unit error surface: a valley along a line of constant sum, where training sums are densest."""
    from helpers.addition.networks import error_by_sum

    sums, errors, per_sum = error_by_sum(model, bits)
    explained = 1 - float(np.mean((errors - per_sum[sums]) ** 2) / np.var(errors))  # by the sum alone
    valley = int(np.argmin(per_sum))
    densest = int(np.argmax(np.bincount(np.asarray(training_pairs).sum(axis=1))))
    claims.claim(
        "valley",
        holds=explained >= 0.8 and abs(valley - densest) <= max(1, len(per_sum) // 15),
        values={"explained": explained, "valley": valley, "densest": densest},
        true="So its error surface is a valley along a line of constant sum (the sum alone explains "
        "{explained:.0%} of how the error varies), and the valley's floor, at a + b = {valley}, is where the "
        "training sums are densest ({densest}).",
        false="This run's surface is not that valley: the sum alone explains {explained:.0%} of how the error "
        "varies, and the smallest errors are at a + b = {valley}, while the densest training sum is {densest}.",
    )


def claim_wobble(claims, on_diagonal: float, off_diagonal: float, total: int = 120) -> None:
    """The hill: the same sum answered differently depending on how it is split."""
    claims.claim(
        "wobble",
        holds=abs(on_diagonal - off_diagonal) >= 0.5,
        values={"even": on_diagonal, "uneven": off_diagonal, "total": total, "gap": abs(on_diagonal - off_diagonal)},
        true="A network that truly added would draw a flat line at {total}; ours answers the same sum "
        "{gap:.1f} apart, depending on how it is split.",
        false="Along this line our network is nearly flat ({even:.1f} and {uneven:.1f}): this seed shows no wobble.",
    )


def claim_large_full(claims, table: pd.DataFrame, epochs: int) -> None:
    """For the largest sums, do networks run every epoch, improving by a hair?"""
    large = table[table.max_sum == table.max_sum.max()]
    full = int((large.epochs == epochs).sum())
    claims.claim(
        "large_full",
        holds=full > 0,
        values={
            "full": full,
            "n": len(large),
            "epochs": epochs,
            "max_sum": int(large.max_sum.max()),
            "mse": large.mse.min(),
        },
        true="For sums below {max_sum:,} the curves barely move, and {full} of the {n} networks run all {epochs} "
        "epochs while the error stays above {mse:,.3g}: they keep improving by a hair, so early stopping never "
        "fires, and they never get anywhere either.",
        false="For sums below {max_sum:,} early stopping ended every one of the {n} networks before its {epochs} "
        "epochs: none of them kept improving.",
    )


def claim_narrow_range(claims, ranges: pd.DataFrame, seed: int, largest_answer: int) -> None:
    """The 1-unit network's predictions cover a narrow band of the right answers."""
    width = float(ranges.width[ranges.width >= 1].median()) if (ranges.width >= 1).any() else 0.0
    lowest, highest = (round(float(v), 1) for v in ranges.loc[seed, ["lowest", "highest"]])
    claims.claim(
        "narrow_range",
        holds=width < largest_answer / 2,
        values={"width": width, "lowest": lowest, "highest": highest, "largest": largest_answer},
        true="The typical width of our ranges is {width:.0f}, against the blog's 152 − 78 = 74 and the "
        "{largest} the answers need: the 1-unit network commits to the middle of the range and is wrong "
        "everywhere else.",
        false="The typical width of our ranges is {width:.0f}, against the blog's 152 − 78 = 74: wider than half "
        "of the {largest} the answers need, so in this run the band is not narrow.",
    )


def claim_saturated(claims, saturated: pd.DataFrame) -> None:
    """The networks for the largest sums answer one constant, far from the average sum."""
    distinct = int(saturated["distinct predictions"].max())
    mean_sum = float(saturated["mean sum"].iloc[0])
    far = bool((abs(saturated["prediction"] - mean_sum) > 0.1 * mean_sum).all())
    stuck = saturated["units always on"] + saturated["units always off"]
    claims.claim(
        "saturated",
        holds=distinct <= 3 and far,
        values={
            "distinct": distinct,
            "mean_sum": mean_sum,
            "saturation": {int(h): float(stuck[h]) / h for h in saturated.index},
        },
        true="The answer is one constant (at most {distinct} distinct predictions per network), and it is "
        "nowhere near the average sum, {mean_sum:,.0f}.",
        false="Here not every network is reduced to one constant far from the average sum ({mean_sum:,.0f}): "
        "up to {distinct} distinct predictions per network.",
    )


def _records(table: pd.DataFrame) -> list[dict]:
    columns = ["hidden_units", "bits", "max_sum", "seed", "accuracy", "mse", "epochs"]
    return table[columns].to_dict("records")
