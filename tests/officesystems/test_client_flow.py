""" "I already have an appointment at the office": the office system is asked, and the
consultation sits around the real time. Refusals are clear, in the client's language, and
store nothing; look-ups are rate-limited per address and per reference."""

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.booking.web.conftest import external_form_data, solved_captcha
from willkommen.booking import office_follow, services
from willkommen.booking.errors import RateLimited
from willkommen.booking.models import ApiKey, Appointment, ConsultationBooking
from willkommen.booking.office_errors import (
    OfficeAppointmentNotFound,
    OfficeAppointmentPast,
    OfficeSystemUnavailable,
)
from willkommen.booking.tokens import make_manage_token
from willkommen.officesystems import sealing
from willkommen.officesystems.models import OfficeLink

from .conftest import ARABIC, AUTH_KEY, PROCESS_ID, book_through_zms, past_moment

pytestmark = pytest.mark.django_db

PAGE = reverse("booking:office_appointment")


def form_data(client, office_world, lang="en", **fields):
    page = client.get(f"{PAGE}?lang={lang}").content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    data = {
        "location": office_world.location.pk,
        "reference": str(PROCESS_ID),
        "secret": AUTH_KEY,
        "language": "ar",
        "topics": ["work"],
        "name": "Omar",
        "email": "omar@example.org",
        "privacy": "on",
        "form_token": token,
        "altcha": solved_captcha(client),
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def nothing_stored():
    return (
        not Appointment.objects.exists()
        and not ConsultationBooking.objects.exists()
        and not OfficeLink.objects.exists()
    )


def test_the_consultation_is_placed_around_the_real_time(zms_office, zms):
    result = book_through_zms(zms_office, zms, hour=10, slot_count=2)
    appointment = result.appointment
    assert appointment.is_external and appointment.external_reference == str(PROCESS_ID)
    assert (appointment.start, appointment.end) == (zms_office.at(10), zms_office.at(10, 20))
    offered = services.offered_consultation_or_none(
        zms_office.location, appointment.start, appointment.end, ARABIC
    )
    assert (result.consultation.start, result.consultation.end) == (offered.start, offered.end)
    link = OfficeLink.objects.get(appointment_id=appointment.pk)
    assert (link.adapter, link.reference, link.is_active) == ("zms", str(PROCESS_ID), True)
    assert sealing.unseal(link.sealed_secret) == AUTH_KEY


def test_the_secret_is_encrypted_in_the_database(zms_office, zms):
    book_through_zms(zms_office, zms)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed_secret FROM officesystems_officelink")
        (raw,) = cursor.fetchone()
    assert raw.startswith("fernet:") and AUTH_KEY not in raw


def test_the_page_books_and_shows_both_in_the_clients_language(client, zms_office, zms):
    zms.add(PROCESS_ID, AUTH_KEY, zms_office.at(10))
    page = client.get(f"{PAGE}?lang=de").content.decode()
    with translation.override("de"):
        assert translation.gettext("I already have an appointment at the office") in page
    response = client.post(f"{PAGE}?lang=en", form_data(client, zms_office))
    assert response.status_code == 302, response.content.decode()[:3000]
    done = client.get(response["Location"]).content.decode()
    appointment = Appointment.objects.get()
    assert appointment.code in done
    assert appointment.consultation.start.astimezone().strftime("%H:%M") in done


@pytest.mark.parametrize(
    "fields", [{"reference": "100999"}, {"secret": "ffff"}], ids=["unknown", "wrong-secret"]
)
def test_unknown_reference_or_wrong_secret_get_one_clear_message_and_store_nothing(
    client, zms_office, zms, fields
):
    zms.add(PROCESS_ID, AUTH_KEY, zms_office.at(10))
    response = client.post(f"{PAGE}?lang=ar", form_data(client, zms_office, **fields))
    assert response.status_code == 422
    html = response.content.decode()
    with translation.override("ar"):
        message = str(OfficeAppointmentNotFound.default_message)
    assert message in html and 'lang="ar"' in html
    assert nothing_stored()
    assert "booking:external" not in html and reverse("booking:external") not in html


@pytest.mark.parametrize("allowed", [True, False])
def test_a_past_appointment_is_refused_and_the_manual_entry_offered_only_when_allowed(
    client, zms_office, zms, settings, allowed
):
    settings.OFFICE_SYSTEMS_MANUAL_ENTRY = allowed
    zms.add(PROCESS_ID, AUTH_KEY, past_moment())
    response = client.post(f"{PAGE}?lang=en", form_data(client, zms_office))
    assert response.status_code == 422
    html = response.content.decode()
    assert str(OfficeAppointmentPast.default_message) in html
    assert (reverse("booking:external") in html) is allowed
    assert nothing_stored()


@pytest.mark.parametrize("mode", ["503", "hang", "malformed"])
def test_an_unreachable_system_is_refused_with_503_and_the_manual_entry_when_allowed(
    client, zms_office, zms, settings, mode
):
    settings.OFFICE_SYSTEMS_MANUAL_ENTRY = True
    zms.add(PROCESS_ID, AUTH_KEY, zms_office.at(10))
    zms.mode, zms.hang_seconds = mode, 3
    response = client.post(f"{PAGE}?lang=en", form_data(client, zms_office))
    assert response.status_code == 503
    html = response.content.decode()
    assert str(OfficeSystemUnavailable.default_message) in html
    assert f"{reverse('booking:external')}?location={zms_office.location.pk}" in html
    assert nothing_stored()


def test_typing_the_time_is_refused_where_the_office_system_can_be_asked(
    client, zms_office, zms, settings
):
    class Office:
        location, day = zms_office.location, zms_office.day

    response = client.post(
        reverse("booking:external") + "?lang=en", external_form_data(client, Office)
    )
    assert response.status_code == 200
    assert "checked in the immigration office" in response.content.decode()
    assert nothing_stored()
    settings.OFFICE_SYSTEMS_MANUAL_ENTRY = True
    response = client.post(
        reverse("booking:external") + "?lang=en", external_form_data(client, Office)
    )
    assert response.status_code == 302
    assert Appointment.objects.filter(is_external=True).count() == 1


def test_the_api_refuses_typed_times_where_the_office_system_can_be_asked(client, zms_office):
    _key, raw = ApiKey.issue("City portal")
    body = {
        "location": zms_office.location.pk,
        "start": zms_office.at(11).isoformat(),
        "end": zms_office.at(11, 30).isoformat(),
        "reference": "100348",
        "consultation": {"language": "ar"},
        "name": "Omar",
        "email": "omar@example.org",
    }
    response = client.post(
        "/api/v1/external-bookings", body, content_type="application/json", HTTP_X_API_KEY=raw
    )
    assert response.status_code == 422
    assert response.json()["code"] == "office_lookup_required"
    assert nothing_stored()


# --- Rate limits ---------------------------------------------------------------------------


def lookup(zms_office, secret=AUTH_KEY, ip="203.0.113.7", reference=str(PROCESS_ID)):
    return office_follow.add_consultation_by_lookup(
        zms_office.location, reference, secret, ARABIC, "Omar", "omar@example.org", client_ip=ip
    )


@override_settings(OFFICE_LOOKUP_RATE_LIMIT_PER_IP=(2, 3600))
def test_lookups_are_limited_per_address(client, zms_office, zms):
    zms.add(PROCESS_ID, AUTH_KEY, zms_office.at(10))
    statuses = []
    for reference in ["100001", "100002", "100003"]:
        response = client.post(
            f"{PAGE}?lang=en", form_data(client, zms_office, reference=reference)
        )
        statuses.append(response.status_code)
    assert statuses == [422, 422, 429]
    assert int(response["Retry-After"]) > 3000
    assert len(zms.requests) == 2  # the third was not asked


@override_settings(OFFICE_LOOKUP_RATE_LIMIT_PER_REFERENCE=(2, 3600))
def test_refused_lookups_are_limited_per_reference_across_addresses(zms_office, zms):
    zms.add(PROCESS_ID, AUTH_KEY, zms_office.at(10))
    for number, secret in enumerate(["aaaa", "bbbb"]):
        with pytest.raises(OfficeAppointmentNotFound):
            lookup(zms_office, secret=secret, ip=f"198.51.100.{number}")
    with pytest.raises(RateLimited):
        lookup(zms_office, secret=AUTH_KEY, ip="198.51.100.9")
    assert len(zms.requests) == 2
    # Another reference is not affected.
    zms.add(PROCESS_ID + 1, AUTH_KEY, zms_office.at(11))
    assert lookup(zms_office, reference=str(PROCESS_ID + 1), ip="198.51.100.9").appointment


@override_settings(OFFICE_LOOKUP_RATE_LIMIT_PER_REFERENCE=(2, 3600), RATELIMIT_ENABLE=False)
def test_control_without_the_limits_secrets_can_be_tried_without_end(zms_office, zms):
    zms.add(PROCESS_ID, AUTH_KEY, zms_office.at(10))
    for number in range(6):
        with pytest.raises(OfficeAppointmentNotFound):
            lookup(zms_office, secret=f"{number:04d}", ip=f"198.51.100.{number}")
    assert lookup(zms_office).appointment  # the sixth guess would have been let through
    assert len(zms.requests) == 7


# --- Willkommen's own booking as the office system ----------------------------------------


def own_booking(office_world):
    world = office_world.world
    return services.book(
        world.service, office_world.at(10), name="Lea", email="lea@example.org"
    ).appointment


def test_an_own_booking_gets_its_consultation_with_code_and_private_link(client, office_world):
    appointment = own_booking(office_world)
    token = make_manage_token(appointment)
    link = f"https://willkommen.example/book/manage/{appointment.code}/?token={token}"
    data = form_data(client, office_world, reference=link, secret="", name="", email="")
    response = client.post(f"{PAGE}?lang=en", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Appointment.objects.count() == 1  # no copy: the booking itself
    consultation = ConsultationBooking.objects.get(appointment=appointment)
    offered = services.offered_consultation_or_none(
        office_world.location, appointment.start, appointment.end, ARABIC
    )
    assert consultation.start == offered.start
    assert not OfficeLink.objects.exists()  # our own booking moves its consultation itself


def test_an_own_booking_code_without_the_private_link_is_not_enough(client, office_world):
    """The clerk sees codes in the calendar: a code alone (or with a wrong key) must not
    let anybody ask whether a booking carries a consultation."""
    appointment = own_booking(office_world)
    for secret in ["", "lea@example.org", "x" * 40]:
        data = form_data(client, office_world, reference=appointment.code, secret=secret)
        response = client.post(f"{PAGE}?lang=en", data)
        assert response.status_code == 422
        assert str(OfficeAppointmentNotFound.default_message) in response.content.decode()
    assert not ConsultationBooking.objects.exists()
