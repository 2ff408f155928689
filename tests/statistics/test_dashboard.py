"""Dashboard, exports and scope: what leaves an organisation is suppressed."""

import io
from datetime import date, timedelta

import pytest
from django.utils import translation
from openpyxl import load_workbook

from tests.conftest import make_location
from willkommen.accounts.models import Role
from willkommen.statistics import dashboard, facts, queries, rollups
from willkommen.statistics.models import AppointmentFact, ConsultationFact, WalkInFact

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


@pytest.fixture
def location(organisations):
    return make_location(
        organisations["office"],
        "Testhausen Center",
        street="Weg 1",
        city="Testhausen",
    )


def add_consultations(organisation, location, count, channel="walk_in", language="ar"):
    ConsultationFact.objects.bulk_create(
        ConsultationFact(
            **facts.periods(DAY),
            organisation=organisation,
            location=location,
            channel=channel,
            language_code=language,
            interpreter="none",
            duration_minutes=30,
            status="held",
        )
        for _ in range(count)
    )


@pytest.fixture
def activity(organisations, location):
    # Caritas: 40 walk-in + 3 booked; AWO: 20 walk-in + 12 booked.
    add_consultations(organisations["caritas"], location, 40)
    add_consultations(organisations["caritas"], location, 3, channel="booked")
    add_consultations(organisations["awo"], location, 20)
    add_consultations(organisations["awo"], location, 12, channel="booked")
    rollups.rebuild_all()
    return organisations


def params():
    return {
        "first_day": (DAY - timedelta(days=5)).isoformat(),
        "last_day": (DAY + timedelta(days=5)).isoformat(),
    }


def test_coordinator_table_hides_small_cell_and_its_complement(activity):
    board = dashboard.build(queries.Filters(DAY - timedelta(days=5), DAY + timedelta(days=5)))
    rows = dict(board.table("organisation_channel").rows)
    caritas = rows["Caritas Testhausen"]  # booked, walk_in, follow_up, total
    assert caritas[0] == "< 5"
    # Caritas's walk-ins (40) would give the 3 away from the row total 43: something else
    # in that row must be hidden too, and the booked column total must not reveal it either.
    assert "•" in caritas or caritas[3] == "•"
    assert caritas[2] == "0"
    assert rows["AWO Testhausen"][0] != "3"
    assert "3" not in [cell for row in rows.values() for cell in row]


def test_organisation_lead_sees_own_small_counts(activity, make_staff, client):
    lead = make_staff(Role.ORGANISATION_LEAD, organisation=activity["caritas"])
    client.force_login(lead)
    response = client.get("/staff/statistics/organisation/", params())
    assert response.status_code == 200
    board = response.context["dashboard"]
    rows = dict(board.table("organisation_channel").rows)
    assert list(rows) == ["Caritas Testhausen", "Total"]
    assert rows["Caritas Testhausen"][:2] == ["3", "40"]


def test_coordinator_page_and_exports_are_suppressed(activity, staff, client):
    client.force_login(staff[Role.COORDINATOR])
    page = client.get("/staff/statistics/", params())
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt; 5" in html and "<svg" in html and 'role="img"' in html
    assert "style=" not in html.split("<main", 1)[-1]
    csv_text = client.get("/staff/statistics/export.csv", params()).content.decode("utf-8-sig")
    assert "< 5" in csv_text
    assert ";3;" not in csv_text
    workbook = load_workbook(
        io.BytesIO(client.get("/staff/statistics/export.xlsx", params()).content)
    )
    values = [
        cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
    ]
    assert "< 5" in values
    assert 3 not in values


def test_report_renders_month_and_rejects_bad_month(activity, staff, client):
    client.force_login(staff[Role.COORDINATOR])
    response = client.get("/staff/statistics/report/", {"month": "2026-03"})
    assert response.status_code == 200
    assert "consultations since" in response.content.decode()
    bad = client.get("/staff/statistics/report/", {"month": "März"})
    assert bad.status_code == 200
    assert "YYYY-MM" in bad.content.decode()


def test_bad_filter_input_shows_message(staff, client):
    client.force_login(staff[Role.COORDINATOR])
    response = client.get(
        "/staff/statistics/", {"first_day": "2026-05-01", "last_day": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "must not be after" in response.content.decode()
    response = client.get("/staff/statistics/", {"first_day": "yesterday"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        (Role.OFFICE_CLERK, "/staff/statistics/", 403),
        (Role.COUNSELLOR, "/staff/statistics/export.csv", 403),
        (Role.ORGANISATION_LEAD, "/staff/statistics/", 403),
        (Role.COORDINATOR, "/staff/statistics/organisation/", 403),
        (Role.ORGANISATION_LEAD, "/staff/statistics/organisation/export.xlsx", 200),
    ],
)
def test_permissions(staff, client, role, url, status):
    client.force_login(staff[role])
    assert client.get(url).status_code == status


def test_appointment_and_walk_in_figures(organisations, location):
    for index in range(20):
        AppointmentFact.objects.create(
            **facts.periods(DAY),
            location=location,
            status="completed",
            consultation_status="completed" if index < 8 else ("no_show" if index < 10 else ""),
            consultation_organisation=organisations["caritas"] if index < 10 else None,
        )
    for minutes in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]:
        WalkInFact.objects.create(
            **facts.periods(DAY), location=location, wait_minutes=minutes,
            left_without_consultation=minutes == 10,
        )  # fmt: skip
    rollups.rebuild_all()
    filters = queries.Filters(DAY, DAY)
    assert queries.appointment_figures_from_rollup(filters) == queries.appointment_figures(filters)
    assert queries.walk_in_figures_from_rollup(filters) == queries.walk_in_figures(filters)
    appointments = queries.appointment_figures(filters)
    assert (appointments.appointments, appointments.with_consultation) == (20, 10)
    assert (appointments.booked_consultations_due, appointments.booked_consultations_no_show) == (
        10,
        2,
    )
    walk_ins = queries.walk_in_figures(filters)
    assert walk_ins.median_wait == 5.5 and walk_ins.p90_wait == 9.1
    assert walk_ins.left_without_consultation == 1
    with translation.override("en"):  # the row labels are read in English
        rows = dict(dashboard.build(filters).table("walk_ins").rows)
    assert rows["Left without consultation"] == ["< 5"]
    assert rows["Share who left without consultation"] == ["•"]


def test_percentile_matches_postgres_definition():
    assert queries.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert queries.percentile([], 0.9) is None
    values = [1.0, 1.0, 2.0, 7.0, 7.0, 7.0, 30.0]
    histogram = {1.0: 2, 2.0: 1, 7.0: 3, 30.0: 1}
    for fraction in (0.0, 0.25, 0.5, 0.9, 1.0):
        assert queries.histogram_percentile(histogram, fraction) == pytest.approx(
            queries.percentile(values, fraction)
        )


def test_api_returns_suppressed_tables_and_checks_policy(activity, staff, client):
    client.force_login(staff[Role.COORDINATOR])
    response = client.get("/api/v1/statistics/dashboard", params())
    assert response.status_code == 200
    body = response.json()
    assert body["suppressed"] is True
    table = next(t for t in body["tables"] if t["key"] == "organisation_channel")
    caritas = next(row for row in table["rows"] if row["label"] == "Caritas Testhausen")
    assert caritas["cells"][0] == "< 5"
    assert client.get("/api/v1/statistics/dashboard", {"scope": "organisation"}).status_code == 403
    bad = client.get("/api/v1/statistics/dashboard", {"first_day": "2026-05-01", "last_day": "x"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_filter"
    client.force_login(staff[Role.OFFICE_CLERK])
    assert client.get("/api/v1/statistics/dashboard").status_code == 403


def test_api_requires_login(client):
    assert client.get("/api/v1/statistics/dashboard").status_code == 401


def test_threshold_comes_from_the_setting(activity, settings):
    settings.STATISTICS_SUPPRESSION_THRESHOLD = 13
    board = dashboard.build(queries.Filters(DAY - timedelta(days=5), DAY + timedelta(days=5)))
    rows = dict(board.table("organisation_channel").rows)
    assert rows["AWO Testhausen"][0] == "< 13"  # 12 booked, visible at the default of 5
