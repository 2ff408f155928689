"""A schedule change that touches bookings, in a real browser: the preview before saving,
the choice between moving and cancelling, in German and in Arabic (right to left), with
axe and the keyboard, and without JavaScript; afterwards the clerk's calendar shows the
result (issue 18, item 1)."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from tests.booking.web.office import build_office
from tests.conftest import STAFF_PASSWORD
from willkommen.accounts.models import Role
from willkommen.booking import services
from willkommen.booking.models import Appointment, AppointmentStatus, ConsultationBooking
from willkommen.booking.services import ConsultationRequest
from willkommen.clock import LOCAL_ZONE
from willkommen.scheduling.models import ClosingDay

from .conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office(organisations, make_staff):
    cache.clear()
    return build_office(organisations, make_staff)


def _book(office, hour=9, consultation=None):
    return services.book(
        office.service,
        office.at(hour),
        name="Dana",
        email="dana@example.org",
        consultation=consultation,
        language="ar",
    ).appointment


def _add_closing_day(page, office, language):
    page.goto(
        f"/staff/scheduling/locations/{office.location.pk}/closing-days/add/?lang={language}"
    )
    page.locator("#id_date").fill(office.day.isoformat())
    page.locator("#id_reason").fill("Betriebsversammlung")
    page.locator("form.stack button[type=submit]").first.click()


def test_german_preview_then_move(new_page, office, staff):
    appointment = _book(office, consultation=ConsultationRequest("ar"))
    page = new_page()
    login(page, staff[Role.COORDINATOR].username, STAFF_PASSWORD)
    _add_closing_day(page, office, "de")
    assert page.locator("h1").inner_text() == "Buchungen, die diese Änderung betrifft"
    assert "Behördentermin" in page.content()
    assert "Beratung" in page.content()  # the coordinator may see booked consultations
    assert "Dana" not in page.content()
    assert not ClosingDay.objects.exists()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Speichern und Buchungen verschieben").click()
    page.wait_for_url("**/locations/*/")
    assert page.locator(".kern-alert--success").count() >= 1
    assert ClosingDay.objects.filter(date=office.day).exists()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.start.astimezone(LOCAL_ZONE).date() != office.day


def test_arabic_preview_by_keyboard_then_cancel(new_page, office, staff):
    appointment = _book(office)
    page = new_page(locale="ar")
    login(page, staff[Role.COORDINATOR].username, STAFF_PASSWORD)
    _add_closing_day(page, office, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "الحجوزات التي يمسّها هذا التغيير"
    assert axe_violations(page) == []
    cancel = page.get_by_role("button", name="حفظ وإلغاء الحجوزات")
    # Reachable with the keyboard: tab until the cancel button has the focus, then Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if cancel.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("the cancel button is not reachable with the Tab key")
    page.keyboard.press("Enter")
    page.wait_for_url("**/locations/*/")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_german_absence_without_javascript_reassigns_or_cancels_the_consultation(
    new_page, office, staff
):
    appointment = _book(office, consultation=ConsultationRequest("ar"))
    page = new_page(java_script_enabled=False)
    login(page, staff[Role.COORDINATOR].username, STAFF_PASSWORD)
    page.goto(f"/staff/scheduling/shifts/{office.counsellor.pk}/exceptions/add/?lang=de")
    page.locator("#id_kind").select_option("absence")
    page.locator("#id_location").select_option(str(office.location.pk))
    page.locator("#id_date").fill(office.day.isoformat())
    page.locator("form.stack button[type=submit]").first.click()
    assert "Beratung" in page.content()  # (axe needs JavaScript: the other tests run it)
    page.get_by_role("button", name="Speichern und Buchungen verschieben").click()
    page.wait_for_url("**/shifts/*/")
    consultation = ConsultationBooking.objects.get(appointment=appointment)
    # The only Arabic speaker is absent all day: the consultation is cancelled, the office
    # appointment stays, and the client is told.
    assert consultation.status == "cancelled"
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED


def test_arabic_clerk_calendar_shows_the_moved_appointment(new_page, office, staff):
    appointment = _book(office, consultation=ConsultationRequest("ar"))
    page = new_page()
    login(page, staff[Role.COORDINATOR].username, STAFF_PASSWORD)
    _add_closing_day(page, office, "de")
    page.get_by_role("button", name="Speichern und Buchungen verschieben").click()
    page.wait_for_url("**/locations/*/")
    appointment.refresh_from_db()
    new_day = appointment.start.astimezone(LOCAL_ZONE).date()
    assert new_day != office.day and abs(new_day - office.day) <= timedelta(days=7)
    clerk = new_page(locale="ar")
    login(clerk, staff[Role.OFFICE_CLERK].username, STAFF_PASSWORD)
    clerk.goto(f"/staff/booking/?date={new_day.isoformat()}&lang=ar")
    assert "Dana" in clerk.content()
    assert axe_violations(clerk) == []
    clerk.goto(f"/staff/booking/?date={office.day.isoformat()}&lang=ar")
    assert "Dana" not in clerk.content()
