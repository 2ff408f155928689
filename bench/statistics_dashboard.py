# ruff: noqa: S608 - benchmark SQL built from model table names and constants only.
"""Benchmark: the coordinator's yearly statistics dashboard on PostgreSQL.

Fills a separate database with one million consultation facts and two million office
appointment facts (plus walk-ins and staffed minutes) by ``INSERT ... SELECT
generate_series`` in the database itself, then renders the coordinator dashboard over one
year N times through the Django test client and prints the median, together with a plain
``count(*)`` over the same rows for comparison. The data are kept between runs (marked by
a row count check), so a second run only measures.

    createdb -h 127.0.0.1 -U postgres wk_stats_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wk_stats_bench \
        .venv/bin/python bench/statistics_dashboard.py [--runs 7]
"""

import os
import statistics
import sys
import time as clock
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "willkommen.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from willkommen.accounts.models import Role, StaffMember  # noqa: E402
from willkommen.organisations.models import (  # noqa: E402
    Language,
    Location,
    Organisation,
    OrganisationKind,
    Topic,
)
from willkommen.statistics import rollups  # noqa: E402
from willkommen.statistics.models import (  # noqa: E402
    AppointmentFact,
    ConsultationFact,
    DailyCount,
    StaffedMinutes,
    WalkInFact,
)

CONSULTATIONS = 1_000_000
APPOINTMENTS = 2_000_000
WALK_INS = 200_000
FIRST_DAY = date(2025, 1, 1)
LAST_DAY = date(2025, 12, 31)


def ensure_schema_and_dimensions():
    call_command("migrate", verbosity=0)
    office, _ = Organisation.objects.get_or_create(
        short_name="ABH",
        defaults={"name": "Ausländerbehörde Bench", "kind": OrganisationKind.IMMIGRATION_OFFICE},
    )
    organisations = [office]
    for index in range(7):
        organisation, _ = Organisation.objects.get_or_create(
            short_name=f"Org{index}",
            defaults={
                "name": f"Organisation {index}",
                "kind": OrganisationKind.WELFARE_ORGANISATION,
            },
        )
        organisations.append(organisation)
    locations = []
    for index in range(3):
        location, _ = Location.objects.get_or_create(
            name=f"Bench location {index}",
            defaults={
                "street": "Weg 1",
                "postal_code": "30159",
                "city": "Hannover",
                "federal_state": "NI",
                "office": office,
            },
        )
        locations.append(location)
    for index, slug in enumerate(
        ["forms", "education", "family", "housing", "leisure", "work", "health"]
    ):
        Topic.objects.get_or_create(slug=slug, defaults={"name": slug, "sort_order": index})
    for code in ["de", "en", "ar", "fa", "uk", "tr", "ru", "prs"]:
        Language.objects.get_or_create(
            code=code, defaults={"english_name": code, "native_name": code}
        )
    coordinator = StaffMember.objects.filter(username="bench-coordinator").first()
    if coordinator is None:
        coordinator = StaffMember(
            username="bench-coordinator", role=Role.COORDINATOR, organisation=organisations[1]
        )
        coordinator.set_password("bench-password")
        coordinator.save()
    return organisations[1:], locations, coordinator


def fill(organisations, locations):
    if ConsultationFact.objects.count() >= CONSULTATIONS:
        print("data present, reusing")
        return
    started = clock.perf_counter()
    for model in (ConsultationFact, AppointmentFact, WalkInFact, StaffedMinutes, DailyCount):
        model.objects.all().delete()
    org_ids = "ARRAY[" + ",".join(str(o.pk) for o in organisations) + "]"
    loc_ids = "ARRAY[" + ",".join(str(loc.pk) for loc in locations) + "]"
    topic_ids = list(Topic.objects.values_list("pk", flat=True))
    masks = "ARRAY[" + ",".join(str((1 << t) | (1 << topic_ids[0])) for t in topic_ids) + "]"
    day = f"(DATE '{FIRST_DAY}' + (i % 365))"
    week = f"({day} - ((EXTRACT(ISODOW FROM {day})::int) - 1))"
    month = f"date_trunc('month', {day})::date"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ConsultationFact._meta.db_table} (source_id, day, week, month, "
            "organisation_id, location_id, channel, language_code, interpreter, topic_mask, "
            "duration_minutes, status) "
            f"SELECT i, {day}, {week}, {month}, ({org_ids})[1 + ((i % 1000) * 7919) % 7], "
            f"({loc_ids})[1 + ((i % 1000) * 104729) % 3], "
            "(ARRAY['booked','walk_in','walk_in','follow_up'])[1 + (i * 31) % 4], "
            "(ARRAY['ar','fa','uk','tr','ru','en','de','prs'])[1 + (i * 17) % 8], "
            "(ARRAY['none','none','counsellor','phone','video'])[1 + (i * 13) % 5], "
            f"({masks})[1 + (i * 11) % {len(topic_ids)}], 15 + (i % 46), "
            "CASE WHEN i % 23 = 0 THEN 'no_show' ELSE 'held' END "
            f"FROM generate_series(1, {CONSULTATIONS}) AS i"
        )
        cursor.execute(
            f"INSERT INTO {AppointmentFact._meta.db_table} (source_id, day, week, month, "
            "location_id, service_id_value, status, consultation_status, "
            "consultation_organisation_id) "
            f"SELECT i, {day}, {week}, {month}, ({loc_ids})[1 + ((i % 1000) * 104729) % 3], "
            "1 + i % 9, "
            "(ARRAY['completed','completed','completed','no_show','cancelled'])[1 + i % 5], "
            "CASE WHEN i % 8 = 0 THEN (CASE WHEN i % 80 = 0 THEN 'no_show' ELSE 'completed' "
            "END) ELSE '' END, "
            f"CASE WHEN i % 8 = 0 THEN ({org_ids})[1 + ((i % 1000) * 7919) % 7] END "
            f"FROM generate_series(1, {APPOINTMENTS}) AS i"
        )
        cursor.execute(
            f"INSERT INTO {WalkInFact._meta.db_table} (source_id, day, week, month, "
            "location_id, language_code, topic_mask, wait_minutes, left_without_consultation) "
            f"SELECT i, {day}, {week}, {month}, ({loc_ids})[1 + ((i % 1000) * 104729) % 3], "
            "(ARRAY['ar','fa','uk','tr'])[1 + i % 4], 2, (i * 37) % 90, i % 12 = 0 "
            f"FROM generate_series(1, {WALK_INS}) AS i"
        )
        cursor.execute(
            f"INSERT INTO {StaffedMinutes._meta.db_table} (day, week, month, organisation_id, "
            "location_id, minutes) "
            f"SELECT d::date, (d::date - (EXTRACT(ISODOW FROM d)::int - 1)), "
            "date_trunc('month', d)::date, o, l, 960 "
            f"FROM generate_series(DATE '{FIRST_DAY}', DATE '{LAST_DAY}', interval '1 day') d, "
            f"unnest({org_ids}) o, unnest({loc_ids}) l"
        )
        cursor.execute("ANALYZE")
    print(f"generated in {clock.perf_counter() - started:.1f} s")


def main():
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (DATABASE_URL=postgres://...).")
    organisations, locations, coordinator = ensure_schema_and_dimensions()
    fill(organisations, locations)
    if not DailyCount.objects.exists():
        started = clock.perf_counter()
        rollups.rebuild_all()
        print(
            f"daily rollup built in {clock.perf_counter() - started:.1f} s "
            f"({DailyCount.objects.count()} rows)"
        )
    client = Client()
    client.force_login(coordinator)
    url = f"/staff/statistics/?first_day={FIRST_DAY}&last_day={LAST_DAY}"
    response = client.get(url)  # warm-up (caches, plans)
    assert response.status_code == 200, response.status_code
    timings = []
    for _run in range(runs):
        started = clock.perf_counter()
        response = client.get(url)
        timings.append(clock.perf_counter() - started)
        assert response.status_code == 200
    count_timings = []
    with connection.cursor() as cursor:
        for _run in range(runs):
            started = clock.perf_counter()
            cursor.execute(
                f"SELECT count(*) FROM {ConsultationFact._meta.db_table} "
                "WHERE day BETWEEN %s AND %s",
                [FIRST_DAY, LAST_DAY],
            )
            consultations = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT count(*) FROM {AppointmentFact._meta.db_table} "
                "WHERE day BETWEEN %s AND %s",
                [FIRST_DAY, LAST_DAY],
            )
            appointments = cursor.fetchone()[0]
            count_timings.append(clock.perf_counter() - started)
    dashboard_median = statistics.median(timings)
    count_median = statistics.median(count_timings)
    print(f"rows: {consultations} consultation facts, {appointments} appointment facts")
    print(
        f"dashboard (coordinator, one year): median {dashboard_median * 1000:.0f} ms "
        f"over {runs} runs (min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms)"
    )
    print(f"plain count(*) over the same rows: median {count_median * 1000:.0f} ms")
    print(f"ratio dashboard / count(*): {dashboard_median / count_median:.1f}")
    topic = Topic.objects.order_by("pk").first()
    filtered = []
    for _run in range(3):
        started = clock.perf_counter()
        response = client.get(f"{url}&topic={topic.pk}")
        filtered.append(clock.perf_counter() - started)
        assert response.status_code == 200
    print(
        f"with a topic filter (scans the facts, no rollup): median "
        f"{statistics.median(filtered) * 1000:.0f} ms over 3 runs"
    )
    day_after = LAST_DAY + timedelta(days=1)
    print(f"period {FIRST_DAY} .. {LAST_DAY} (exclusive end {day_after})")


if __name__ == "__main__":
    main()
