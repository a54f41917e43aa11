"""Every notebook: one figure style for the whole course, its colours and sizes.

Colours come from the Okabe-Ito palette, which stays distinguishable for the
common forms of colour blindness. Every figure of the course draws through this
module, so `use_presenter_style()` enlarges every later figure at once for a
projector; `readable_text_color` keeps text on a coloured background readable.
"""

import io

import matplotlib as mpl
import matplotlib.pyplot as plt

# Okabe & Ito (2008), "Color Universal Design".
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    # A ninth colour, for when the eight above are all in use: a neutral grey that keeps a
    # contrast of 5.7:1 on white.
    "grey": "#666666",
}

# One colour per recurrent cell, so that a cell looks the same in every figure.
CELL_COLORS = {
    "simple_rnn": PALETTE["vermillion"],
    "lstm": PALETTE["blue"],
    "gru": PALETTE["green"],
}

# Besides its colour, a marker and a line style per cell, so that lines lying on
# top of each other (e.g. LSTM and GRU both at 100 %) stay distinguishable: the LSTM's
# wide solid line and large hollow squares show round the GRU's dashes and filled
# triangles, drawn on top.
CELL_LINE_STYLES = {
    "simple_rnn": {"marker": "o", "linestyle": "-"},
    "lstm": {
        "marker": "s",
        "markersize": 12,
        "markerfacecolor": "white",
        "markeredgewidth": 2,
        "linestyle": "-",
        "linewidth": 5,
    },
    "gru": {"marker": "^", "markersize": 7, "linestyle": "--", "zorder": 3},
}

# Sequential colour map for heatmaps (perceptually uniform, colour-blind safe).
HEATMAP_CMAP = "cividis"
# Diverging colour map for signed values such as hidden states in [-1, 1].
DIVERGING_CMAP = "PuOr"

_BASE_STYLE = {
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.constrained_layout.use": True,
    "image.cmap": HEATMAP_CMAP,
    "legend.frameon": False,
}

_CLASSROOM_SIZES = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    # matplotlib's own: relative to font.size. Set here so that leaving presenter mode resets them.
    "xtick.labelsize": "medium",
    "ytick.labelsize": "medium",
    "legend.fontsize": "medium",
}

_PRESENTER_SIZES = {
    "figure.figsize": (10.0, 5.6),
    "figure.dpi": 110,
    "font.size": 17,
    "axes.titlesize": 20,
    "axes.labelsize": 17,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "legend.fontsize": 15,
    "lines.linewidth": 3.0,
    "lines.markersize": 9,
}


def use_course_style():
    """Applies the course's figure style to every later matplotlib figure.

    Called when `lesson_utils` is imported; call it again to undo
    `use_presenter_style()`.
    """
    mpl.rcParams.update(_BASE_STYLE)
    mpl.rcParams.update(_CLASSROOM_SIZES)


def use_presenter_style(on=True):
    """Enlarges fonts, lines and figures for a projector, or restores the default.

    Args:
        on: `True` for the presenter sizes, `False` to go back to the
            classroom sizes.
    """
    use_course_style()
    if on:
        mpl.rcParams.update(_PRESENTER_SIZES)


def figure_size(width=1.0, height=1.0):
    """A figure size relative to the current style's, so presenter mode enlarges it too.

    Args:
        width: multiple of the style's default figure width.
        height: multiple of the style's default figure height.

    Returns:
        `(width, height)` in inches, for `figsize=`.
    """
    default_width, default_height = mpl.rcParams["figure.figsize"]
    return (default_width * width, default_height * height)


def figure_png(fig, scale=1):
    """Renders a figure to PNG bytes and closes it.

    Widgets show figures as PNG in an `ipywidgets.Image`, which needs no
    interactive matplotlib backend and works the same in JupyterLab and tests.

    Args:
        fig: a matplotlib `Figure`.
        scale: pixels per CSS pixel: 2 draws the figure at twice its size in
            pixels, to be shown at its own size on a high-density screen.

    Returns:
        The PNG file's bytes.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=scale * fig.dpi)
    plt.close(fig)
    return buffer.getvalue()


def thin_line():
    """A line width for reference lines (zero, chance level), half the style's."""
    return 0.5 * mpl.rcParams["lines.linewidth"]


def thick_line():
    """A line width for highlights (the current time step, a chosen length)."""
    return 1.5 * mpl.rcParams["lines.linewidth"]


def mark_size():
    """A marker size for a single marked point (a cut, an exit), twice the style's."""
    return 2 * mpl.rcParams["lines.markersize"]


def relative_luminance(color):
    """A colour's relative luminance, as WCAG 2 defines it (0 black, 1 white).

    Args:
        color: any matplotlib colour, e.g. `"#0072B2"` or `"white"`.

    Returns:
        A float between 0 and 1.
    """
    channels = mpl.colors.to_rgb(color)
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground, background):
    """The WCAG 2 contrast ratio of two colours: 1 (none) to 21 (black on white).

    Text needs at least 4.5 (level AA) to be read easily.

    Args:
        foreground, background: matplotlib colours.

    Returns:
        A float between 1 and 21.
    """
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_color(background):
    """Black or white, whichever contrasts more with `background`.

    One of the two always reaches at least 4.58:1, above WCAG AA's 4.5.

    Args:
        background: a matplotlib colour.

    Returns:
        `"#000000"` or `"#ffffff"`.
    """
    return max(("#000000", "#ffffff"), key=lambda text: contrast_ratio(text, background))
