"""The office clerk's calendar: the appointments of a day per desk, arrivals and no-shows.

Nothing here reads ``ConsultationBooking`` (see ``office_calendar.py``): the office must not
learn whether a client booked a consultation.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from willkommen import clock, inputs
from willkommen.accounts.policy import Permission, requires
from willkommen.organisations.models import Location
from willkommen.spreadsheets import csv_writer

from . import office_calendar
from .models import Appointment, AppointmentStatus

ACTION_LABELS = {
    AppointmentStatus.ARRIVED: gettext_lazy("Mark as arrived"),
    AppointmentStatus.NO_SHOW: gettext_lazy("Mark as no-show"),
    AppointmentStatus.COMPLETED: gettext_lazy("Mark as completed"),
}


def _locations_for(user):
    locations = Location.objects.filter(is_active=True)
    own = locations.filter(office_id=user.organisation_id)
    return own if own.exists() else locations


def _chosen(request):
    """The location and day the clerk asked for (GET or POST), with safe fallbacks."""
    data = request.POST if request.method == "POST" else request.GET
    locations = list(_locations_for(request.user))
    location = locations[0] if locations else None
    wanted = data.get("location")
    if wanted:
        location = next((loc for loc in locations if str(loc.pk) == wanted), None)
        if location is None:
            raise Http404
    error = None
    try:
        day = inputs.parse_date(data.get("date")) or clock.today()
    except ValueError as refused:
        day = clock.today()
        error = str(refused)
    return locations, location, day, error


def _calendar_url(location, day, name="booking_staff:calendar"):
    query = {"date": day.isoformat()}
    if location is not None:
        query["location"] = location.pk
    return f"{reverse(name)}?{urlencode(query)}"


@requires(Permission.VIEW_OFFICE_CALENDAR)
def calendar(request):
    locations, location, day, error = _chosen(request)
    if error:
        messages.error(request, error)
    desks = office_calendar.office_day(location, day) if location else []
    for desk in desks:
        for appointment in desk.appointments:
            appointment.actions = [
                (status, ACTION_LABELS[status])
                for status in office_calendar.allowed_actions(appointment)
            ]
    context = {
        "locations": locations,
        "location": location,
        "day": day,
        "desks": desks,
        "export_url": _calendar_url(location, day, "booking_staff:export"),
        "arrival_open": office_calendar.day_in_arrival_window(day),
        "window_message": office_calendar.outside_arrival_window_message(),
    }
    return render(request, "booking/staff/calendar.html", context)


@requires(Permission.VIEW_OFFICE_CALENDAR)
@require_POST
def set_status(request, appointment_id):
    locations, location, day, _error = _chosen(request)
    back = redirect(_calendar_url(location, day))
    if location is None:
        return back
    new_status = request.POST.get("status", "")
    if new_status in office_calendar.CONFIRM_FIRST and request.POST.get("confirmed") != "1":
        return _confirm_status(request, appointment_id, location, day, new_status)
    try:
        appointment = office_calendar.set_status(
            appointment_id,
            expected_status=request.POST.get("expected_status", ""),
            new_status=new_status,
            location=location,
        )
    except Appointment.DoesNotExist as error:
        raise Http404 from error
    except office_calendar.StaleStatus as stale:
        messages.warning(
            request,
            _(
                "This appointment was changed meanwhile; its status is now “%(status)s”. "
                "Nothing was saved. Please check and try again."
            )
            % {"status": stale.current_status},
        )
        return back
    except office_calendar.TransitionNotAllowed as refused:
        messages.error(request, str(refused))
        return back
    messages.success(
        request,
        _("%(code)s: %(status)s.")
        % {"code": appointment.code, "status": appointment.get_status_display()},
    )
    return back


def _confirm_status(request, appointment_id, location, day, new_status):
    """Asks before a status that gives up the booking (a no-show): the same page for every
    appointment, whatever was booked with it. Nothing is written until the clerk confirms;
    going back is the primary button."""
    appointment = (
        Appointment.objects.for_office_calendar()
        .select_related("service")
        .filter(pk=appointment_id, location=location)
        .first()
    )
    if appointment is None:
        raise Http404
    context = {
        "appointment": appointment,
        "location": location,
        "day": day,
        "status": new_status,
        "expected_status": request.POST.get("expected_status", ""),
        "label": ACTION_LABELS[new_status],
        "back_url": _calendar_url(location, day),
        "allowed": office_calendar.arrival_can_be_recorded(appointment),
        "window_message": office_calendar.outside_arrival_window_message(),
    }
    return render(request, "booking/staff/confirm_status.html", context)


@requires(Permission.VIEW_OFFICE_CALENDAR)
def export(request):
    """The day as CSV for the office's own records; the same columns as the page. Names are
    the clients' own input: ``csv_writer`` keeps them from running as formulas."""
    _locations, location, day, _error = _chosen(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointments-{day.isoformat()}.csv"'
    writer = csv_writer(response)
    writer.writerow(
        [_("Desk"), _("Start"), _("End"), _("Service"), _("Name"), _("Code"), _("Status")]
    )
    if location is None:
        return response
    for desk in office_calendar.office_day(location, day):
        for appointment in desk.appointments:
            writer.writerow(
                [
                    desk.desk_name,
                    _local(appointment.start),
                    _local(appointment.end),
                    appointment.service.name if appointment.service else "",
                    appointment.name,
                    appointment.code,
                    appointment.get_status_display(),
                ]
            )
    return response


def _local(moment):
    return timezone.localtime(moment).strftime("%H:%M")
