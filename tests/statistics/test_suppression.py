"""Suppression: no hidden cell can be recovered by subtraction from a row or column."""

from hypothesis import given, settings
from hypothesis import strategies as st

from willkommen.statistics.suppression import (
    extend_with_totals,
    primary_only,
    suppress_series,
    suppress_table,
)

LIMIT = 5


def recoverable_cells(table):
    """Cells a reader can compute from one row or column equation: a line of the extended
    table (inner cells + total) with exactly one hidden cell gives that cell away."""
    height, width = len(table), len(table[0])
    lines = [[(r, c) for c in range(width)] for r in range(height)]
    lines += [[(r, c) for r in range(height)] for c in range(width)]
    found = set()
    for line in lines:
        hidden = [(r, c) for r, c in line if table[r][c].suppressed]
        if len(hidden) == 1:
            found.add(hidden[0])
    return found


def derive(table, r, c):
    """Recompute a hidden cell from its row if the rest of the row is published."""
    row = table[r]
    width = len(row)
    if c == width - 1:
        return sum(cell.value for cell in row[:-1])
    return row[-1].value - sum(cell.value for i, cell in enumerate(row[:-1]) if i != c)


tables = st.integers(1, 5).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(0, 40), min_size=width, max_size=width), min_size=1, max_size=6
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_suppressed_cell_is_recoverable_from_totals(rows):
    table = suppress_table(rows, LIMIT)
    assert recoverable_cells(table) == set()


@settings(max_examples=300, deadline=None)
@given(tables)
def test_every_small_count_is_hidden_and_values_are_kept(rows):
    table = suppress_table(rows, LIMIT)
    extended = extend_with_totals(rows)
    for table_row, plain_row in zip(table, extended, strict=True):
        for cell, value in zip(table_row, plain_row, strict=True):
            assert cell.value == value
            if 0 < value < LIMIT:
                assert cell.suppressed and cell.display(LIMIT) == "< 5"
            if not cell.suppressed:
                assert cell.display(LIMIT) == str(value)


def test_control_primary_suppression_alone_leaks():
    """Control: without complementary suppression, a row total gives the small cell away."""
    rows = [[3, 20, 30], [10, 12, 40]]
    leaky = primary_only(rows, LIMIT)
    assert leaky[0][0].suppressed
    assert (0, 0) in recoverable_cells(leaky)
    assert derive(leaky, 0, 0) == 3
    safe = suppress_table(rows, LIMIT)
    assert recoverable_cells(safe) == set()
    # The next-smallest cell of the row was hidden with it.
    assert safe[0][1].suppressed and not safe[0][1].primary


def test_series_hides_a_second_cell_and_zero_stays_visible():
    cells = suppress_series([2, 0, 50, 9], LIMIT)
    shown = [cell.display(LIMIT) for cell in cells]
    assert shown[0] == "< 5"
    assert shown[1] == "0"
    assert shown[3] == "•"  # next smallest non-zero joins the hidden one
    assert shown[2] == "50" and shown[4] == "61"


def test_small_total_is_hidden_too():
    table = suppress_table([[1, 2], [0, 0]], LIMIT)
    assert table[0][2].suppressed  # row total 3
    assert table[2][2].suppressed  # grand total 3
    assert recoverable_cells(table) == set()
