"""A counsellor with a second factor documents a booked consultation with a referral."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp

from tests.conftest import STAFF_PASSWORD
from tests.consultations import factories
from willkommen.accounts.models import Role
from willkommen.consultations.models import AuditAction, AuditEvent, Consultation

from .conftest import DESKTOP, PHONE, axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_minute_today():
    """A start time on today's local date, close to now."""
    now = timezone.localtime()
    return (
        now + timedelta(minutes=5)
        if now.hour == 0 and now.minute < 10
        else now - timedelta(minutes=5)
    )


def current_token(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_counsellor_documents_a_consultation_with_a_referral(new_page, staff, viewport):
    counsellor = staff[Role.COUNSELLOR]
    device = factories.verified_device(counsellor)
    booking = factories.booked_consultation(staff, start=a_minute_today())
    offer = factories.offer("Mieterverein Hannover")
    # In English, so the test can name the form's labels; RTL is checked separately below.
    page = new_page(viewport=viewport or DESKTOP, locale="en-US")

    login(page, counsellor.username, STAFF_PASSWORD)
    page.goto("/staff/consultations/")
    # The second factor is asked for before any case content.
    assert "/staff/consultations/second-factor/" in page.url
    assert axe_violations(page) == []
    page.locator("#id_token").fill(current_token(device))
    page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/staff/consultations/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert "Family" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    page.locator(f"form[action$='/bookings/{booking.pk}/start/'] button").click()
    consultation = Consultation.objects.get(booking=booking)
    assert page.url.endswith(f"/records/{consultation.pk}/document/")
    assert axe_violations(page) == []
    page.get_by_label("Housing").check()
    page.get_by_label("Phone interpreter").check()
    page.locator("#id_duration_minutes").fill("35")
    page.locator("#id_note").fill("Arrears; tenants' association will call back.")
    # Offers are found with the directory's search, not picked from a list of all of them.
    page.locator("#id_offer_query").fill("Mieterverein")
    page.get_by_role("button", name="Find offers").click()
    assert page.locator("#id_note").input_value().startswith("Arrears")
    assert axe_violations(page) == []
    page.get_by_label("Mieterverein Hannover").check()
    page.get_by_role("button", name="Save record").click()

    assert page.url.endswith(f"/records/{consultation.pk}/")
    main = page.locator("main").inner_text()
    assert "Mieterverein Hannover" in main
    assert "Arrears; tenants' association will call back." in main
    sheet = page.locator("a[href*='referral-sheet']")
    assert f"offers={offer.pk}" in sheet.get_attribute("href")
    assert axe_violations(page) == []

    consultation.refresh_from_db()
    assert list(consultation.referrals.all()) == [offer]
    assert consultation.outcome_referral
    assert {t.slug for t in consultation.topics.all()} == {"housing", "family"}
    assert AuditEvent.objects.filter(
        actor=counsellor, action=AuditAction.UPDATE, object_id=str(consultation.pk)
    ).exists()


def test_arabic_record_page_renders_right_to_left(new_page, staff):
    counsellor = staff[Role.COUNSELLOR]
    device = factories.verified_device(counsellor)
    consultation = factories.caritas_consultation(staff)
    page = new_page(locale="ar")
    login(page, counsellor.username, STAFF_PASSWORD)
    page.goto(f"/staff/consultations/records/{consultation.pk}/?lang=ar")
    page.locator("#id_token").fill(current_token(device))
    page.locator("main form button[type=submit]").click()
    assert f"/records/{consultation.pk}/" in page.url
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert factories.SECRET_NOTE in page.locator("main").inner_text()
    assert axe_violations(page) == []


def test_first_login_sets_up_the_second_factor(new_page, staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    lead = staff[Role.ORGANISATION_LEAD]
    page = new_page(viewport=PHONE)
    login(page, lead.username, STAFF_PASSWORD)
    page.goto("/staff/consultations/audit/")
    assert "/second-factor/setup/" in page.url
    assert page.locator("img.otp-qr").is_visible()
    assert page.locator("#otp-secret").inner_text().strip()
    assert axe_violations(page) == []
    device = TOTPDevice.objects.get(user=lead)
    page.locator("#id_token").fill(current_token(device))
    page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/staff/consultations/audit/")
    assert axe_violations(page) == []
