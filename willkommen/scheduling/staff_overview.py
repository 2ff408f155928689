"""``/staff/scheduling/``: where coordinators and organisation leads start planning.

Per location: whether it is open today, who is on duty now (a lead sees the own
organisation's counsellors), and for coordinators the way to the location's opening hours,
closing days, desks and rooms and booking rules; for both the way to the counsellors'
shifts.
"""

from django.shortcuts import render
from django.utils import timezone

from willkommen import clock
from willkommen.accounts.policy import Permission, has_permission, requires
from willkommen.organisations.models import Location

from .forms import counsellors_managed_by
from .public_holidays import public_holidays
from .shifts import counsellors_on_duty


def _location_today(location, today, now, counsellors):
    hours = [hours for hours in location.opening_hours.all() if hours.weekday == today.weekday()]
    closed = (
        not hours
        or location.closing_days.filter(date=today).exists()
        or bool(public_holidays(location, today, today))
    )
    return {
        "location": location,
        "hours_today": [] if closed else sorted(hours, key=lambda item: item.opens),
        "on_duty": counsellors.filter(pk__in=counsellors_on_duty(location, now)),
    }


@requires(Permission.MANAGE_ORGANISATION_SHIFTS)
def overview(request):
    now, today = timezone.now(), clock.today()
    counsellors = counsellors_managed_by(request.user).order_by("last_name", "first_name")
    locations = Location.objects.filter(is_active=True).prefetch_related("opening_hours")
    context = {
        "locations": [_location_today(place, today, now, counsellors) for place in locations],
        "may_manage_locations": has_permission(request.user, Permission.MANAGE_LOCATIONS),
    }
    return render(request, "scheduling/overview.html", context)
