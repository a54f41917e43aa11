"""Checks every notebook cell that nbval runs: nothing may reach standard error.

In JupyterLab a cell's standard error shows as a red box under it, which a
beginner reads as "something is broken" (TensorFlow's start-up lines did just
that). nbval compares outputs only where a notebook has saved ones, and the
course's notebooks are committed without outputs, so this hook fails a cell
that writes to standard error itself, in quick and in full mode alike.
"""

import pytest


def stderr_text(outputs):
    """The text a cell's outputs wrote to standard error ('' if none)."""
    return "".join(
        output.get("text", "")
        for output in outputs
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    written = stderr_text(getattr(item, "test_outputs", None) or [])
    if written:
        pytest.fail(
            f"{item.name} wrote to standard error (a red box in JupyterLab):\n{written[:2000]}",
            pytrace=False,
        )
    return result
