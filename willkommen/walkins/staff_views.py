"""Staff pages of the waiting area: intake (outreach), the queue, and the counsellor's
call / start / finish buttons. Plain forms with POST/redirect/GET, so everything works
without JavaScript; the services decide, these views only translate to HTTP."""

import segno
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from willkommen.accounts.policy import Permission, has_permission, requires
from willkommen.inputs import parse_id
from willkommen.organisations.models import Location

from . import heads_up, services
from .forms import DATALIST_ID, IntakeForm
from .heads_up import ui_language_for
from .models import Ticket, TicketStatus

SESSION_LOCATION = "walkins_location_id"


def current_location(request):
    """The location the staff member works at: chosen in the page, kept in the session."""
    locations = Location.objects.filter(is_active=True)
    chosen = request.GET.get("location") or request.session.get(SESSION_LOCATION)
    location = None
    if chosen and parse_id(chosen) is not None:
        location = locations.filter(pk=parse_id(chosen)).first()
    location = location or locations.first()
    if location is not None:
        request.session[SESSION_LOCATION] = location.pk
    return location, locations


def _no_location(request):
    return render(request, "walkins/no_location.html")


def public_ticket_url(request, ticket):
    path = reverse("walkins:ticket", kwargs={"token": ticket.public_token})
    return request.build_absolute_uri(f"{path}?lang={ui_language_for(ticket.language.code)}")


@requires(Permission.REGISTER_WALK_IN)
def intake(request):
    location, locations = current_location(request)
    if location is None:
        return _no_location(request)
    now = timezone.now()
    languages = services.languages_by_usage(location, now)
    if request.method == "POST":
        form = IntakeForm(request.POST, languages=languages, now=now)
        if form.is_valid():
            with transaction.atomic():
                ticket = services.register_walk_in(
                    location,
                    form.cleaned_data["language_obj"],
                    list(form.cleaned_data["topics"]),
                    form.cleaned_data["office_appointment_at"],
                    request.user,
                )
                heads_up.remember(
                    ticket,
                    email=form.cleaned_data["heads_up_email"],
                    phone=form.cleaned_data["heads_up_phone"],
                    now=now,
                )
            return redirect("walkins_staff:ticket", pk=ticket.pk)
    else:
        form = IntakeForm(languages=languages, now=now)
    return render(
        request,
        "walkins/intake.html",
        {
            "form": form,
            "location": location,
            "locations": locations,
            "datalist_id": DATALIST_ID,
        },
    )


@requires(Permission.REGISTER_WALK_IN)
def ticket_detail(request, pk):
    ticket = get_object_or_404(
        Ticket.objects.select_related("language", "location", "room"), pk=pk
    )
    url = public_ticket_url(request, ticket)
    qr = segno.make(url, error="m").svg_data_uri(scale=6, border=2)
    estimate = services.estimated_wait(ticket) if ticket.status == TicketStatus.WAITING else None
    return render(
        request,
        "walkins/ticket_detail.html",
        {"ticket": ticket, "public_url": url, "qr": qr, "estimate": estimate},
    )


@requires(Permission.VIEW_WALK_IN_QUEUE)
def queue(request):
    location, locations = current_location(request)
    if location is None:
        return _no_location(request)
    now = timezone.now()
    tickets = services.queue_for(location, now)
    estimates = {}
    for ticket in tickets:
        if ticket.status == TicketStatus.WAITING:
            estimates[ticket.pk] = services.estimated_wait(ticket, now)
    rows = [{"ticket": ticket, "estimate": estimates.get(ticket.pk)} for ticket in tickets]
    user = request.user
    can_call = has_permission(user, Permission.CALL_WALK_IN)
    on_duty = can_call and services.duty_of(user, location, now) is not None
    template = "walkins/_queue_table.html" if request.htmx else "walkins/queue.html"
    return render(
        request,
        template,
        {
            "location": location,
            "locations": locations,
            "rows": rows,
            "mine": [
                t
                for t in tickets
                if t.called_by_id == user.pk
                and t.status
                in (
                    TicketStatus.CALLED,
                    TicketStatus.IN_CONSULTATION,
                )
            ],
            "can_call": can_call,
            "can_register": has_permission(user, Permission.REGISTER_WALK_IN),
            "on_duty": on_duty,
            "waiting_count": sum(1 for t in tickets if t.status == TicketStatus.WAITING),
        },
    )


def _back(request):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        # Not redirect(): it would try ``target`` as a URL name first (and fail on "1").
        return HttpResponseRedirect(target)
    return redirect("walkins_staff:queue")


@requires(Permission.CALL_WALK_IN)
@require_POST
def call_next(request):
    location, _locations = current_location(request)
    if location is None:
        return _no_location(request)
    try:
        result = services.call_next(request.user, location)
    except services.WalkInError as error:
        messages.error(request, error.message)
        return _back(request)
    if result.claimed:
        local = timezone.localtime(result.booking.start)
        messages.warning(
            request,
            _(
                "A client booked for %(time)s (%(language)s) is waiting for a counsellor: "
                "the consultation is yours now, see your day. No walk-in was called."
            )
            % {
                "time": local.strftime("%H:%M"),
                "language": result.booking.language.display_name,
            },
        )
    elif result.booking is not None:
        local = timezone.localtime(result.booking.start)
        messages.warning(
            request,
            _("Your booked consultation at %(time)s comes first. No walk-in was called.")
            % {"time": local.strftime("%H:%M")},
        )
    elif result.ticket is not None:
        messages.success(
            request,
            _("You called ticket %(number)s (%(language)s).")
            % {"number": result.ticket.number, "language": result.ticket.language.display_name},
        )
    else:
        messages.info(request, _("No waiting ticket fits your languages right now."))
    return _back(request)


def _action_view(action, permission, success):
    """One POST view per ticket action; the service re-checks the state (stale tabs)."""

    @requires(permission)
    @require_POST
    def view(request, pk):
        ticket = get_object_or_404(Ticket.objects.select_related("location"), pk=pk)
        try:
            action(ticket, request.user)
        except services.WalkInError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, success() % {"number": ticket.number})
        return _back(request)

    view.__name__ = f"ticket_{action.__name__}"
    return view


CALL = Permission.CALL_WALK_IN
REGISTER = Permission.REGISTER_WALK_IN

ticket_call = _action_view(services.call_ticket, CALL, lambda: _("You called ticket %(number)s."))
ticket_recall = _action_view(
    services.recall, CALL, lambda: _("Ticket %(number)s was called again.")
)
ticket_start = _action_view(
    services.start_consultation, CALL, lambda: _("Consultation with %(number)s started.")
)
ticket_finish = _action_view(
    services.finish, CALL, lambda: _("Consultation with %(number)s finished.")
)
ticket_left = _action_view(
    services.mark_left, REGISTER, lambda: _("Ticket %(number)s was closed: left.")
)
ticket_hold = _action_view(
    services.put_on_hold, REGISTER, lambda: _("Ticket %(number)s is on hold; it keeps its place.")
)
ticket_resume = _action_view(
    services.resume, REGISTER, lambda: _("Ticket %(number)s is waiting again at its old place.")
)
