"""Markdown tables, the one way the course's notebooks show a table of figures."""


def markdown_table(header, rows, *, right=()):
    """Formats rows of cells as a Markdown table, for `IPython.display.Markdown`.

    Args:
        header: the column headings.
        rows: one sequence of cells per row, as many as `header` has; each
            cell is shown as `str(cell)`, so format numbers before.
        right: the indices of the columns aligned right (numbers).

    Returns:
        The table as a string.

    Raises:
        ValueError: when a row does not have one cell per column.
    """
    lines = [
        "| " + " | ".join(str(heading) for heading in header) + " |",
        "|" + "".join("--:|" if i in right else "---|" for i in range(len(header))),
    ]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(
                f"Each row must have one cell per column ({len(header)}). "
                f"Received a row of {len(row)}: {list(row)!r}"
            )
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)
