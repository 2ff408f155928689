"""The client's ticket page says what fits the ticket's state, and the waiting-room
display is a kiosk page: full screen, no site navigation, strict CSP."""

import re

import pytest
from django.urls import reverse

from willkommen.walkins import services

from .test_pages import on_duty_now  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

STAY = "Please stay in the waiting area"


def page(client, ticket):
    url = reverse("walkins:ticket", kwargs={"token": ticket.public_token})
    return client.get(url + "?lang=en").content.decode()


def test_only_a_waiting_ticket_is_asked_to_stay(client, area, on_duty_now):  # noqa: F811
    ticket = services.register_walk_in(
        area.location, area.languages["fa"], [], None, area.outreach
    )
    assert STAY in page(client, ticket)
    services.call_ticket(ticket, on_duty_now)
    called = page(client, ticket)
    assert "It is your turn!" in called and STAY not in called
    services.start_consultation(ticket, on_duty_now)
    assert STAY not in page(client, ticket)
    services.finish(ticket, on_duty_now)
    closed = page(client, ticket)
    assert "This ticket is closed" in closed and STAY not in closed
    # The live fragment (htmx) carries the same words: it replaces the whole status part.
    url = reverse("walkins:ticket", kwargs={"token": ticket.public_token})
    fragment = client.get(url + "?lang=en", HTTP_HX_REQUEST="true").content.decode()
    assert STAY not in fragment


def test_display_is_a_kiosk_page(client, area, on_duty_now):  # noqa: F811
    ticket = services.register_walk_in(
        area.location, area.languages["fa"], [], None, area.outreach
    )
    services.call_ticket(ticket, on_duty_now)
    html = client.get(
        reverse("walkins:display", kwargs={"location_id": area.location.pk})
    ).content.decode()
    assert 'class="walkins-kiosk' in html
    assert "site-header" not in html and "site-footer" not in html and "<nav" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert " style=" not in html and "<style" not in html
    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', html)).replace(
        "http://testserver", ""
    )
