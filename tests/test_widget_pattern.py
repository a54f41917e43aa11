"""One widget pattern: each widget a notebook builds is a class of `lesson_utils.widgets`,
an `ipywidgets.VBox`, whose controls all call its one `redraw()`."""

import ipywidgets as widgets
import numpy as np
import pytest

import lesson_utils
from lesson_utils.models.language_model import build_language_model
from lesson_utils.models.recurrent import build_rnn_model
from lesson_utils.widgets.explorers import (
    gate_explorer,
    hidden_state_explorer,
    review_tester,
    spectral_radius_explorer,
)
from lesson_utils.widgets.figure_widget import FigureWidget
from lesson_utils.widgets.generation import text_generator
from lesson_utils.widgets.training_panel import training_panel

PUBLIC_WIDGETS = [
    name for name, module in lesson_utils._HOME.items() if module.startswith("widgets.")
]


def _sequence_and_weights():
    rng = np.random.default_rng(0)
    return (
        rng.choice([-1.0, 1.0], size=(6, 2)),
        rng.normal(size=(2, 4)),
        rng.normal(size=(4, 4)) * 0.5,
        rng.normal(size=4),
    )


# How to build each public widget on tiny inputs.
BUILDERS = {
    "hidden_state_explorer": lambda imdb: hidden_state_explorer(*_sequence_and_weights()),
    "spectral_radius_explorer": lambda imdb: spectral_radius_explorer(
        timesteps=20, units=4, batch=2
    ),
    "gate_explorer": lambda imdb: gate_explorer("gru"),
    "review_tester": lambda imdb: review_tester(
        build_rnn_model(20, 4, 3, 4), max_length=8, source=imdb, example="bad film"
    ),
    "training_panel": lambda imdb: training_panel(source=imdb, quick=True),
    "text_generator": lambda imdb: text_generator(
        build_language_model(30, units=4, embedding_dim=3), 2.0, length=20
    ),
}
EXPLORERS = [name for name in BUILDERS if name != "training_panel"]


def test_every_public_widget_is_built_here():
    assert PUBLIC_WIDGETS and set(PUBLIC_WIDGETS) == set(BUILDERS), (
        "a widget a notebook imports must follow the pattern: add it to BUILDERS"
    )


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_public_widget_is_a_vbox_class_of_the_widgets_layer(name, fake_imdb):
    widget = BUILDERS[name](fake_imdb)
    cls = type(widget)
    assert isinstance(widget, widgets.VBox) and cls is not widgets.VBox
    assert cls.__module__.startswith("lesson_utils.widgets."), cls.__module__
    assert isinstance(widget.controls, dict) and widget.controls


def _other_value(control):
    if isinstance(control, widgets.Text):  # the text generator's prompt
        return control.value + "and "
    return control.min if control.value != control.min else control.max


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_control_calls_redraw_which_changes_what_is_shown(name, fake_imdb, monkeypatch):
    calls = []
    builder = BUILDERS[name]
    cls = type(builder(fake_imdb))
    redraw = cls.redraw

    def counted_redraw(self):
        calls.append(name)
        redraw(self)

    monkeypatch.setattr(cls, "redraw", counted_redraw)
    widget = builder(fake_imdb)
    assert len(calls) == 1, "the widget draws once when it is built"
    if isinstance(widget, FigureWidget):
        for control in widget.controls.values():
            before = bytes(widget.image.value)
            control.value = _other_value(control)
            assert bytes(widget.image.value) != before, f"{control.description} redrew nothing"
    else:  # The review tester: the text is read when the button is pressed.
        before = widget.readout.value
        widget.controls["text"].value = "Loved it, zorglub"
        assert len(calls) == 1, "typing must not predict: the button does"
        widget.button.click()
        assert widget.readout.value != before
    assert len(calls) == 1 + len(widget.controls), "each move calls redraw() once"


def test_figure_widget_asks_its_subclass_for_redraw():
    class NoRedraw(FigureWidget):
        def __init__(self):
            self.controls = {}
            super().__init__(widgets.HTML())

    with pytest.raises(NotImplementedError, match="NoRedraw must define redraw"):
        NoRedraw()


@pytest.mark.parametrize("name", [n for n in EXPLORERS if n != "review_tester"])
def test_figure_widgets_show_their_figure_sharp_at_its_own_width(name, fake_imdb):
    widget = BUILDERS[name](fake_imdb)
    png = bytes(widget.image.value)
    pixels_wide = int.from_bytes(png[16:20], "big")  # the PNG header's width
    shown = widget.image.layout.width
    assert shown and shown.endswith("px"), "the figure must be shown at its own width"
    assert abs(pixels_wide - 2 * float(shown[:-2])) <= 1, "drawn at twice the width it is shown at"
    assert widget.image.layout.max_width == "100%" and widget.image.layout.height == "auto"
