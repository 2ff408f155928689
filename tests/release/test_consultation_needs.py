"""A drawn winner who said they *need* a consultation and got none with their appointment
reaches the welcome service's day page — with the request number, the time, the language
and topics, never a name or contact — and nobody else: "if possible", or a consultation
that was found, stays off the list, and the office cannot open the page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.consultations.factories import login_verified
from willkommen.accounts.models import Role
from willkommen.booking import services as booking
from willkommen.booking.services import ConsultationRequest
from willkommen.release import consultation_needs, draw
from willkommen.release.models import ReleaseRequest, RequestStatus

from .conftest import draw_time, make_round, request_and_confirm

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def drawn(office):
    """One round, three winners: Persian required (no counsellor speaks it), Persian if
    possible, Arabic required (the office's counsellor speaks it)."""
    now = timezone.now()
    release_round = make_round(office, now=now)
    wishes = {
        "Needs Persian": (ConsultationRequest("fa", ("forms",)), True),
        "Would like Persian": (ConsultationRequest("fa", ("forms",)), False),
        "Needs Arabic": (ConsultationRequest("ar", ("forms",)), True),
    }
    for index, (name, (consultation, required)) in enumerate(wishes.items()):
        request_and_confirm(
            release_round, name, f"p{index}@example.org", now,
            consultation=consultation, consultation_required=required,
        )  # fmt: skip
    draw.run_draw(release_round.pk, now=draw_time(release_round))
    by_name = {request.name: request for request in ReleaseRequest.objects.all()}
    assert {request.status for request in by_name.values()} == {RequestStatus.ALLOCATED}
    return by_name


def test_only_the_unmet_required_consultation_is_listed(office, drawn):
    listed = list(consultation_needs.unmet_required(office.day))
    assert [wish.request.number for wish in listed] == [drawn["Needs Persian"].number]
    # Outside the look-ahead nothing is listed.
    later = office.day + timezone.timedelta(days=consultation_needs.LOOK_AHEAD_DAYS + 1)
    assert not consultation_needs.unmet_required(later).exists()


def test_a_cancelled_appointment_leaves_the_list(office, drawn):
    booking.cancel_booking(drawn["Needs Persian"].appointment, now=timezone.now())
    assert not consultation_needs.unmet_required(office.day).exists()


def test_the_welcome_service_sees_it_on_its_day_page_and_the_office_cannot(
    client, office, drawn, staff
):
    login_verified(client, staff[Role.COUNSELLOR])
    page = client.get(reverse("consultations_staff:day"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'id="needed"' in html
    assert drawn["Needs Persian"].number in html
    assert drawn["Would like Persian"].number not in html
    assert drawn["Needs Arabic"].number not in html
    assert "Needs Persian" not in html and "p0@example.org" not in html
    client.logout()
    client.force_login(staff[Role.OFFICE_CLERK])
    assert client.get(reverse("consultations_staff:day")).status_code == 403


def test_the_day_page_without_draws_has_no_such_section(client, office, staff):
    login_verified(client, staff[Role.COUNSELLOR])
    html = client.get(reverse("consultations_staff:day")).content.decode()
    assert 'id="needed"' not in html
