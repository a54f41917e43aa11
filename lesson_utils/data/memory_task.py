"""The memory task's sequences (notebook 01, the RNN loop; used again in notebooks 02 and 03).

Each sequence is silent until one marked step carries a bit, +1 or -1; then
come `lag` random distractors, and the target is the marked bit. Its difficulty
is one number, the lag: how many steps a network must carry the bit.
`lesson_utils.experiments.memory` trains models on it.
"""

import numpy as np

from lesson_utils.arguments import check_int_in_range, check_positive_int
from lesson_utils.settings import course_seed


def make_memory_task(lag, n_samples, *, shortest_lag=None, seed=None):
    """Sequences whose target is the bit marked `lag` steps before the end.

    Every sequence has `lag + 1` steps and two features, `(bit, marker)`:
    zeros before the marked step, `(+1 or -1, 1)` at the marked step, then
    random `(+1 or -1, 0)` distractors up to the end.

    Args:
        lag: how many distractor steps follow the marked one (at least 1).
        n_samples: how many sequences.
        shortest_lag: if given, each sequence's lag is drawn uniformly from
            `shortest_lag..lag` (the marked step moves, the length stays
            `lag + 1`); training uses it so that a learner sees easy cases
            too. By default every sequence has exactly `lag`.
        seed: seed of the random generator.

    Returns:
        `(inputs, targets)`: float32 arrays of shapes
        `(n_samples, lag + 1, 2)` and `(n_samples,)`, target 1.0 for a
        marked +1 and 0.0 for a marked -1.
    """
    seed = course_seed(seed)
    lag = check_positive_int("lag", lag)
    n_samples = check_positive_int("n_samples", n_samples)
    if shortest_lag is None:
        shortest_lag = lag
    shortest_lag = check_int_in_range("shortest_lag", shortest_lag, 1, lag)
    rng = np.random.default_rng(seed)
    timesteps = lag + 1
    inputs = np.zeros((n_samples, timesteps, 2), dtype="float32")
    inputs[:, :, 0] = rng.choice([-1.0, 1.0], size=(n_samples, timesteps))
    lags = rng.integers(shortest_lag, lag + 1, size=n_samples)
    marked = timesteps - 1 - lags
    rows = np.arange(n_samples)
    inputs[rows, marked, 1] = 1.0
    inputs[np.arange(timesteps)[None, :] < marked[:, None]] = 0.0
    targets = (inputs[rows, marked, 0] > 0).astype("float32")
    return inputs, targets
