"""The generic inbound interface: a partner's office system (TEVIS, Qmatic, in-house)
creates, moves and cancels its appointments under its own reference; clients add a
consultation with that reference; the consultation follows the partner's moves and
cancellations. The partner's answers never depend on whether a consultation exists."""

import json

import pytest
from django.core import mail

from willkommen.booking import office_follow
from willkommen.booking.models import (
    ApiKey,
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
)
from willkommen.officesystems.models import (
    ChangeOutcome,
    HeldAppointment,
    OfficeChange,
    OfficeSystem,
)

from .conftest import ARABIC, PERSIAN

pytestmark = pytest.mark.django_db

URL = "/api/v1/office-appointments"
SECRET = "7Q2X"


@pytest.fixture
def partner(office_world):
    OfficeSystem.objects.create(location=office_world.location, adapter="inbound")
    _key, raw = ApiKey.issue("TEVIS of the immigration office")
    return raw


def send(client, method, url, raw_key, body=None, key=None):
    headers = {"HTTP_X_API_KEY": raw_key} if raw_key else {}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(url, data, content_type="application/json", **headers)


def appointment_body(office_world, hour=10, reference="T-2026-0815", secret=SECRET):
    return {
        "location": office_world.location.pk,
        "reference": reference,
        "start": office_world.at(hour).isoformat(),
        "end": office_world.at(hour, 30).isoformat(),
        "secret": secret,
    }


def add_consultation(office_world, request=ARABIC, secret=SECRET, reference="T-2026-0815"):
    return office_follow.add_consultation_by_lookup(
        office_world.location,
        reference,
        secret,
        request,
        "Omar",
        "omar@example.org",
        language="en",
    )


def test_every_operation_needs_the_partners_api_key(client, office_world, partner):
    body = appointment_body(office_world)
    for raw in [None, "wk_deadbeef_not-a-key"]:
        assert send(client, "post", URL, raw, body).status_code == 403
        assert send(client, "get", f"{URL}/T-2026-0815", raw).status_code == 403
        move = {"start": body["start"], "end": body["end"]}
        assert send(client, "patch", f"{URL}/T-2026-0815", raw, move).status_code == 403
        assert send(client, "delete", f"{URL}/T-2026-0815", raw).status_code == 403
    assert not HeldAppointment.objects.exists()


def test_create_is_idempotent_per_key(client, office_world, partner):
    body = appointment_body(office_world)
    first = send(client, "post", URL, partner, body, key="create-0815")
    again = send(client, "post", URL, partner, body, key="create-0815")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["status"] == "booked" and "secret" not in first.json()
    assert HeldAppointment.objects.count() == 1
    other = send(client, "post", URL, partner, {**body, "reference": "T-2"}, key="create-0815")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    duplicate = send(client, "post", URL, partner, body)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "reference_exists"


def test_bad_input_changes_nothing(client, office_world, partner):
    body = appointment_body(office_world)
    cases = [
        {**body, "end": body["start"]},
        {**body, "location": 999999},
        {**body, "reference": "has spaces/and slashes"},
        {**body, "start": "2026-12-07T10:00:00"},
    ]
    for case in cases:
        response = send(client, "post", URL, partner, case)
        assert response.status_code == 422, (case, response.content)
        assert set(response.json()) >= {"detail", "code"}
    assert not HeldAppointment.objects.exists()


def test_another_partner_neither_sees_nor_changes_the_reference(client, office_world, partner):
    send(client, "post", URL, partner, appointment_body(office_world))
    _key, other = ApiKey.issue("Qmatic")
    assert send(client, "get", f"{URL}/T-2026-0815", other).status_code == 404
    assert send(client, "delete", f"{URL}/T-2026-0815", other).status_code == 404
    assert HeldAppointment.objects.get().status == "booked"


def test_a_client_adds_a_consultation_with_reference_and_secret(client, office_world, partner):
    send(client, "post", URL, partner, appointment_body(office_world))
    with pytest.raises(office_follow.OfficeAppointmentNotFound):
        add_consultation(office_world, secret="WRONG")
    result = add_consultation(office_world)
    assert result.appointment.start == office_world.at(10)
    assert result.consultation.start >= office_world.at(10, 30) or (
        result.consultation.end <= office_world.at(10)
    )


def test_a_partners_move_moves_the_consultation_and_tells_the_client(
    client, office_world, partner, django_capture_on_commit_callbacks
):
    send(client, "post", URL, partner, appointment_body(office_world))
    result = add_consultation(office_world)
    mail.outbox.clear()
    move = {"start": office_world.at(13).isoformat(), "end": office_world.at(13, 30).isoformat()}
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, "patch", f"{URL}/T-2026-0815", partner, move, key="move-1")
    assert response.status_code == 200 and response.json()["start"].startswith(move["start"][:16])
    appointment = Appointment.objects.get(pk=result.appointment.pk)
    assert appointment.start == office_world.at(13)
    consultation = ConsultationBooking.objects.get(appointment=appointment)
    assert consultation.status == ConsultationBookingStatus.BOOKED
    assert consultation.start >= office_world.at(13, 30) or consultation.end <= office_world.at(13)
    assert len(mail.outbox) == 1 and "moved your appointment" in mail.outbox[0].subject
    assert OfficeChange.objects.get().outcome == ChangeOutcome.CONSULTATION_MOVED


def test_a_partners_move_without_an_offered_consultation_tells_the_alternatives(
    client, office_world, partner, django_capture_on_commit_callbacks
):
    send(client, "post", URL, partner, appointment_body(office_world))
    add_consultation(office_world, request=PERSIAN)
    mail.outbox.clear()
    move = {"start": office_world.at(14).isoformat(), "end": office_world.at(14, 30).isoformat()}
    with django_capture_on_commit_callbacks(execute=True):
        send(client, "patch", f"{URL}/T-2026-0815", partner, move)
    assert ConsultationBooking.objects.get().status == ConsultationBookingStatus.CANCELLED
    (message,) = mail.outbox
    assert "with an interpreter" in message.body


def test_a_partners_cancellation_cancels_the_consultation_and_tells_the_client(
    client, office_world, partner, django_capture_on_commit_callbacks
):
    send(client, "post", URL, partner, appointment_body(office_world))
    add_consultation(office_world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = send(client, "delete", f"{URL}/T-2026-0815", partner, key="cancel-1")
    again = send(client, "delete", f"{URL}/T-2026-0815", partner)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["status"] == "cancelled"
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED
    assert ConsultationBooking.objects.get().status == ConsultationBookingStatus.CANCELLED
    assert len(mail.outbox) == 1 and "cancelled your appointment" in mail.outbox[0].subject
    moved = send(client, "patch", f"{URL}/T-2026-0815", partner, {"start": "x", "end": "y"})
    assert moved.status_code == 422


def _partner_sees(client, office_world, partner, with_consultation, capture):
    """Everything the partner's system is answered, in a world with or without a client's
    consultation around its appointment."""
    answers = []
    answers.append(send(client, "post", URL, partner, appointment_body(office_world)))
    if with_consultation:
        add_consultation(office_world)
    move = {"start": office_world.at(13).isoformat(), "end": office_world.at(13, 30).isoformat()}
    with capture(execute=True):
        answers.append(send(client, "patch", f"{URL}/T-2026-0815", partner, move))
        answers.append(send(client, "get", f"{URL}/T-2026-0815", partner))
        answers.append(send(client, "delete", f"{URL}/T-2026-0815", partner))
    return [(answer.status_code, answer.content) for answer in answers]


def test_the_partner_is_answered_the_same_with_and_without_a_consultation(
    client, office_world, partner, django_capture_on_commit_callbacks
):
    from django.db import transaction

    recordings = []
    for with_consultation in (True, False):
        with transaction.atomic():
            recordings.append(
                _partner_sees(
                    client,
                    office_world,
                    partner,
                    with_consultation,
                    django_capture_on_commit_callbacks,
                )
            )
            transaction.set_rollback(True)
    assert recordings[0] == recordings[1]
