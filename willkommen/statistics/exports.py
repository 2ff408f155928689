"""CSV and XLSX exports of a dashboard: exactly the displayed (suppressed) strings, written
so that no label can run as a spreadsheet formula (``willkommen.spreadsheets``)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from willkommen.spreadsheets import csv_writer, xlsx_append

from .dashboard import Dashboard


def _period_line(dashboard: Dashboard) -> list[str]:
    filters = dashboard.filters
    return [_("Period"), filters.first_day.isoformat(), filters.last_day.isoformat()]


def to_csv(dashboard: Dashboard) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer, delimiter=";")
    writer.writerow(_period_line(dashboard))
    writer.writerow([dashboard.headline])
    for table in dashboard.tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        for label, cells in table.rows:
            writer.writerow([label, *cells])
    return buffer.getvalue()


def to_xlsx(dashboard: Dashboard) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    xlsx_append(summary, _period_line(dashboard))
    xlsx_append(summary, [dashboard.headline])
    for index, table in enumerate(dashboard.tables, start=1):
        sheet = workbook.create_sheet(f"{index:02d} {table.key}"[:31])
        xlsx_append(sheet, [table.title])
        xlsx_append(sheet, table.columns)
        for label, cells in table.rows:
            xlsx_append(sheet, [label, *[_number_or_text(cell) for cell in cells]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number_or_text(cell: str):
    """Published counts become numbers; "< 5", "•" and percentages stay text."""
    return int(cell) if cell.isdigit() else cell
