"""The coordinator's scheduling pages: opening hours, closing days, desks and rooms, booking
rules per location; counsellor shifts for coordinators and organisation leads.

Views stay thin: forms validate, views save inside a transaction and redirect
(POST/redirect/GET), so everything works without JavaScript.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from willkommen import clock
from willkommen.accounts import policy
from willkommen.accounts.policy import Permission, requires
from willkommen.organisations.models import Desk, DeskKind, Location, OpeningHours

from . import schedule_changes
from .forms import (
    ClosingDayForm,
    DeskForm,
    LocationScheduleForm,
    OpeningHoursForm,
    ShiftExceptionForm,
    ShiftForm,
    counsellors_managed_by,
)
from .models import (
    ClosingDay,
    LocationSchedule,
    ScheduleChangeAction,
    ScheduleChangeKind,
    Shift,
    ShiftException,
)
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


# The button on the preview of a change that touches bookings: "move" or "cancel".
DECISION_FIELD = "affected_bookings"


@dataclass
class ChangeSpec:
    """A change that may touch bookings (``schedule_changes``): its kind, and where."""

    kind: str
    location: Location | None = None
    counsellor: object = None
    location_ids: set = field(default_factory=set)


def _apply_with_preview(request, spec, apply, *, title, back_url, success, carry=()):
    """Saves a change unless it touches bookings the person may see and they have not
    chosen yet what becomes of them: then the preview page lists them, with the choice
    (move or cancel) and the posted values (``carry``) to send again."""
    decision = request.POST.get(DECISION_FIELD) or None
    if decision not in ScheduleChangeAction.values:
        decision = None
    visible_parts = policy.visible_booking_parts(request.user)
    outcome = schedule_changes.apply_change(
        spec.location_ids | ({spec.location.pk} if spec.location else set()),
        apply,
        kind=spec.kind,
        action=decision,
        user=request.user,
        visible_parts=visible_parts,
        location=spec.location,
        counsellor=spec.counsellor,
    )
    if outcome.needs_decision:
        context = {
            "title": title,
            "back_url": back_url,
            "rows": outcome.shown,
            "carry": list(carry),
            "decision_field": DECISION_FIELD,
            "shows_consultations": schedule_changes.CONSULTATION in visible_parts,
            "count": len(outcome.shown),
        }
        return render(request, "scheduling/change_preview.html", context)
    messages.success(request, success)
    shown = len(outcome.shown)
    if shown and outcome.change is not None:
        if outcome.change.action == ScheduleChangeAction.CANCEL:
            text = ngettext(
                "%(count)d booking is being cancelled; its client is told.",
                "%(count)d bookings are being cancelled; their clients are told.",
                shown,
            )
        else:
            text = ngettext(
                "%(count)d booking is being moved to the nearest alternative; its client is told.",
                "%(count)d bookings are being moved to the nearest alternative; their clients "
                "are told.",
                shown,
            )
        messages.info(request, text % {"count": shown})
    return redirect(back_url)


def _posted_values(request):
    """The posted form values, for the preview page to send again with the decision."""
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", DECISION_FIELD)
        for value in values
    ]


def _edit(
    request, form_class, *, instance=None, title, back_url, success, change=None, **form_kwargs
):
    """Shows the form; on a valid POST saves it atomically and redirects back. With
    ``change`` (a ``ChangeSpec``) a change that touches bookings is previewed first."""
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, **form_kwargs)
        if form.is_valid():
            if change is not None:
                location = form.cleaned_data.get("location")
                if location is not None:
                    change.location_ids.add(location.pk)
                return _apply_with_preview(
                    request,
                    change,
                    form.save,
                    title=title,
                    back_url=back_url,
                    success=success,
                    carry=_posted_values(request),
                )
            with transaction.atomic():
                form.save()
            messages.success(request, success)
            return redirect(back_url)
    else:
        form = form_class(instance=instance, **form_kwargs)
    return _form_page(request, form, title=title, back_url=back_url)


def _delete_with_preview(request, queryset, spec, *, title, back_url, success, missing):
    """A delete that may touch bookings (a shift, opening hours, an extra shift)."""
    if not queryset.exists():
        messages.warning(request, missing)
        return redirect(back_url)

    def apply():
        return queryset.delete()

    return _apply_with_preview(
        request, spec, apply, title=title, back_url=back_url, success=success
    )


# Locations -------------------------------------------------------------------------------


@requires(MANAGE_LOCATIONS)
def location_list(request):
    locations = Location.objects.select_related("office")
    return render(request, "scheduling/location_list.html", {"locations": locations})


@requires(MANAGE_LOCATIONS)
def location_detail(request, location_id):
    location = get_object_or_404(Location, pk=location_id)
    today = clock.today()
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
        change=ChangeSpec(ScheduleChangeKind.OPENING_HOURS, location),
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
        change=ChangeSpec(ScheduleChangeKind.OPENING_HOURS, location),
    )


@requires(MANAGE_LOCATIONS)
@require_POST
def opening_hours_delete(request, location_id, pk):
    location = get_object_or_404(Location, pk=location_id)
    return _delete_with_preview(
        request,
        OpeningHours.objects.filter(pk=pk, location=location),
        ChangeSpec(ScheduleChangeKind.OPENING_HOURS, location),
        title=_("Delete opening hours"),
        back_url=_location_url(location),
        success=_("The opening hours were deleted."),
        missing=_("These opening hours no longer exist."),
    )


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
        change=ChangeSpec(ScheduleChangeKind.CLOSING_DAY, location),
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
        change=ChangeSpec(ScheduleChangeKind.DESK, location),
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
            counsellor=counsellor, date__gte=clock.today()
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
        change=ChangeSpec(ScheduleChangeKind.SHIFT, counsellor=counsellor),
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
        change=ChangeSpec(
            ScheduleChangeKind.SHIFT, counsellor=counsellor, location_ids={shift.location_id}
        ),
    )


@requires(MANAGE_SHIFTS)
@require_POST
def shift_delete(request, counsellor_id, pk):
    counsellor = _managed_counsellor(request, counsellor_id)
    shifts = Shift.objects.filter(pk=pk, counsellor=counsellor)
    return _delete_with_preview(
        request,
        shifts,
        ChangeSpec(
            ScheduleChangeKind.SHIFT,
            counsellor=counsellor,
            location_ids=set(shifts.values_list("location_id", flat=True)),
        ),
        title=_("Delete a weekly shift of %(name)s") % {"name": counsellor},
        back_url=_counsellor_url(counsellor),
        success=_("The shift was deleted."),
        missing=_("This shift no longer exists."),
    )


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
        change=ChangeSpec(ScheduleChangeKind.ABSENCE, counsellor=counsellor),
    )


@requires(MANAGE_SHIFTS)
@require_POST
def exception_delete(request, counsellor_id, pk):
    counsellor = _managed_counsellor(request, counsellor_id)
    entries = ShiftException.objects.filter(pk=pk, counsellor=counsellor)
    return _delete_with_preview(
        request,
        entries,
        ChangeSpec(
            ScheduleChangeKind.ABSENCE,
            counsellor=counsellor,
            location_ids=set(entries.values_list("location_id", flat=True)),
        ),
        title=_("Delete an absence or extra shift of %(name)s") % {"name": counsellor},
        back_url=_counsellor_url(counsellor),
        success=_("The absence or extra shift was deleted."),
        missing=_("This entry no longer exists."),
    )
