"""The audit log is append-only and readable by the organisation's lead; case content
needs a verified TOTP device."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from willkommen.accounts.models import Role
from willkommen.consultations.models import AuditAction, AuditEvent

from .factories import SECRET_NOTE, caritas_consultation, login_verified

pytestmark = pytest.mark.django_db


def test_reading_a_record_is_audited_with_who_what_and_where(client, staff):
    consultation = caritas_consultation(staff)
    counsellor = staff[Role.COUNSELLOR]
    login_verified(client, counsellor)
    client.get(
        reverse("consultations_staff:record", args=[consultation.pk]), REMOTE_ADDR="10.1.2.3"
    )
    event = AuditEvent.objects.get(action=AuditAction.READ, object_type="consultation")
    assert event.actor == counsellor and event.object_id == str(consultation.pk)
    assert event.ip_address == "10.1.2.3" and event.organisation == counsellor.organisation
    assert event.at is not None and event.path.endswith(f"/records/{consultation.pk}/")


def test_the_audit_log_cannot_be_changed_through_the_orm(staff):
    event = AuditEvent.objects.create(action=AuditAction.READ, object_type="consultation")
    event.detail = "rewritten"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


@pytest.mark.postgres_only
def test_postgresql_refuses_raw_updates_of_the_audit_log(staff):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    event = AuditEvent.objects.create(action=AuditAction.READ, object_type="consultation")
    from django.db import DatabaseError

    for sql in (
        "UPDATE consultations_auditevent SET detail = 'x' WHERE id = %s",
        "DELETE FROM consultations_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, detail="").exists()


def test_the_lead_reads_the_organisations_log_and_only_that(
    client, staff, make_staff, organisations
):
    consultation = caritas_consultation(staff)
    awo = make_staff(Role.COUNSELLOR, organisations["awo"], username="awo-c")
    login_verified(client, awo)
    client.get(reverse("consultations_staff:record", args=[consultation.pk]))  # denied
    AuditEvent.objects.create(
        action=AuditAction.READ,
        object_type="consultation",
        organisation=organisations["awo"],
        actor_username="awo-only-event",
    )
    login_verified(client, staff[Role.ORGANISATION_LEAD])
    page = client.get(reverse("consultations_staff:audit_log")).content.decode()
    assert "awo-c" in page  # the refused attempt on Caritas' record
    assert "awo-only-event" not in page
    # Counsellors, clerks and coordinators have no access to the log.
    for role in (Role.COUNSELLOR, Role.OFFICE_CLERK, Role.COORDINATOR):
        login_verified(client, staff[role])
        assert client.get(reverse("consultations_staff:audit_log")).status_code == 403


def test_case_content_needs_a_second_factor(client, staff):
    consultation = caritas_consultation(staff)
    counsellor = staff[Role.COUNSELLOR]
    client.force_login(counsellor)
    record_url = reverse("consultations_staff:record", args=[consultation.pk])
    response = client.get(record_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("consultations_staff:otp_setup"))
    api = client.get(f"/api/v1/consultations/{consultation.pk}")
    assert api.status_code == 403 and SECRET_NOTE not in api.content.decode()

    # Set-up: a QR code and the secret, then a correct code confirms the device.
    setup = client.get(response["Location"])
    page = setup.content.decode()
    assert setup.status_code == 200 and "data:image/svg+xml" in page and "otp-secret" in page
    device = TOTPDevice.objects.get(user=counsellor)
    assert not device.confirmed
    wrong = client.post(response["Location"], {"token": "000000", "next": record_url})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down guessing
    device.throttle_reset()  # instead of waiting out the back-off
    token = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    done = client.post(response["Location"], {"token": token, "next": record_url})
    assert done.status_code == 302 and done["Location"] == record_url
    device.refresh_from_db()
    assert device.confirmed
    assert SECRET_NOTE in client.get(record_url).content.decode()

    # A new session must verify again.
    client.logout()
    client.force_login(counsellor)
    again = client.get(record_url)
    assert again["Location"].startswith(reverse("consultations_staff:otp_verify"))


def test_roles_without_case_content_are_never_asked_for_a_second_factor(client, staff):
    client.force_login(staff[Role.OFFICE_CLERK])
    assert client.get(reverse("consultations_staff:day")).status_code == 403
