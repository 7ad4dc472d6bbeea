"""Chapter 3: the two adders side by side, as figures and as a JupyterLab widget.

``answer_both`` asks the seq2seq LSTM (``helpers.string_addition.seq2seq``) and the aligned adder
(``helpers.string_addition.long_addition``) the same question and returns each answer with the confidence
of every digit; ``plot_answers`` draws that statically (what the book shows) and
``adder_widget`` wraps it in an ipywidgets text box (what JupyterLab shows).
``plot_learning_curves`` draws chapter 3's training curves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.string_addition import long_addition, seq2seq


def parse(question: str) -> tuple[str, str]:
    """``"123+456"`` -> ``("123", "456")`` for any length; ``ValueError`` for anything else."""
    if not isinstance(question, str):
        raise ValueError(f"question must be a string such as '123+456', got {question!r}")
    parts = question.replace(" ", "").split("+")
    if len(parts) != 2:
        raise ValueError(f"question {question!r} must contain exactly one '+' (got {len(parts) - 1})")
    a = long_addition.check_number("the first operand", parts[0])
    b = long_addition.check_number("the second operand", parts[1])
    return a.lstrip("0") or "0", b.lstrip("0") or "0"


def answer_both(seq_model: Any, digits: int, long_model: Any, question: str, reverse: bool = True) -> dict[str, Any]:
    """Both models' answers to ``question`` with per-digit confidence.

    Returns a dict with ``question``, ``truth`` and, for ``"seq2seq"`` and ``"aligned"``,
    ``{"answer", "digits", "confidence", "right"}`` (digits most significant first), or
    ``{"error": message}`` when the seq2seq model cannot read the question.
    """
    a, b = parse(question)
    truth = long_addition.exact_sum(a, b)
    result: dict[str, Any] = {"question": f"{a}+{b}", "truth": truth}
    try:
        [(answer, confidence)] = seq2seq.add_with_confidence(seq_model, [f"{a}+{b}"], digits, reverse)
        result["seq2seq"] = {
            "answer": answer,
            "digits": list(answer),
            "confidence": confidence[: len(answer)],
            "right": answer == truth,
        }
    except ValueError as error:
        result["seq2seq"] = {"error": str(error)}
    probabilities = long_addition.probabilities(long_model, [a], [b])[0]
    written = probabilities.argmax(axis=-1)
    answer = long_addition.to_strings(written[None, :])[0]
    kept = len(answer)
    result["aligned"] = {
        "answer": answer,
        "digits": list(answer),
        "confidence": [float(p) for p in probabilities.max(axis=-1)[:kept][::-1]],
        "right": answer == truth,
    }
    return result


def plot_answers(results: list[dict[str, Any]], max_digits_shown: int = 24) -> Any:
    """Matplotlib figure: for each question, each model's answer digit by digit, bar height
    the confidence of that digit (long answers show their last ``max_digits_shown`` digits)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(results), 2, figsize=(10, 1.9 * len(results)), squeeze=False)
    for row, result in enumerate(results):
        for col, key in enumerate(("seq2seq", "aligned")):
            ax = axes[row, col]
            entry = result[key]
            title = f"{_short(result['question'])}  ({'seq2seq LSTM' if key == 'seq2seq' else 'aligned RNN'})"
            if "error" in entry:
                ax.text(
                    0.5,
                    0.5,
                    "cannot read this question:\n" + _wrap(entry["error"]),
                    ha="center",
                    va="center",
                    fontsize=8,
                    transform=ax.transAxes,
                )
                ax.set_axis_off()
                ax.set_title(title, fontsize=9)
                continue
            digits = entry["digits"][-max_digits_shown:]
            confidence = entry["confidence"][-max_digits_shown:]
            positions = np.arange(len(digits))
            colour = "tab:green" if entry["right"] else "tab:red"
            ax.bar(positions, confidence, color=colour, alpha=0.7)
            for x, digit in zip(positions, digits):
                ax.text(x, 0.08, digit, ha="center", va="bottom", fontsize=9, fontweight="bold")
            ax.set_ylim(0, 1.05)
            ax.set_xticks([])
            ax.set_ylabel("confidence", fontsize=8)
            mark = "right" if entry["right"] else f"wrong (truth {_short(result['truth'])})"
            ax.set_title(f"{title}: {mark}", fontsize=9)
    fig.tight_layout()
    return fig


def adder_widget(seq_model: Any, digits: int, long_model: Any, initial: str = "123+456", reverse: bool = True) -> Any:
    """An ipywidgets text box: type ``"123+456"`` (or two long numbers) and press Enter to
    see both models' answers with per-digit confidence."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    box = widgets.Text(value=initial, description="a+b:", continuous_update=False, layout=widgets.Layout(width="60%"))
    output = widgets.Output()

    def show(_change: Any = None) -> None:
        output.clear_output(wait=True)
        with output:
            try:
                result = answer_both(seq_model, digits, long_model, box.value, reverse)
            except ValueError as error:
                print(f"Not a question I can take: {error}")
                return
            fig = plot_answers([result])
            display(fig)
            plt.close(fig)

    box.observe(show, names="value")
    show()
    return widgets.VBox([box, output])


def length_table(by_length: dict[int, dict[str, Any]]) -> Any:
    """``seq2seq.exact_by_length``'s result as a table to read: operand length, test
    questions, answers right ("no question left" where every one was seen in training)."""
    import pandas as pd

    rows = {
        "digits in each operand": list(by_length),
        "test questions": [row["questions"] for row in by_length.values()],
        "answers right": [
            "no question left" if row["exact"] is None else f"{row['exact']:.1%}" for row in by_length.values()
        ],
    }
    return pd.DataFrame(rows).style.hide(axis="index")


def plot_learning_curves(histories: dict[str, Any], title: str = "") -> Any:
    """Matplotlib figure: validation per-character accuracy (dashed) and exact-match accuracy
    (solid) per epoch, one colour per labelled run; x axis in epochs."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    for (label, history), colour in zip(histories.items(), plt.rcParams["axes.prop_cycle"].by_key()["color"]):
        values = history.history if hasattr(history, "history") else history
        epochs = np.arange(1, len(values["val_exact"]) + 1)
        ax.plot(epochs, values["val_accuracy"], "--", color=colour, label=f"{label}: per character (Keras 'accuracy')")
        ax.plot(epochs, values["val_exact"], "-", color=colour, label=f"{label}: exact match (whole answer)")
    ax.axhline(0.99, color="0.7", lw=1)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.set_ylim(0, 1.01)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def _short(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:8]}…{text[-8:]} ({len(text)} chars)"


def _wrap(text: str, width: int = 60) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
