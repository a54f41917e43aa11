"""The IMDB reviews made concrete (notebook 04): their lengths, padding and truncation.

A model takes a rectangle of ids, so every review is cut or filled to
`max_length` ids. These functions measure what that costs (how many reviews
lose words) and show what padding and truncating do to one review.
"""

import matplotlib.pyplot as plt
import numpy as np

from . import text
from .plots import PALETTE, thick_line
from .validation import check_positive_int


def truncated_share(lengths, max_length):
    """Fraction of reviews longer than `max_length` ids, which padding to it truncates.

    Args:
        lengths: review lengths, as `review_lengths` returns.
        max_length: the length every review is cut or padded to.

    Returns:
        A float between 0 and 1.
    """
    max_length = check_positive_int("max_length", max_length)
    lengths = np.asarray(lengths)
    if lengths.size == 0:
        raise ValueError("Argument `lengths` is empty: pass the length of at least one review.")
    return float(np.mean(lengths > max_length))


def plot_review_lengths(lengths, max_length, *, title="How long are IMDB reviews?"):
    """Histogram of review lengths with `max_length` marked and the truncated share written.

    Args:
        lengths: review lengths, as `review_lengths` returns.
        max_length: the chosen length, drawn as a vertical line.
        title: the figure's title.

    Returns:
        A matplotlib `Figure`.
    """
    share = truncated_share(lengths, max_length)
    fig, ax = plt.subplots()
    upper = np.percentile(lengths, 99)
    bins = np.linspace(0, upper, 60)
    ax.hist(np.minimum(lengths, upper), bins=bins, color=PALETTE["blue"], alpha=0.85,
            label="reviews")
    ax.axvline(max_length, color=PALETTE["vermillion"], linewidth=thick_line(),
               label=f"max_length = {max_length}: {share:.0%} of reviews are\n"
                     "longer and lose their first words")
    ax.set_xlabel("Review length (word ids; the last bar holds the longest 1%)")
    ax.set_ylabel("Number of reviews")
    ax.set_title(title)
    ax.legend(loc="best")
    return fig


def padding_examples(ids, max_length):
    """The same review padded or truncated every way Keras can.

    Args:
        ids: one review's word ids.
        max_length: the length to pad or cut to.

    Returns:
        A dict, name -> int array of length `max_length`, for the four
        combinations of `padding` and `truncating` ("pre"/"post").
    """
    max_length = check_positive_int("max_length", max_length)
    out = {}
    for padding in ("post", "pre"):
        for truncating in ("pre", "post"):
            out[f"padding={padding!r}, truncating={truncating!r}"] = text.pad_reviews(
                [list(ids)], max_length, padding=padding, truncating=truncating)[0]
    return out


def padded_words(row, word_index, pad_symbol="·"):
    """A padded row as words, with a visible symbol for each padding zero.

    Args:
        row: padded word ids.
        word_index: Keras' IMDB word index (`get_word_index()`).
        pad_symbol: what a padding zero is shown as.

    Returns:
        One string.
    """
    real_words = iter(text.ids_to_words(row, word_index))
    return " ".join(pad_symbol if int(i) == text.PAD_ID else next(real_words) for i in row)
