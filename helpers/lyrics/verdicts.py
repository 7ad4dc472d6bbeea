"""Chapter 4's verdicts: each sentence that states a result, recorded as a claim from the numbers.

Each function takes the chapter's :class:`helpers.claims.ClaimsRecord` and the numbers one
section measured, records its claims (the sentence for the outcome, glued as
``claim_<id>``) and returns nothing. The numbers are this run's, measured on test songs.
"""

from __future__ import annotations

from helpers.claims import ClaimsRecord


def accuracy_against_training(
    claims: ClaimsRecord, test: float, train: float, unknown_test: float, unknown_train: float
):
    """``test_above_training``: Gene Lyrica One's next-word accuracy on test songs above that on training songs."""
    unknown = (
        "{unknown_test:.1%} of the test words are [UNK] (words the training songs never had, or had once), "
        "against {unknown_train:.1%} of the training words, and the network predicts [UNK] well, as it would "
        "predict any frequent word."
    )
    claims.claim(
        "test_above_training",
        holds=test > train,
        values={"test": test, "train": train, "unknown_test": unknown_test, "unknown_train": unknown_train},
        true="Here the test accuracy ({test:.1%}) is higher than the training accuracy ({train:.1%}), for a "
        "reason that flatters it: " + unknown,
        false="Here the test accuracy ({test:.1%}) is below the training accuracy ({train:.1%}), as one expects "
        "of a network that has seen its training songs, although " + unknown,
    )


def baba_memorises(claims: ClaimsRecord, train: float, test: float, baba_copied: float, gene_copied: float):
    """``baba_memorises``: Baba Twist right more often on training than test songs, and copying more than Gene."""
    claims.claim(
        "baba_memorises",
        holds=train > test and baba_copied > gene_copied,
        values={"train": train, "test": test, "baba": baba_copied, "gene": gene_copied},
        true="High training accuracy on a few songs means memory more than skill: Baba Twist is right more "
        "often on its training songs than on its test songs ({train:.1%} against {test:.1%}) and copies more "
        "than Gene Lyrica One ({baba:.0%} of its 4-grams against {gene:.0%}).",
        false="This run does not show Baba Twist memorising more than it learns: {train:.1%} right on its "
        "training songs, {test:.1%} on its test songs, {baba:.0%} of its 4-grams copied against Gene Lyrica "
        "One's {gene:.0%}.",
    )


def tod_repeats(claims: ClaimsRecord, tod_distinct: int, gene_distinct: int, words: int):
    """``tod_repeats``: from the same seed, Tod Wonkin' writes fewer different words than Gene Lyrica One."""
    claims.claim(
        "tod_repeats",
        holds=tod_distinct < gene_distinct,
        values={"tod": tod_distinct, "gene": gene_distinct, "words": words},
        true="{words} words, {tod} different ones (Gene Lyrica One, from the same seed: {gene}): after one "
        "epoch the network has learned the commonest words and the line break, and argmax keeps choosing "
        "them, as the blog's Tod Wonkin' kept writing \"i don't know\".",
        false="{words} words, {tod} different ones, no fewer than Gene Lyrica One's {gene} from the same seed: "
        "this Tod Wonkin' is not stuck on the commonest words.",
    )


def sequence_no_gain(claims: ClaimsRecord, epochs: int, sequence: float, word: float):
    """``sequence_no_gain``: sequence to sequence no better than sequence to word on the test songs' last word."""
    claims.claim(
        "sequence_no_gain",
        holds=sequence <= word,
        values={"epochs": f"{epochs} epoch{'s' if epochs != 1 else ''}", "sequence": sequence, "word": word},
        true="After {epochs} each, the last word's test accuracy is {sequence:.1%} for sequence to "
        "sequence and {word:.1%} for sequence to word: no gain where it matters for writing, so the post's "
        "choice of sequence to word made sense.",
        false="After {epochs} each, sequence to sequence gets the last word of the test songs right "
        "{sequence:.1%} of the time, sequence to word {word:.1%}: a gain, paid for with a softmax at every "
        "position.",
    )


#: The margin the book set itself over the best n-gram model's perplexity.
TARGET_MARGIN = 0.10


def network_against_ngrams(claims: ClaimsRecord, network: float, ngram: float, blog: float, blog_epochs: int):
    """``gene_beats_ngram``, ``gene_meets_target`` and ``book_beats_blog_settings`` (test perplexities)."""
    margin = 1 - network / ngram
    values = {"network": network, "ngram": ngram, "margin": margin, "gap": -margin, "target": TARGET_MARGIN}
    claims.claim(
        "gene_beats_ngram",
        holds=network < ngram,
        values=values,
        true="The network's test perplexity is {margin:.1%} lower than the n-gram model's: more than a "
        "probability table.",
        false="The n-gram model wins this run: the network's test perplexity is {gap:.1%} higher, so on "
        "these songs it is no more than a probability table.",
    )
    claims.claim(
        "gene_meets_target",
        holds=margin >= TARGET_MARGIN,
        values=values,
        true="The book set itself a target of at least {target:.0%} lower, and this run meets it.",
        false="The book set itself a target of at least {target:.0%} lower, and this run falls short of it.",
    )
    claims.claim(
        "book_beats_blog_settings",
        holds=network < blog,
        values={"book": network, "blog": blog, "epochs": f"{blog_epochs} epoch{'s' if blog_epochs != 1 else ''}"},
        true="Trained with the blog's settings for {epochs}, the same network reaches {blog:.1f}, "
        "against the book's {book:.1f}.",
        false="Trained with the blog's settings for {epochs}, the same network reaches {blog:.1f}, "
        "better than the book's {book:.1f} this time.",
    )


def higher_orders(claims: ClaimsRecord, test_perplexity: dict[int, float], training_words: int):
    """``higher_orders_no_help``: the highest n-gram order no better on test songs than the best lower one."""
    orders = sorted(test_perplexity)
    lower = min(orders[:-1], key=test_perplexity.get) if len(orders) > 1 else orders[0]
    claims.claim(
        "higher_orders_no_help",
        holds=len(orders) > 1 and test_perplexity[orders[-1]] >= test_perplexity[lower],
        values={
            "top": orders[-1],
            "top_ppl": test_perplexity[orders[-1]],
            "best": lower,
            "best_ppl": test_perplexity[lower],
            "words": training_words,
        },
        true="Higher orders do not help the n-gram models: order {top} scores {top_ppl:.1f} on the test songs "
        "against {best_ppl:.1f} for order {best}. With {words:,} training words (line breaks included), almost "
        "every long context is new, and Kneser-Ney falls back to shorter ones.",
        false="Order {top} scores {top_ppl:.1f} on the test songs against {best_ppl:.1f} for order {best}: this "
        "run does not show that higher orders fail to help (with {words:,} training words).",
    )


def randomness(claims: ClaimsRecord, sweep, reference: dict):
    """``argmax_repeats``, ``randomness_varies`` and ``does_not_copy``, from ``metrics.temperature_sweep``."""
    by_randomness = sweep.set_index("randomness")
    low = float(by_randomness.index.min())
    one = float(min(by_randomness.index, key=lambda t: abs(t - 1.0)))
    values = {
        "low": low,
        "one": one,
        "real": reference["distinct-2"],
        "at_low": by_randomness["distinct-2"][low],
        "at_one": by_randomness["distinct-2"][one],
        "repeated": by_randomness["repeated lines"][low],
    }
    claims.claim(
        "argmax_repeats",
        holds=values["at_low"] < values["real"],
        values=values,
        true="At randomness {low:g}, only {at_low:.0%} of word pairs are distinct and {repeated:.0%} of lines "
        "repeat an earlier line (real songs: {real:.0%} distinct pairs).",
        false="At randomness {low:g}, {at_low:.0%} of word pairs are distinct, no fewer than in real songs "
        "({real:.0%}), and {repeated:.0%} of lines repeat an earlier line.",
    )
    claims.claim(
        "randomness_varies",
        holds=values["at_one"] > values["real"],
        values=values,
        true="At randomness {one:g} it is {at_one:.0%}, more varied than real songs, which repeat their refrains.",
        false="At randomness {one:g} it is {at_one:.0%}, no more varied than real songs.",
    )
    copied = by_randomness["copied 4-grams"]
    copying = {"most": float(copied.max()), "at": float(copied.idxmax()), "real": reference["copied 4-grams"]}
    claims.claim(
        "does_not_copy",
        holds=copying["most"] <= copying["real"],
        values=copying,
        true="Copying is rare at every randomness: at most {most:.1%} of generated 4-grams occur verbatim in a "
        "training song, against {real:.1%} for the real test songs. Gene Lyrica One does not copy; it repeats "
        "itself, and randomness is the cure, with nonsense as the price.",
        false="Some copying shows: at randomness {at:g}, {most:.1%} of generated 4-grams occur verbatim in a "
        "training song, against {real:.1%} for the real test songs, so Gene Lyrica One does copy a little, "
        "and randomness is the cure for that too.",
    )
