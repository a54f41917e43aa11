"""A progress bar for the cells that run for more than a few seconds.

A learner who runs a cell that trains a dozen models should see what is being
trained and how far it has got, not a silent cell for a minute and a half.
`track` wraps the loop of such a cell: in a notebook it shows an ipywidgets
bar with a line saying what runs now and, at the end, how long it all took;
outside a notebook (tests, the command line) it shows nothing. It writes
nothing to standard error, so no red box appears under the cell.
"""

import time

import ipywidgets as widgets
from IPython import get_ipython
from IPython.display import display

# The bar redraws at most this often: a loop of 1,500 quick steps would otherwise send the
# browser two widget messages per step, thousands a second, faster than a busy kernel's output
# channel drains them (a message lost there can leave the cell looking busy).
REDRAW_SECONDS = 0.2


def _in_notebook():
    """True inside a Jupyter kernel, where widgets can be displayed."""
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _seconds(seconds):
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


class ProgressBar:
    """A bar, a line of what runs now, and the time taken: the widget `track` shows.

    Args:
        total: how many items the loop has.
        what: what the loop does, for the line under the bar
            (e.g. `"SimpleRNN, one model per lag"`).
        unit: what one item is, in the plural (e.g. `"lags"`), so that the
            counts say what they count.
    """

    def __init__(self, total, what, unit):
        self.total = total
        self.what = what
        self.unit = unit
        self.start = time.perf_counter()
        self.drawn = None  # when `now` last redrew the bar
        self.bar = widgets.IntProgress(
            value=0, min=0, max=max(total, 1), layout=widgets.Layout(width="20em")
        )
        self.label = widgets.Label(value=f"{what}: starting")
        self.widget = widgets.HBox([self.bar, self.label])

    def elapsed(self):
        """Seconds since the bar was created."""
        return time.perf_counter() - self.start

    def now(self, done, item_label):
        """Shows that `item_label` runs now, after `done` finished items (at most every
        `REDRAW_SECONDS`, and always for the first item)."""
        moment = time.perf_counter()
        if self.drawn is not None and moment - self.drawn < REDRAW_SECONDS:
            return
        self.drawn = moment
        self.bar.value = done
        self.label.value = (
            f"{self.what}: {item_label} ({done + 1} of {self.total} {self.unit}), "
            f"{_seconds(self.elapsed())} so far"
        )

    def finish(self):
        """Fills the bar and says how long the whole loop took."""
        self.bar.value = self.bar.max
        self.bar.bar_style = "success"
        self.label.value = (
            f"{self.what}: done, {self.total} of {self.total} {self.unit} "
            f"in {_seconds(self.elapsed())}"
        )


def track(items, what, *, unit, label=str):
    """Loops over `items`, showing a progress bar in a notebook.

    Args:
        items: the items of the loop (a list, a tuple, a range, ...).
        what: what the loop does, shown beside the bar.
        unit: what one item is, in the plural (e.g. `"models"`, `"epochs"`),
            for the counts beside the bar: "done, 20 of 20 models in 3.5 s".
        label: a function giving each item's name on the bar
            (default `str`, e.g. `lambda lag: f"lag {lag}"`).

    Yields:
        Each item of `items`, in order.
    """
    items = list(items)
    if not _in_notebook():
        yield from items
        return
    progress = ProgressBar(len(items), what, unit)
    display(progress.widget)
    for done, item in enumerate(items):
        progress.now(done, label(item))
        yield item
    progress.finish()
