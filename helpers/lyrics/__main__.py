"""Command line for chapter 4: ``python -m helpers.lyrics generate|train``.

Examples::

    python -m helpers.lyrics train --network gene
    python -m helpers.lyrics generate --seed-text "hello world" --randomness 0.7 --words 60
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

NETWORK_NAMES = {
    "gene": "Gene Lyrica One",
    "baba": "Baba Twist",
    "tod": "Tod Wonkin'",
    "original": "Gene Lyrica One, the blog's training settings",
}

RANDOMNESS_HELP = (
    "how much risk the writer takes, from 0 upwards (the book's page: 0 to 2, default 0.3). "
    "0 always writes the word the network finds most likely: the same lyrics every time, and it "
    'soon loops ("i want to be ..."). 1 draws each word with the network\'s own probabilities. '
    "Between 0 and 1 the likely words are favoured more; above 1 unlikely words get a bigger "
    "chance and the lyrics turn to word salad. Technically a temperature: each probability p "
    "becomes p^(1/randomness), renormalised."
)


def model_dir(network: str) -> Path:
    """Where ``train`` saves a network and ``generate`` looks for it (in the book's cache folder)."""
    from helpers.data import cache_dir

    return cache_dir("lyrics", "models", network)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.lyrics",
        description="Gene Lyrica One (chapter 4 of Two Plus Two): train a lyrics-writing network, or let it write.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser(
        "generate",
        help="write lyrics that continue a seed text",
        description="Write lyrics that continue a seed text. Unknown words of the seed are dropped; a seed "
        "longer than the network's window is allowed (its last window is read).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    generate.add_argument("--seed-text", required=True, help="the words the lyrics start from")
    generate.add_argument("--randomness", type=float, default=0.3, help=RANDOMNESS_HELP)
    generate.add_argument("--words", type=int, default=60, help="how many words to write (line breaks count)")
    generate.add_argument("--network", default="gene", help=f"which network: {', '.join(NETWORK_NAMES)}")
    generate.add_argument("--seed", type=int, default=0, help="random seed: the same seed writes the same lyrics")
    generate.add_argument(
        "--model-dir", type=Path, default=None, help="a folder written by `train` (default: the book's cache folder)"
    )
    train = commands.add_parser(
        "train", help="train a network and save it", formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    train.add_argument("--network", default="gene", help=f"which configuration: {', '.join(NETWORK_NAMES)}")
    train.add_argument("--seed", type=int, default=0, help="random seed (split, initial weights, shuffles)")
    train.add_argument("--epochs", type=int, default=None, help="at most this many epochs (default: the config's)")
    train.add_argument(
        "--source", default="public_domain", help="'public_domain' or the path of the Kaggle 55000+ Song Lyrics CSV"
    )
    train.add_argument("--glove", type=Path, default=None, help="a GloVe 6B 50d text file for the embedding")
    train.add_argument("--model-dir", type=Path, default=None, help="where to save (default: the book's cache)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 with a one-line message on bad input)."""
    arguments = _parser().parse_args(argv)
    try:
        from helpers.checks import check_choice

        check_choice("network", arguments.network, NETWORK_NAMES)
        from helpers import lyrics

        if arguments.command == "train":
            corpus = lyrics.load_corpus(arguments.source)
            directory = arguments.model_dir or model_dir(arguments.network)
            model, vocabulary, history = lyrics.train(
                corpus,
                arguments.network,
                seed=arguments.seed,
                epochs=arguments.epochs,
                glove_path=arguments.glove,
                checkpoint_dir=directory / "checkpoints",
            )
            lyrics.save(model, vocabulary, directory)
            print(f"saved {NETWORK_NAMES[arguments.network]} to {directory}")
            return 0
        from helpers.checks import check_int
        from helpers.lyrics.generation import check_randomness

        check_randomness(arguments.randomness)
        check_int("words", arguments.words, minimum=1, maximum=lyrics.generation.MAX_WORDS)
        directory = arguments.model_dir or model_dir(arguments.network)
        if not (directory / "model.keras").exists():
            raise ValueError(
                f"no trained {NETWORK_NAMES[arguments.network]} in {directory}: train it first with "
                f"python -m helpers.lyrics train --network {arguments.network}"
            )
        model, vocabulary = lyrics.load(directory)
        print(
            lyrics.generate(
                model,
                vocabulary,
                arguments.seed_text,
                words=arguments.words,
                randomness=arguments.randomness,
                seed=arguments.seed,
            )
        )
        return 0
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
