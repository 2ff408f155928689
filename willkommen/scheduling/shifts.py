"""Who is on duty when: weekly shifts, minus absences, plus extra shifts.

Plain functions over the models, no HTTP. Used by the availability engine (booking), the
walk-in queue and the counsellor's day.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q

from willkommen import clock
from willkommen.clock import local_datetime

from .models import Shift, ShiftException, ShiftExceptionKind


@dataclass(frozen=True)
class DutyInterval:
    counsellor_id: int
    room_id: int | None
    start: datetime
    end: datetime


def duty_intervals(location, first_day: date, last_day: date, counsellor_ids=None):
    """Every counsellor's duty intervals at ``location`` from ``first_day`` to ``last_day``
    (inclusive), as aware datetimes. Absences cut into the weekly pattern; an absence
    without times removes the whole day."""
    shifts = Shift.objects.filter(location=location).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=last_day),
        Q(valid_until__isnull=True) | Q(valid_until__gte=first_day),
    )
    exceptions = ShiftException.objects.filter(
        location=location, date__gte=first_day, date__lte=last_day
    )
    if counsellor_ids is not None:
        shifts = shifts.filter(counsellor_id__in=counsellor_ids)
        exceptions = exceptions.filter(counsellor_id__in=counsellor_ids)
    shifts = shifts.filter(counsellor__is_active=True)

    by_weekday = {}
    for shift in shifts:
        by_weekday.setdefault(shift.weekday, []).append(shift)
    absences, extras = {}, []
    for exception in exceptions:
        if exception.kind == ShiftExceptionKind.ABSENCE:
            absences.setdefault((exception.counsellor_id, exception.date), []).append(exception)
        else:
            extras.append(exception)

    intervals = []
    day = first_day
    while day <= last_day:
        for shift in by_weekday.get(day.weekday(), []):
            if shift.valid_from and day < shift.valid_from:
                continue
            if shift.valid_until and day > shift.valid_until:
                continue
            start = local_datetime(day, shift.starts)
            end = local_datetime(day, shift.ends)
            pieces = [(start, end)]
            for absence in absences.get((shift.counsellor_id, day), []):
                if absence.starts is None:
                    pieces = []
                    break
                pieces = _subtract(
                    pieces, local_datetime(day, absence.starts), local_datetime(day, absence.ends)
                )
            intervals.extend(
                DutyInterval(shift.counsellor_id, shift.room_id, piece_start, piece_end)
                for piece_start, piece_end in pieces
            )
        day += timedelta(days=1)
    for extra in extras:
        intervals.append(
            DutyInterval(
                extra.counsellor_id,
                extra.room_id,
                local_datetime(extra.date, extra.starts),
                local_datetime(extra.date, extra.ends),
            )
        )
    intervals.sort(key=lambda interval: (interval.start, interval.counsellor_id))
    return intervals


def _subtract(pieces, cut_start, cut_end):
    result = []
    for start, end in pieces:
        if cut_end <= start or cut_start >= end:
            result.append((start, end))
            continue
        if start < cut_start:
            result.append((start, cut_start))
        if cut_end < end:
            result.append((cut_end, end))
    return result


def counsellors_on_duty(location, moment: datetime):
    """Ids of counsellors on duty at ``location`` at ``moment`` (aware datetime)."""
    day = clock.local_day(moment)
    return {
        interval.counsellor_id
        for interval in duty_intervals(location, day, day)
        if interval.start <= moment < interval.end
    }
