"""Command line: `python -m lesson_utils train|data|doctor|slides ...`.

`train` runs the whole IMDB workflow and prints the test metrics (it replaces
the first lesson's `python solutions.py`); `data` loads the reviews, fills the
cache and says where they came from; `doctor` checks the machine (see
`course_tools.doctor`); `slides` exports the notebooks as
offline slide decks (see `course_tools.slides`).
"""

import argparse
import sys

from course_tools.slides import add_slides_subcommand
from lesson_utils.arguments import check_positive_int
from lesson_utils.settings import CELLS, DEFAULT_EPOCHS, DEFAULT_MAX_LENGTH, DEFAULT_UNITS


def _train(args):
    from lesson_utils.figures.training import plot_history
    from lesson_utils.training.pipeline import run_full_workflow

    history, metrics, model = run_full_workflow(
        cell=args.cell,
        epochs=args.epochs,
        lstm_units=args.units,
        max_length=args.max_length,
        bidirectional=args.bidirectional,
        source=args.source,
        quick=True if args.quick else None,
        verbose=2,
    )
    if args.plot:
        plot_history(history).savefig(args.plot)
        print(f"History plot saved to {args.plot}")
    if args.save:
        from lesson_utils.models.store import save_model

        # Notebook 06 follows a model word by word, so it opens one-way models only.
        name = f"imdb_{'bidirectional_' if args.bidirectional else ''}{args.cell}"
        path = save_model(model, name, args.models_dir, True if args.quick else None)
        print(
            f"Model saved to {path}"
            + (
                " (notebook 06 opens one-way models only: train without --bidirectional for it)"
                if args.bidirectional
                else " (notebook 06 opens it)"
            )
        )
    return metrics


def _data(args):
    from lesson_utils.data.imdb import describe_source, load_imdb

    (x_train, _), (x_test, _) = load_imdb(source=args.source)
    print(
        f"IMDB reviews from {describe_source(args.source)}: "
        f"{len(x_train):,} for training, {len(x_test):,} for testing."
    )


def _doctor(args):
    from course_tools.doctor import doctor

    sys.exit(doctor())


def _positive(option):
    """An argparse `type` for `option`: a positive integer, as `check_positive_int` checks it."""

    def read(text):
        try:
            return check_positive_int(option, int(text) if text.lstrip("+-").isdigit() else text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    return read


def build_parser():
    """The argument parser, with one subcommand per task."""
    parser = argparse.ArgumentParser(
        prog="python -m lesson_utils", description="The RNN course's command line."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train and evaluate the IMDB sentiment model")
    train.add_argument("--cell", choices=list(CELLS), default="lstm")
    train.add_argument("--epochs", type=_positive("--epochs"), default=DEFAULT_EPOCHS)
    train.add_argument(
        "--units",
        type=_positive("--units"),
        default=DEFAULT_UNITS,
        help="units of the recurrent layer, in each direction",
    )
    train.add_argument("--max-length", type=_positive("--max-length"), default=DEFAULT_MAX_LENGTH)
    train.add_argument(
        "--bidirectional", action="store_true", help="read each review forwards and backwards"
    )
    train.add_argument(
        "--quick", action="store_true", help="quick mode: a small fixed subsample and one epoch"
    )
    train.add_argument(
        "--plot", metavar="FILE", help="save the training history plot (PNG, SVG, PDF)"
    )
    train.add_argument(
        "--save",
        action="store_true",
        help="save the trained model as imdb_<cell>.keras, where notebook 06 finds it",
    )
    train.add_argument(
        "--models-dir",
        metavar="DIR",
        help="where --save writes (default: RNN_COURSE_MODELS_DIR, else models/)",
    )
    train.add_argument(
        "--source", help="IMDB folder (default: IMDB_DATA_DIR, else Keras' download)"
    )
    train.set_defaults(func=_train)
    data = sub.add_parser("data", help="load (or download) the IMDB data and fill the cache")
    data.add_argument("--source", help="IMDB folder (default: IMDB_DATA_DIR, else Keras' download)")
    data.set_defaults(func=_data)
    doctor = sub.add_parser("doctor", help="check what the course needs on this machine")
    doctor.set_defaults(func=_doctor)
    add_slides_subcommand(sub)
    return parser


def main(argv=None):
    from lesson_utils.data.imdb import ImdbDataError

    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (ImdbDataError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
