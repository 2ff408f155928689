"""Walk-in figures for the statistics: counts and medians, never a single ticket.

Everything here is computed from the ticket timestamps, which carry no personal data, so
the figures survive the deletion of consultation records. The statistics app decides
which cells to suppress before figures leave an organisation.
"""

import statistics
from dataclasses import dataclass, field

from .models import Ticket, TicketStatus


@dataclass
class WalkInFigures:
    registered: int = 0
    consulted: int = 0  # reached a consultation (in progress or done)
    left_without_consultation: int = 0
    median_waiting_minutes: float | None = None  # registration to first call
    median_consultation_minutes: float | None = None
    by_language: dict = field(default_factory=dict)  # ISO code -> registered


def _median_minutes(deltas):
    minutes = [delta.total_seconds() / 60 for delta in deltas if delta is not None]
    return round(statistics.median(minutes), 1) if minutes else None


def walk_in_figures(first_day, last_day, location=None):
    """Figures over the service days ``first_day``..``last_day`` (inclusive)."""
    tickets = Ticket.objects.filter(service_day__gte=first_day, service_day__lte=last_day)
    if location is not None:
        tickets = tickets.filter(location=location)
    rows = list(
        tickets.values_list(
            "status", "language__code", "created_at", "called_at", "started_at", "finished_at"
        )
    )
    figures = WalkInFigures(registered=len(rows))
    waits, lengths = [], []
    for status, code, created, called, started, finished in rows:
        figures.by_language[code] = figures.by_language.get(code, 0) + 1
        if status in (TicketStatus.IN_CONSULTATION, TicketStatus.DONE):
            figures.consulted += 1
        if status == TicketStatus.LEFT:
            figures.left_without_consultation += 1
        if called is not None:
            waits.append(called - created)
        if started is not None and finished is not None:
            lengths.append(finished - started)
    figures.median_waiting_minutes = _median_minutes(waits)
    figures.median_consultation_minutes = _median_minutes(lengths)
    return figures
