"""The coordinator's scheduling pages: opening hours, closing days, desks and rooms, booking
rules per location; counsellor shifts for coordinators and organisation leads.

Views stay thin: forms validate, views save inside a transaction and redirect
(POST/redirect/GET), so everything works without JavaScript.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from willkommen.accounts.policy import Permission, requires
from willkommen.organisations.models import Desk, DeskKind, Location, OpeningHours

from .forms import (
    ClosingDayForm,
    DeskForm,
    LocationScheduleForm,
    OpeningHoursForm,
    ShiftExceptionForm,
    ShiftForm,
    counsellors_managed_by,
    local_today,
)
from .models import ClosingDay, LocationSchedule, Shift, ShiftException
from .public_holidays import upcoming_public_holidays

MANAGE_LOCATIONS = Permission.MANAGE_LOCATIONS
MANAGE_SHIFTS = Permission.MANAGE_ORGANISATION_SHIFTS


def _form_page(request, form, *, title, back_url, submit_label=None):
    return render(
        request,
        "scheduling/form.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "submit_label": submit_label or _("Save"),
        },
    )


def _edit(request, form_class, *, instance=None, title, back_url, success, **form_kwargs):
    """Shows the form; on a valid POST saves it atomically and redirects back."""
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, **form_kwargs)
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, success)
            return redirect(back_url)
    else:
        form = form_class(instance=instance, **form_kwargs)
    return _form_page(request, form, title=title, back_url=back_url)


# Locations -------------------------------------------------------------------------------


@requires(MANAGE_LOCATIONS)
def location_list(request):
    locations = Location.objects.select_related("office")
    return render(request, "scheduling/location_list.html", {"locations": locations})


@requires(MANAGE_LOCATIONS)
def location_detail(request, location_id):
    location = get_object_or_404(Location, pk=location_id)
    today = local_today()
    schedule = LocationSchedule.objects.filter(location=location).first()
    desks = location.desks.prefetch_related("services")
    context = {
        "location": location,
        "opening_hours": location.opening_hours.all(),
        "closing_days": location.closing_days.filter(date__gte=today),
        "holidays": upcoming_public_holidays(location, today),
        "office_desks": [desk for desk in desks if desk.kind == DeskKind.OFFICE_DESK],
        "rooms": [desk for desk in desks if desk.kind == DeskKind.COUNSELLING_ROOM],
        "schedule": schedule or LocationSchedule(location=location),
        "schedule_saved": schedule is not None,
    }
    return render(request, "scheduling/location_detail.html", context)


def _location_url(location):
    return reverse("scheduling_staff:location", kwargs={"location_id": location.pk})


@requires(MANAGE_LOCATIONS)
def opening_hours_add(request, location_id):
    location = get_object_or_404(Location, pk=location_id)
    return _edit(
        request,
        OpeningHoursForm,
        location=location,
        title=_("Add opening hours"),
        back_url=_location_url(location),
        success=_("The opening hours were added."),
    )


@requires(MANAGE_LOCATIONS)
def opening_hours_edit(request, location_id, pk):
    location = get_object_or_404(Location, pk=location_id)
    hours = get_object_or_404(OpeningHours, pk=pk, location=location)
    return _edit(
        request,
        OpeningHoursForm,
        instance=hours,
        location=location,
        title=_("Change opening hours"),
        back_url=_location_url(location),
        success=_("The opening hours were changed."),
    )


@requires(MANAGE_LOCATIONS)
@require_POST
def opening_hours_delete(request, location_id, pk):
    location = get_object_or_404(Location, pk=location_id)
    with transaction.atomic():
        deleted, _rows = OpeningHours.objects.filter(pk=pk, location=location).delete()
    if deleted:
        messages.success(request, _("The opening hours were deleted."))
    else:
        messages.warning(request, _("These opening hours no longer exist."))
    return redirect(_location_url(location))


@requires(MANAGE_LOCATIONS)
def closing_day_add(request, location_id):
    location = get_object_or_404(Location, pk=location_id)
    return _edit(
        request,
        ClosingDayForm,
        location=location,
        title=_("Add a closing day"),
        back_url=_location_url(location),
        success=_("The closing day was added."),
    )


@requires(MANAGE_LOCATIONS)
@require_POST
def closing_day_delete(request, location_id, pk):
    location = get_object_or_404(Location, pk=location_id)
    with transaction.atomic():
        deleted, _rows = ClosingDay.objects.filter(pk=pk, location=location).delete()
    if deleted:
        messages.success(request, _("The closing day was deleted."))
    else:
        messages.warning(request, _("This closing day no longer exists."))
    return redirect(_location_url(location))


@requires(MANAGE_LOCATIONS)
def desk_add(request, location_id):
    location = get_object_or_404(Location, pk=location_id)
    return _edit(
        request,
        DeskForm,
        location=location,
        title=_("Add a desk or room"),
        back_url=_location_url(location),
        success=_("The desk or room was added."),
    )


@requires(MANAGE_LOCATIONS)
def desk_edit(request, location_id, pk):
    location = get_object_or_404(Location, pk=location_id)
    desk = get_object_or_404(Desk, pk=pk, location=location)
    return _edit(
        request,
        DeskForm,
        instance=desk,
        location=location,
        title=_("Change desk or room"),
        back_url=_location_url(location),
        success=_("The desk or room was changed."),
    )


@requires(MANAGE_LOCATIONS)
def schedule_edit(request, location_id):
    location = get_object_or_404(Location, pk=location_id)
    schedule = LocationSchedule.objects.filter(location=location).first()
    return _edit(
        request,
        LocationScheduleForm,
        instance=schedule or LocationSchedule(location=location),
        title=_("Booking rules"),
        back_url=_location_url(location),
        success=_("The booking rules were saved."),
    )


# Shifts ----------------------------------------------------------------------------------


def _managed_counsellor(request, counsellor_id):
    """404 (not 403) for a counsellor outside the lead's organisation: the page does not
    exist for them, and nothing tells whether the id is taken."""
    return get_object_or_404(counsellors_managed_by(request.user), pk=counsellor_id)


def _counsellor_url(counsellor):
    return reverse("scheduling_staff:counsellor_shifts", kwargs={"counsellor_id": counsellor.pk})


@requires(MANAGE_SHIFTS)
def counsellor_list(request):
    counsellors = counsellors_managed_by(request.user).prefetch_related("languages")
    return render(request, "scheduling/counsellor_list.html", {"counsellors": counsellors})


@requires(MANAGE_SHIFTS)
def counsellor_shifts(request, counsellor_id):
    counsellor = _managed_counsellor(request, counsellor_id)
    context = {
        "counsellor": counsellor,
        "shifts": Shift.objects.filter(counsellor=counsellor).select_related("location", "room"),
        "exceptions": ShiftException.objects.filter(
            counsellor=counsellor, date__gte=local_today()
        ).select_related("location", "room"),
    }
    return render(request, "scheduling/counsellor_shifts.html", context)


@requires(MANAGE_SHIFTS)
def shift_add(request, counsellor_id):
    counsellor = _managed_counsellor(request, counsellor_id)
    return _edit(
        request,
        ShiftForm,
        counsellor=counsellor,
        title=_("Add a weekly shift for %(name)s") % {"name": counsellor},
        back_url=_counsellor_url(counsellor),
        success=_("The shift was added."),
    )


@requires(MANAGE_SHIFTS)
def shift_edit(request, counsellor_id, pk):
    counsellor = _managed_counsellor(request, counsellor_id)
    shift = get_object_or_404(Shift, pk=pk, counsellor=counsellor)
    return _edit(
        request,
        ShiftForm,
        instance=shift,
        counsellor=counsellor,
        title=_("Change a weekly shift of %(name)s") % {"name": counsellor},
        back_url=_counsellor_url(counsellor),
        success=_("The shift was changed."),
    )


@requires(MANAGE_SHIFTS)
@require_POST
def shift_delete(request, counsellor_id, pk):
    counsellor = _managed_counsellor(request, counsellor_id)
    with transaction.atomic():
        deleted, _rows = Shift.objects.filter(pk=pk, counsellor=counsellor).delete()
    if deleted:
        messages.success(request, _("The shift was deleted."))
    else:
        messages.warning(request, _("This shift no longer exists."))
    return redirect(_counsellor_url(counsellor))


@requires(MANAGE_SHIFTS)
def exception_add(request, counsellor_id):
    counsellor = _managed_counsellor(request, counsellor_id)
    return _edit(
        request,
        ShiftExceptionForm,
        counsellor=counsellor,
        title=_("Add an absence or extra shift for %(name)s") % {"name": counsellor},
        back_url=_counsellor_url(counsellor),
        success=_("The absence or extra shift was added."),
    )


@requires(MANAGE_SHIFTS)
@require_POST
def exception_delete(request, counsellor_id, pk):
    counsellor = _managed_counsellor(request, counsellor_id)
    with transaction.atomic():
        deleted, _rows = ShiftException.objects.filter(pk=pk, counsellor=counsellor).delete()
    if deleted:
        messages.success(request, _("The absence or extra shift was deleted."))
    else:
        messages.warning(request, _("This entry no longer exists."))
    return redirect(_counsellor_url(counsellor))
