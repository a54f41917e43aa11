"""Tested code behind the RNN course notebooks.

Notebooks import from here (`from lesson_utils import ...`); each function lives
in the module whose name says its job.
"""

from .config import DEFAULT_SEED, is_quick_mode, set_global_seed
from .plots import (
    CELL_COLORS,
    PALETTE,
    plot_history,
    use_course_style,
    use_presenter_style,
)
from .cells import simple_rnn_forward, simple_rnn_step, unroll
from .data import (
    ImdbDataError,
    decode_review,
    encode_review,
    get_word_index,
    load_imdb,
    prepare_imdb_data,
)
from .models import build_rnn_model
from .training import StopAfterBatch, evaluate_rnn_model, predict_proba, train_rnn_model
from .workflow import quick_mode_note, run_full_workflow

use_course_style()
