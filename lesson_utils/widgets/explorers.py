"""The notebooks' explorers (ipywidgets 8): controls that redraw a figure or a verdict.

Each is a small class, an `ipywidgets.VBox`, built by the function a notebook
calls. Its controls (keyed by name in `controls`) and outputs are attributes,
and every control calls one method, `redraw()`, so that a test can move a
slider from Python and see the result. The three that draw a figure are
`FigureWidget`s.
"""

import html

import ipywidgets as widgets
import numpy as np

from lesson_utils.arguments import check_choice, check_int_in_range
from lesson_utils.experiments.evaluation import predict_review
from lesson_utils.experiments.gates import one_unit_gru, one_unit_lstm
from lesson_utils.experiments.gradients import radius_gradient_curves
from lesson_utils.figures.gates import plot_gate_bars
from lesson_utils.figures.gradients import per_step_text, plot_radius_gradients
from lesson_utils.figures.hidden_states import plot_hidden_state_over_time, state_labels
from lesson_utils.figures.style import PALETTE
from lesson_utils.scratch.cells import simple_rnn_forward
from lesson_utils.settings import DEFAULT_MAX_LENGTH, course_seed
from lesson_utils.widgets.figure_widget import FigureWidget

# ---------------------------------------------------------------------------
# Notebook 01: the hidden state over time.
# ---------------------------------------------------------------------------


class HiddenStateExplorer(FigureWidget):
    """A time-step slider over one sequence, showing the hidden state the loop carries.

    The slider's `t` runs from 1 to `T`, the number of inputs read: `h_t` is
    the state after reading `x_t` (`h_0 = 0`, before any input, is not drawn).

    Build it with `hidden_state_explorer()`. Attributes for tests and curious
    learners: `controls` (`step`, the `IntSlider`), `play` (the button that
    moves it), `image` (the figure), `states` (`h_1 .. h_T`, shape
    `(timesteps, units)`, row `t - 1` holding `h_t`), `state` (the `h_t`
    shown) and `labels` (its titles, from `state_labels(t)`).
    """

    def __init__(self, inputs, kernel, recurrent_kernel, bias, *, feature_names=None, step=1):
        self.inputs = np.asarray(inputs, dtype=float)
        if self.inputs.ndim != 2:
            raise ValueError(
                "Argument `inputs` must be one sequence of shape (timesteps, "
                f"features). Received: inputs.shape={self.inputs.shape}"
            )
        self.states = simple_rnn_forward(
            self.inputs[None], np.asarray(kernel), np.asarray(recurrent_kernel), np.asarray(bias)
        )[0][0]
        self.feature_names = feature_names
        last = len(self.inputs)
        step = check_int_in_range("step", step, 1, last)
        self.controls = {
            "step": widgets.IntSlider(
                value=step,
                min=1,
                max=last,
                description="time step t",
                tooltip="t: how many inputs the loop has read; the bars show h_t",
                continuous_update=False,
            )
        }
        self.play = widgets.Play(
            min=1,
            max=last,
            interval=700,
            description="play",
            tooltip="Play: step through the sequence, one input every 0.7 s",
        )
        widgets.jslink((self.play, "value"), (self.controls["step"], "value"))
        super().__init__(widgets.HBox([self.play, self.controls["step"]]))

    def redraw(self):
        """Draws the inputs and the states up to the chosen step, and that step's `h_t`."""
        step = self.controls["step"].value
        self.state = self.states[step - 1]
        self.labels = state_labels(step)
        self.show(
            plot_hidden_state_over_time(
                self.inputs, self.states, step, feature_names=self.feature_names
            )
        )


def hidden_state_explorer(inputs, kernel, recurrent_kernel, bias, *, feature_names=None, step=1):
    """Builds notebook 01's hidden-state explorer.

    The states come from our NumPy loop (`simple_rnn_forward`) with the given
    weights, e.g. those of a trained `keras.layers.SimpleRNN`.

    Args:
        inputs: one sequence, shape `(timesteps, features)`.
        kernel, recurrent_kernel, bias: the SimpleRNN weights, in Keras' layout.
        feature_names: optional names of the input features.
        step: the time step `t` shown first, from 1 (the state after the
            first input) to the sequence's length.

    Returns:
        A `HiddenStateExplorer` (an `ipywidgets.VBox`).
    """
    return HiddenStateExplorer(
        inputs, kernel, recurrent_kernel, bias, feature_names=feature_names, step=step
    )


# ---------------------------------------------------------------------------
# Notebook 02: the spectral radius and the gradient's decay.
# ---------------------------------------------------------------------------


class SpectralRadiusExplorer(FigureWidget):
    """A slider over the recurrent matrix's spectral radius, re-plotting the gradient's decay.

    Each move recomputes `radius_gradient_curves` in NumPy (a few
    milliseconds) and redraws both curves, the tanh RNN and the linear one,
    with the tanh curve's measured growth per step in the title.

    Build it with `spectral_radius_explorer()`. Attributes for tests:
    `controls` (`radius`, the `FloatSlider`), `image` (the figure),
    `readout` (an HTML summary) and `curves` (the latest
    `radius_gradient_curves` dict).
    """

    def __init__(self, radius=1.0, *, timesteps=100, units=32, batch=16, seed=None):
        seed = course_seed(seed)
        self.timesteps, self.units, self.batch, self.seed = timesteps, units, batch, seed
        self.controls = {
            "radius": widgets.FloatSlider(
                value=radius,
                min=0.5,
                max=3.0,
                step=0.05,
                description="spectral radius",
                tooltip="The spectral radius of W_h: its largest eigenvalue's absolute value",
                continuous_update=False,
                style={"description_width": "8em"},
                layout=widgets.Layout(width="32em"),
            )
        }
        self.readout = widgets.HTML()
        super().__init__(self.controls["radius"], [self.readout])

    def redraw(self):
        """Recomputes both curves for the chosen radius, redraws them and sums them up."""
        radius = self.controls["radius"].value
        self.curves = radius_gradient_curves(
            radius, timesteps=self.timesteps, units=self.units, batch=self.batch, seed=self.seed
        )
        self.show(plot_radius_gradients(self.curves, radius))
        back = min(50, self.timesteps - 1)
        tanh, linear = self.curves["tanh"], self.curves["linear"]
        self.readout.value = (
            f"<p>{back} steps back the gradient is x{tanh[back]:.3g} "
            f"through tanh and x{linear[back]:.3g} in the linear RNN "
            f"({radius:.2f}<sup>{back}</sup>). Through tanh, "
            f"{per_step_text(self.curves)} (the title's figure).</p>"
        )


def spectral_radius_explorer(radius=1.0, *, timesteps=100, units=32, batch=16, seed=None):
    """Builds notebook 02's spectral-radius explorer.

    Args:
        radius: the spectral radius shown first.
        timesteps, units, batch, seed: passed to
            `lesson_utils.experiments.gradients.radius_gradient_curves`.

    Returns:
        A `SpectralRadiusExplorer` (an `ipywidgets.VBox`).
    """
    return SpectralRadiusExplorer(radius, timesteps=timesteps, units=units, batch=batch, seed=seed)


# ---------------------------------------------------------------------------
# Notebook 03: the gates of a one-unit LSTM or GRU, live.
# ---------------------------------------------------------------------------

# What each slider sets, shown when the pointer rests on it.
GATE_TOOLTIPS = {
    "x": "The input x_t of this one-unit step (every weight is 1)",
    "h_prev": "The hidden state h_t-1 carried from the previous step",
    "c_prev": "The cell state c_t-1 carried from the previous step",
    "input_bias": "The input gate's bias: large keeps the gate near 1, very negative near 0",
    "forget_bias": "The forget gate's bias: large keeps the gate near 1, very negative near 0",
    "output_bias": "The output gate's bias: large keeps the gate near 1, very negative near 0",
    "update_bias": "The update gate's bias: large keeps the gate near 1, very negative near 0",
    "reset_bias": "The reset gate's bias: large keeps the gate near 1, very negative near 0",
    "candidate_bias": "The candidate's bias: shifts the value the step could write",
}

# (argument of one_unit_lstm/one_unit_gru, slider label, min, max, start value)
GATE_SLIDERS = {
    "lstm": (
        ("x", "input x_t", -3.0, 3.0, 0.5),
        ("h_prev", "old hidden h_t-1", -1.0, 1.0, 0.0),
        ("c_prev", "old cell c_t-1", -2.0, 2.0, 1.0),
        ("input_bias", "input-gate bias", -6.0, 6.0, 0.0),
        ("forget_bias", "forget-gate bias", -6.0, 6.0, 1.0),
        ("candidate_bias", "candidate bias", -6.0, 6.0, 0.0),
        ("output_bias", "output-gate bias", -6.0, 6.0, 0.0),
    ),
    "gru": (
        ("x", "input x_t", -3.0, 3.0, 0.5),
        ("h_prev", "old hidden h_t-1", -1.0, 1.0, 0.5),
        ("update_bias", "update-gate bias", -6.0, 6.0, 0.0),
        ("reset_bias", "reset-gate bias", -6.0, 6.0, 0.0),
        ("candidate_bias", "candidate bias", -6.0, 6.0, 0.0),
    ),
}


class GateExplorer(FigureWidget):
    """Sliders for a one-unit LSTM or GRU step, with every gate drawn as a bar.

    Moving a slider (the input, the previous state, or a gate's bias)
    recomputes the step with `one_unit_lstm` (or `one_unit_gru`) and redraws
    the bars and the table of values.

    Build it with `gate_explorer()`. Attributes for tests and curious
    learners: `cell`, `controls` (dict of `FloatSlider`s, keyed like the
    arguments of `one_unit_lstm`/`one_unit_gru`), `image` (the bar chart),
    `readout` (the values as an HTML table) and `values` (the latest step's
    dict).
    """

    def __init__(self, cell="lstm"):
        check_choice("cell", cell, ("lstm", "gru"))
        self.cell = cell
        self.controls = {
            name: widgets.FloatSlider(
                value=start,
                min=low,
                max=high,
                step=0.1,
                description=label,
                tooltip=GATE_TOOLTIPS[name],
                style={"description_width": "9em"},
                layout=widgets.Layout(width="30em"),
            )
            for name, label, low, high, start in GATE_SLIDERS[cell]
        }
        self.readout = widgets.HTML()
        inputs = [slider for name, slider in self.controls.items() if not name.endswith("_bias")]
        biases = [slider for name, slider in self.controls.items() if name.endswith("_bias")]
        super().__init__(widgets.HBox([widgets.VBox(inputs), widgets.VBox(biases)]), [self.readout])

    def redraw(self):
        """Recomputes the step for the sliders' values and redraws the bars and the table."""
        arguments = {name: slider.value for name, slider in self.controls.items()}
        step = one_unit_lstm if self.cell == "lstm" else one_unit_gru
        previous = "c_prev" if self.cell == "lstm" else "h_prev"
        self.values = step(**arguments)
        self.values[previous] = arguments[previous]
        self.show(plot_gate_bars(self.values, self.cell))
        rows = "".join(
            f"<tr><td>{name}</td><td>{value:+.3f}</td></tr>" for name, value in self.values.items()
        )
        self.readout.value = f"<table>{rows}</table>"


def gate_explorer(cell="lstm"):
    """Builds notebook 03's gate explorer.

    Args:
        cell: `"lstm"` or `"gru"`.

    Returns:
        A `GateExplorer` (an `ipywidgets.VBox`).
    """
    return GateExplorer(cell)


# ---------------------------------------------------------------------------
# Notebook 05: try your own review on the trained model.
# ---------------------------------------------------------------------------

# How each word of the review is shown: known to the model, rare (read as the
# out-of-vocabulary id) or unknown to IMDB (skipped).
WORD_STYLES = {
    "known": "",
    "rare": f"color:{PALETTE['orange']};font-style:italic",
    "unknown": f"color:{PALETTE['vermillion']};text-decoration:line-through",
}


class ReviewTester(widgets.VBox):
    """A text box and a button that predict the sentiment of the learner's own review.

    The text is encoded exactly as the training reviews were
    (`predict_review`); each word is shown as the model reads it: known,
    rare (read as the out-of-vocabulary id) or unknown to IMDB (skipped).
    It shows no figure, so it is a plain `VBox`, with the same pattern as a
    `FigureWidget`: the button calls `redraw()`.

    Build it with `review_tester()`. Attributes for tests: `controls`
    (`text`, the `Textarea`), `button` (the "Predict sentiment" button, CSS
    class `lesson-predict-button`), `readout` (an `HTML` with the verdict and
    the words) and `prediction` (the latest `predict_review` dict, or `None`).
    """

    def __init__(
        self,
        model,
        *,
        max_length=DEFAULT_MAX_LENGTH,
        source=None,
        example="A wonderful, moving film with a clever plot.",
    ):
        self.model, self.max_length, self.source = model, max_length, source
        self.controls = {
            "text": widgets.Textarea(
                value=example,
                placeholder="Type a movie review...",
                tooltip="Your review, in English; the model reads it as it read the reviews",
                layout=widgets.Layout(width="95%", height="5em"),
            )
        }
        self.button = widgets.Button(
            description="Predict sentiment",
            tooltip="Run the trained model on the review in the box",
            button_style="primary",
            icon="comment",
            layout=widgets.Layout(width="max-content"),
        )
        self.button.add_class("lesson-predict-button")
        self.readout = widgets.HTML()
        super().__init__(
            [self.controls["text"], self.button, self.readout],
            layout=widgets.Layout(max_width="100%"),
        )
        self.button.on_click(lambda _: self.redraw())
        self.redraw()

    def redraw(self):
        """Predicts the sentiment of the text in the box and shows it, word by word."""
        try:
            self.prediction = predict_review(
                self.model,
                self.controls["text"].value,
                max_length=self.max_length,
                source=self.source,
            )
        except ValueError as err:
            self.prediction = None
            self.readout.value = (
                f'<span style="color:{PALETTE["vermillion"]}">{html.escape(str(err))}</span>'
            )
            return
        p, read = self.prediction["probability"], self.prediction["words"]
        colour = PALETTE["blue"] if p > 0.5 else PALETTE["vermillion"]
        words = " ".join(
            f'<span style="{WORD_STYLES[status]}">{html.escape(word)}</span>'
            for word, status in read
        )
        counts = {s: sum(1 for _, status in read if status == s) for s in WORD_STYLES}
        cut = (
            f"; only the last {self.max_length} ids are read"
            if len(self.prediction["ids"]) >= self.max_length
            else ""
        )
        self.readout.value = (
            f'<p><b style="color:{colour}">{self.prediction["label"]}</b>: '
            f"P(positive) = {p:.3f}</p><p>{words}</p><p style='font-size:90%'>"
            f"{counts['known']} known words; "
            f"<span style='{WORD_STYLES['rare']}'>{counts['rare']} rare</span> (read as [OOV]); "
            f"<span style='{WORD_STYLES['unknown']}'>{counts['unknown']} unknown</span> "
            f"(skipped){cut}.</p>"
        )


def review_tester(
    model,
    *,
    max_length=DEFAULT_MAX_LENGTH,
    source=None,
    example="A wonderful, moving film with a clever plot.",
):
    """Builds notebook 05's review tester.

    Args:
        model: a trained classifier.
        max_length: as the model was trained.
        source: as for `load_imdb` (where the word index comes from).
        example: the text the box starts with.

    Returns:
        A `ReviewTester` (an `ipywidgets.VBox`).
    """
    return ReviewTester(model, max_length=max_length, source=source, example=example)
