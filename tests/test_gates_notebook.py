"""Notebook 03's shared decisions (issue 24, item 8), read from the notebooks' text.

cuDNN is explained once, in notebook 03, no later than its first `use_cudnn=False`;
the Embedding layer and masking are taught in notebook 04, not in 03; notebook 03
says once that it writes W and U where notebook 01 wrote W_x and W_h.
"""

import json
from pathlib import Path

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def _cells(path):
    return [
        (cell["cell_type"], "".join(cell["source"]))
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
    ]


def _notebook(prefix):
    return next(path for path in NOTEBOOKS if path.name.startswith(prefix))


def test_cudnn_is_explained_once_in_notebook_03_at_its_first_use():
    explaining = [
        (path.name, index)
        for path in NOTEBOOKS
        for index, (kind, text) in enumerate(_cells(path))
        if kind == "markdown" and "NVIDIA" in text
    ]
    assert len(explaining) == 1 and explaining[0][0].startswith("03_"), explaining
    cells = _cells(_notebook("03_"))
    first_use = next(i for i, (kind, text) in enumerate(cells) if "use_cudnn=False" in text)
    assert explaining[0][1] <= first_use, "cuDNN is explained before the code that first uses it"


def test_notebook_03_leaves_the_embedding_and_its_mask_to_notebook_04():
    text = "\n".join(text for _, text in _cells(_notebook("03_")))
    assert "Embedding" not in text and "mask_zero" not in text


def test_notebook_03_states_the_switch_from_w_x_and_w_h_to_w_and_u():
    markdown = [text for kind, text in _cells(_notebook("03_")) if kind == "markdown"]
    stated = [text for text in markdown if "W_x" in text and "W_h" in text and "$U$" in text]
    assert len(stated) == 1, "notebook 03 says once that notebook 01's W_x, W_h are its W, U"
