"""Chapter 4's generator in headless Chromium agrees with Python, and is fast enough.

A Gene Lyrica One of the chapter's shape (Embedding 50, GRU 128 x 2, Gene's full vocabulary),
trained briefly the book's way (``lyrics.train``, every word scored), and a small Baba Twist
are exported with ``lyrics.export_for_browser`` and shown with
``helpers.browser.browser_model_html`` on a page that loads the site's scripts as a chapter
page does. The page's tokenizer, next-word probabilities and argmax lyrics are
compared with Python's; then the test types a seed, moves the slider, presses Generate.
"""

from __future__ import annotations

import dataclasses
import os
import shutil

import numpy as np
import pytest
from browser_support import app_page, app_site, publish_into, serve
from conftest import ROOT

pytestmark = pytest.mark.browser

from helpers import browser, lyrics  # noqa: E402
from helpers.lyrics import configs, generation, text, training_data  # noqa: E402

STATIC = ROOT / "book" / "_static"
# Three seeds per network, with unknown words, punctuation, capitals and a line break in them.
SEEDS = {
    "gene": ["hello world", "I want to be\nfree", "The sea, the SEA! o'er the waves we’ll sail"],
    "baba": ["and the", "I drink to thee\nand", "Here’s a health to the KING!"],
}
TRICKY = [
    "Can’t stop, WON'T stop!",
    "line one\n\nline two\r\nthree",
    "“Quoted” ‘single’ rock'n'roll",
    "1,000 miles in 1928... 3.5",
    "Café ÉTÉ — naïve",
    "  \t ",
    "¶ is not a word",
    "tab\there  ",
    "ÀÉÎÕÜ ñ ç ø æ ß",
    "em—dash–en-dash hyphen-ated",
    "under_score & ampersand #hash @at",
    "¡hola! ¿qué?",
    "x²  ½  ٣ arabic digit",
    "''quoted twice''",
    "a\u00a0non-breaking space",
    "emoji 🎵 notes ♪",
]
TOLERANCE = 1e-4

#: The theme's colour variables, as pydata-sphinx-theme sets them for each mode (values made up
#: for the test, so that each one is recognisable in a computed style).
THEME = {
    "light": {
        "background": "rgb(255, 255, 255)",
        "surface": "rgb(240, 240, 240)",
        "text-base": "rgb(20, 20, 20)",
        "border": "rgb(200, 200, 200)",
        "primary": "rgb(0, 90, 160)",
    },
    "dark": {
        "background": "rgb(18, 18, 18)",
        "surface": "rgb(40, 40, 48)",
        "text-base": "rgb(230, 230, 230)",
        "border": "rgb(80, 80, 90)",
        "primary": "rgb(120, 180, 255)",
    },
}
THEME_CSS = " ".join(
    f"html[data-theme='{mode}'] {{ {' '.join(f'--pst-color-{k}: {v};' for k, v in colours.items())} }}"
    for mode, colours in THEME.items()
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    os.environ.setdefault("TWOPLUSTWO_DATA", str(ROOT.parent / "shared" / "data"))
    corpus = lyrics.load_corpus()
    gene_data = training_data.prepare(corpus, "gene", seed=0)
    # The network lyrics.train returns for the book's every-word training (embedding dropout
    # included), trained for one epoch on the pieces of 150 songs, with Gene's full vocabulary.
    few_songs = dataclasses.replace(gene_data, training_ids=gene_data.training_ids[:150])
    gene, _, _ = lyrics.train(corpus, "gene", data=few_songs, epochs=1, verbose=0)
    assert configs.get_config("gene").targets == "every word"
    baba_data = training_data.prepare(corpus, "baba", seed=0)
    baba, baba_vocabulary, _ = lyrics.train(
        corpus, "baba", data=baba_data, epochs=2, verbose=0, units=32, dense_units=32, embedding_dim=16
    )

    root = tmp_path_factory.mktemp("site")
    static = app_site(root, ["twoplustwo_models.js", "lyrics_app.js"])
    # require.js on the page, as the book's widget pages have it: the app must not trip on it.
    shutil.copyfile(STATIC / "vendor" / "require.js", static / "vendor" / "require.js")
    with publish_into(static):
        yield _lyrics_page(root, gene, gene_data, baba, baba_vocabulary)


def _lyrics_page(root, gene, gene_data, baba, baba_vocabulary) -> dict:
    """Export both networks into the site and write the chapter-like page that shows the app."""
    folder = browser.site_model_dir("lyrics")
    exported = {
        "gene": lyrics.export_for_browser(gene, gene_data.vocabulary, folder, name="gene"),
        "baba": lyrics.export_for_browser(baba, baba_vocabulary, folder, name="baba"),
    }
    html = browser.browser_model_html(
        "lyrics",
        models={k: v["model"] for k, v in exported.items()},
        files={f"{k}_vocabulary": v["vocabulary"] for k, v in exported.items()},
        config={
            "networks": {"gene": "Gene Lyrica One", "baba": "Baba Twist"},
            "seed_text": "hello world",
            "randomness": 0.3,
            "words": 60,
        },
    )
    head = f"<style>{THEME_CSS}</style><script src='../_static/vendor/require.js'></script>"
    app_page(root, "04_gene_lyrica_one.html", html, head=head, html_attributes=" data-theme='light'")
    return {
        "root": root,
        "gene": (gene, gene_data.vocabulary),
        "baba": (baba, baba_vocabulary),
        "sizes": {k: v["model"].stat().st_size for k, v in exported.items()},
    }


@pytest.fixture(scope="module")
def page(site, chromium):
    from browser_support import watch

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log = watch(page)
    with serve(site["root"]) as url:
        page.goto(f"{url}/notebooks/04_gene_lyrica_one.html")
        page.wait_for_function(
            "() => document.querySelector('.twoplustwo-browser-model').lyrics "
            "|| document.querySelector('[data-failed]')",
            timeout=120_000,
        )
        yield page, log
    context.close()


def test_tokenization_is_the_same_in_the_browser(page):
    page, log = page
    in_browser = page.evaluate("(texts) => texts.map((t) => window.TwoPlusTwoLyricsTokenize(t))", TRICKY)
    assert in_browser == text.tokenize(TRICKY)
    assert log.problems() == []


def test_probabilities_and_argmax_lyrics_match_python(site, page):
    page, log = page
    for network in ("gene", "baba"):
        model, vocabulary = site[network]
        for seed in SEEDS[network]:
            ids = generation.seed_ids(vocabulary, seed)
            in_browser = np.array(
                page.evaluate(
                    "([k, t]) => { const app = document.querySelector('.twoplustwo-browser-model').lyrics;"
                    " return app.probabilities(k, app.encode(k, t)); }",
                    [network, seed],
                )
            )
            python = generation.next_word_probabilities(model, generation.last_window(ids, vocabulary.window))[0]
            assert np.abs(in_browser - python).max() <= TOLERANCE, (network, seed)
            assert list(ids) == page.evaluate(
                "([k, t]) => document.querySelector('.twoplustwo-browser-model').lyrics.encode(k, t)", [network, seed]
            )
            words = page.evaluate(
                "async ([k, t]) => (await document.querySelector('.twoplustwo-browser-model').lyrics"
                ".generate(k, t, 30, 0)).words",
                [network, seed],
            )
            python_words = generation.generated_words(model, vocabulary, seed, words=30, randomness=0.0)
            assert words == python_words, (network, seed)
    assert log.problems() == []


def test_reader_types_moves_the_slider_and_generates(site, page):
    page, log = page
    page.fill(".lyrics-seed", "the wind and the sea")
    page.fill(".lyrics-randomness", "0.7")
    assert page.inner_text(".lyrics-randomness-value") == "0.70"
    page.fill(".lyrics-words", "60")
    page.click(".lyrics-generate")
    page.wait_for_function("() => document.querySelector('.lyrics-output').dataset.wordsPerSecond", timeout=60_000)
    shown = page.inner_text(".lyrics-output")
    assert shown.startswith("the wind and the sea") and len(shown.split()) > 20
    rate = float(page.eval_on_selector(".lyrics-output", "(e) => e.dataset.wordsPerSecond"))
    print(
        f"\nGene Lyrica One in headless Chromium: {rate:.0f} words per second; "
        f"model files: {', '.join(f'{k} {v / 1e6:.2f} MB' for k, v in site['sizes'].items())}"
    )
    assert rate >= 20
    # Baba Twist through the chooser.
    page.select_option(".lyrics-network", "baba")
    page.eval_on_selector(".lyrics-output", "(e) => { delete e.dataset.wordsPerSecond; }")
    page.click(".lyrics-generate")
    page.wait_for_function("() => document.querySelector('.lyrics-output').dataset.wordsPerSecond", timeout=60_000)
    assert "Baba Twist" in page.inner_text(".lyrics-status")
    assert log.problems() == []
    assert all(size < 8_000_000 for size in site["sizes"].values())


@pytest.mark.parametrize(
    "seed, words, message",
    [
        ("", "60", "seed text is empty"),
        ("zzqx qqzx", "60", "None of the seed's words is known"),
        ("hello world", "0", "Length must be a whole number"),
        ("hello world", "100000", "Length must be a whole number"),
    ],
)
def test_bad_input_is_a_message_in_the_page(page, seed, words, message):
    page, log = page
    page.select_option(".lyrics-network", "gene")
    page.fill(".lyrics-seed", seed)
    page.fill(".lyrics-words", words)
    page.click(".lyrics-generate")
    page.wait_for_function(
        "(m) => document.querySelector('.lyrics-status').textContent.includes(m)", arg=message, timeout=30_000
    )
    assert page.inner_text(".lyrics-output") == ""
    assert log.problems() == []


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_app_follows_the_themes_light_and_dark_modes(page, mode):
    page, log = page
    page.evaluate("(mode) => { document.documentElement.dataset.theme = mode; }", mode)
    styles = page.evaluate(
        "() => Object.fromEntries(['.lyrics-app', '.lyrics-output', '.lyrics-status', '.lyrics-seed', "
        "'.lyrics-generate'].map((s) => { const c = getComputedStyle(document.querySelector(s)); "
        "return [s, {background: c.backgroundColor, color: c.color, border: c.borderTopColor}]; }))"
    )
    colours = THEME[mode]
    assert styles[".lyrics-app"] == {
        "background": colours["background"],
        "color": colours["text-base"],
        "border": colours["border"],
    }
    assert styles[".lyrics-output"]["background"] == colours["surface"]
    assert styles[".lyrics-output"]["color"] == colours["text-base"]
    assert styles[".lyrics-status"]["color"] == colours["text-base"]  # not a fixed grey
    assert styles[".lyrics-seed"]["background"] == colours["surface"]
    assert styles[".lyrics-seed"]["color"] == colours["text-base"]
    assert styles[".lyrics-generate"]["background"] == colours["primary"]
    page.evaluate("() => { document.documentElement.dataset.theme = 'light'; }")
    assert log.problems() == []
