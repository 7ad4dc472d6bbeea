"""The lyrics generator as ipywidgets, for JupyterLab and Colab.

The static book does not show it (the chapter's cell is tagged ``remove-output``: its
controls need a kernel); the page's own generator, ``book/_static/lyrics_app.js``, is the
live one there.
"""

from __future__ import annotations

import html

from helpers.lyrics.generation import generate


def lyrics_widget(networks: dict, seed_text: str = "hello world", randomness: float = 0.3, words: int = 60):
    """Seed text, randomness (0-2), length, network chooser and a Generate button.

    ``networks`` maps a display name to ``(model, vocabulary)``. Bad input (an empty seed,
    only unknown words) is shown as the ``ValueError``'s message, never a traceback.
    """
    import ipywidgets as widgets

    if not networks:
        raise ValueError("networks must map at least one name to (model, vocabulary)")
    seed_box = widgets.Text(value=seed_text, description="Seed text", layout=widgets.Layout(width="32em"))
    randomness_slider = widgets.FloatSlider(
        value=randomness, min=0.0, max=2.0, step=0.05, description="Randomness", readout_format=".2f"
    )
    length_slider = widgets.IntSlider(value=words, min=5, max=300, step=5, description="Words")
    network_menu = widgets.Dropdown(options=list(networks), description="Network")
    sample_seed = widgets.IntText(value=0, description="Random seed", layout=widgets.Layout(width="14em"))
    button = widgets.Button(description="Generate", button_style="primary")
    output = widgets.HTML()

    def write(_=None):
        model, vocabulary = networks[network_menu.value]
        try:
            text = generate(
                model,
                vocabulary,
                seed_box.value,
                words=length_slider.value,
                randomness=randomness_slider.value,
                seed=sample_seed.value,
            )
            output.value = (
                f"<pre style='white-space: pre-wrap'><b>{html.escape(seed_box.value)}</b> {html.escape(text)}</pre>"
            )
        except ValueError as error:
            output.value = f"<p style='color: #b00'>{html.escape(str(error))}</p>"

    button.on_click(write)
    write()
    controls = widgets.VBox(
        [seed_box, widgets.HBox([randomness_slider, length_slider]), widgets.HBox([network_menu, sample_seed, button])]
    )
    return widgets.VBox([controls, output])
