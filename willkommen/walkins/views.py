"""Public pages: the client's ticket page and the waiting-room display. No login, no
personal data. Both poll for updates with htmx (a fragment every few seconds) and fall
back to a ``<meta refresh>`` without JavaScript; a failed poll is simply retried at the
next tick, so a restarted server or a lost connection heals by itself."""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from willkommen.organisations.models import Location

from . import services
from .models import Ticket, TicketStatus

TICKET_POLL_SECONDS = 10
DISPLAY_POLL_SECONDS = 5
# The waiting-room screen shows the latest call and a few before it, large.
DISPLAY_CALLS = 6


@never_cache
def ticket_page(request, token):
    ticket = get_object_or_404(
        Ticket.objects.select_related("location", "room", "language"), public_token=token
    )
    estimate = None
    now = timezone.now()
    appointment_due = (
        ticket.office_appointment_at is not None
        and ticket.office_appointment_at <= now + services.HOLD_BEFORE_APPOINTMENT
    )
    if ticket.status == TicketStatus.WAITING and appointment_due:
        services.apply_holds(ticket.location, now)
        ticket.refresh_from_db()
    if ticket.status == TicketStatus.WAITING:
        estimate = services.estimated_wait(ticket, now)
    context = {
        "ticket": ticket,
        "estimate": estimate,
        "poll_seconds": TICKET_POLL_SECONDS,
        "is_closed": ticket.status in (TicketStatus.DONE, TicketStatus.LEFT),
    }
    template = "walkins/ticket_status.html" if request.htmx else "walkins/ticket_page.html"
    return render(request, template, context)


def _rotation(request):
    codes = [code for code, _name in settings.LANGUAGES]
    try:
        index = int(request.GET.get("i", "0"))
    except ValueError:
        index = 0
    index %= len(codes)
    return index, codes[index], (index + 1) % len(codes)


@never_cache
def display(request, location_id):
    location = get_object_or_404(Location, pk=location_id, is_active=True)
    index, code, next_index = _rotation(request)
    called = services.recently_called(location, timezone.now(), limit=DISPLAY_CALLS)
    with translation.override(code):
        # The headings are rendered in the rotating language; the page chrome stays in the
        # visitor's language.
        board = {
            "lang": code,
            "rtl": translation.get_language_bidi(),
            "heading": _("Called tickets"),
            "number_label": _("Ticket"),
            "room_label": _("Please go to"),
            "empty": _("No ticket has been called yet."),
        }
    context = {
        "location": location,
        "called": called,
        "board": board,
        "next_index": next_index,
        "poll_seconds": DISPLAY_POLL_SECONDS,
    }
    template = "walkins/display_board.html" if request.htmx else "walkins/display.html"
    return render(request, template, context)
