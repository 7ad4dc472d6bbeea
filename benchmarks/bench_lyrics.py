"""Chapter 4's training speed: the blog's settings against the book's, same network, same split.

The book's Gene Lyrica One has the blog's layers but trains them as a language model: the
training songs are cut into pieces of one window, and the loss scores the next word at
every position of a piece (``targets="every word"``), instead of one overlapping window per
word scored on its last word only. An epoch still predicts every training word once, but
reads each word once instead of a window's-length times. Its validation loss is measured
exactly as the original's: the next word after each validation window.

Trains Gene Lyrica One in one process, on the same training and validation songs:

1. the blog's settings (``config="original"``: RMSprop 0.001, batch 256, recurrent dropout,
   a new order of the windows every epoch as in the blog's unseeded ``fit``),
   until its validation loss has not improved for ``--original-patience`` epochs (its own
   early stopping watches the training loss and would run on long after the validation
   minimum, which is what we need), and records its best validation loss and the wall time
   to reach it;
2. the book's settings (``config="gene"``), stopping as soon as its validation loss reaches
   the original's best.

Prints both wall times and their ratio, and with ``--ablation`` the seconds per epoch of
the blog's settings, without recurrent dropout, with batch 512 as well, and of the book's
every-word training (measured interleaved, one epoch each, after a warm-up), to show
where the time goes.

    TWOPLUSTWO_DATA=../shared/data python benchmarks/bench_lyrics.py [--ablation]

Timings on a shared machine are noisy: run it when nothing else runs, and read the ratio.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--original-epochs", type=int, default=100, help="at most this many epochs (the blog's 100)")
    parser.add_argument(
        "--original-patience",
        type=int,
        default=3,
        help="stop the original once its validation loss has not improved for this many epochs",
    )
    parser.add_argument("--gene-epochs", type=int, default=None, help="the book's schedule length (default: config)")
    parser.add_argument("--ablation", action="store_true", help="also time one epoch of each variant")
    arguments = parser.parse_args()

    from helpers import lyrics
    from helpers.lyrics import training_data

    corpus = lyrics.load_corpus()
    data = training_data.prepare(corpus, "gene", seed=arguments.seed)
    print(
        f"Gene Lyrica One's songs: {data.summary()}, vocabulary {len(data.vocabulary)}, "
        f"window {data.vocabulary.window}",
        flush=True,
    )
    if arguments.ablation:
        ablation(data, arguments.seed)

    _, _, original = lyrics.train(
        corpus,
        "original",
        seed=arguments.seed,
        data=data,
        epochs=arguments.original_epochs,
        monitor="val_loss",
        patience=arguments.original_patience,
    )
    val = original.history["val_loss"]
    best_epoch = min(range(len(val)), key=val.__getitem__)
    best_loss, original_seconds = val[best_epoch], original.history["seconds"][best_epoch]
    print(
        f"original: best validation loss {best_loss:.4f} at epoch {best_epoch + 1}, {original_seconds:.1f} s "
        f"({original_seconds / (best_epoch + 1):.1f} s per epoch)",
        flush=True,
    )

    started = time.perf_counter()
    _, _, book = lyrics.train(
        corpus,
        "gene",
        seed=arguments.seed,
        data=data,
        epochs=arguments.gene_epochs,
        target_val_loss=best_loss,
        patience=100,
    )
    book_seconds = book.seconds_to("val_loss", best_loss)
    print(
        f"book: best validation loss {min(book.history['val_loss']):.4f} after {book.epochs} epochs, "
        f"{time.perf_counter() - started:.1f} s in all",
        flush=True,
    )
    print()
    print(f"{'configuration':<34}{'seconds to validation loss ' + format(best_loss, '.4f'):>36}")
    print(f"{'original (the blog settings)':<34}{original_seconds:>36.1f}")
    if book_seconds is None:
        print(f"{'book (gene)':<34}{'not reached':>36}")
    else:
        print(f"{'book (gene)':<34}{book_seconds:>36.1f}")
        print(f"speed-up: {original_seconds / book_seconds:.1f}x")


def ablation(data, seed: int) -> None:
    """Seconds per epoch of the blog's settings and two changes, interleaved, after a warm-up."""
    import keras

    from helpers.lyrics import configs, network, training_data

    variants = {
        "original": configs.get_config("original"),
        "no recurrent dropout": configs.get_config("original", recurrent_dropout=0.0),
        "no recurrent dropout, batch 512": configs.get_config("original", recurrent_dropout=0.0, batch_size=512),
        "book (every word)": configs.get_config("gene"),
    }
    built = {}
    for name, config in variants.items():
        every_word = config.targets == "every word"
        if every_word:
            x, y, weights = training_data.language_model_pieces(data, config)
        else:
            x, y, weights = data.x_train, data.y_train, None
        keras.utils.set_random_seed(seed)
        model = network.build_model(len(data.vocabulary), data.vocabulary.window, config, every_step=every_word)
        network.compile_model(model, config, steps_per_epoch=1)
        warm_up = None if weights is None else weights[:2048]
        model.fit(x[:2048], y[:2048], sample_weight=warm_up, batch_size=config.batch_size, verbose=0)
        built[name] = (model, config, x, y, weights)
    times = {name: [] for name in variants}
    for _ in range(2):
        for name, (model, config, x, y, weights) in built.items():
            started = time.perf_counter()
            model.fit(x, y, sample_weight=weights, batch_size=config.batch_size, epochs=1, verbose=0)
            times[name].append(time.perf_counter() - started)
    for name, seconds in times.items():
        print(f"ablation: {name:<34} {min(seconds):6.1f} s per epoch (best of {len(seconds)})", flush=True)


if __name__ == "__main__":
    main()
