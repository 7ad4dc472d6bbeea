"""Chapter 3's adders in headless Chromium answer exactly as Python does.

A 3-digit seq2seq LSTM, trained briefly the book's way, and the chapter's aligned adder are
exported with ``helpers.string_addition.adders_app`` and shown with
``helpers.browser.browser_model_html`` on a page that loads the site's scripts as a chapter
page does. The page's answers are compared with ``seq2seq.add`` on 1,000 questions of the
chapter's kind, its refusals with ``seq2seq.check_question``'s messages, and its long sums
with ``long_addition.add`` on 50 additions of up to 10,000 digits, carries through every
digit among them. Then the test types into the page as a reader would.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from browser_support import app_page, app_site, publish_into, serve, watch
from conftest import ROOT

pytestmark = pytest.mark.browser

from helpers.string_addition import adders_app, long_addition, seq2seq  # noqa: E402

STATIC = ROOT / "book" / "_static"
BAD_QUESTIONS = [
    "",
    "   ",
    "12a+3",
    "1+2+3",
    "12",
    "-5+3",
    "1234+1",
    "1+5678",
    "0001234+1",
    "1+",
    "+1",
    "5 3 5 + 6 1x",
    "it's+1",
    'say "hi"+1',
    "1\t+2",
    "1+2\n",
    "½+1",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    seq_model, _ = seq2seq.train_adder(3, seed=0, n_questions=12_000, epochs=3, verbose=0)
    long_model = long_addition.build_model(seed=0)
    long_addition.train(long_model, seed=0, verbose=0)
    root = tmp_path_factory.mktemp("site")
    static = app_site(root, ["twoplustwo_models.js", "adders_app.js"])
    with publish_into(static):
        app_page(root, "03_string_addition.html", adders_app.adders_app_html(seq_model, 3, long_model))
        yield {"root": root, "seq2seq": seq_model, "long": long_model}


@pytest.fixture(scope="module")
def page(site, chromium):
    context = chromium.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    log = watch(page)
    with serve(site["root"]) as url:
        page.goto(f"{url}/notebooks/03_string_addition.html")
        page.wait_for_function(
            "() => document.querySelector('.twoplustwo-browser-model').adder "
            "|| document.querySelector('[data-failed]')",
            timeout=120_000,
        )
        yield page, log
    context.close()


ADD_ALL = """async (questions) => {
  const adder = document.querySelector('.twoplustwo-browser-model').adder;
  const answers = [];
  for (const q of questions) {
    try { answers.push(await adder.add(q)); } catch (error) { answers.push('Error: ' + error.message); }
  }
  return answers;
}"""


def test_the_lstm_answers_as_python_does_on_1000_questions(site, page):
    page, log = page
    questions = seq2seq.make_questions(1_000, 3, seed=7).questions
    assert page.evaluate(ADD_ALL, questions) == seq2seq.add(site["seq2seq"], questions, 3)
    # Leading zeros and spaces are read as Python reads them.
    odd = ["007+5", " 535 + 61 ", "0+0", "999+999"]
    assert page.evaluate(ADD_ALL, odd) == seq2seq.add(site["seq2seq"], odd, 3)
    assert log.problems() == []


def test_bad_questions_get_pythons_messages(page):
    page, log = page
    expected = []
    for question in BAD_QUESTIONS:
        with pytest.raises(ValueError) as error:
            seq2seq.check_question(question, 3)
        expected.append(f"Error: {error.value}")
    assert page.evaluate(ADD_ALL, BAD_QUESTIONS) == expected
    assert log.problems() == []


def long_pairs() -> list[tuple[str, str]]:
    """50 additions of up to 10,000 digits: carries through every digit, unequal lengths, random."""
    rng = np.random.default_rng(3)
    pairs = []
    for n in (1, 9, 100, 1_000, 9_999):
        pairs += [("9" * n, "1"), ("1", "9" * n), ("9" * n, "9" * n), ("5" * n, "5" * n)]
    pairs += [("9" * 10_000, "1"), ("9" * 10_000, "9" * 10_000), ("0", "0"), ("000123", "0877")]
    while len(pairs) < 50:
        length_a, length_b = rng.integers(1, 10_001, size=2)
        digits = rng.integers(0, 10, size=length_a + length_b).astype(str)
        pairs.append(("".join(digits[:length_a]), "".join(digits[length_a:])))
    return pairs


def test_the_long_adder_adds_as_python_does_up_to_10000_digits(site, page):
    page, log = page
    pairs = long_pairs()
    in_browser = page.evaluate(
        """async (pairs) => {
          const adder = document.querySelector('.twoplustwo-browser-model').adder;
          const sums = [];
          for (const [a, b] of pairs) sums.push(await adder.addLong(a, b));
          return sums;
        }""",
        pairs,
    )
    in_python = long_addition.add_many(site["long"], [a for a, _ in pairs], [b for _, b in pairs])
    assert in_browser == in_python
    assert in_browser[pairs.index(("9" * 10_000, "1"))] == "1" + "0" * 10_000
    assert log.problems() == []


def test_a_reader_can_ask_both_adders_and_sees_errors_in_the_page(site, page):
    page, log = page
    box = page.locator(".twoplustwo-browser-model")
    box.locator(".tpt-question").fill("535+61")
    box.locator(".tpt-ask").click()
    expected = seq2seq.add(site["seq2seq"], ["535+61"], 3)[0]
    page.wait_for_function("(text) => document.querySelector('.tpt-out').textContent.includes(text)", arg="535+61 = ")
    assert box.locator(".tpt-out").first.text_content().startswith(f"535+61 = {expected}")
    box.locator(".tpt-question").fill("1234+1")
    box.locator(".tpt-question").press("Enter")
    page.wait_for_function("() => document.querySelector('.tpt-out.tpt-error')")
    with pytest.raises(ValueError) as error:
        seq2seq.check_question("1234+1", 3)
    assert box.locator(".tpt-out").first.text_content() == str(error.value)
    box.locator(".tpt-random").click()
    page.wait_for_function(
        "() => /digits in [0-9.]+ s/.test(document.querySelector('.tpt-muted').textContent)", timeout=120_000
    )
    verdict = box.locator(".tpt-muted").text_content()
    assert re.match(r"10,001 digits in [0-9.]+ s; (right|wrong)", verdict) or re.match(r"10,000 digits", verdict)
    box.locator(".tpt-a").fill("12x")
    box.locator(".tpt-add-long").click()
    page.wait_for_function("() => document.querySelectorAll('.tpt-out.tpt-error').length === 2")
    assert "a must hold only the digits 0-9" in box.locator(".tpt-out").nth(1).text_content()
    box.locator(".tpt-a").fill("1" + "0" * 10_000)
    box.locator(".tpt-add-long").click()
    page.wait_for_function("() => document.querySelectorAll('.tpt-out.tpt-error')[1].textContent.includes('10,001')")
    assert log.problems() == []


def test_the_app_styles_only_with_theme_variables():
    source = (STATIC / "adders_app.js").read_text()
    style = source[source.index("var STYLE") : source.index("].join")]
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b|rgb|hsl", style)
    colours = re.findall(r"(?:color|background|border)[^:;{]*:([^;}]*)", style)
    assert colours and all("var(--pst-" in value or value.strip() in ("0",) for value in colours if "color" in value)
