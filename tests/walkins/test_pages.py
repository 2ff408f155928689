"""The staff and public pages over HTTP: intake, ticket, queue buttons, stale tabs,
the public ticket page and the call-up display."""

import re
from datetime import time
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from willkommen.scheduling.models import Shift
from willkommen.walkins import services
from willkommen.walkins.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_duty_now(area):
    """A Farsi counsellor on shift around the real current moment (the pages use now)."""
    counsellor = area.make_counsellor("farsi", ["fa"], ["housing"], on_shift=False)
    counsellor.first_name, counsellor.last_name = "Shirin", "Ahmadi"
    counsellor.save()
    local = timezone.localtime()
    Shift.objects.create(
        counsellor=counsellor,
        location=area.location,
        room=area.rooms[0],
        weekday=local.weekday(),
        starts=time(0, 0),
        ends=time(23, 59, 59),
    )
    return counsellor


def test_intake_in_one_post_gives_a_ticket_with_qr_code(client, area):
    client.force_login(area.outreach)
    page = client.get(reverse("walkins_staff:intake"))
    assert page.status_code == 200
    assert b'list="walkin-languages"' in page.content and b"<datalist" in page.content
    response = client.post(
        reverse("walkins_staff:intake") + f"?location={area.location.pk}",
        {
            "language": "fa",
            "topics": [area.topics["housing"].pk],
            "office_appointment_time": "11:30",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("walkins_staff:ticket", kwargs={"pk": ticket.pk})
    assert ticket.language.code == "fa" and ticket.created_by == area.outreach
    assert timezone.localtime(ticket.office_appointment_at).strftime("%H:%M") == "11:30"
    detail = client.get(response["Location"])
    assert ticket.number.encode() in detail.content
    assert b'src="data:image/svg+xml' in detail.content
    assert ticket.public_token.encode() in detail.content and b"lang=fa" in detail.content


def test_intake_finds_a_typed_language_and_rejects_unknown_ones(client, area):
    client.force_login(area.outreach)
    url = reverse("walkins_staff:intake")
    client.post(url, {"other_language": "ukrainian"})
    assert Ticket.objects.get().language.code == "uk"
    response = client.post(url, {"other_language": "Klingon"})
    assert response.status_code == 200
    assert "kern-error" in response.content.decode()
    response = client.post(url, {})
    assert response.status_code == 200 and Ticket.objects.count() == 1


def test_counsellor_calls_next_starts_and_finishes(client, area, on_duty_now):
    ticket = services.register_walk_in(
        area.location, area.languages["fa"], [], None, area.outreach
    )
    client.force_login(on_duty_now)
    queue = client.get(reverse("walkins_staff:queue"), HTTP_ACCEPT_LANGUAGE="en")
    assert b"Call next" in queue.content
    client.post(reverse("walkins_staff:call_next"))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED and ticket.room == area.rooms[0]
    client.post(reverse("walkins_staff:ticket_start", kwargs={"pk": ticket.pk}))
    client.post(reverse("walkins_staff:ticket_finish", kwargs={"pk": ticket.pk}))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE and ticket.waiting_time is not None


def test_stale_tab_gets_a_message_and_nothing_changes(client, area, on_duty_now):
    ticket = services.register_walk_in(
        area.location, area.languages["fa"], [], None, area.outreach
    )
    client.force_login(on_duty_now)
    url = reverse("walkins_staff:ticket_call", kwargs={"pk": ticket.pk})
    client.post(url)
    called_at = Ticket.objects.get().called_at
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Nothing was changed" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.called_at == called_at and ticket.call_count == 1


def test_off_shift_counsellor_cannot_call(client, area):
    off = area.make_counsellor("off", ["fa"], on_shift=False)
    services.register_walk_in(area.location, area.languages["fa"], [], None, area.outreach)
    client.force_login(off)
    response = client.post(
        reverse("walkins_staff:call_next"), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "not on duty" in response.content.decode()
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_outreach_may_not_call(client, area):
    client.force_login(area.outreach)
    assert client.post(reverse("walkins_staff:call_next")).status_code == 403


def test_public_ticket_page_in_the_persons_language(client, area, on_duty_now):
    ticket = services.register_walk_in(
        area.location, area.languages["fa"], [], None, area.outreach
    )
    url = reverse("walkins:ticket", kwargs={"token": ticket.public_token})
    page = client.get(url + "?lang=fa")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'lang="fa"' in html and 'dir="rtl"' in html
    assert 'data-testid="place"' in html and 'hx-trigger="every 10s"' in html
    assert 'http-equiv="refresh"' in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None  # CSP: no inline scripts
    assert " style=" not in html and "onclick" not in html
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="ticket-status"')
    services.call_ticket(ticket, on_duty_now)
    called = client.get(url + "?lang=en").content.decode()
    assert 'role="alert"' in called and area.rooms[0].name in called
    assert client.get(reverse("walkins:ticket", kwargs={"token": "nope"})).status_code == 404


def test_display_rotates_languages_and_shows_called_numbers(client, area, on_duty_now):
    ticket = services.register_walk_in(
        area.location, area.languages["fa"], [], None, area.outreach
    )
    services.call_ticket(ticket, on_duty_now)
    url = reverse("walkins:display", kwargs={"location_id": area.location.pk})
    first = client.get(url).content.decode()
    assert ticket.number in first and area.rooms[0].name in first
    assert 'hx-get="' + url + '?i=1"' in first
    langs = []
    for index in range(7):
        fragment = client.get(f"{url}?i={index}", HTTP_HX_REQUEST="true").content.decode()
        langs.append(fragment.split('lang="', 1)[1].split('"', 1)[0])
        assert "<html" not in fragment
    assert langs == ["de", "en", "ar", "fa", "tr", "ru", "uk"]
    assert client.get(url + "?i=abc").status_code == 200


def test_the_public_pages_carry_no_personal_data(client, area, on_duty_now):
    ticket = services.register_walk_in(
        area.location, area.languages["fa"], [], None, area.outreach
    )
    services.call_ticket(ticket, on_duty_now)
    for url in (
        reverse("walkins:ticket", kwargs={"token": ticket.public_token}),
        reverse("walkins:display", kwargs={"location_id": area.location.pk}),
    ):
        html = client.get(url).content.decode()
        for personal in (on_duty_now.username, "Shirin", "Ahmadi", area.outreach.username):
            assert personal not in html


def test_housekeeping_command_applies_holds(area):
    from django.core.management import call_command

    ticket = services.register_walk_in(
        area.location, area.languages["fa"], [], timezone.now(), area.outreach
    )
    with mock.patch("sys.stdout"):
        call_command("walkins_housekeeping")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ON_HOLD


def test_the_queue_table_refreshes_itself_as_a_fragment(client, area):
    services.register_walk_in(area.location, area.languages["fa"], [], None, area.outreach)
    client.force_login(area.outreach)
    page = client.get(reverse("walkins_staff:queue")).content.decode()
    assert 'id="walkins-queue-table"' in page and 'hx-trigger="every 15s"' in page
    fragment = client.get(reverse("walkins_staff:queue"), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.startswith('<div id="walkins-queue-table"') and "A-001" in html
    assert "<html" not in html


def test_staff_start_page_links_to_the_walk_in_pages_by_role(client, staff):
    from willkommen.accounts.models import Role

    intake = reverse("walkins_staff:intake")
    queue = reverse("walkins_staff:queue")
    expected = {
        Role.OUTREACH: (True, True),
        Role.COUNSELLOR: (True, True),
        Role.COORDINATOR: (False, True),
        Role.OFFICE_CLERK: (False, False),
    }
    for role, (sees_intake, sees_queue) in expected.items():
        client.force_login(staff[role])
        html = client.get(reverse("accounts:home")).content.decode()
        assert (f'href="{intake}"' in html, f'href="{queue}"' in html) == (sees_intake, sees_queue)
        client.logout()
