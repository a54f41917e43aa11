"""The course's diagrams, drawn with matplotlib into `images/`.

`python -m course_tools.diagrams` draws every diagram into `images/NAME.png` and
`images/NAME.svg`, the course's pictures for a maintainer or an instructor's own
slides. A
notebook shows one as a PNG attachment of the Markdown cell that shows it
(`![alt text](attachment:NAME.png)`), so that it shows wherever the notebook is
opened: JupyterLab with any root folder, a notebook uploaded on its own or
opened in a hosted service, an exported slide deck. The attachments are
written from `images/` by `python -m course_tools sync`, never by hand. Each
`draw_*` function returns a matplotlib `Figure`, and `DIAGRAMS` (at the end)
lists them by file name.
"""

import base64
import io
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from course_tools import REPO_DIR
from lesson_utils.figures.style import PALETTE, use_course_style

IMAGES_DIR = REPO_DIR / "images"
# A Markdown image shown from a cell attachment: `![alt](attachment:NAME.png)`.
ATTACHED_IMAGE = re.compile(r"!\[([^\]]*)\]\(attachment:([^)\s]+)\.png\)")


def diagram_png(name, image_format="png"):
    """Draws the diagram `name` (a key of `DIAGRAMS`) and returns its file's bytes.

    Args:
        name: e.g. `"lstm_cell"`.
        image_format: `"png"` (the notebooks' attachments) or `"svg"` (crisp at any size,
            for a projector or the website).

    Returns:
        The file's bytes: a PNG drawn at 100 dots per inch, or an SVG without a date, so
        that drawing it again writes the same bytes.
    """
    if name not in DIAGRAMS:
        raise ValueError(
            f"Argument `name` must be one of {sorted(DIAGRAMS)}. Received: name={name!r}"
        )
    if image_format not in ("png", "svg"):
        raise ValueError(
            "Argument `image_format` must be 'png' or 'svg'. "
            f"Received: image_format={image_format!r}"
        )
    use_course_style()  # the figures' layout and font sizes, as in the notebooks
    with matplotlib.rc_context({"svg.hashsalt": name}):
        fig = DIAGRAMS[name]()
        buffer = io.BytesIO()
        metadata = {"Date": None} if image_format == "svg" else None
        fig.savefig(buffer, format=image_format, dpi=100, metadata=metadata)
    plt.close(fig)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# Notebook 03: the LSTM and GRU cells. Gates are blue boxes (sigmoid), the
# candidate an orange box (tanh), element-wise operations white circles; the
# cell state is green and the hidden state vermillion, as in the gate bars.
# ---------------------------------------------------------------------------


def _canvas(size, xlim, ylim, title):
    """An empty figure drawn in data units of equal scale on both axes, with its title."""
    fig, ax = plt.subplots(figsize=size)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    return fig, ax


def _cell_canvas(title):
    fig, ax = _canvas((9.5, 5.2), (0, 12.5), (-0.6, 7), title)
    body = FancyBboxPatch(
        (1.4, 0.7),
        9.3,
        5.6,
        boxstyle="round,pad=0.1,rounding_size=0.4",
        facecolor="#f2f2f2",
        edgecolor=PALETTE["black"],
        linewidth=1.2,
    )
    ax.add_patch(body)
    return fig, ax


def _gate_box(ax, x, y, text, label, colour):
    """A layer box (sigmoid or tanh) with its name inside, under the function."""
    ax.add_patch(
        FancyBboxPatch(
            (x - 0.62, y - 0.45),
            1.24,
            0.9,
            boxstyle="round,pad=0.05",
            facecolor=PALETTE[colour],
            edgecolor=PALETTE["black"],
        )
    )
    ink = "black" if colour == "orange" else "white"
    ax.text(x, y + 0.15, text, ha="center", va="center", color=ink, fontsize=12, weight="bold")
    ax.text(x, y - 0.22, label, ha="center", va="center", color=ink, fontsize=8.5)


def _op_node(ax, x, y, text):
    """An element-wise operation (x, +, 1-, tanh) in a white circle."""
    radius = 0.36 if len(text) > 1 else 0.24
    ax.add_patch(Circle((x, y), radius, facecolor="white", edgecolor=PALETTE["black"], zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=10 if len(text) > 1 else 13, zorder=4)


def _wire(ax, points, colour="black", arrow=True, width=1.5, gap=9):
    """A line through `points`, with an arrow head on the last segment.

    `gap` (in points) stops the arrow head short of a circle's centre; use 0
    when the line ends on a box's edge.
    """
    xs, ys = zip(*points)
    ax.plot(xs[:-1], ys[:-1], color=PALETTE[colour], linewidth=width, zorder=1)
    ax.add_patch(
        FancyArrowPatch(
            points[-2],
            points[-1],
            color=PALETTE[colour],
            linewidth=width,
            arrowstyle="-|>" if arrow else "-",
            mutation_scale=12,
            shrinkA=0,
            shrinkB=gap if arrow else 0,
            zorder=2,
        )
    )


def draw_lstm_cell():
    """The LSTM cell, with Keras' gate order i, f, c, o in the kernel.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = _cell_canvas(
        "LSTM cell: $c_t = f_t \\odot c_{t-1} + i_t \\odot \\tilde c_t$,"
        "   $h_t = o_t \\odot \\tanh(c_t)$"
    )
    belt, bus = 5.6, 1.3
    # The cell state runs straight along the top: the conveyor belt.
    _wire(ax, [(0.2, belt), (3.6, belt)], "green", width=2.5)
    _wire(ax, [(3.6, belt), (6.1, belt)], "green", width=2.5)
    _wire(ax, [(6.1, belt), (12.3, belt)], "green", width=2.5)
    ax.text(0.2, belt + 0.25, "$c_{t-1}$", fontsize=12, color=PALETTE["green"])
    ax.text(11.6, belt + 0.25, "$c_t$", fontsize=12, color=PALETTE["green"])
    # [h_{t-1}, x_t] feeds every box.
    _wire(ax, [(0.2, bus), (8.7, bus)], "vermillion", arrow=False)
    ax.text(0.2, bus + 0.2, "$h_{t-1}$", fontsize=12, color=PALETTE["vermillion"])
    _wire(ax, [(2.3, 0.0), (2.3, bus)], arrow=False)
    ax.text(2.45, 0.1, "$x_t$", fontsize=12)
    boxes = (
        (3.6, "$\\sigma$", "forget $f_t$", "blue"),
        (5.2, "$\\sigma$", "input $i_t$", "blue"),
        (6.9, "tanh", "candidate $\\tilde c_t$", "orange"),
        (8.7, "$\\sigma$", "output $o_t$", "blue"),
    )
    for x, text, label, colour in boxes:
        _wire(ax, [(x, bus), (x, 2.5)], gap=0)
        _gate_box(ax, x, 3.0, text, label, colour)
    # forget: f * c_{t-1}
    _wire(ax, [(3.6, 3.5), (3.6, belt)])
    _op_node(ax, 3.6, belt, "×")
    # input: i * candidate, added to the belt
    _wire(ax, [(5.2, 3.5), (5.2, 4.3), (6.1, 4.3)])
    _wire(ax, [(6.9, 3.5), (6.9, 4.3), (6.1, 4.3)])
    _op_node(ax, 6.1, 4.3, "×")
    _wire(ax, [(6.1, 4.3), (6.1, belt)])
    _op_node(ax, 6.1, belt, "+")
    # output: o * tanh(c_t)
    _wire(ax, [(9.9, belt), (9.9, 4.4)], "green")
    _op_node(ax, 9.9, 4.4, "tanh")
    _wire(ax, [(9.9, 4.4), (9.9, 3.0)])
    _wire(ax, [(9.32, 3.0), (9.9, 3.0)])
    _op_node(ax, 9.9, 3.0, "×")
    _wire(ax, [(9.9, 3.0), (9.9, bus), (12.3, bus)], "vermillion", width=2.0)
    _wire(ax, [(10.4, bus), (10.4, 0.0)], "vermillion", width=2.0)
    ax.text(11.6, bus + 0.2, "$h_t$", fontsize=12, color=PALETTE["vermillion"])
    ax.text(10.55, 0.1, "output $h_t$", fontsize=10, color=PALETTE["vermillion"])
    return fig


def draw_gru_cell():
    """The GRU cell as Keras computes it (update gate z, reset gate r, `reset_after=True`).

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = _cell_canvas(
        "GRU cell (Keras): $h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t$"
    )
    top, bus = 5.6, 1.3
    # The hidden state runs along the top, and is also fed to the gates.
    _wire(ax, [(0.2, top), (3.6, top)], "vermillion", width=2.5)
    _wire(ax, [(3.6, top), (8.4, top)], "vermillion", width=2.5)
    _wire(ax, [(8.4, top), (12.3, top)], "vermillion", width=2.5)
    ax.text(0.2, top + 0.25, "$h_{t-1}$", fontsize=12, color=PALETTE["vermillion"])
    ax.text(11.6, top + 0.25, "$h_t$", fontsize=12, color=PALETTE["vermillion"])
    # The gates read x_t and h_{t-1} together (the bus); the candidate reads x_t on its own
    # and h_{t-1} only through the reset gate, on a wire of its own.
    _wire(ax, [(1.0, top), (1.0, 0.9), (8.8, 0.9), (8.8, 2.5)], "vermillion", arrow=False)
    _wire(ax, [(1.0, bus), (5.4, bus)], "vermillion", arrow=False)
    _wire(ax, [(2.0, 0.0), (2.0, bus)], arrow=False)
    _wire(ax, [(2.0, 0.5), (8.0, 0.5), (8.0, 2.5)], gap=0)
    ax.text(2.15, 0.1, "$x_t$", fontsize=12)
    boxes = (
        (3.6, "$\\sigma$", "update $z_t$", "blue"),
        (5.4, "$\\sigma$", "reset $r_t$", "blue"),
        (8.4, "tanh", "candidate $\\tilde h_t$", "orange"),
    )
    for x, text, label, colour in boxes:
        if label.startswith("candidate"):
            _gate_box(ax, x, 3.0, text, label, colour)
            continue
        _wire(ax, [(x, bus), (x, 2.5)], gap=0)
        _gate_box(ax, x, 3.0, text, label, colour)
    # update: z keeps the old state, (1 - z) lets the candidate in
    _wire(ax, [(3.6, 3.5), (3.6, top)])
    _op_node(ax, 3.6, top, "×")
    _wire(ax, [(3.6, 4.3), (6.7, 4.3)])
    _op_node(ax, 6.7, 4.3, "1−")
    _wire(ax, [(6.7, 4.3), (8.4, 4.3)])
    _op_node(ax, 8.4, 4.3, "×")
    _wire(ax, [(8.4, 3.5), (8.4, 4.3)])
    _wire(ax, [(8.4, 4.3), (8.4, top)])
    _op_node(ax, 8.4, top, "+")
    # reset: r scales the recurrent part of the candidate (after its matrix product)
    _wire(ax, [(5.4, 3.5), (5.4, 3.9), (7.0, 3.9), (7.0, 2.0), (8.8, 2.0)])
    _op_node(ax, 8.8, 2.0, "×")
    ax.text(
        1.4,
        -0.45,
        "The reset gate scales only the recurrent part of the candidate: "
        "$r_t \\odot (h_{t-1} U_h + b^{h}_h)$ (reset_after=True)",
        fontsize=9,
        ha="left",
    )
    _wire(ax, [(10.2, top), (10.2, 0.0)], "vermillion", width=2.0)
    ax.text(10.35, 0.1, "output $h_t$", fontsize=10, color=PALETTE["vermillion"])
    ax.text(
        4.0,
        6.45,
        "$z_t$ near 1 keeps the old state (Keras, Cho et al. 2014)",
        fontsize=9,
        ha="left",
    )
    return fig


# File name (without .png) -> function drawing it. Add new diagrams here.
# ---------------------------------------------------------------------------
# Notebook 01: the simple RNN's loop, folded and unrolled in time. The cell is
# an orange tanh box (as the candidate in the LSTM/GRU diagrams), the hidden
# state vermillion, the inputs black.
# ---------------------------------------------------------------------------


def _rnn_box(ax, x, y, label):
    """A simple-RNN cell: an orange tanh box centred on (x, y)."""
    ax.add_patch(
        FancyBboxPatch(
            (x - 0.9, y - 0.7),
            1.8,
            1.4,
            boxstyle="round,pad=0.05",
            facecolor=PALETTE["orange"],
            edgecolor=PALETTE["black"],
        )
    )
    ax.text(x, y + 0.2, "tanh", ha="center", va="center", fontsize=12, weight="bold")
    ax.text(x, y - 0.3, label, ha="center", va="center", fontsize=8.5)


def draw_rnn_unrolled(steps=4):
    """A simple RNN folded (a cell with a loop) and unrolled over `steps` time steps.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = _canvas(
        (11, 4.6),
        (0, 9.4 + 3 * steps),
        (-0.2, 8),
        "A simple RNN is one cell in a loop; unrolled, it is the same cell at every step",
    )
    # Folded: the loop feeds h_{t-1} back into the cell.
    _rnn_box(ax, 2.4, 4, "RNN cell")
    _wire(ax, [(2.4, 1.2), (2.4, 3.3)], gap=0)
    ax.text(2.4, 0.7, "$x_t$", ha="center", fontsize=13)
    ax.text(2.55, 2.2, "$W_x$", fontsize=11)
    _wire(ax, [(2.4, 4.7), (2.4, 6.9)], "vermillion", width=2.0, gap=0)
    ax.text(2.4, 7.2, "$h_t$", ha="center", fontsize=13, color=PALETTE["vermillion"])
    _wire(ax, [(2.4, 5.8), (4.2, 5.8), (4.2, 4.0), (3.3, 4.0)], "vermillion", width=2.0, gap=0)
    ax.text(4.35, 4.8, "$W_h$\n$h_{t-1}$", fontsize=11, color=PALETTE["vermillion"])
    ax.text(5.9, 4.0, "=", ha="center", va="center", fontsize=30)
    # Unrolled: one copy of the cell per time step, sharing W_x, W_h and b.
    ax.text(7.5, 4.45, "$h_0 = 0$", ha="center", fontsize=11, color=PALETTE["vermillion"])
    for t in range(1, steps + 1):
        x = 6.5 + 3 * t
        start = x - 2.1 if t > 1 else 7.0
        _wire(ax, [(start, 4.0), (x - 0.9, 4.0)], "vermillion", width=2.0, gap=0)
        if t > 1:
            ax.text(x - 1.5, 4.2, "$W_h$", ha="center", fontsize=10, color=PALETTE["vermillion"])
        _rnn_box(ax, x, 4, f"step {t}")
        _wire(ax, [(x, 1.2), (x, 3.3)], gap=0)
        ax.text(x, 0.7, f"$x_{t}$", ha="center", fontsize=13)
        ax.text(x + 0.15, 2.2, "$W_x$", fontsize=10)
        _wire(ax, [(x, 4.7), (x, 6.9)], "vermillion", width=2.0, gap=0)
        ax.text(x, 7.2, f"$h_{t}$", ha="center", fontsize=13, color=PALETTE["vermillion"])
    last = 6.5 + 3 * steps
    _wire(ax, [(last + 0.9, 4.0), (last + 1.9, 4.0)], "vermillion", width=2.0, gap=0)
    ax.text(last + 2.0, 4.0, "...", va="center", fontsize=14)
    ax.text(
        4.1 + 1.5 * steps,
        -0.1,
        "$h_t = \\tanh(x_t W_x + h_{t-1} W_h + b)$, with the same $W_x$, $W_h$, $b$ at every step",
        ha="center",
        fontsize=11,
    )
    return fig


# ---------------------------------------------------------------------------
# Notebook 01: what goes in and what comes out. Inputs are white boxes, the
# recurrent cell orange (as in the unrolled RNN), outputs blue; the state passed
# from step to step is vermillion, and a decoder's cells green.
# ---------------------------------------------------------------------------


def _square(ax, x, y, colour, edge="black", size=0.56):
    """A small square centred on (x, y): an input, a cell or an output."""
    ax.add_patch(
        FancyBboxPatch(
            (x - size / 2, y - size / 2),
            size,
            size,
            boxstyle="round,pad=0.03",
            facecolor=PALETTE[colour] if colour in PALETTE else colour,
            edgecolor=PALETTE[edge],
        )
    )


def _io_panel(ax, left, inputs, outputs, decoder=0):
    """One shape: cells at steps 0.. with inputs below and outputs above the given steps.

    The last `decoder` cells are drawn green: they write after the others have read.
    """
    steps = max(max(inputs), max(outputs)) + 1
    for step in range(steps):
        x = left + 1.1 * step
        _square(ax, x, 2.0, "green" if step >= steps - decoder else "orange")
        if step in inputs:
            _square(ax, x, 0.6, "white")
            _wire(ax, [(x, 0.88), (x, 1.72)], gap=0)
        if step in outputs:
            _square(ax, x, 3.4, "blue")
            _wire(ax, [(x, 2.28), (x, 3.12)], gap=0)
        if step:
            _wire(ax, [(x - 0.82, 2.0), (x - 0.28, 2.0)], "vermillion", width=2.0, gap=0)
    return left + 1.1 * (steps - 1) / 2


def draw_io_taxonomy():
    """The five shapes of input and output, with the notebooks that use each.

    Returns:
        A matplotlib `Figure`.
    """
    fig, ax = _canvas(
        (12, 3.3),
        (-1.3, 27.3),
        (-1.8, 3.9),
        "What goes in (white, below) and what comes out (blue, above): "
        "the vermillion arrows carry the state from step to step",
    )
    panels = (
        ("one to one", "no sequence:\na plain network", [0], [0], 0),
        ("one to many", "07: writing after\na prompt", [0], [0, 1, 2, 3], 0),
        ("many to one", "01, 04 to 06: a sequence\nto one answer", [0, 1, 2, 3], [3], 0),
        (
            "many to many, aligned",
            "07: the next character\nat every step",
            [0, 1, 2, 3],
            [0, 1, 2, 3],
            0,
        ),
        (
            "many to many, unaligned",
            "07: encoder, then decoder\n(reverse a string)",
            [0, 1, 2],
            [3, 4, 5],
            3,
        ),
    )
    left = 0.0
    for name, example, inputs, outputs, decoder in panels:
        centre = _io_panel(ax, left, inputs, outputs, decoder)
        ax.text(centre, -0.35, name, ha="center", va="center", fontsize=11, weight="bold")
        ax.text(centre, -1.2, example, ha="center", va="center", fontsize=9)
        left += 1.1 * max(max(inputs), max(outputs)) + 2.6
    return fig


# ---------------------------------------------------------------------------
# Notebook 07: the encoder-decoder. The encoder's cells are orange (as in the
# unrolled RNN), the decoder's green (as in the map of shapes); inputs are
# white, outputs blue, and the state is vermillion.
# ---------------------------------------------------------------------------


def _labelled_square(ax, x, y, colour, text, size=0.9):
    """A square centred on (x, y) with `text` inside, in ink that reads on its colour."""
    _square(ax, x, y, colour, size=size)
    ink = "white" if colour in ("blue", "vermillion") else "black"
    ax.text(x, y, text, ha="center", va="center", fontsize=12, color=ink)


def draw_encoder_decoder(source="314"):
    """An encoder-decoder reversing `source`: all it reads passes through one vector.

    Returns:
        A matplotlib `Figure`.
    """
    target = source[::-1]
    fig, ax = _canvas(
        (11, 4.2),
        (-1.0, 13.4),
        (-1.3, 4.8),
        "An encoder-decoder: everything the decoder learns of the source passes through one vector",
    )
    steps = len(source)
    for step, digit in enumerate(source):
        x = 1.6 * step
        _labelled_square(ax, x, 0.0, "white", digit)
        _wire(ax, [(x, 0.45), (x, 1.55)], gap=0)
        _labelled_square(ax, x, 2.0, "orange", "GRU")
        if step:
            _wire(ax, [(x - 1.15, 2.0), (x - 0.45, 2.0)], "vermillion", width=2.0, gap=0)
    ax.text(1.6 * (steps - 1) / 2, 3.1, "encoder: reads the source", ha="center", fontsize=11)
    last = 1.6 * (steps - 1)
    first = last + 3.6
    _wire(ax, [(last + 0.45, 2.0), (first - 0.45, 2.0)], "vermillion", width=3.0, gap=0)
    ax.text(
        (last + first) / 2,
        2.3,
        "its final state: one vector,\nthe only way through",
        ha="center",
        va="bottom",
        fontsize=10,
        color=PALETTE["vermillion"],
    )
    for step, (read, written) in enumerate(zip("^" + target[:-1], target)):
        x = first + 1.6 * step
        _labelled_square(ax, x, 0.0, "white", "start" if read == "^" else read, size=0.9)
        _wire(ax, [(x, 0.45), (x, 1.55)], gap=0)
        _labelled_square(ax, x, 2.0, "green", "GRU")
        _wire(ax, [(x, 2.45), (x, 3.55)], gap=0)
        _labelled_square(ax, x, 4.0, "blue", written)
        if step:
            _wire(ax, [(x - 1.15, 2.0), (x - 0.45, 2.0)], "vermillion", width=2.0, gap=0)
    ax.text(
        first + 1.6 * (steps - 1) / 2,
        -1.0,
        "decoder: reads the start mark, then the answer's previous character",
        ha="center",
        fontsize=10,
    )
    ax.text(1.6 * (steps - 1) / 2, -1.0, f"source {source}", ha="center", fontsize=10)
    ax.text(first + 1.6 * steps - 0.2, 4.0, f"writes {target}", va="center", fontsize=11)
    return fig


DIAGRAMS = {
    "rnn_unrolled": draw_rnn_unrolled,
    "lstm_cell": draw_lstm_cell,
    "gru_cell": draw_gru_cell,
    "io_taxonomy": draw_io_taxonomy,
    "encoder_decoder": draw_encoder_decoder,
}


def add_svg_versions(notebook, images_dir=IMAGES_DIR):
    """Puts each attached diagram's SVG from `images_dir` beside its PNG, in place.

    The notebooks carry the PNG only, which every notebook viewer shows; a
    slide deck or a web page is built from this repository and shows the
    SVG, which stays crisp on a projector. Both nbconvert and the site
    prefer `image/svg+xml` when an attachment has it.

    Args:
        notebook: a notebook (as `json.load` or `nbformat.read` gives it).
        images_dir: where the diagrams are drawn (`images/`).

    Returns:
        The notebook.
    """
    for cell in notebook["cells"]:
        for name, bundle in cell.get("attachments", {}).items():
            svg = Path(images_dir) / f"{Path(name).stem}.svg"
            if name.endswith(".png") and svg.is_file():
                bundle["image/svg+xml"] = base64.b64encode(svg.read_bytes()).decode("ascii")
    return notebook


def main(images_dir=IMAGES_DIR):
    """Draws every diagram into `images_dir` as `NAME.png` and `NAME.svg`.

    Returns:
        The paths written.
    """
    images_dir = Path(images_dir)
    images_dir.mkdir(exist_ok=True)
    written = []
    for name in DIAGRAMS:
        for image_format in ("png", "svg"):
            path = images_dir / f"{name}.{image_format}"
            path.write_bytes(diagram_png(name, image_format))
            written.append(path)
    return written


if __name__ == "__main__":
    matplotlib.use("Agg")
    for path in main():
        print(f"drew {path}")
    print("Attach them to the notebooks: python -m course_tools sync")
