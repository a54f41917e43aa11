"""The pattern of the course's explorers: controls, a figure they redraw, and one `redraw()`."""

import ipywidgets as widgets

from lesson_utils.figures.style import figure_png


class FigureWidget(widgets.VBox):
    """Controls above a figure that `redraw()` draws again each time a control moves.

    A subclass sets its controls in `__init__`, keyed by name in `controls`,
    and then calls `super().__init__(above, below)`: `above` is the controls
    laid out (one widget), `below` the outputs under the figure (e.g. a
    readout). `FigureWidget` puts the figure, `image`, between them, makes
    every control call `redraw()`, and draws once. The subclass writes
    `redraw()`: it reads the controls, computes, draws with the figures
    layer and shows the figure with `show(fig)`.

    Figures are shown as PNG in an `ipywidgets.Image`, which needs no
    interactive matplotlib backend and works the same in JupyterLab and tests.
    The PNG has twice the figure's pixels and is shown at the figure's own
    width (narrower if the cell is narrower), never stretched, so that its
    text stays sharp, on a high-density screen too.
    """

    def __init__(self, above, below=()):
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(max_width="100%", height="auto")
        )
        super().__init__([above, self.image, *below])
        for control in self.controls.values():
            control.observe(lambda _: self.redraw(), names="value")
        self.redraw()

    def redraw(self):
        """Draws the figure for the controls' values (each subclass writes its own)."""
        raise NotImplementedError(f"{type(self).__name__} must define redraw()")

    def show(self, fig):
        """Shows a matplotlib figure in `image` at its own width, at twice its pixels; closes it."""
        self.image.layout.width = f"{fig.get_figwidth() * fig.dpi:g}px"
        self.image.value = figure_png(fig, scale=2)
