"""Notebook 07 (An RNN that writes): a prompt, a temperature and a length that make the model write.

`TextGenerator` follows the course's widget pattern (`FigureWidget`): its
controls all call one `redraw()`, which writes the text with the NumPy loop
(`generate_text`) and draws the next character's odds and the surprise of
what was written (`plot_generation`).
"""

import html

import ipywidgets as widgets

from lesson_utils.data.characters import END_OF_REVIEW
from lesson_utils.experiments.generation import generate_text, next_character_distributions
from lesson_utils.figures.generation import plot_generation
from lesson_utils.settings import course_seed
from lesson_utils.widgets.figure_widget import FigureWidget


class TextGenerator(FigureWidget):
    """A text box for the prompt, a temperature slider and a length slider; the model writes.

    Every change writes the text again (the same seed each time, so that only
    the settings change what is written): the prompt in bold, then the
    model's text, a review's end shown as a new line.

    Build it with `text_generator()`. Attributes for tests and curious
    learners: `controls` (`prompt`, a `Text` read when Enter is pressed or
    the box is left; `temperature`, a `FloatSlider`; `length`, an
    `IntSlider`), `image` (the figure), `readout` (the text, as HTML) and
    `written` (the latest `generate_text` dict).
    """

    def __init__(
        self,
        model,
        heldout_bits,
        *,
        prompt="this movie is ",
        temperature=0.8,
        length=300,
        seed=None,
    ):
        seed = course_seed(seed)
        self.model, self.heldout_bits, self.seed = model, heldout_bits, seed
        wide = {"style": {"description_width": "7em"}, "layout": widgets.Layout(width="26em")}
        self.controls = {
            "prompt": widgets.Text(
                value=prompt, description="prompt", continuous_update=False, **wide
            ),
            "temperature": widgets.FloatSlider(
                value=temperature,
                min=0.1,
                max=2.0,
                step=0.05,
                description="temperature",
                continuous_update=False,
                **wide,
            ),
            "length": widgets.IntSlider(
                value=length,
                min=20,
                max=1000,
                step=10,
                description="characters",
                continuous_update=False,
                **wide,
            ),
        }
        self.readout = widgets.HTML(layout=widgets.Layout(max_width="100%"))
        super().__init__(widgets.VBox(list(self.controls.values())), [self.readout])

    def redraw(self):
        """Writes the text for the controls' values, shows it and redraws the figure."""
        prompt = self.controls["prompt"].value
        temperature = self.controls["temperature"].value
        self.written = generate_text(
            self.model, prompt, self.controls["length"].value, temperature, self.seed
        )
        odds = next_character_distributions(self.model, prompt, (temperature, 1.0))
        self.show(
            plot_generation(
                odds[temperature],
                odds[1.0],
                self.written["surprise"],
                self.heldout_bits,
                temperature,
            )
        )
        text = html.escape(self.written["text"]).replace(END_OF_REVIEW, "<br>")
        self.readout.value = (
            f"<p style='white-space:pre-wrap;font-family:monospace'>"
            f"<b>{html.escape(prompt)}</b>{text}</p>"
        )


def text_generator(
    model, heldout_bits, *, prompt="this movie is ", temperature=0.8, length=300, seed=None
):
    """Builds notebook 07's text generator.

    Args:
        model: a trained model from `train_language_model`.
        heldout_bits: the model's bits per character on held-out text, drawn
            beside the surprise of what it writes.
        prompt: the text the box starts with.
        temperature: the temperature the slider starts at.
        length: characters to write at first.
        seed: seeds the draws.

    Returns:
        A `TextGenerator` (an `ipywidgets.VBox`).
    """
    return TextGenerator(
        model, heldout_bits, prompt=prompt, temperature=temperature, length=length, seed=seed
    )
