"""Export and erasure of a client's data, by booking code or pseudonym, audited."""

import json

import pytest
from django.urls import reverse

from willkommen.accounts.models import Role
from willkommen.booking.models import Appointment
from willkommen.consultations.models import AuditAction, AuditEvent, ClientRecord, Consultation

from .factories import SECRET_NOTE, booked_consultation, caritas_consultation, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(staff):
    consultation = caritas_consultation(staff)
    consultation.booking = booked_consultation(staff)
    consultation.save()
    return consultation


def test_found_by_booking_code_and_by_pseudonym(client, staff, case):
    login_verified(client, staff[Role.COUNSELLOR])
    search = reverse("consultations_staff:client_search")
    by_code = client.get(search, {"booking_code": case.booking.appointment.code.lower()})
    by_pseudonym = client.get(search, {"pseudonym": case.client.pseudonym})
    target = reverse("consultations_staff:client", args=[case.client_id])
    assert by_code["Location"] == target and by_pseudonym["Location"] == target


def test_export_as_json_and_printable_page(client, staff, case):
    login_verified(client, staff[Role.ORGANISATION_LEAD])
    url = reverse("consultations_staff:client_export", args=[case.client_id])
    response = client.get(url, {"format": "json"})
    data = json.loads(response.content)
    assert data["pseudonym"] == case.client.pseudonym and data["name"] == "Amina Testperson"
    assert data["consultations"][0]["note"] == SECRET_NOTE
    assert data["consultations"][0]["booking_code"] == case.booking.appointment.code
    assert "attachment" in response["Content-Disposition"]
    page = client.get(url).content.decode()
    assert SECRET_NOTE in page and "Amina Testperson" in page
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_erasure_removes_the_person_and_keeps_the_figures(client, staff, case):
    login_verified(client, staff[Role.COUNSELLOR])
    erase = reverse("consultations_staff:client_erase", args=[case.client_id])
    # Without typing the pseudonym nothing happens.
    client.post(erase, {"confirm": "wrong"})
    assert ClientRecord.objects.filter(pk=case.client_id).exists()
    response = client.post(erase, {"confirm": case.client.pseudonym})
    assert response.status_code == 302
    assert not ClientRecord.objects.filter(pk=case.client_id).exists()
    record = Consultation.objects.get(pk=case.pk)
    assert record.note == "" and record.client is None
    assert {t.slug for t in record.topics.all()} == {"housing", "health"}
    assert AuditEvent.objects.filter(
        action=AuditAction.ERASE, object_id=str(case.client_id)
    ).exists()
    # The appointment is still in the future: its contact data is needed until then.
    assert Appointment.objects.get(pk=case.booking.appointment_id).email == "booked@example.org"
