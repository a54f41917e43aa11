"""The progress bar of long cells: it says what runs, counts, and ends with the time taken."""

import pytest

from lesson_utils import progress


def test_outside_a_notebook_it_only_loops(monkeypatch):
    shown = []
    monkeypatch.setattr(progress, "display", shown.append)
    assert list(progress.track([3, 1, 2], "sorting", unit="numbers")) == [3, 1, 2]
    assert shown == []


def test_in_a_notebook_the_bar_says_what_runs_and_how_long_it_took(monkeypatch):
    shown = []
    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0)
    monkeypatch.setattr(progress, "_in_notebook", lambda: True)
    monkeypatch.setattr(progress, "display", shown.append)
    seen = []
    for _lag in progress.track(
        (10, 20), "training one model per lag", unit="lags", label=lambda lag: f"lag {lag}"
    ):
        bar, label = shown[0].children
        seen.append((bar.value, label.value))
    assert seen[0][0] == 0 and seen[0][1].startswith(
        "training one model per lag: lag 10 (1 of 2 lags)"
    )
    assert seen[1][0] == 1 and "lag 20 (2 of 2 lags)" in seen[1][1]
    bar, label = shown[0].children
    assert bar.value == bar.max == 2 and bar.bar_style == "success"
    assert label.value.startswith(
        "training one model per lag: done, 2 of 2 lags in "
    ) and label.value.endswith(" s")


def test_a_fast_loop_redraws_the_bar_a_few_times_not_once_per_item(monkeypatch):
    shown, values = [], []
    monkeypatch.setattr(progress, "_in_notebook", lambda: True)
    monkeypatch.setattr(progress, "display", shown.append)
    for step in progress.track(range(1500), "training", unit="updates"):
        if step == 0:
            shown[0].children[0].observe(lambda change: values.append(change["new"]), "value")
    assert len(values) <= 5, f"the bar redrew {len(values)} times for a loop of milliseconds"
    assert values[-1] == 1500, "the finished bar is full"


def test_every_caller_in_the_package_says_what_it_counts():
    """`unit` is required, so no bar can say "done, 20" without saying 20 of what."""
    with pytest.raises(TypeError, match="unit"):
        list(progress.track([1], "counting"))
