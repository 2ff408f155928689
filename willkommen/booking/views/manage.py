"""The private link of a booking (/book/manage/<code>/, the confirmation page and the
double opt-in link): view, cancel (both parts or only the consultation), move, the
calendar file. The token leaves the address at its first use (``link_session``); refused
links and changes are rate-limited (``limits``)."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from willkommen import clock
from willkommen.client_address import client_ip
from willkommen.scheduling.calendar import bookable_days
from willkommen.scheduling.duty import consultation_options

from .. import channels, limits, link_session, notifications, services
from ..availability import find_slots
from ..errors import BookingError, InvalidManageToken, SlotUnavailable
from ..models import (
    LIVE_CONSULTATION_STATUSES,
    AppointmentStatus,
    ConsultationBookingStatus,
)
from ..tokens import make_manage_token
from .common import DAYS_SHOWN, done_redirect, parse_day, parse_start


def appointment_or_invalid(request, code, token=None, confirm=False):
    """The appointment of a manage (or confirm) link; the token comes from the form, the
    address or the session. A refused link is counted per code and per address
    (``limits``): past the limit ``RateLimited`` leaves the view as a 429. A good token in
    the address moves into the session and the view redirects to the clean address
    (``TokenMoved``), so that no log keeps it."""
    token = (
        token
        or request.GET.get(link_session.LINK_PARAMETER, "")
        or link_session.remembered(request, code, confirm=confirm)
    )
    try:
        appointment = limits.appointment_for_link(code, token, client_ip(request), confirm)
    except InvalidManageToken as error:
        raise InvalidLink(error) from error
    link_session.remember(request, code, token, confirm=confirm)
    if link_session.token_in_address(request):
        raise TokenMoved(link_session.clean_address(request))
    return appointment, token


class TokenMoved(Exception):
    def __init__(self, url):
        self.url = url
        super().__init__(url)


class InvalidLink(Exception):
    def __init__(self, error):
        self.error = error
        super().__init__(str(error.message))


def invalid_link_page(request, error):
    return render(
        request,
        "booking/invalid_link.html",
        {"message": error.message, "expired": getattr(error, "expired", False)},
        status=404,
    )


def token_view(view):
    """Turns a tampered, foreign or expired link into a clear page without any data. A rate
    limit (too many refused links, or too many changes) leaves the view as a refusal that
    ``willkommen.errors.DomainErrorMiddleware`` answers with the 429 page."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except InvalidLink as invalid:
            return invalid_link_page(request, invalid.error)
        except TokenMoved as moved:
            return redirect(moved.url)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def booking_context(appointment, token):
    consultation = notifications.consultation_of(appointment)
    if consultation is not None and consultation.status in (
        ConsultationBookingStatus.CANCELLED,
        ConsultationBookingStatus.EXPIRED,
    ):
        consultation = None
    return {
        "appointment": appointment,
        "consultation": consultation,
        "location": appointment.location,
        "service": appointment.service,
        "documents": appointment.service.documents_list if appointment.service else [],
        "token": token,
        "manage_url": reverse("booking:manage", kwargs={"code": appointment.code}),
        "ics_url": reverse("booking:calendar", kwargs={"code": appointment.code}),
        # To keep or bookmark: works in any browser until the appointment is over.
        "private_url": token_url("booking:manage", appointment, token),
        "active": appointment.status
        in (AppointmentStatus.BOOKED, AppointmentStatus.PENDING_CONFIRMATION),
        "changeable": appointment.is_changeable,
    }


@never_cache
@token_view
def done(request, code):
    appointment, token = appointment_or_invalid(request, code)
    context = booking_context(appointment, token)
    context["sent"] = channels.confirmation_channels(appointment)
    return render(request, "booking/done.html", context)


@never_cache
@token_view
def manage(request, code):
    appointment, token = appointment_or_invalid(request, code)
    return render(request, "booking/manage.html", booking_context(appointment, token))


def manage_redirect(appointment, token):
    """Back to the manage page; its token is in the session already."""
    return redirect("booking:manage", code=appointment.code)


def token_url(name, appointment, token):
    return f"{reverse(name, kwargs={'code': appointment.code})}?{urlencode({'token': token})}"


def confirm_first(request, appointment, token, *, action, question, consequence, yes_label,
                  keep_label, hidden=(), new_start=None):
    """The question before an irreversible change: what stays (the booking as it is) is the
    primary button, the change a secondary one. A form, so it works without JavaScript;
    nothing is changed or counted until the client confirms (the limit is only looked at,
    so that a refused change is refused before the question)."""
    limits.change_allowed(appointment, client_ip(request))
    context = {
        **booking_context(appointment, token),
        "action": action,
        "question": question,
        "consequence": consequence,
        "yes_label": yes_label,
        "keep_label": keep_label,
        "hidden": list(hidden),
        "new_start": new_start,
    }
    return render(request, "booking/confirm_change.html", context)


def confirmed(request) -> bool:
    return request.POST.get("confirmed") == "1"


@require_POST
@token_view
def cancel(request, code):
    appointment, token = appointment_or_invalid(request, code, request.POST.get("token", ""))
    part = "consultation" if request.POST.get("part") == "consultation" else "all"
    if not confirmed(request):
        if not appointment.is_changeable:
            messages.error(request, _("This booking can no longer be changed."))
            return manage_redirect(appointment, token)
        has_consultation = live_consultation(appointment) is not None
        if part == "consultation":
            question = _("Cancel only the consultation?")
            consequence = _(
                "Your office appointment stays as it is. The consultation time is given to "
                "others and cannot be restored."
            )
            yes_label = _("Yes, cancel the consultation")
        else:
            question = (
                _("Cancel the appointment and the consultation?")
                if has_consultation and not appointment.is_external
                else _("Cancel the booking?")
            )
            consequence = _(
                "The time is given to others and cannot be restored. You can book a new "
                "appointment at any time."
            )
            yes_label = _("Yes, cancel")
        return confirm_first(
            request,
            appointment,
            token,
            action=reverse("booking:cancel", kwargs={"code": appointment.code}),
            question=question,
            consequence=consequence,
            yes_label=yes_label,
            keep_label=_("No, keep my booking"),
            hidden=[("part", part)],
        )
    limits.check_change(appointment, client_ip(request))
    try:
        if part == "consultation":
            services.cancel_consultation(appointment)
            messages.success(request, _("Your consultation was cancelled."))
        else:
            services.cancel_booking(appointment)
            messages.success(
                request, _("Your booking was cancelled. The time is free for others again.")
            )
    except BookingError as error:
        messages.error(request, str(error.message))
    return manage_redirect(appointment, token)


@never_cache
@token_view
def move(request, code):
    """Pick a new time for the office appointment; the consultation is placed again
    around it (in the same language), or the client lets it go."""
    data = request.POST if request.method == "POST" else request.GET
    appointment, token = appointment_or_invalid(request, code, data.get("token", ""))
    if appointment.is_external or not appointment.is_changeable:
        messages.error(request, _("This booking can no longer be changed."))
        return manage_redirect(appointment, token)
    consultation = live_consultation(appointment)
    error = None
    alternatives = []
    if request.method == "POST":
        new_start = parse_start(request.POST.get("start"))
        keep = request.POST.get("keep_consultation", "1") == "1"
        if new_start is not None and not confirmed(request):
            return confirm_first(
                request,
                appointment,
                token,
                action=reverse("booking:move", kwargs={"code": appointment.code}),
                question=_("Move the appointment to this time?"),
                consequence=_(
                    "Your current time is then given to others and may not be free again."
                ),
                yes_label=_("Yes, move the appointment"),
                keep_label=_("No, keep the current time"),
                hidden=[
                    ("start", new_start.isoformat()),
                    ("keep_consultation", "1" if keep else "0"),
                ],
                new_start=new_start,
            )
        limits.check_change(appointment, client_ip(request))
        if new_start is None:
            error = _("Please choose a time from the list.")
        else:
            try:
                services.move_booking(appointment, new_start, keep_consultation=keep)
            except SlotUnavailable as unavailable:
                error, alternatives = str(unavailable.message), unavailable.alternatives
            except BookingError as failure:
                error = str(failure.message)
            else:
                messages.success(request, _("Your booking was moved."))
                return manage_redirect(appointment, token)
    kwargs = {}
    if consultation is not None:
        kwargs = {
            "language": consultation.language.code,
            "topics": tuple(consultation.topics.values_list("slug", flat=True)),
            "interpreter": consultation.interpreter,
        }
    today = clock.today()
    days = bookable_days(appointment.location, today, today + timedelta(days=120))
    day = parse_day(data.get("day", ""))
    slots = []
    if day is not None and day in days:
        slots = find_slots(
            appointment.service,
            day,
            day,
            location=appointment.location,
            with_consultation=consultation is not None,
            exclude_appointment_id=appointment.pk,
            **kwargs,
        )
    context = {
        **booking_context(appointment, token),
        "days": days[: DAYS_SHOWN * 4],
        "day": day,
        "slots": [slot for slot in slots if slot.start != appointment.start],
        "error": error,
        "alternatives": alternatives,
        "has_consultation": consultation is not None,
    }
    return render(request, "booking/move.html", context, status=409 if alternatives else 200)


def live_consultation(appointment):
    consultation = notifications.consultation_of(appointment)
    if consultation is None or consultation.status not in LIVE_CONSULTATION_STATUSES:
        return None
    return consultation


@never_cache
@token_view
def move_consultation(request, code):
    """The consultation sits directly before or after the office appointment; the client
    may switch it to another free place around it."""
    data = request.POST if request.method == "POST" else request.GET
    appointment, token = appointment_or_invalid(request, code, data.get("token", ""))
    consultation = live_consultation(appointment)
    if consultation is None or not appointment.is_changeable:
        messages.error(request, _("This booking can no longer be changed."))
        return manage_redirect(appointment, token)
    error = None
    if request.method == "POST":
        new_start = parse_start(request.POST.get("start"))
        if new_start is not None and not confirmed(request):
            return confirm_first(
                request,
                appointment,
                token,
                action=reverse("booking:move_consultation", kwargs={"code": appointment.code}),
                question=_("Move the consultation to this time?"),
                consequence=_(
                    "Your current consultation time is then given to others and may not be "
                    "free again."
                ),
                yes_label=_("Yes, move the consultation"),
                keep_label=_("No, keep the current time"),
                hidden=[("start", new_start.isoformat())],
                new_start=new_start,
            )
        limits.check_change(appointment, client_ip(request))
        try:
            if new_start is None:
                raise SlotUnavailable()
            services.move_consultation(appointment, new_start)
        except BookingError as failure:
            error = str(failure.message)
        else:
            messages.success(request, _("Your consultation was moved."))
            return manage_redirect(appointment, token)
    options = consultation_options(
        appointment.location,
        appointment.start,
        appointment.end,
        language=consultation.language.code,
        interpreter=consultation.interpreter,
    )
    seen, choices = set(), []
    for option in options:
        if option.start != consultation.start and option.start not in seen:
            seen.add(option.start)
            choices.append(option)
    context = {**booking_context(appointment, token), "options": choices, "error": error}
    return render(request, "booking/move_consultation.html", context)


@token_view
def calendar_file(request, code):
    appointment, _token = appointment_or_invalid(request, code)
    response = HttpResponse(
        notifications.build_ics(appointment), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{notifications.ics_filename(appointment)}"'
    )
    return response


@never_cache
@token_view
def confirm(request, code):
    """Double opt-in. The link only shows a button: mail scanners that open links must not
    confirm on the client's behalf."""
    data = request.POST if request.method == "POST" else request.GET
    appointment, token = appointment_or_invalid(request, code, data.get("token", ""), confirm=True)
    if request.method == "POST":
        limits.check_change(appointment, client_ip(request))
        try:
            appointment = services.confirm_booking(appointment)
        except BookingError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Thank you: your booking is confirmed."))
            return done_redirect(request, appointment.code, make_manage_token(appointment))
    return render(request, "booking/confirm.html", {"appointment": appointment, "token": token})
