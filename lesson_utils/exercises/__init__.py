"""The checks of the notebooks' exercises, one module per notebook, each exercise stated as data
(its arguments, the course's answer, the usual mistakes) for `core.Exercise` to check."""
