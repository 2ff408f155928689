"""/staff/scheduling/, the planning entry named in the README: today's hours, who is on
duty now, and the ways to hours, closures, desks, rules and shifts."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from willkommen.accounts.models import StaffMember
from willkommen.organisations.models import Location
from willkommen.scheduling.shifts import counsellors_on_duty

pytestmark = pytest.mark.django_db

URL = "/staff/scheduling/"


def seeded_at(text, monkeypatch):
    when = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Berlin"))
    with time_machine.travel(when, tick=False):
        call_command("seed_demo", "--quiet", "--no-activity", stdout=io.StringIO())
    return when


def page_for(client, username, when):
    with time_machine.travel(when, tick=False):
        client.force_login(StaffMember.objects.get(username=username))
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_url_is_the_overview():
    assert reverse("scheduling_staff:overview") == URL


def test_the_coordinator_sees_hours_duty_and_every_way_on(client, monkeypatch):
    when = seeded_at("2027-05-12T10:00", monkeypatch)  # a Wednesday, open 08:00-12:00
    page = page_for(client, "coordinator", when)
    location = Location.objects.get()
    assert "Opening hours today" in page and "08:00–12:00" in page
    with time_machine.travel(when, tick=False):
        on_duty = StaffMember.objects.filter(pk__in=counsellors_on_duty(location, when))
    assert on_duty.exists()
    for counsellor in on_duty:
        assert reverse("scheduling_staff:counsellor_shifts", args=[counsellor.pk]) in page
    for name in ("location", "closing_day_add", "schedule_edit"):
        assert reverse(f"scheduling_staff:{name}", args=[location.pk]) in page
    assert reverse("scheduling_staff:counsellors") in page
    assert reverse("scheduling_staff:locations") in page


def test_the_lead_sees_the_own_organisations_duty_and_the_shifts(client, monkeypatch):
    when = seeded_at("2027-05-12T10:00", monkeypatch)
    page = page_for(client, "lead", when)
    location = Location.objects.get()
    with time_machine.travel(when, tick=False):
        on_duty = StaffMember.objects.filter(pk__in=counsellors_on_duty(location, when))
    lead = StaffMember.objects.get(username="lead")
    assert on_duty.exclude(organisation=lead.organisation).exists()
    for counsellor in on_duty:
        url = reverse("scheduling_staff:counsellor_shifts", args=[counsellor.pk])
        assert (url in page) == (counsellor.organisation_id == lead.organisation_id)
    assert reverse("scheduling_staff:counsellors") in page
    assert reverse("scheduling_staff:location", args=[location.pk]) not in page


def test_a_saturday_is_closed(client, monkeypatch):
    when = seeded_at("2027-05-15T10:00", monkeypatch)
    assert "Closed today" in page_for(client, "coordinator", when)


@pytest.mark.parametrize("username", ["clerk", "outreach", "counsellor", "operator"])
def test_other_roles_may_not(client, monkeypatch, username):
    seeded_at("2027-05-12T10:00", monkeypatch)
    client.force_login(StaffMember.objects.get(username=username))
    assert client.get(URL).status_code == 403
