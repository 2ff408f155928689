"""Sample URL kwargs for the scheduling staff pages (see tests/staff_urls.py)."""

from datetime import time

from willkommen.accounts.models import Role
from willkommen.organisations.models import Desk, DeskKind, Location, OpeningHours
from willkommen.scheduling.models import ClosingDay, Shift


def _location(staff):
    office = staff[Role.OFFICE_CLERK].organisation
    location, _created = Location.objects.get_or_create(
        name="Sample Service Center",
        defaults={
            "street": "Am Markt 1",
            "postal_code": "30159",
            "city": "Hannover",
            "federal_state": "NI",
            "office": office,
        },
    )
    return location


def _hours(staff):
    location = _location(staff)
    hours = OpeningHours.objects.create(
        location=location, weekday=0, opens=time(8), closes=time(12)
    )
    return {"location_id": location.pk, "pk": hours.pk}


def _closing(staff):
    location = _location(staff)
    closing = ClosingDay.objects.create(location=location, date="2099-01-05")
    return {"location_id": location.pk, "pk": closing.pk}


def _desk(staff):
    location = _location(staff)
    desk = Desk.objects.create(location=location, name="Desk S", kind=DeskKind.OFFICE_DESK)
    return {"location_id": location.pk, "pk": desk.pk}


def _shift(staff):
    counsellor = staff[Role.COUNSELLOR]
    shift = Shift.objects.create(
        counsellor=counsellor,
        location=_location(staff),
        weekday=1,
        starts=time(9),
        ends=time(12),
    )
    return {"counsellor_id": counsellor.pk, "pk": shift.pk}


def _exception(staff):
    from willkommen.scheduling.models import ShiftException

    counsellor = staff[Role.COUNSELLOR]
    exception = ShiftException.objects.create(
        counsellor=counsellor, location=_location(staff), kind="absence", date="2099-01-05"
    )
    return {"counsellor_id": counsellor.pk, "pk": exception.pk}


def _location_kwargs(staff):
    return {"location_id": _location(staff).pk}


def _counsellor_kwargs(staff):
    return {"counsellor_id": staff[Role.COUNSELLOR].pk}


SAMPLE_KWARGS = {
    "scheduling_staff:location": _location_kwargs,
    "scheduling_staff:opening_hours_add": _location_kwargs,
    "scheduling_staff:opening_hours_edit": _hours,
    "scheduling_staff:opening_hours_delete": _hours,
    "scheduling_staff:closing_day_add": _location_kwargs,
    "scheduling_staff:closing_day_delete": _closing,
    "scheduling_staff:desk_add": _location_kwargs,
    "scheduling_staff:desk_edit": _desk,
    "scheduling_staff:schedule_edit": _location_kwargs,
    "scheduling_staff:counsellor_shifts": _counsellor_kwargs,
    "scheduling_staff:shift_add": _counsellor_kwargs,
    "scheduling_staff:shift_edit": _shift,
    "scheduling_staff:shift_delete": _shift,
    "scheduling_staff:exception_add": _counsellor_kwargs,
    "scheduling_staff:exception_delete": _exception,
}
