# ruff: noqa: S608 - SQL is assembled from model table names and fixed column names only;
# every value is passed as a query parameter.
"""The daily rollup (``DailyCount``): recompute days from the facts, read the dashboard.

Why: the coordinator's yearly dashboard over a million consultation facts and two million
appointment facts cannot scan those rows in under a second on modest hardware (one
grouped scan of the consultation facts alone took about 4 s in the benchmark). The
rollup holds one row per day × organisation × location × category, so the same figures
come from a few thousand rows. Filters the rollup cannot answer (topic or language
combined with other breakdowns) fall back to the fact tables in ``queries.py``; both paths
give the same numbers (tests compare them).
"""

from datetime import date

from django.db import connection, transaction

from willkommen.organisations.models import Topic

from .models import MAX_TOPIC_ID, AppointmentFact, ConsultationFact, DailyCount, WalkInFact
from .topics import topic_bits

CONSULTATION_KINDS = ("channel", "language", "interpreter", "topic")


def _insert_sql(select: str) -> str:
    table = DailyCount._meta.db_table
    return (
        f"INSERT INTO {table} (day, week, month, kind, organisation_id_value, "
        f"location_id_value, key, count, minutes) {select}"
    )


def refresh_days(first_day: date, last_day: date, topic_ids=None) -> None:
    """Recompute the rollup rows of ``first_day``..``last_day`` from the facts."""
    if topic_ids is None:
        topic_ids = list(Topic.objects.values_list("pk", flat=True))
    # Topics are counted through a bit mask keyed by Topic.statistics_bit.
    bits = topic_bits()
    topic_ids = [t for t in topic_ids if 0 < bits.get(t, 0) <= MAX_TOPIC_ID]
    consultations = ConsultationFact._meta.db_table
    appointments = AppointmentFact._meta.db_table
    walk_ins = WalkInFact._meta.db_table
    period = "day, week, month"
    where = "day >= %s AND day <= %s"
    params = [first_day, last_day]
    statements = []
    for kind, column in (
        ("channel", "channel"),
        ("language", "language_code"),
        ("interpreter", "interpreter"),
    ):
        statements.append(
            _insert_sql(
                f"SELECT {period}, '{kind}', organisation_id, location_id, {column}, COUNT(*), "
                f"SUM(duration_minutes) FROM {consultations} "
                f"WHERE status = 'held' AND {where} "
                f"GROUP BY {period}, organisation_id, location_id, {column}"
            )
        )
    for topic_id in topic_ids:
        statements.append(
            _insert_sql(
                f"SELECT {period}, 'topic', organisation_id, location_id, '{int(topic_id)}', "
                f"COUNT(*), 0 FROM {consultations} "
                f"WHERE status = 'held' AND (topic_mask & {1 << int(bits[topic_id])}) <> 0 "
                f"AND {where} GROUP BY {period}, organisation_id, location_id"
            )
        )
    statements.append(
        _insert_sql(
            f"SELECT {period}, 'appointment', consultation_organisation_id, location_id, "
            f"status || '|' || consultation_status, COUNT(*), 0 FROM {appointments} "
            f"WHERE {where} GROUP BY {period}, consultation_organisation_id, location_id, "
            "status, consultation_status"
        )
    )
    statements.append(
        _insert_sql(
            f"SELECT {period}, 'walk_in', NULL, location_id, "
            "(CASE WHEN left_without_consultation THEN 'left' ELSE 'done' END) || '|' || "
            "COALESCE(CAST(CAST(wait_minutes AS INTEGER) AS VARCHAR(12)), ''), COUNT(*), 0 "
            f"FROM {walk_ins} WHERE {where} GROUP BY {period}, location_id, "
            "left_without_consultation, wait_minutes"
        )
    )
    with transaction.atomic(), connection.cursor() as cursor:
        DailyCount.objects.filter(day__gte=first_day, day__lte=last_day).delete()
        for statement in statements:
            cursor.execute(statement, params)


def refresh_day(day: date) -> None:
    refresh_days(day, day)


def rebuild_all() -> None:
    """Recompute the whole rollup (after a bulk load or a rebuild of the facts)."""
    days = [
        model.objects.order_by(field).values_list("day", flat=True).first()
        for model in (ConsultationFact, AppointmentFact, WalkInFact)
        for field in ("day", "-day")
    ]
    days = [day for day in days if day is not None]
    DailyCount.objects.all().delete()
    if days:
        refresh_days(min(days), max(days))
