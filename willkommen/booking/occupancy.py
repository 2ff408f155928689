"""What occupies the office desks: the appointments that hold a desk, read as integer
intervals per desk and local day for the availability engine.

Appointments are never memoised: the no-double-booking guarantee rests on the database's
constraints (and on SQLite's row locks) over them (``placement``).
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BigIntegerField, Func

from willkommen.clock import LOCAL_ZONE
from willkommen.scheduling.intervals import merge

from .models import Appointment


class Epoch(Func):
    """Seconds since 1970 (UTC) of a datetime column, computed by the database. Lets the
    engine read thousands of busy intervals as plain integers instead of parsing each
    datetime in Python, which would dominate its time on a busy location."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # '%%%%' survives the template and the cursor's placeholder conversion as one '%'.
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"
        )


def fetch_rows(queryset):
    """Rows of a ``values_list`` queryset straight from the cursor (no per-value
    converters; use with ``Epoch`` annotations)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. ``__in=[]``: nothing can match
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def busy_rows(queryset, key_field):
    """(key, start, end, first local day, last local day) per row; start and end in
    seconds since 1970 (the engine's inner loops compare integers, not datetimes)."""
    rows = fetch_rows(
        queryset.annotate(_start=Epoch("start"), _end=Epoch("end")).values_list(
            key_field, "_start", "_end"
        )
    )
    result = []
    from_timestamp = datetime.fromtimestamp
    for key, start, end in rows:
        first_day = from_timestamp(start, LOCAL_ZONE).date()
        last_day = from_timestamp(end - 1, LOCAL_ZONE).date() if end - start > 1 else first_day
        result.append((key, start, end, first_day, last_day))
    return result


def occupied_desk_intervals(desk_ids, range_start, range_end, now, exclude_appointment_id):
    """Busy intervals per (desk, local day), merged: small lists to cut days out of."""
    rows = Appointment.objects.occupying(now).filter(
        desk_id__in=desk_ids, start__lt=range_end, end__gt=range_start
    )
    if exclude_appointment_id:
        rows = rows.exclude(pk=exclude_appointment_id)
    busy = defaultdict(list)
    for desk_id, start, end, first_day, last_day in busy_rows(rows, "desk_id"):
        busy[(desk_id, first_day)].append((start, end))
        if last_day != first_day:
            day = first_day + timedelta(days=1)
            while day <= last_day:
                busy[(desk_id, day)].append((start, end))
                day += timedelta(days=1)
    return {key: merge(intervals) for key, intervals in busy.items()}
