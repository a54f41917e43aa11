"""Interactive widgets (ipywidgets 8) for the notebooks.

Each builder returns the widget, with its controls and latest values kept as
attributes, so that a test can move a slider from Python and see the result.
Figures are rendered to PNG in an `ipywidgets.Image`, which needs no
interactive matplotlib backend.
"""

import ipywidgets as widgets

from lesson_utils.figures.style import figure_png
from lesson_utils.settings import DEFAULT_MAX_LENGTH

# ---------------------------------------------------------------------------
# Notebook 03: the gates of a one-unit LSTM or GRU, live.
# ---------------------------------------------------------------------------

# (argument of one_unit_lstm/one_unit_gru, slider label, min, max, start value)
_GATE_SLIDERS = {
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


def gate_explorer(cell="lstm"):
    """Sliders for a one-unit LSTM or GRU step, with every gate drawn as a bar.

    Moving a slider (the input, the previous state, or a gate's bias)
    recomputes the step with `lesson_utils.experiments.gates.one_unit_lstm` (or
    `one_unit_gru`) and redraws the bars and the table of values.

    Args:
        cell: `"lstm"` or `"gru"`.

    Returns:
        An `ipywidgets.VBox`. Its attributes `sliders` (a dict of
        `FloatSlider`s, keyed like the arguments of `one_unit_lstm`/
        `one_unit_gru`), `image` (the bar chart), `readout` (the values as
        an HTML table) and `values` (the latest step's dict) are there for
        tests and for curious learners.
    """
    from lesson_utils.arguments import check_choice
    from lesson_utils.experiments.gates import one_unit_gru, one_unit_lstm
    from lesson_utils.figures.gates import plot_gate_bars

    check_choice("cell", cell, ("lstm", "gru"))
    step = one_unit_lstm if cell == "lstm" else one_unit_gru
    previous = "c_prev" if cell == "lstm" else "h_prev"
    sliders = {
        name: widgets.FloatSlider(value=start, min=low, max=high, step=0.1, description=label,
                                  style={"description_width": "9em"},
                                  layout=widgets.Layout(width="30em"))
        for name, label, low, high, start in _GATE_SLIDERS[cell]
    }
    image = widgets.Image(format="png")
    readout = widgets.HTML()
    names = list(sliders)
    inputs_column = widgets.VBox([sliders[n] for n in names if not n.endswith("_bias")])
    bias_column = widgets.VBox([sliders[n] for n in names if n.endswith("_bias")])
    box = widgets.VBox([widgets.HBox([inputs_column, bias_column]), image, readout])

    def update(change=None):
        arguments = {name: slider.value for name, slider in sliders.items()}
        values = step(**arguments)
        values[previous] = arguments[previous]
        image.value = figure_png(plot_gate_bars(values, cell))
        rows = "".join(f"<tr><td>{name}</td><td>{value:+.3f}</td></tr>"
                       for name, value in values.items())
        readout.value = f"<table>{rows}</table>"
        box.values = values

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    box.sliders, box.image, box.readout = sliders, image, readout
    return box


# ---------------------------------------------------------------------------
# Notebook 04: try your own review on the trained model.
# ---------------------------------------------------------------------------

def review_tester(model, *, max_length=DEFAULT_MAX_LENGTH, source=None,
                  example="A wonderful, moving film with a clever plot."):
    """A text box and a button that predict the sentiment of the learner's own review.

    The text is encoded exactly as the training reviews were
    (`lesson_utils.experiments.evaluation.predict_review`); each word is shown as the
    model reads it: known, rare (read as the out-of-vocabulary id) or
    unknown to IMDB (skipped).

    Args:
        model: a trained classifier.
        max_length: as the model was trained.
        source: as for `load_imdb` (where the word index comes from).
        example: the text the box starts with.

    Returns:
        An `ipywidgets.VBox`. Its attributes `text` (the `Textarea`),
        `button` (the "Predict sentiment" button, CSS class
        `lesson-predict-button`), `result` (an `HTML` with the verdict and
        the words) and `prediction` (the latest `predict_review` dict, or
        `None`) are there for tests.
    """
    import html

    from lesson_utils.experiments.evaluation import predict_review
    from lesson_utils.figures.style import PALETTE

    text = widgets.Textarea(value=example, placeholder="Type a movie review...",
                            layout=widgets.Layout(width="95%", height="5em"))
    button = widgets.Button(description="Predict sentiment", button_style="primary",
                            icon="comment", layout=widgets.Layout(width="max-content"))
    button.add_class("lesson-predict-button")
    result = widgets.HTML()
    box = widgets.VBox([text, button, result], layout=widgets.Layout(max_width="100%"))
    box.prediction = None
    styles = {"known": "", "rare": f"color:{PALETTE['orange']};font-style:italic",
              "unknown": f"color:{PALETTE['vermillion']};text-decoration:line-through"}

    def predict(_=None):
        try:
            prediction = predict_review(model, text.value, max_length=max_length, source=source)
        except ValueError as err:
            box.prediction = None
            result.value = f'<span style="color:{PALETTE["vermillion"]}">{html.escape(str(err))}</span>'
            return
        box.prediction = prediction
        p = prediction["probability"]
        colour = PALETTE["blue"] if p > 0.5 else PALETTE["vermillion"]
        words = " ".join(f'<span style="{styles[status]}">{html.escape(word)}</span>'
                         for word, status in prediction["words"])
        counts = {s: sum(1 for _, status in prediction["words"] if status == s) for s in styles}
        result.value = (
            f'<p><b style="color:{colour}">{prediction["label"]}</b>: P(positive) = {p:.3f}</p>'
            f"<p>{words}</p><p style='font-size:90%'>{counts['known']} known words; "
            f"<span style='{styles['rare']}'>{counts['rare']} rare</span> (read as [OOV]); "
            f"<span style='{styles['unknown']}'>{counts['unknown']} unknown</span> (skipped)"
            f"{'; only the last ' + str(max_length) + ' ids are read' if len(prediction['ids']) >= max_length else ''}.</p>")

    button.on_click(predict)
    predict()
    box.text, box.button, box.result = text, button, result
    return box


# ---------------------------------------------------------------------------
# Notebooks 01 and 02: the hidden state over time, and the spectral radius.
# ---------------------------------------------------------------------------

def hidden_state_explorer(inputs, kernel, recurrent_kernel, bias, *, feature_names=None,
                          step=0):
    """A time-step slider over one sequence, showing the hidden state the loop carries.

    The states come from our NumPy loop (`simple_rnn_forward`) with the given
    weights, e.g. those of a trained `keras.layers.SimpleRNN`.

    Args:
        inputs: one sequence, shape `(timesteps, features)`.
        kernel, recurrent_kernel, bias: the SimpleRNN weights, in Keras' layout.
        feature_names: optional names of the input features.
        step: the time step shown first.

    Returns:
        An `ipywidgets.VBox`. Its attributes `slider` (the `IntSlider`),
        `image` (the figure), `states` (every `h_t`, shape
        `(timesteps, units)`) and `state` (the `h_t` shown) are there for
        tests and for curious learners.
    """
    import numpy as np

    from lesson_utils.figures.hidden_states import plot_hidden_state_over_time
    from lesson_utils.scratch.cells import simple_rnn_forward

    inputs = np.asarray(inputs, dtype=float)
    if inputs.ndim != 2:
        raise ValueError("Argument `inputs` must be one sequence of shape (timesteps, features). "
                         f"Received: inputs.shape={inputs.shape}")
    states = simple_rnn_forward(inputs[None], np.asarray(kernel), np.asarray(recurrent_kernel),
                                np.asarray(bias))[0][0]
    slider = widgets.IntSlider(value=step, min=0, max=len(inputs) - 1, description="time step t",
                               continuous_update=False)
    play = widgets.Play(min=0, max=len(inputs) - 1, interval=700, description="play")
    widgets.jslink((play, "value"), (slider, "value"))
    image = widgets.Image(format="png")
    box = widgets.VBox([widgets.HBox([play, slider]), image])

    def update(change=None):
        image.value = figure_png(plot_hidden_state_over_time(
            inputs, states, slider.value, feature_names=feature_names))
        box.state = states[slider.value]

    slider.observe(update, names="value")
    update()
    box.slider, box.image, box.states = slider, image, states
    return box


def spectral_radius_explorer(radius=1.0, *, timesteps=100, units=32, batch=16, seed=None):
    """A slider over the recurrent matrix's spectral radius, re-plotting the gradient's decay.

    Each move recomputes `lesson_utils.experiments.gradients.radius_gradient_curves` in
    NumPy (a few milliseconds) and redraws both curves, the tanh RNN and the
    linear one, with the tanh curve's measured growth per step in the title.

    Args:
        radius: the spectral radius shown first.
        timesteps, units, batch, seed: passed to `radius_gradient_curves`
            (`seed=None` means the course's `DEFAULT_SEED`).

    Returns:
        An `ipywidgets.VBox`. Its attributes `slider` (the `FloatSlider`),
        `image` (the figure), `readout` (an HTML summary) and `curves` (the
        latest `radius_gradient_curves` dict) are there for tests.
    """
    from lesson_utils.experiments.gradients import growth_per_step, radius_gradient_curves
    from lesson_utils.figures.gradients import plot_radius_gradients
    from lesson_utils.settings import DEFAULT_SEED

    seed = DEFAULT_SEED if seed is None else seed

    slider = widgets.FloatSlider(value=radius, min=0.5, max=3.0, step=0.05,
                                 description="spectral radius", continuous_update=False,
                                 style={"description_width": "8em"},
                                 layout=widgets.Layout(width="32em"))
    image = widgets.Image(format="png")
    readout = widgets.HTML()
    box = widgets.VBox([slider, image, readout])

    def update(change=None):
        curves = radius_gradient_curves(slider.value, timesteps=timesteps, units=units,
                                        batch=batch, seed=seed)
        image.value = figure_png(plot_radius_gradients(curves, slider.value))
        back = min(50, timesteps - 1)
        readout.value = (f"<p>{back} steps back the gradient is x{curves['tanh'][back]:.3g} "
                         f"through tanh, x{growth_per_step(curves['tanh'], back):.3f} per step "
                         f"on average, and x{curves['linear'][back]:.3g} in the linear RNN "
                         f"({slider.value:.2f}<sup>{back}</sup>).</p>")
        box.curves = curves

    slider.observe(update, names="value")
    update()
    box.slider, box.image, box.readout = slider, image, readout
    return box
