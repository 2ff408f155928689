# ruff: noqa: S608 - SQL is assembled from model table names and fixed column names only;
# every value is passed as a query parameter.
"""Aggregate queries over the fact tables: a few scans for a whole dashboard.

Counts by period, organisation, channel, language, interpreter, location and topic come
from one scan of the consultation facts: PostgreSQL evaluates all breakdowns at once with
``GROUPING SETS``; SQLite (demo, tests) runs the same grouping sets as ``UNION ALL``.
Appointment and walk-in figures are one conditional-aggregate query each. Nothing here
returns a single record, and nothing here suppresses: ``dashboard.py`` does that.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from .models import (
    MAX_TOPIC_ID,
    AppointmentFact,
    ConsultationFact,
    DailyCount,
    ReleaseRoundFact,
    StaffedMinutes,
    WalkInFact,
)
from .topics import topic_bits

GRANULARITIES = ("day", "week", "month")


@dataclass(frozen=True)
class Filters:
    first_day: date
    last_day: date
    location_id: int | None = None
    organisation_id: int | None = None
    topic_id: int | None = None
    language_code: str = ""
    granularity: str = "week"


@dataclass
class ConsultationCounts:
    topic_ids: list[int]
    total: int = 0
    minutes: int = 0
    by_period: dict = field(default_factory=dict)  # period -> count
    by_week_minutes: dict = field(default_factory=dict)  # week -> minutes
    by_organisation_channel: dict = field(default_factory=dict)  # (org, channel) -> count
    minutes_by_organisation: dict = field(default_factory=dict)
    by_language: dict = field(default_factory=dict)
    by_interpreter: dict = field(default_factory=dict)
    by_location: dict = field(default_factory=dict)
    minutes_by_location: dict = field(default_factory=dict)
    by_topic: dict = field(default_factory=dict)  # topic id -> count


def _where(filters: Filters, *, organisation=True, language=True, topic=True):
    clauses, params = ["day >= %s", "day <= %s"], [filters.first_day, filters.last_day]
    if filters.location_id:
        clauses.append("location_id = %s")
        params.append(filters.location_id)
    if organisation and filters.organisation_id:
        clauses.append("organisation_id = %s")
        params.append(filters.organisation_id)
    if language and filters.language_code:
        clauses.append("language_code = %s")
        params.append(filters.language_code)
    if topic and filters.topic_id:
        bit = topic_bits().get(filters.topic_id)
        if bit is not None and 0 < bit <= MAX_TOPIC_ID:
            clauses.append("(topic_mask & %s) <> 0")
            params.append(1 << bit)
        else:
            clauses.append("1 = 0")  # a topic without a bit is never counted
    return " AND ".join(clauses), params


# Grouping sets of the consultation scan: name -> grouped columns.
def _grouping_sets(granularity: str) -> dict[str, tuple[str, ...]]:
    return {
        "period": (granularity,),
        "week": ("week",),
        "organisation_channel": ("organisation_id", "channel"),
        "language": ("language_code",),
        "interpreter": ("interpreter",),
        "location": ("location_id",),
        "total": (),
    }


def consultation_counts(filters: Filters, topic_ids: list[int]) -> ConsultationCounts:
    """Held consultations in the filter, broken down every way the dashboard shows."""
    granularity = filters.granularity if filters.granularity in GRANULARITIES else "week"
    sets = _grouping_sets(granularity)
    if granularity == "week":
        del sets["week"]  # the period set already is the week
    columns = sorted({column for group in sets.values() for column in group})
    where, params = _where(filters)
    where = f"status = 'held' AND {where}"
    table = ConsultationFact._meta.db_table
    bits = topic_bits()
    topic_ids = [t for t in topic_ids if 0 < bits.get(t, 0) <= MAX_TOPIC_ID]
    topic_sums = ", ".join(f"SUM((topic_mask >> {int(bits[t])}) & 1)" for t in topic_ids)
    aggregates = "COUNT(*), SUM(duration_minutes)" + (f", {topic_sums}" if topic_sums else "")
    result = ConsultationCounts(topic_ids=topic_ids)
    rows: list[tuple[str, dict, tuple]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            set_sql = ", ".join(f"({', '.join(group)})" for group in sets.values())
            flags = ", ".join(f"GROUPING({column})" for column in columns)
            cursor.execute(
                f"SELECT {flags}, {', '.join(columns)}, {aggregates} FROM {table} "
                f"WHERE {where} GROUP BY GROUPING SETS ({set_sql})",
                params,
            )
            for raw in cursor.fetchall():
                grouped = {
                    c for c, flag in zip(columns, raw[: len(columns)], strict=True) if flag == 0
                }
                values = dict(zip(columns, raw[len(columns) : 2 * len(columns)], strict=True))
                name = next(n for n, group in sets.items() if set(group) == grouped)
                rows.append((name, values, raw[2 * len(columns) :]))
        else:
            for name, group in sets.items():
                select = ", ".join(group + (aggregates,)) if group else aggregates
                group_by = f" GROUP BY {', '.join(group)}" if group else ""
                cursor.execute(f"SELECT {select} FROM {table} WHERE {where}{group_by}", params)
                for raw in cursor.fetchall():
                    rows.append(
                        (name, dict(zip(group, raw[: len(group)], strict=True)), raw[len(group) :])
                    )
    for name, values, aggregate in rows:
        count, minutes = aggregate[0] or 0, int(aggregate[1] or 0)
        if name == "total":
            result.total, result.minutes = count, minutes
            result.by_topic = {
                t: int(n or 0) for t, n in zip(topic_ids, aggregate[2:], strict=True)
            }
        elif name == "period":
            result.by_period[_as_date(values[granularity])] = count
            if granularity == "week":
                result.by_week_minutes[_as_date(values["week"])] = minutes
        elif name == "week":
            result.by_week_minutes[_as_date(values["week"])] = minutes
        elif name == "organisation_channel":
            key = (values["organisation_id"], values["channel"])
            result.by_organisation_channel[key] = count
            org = values["organisation_id"]
            result.minutes_by_organisation[org] = (
                result.minutes_by_organisation.get(org, 0) + minutes
            )
        elif name == "language":
            result.by_language[values["language_code"]] = count
        elif name == "interpreter":
            result.by_interpreter[values["interpreter"]] = count
        elif name == "location":
            result.by_location[values["location_id"]] = count
            result.minutes_by_location[values["location_id"]] = minutes
    return result


def _as_date(value):
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


@dataclass
class AppointmentFigures:
    appointments: int = 0  # booked office appointments (not cancelled)
    with_consultation: int = 0
    booked_consultations_due: int = 0  # booked consultations whose time came
    booked_consultations_no_show: int = 0


def appointment_figures(
    filters: Filters, organisation_id: int | None = None
) -> AppointmentFigures:
    """Office appointments and added consultations. ``organisation_id`` limits the
    consultation no-show figures to one organisation's counsellors."""
    where, params = _where(filters, organisation=False, language=False, topic=False)
    table = AppointmentFact._meta.db_table
    org_clause, org_params = "", []
    if organisation_id:
        org_clause = " AND consultation_organisation_id = %s"
        org_params = [organisation_id]
    sql = (
        "SELECT "
        "SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status <> 'cancelled' AND consultation_status NOT IN ('', 'cancelled') "
        "THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN consultation_status IN ('no_show', 'started', 'completed'){org_clause} "
        "THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN consultation_status = 'no_show'{org_clause} THEN 1 ELSE 0 END) "
        f"FROM {table} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, org_params + org_params + params)
        row = cursor.fetchone()
    return AppointmentFigures(*(int(value or 0) for value in row))


@dataclass
class WalkInFigures:
    finished: int = 0
    left_without_consultation: int = 0
    median_wait: float | None = None
    p90_wait: float | None = None


def walk_in_figures(filters: Filters) -> WalkInFigures:
    where, params = _where(filters, organisation=False)
    table = WalkInFact._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(CASE WHEN left_without_consultation THEN 1 ELSE 0 END) "
            f"FROM {table} WHERE {where}",
            params,
        )
        finished, left = cursor.fetchone()
        figures = WalkInFigures(int(finished or 0), int(left or 0))
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_minutes), "
                "percentile_cont(0.9) WITHIN GROUP (ORDER BY wait_minutes) "
                f"FROM {table} WHERE {where} AND wait_minutes IS NOT NULL",
                params,
            )
            median, p90 = cursor.fetchone()
        else:
            cursor.execute(
                f"SELECT wait_minutes FROM {table} WHERE {where} AND wait_minutes IS NOT NULL",
                params,
            )
            waits = sorted(row[0] for row in cursor.fetchall())
            median, p90 = percentile(waits, 0.5), percentile(waits, 0.9)
    figures.median_wait = round(median, 1) if median is not None else None
    figures.p90_wait = round(p90, 1) if p90 is not None else None
    return figures


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear interpolation, the same definition as PostgreSQL's percentile_cont."""
    if not sorted_values:
        return None
    if len(sorted_values) == 1:
        return sorted_values[0]
    position = fraction * (len(sorted_values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (
        position - lower
    )


@dataclass
class StaffedFigures:
    by_organisation: dict = field(default_factory=dict)
    by_location: dict = field(default_factory=dict)
    by_week: dict = field(default_factory=dict)


def staffed_figures(filters: Filters) -> StaffedFigures:
    queryset = StaffedMinutes.objects.filter(day__gte=filters.first_day, day__lte=filters.last_day)
    if filters.location_id:
        queryset = queryset.filter(location_id=filters.location_id)
    if filters.organisation_id:
        queryset = queryset.filter(organisation_id=filters.organisation_id)
    figures = StaffedFigures()
    for organisation_id, location_id, week, minutes in queryset.values_list(
        "organisation_id", "location_id", "week", "minutes"
    ):
        figures.by_organisation[organisation_id] = (
            figures.by_organisation.get(organisation_id, 0) + minutes
        )
        figures.by_location[location_id] = figures.by_location.get(location_id, 0) + minutes
        figures.by_week[week] = figures.by_week.get(week, 0) + minutes
    return figures


# --- the same figures from the daily rollup (``rollups.py``) ------------------------------


def rollup_answers(filters: Filters) -> bool:
    """The rollup is broken down one category at a time, so a topic or language filter
    (which cuts across the other breakdowns) needs the fact tables."""
    return not filters.topic_id and not filters.language_code


def _rollup_where(filters: Filters, kinds, *, organisation=True):
    placeholders = ", ".join(["%s"] * len(kinds))
    clauses = [f"kind IN ({placeholders})", "day >= %s", "day <= %s"]
    params = [*kinds, filters.first_day, filters.last_day]
    if filters.location_id:
        clauses.append("location_id_value = %s")
        params.append(filters.location_id)
    if organisation and filters.organisation_id:
        clauses.append("organisation_id_value = %s")
        params.append(filters.organisation_id)
    return " AND ".join(clauses), params


def consultation_counts_from_rollup(filters: Filters, topic_ids: list[int]) -> ConsultationCounts:
    granularity = filters.granularity if filters.granularity in GRANULARITIES else "week"
    table = DailyCount._meta.db_table
    result = ConsultationCounts(topic_ids=topic_ids)
    with connection.cursor() as cursor:
        where, params = _rollup_where(filters, ["channel", "language", "interpreter", "topic"])
        cursor.execute(
            "SELECT kind, key, organisation_id_value, location_id_value, SUM(count), "
            f"SUM(minutes) FROM {table} WHERE {where} "
            "GROUP BY kind, key, organisation_id_value, location_id_value",
            params,
        )
        for kind, key, organisation_id, location_id, count, minutes in cursor.fetchall():
            count, minutes = int(count or 0), int(minutes or 0)
            if kind == "channel":
                result.total += count
                result.minutes += minutes
                pair = (organisation_id, key)
                result.by_organisation_channel[pair] = (
                    result.by_organisation_channel.get(pair, 0) + count
                )
                result.minutes_by_organisation[organisation_id] = (
                    result.minutes_by_organisation.get(organisation_id, 0) + minutes
                )
                result.by_location[location_id] = result.by_location.get(location_id, 0) + count
                result.minutes_by_location[location_id] = (
                    result.minutes_by_location.get(location_id, 0) + minutes
                )
            elif kind == "language":
                result.by_language[key] = result.by_language.get(key, 0) + count
            elif kind == "interpreter":
                result.by_interpreter[key] = result.by_interpreter.get(key, 0) + count
            elif kind == "topic" and int(key) in topic_ids:
                result.by_topic[int(key)] = result.by_topic.get(int(key), 0) + count
        for topic_id in topic_ids:
            result.by_topic.setdefault(topic_id, 0)
        where, params = _rollup_where(filters, ["channel"])
        cursor.execute(
            f"SELECT {granularity}, week, SUM(count), SUM(minutes) FROM {table} WHERE {where} "
            f"GROUP BY {granularity}, week" if granularity != "week" else
            f"SELECT week, week, SUM(count), SUM(minutes) FROM {table} WHERE {where} "
            "GROUP BY week",
            params,
        )  # fmt: skip
        for period, week, count, minutes in cursor.fetchall():
            period, week = _as_date(period), _as_date(week)
            result.by_period[period] = result.by_period.get(period, 0) + int(count or 0)
            result.by_week_minutes[week] = result.by_week_minutes.get(week, 0) + int(minutes or 0)
    return result


def appointment_figures_from_rollup(
    filters: Filters, organisation_id: int | None = None
) -> AppointmentFigures:
    where, params = _rollup_where(filters, ["appointment"], organisation=False)
    figures = AppointmentFigures()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, organisation_id_value, SUM(count) "
            f"FROM {DailyCount._meta.db_table} WHERE {where} "
            "GROUP BY key, organisation_id_value",
            params,
        )
        for key, consultation_organisation, count in cursor.fetchall():
            status, consultation_status = key.split("|", 1)
            count = int(count or 0)
            if status != "cancelled":
                figures.appointments += count
                if consultation_status not in ("", "cancelled"):
                    figures.with_consultation += count
            if organisation_id and consultation_organisation != organisation_id:
                continue
            if consultation_status in ("no_show", "started", "completed"):
                figures.booked_consultations_due += count
            if consultation_status == "no_show":
                figures.booked_consultations_no_show += count
    return figures


def walk_in_figures_from_rollup(filters: Filters) -> WalkInFigures:
    where, params = _rollup_where(filters, ["walk_in"], organisation=False)
    histogram: dict[float, int] = {}
    figures = WalkInFigures()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT key, SUM(count) FROM {DailyCount._meta.db_table} WHERE {where} GROUP BY key",
            params,
        )
        for key, count in cursor.fetchall():
            outcome, minutes = key.split("|", 1)
            count = int(count or 0)
            figures.finished += count
            if outcome == "left":
                figures.left_without_consultation += count
            if minutes != "":
                histogram[float(minutes)] = histogram.get(float(minutes), 0) + count
    median, p90 = histogram_percentile(histogram, 0.5), histogram_percentile(histogram, 0.9)
    figures.median_wait = round(median, 1) if median is not None else None
    figures.p90_wait = round(p90, 1) if p90 is not None else None
    return figures


def histogram_percentile(histogram: dict[float, int], fraction: float) -> float | None:
    """``percentile`` over the values a histogram stands for, without expanding it."""
    total = sum(histogram.values())
    if not total:
        return None
    position = fraction * (total - 1)
    lower_index = int(position)
    values = sorted(histogram.items())

    def value_at(index):
        seen = 0
        for value, count in values:
            seen += count
            if index < seen:
                return value
        return values[-1][0]

    lower = value_at(lower_index)
    upper = value_at(min(lower_index + 1, total - 1))
    return lower + (upper - lower) * (position - lower_index)


def release_round_facts(filters: Filters):
    """Drawn rounds of the fair release in the period (and location)."""
    facts = ReleaseRoundFact.objects.filter(day__gte=filters.first_day, day__lte=filters.last_day)
    if filters.location_id:
        facts = facts.filter(location_id=filters.location_id)
    return facts.order_by("day", "source_id")
