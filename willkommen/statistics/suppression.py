"""Small-cell suppression for figures that cross an organisation's boundary.

Pure functions, no database: the views, API and exports all pass their tables through
here before anything leaves an organisation.

* **Primary suppression**: a count ``0 < value < threshold`` is not published; it is shown
  as "< threshold". Zero is published (it reveals nobody).
* **Complementary suppression**: a published row or column total would let a reader
  recover a single hidden cell by subtraction. So whenever a row or column (including the
  row of column totals and the column of row totals) has exactly one hidden cell, the next
  smallest published non-zero cell in that line is hidden too. This repeats until no line
  has exactly one hidden cell. Totals are treated as ordinary cells of the extended table,
  so a hidden total is itself protected the same way.

A table is a list of rows (lists of non-negative integers). ``suppress_table`` returns
the extended table (with a total column and a total row) as a list of rows of ``Cell``.
"""

from dataclasses import dataclass

from django.conf import settings

DEFAULT_THRESHOLD = 5


def threshold() -> int:
    return int(getattr(settings, "STATISTICS_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


@dataclass(frozen=True)
class Cell:
    value: int
    suppressed: bool = False
    primary: bool = False  # suppressed because small (not only to protect another cell)

    def display(self, limit: int | None = None) -> str:
        if self.suppressed:
            return f"< {limit or threshold()}" if self.primary else "•"
        return str(self.value)

    @property
    def published(self) -> int | None:
        return None if self.suppressed else self.value


def is_primary(value: int, limit: int) -> bool:
    return 0 < value < limit


def extend_with_totals(rows: list[list[int]]) -> list[list[int]]:
    """The table with a total column appended to each row and a final total row."""
    if not rows:
        return [[0]]
    width = len(rows[0])
    extended = [list(row) + [sum(row)] for row in rows]
    column_totals = [sum(row[i] for row in rows) for i in range(width)]
    extended.append(column_totals + [sum(column_totals)])
    return extended


def suppression_mask(extended: list[list[int]], limit: int) -> list[list[bool]]:
    """Which cells of a table *with totals* to hide.

    The extended table satisfies: every inner row sums to its last cell, every inner column
    sums to its last row's cell. Each row and column of it is one linear equation, so a
    line with exactly one hidden cell would reveal it; we hide more until no line does.
    """
    height, width = len(extended), len(extended[0])
    hidden = [[is_primary(extended[r][c], limit) for c in range(width)] for r in range(height)]
    lines = [[(r, c) for c in range(width)] for r in range(height)]
    lines += [[(r, c) for r in range(height)] for c in range(width)]
    changed = any(any(row) for row in hidden)
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[r][c] for r, c in line) != 1:
                continue
            candidates = [(extended[r][c], r, c) for r, c in line if not hidden[r][c]]
            nonzero = [item for item in candidates if item[0] > 0]
            # Hiding a zero protects nothing a reader cannot see otherwise only if the line
            # has other non-zero cells; prefer the smallest non-zero, fall back to any.
            pool = nonzero or candidates
            if not pool:
                continue
            _value, r, c = min(pool)
            hidden[r][c] = True
            changed = True
    return hidden


def suppress_table(rows: list[list[int]], limit: int | None = None) -> list[list[Cell]]:
    """Extend ``rows`` with totals and apply primary and complementary suppression."""
    limit = threshold() if limit is None else limit
    extended = extend_with_totals(rows)
    hidden = suppression_mask(extended, limit)
    return [
        [
            Cell(value, suppressed=hidden[r][c], primary=hidden[r][c] and is_primary(value, limit))
            for c, value in enumerate(row)
        ]
        for r, row in enumerate(extended)
    ]


def primary_only(rows: list[list[int]], limit: int | None = None) -> list[list[Cell]]:
    """Primary suppression alone (for comparison in tests and docs: it leaks)."""
    limit = threshold() if limit is None else limit
    return [
        [
            Cell(value, suppressed=is_primary(value, limit), primary=is_primary(value, limit))
            for value in row
        ]
        for row in extend_with_totals(rows)
    ]


def suppress_series(values: list[int], limit: int | None = None) -> list[Cell]:
    """A one-dimensional breakdown with its total (e.g. consultations by language).

    Same rule as for a table with one row: a single hidden cell is joined by the next
    smallest one, so the total does not reveal it. The last cell is the total.
    """
    return suppress_table([list(values)], limit)[0]
