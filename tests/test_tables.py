"""The course's one Markdown-table formatter."""

import pytest

from lesson_utils.tables import markdown_table


def test_markdown_table_has_a_header_a_rule_and_one_line_per_row():
    table = markdown_table(("model", "accuracy"), [("LSTM", "0.872"), ("GRU", 0.868)])
    assert table.split("\n") == [
        "| model | accuracy |",
        "|---|---|",
        "| LSTM | 0.872 |",
        "| GRU | 0.868 |",
    ]


def test_markdown_table_aligns_the_columns_asked_to_the_right():
    assert markdown_table(("layer", "parameters"), [], right=(1,)) == (
        "| layer | parameters |\n|---|--:|"
    )


def test_markdown_table_refuses_a_row_with_too_few_cells():
    with pytest.raises(ValueError, match=r"one cell per column \(2\)\. Received a row of 1"):
        markdown_table(("a", "b"), [("only one",)])
