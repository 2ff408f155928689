"""The office clerk's calendar: the appointments of a day per desk, arrivals and no-shows.

Nothing here reads ``ConsultationBooking`` (see ``office_calendar.py``): the office must not
learn whether a client booked a consultation.
"""

import csv
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from willkommen.accounts.policy import Permission, requires
from willkommen.organisations.models import Location

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
    day_text = data.get("date") or ""
    error = None
    try:
        day = date.fromisoformat(day_text) if day_text else office_calendar.today_local()
    except ValueError:
        day = office_calendar.today_local()
        error = _("Please enter a date as YYYY-MM-DD.")
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
    }
    return render(request, "booking/staff/calendar.html", context)


@requires(Permission.VIEW_OFFICE_CALENDAR)
@require_POST
def set_status(request, appointment_id):
    locations, location, day, _error = _chosen(request)
    back = redirect(_calendar_url(location, day))
    if location is None:
        return back
    try:
        appointment = office_calendar.set_status(
            appointment_id,
            expected_status=request.POST.get("expected_status", ""),
            new_status=request.POST.get("status", ""),
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


@requires(Permission.VIEW_OFFICE_CALENDAR)
def export(request):
    """The day as CSV for the office's own records; the same columns as the page."""
    _locations, location, day, _error = _chosen(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointments-{day.isoformat()}.csv"'
    writer = csv.writer(response)
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
