"""The lead's audit page pages through a long log without loading it, and filters it; a
client search is audited whether or not it finds someone."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from willkommen.accounts.models import Role
from willkommen.consultations import audit
from willkommen.consultations.models import AuditAction, AuditEvent

from .factories import booked_consultation, caritas_consultation, login_verified

pytestmark = pytest.mark.django_db
AUDIT_URL = reverse("consultations_staff:audit_log")


def events_for(organisation, count, **fields):
    return [
        audit.record(
            None,
            fields.get("action", AuditAction.READ),
            object_type="consultation",
            object_id=str(number),
            organisation_id=organisation.pk,
        )
        for number in range(count)
    ]


def shown_ids(response):
    return [event.pk for event in response.context["page"].events]


def test_a_successful_client_search_is_audited_like_a_failed_one(client, staff):
    case = caritas_consultation(staff)
    case.booking = booked_consultation(staff)
    case.save()
    code = case.booking.appointment.code
    login_verified(client, staff[Role.COUNSELLOR])
    search = reverse("consultations_staff:client_search")
    assert client.get(search, {"booking_code": code}).status_code == 302
    assert client.get(search, {"pseudonym": case.client.pseudonym}).status_code == 302
    assert client.get(search, {"booking_code": "ZZZZZZZZZZ"}).status_code == 200
    searches = AuditEvent.objects.filter(detail__startswith="search:").order_by("pk")
    assert [(event.action, event.object_id, event.detail) for event in searches] == [
        (AuditAction.READ, str(case.client_id), "search: found by booking code"),
        (AuditAction.READ, str(case.client_id), "search: found by pseudonym"),
        (AuditAction.DENIED, "", "search: not found by booking code"),
    ]
    assert {event.organisation_id for event in searches} == {case.organisation_id}
    # The log outlives retention: the code searched for is not kept in it.
    for event in AuditEvent.objects.all():
        assert code not in event.path and code not in event.detail
        assert case.client.pseudonym not in event.path


def test_the_lead_pages_through_the_whole_log(client, staff, organisations):
    written = events_for(organisations["caritas"], 250)
    events_for(organisations["awo"], 30)
    login_verified(client, staff[Role.ORGANISATION_LEAD])
    first = client.get(AUDIT_URL)
    assert first.status_code == 200
    seen = shown_ids(first)
    assert len(seen) == audit.PAGE_SIZE and seen[0] == written[-1].pk
    page, pages = first, [first]
    while page.context["older_url"]:
        page = client.get(page.context["older_url"])
        pages.append(page)
        seen += shown_ids(page)
    assert len(pages) == 3
    assert seen == [event.pk for event in reversed(written)]
    assert pages[0].context["newer_url"] == ""
    back = client.get(pages[-1].context["newer_url"])
    assert shown_ids(back) == shown_ids(pages[1])


def test_a_page_never_loads_more_than_a_page(client, staff, organisations):
    events_for(organisations["caritas"], 120)
    login_verified(client, staff[Role.ORGANISATION_LEAD])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(AUDIT_URL)
    assert len(shown_ids(response)) == audit.PAGE_SIZE
    reads = [q["sql"] for q in queries if "consultations_auditevent" in q["sql"]]
    reads = [sql for sql in reads if sql.lstrip().upper().startswith("SELECT")]
    assert reads and all("LIMIT" in sql.upper() for sql in reads), reads


def test_filters_by_date_user_and_action(client, staff, organisations, make_staff):
    caritas = organisations["caritas"]
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=False):
        old = events_for(caritas, 2)
    other = make_staff(Role.COUNSELLOR, caritas, username="second-counsellor")
    recent_denied = audit.record(
        None, AuditAction.DENIED, object_type="consultation", organisation_id=caritas.pk,
        actor=other,
    )  # fmt: skip
    recent_read = events_for(caritas, 1)[0]
    login_verified(client, staff[Role.ORGANISATION_LEAD])
    day = timezone.localdate(now)
    until_old = (day - timedelta(days=5)).isoformat()
    assert shown_ids(client.get(AUDIT_URL, {"date_to": until_old})) == [
        event.pk for event in reversed(old)
    ]
    recent = shown_ids(client.get(AUDIT_URL, {"date_from": day.isoformat()}))
    assert recent_denied.pk in recent and old[0].pk not in recent
    assert shown_ids(client.get(AUDIT_URL, {"user": "second"})) == [recent_denied.pk]
    denied = shown_ids(client.get(AUDIT_URL, {"action": "denied"}))
    assert recent_denied.pk in denied and recent_read.pk not in denied


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2027-05-10", "date_to": "2027-05-01"},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_from": "yesterday"},
        {"before": "abc"},
        {"action": "nonsense"},
    ],
)
def test_bad_filters_get_a_message_not_an_error(client, staff, organisations, params):
    events_for(organisations["caritas"], 3)
    login_verified(client, staff[Role.ORGANISATION_LEAD])
    response = client.get(AUDIT_URL, params)
    assert response.status_code == 400
    assert "Please check your entries" in response.content.decode()
    assert shown_ids(response) == []
