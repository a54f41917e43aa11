"""Notebook 07, section 7: strings of digits to reverse, for an encoder-decoder.

A source string of digits, such as `"3141"`, is to be written backwards,
`"1413"`. The strings' lengths vary, so they are padded at the end with id 0;
digit `d` has id `d + 1`, and the decoder's first input is the start mark,
id 11. With teacher forcing (as notebook 07's language model is trained), the
decoder reads the start mark and then the true reversed string, each target
one character ahead of its input.
"""

import numpy as np

from lesson_utils.arguments import check_int_in_range, check_positive_int
from lesson_utils.settings import course_seed

DIGITS = "0123456789"
PAD, START = 0, len(DIGITS) + 1
# Id 0 pads, ids 1 to 10 are the digits, id 11 is the start mark.
STRING_VOCAB_SIZE = len(DIGITS) + 2
# A digit drawn at random is right 1 time in 10.
CHARACTER_CHANCE = 1 / len(DIGITS)


def make_reversal_task(count, shortest, longest, *, seed=None):
    """Random strings of digits and their reversals, padded to the longest.

    Args:
        count: how many strings.
        shortest: the shortest length; each string's length is drawn uniformly
            from `shortest..longest`.
        longest: the longest length (`shortest == longest`: all of one length).
        seed: seed of the random generator.

    Returns:
        A dict of arrays with one row per string, `longest` columns: `sources`
        (the digits' ids, 0 after the end), `decoder_inputs` (the start mark,
        then the reversal without its last character), `targets` (the reversal),
        int32; `weights`, float32, 1 where a target character exists and 0 in
        the padding; and `lengths`, the strings' lengths.
    """
    seed = course_seed(seed)
    count = check_positive_int("count", count)
    longest = check_positive_int("longest", longest)
    shortest = check_int_in_range("shortest", shortest, 1, longest)
    rng = np.random.default_rng(seed)
    lengths = rng.integers(shortest, longest + 1, size=count)
    real = np.arange(longest)[None, :] < lengths[:, None]
    sources = np.where(real, rng.integers(1, len(DIGITS) + 1, size=(count, longest)), PAD)
    targets = np.zeros_like(sources)
    for row, length in enumerate(lengths):
        targets[row, :length] = sources[row, length - 1 :: -1]
    decoder_inputs = np.concatenate([np.full((count, 1), START), targets[:, :-1]], axis=1)
    return {
        "sources": sources.astype("int32"),
        "decoder_inputs": decoder_inputs.astype("int32"),
        "targets": targets.astype("int32"),
        "weights": real.astype("float32"),
        "lengths": lengths,
    }


def ids_to_digits(ids):
    """The digits of a row of ids, padding and start mark left out: `[4, 2, 0]` -> `"31"`."""
    return "".join(DIGITS[i - 1] for i in np.asarray(ids).tolist() if PAD < i < START)
