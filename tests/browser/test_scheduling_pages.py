"""The coordinator's scheduling pages and the clerk's calendar: usable and without axe
violations, on a desktop and in a right-to-left language."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache

from tests.booking.web.office import build_office
from tests.conftest import STAFF_PASSWORD
from willkommen.accounts.models import Role
from willkommen.booking import services
from willkommen.booking.services import ConsultationRequest
from willkommen.clock import today as local_today

from .conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office(organisations, make_staff):
    cache.clear()
    return build_office(organisations, make_staff)


def test_coordinator_pages_have_no_axe_violation(new_page, office, staff):
    page = new_page()
    login(page, staff[Role.COORDINATOR].username, STAFF_PASSWORD)
    location = office.location.pk
    counsellor = office.counsellor.pk
    for path in (
        "/staff/scheduling/locations/",
        f"/staff/scheduling/locations/{location}/",
        f"/staff/scheduling/locations/{location}/hours/add/",
        f"/staff/scheduling/locations/{location}/desks/add/",
        f"/staff/scheduling/locations/{location}/rules/",
        "/staff/scheduling/shifts/",
        f"/staff/scheduling/shifts/{counsellor}/",
        f"/staff/scheduling/shifts/{counsellor}/add/",
        f"/staff/scheduling/shifts/{counsellor}/exceptions/add/",
    ):
        page.goto(f"{path}?lang=ar")
        assert page.locator("h1").count() == 1, path
        assert axe_violations(page) == [], path


def test_coordinator_adds_a_closing_day_without_javascript(new_page, office, staff):
    page = new_page(java_script_enabled=False)
    login(page, staff[Role.COORDINATOR].username, STAFF_PASSWORD)
    page.goto(f"/staff/scheduling/locations/{office.location.pk}/closing-days/add/?lang=en")
    day = local_today() + timedelta(days=20)
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_reason").fill("Move")
    page.locator("form.stack button[type=submit]").click()
    assert day.isoformat() in page.content()


def test_clerk_calendar_has_no_axe_violation(new_page, office, staff):
    services.book(
        office.service,
        office.at(9),
        name="Dana",
        email="dana@example.org",
        consultation=ConsultationRequest("ar"),
    )
    # Arrival statuses are taken on the appointment's day only: the clerk's morning.
    with time_machine.travel(office.at(8, 30), tick=True):
        page = new_page()
        login(page, staff[Role.OFFICE_CLERK].username, STAFF_PASSWORD)
        page.goto(f"/staff/booking/?date={office.day.isoformat()}&lang=en")
        assert "Dana" in page.content()
        assert axe_violations(page) == []
        page.locator("form[action*='/status/'] button[type=submit]").first.click()
        page.locator(".kern-alert--success").wait_for()
        assert page.locator(".kern-alert--success").count() == 1
