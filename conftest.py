"""Checks every notebook cell that nbval runs: nothing may reach standard error, no figure twice.

In JupyterLab a cell's standard error shows as a red box under it, which a
beginner reads as "something is broken" (TensorFlow's start-up lines did just
that). nbval compares outputs only where a notebook has saved ones, and the
course's notebooks are committed without outputs, so this hook fails a cell
that writes to standard error itself, in quick and in full mode alike. It
also fails a cell that shows the same figure twice: a cell whose last line is
a bare `plot_...(...)` call draws the figure, then displays the figure the
call returned (the course writes `fig = plot_...(...)`).
"""

import pytest


def stderr_text(outputs):
    """The text a cell's outputs wrote to standard error ('' if none)."""
    return "".join(
        output.get("text", "")
        for output in outputs
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    )


def repeated_images(outputs):
    """How many of a cell's images repeat an image shown before them in the same cell."""
    images = [
        "".join(output["data"]["image/png"])
        for output in outputs
        if "image/png" in output.get("data", {})
    ]
    return len(images) - len(set(images))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    outputs = getattr(item, "test_outputs", None) or []
    written = stderr_text(outputs)
    if written:
        pytest.fail(
            f"{item.name} wrote to standard error (a red box in JupyterLab):\n{written[:2000]}",
            pytrace=False,
        )
    if repeated_images(outputs):
        pytest.fail(
            f"{item.name} shows the same figure twice: a cell that ends with a call returning a "
            "figure displays it again; assign it (fig = plot_...(...))",
            pytrace=False,
        )
    return result
