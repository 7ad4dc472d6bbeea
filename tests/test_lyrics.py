"""Chapter 4's library: corpus, tokenization, training with resume, generation, metrics, CLI."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from helpers import lyrics
from helpers.lyrics import configs, generation, metrics, network, text, training_data
from helpers.lyrics import corpus as corpus_module

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module", autouse=True)
def data_folder():
    """The read-only local mirror of the data: nothing is downloaded in the tests."""
    old = os.environ.get("TWOPLUSTWO_DATA")
    if old is None:
        os.environ["TWOPLUSTWO_DATA"] = str(SHARED_DATA)
    yield
    if old is None:
        del os.environ["TWOPLUSTWO_DATA"]


@pytest.fixture(scope="module")
def corpus():
    return lyrics.load_corpus()


# A configuration small enough to train in seconds: Christmas carols, tiny layers.
TINY = dict(
    categories=("Christmas carols", "Spirituals", "Children's songs"),
    embedding_dim=8,
    units=16,
    dense_units=16,
    epochs=2,
    batch_size=64,
)


@pytest.fixture(scope="module")
def tiny(corpus):
    config = configs.get_config("gene", **TINY)
    data = training_data.prepare(corpus, config, seed=0)
    model, vocabulary, history = lyrics.train(corpus, config, seed=0, data=data, verbose=0)
    return model, vocabulary, history, data


# --- corpus ---------------------------------------------------------------------------------


def test_cleaning_removes_licence_numbering_and_stray_breaks():
    report = corpus_module.CleaningReport()
    raw = (
        '1. Row the boat\nRow it well.2. Sing the song\nAll day long\n\n\n\nEnd of it,"Now we go\n\n'
        "This work was published before January 1, 1931, and is in thepublic domainworldwide because the "
        "author died at least 100 years ago.\n\nPublic domain\nPublic domainfalsefalse"
    )
    cleaned = corpus_module.clean_lyrics(raw, report)
    assert cleaned == 'Row the boat\nRow it well.\nSing the song\nAll day long\n\nEnd of it,"\nNow we go'
    assert report.licence_lines == 3 and report.licence_words > 20
    assert report.numbering_marks == 2 and report.glued_lines_split == 1
    double = corpus_module.clean_lyrics("one line\n\ntwo line\n\nthree line\n\nfour line", report)
    assert double == "one line\ntwo line\nthree line\nfour line" and report.double_spaced_songs == 1


def test_public_domain_corpus_is_clean_deduplicated_and_split_by_song(corpus):
    assert 1300 < len(corpus.songs) < 1347
    assert not any("public domain" in s.text.lower() for s in corpus.songs)
    assert len(corpus.report.duplicates) >= 6  # the 6 songs sharing their first 200 characters
    keys = [corpus_module._duplicate_key(s.text) for s in corpus.songs]
    assert len(keys) == len(set(keys))
    training, held = corpus.split(held_out=0.1, seed=0)
    assert len(training) + len(held) == len(corpus.songs)
    assert not {id(s) for s in training} & {id(s) for s in held}
    assert 0.07 < len(held) / len(corpus.songs) < 0.13
    assert corpus.split(held_out=0.1, seed=0) == (training, held)
    assert corpus.split(held_out=0.1, seed=1)[1] != held
    # A subset's split agrees with the full corpus's: no song held out of one is trained on in the other.
    subset = corpus.select(["Sea songs"])
    assert set(map(id, subset.split(seed=0)[1])) == {id(s) for s in held if s.category == "Sea songs"}


def test_the_data_page_counts_are_this_corpus(corpus):
    """book/data.md is a page without a kernel: its corpus counts are checked here, from the data."""
    page = " ".join((ROOT / "book" / "data.md").read_text().split())
    report = corpus.report
    entries = len(corpus.songs) + report.index_pages + report.empty_songs + len(report.duplicates)
    words = sum(
        len([w for w in tokens if w != text.NEWLINE]) for tokens in text.tokenize([s.text for s in corpus.songs])
    )
    expected = [
        f"{entries:,} song lyrics",
        f"licence sentences ({report.licence_lines:,} lines, {report.licence_words:,} words)",
        f"stanza numbers ({report.numbering_marks:,})",
        f"({report.glued_lines_split:,} split again)",
        f"({report.double_spaced_songs:,} closed up)",
        f"({len(report.duplicates):,} songs whose first 200 characters",
        f"{len(corpus.songs):,} songs remain, {words:,} words",
    ]
    assert report.index_pages == 1 and "one Wikisource category page" in page
    for fragment in expected:
        assert fragment in page, f"book/data.md should say {fragment!r}"


def test_bad_corpus_arguments(corpus):
    with pytest.raises(ValueError, match="held_out"):
        corpus.split(held_out=0)
    with pytest.raises(ValueError, match="held_out"):
        corpus.split(held_out=float("nan"))
    with pytest.raises(ValueError, match="categories"):
        corpus.select(["Rock"])
    with pytest.raises(ValueError, match="source"):
        lyrics.load_corpus("kaggle")


def test_kaggle_csv_reader(tmp_path):
    path = tmp_path / "songdata.csv"
    path.write_text(
        'artist,song,link,text\nABBA,"Ahe\'s My Kind Of Girl",/a/1,"Look at her face\nIt\'s a wonderful '
        'face"\nABBA,Andante,/a/2,"Take it easy\nwith me, please"\nQueen,Bohemian,/q/1,"Is this the '
        'real life\nIs this just fantasy"\n',
        encoding="utf-8",
    )
    corpus = lyrics.load_corpus(path)
    assert [s.category for s in corpus.songs] == ["ABBA", "ABBA", "Queen"]
    assert corpus.songs[0].text == "Look at her face\nIt's a wonderful face"
    assert len(lyrics.load_corpus(path, categories=["Queen"]).songs) == 1
    broken = tmp_path / "broken.csv"
    broken.write_text("artist,song,link\nABBA,x,/a\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['text'\]"):
        lyrics.load_corpus(broken)
    with pytest.raises(ValueError, match="not a file"):
        lyrics.load_corpus(tmp_path / "missing.csv")


def test_wrong_hash_data_file_is_refused(tmp_path, monkeypatch):
    target = tmp_path / "lyrics" / "lyrics_data.json"
    target.parent.mkdir()
    target.write_text(json.dumps([{"title": "x", "lyrics": "a b", "category": "c"}]))
    monkeypatch.setenv("TWOPLUSTWO_DATA", str(tmp_path))
    with pytest.raises(ValueError, match="SHA-256"):
        lyrics.load_corpus()


# --- text -----------------------------------------------------------------------------------

TRICKY = {
    "Can’t stop, WON'T stop!": ["can't", "stop", "won't", "stop"],
    "line one\n\nline two\r\nthree": ["line", "one", "¶", "¶", "line", "two", "¶", "three"],
    "“Quoted” ‘single’ rock'n'roll": ["quoted", "'single'", "rock'n'roll"],
    "1,000 miles in 1928... 3.5": ["1", "000", "miles", "in", "1928", "3", "5"],
    "Café ÉTÉ — naïve": ["café", "été", "naïve"],
    "  \t ": [],
    "¶ is not a word": ["is", "not", "a", "word"],
}


@pytest.mark.parametrize("raw", list(TRICKY))
def test_tokenization_of_tricky_strings(raw):
    assert text.tokenize([raw])[0] == TRICKY[raw]


def test_vocabulary_windows_and_lookup():
    vocabulary = text.build_vocabulary(["a b c\na b", "a b d\nc c"], min_count=2)
    assert vocabulary.words[:2] == ["", "[UNK]"] and "d" not in vocabulary.words
    assert vocabulary.window == 5  # 2 x the median words per line (lines of 3, 2, 3, 2 words: 2.5)
    encoded = vocabulary.encode(["a d zzz"])[0]
    assert list(encoded[1:]) == [1, 1] and encoded[0] == vocabulary.index["a"]
    x, y = text.windows([np.array([5, 6, 7], np.int32)], window=4)
    assert x.tolist() == [[0, 0, 0, 5], [0, 0, 5, 6]] and y.tolist() == [6, 7]
    assert text.detokenize(["a", "b", "¶", "c"]) == "a b\nc"
    with pytest.raises(ValueError, match="list"):
        text.tokenize("a string")


@pytest.mark.parametrize("stride", [1, 2, 3, 4])
def test_language_model_pieces_score_every_word_once_per_overlap(stride):
    songs = [np.arange(5, 12, dtype=np.int32), np.array([20, 21], np.int32), np.array([30], np.int32)]
    x, y, weights = text.chunks(songs, window=4, stride=stride)
    assert x.shape == y.shape == weights.shape and x.shape[1] == 4
    # Targets are the inputs shifted by one word, and padding is never scored.
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    assert (y[weights > 0] > 0).all()
    # Every word after a song's first (and no first word) is scored, window / stride times or more.
    scored = Counter(int(t) for t in y[weights > 0])
    wanted = [*range(6, 12), 21]
    assert sorted(scored) == wanted
    assert min(scored.values()) >= max(1, 4 // stride)
    # A piece's last position reads exactly the window generation reads for that word.
    windows_x, windows_y = text.windows(songs, window=4)
    by_target = {int(t): tuple(row) for row, t in zip(windows_x, windows_y, strict=True)}
    for row, targets, weight in zip(x, y, weights, strict=True):
        if weight[-1] > 0:
            assert tuple(row) == by_target[int(targets[-1])]
    with pytest.raises(ValueError, match="stride"):
        text.chunks(songs, window=4, stride=5)


# --- training, saving, resuming ----------------------------------------------------------------


def test_validation_songs_come_out_of_the_training_part_and_test_songs_stay_apart(tiny, corpus):
    model, vocabulary, history, data = tiny
    training_all, test_all = corpus.split(held_out=0.1, seed=0)  # the test songs: the chapter's split
    training, validation, test = (
        {id(s) for s in songs} for songs in (data.training_songs, data.validation_songs, data.test_songs)
    )
    assert training and validation and test
    assert training | validation <= {id(s) for s in training_all} and test <= {id(s) for s in test_all}
    assert not training & validation
    # The test songs are every test song of the configuration's categories.
    assert test == {id(s) for s in test_all if s.category in TINY["categories"]}
    # The validation draw is seeded, and another seed draws other songs.
    again = training_data.prepare(corpus, configs.get_config("gene", **TINY), seed=0)
    assert [s.title for s in again.validation_songs] == [s.title for s in data.validation_songs]
    other = training_data.prepare(corpus, configs.get_config("gene", **TINY), seed=1)
    assert {s.title for s in other.validation_songs} != {s.title for s in data.validation_songs}
    assert history.epochs == 2 and len(history.history["val_loss"]) == 2
    assert history.history["loss"][1] < history.history["loss"][0]
    assert model.output_shape == (None, len(vocabulary))


def test_any_test_share_keeps_its_test_songs_out_of_training(corpus):
    """The Tod Wonkin' leak: trained with one share and scored with another. One split serves both now."""
    for held_out in (0.1, 0.3):
        data = training_data.prepare(corpus, "tod", seed=0, held_out=held_out)
        test = {id(s) for s in corpus.split(held_out=held_out, seed=0)[1]}
        assert {id(s) for s in data.test_songs} == test
        assert not test & {id(s) for s in data.training_songs + data.validation_songs}
    with pytest.raises(ValueError, match="validation"):
        training_data.prepare(corpus, "tod", validation=0.0)


def test_verdicts_say_what_the_numbers_say():
    from helpers.claims import ClaimsRecord
    from helpers.lyrics import verdicts

    def record(network):
        claims = ClaimsRecord(glue=False)
        verdicts.network_against_ngrams(claims, network=network, ngram=100.0, blog=120.0, blog_epochs=3)
        verdicts.higher_orders(claims, {2: 100.0, 3: 95.0, 4: 96.0 if network < 100 else 90.0}, training_words=1000)
        return {claim.id: claim for claim in claims.claims}

    good, bad = record(80.0), record(105.0)
    assert good["gene_beats_ngram"].holds and good["gene_meets_target"].holds and good["book_beats_blog_settings"].holds
    assert "20.0% lower" in good["gene_beats_ngram"].text and good["higher_orders_no_help"].holds
    assert not bad["gene_beats_ngram"].holds and "n-gram model wins" in bad["gene_beats_ngram"].text
    assert "falls short" in bad["gene_meets_target"].text and not bad["higher_orders_no_help"].holds
    between = record(95.0)
    assert between["gene_beats_ngram"].holds and not between["gene_meets_target"].holds


def test_randomness_verdicts_name_where_copying_shows():
    import pandas as pd

    from helpers.claims import ClaimsRecord
    from helpers.lyrics import verdicts

    sweep = pd.DataFrame(
        {
            "randomness": [0.0, 1.0],
            "distinct-2": [0.2, 1.0],
            "repeated lines": [0.7, 0.0],
            "copied 4-grams": [0.15, 0.01],
        }
    )
    claims = ClaimsRecord(glue=False)
    verdicts.randomness(claims, sweep, {"distinct-2": 0.9, "copied 4-grams": 0.004})
    record = {claim.id: claim for claim in claims.claims}
    assert record["argmax_repeats"].holds and record["randomness_varies"].holds
    assert not record["does_not_copy"].holds and "at randomness 0, 15.0%" in record["does_not_copy"].text


def test_test_songs_cannot_influence_training(tiny, corpus):
    """Train again with the configuration's test songs removed from the corpus: the same weights.

    The split keeps at least one song on each side, so one test song of a category the
    configuration does not read stays; the configuration itself has no test song left.
    """
    model, vocabulary, _, data = tiny
    config = configs.get_config("gene", **TINY)
    test_songs = {id(s) for s in corpus.split(held_out=0.1, seed=0)[1] if s.category in TINY["categories"]}
    reduced = lyrics.Corpus([s for s in corpus.songs if id(s) not in test_songs], corpus.report, corpus.source)
    assert len(reduced.songs) == len(corpus.songs) - len(test_songs) and test_songs
    assert not training_data.prepare(reduced, config, seed=0).test_songs
    again, again_vocabulary, _ = lyrics.train(reduced, config, seed=0, verbose=0)
    assert again_vocabulary.words == vocabulary.words
    for trained, retrained in zip(model.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_allclose(retrained, trained, rtol=0, atol=1e-6)
    # The comparison can tell: without one training song, the weights differ.
    dropped = data.training_songs[0]
    fewer = lyrics.Corpus([s for s in corpus.songs if s is not dropped], corpus.report, corpus.source)
    changed, _, _ = lyrics.train(fewer, config, seed=0, verbose=0)
    assert any(
        a.shape != b.shape or not np.allclose(a, b, atol=1e-6)
        for a, b in zip(model.get_weights(), changed.get_weights(), strict=True)
    )


def test_every_word_training_is_scored_on_the_same_validation_windows(tiny):
    model, vocabulary, history, data = tiny
    assert configs.get_config("gene").targets == "every word" and configs.get_config("original").targets == "last word"
    # The returned network reads a window and gives the next word: the same interface as the blog's.
    assert model.input_shape == (None, vocabulary.window) and model.output_shape == (None, len(vocabulary))
    # Its recorded validation loss is the cross-entropy evaluate() computes on the validation songs' windows.
    best = history.history["val_loss"][history.best_epoch - 1]
    assert best == pytest.approx(lyrics.evaluate(model, vocabulary, data.validation_songs)["cross_entropy"], abs=1e-5)
    # The every-step network's last step is the window network (same weights, same order).
    config = configs.get_config("gene", **TINY)
    every_step = network.build_model(len(vocabulary), vocabulary.window, config, every_step=True)
    every_step.set_weights(model.get_weights())
    np.testing.assert_allclose(
        every_step.predict(data.x_validation[:32], verbose=0)[:, -1],
        model.predict(data.x_validation[:32], verbose=0),
        atol=1e-6,
    )


def test_configs_are_the_blogs_and_unknown_names_refused():
    original = configs.get_config("original")
    assert (
        original.embedding_dim,
        original.units,
        original.dense_units,
        original.dropout,
        original.recurrent_dropout,
        original.head_dropout,
    ) == (50, 128, 128, 0.2, 0.2, 0.3)
    assert (
        original.optimizer,
        original.learning_rate,
        original.batch_size,
        original.epochs,
        original.monitor,
        original.patience,
    ) == ("rmsprop", 1e-3, 256, 100, "loss", 10)
    assert configs.get_config("tod").epochs == 1 and configs.get_config("tod").categories is None
    assert configs.get_config("gene").monitor == "val_loss"
    with pytest.raises(ValueError, match="config must be one of"):
        configs.get_config("gene lyrica two")
    refused = [
        ({"hidden": 3}, "unknown configuration field"),
        ({"epochs": 0}, "epochs"),
        ({"targets": "every words"}, "targets"),
        ({"stride": 0}, "stride"),
        ({"embedding_dropout": 1.0}, "embedding_dropout"),
        ({"reshuffle": "yes"}, "reshuffle must be True or False"),
    ]
    for overrides, message in refused:
        with pytest.raises(ValueError, match=message):
            configs.get_config("gene", **overrides)


def test_keras_save_and_safe_load(tiny, tmp_path):
    model, vocabulary, _, data = tiny
    lyrics.save(model, vocabulary, tmp_path)
    loaded, loaded_vocabulary = lyrics.load(tmp_path)
    assert loaded_vocabulary.words == vocabulary.words and loaded_vocabulary.window == vocabulary.window
    np.testing.assert_allclose(
        loaded.predict(data.x_validation[:16], verbose=0), model.predict(data.x_validation[:16], verbose=0), atol=1e-6
    )
    with pytest.raises(ValueError, match="model.keras"):
        lyrics.load(tmp_path / "nothing")


RESUME_SCRIPT = """
import sys
from helpers import lyrics
from helpers.lyrics import configs
corpus = lyrics.load_corpus()
config = configs.get_config("gene", categories=("Christmas carols", "Spirituals", "Children's songs"),
                           embedding_dim=8, units=16, dense_units=16, epochs=12, batch_size=16, patience=100,
                           monitor="loss")
model, vocabulary, history = lyrics.train(corpus, config, seed=0, checkpoint_dir=sys.argv[1])
print("RESUMED_FROM", history.resumed_from_epoch, "EPOCHS", history.epochs, flush=True)
"""


def test_sigkill_during_training_loses_at_most_one_epoch(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(RESUME_SCRIPT)
    checkpoints = tmp_path / "checkpoints"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT)}
    log = open(tmp_path / "first.log", "w")
    process = subprocess.Popen(
        [sys.executable, str(script), str(checkpoints)], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT
    )
    state = checkpoints / "state.json"
    deadline = time.time() + 240
    while time.time() < deadline:
        if state.exists() and json.loads(state.read_text())["state"]["epoch"] >= 3:
            break
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("training never wrote a checkpoint for epoch 3")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    log.close()
    printed = [
        int(line.split("epoch")[1].split(":")[0])
        for line in (tmp_path / "first.log").read_text().splitlines()
        if line.startswith("[gene] epoch")
    ]
    assert printed and max(printed) < 12, "the run must be killed mid-training"
    saved_epoch = json.loads(state.read_text())["state"]["epoch"]
    resumed = subprocess.run(
        [sys.executable, str(script), str(checkpoints)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    words = resumed.stdout.split()
    resumed_from, epochs = int(words[words.index("RESUMED_FROM") + 1]), int(words[words.index("EPOCHS") + 1])
    assert resumed_from == saved_epoch >= max(printed) - 1  # at most the epoch in progress is lost
    assert epochs == 12  # the history is whole: epochs before the kill and after the resume
    assert f"resuming after epoch {resumed_from}" in resumed.stdout


# --- generation -------------------------------------------------------------------------------


def test_generation_is_seeded_and_argmax_is_deterministic(tiny):
    model, vocabulary, _, _ = tiny
    first = lyrics.generate(model, vocabulary, "joy to the world", words=15, randomness=0.0, seed=1)
    assert first == lyrics.generate(model, vocabulary, "joy to the world", words=15, randomness=0.0, seed=2)
    assert len(generation.generated_words(model, vocabulary, "joy to the world", words=15)) == 15
    sampled = [
        lyrics.generate(model, vocabulary, "joy to the world", words=30, randomness=1.0, seed=s) for s in (3, 3, 4)
    ]
    assert sampled[0] == sampled[1] and sampled[0] != sampled[2]
    # A tiny temperature is argmax, without numpy's sum(pvals) > 1 error.
    assert lyrics.generate(model, vocabulary, "joy to the world", words=15, randomness=1e-12) == first
    assert "[UNK]" not in lyrics.generate(model, vocabulary, "joy", words=50, randomness=2.0)


def test_sampling_distribution_is_safe():
    probabilities = np.array([[0.0, 0.1, 0.5, 0.4 - 1e-9, 1e-9, 0.0]])
    for randomness in (1e-300, 1e-9, 0.3, 1.0, 2.0, 100.0):
        distribution = generation.sampling_distribution(probabilities, randomness)
        assert np.isfinite(distribution).all() and abs(distribution.sum() - 1) < 1e-12
        assert distribution[0, :2].sum() == 0 and distribution[0, 5] == 0
    assert generation.sampling_distribution(probabilities, 1e-9)[0, 2] == 1.0
    flat = generation.sampling_distribution(probabilities, 1.0)[0]
    np.testing.assert_allclose(flat[2:5], probabilities[0, 2:5] / probabilities[0, 2:5].sum())


def test_long_seed_uses_its_last_window_and_unknown_words_are_dropped(tiny):
    model, vocabulary, _, _ = tiny
    known = [w for w in vocabulary.words[3:] if w != text.NEWLINE][: vocabulary.window + 10]
    long_seed = " ".join(known)
    tail = " ".join(known[-vocabulary.window :])
    assert lyrics.generate(model, vocabulary, long_seed, words=10) == lyrics.generate(model, vocabulary, tail, words=10)
    assert lyrics.generate(model, vocabulary, "zzqx " + tail + " qqzx", words=10) == lyrics.generate(
        model, vocabulary, tail, words=10
    )


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(seed_text=""), "seed_text is empty"),
        (dict(seed_text="   \n "), "seed_text is empty"),
        (dict(seed_text="zzqx qqzx"), "no word the network knows"),
        (dict(seed_text=None), "seed_text must be a string"),
        (dict(randomness=-0.1), "randomness must be at least 0"),
        (dict(randomness=float("nan")), "randomness must be finite"),
        (dict(randomness=float("inf")), "randomness must be finite"),
        (dict(randomness="hot"), "randomness must be a number"),
        (dict(words=0), "words must be at least 1"),
        (dict(words=10**7), "words must be at most"),
        (dict(words=2.5), "words must be an integer"),
        (dict(seed=-1), "seed must be"),
    ],
)
def test_bad_generation_input_is_a_clear_error(tiny, arguments, message):
    model, vocabulary, _, _ = tiny
    call = {"seed_text": "joy to the world", **arguments}
    with pytest.raises(ValueError, match=message):
        lyrics.generate(model, vocabulary, **call)


# --- metrics ----------------------------------------------------------------------------------


def test_perplexity_of_a_uniform_model_is_the_vocabulary_size(tiny):
    import keras

    _, vocabulary, _, data = tiny
    inputs = keras.Input(shape=(vocabulary.window,), dtype="int32")
    zeros = keras.layers.Lambda(lambda x: keras.ops.zeros((keras.ops.shape(x)[0], len(vocabulary))))(inputs)
    uniform = keras.Model(inputs, keras.layers.Softmax()(zeros))
    scores = lyrics.evaluate(uniform, vocabulary, data.test_songs)
    assert scores["perplexity"] == pytest.approx(len(vocabulary), rel=1e-5)
    assert lyrics.perplexity(uniform, vocabulary, data.test_songs) == pytest.approx(len(vocabulary), rel=1e-5)


def test_trained_model_beats_uniform_and_top5_at_least_top1(tiny):
    model, vocabulary, _, data = tiny
    scores = lyrics.evaluate(model, vocabulary, data.test_songs)
    assert scores["perplexity"] < len(vocabulary) / 2
    assert 0 <= scores["top1"] <= scores["top5"] <= 1


def test_kneser_ney_matches_nltk():
    import random

    from nltk.lm import KneserNeyInterpolated
    from nltk.lm.preprocessing import padded_everygram_pipeline

    rng = random.Random(0)
    words = "a b c d e [UNK] ¶".split()
    songs = [[rng.choice(words) for _ in range(rng.randint(3, 25))] for _ in range(40)]
    tests = [[rng.choice(words) for _ in range(12)] for _ in range(5)]
    for order in (2, 3, 5):
        for discount in (0.1, 0.75):
            reference = KneserNeyInterpolated(order, discount=discount)
            reference.fit(*padded_everygram_pipeline(order, songs))
            ours = metrics.KneserNey(order, songs, discount)
            for song in tests:
                padded = ["<s>"] * (order - 1) + song
                for i in range(order - 1, len(padded)):
                    context = tuple(padded[i - order + 1 : i])
                    assert ours.score(padded[i], context) == pytest.approx(
                        reference.unmasked_score(padded[i], context), abs=1e-12
                    )
            # nltk.lm's Kneser-Ney is a distribution only approximately (its lower orders divide
            # continuation counts and the discount mass by different totals): within 2% here, and
            # in these cases it gives out slightly more than 1, which would flatter the n-gram baselines.
            vocabulary = set(words) | {"</s>"}
            total = sum(ours.score(w, ("<s>",) * (order - 1)) for w in vocabulary)
            assert 0.98 < total < 1.02


def test_repetition_and_copying_metrics():
    training = metrics.TrainingText([["the", "sea", "is", "wide", "¶", "and", "deep"]])
    assert training.longest_copied_run(["x", "sea", "is", "wide", "and", "deep", "y"]) == 5
    assert training.copied_share(["the", "sea", "is", "wide", "no"]) == 0.5
    assert metrics.distinct_n(["a", "a", "a", "b"], 1) == 0.5
    assert metrics.repeated_line_rate(["a", "b", "¶", "a", "b", "¶", "c"]) == pytest.approx(1 / 3)
    assert metrics.loop_period(["i", "want", "to", "be"] * 10) == 4
    assert metrics.loop_period(list("abcdefghijklmnopqrstuvwxyz")) is None


# --- command line -----------------------------------------------------------------------------


def run_cli(*arguments, **kwargs):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "helpers.lyrics", *arguments],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        **kwargs,
    )


def test_cli_help_explains_randomness():
    result = run_cli("generate", "--help")
    assert result.returncode == 0
    assert "randomness" in result.stdout and "most likely" in result.stdout and "temperature" in result.stdout


def test_cli_generates_from_a_saved_model_and_refuses_bad_input(tiny, tmp_path):
    model, vocabulary, _, _ = tiny
    lyrics.save(model, vocabulary, tmp_path)
    result = run_cli(
        "generate",
        "--seed-text",
        "joy to the world",
        "--randomness",
        "0",
        "--words",
        "12",
        "--model-dir",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == lyrics.generate(model, vocabulary, "joy to the world", words=12).strip()
    for arguments, message in [
        (["--randomness", "-1"], "randomness must be at least 0"),
        (["--randomness", "nan"], "randomness must be finite"),
        (["--words", "0"], "words must be at least 1"),
        (["--network", "gene lyrica two"], "network must be one of"),
    ]:
        result = run_cli("generate", "--seed-text", "joy", "--model-dir", str(tmp_path), *arguments)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


# --- browser export ---------------------------------------------------------------------------


def test_export_for_browser_matches_keras(tiny, tmp_path):
    from helpers import browser

    model, vocabulary, _, data = tiny
    paths = lyrics.export_for_browser(model, vocabulary, tmp_path, name="tiny")
    assert paths["model"].stat().st_size < 8_000_000
    exported = json.loads(paths["vocabulary"].read_text(encoding="utf-8"))
    assert exported["words"] == vocabulary.words and exported["window"] == vocabulary.window
    windows = data.x_validation[:32]
    np.testing.assert_allclose(browser.run_onnx(paths["model"], windows), model.predict(windows, verbose=0), atol=1e-5)
    assert math.isclose(float(browser.run_onnx(paths["model"], windows).sum(axis=1).mean()), 1.0, rel_tol=1e-5)


def test_glove_file_initialises_the_embedding(tmp_path):
    vocabulary = text.Vocabulary(words=["", "[UNK]", "sea", "wind"], window=3)
    glove = tmp_path / "glove.txt"
    glove.write_text("sea 0.5 -0.5\nzebra 1 1\nwind 0.25 0.75\n", encoding="utf-8")
    matrix = network.read_glove(glove, vocabulary, dimensions=2)
    assert matrix[2].tolist() == [0.5, -0.5] and matrix[3].tolist() == [0.25, 0.75]
    assert np.abs(matrix[:2]).max() <= 0.05  # padding and [UNK]: small random vectors
    with pytest.raises(ValueError, match="GloVe"):
        network.read_glove(glove, vocabulary, dimensions=50)
