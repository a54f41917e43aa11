"""Tested code behind the RNN course notebooks.

Notebooks import from here (`from lesson_utils import ...`); each function lives
in the module whose name says its job.
"""

from .quiet_tensorflow import import_tensorflow_quietly

import_tensorflow_quietly()

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
from .text import ids_to_words, review_lengths
from .training import StopAfterBatch, evaluate_rnn_model, predict_proba, train_rnn_model
from .workflow import quick_mode_note, run_full_workflow
from .cells import (
    GRU_GATE_NAMES,
    LSTM_GATE_NAMES,
    gru_forward,
    gru_gates,
    gru_param_count,
    gru_step,
    lstm_forward,
    lstm_gates,
    lstm_param_count,
    lstm_step,
    recurrent_layer_forward,
    sigmoid,
)
from .gates import (
    carry_over_time,
    compare_lstm_gru,
    comparison_markdown,
    flip_update_gate,
    gate_lesson_sizes,
    gru_forward_other_convention,
    one_unit_gru,
    one_unit_lstm,
    plot_carry_over_time,
    plot_gate_bars,
    randomize_weights,
    time_per_step,
)
from .widgets import gate_explorer
from .checks import (
    check_forget_gate,
    check_gru_param_count,
    check_gru_step,
)
# Notebooks 04 and 05: IMDB sentiment end to end, and inside the trained model.
from .baselines import BAG_OF_WORDS_MAX_LENGTH, build_bag_of_words_model
from .benchmark_results import (
    benchmark_markdown,
    benchmark_rows,
    literature_markdown,
    load_benchmark_results,
    load_benchmark_run,
    plot_benchmark,
)
from .evaluation import (
    confusion_matrix,
    misclassified_reviews,
    plot_confusion_matrix,
    predict_review,
    stated_score,
    word_status,
)
from .inspection import (
    classifier_head,
    component_1_and_head,
    highlight_words,
    most_varying_units,
    occlusion_importance,
    padding_washout,
    plot_gates,
    plot_hidden_states,
    plot_sentiment_as_read,
    read_reviews,
    recurrent_layer,
    separation_along,
)
from .model_store import load_model, model_path, save_model
from .review_data import (
    PADDING_COMPARISON_SIZES,
    find_phrase,
    padded_words,
    padding_comparison,
    padding_examples,
    plot_review_lengths,
    short_reviews,
    truncated_share,
)
from .sentiment_lesson import (
    lesson_model,
    sentiment_lesson_sizes,
    train_lesson_model,
)
from .training_panel import TrainingPanel, training_panel
from .widgets import review_tester
from .checks import (
    check_confusion_matrix,
    check_head_probability,
    check_padding_share,
    check_pca_2d,
)
# Notebooks 01 and 02: the RNN loop, the memory task, and gradients through time.
from .plots import CELL_LINE_STYLES
from .cells import simple_rnn_param_count
from .memory_task import (
    CELL_TYPES,
    accuracy_by_lag,
    memory_comparison,
    build_memory_model,
    make_memory_task,
    memory_accuracy,
    memory_task_settings,
    plot_accuracy_by_lag,
    train_memory_model,
)
from .gradients import (
    accuracy_table,
    backprop_through_time,
    bptt_step,
    cell_gradient_norms,
    clip_by_global_norm,
    clipping_comparison,
    gradient_settings,
    growth_by_radius,
    growth_per_step,
    input_gradient_norms,
    plot_clipping_comparison,
    plot_gradient_norms,
    plot_radius_gradients,
    radius_gradient_curves,
    scaled_orthogonal,
    steps_back_ratio,
    train_recording_gradients,
)
from .hidden_states import plot_hidden_state_over_time
from .widgets import hidden_state_explorer, spectral_radius_explorer
from .checks import (
    check_bptt_step,
    check_clip_by_global_norm,
    check_geometric_mean,
    check_simple_rnn_param_count,
    check_stacked_rnn_step,
)

use_course_style()
