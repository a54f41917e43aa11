"""The code behind the RNN course's notebooks, tested.

Notebooks, and instructors, import from here (`from lesson_utils import ...`). The
names below are grouped by the notebook that teaches them, or by who else uses
them; each lives in a module named after what it holds, in layers that import
only from the layers before them:

    settings, arguments,      seeds, quick mode, the cells, the table of sizes, argument
    paths, progress, tables   checks, where files live, the progress bar of long cells,
                              Markdown tables
    scratch/                  the recurrences in NumPy (notebooks 01 to 03)
    data/                     IMDB reviews, text, batches; the memory task's sequences
    models/                   the Keras models and where trained ones are saved
    training/                 fit and evaluate; the one IMDB pipeline
    experiments/              what the notebooks measure (they return numbers)
    figures/, widgets/        what the notebooks draw and the controls that redraw it
    exercises/                the checks of the learners' exercises, one module per notebook

A module is imported when a notebook first asks for one of its names; the first
name also sets the course's figure style. Only the modules that use Keras load
TensorFlow (quietly, see `quiet_tensorflow`), so that the NumPy recurrences and
the command line (`python -m lesson_utils slides`) never start it.
"""

import importlib

from lesson_utils.figures.style import use_course_style

# Each group: the module under lesson_utils, and the names a notebook imports from it.
_PUBLIC = {
    "the first lesson's API": {
        "settings": ["DEFAULT_SEED", "set_global_seed"],
        "data.imdb": ["prepare_imdb_data"],
        "models.recurrent": ["build_rnn_model"],
        "training.fit": ["train_rnn_model", "evaluate_rnn_model"],
        "training.pipeline": ["run_full_workflow"],
    },
    "for instructors": {
        "figures.style": ["use_presenter_style"],
    },
    "every notebook": {
        "settings": ["is_quick_mode", "quick_mode_note", "lesson_sizes", "course_seed"],
    },
    "01_rnn_loop": {
        "scratch.cells": ["simple_rnn_step", "simple_rnn_forward", "simple_rnn_param_count"],
        "data.memory_task": ["make_memory_task"],
        "experiments.memory": ["train_memory_model", "accuracy_by_lag", "marked_bit_dependence"],
        "figures.memory": ["plot_accuracy_by_lag"],
        "widgets.explorers": ["hidden_state_explorer"],
        "exercises.rnn_loop": ["check_stacked_rnn_step", "check_latch_weights"],
    },
    "02_vanishing_gradients": {
        "settings": ["CELL_TYPES"],
        "experiments.memory": ["memory_comparison"],
        "experiments.gradients": [
            "input_gradient_norms",
            "cell_gradient_norms",
            "steps_back_ratio",
            "accuracy_table",
            "scaled_orthogonal",
            "radius_gradient_curves",
            "slope_factors",
            "growth_by_radius",
            "steadiest_radius",
            "clipping_comparison",
            "weight_gradients_against_tape",
            "weight_gradient_shares",
        ],
        "figures.gradients": [
            "plot_gradient_norms",
            "plot_clipping_comparison",
            "plot_weight_gradient_shares",
        ],
        "widgets.explorers": ["spectral_radius_explorer"],
        "exercises.gradients": [
            "check_bptt_step",
            "check_clip_by_global_norm",
            "check_geometric_mean",
            "check_recurrent_weight_gradient",
        ],
    },
    "03_lstm_gru_gates": {
        "scratch.cells": [
            "lstm_gates",
            "lstm_forward",
            "gru_gates",
            "gru_forward",
            "lstm_param_count",
            "gru_param_count",
        ],
        "experiments.gates": [
            "randomize_weights",
            "one_unit_lstm",
            "one_unit_gru",
            "carry_over_time",
            "flip_update_gate",
            "gru_forward_other_convention",
            "compare_lstm_gru",
            "comparison_markdown",
        ],
        "experiments.inspection": ["recurrent_layer_forward"],
        "figures.gates": ["plot_carry_over_time"],
        "experiments.carried_bit": ["carried_bit_measurements"],
        "figures.carried_bit": ["plot_bit_path_gates"],
        "widgets.explorers": ["gate_explorer"],
        "exercises.gates": ["check_forget_gate", "check_gru_step", "check_forget_bias"],
    },
    "04_imdb_sentiment": {
        "data.imdb": ["load_imdb", "get_word_index", "decode_review", "describe_source"],
        "data.text": ["review_lengths", "pad_reviews"],
        "scratch.embedding": ["embedding_lookup"],
        "training.pipeline": ["train_lesson_model", "save_lesson_model"],
        "experiments.architecture": ["layer_rows", "layer_markdown"],
        "experiments.embeddings": [
            "nearest_words",
            "neighbours_markdown",
            "group_cosines",
            "PRAISE",
            "COMPLAINT",
        ],
        "experiments.reviews": [
            "truncated_share",
            "padding_examples",
            "padded_words",
            "padding_comparison",
            "last_word_gradients",
        ],
        "experiments.inspection": ["padding_washout"],
        "experiments.benchmarks": [
            "BENCHMARK_CONFIGS",
            "load_benchmark_run",
            "benchmark_rows",
            "benchmark_markdown",
            "literature_markdown",
        ],
        "figures.training": ["plot_history"],
        "figures.reviews": ["plot_review_lengths"],
        "figures.benchmarks": ["plot_benchmark"],
        "tables": ["markdown_table"],
        "exercises.imdb": ["check_padding_share", "check_masked_final_state"],
    },
    "05_imdb_architectures": {
        "data.word_order": ["WORD_ORDER_PAIRS", "POSITIVE_WORDS", "NEGATIVE_WORDS"],
        "experiments.benchmarks": [
            "LADDER",
            "LADDER_BASELINES",
            "REGULARISED_LADDER",
            "seed_rows",
            "seed_markdown",
            "mean_difference",
            "ladder_steps",
            "steps_text",
        ],
        "figures.benchmarks": ["plot_seed_ladder"],
        "models.word_vectors": ["count_word_vectors"],
        "models.bag_of_words": ["build_bag_of_words_model"],
        "training.fit": ["predict_proba"],
        "training.pipeline": ["lesson_model"],
        "experiments.architecture": [
            "bidirectional_halves",
            "later_step_changes_earlier_outputs",
            "max_pooled_reading",
        ],
        "experiments.reviews": ["find_phrase"],
        "experiments.evaluation": [
            "confusion_matrix",
            "misclassified_reviews",
            "stated_score",
        ],
        "experiments.word_order": [
            "word_order_scores",
            "saved_word_order_scores",
            "pairs_markdown",
            "wrong_pairs_markdown",
            "last_word_rule_scores",
            "scores_by_group",
            "groups_markdown",
        ],
        "figures.evaluation": ["plot_confusion_matrix"],
        "figures.word_order": ["plot_word_order"],
        "widgets.training_panel": ["training_panel"],
        "widgets.explorers": ["review_tester"],
        "exercises.imdb": ["check_max_over_words", "check_word_order_pair"],
    },
    "06_inside_the_model": {
        "data.text": ["ids_to_words"],
        "training.pipeline": ["lesson_model"],
        "experiments.inspection": [
            "read_reviews",
            "gate_panels",
            "occlusion_importance",
            "reviews_with_word",
            "opinion_turns",
            "gate_changes",
            "hidden_state_map",
            "component_1_and_head",
        ],
        "figures.inspection": [
            "plot_sentiment_as_read",
            "plot_gates",
            "highlight_words",
            "plot_hidden_states",
        ],
        "exercises.inside": ["check_head_probability", "check_surviving_share"],
    },
    "07_rnn_that_writes": {
        "data.characters": [
            "CHARACTERS",
            "load_review_text",
            "encode_text",
            "decode_ids",
            "stream_windows",
        ],
        "models.language_model": ["build_language_model"],
        "experiments.generation": [
            "train_language_model",
            "text_surprise",
            "samples_markdown",
            "score_ngrams",
            "ngram_distribution",
            "prompt_probabilities",
            "next_character_distributions",
            "generate_text",
            "writing_start",
            "repeat_period",
            "written_surprise",
            "carried_against_reset",
            "carried_reset_markdown",
        ],
        "figures.generation": [
            "plot_training_bits",
            "plot_ngram_orders",
            "plot_temperatures",
            "plot_window_positions",
        ],
        "widgets.generation": ["text_generator"],
        "tables": ["markdown_table"],
        "exercises.generation": ["check_bits_per_character", "check_write_greedily"],
        "data.strings": ["CHARACTER_CHANCE"],
        "experiments.sequence_to_sequence": ["reversal_by_length", "reversal_examples"],
        "figures.sequence_to_sequence": ["plot_accuracy_by_length"],
    },
    "08_char_rnn_from_scratch": {
        "data.characters": ["CHARACTERS", "load_review_text", "encode_text", "stream_windows"],
        "scratch.bptt": ["clip_by_global_norm"],
        "scratch.char_rnn": [
            "init_char_rnn",
            "char_rnn_forward",
            "char_rnn_backward",
            "gradient_check",
        ],
        "experiments.char_rnn": [
            "train_char_rnn",
            "char_rnn_surprise",
            "unigram_surprise",
            "sample_char_rnn",
        ],
        "figures.char_rnn": ["plot_char_rnn_training"],
        "tables": ["markdown_table"],
        "exercises.char_rnn": [
            "check_window_bits",
            "check_char_rnn_gradients",
            "check_numerical_gradient",
            "check_clipped_check_error",
        ],
    },
}

# The API of the one-file lesson the course grew from, kept with its keywords and return values,
# and the names the instructor guide (docs/instructors.md) has instructors run: no notebook uses
# either.
FIRST_LESSON_API, FOR_INSTRUCTORS = (
    tuple(name for names in _PUBLIC[group].values() for name in names)
    for group in ("the first lesson's API", "for instructors")
)
_HOME = {
    name: module for group in _PUBLIC.values() for module, names in group.items() for name in names
}
__all__ = list(_HOME)


_styled = False


def __getattr__(name):
    """Imports a public name's module the first time a notebook asks for the name; the first
    name asked for sets the course's figure style."""
    global _styled
    if name not in _HOME:
        raise AttributeError(f"module 'lesson_utils' has no attribute {name!r}")
    if not _styled:
        use_course_style()
        _styled = True
    value = getattr(importlib.import_module(f"lesson_utils.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
