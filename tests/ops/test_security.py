"""Security hardening across the whole site (docs/security.md points here).

* every public page and every staff page answers with the strict CSP (no inline scripts,
  no inline styles or event handlers in the HTML) and every POST form carries a CSRF token;
* every public write of the HTML site and of the API is enumerated (by POSTing to every
  public URL and by reading the OpenAPI document) and classified; a new write that nobody
  classified fails the test. The rate-limited ones are shown to answer 429.
"""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.booking.web.conftest import api_booking, hold, submit_details
from tests.booking.web.office import build_office
from tests.staff_urls import walk
from willkommen.accounts.models import Role
from willkommen.booking.availability import find_slots

pytestmark = pytest.mark.django_db

NOT_HTML_SITE = ("admin/", "api/", "static/")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>\s*\S")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
POST_FORM = re.compile(r"<form\b[^>]*method=[\"']?post[^>]*>(.*?)</form>", re.I | re.S)


@pytest.fixture
def office(organisations, make_staff):
    return build_office(organisations, make_staff)


def _url_for(route, pattern, office):
    """Fills a pattern's parameters with real identifiers where they exist."""
    kwargs = {}
    for name, converter in pattern.pattern.converters.items():
        if name == "service_id":
            kwargs[name] = office.service.pk
        elif name in {"location_id", "pk"}:
            kwargs[name] = office.location.pk
        else:
            kwargs[name] = 1 if converter.regex == "[0-9]+" else "NOTACODE12"
    url = "/" + route
    for name, value in kwargs.items():
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
    return url


def public_routes():
    for route, name, pattern in walk():
        if route.startswith("staff/") and name not in {"accounts:login"}:
            continue
        if route.startswith(NOT_HTML_SITE):
            continue
        yield route, name, pattern


def assert_strict_page(url, response):
    policy = response.get("Content-Security-Policy", "")
    assert policy, f"{url} has no Content-Security-Policy"
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
    assert "frame-ancestors 'none'" in policy, url
    if "text/html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), f"{url}: inline <script>"
    assert not INLINE_HANDLER.search(html), f"{url}: inline event handler"
    assert not INLINE_STYLE.search(html), f"{url}: style attribute"
    for form in POST_FORM.findall(html):
        assert 'name="csrfmiddlewaretoken"' in form, f"{url}: POST form without CSRF token"


def test_every_public_page_has_the_strict_csp_and_csrf_on_forms(client, office):
    checked = 0
    for route, _name, pattern in public_routes():
        url = _url_for(route, pattern, office)
        response = client.get(url + "?lang=en")
        assert response.status_code < 500, url
        if response.status_code in (301, 302, 405):
            continue
        assert_strict_page(url, response)
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize(
    "role", [Role.OUTREACH, Role.COORDINATOR, Role.OFFICE_CLERK, Role.OPERATOR]
)
def test_every_staff_page_has_the_strict_csp_and_csrf_on_forms(client, office, make_staff, role):
    client.force_login(make_staff(role))
    checked = 0
    for route, _name, pattern in walk():
        if not route.startswith("staff/") or pattern.pattern.converters:
            continue
        response = client.get("/" + route)
        assert response.status_code < 500, route
        if response.status_code == 200:
            assert_strict_page(route, response)
            checked += 1
    assert checked >= 1


def test_the_csrf_check_is_enforced(office):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    url = reverse("booking:choose", kwargs={"service_id": office.service.pk})
    assert strict.post(url, {"start": office.at(10).isoformat()}).status_code == 403
    assert strict.post(reverse("accounts:login"), {"username": "x"}).status_code == 403


# How each public write is protected. A new one must be added here (and to docs/security.md).
HTML_WRITES = {
    "booking:choose": "takes no slot: only remembers the choice in the visitor's own session",
    "booking:details": "captcha (or confirmation link + halved limits) + rate limits per "
    "address and e-mail/phone + open-bookings limit",
    "booking:external": "rate limit per client address and per e-mail/phone; refused where "
    "the office system can be asked (OFFICE_SYSTEMS_MANUAL_ENTRY)",
    "booking:office_appointment": "captcha (or halved limits) + look-ups rate-limited per "
    "address and per reference + the booking's rate limits; refusals store nothing",
    "booking:confirm": "secret confirm token + link rate limits (booking/limits.py)",
    "booking:cancel": "secret manage token + link rate limits (booking/limits.py)",
    "booking:move": "secret manage token + link rate limits (booking/limits.py)",
    "booking:move_consultation": "secret manage token + link rate limits (booking/limits.py)",
    "booking:lost_link": "rate limits per address, per code and per contact "
    "(BOOKING_RATE_LIMIT_LOST_LINK); the link goes only to the booking's own contact",
    "set_language": "only sets the language cookie",
    "accounts:login": "django-axes lock-out per user name and address",
    "accounts:logout": "ends the own session only",
}
API_WRITES = {
    ("post", "/api/v1/bookings"): "captcha or API key + rate limits per address and contact",
    ("post", "/api/v1/external-bookings"): "captcha or API key + rate limits",
    ("delete", "/api/v1/bookings/{code}"): "secret manage token + link rate limits",
    ("patch", "/api/v1/bookings/{code}"): "secret manage token + link rate limits",
    ("post", "/api/v1/bookings/{code}/confirm"): "secret confirm token + link rate limits",
    ("post", "/api/v1/bookings/lost-link"): "rate limits per address, code and contact; "
    "the link goes only to the booking's own contact",
    ("post", "/api/v1/office-appointments"): "partner API key (403 without) + idempotency",
    ("patch", "/api/v1/office-appointments/{reference}"): "partner API key + idempotency",
    ("delete", "/api/v1/office-appointments/{reference}"): "partner API key + idempotency",
    ("post", "/api/v1/release/rounds/{round_id}/requests"): "captcha or API key + rate limits "
    "per address and contact; counts only once confirmed through the contact",
    ("post", "/api/v1/release/requests/{number}/confirm"): "signed confirmation token bound "
    "to the request number (unguessable), used once",
    ("post", "/api/v1/release/requests/{number}/withdraw"): "signed status token bound to the "
    "request number (unguessable)",
}


WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# The rate limiter's own counting (without Redis, a table) is the guard, not a write.
RATE_LIMIT_COUNTER = re.compile(r'^\s*INSERT INTO "ratelimit_counter"', re.IGNORECASE)


def _writes(queries):
    return [
        query["sql"]
        for query in queries.captured_queries
        if WRITE_SQL.match(query["sql"]) and not RATE_LIMIT_COUNTER.match(query["sql"])
    ]


def test_every_public_html_write_is_classified(client, office):
    """POSTs to every public URL: each one either refuses POST (405), is classified above,
    or provably writes nothing (no INSERT/UPDATE/DELETE while it answers)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unclassified = set()
    for route, name, pattern in public_routes():
        url = _url_for(route, pattern, office)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {})
        assert response.status_code < 500, url
        if response.status_code == 405 or name in HTML_WRITES:
            continue
        if _writes(queries):
            unclassified.add(name)
    assert not unclassified, f"public POST endpoints without a documented guard: {unclassified}"


def test_every_public_api_write_is_classified(client, make_staff):
    schema = client.get("/api/openapi.json").json()
    writes = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in {"post", "put", "patch", "delete"} and not operation.get("security"):
                writes.add((method, path))
    # Staff-only writes answer 401/403 to an anonymous client: they are not public.
    public = set()
    for method, path in writes:
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = getattr(client, method)(url, "{}", content_type="application/json")
        if response.status_code not in (401, 403) or (method, path) in API_WRITES:
            public.add((method, path))
    unclassified = public - set(API_WRITES)
    assert not unclassified, f"public API writes without a documented guard: {unclassified}"


@override_settings(
    BOOKING_RATE_LIMIT_PER_IP=(2, 3600), BOOKING_CAPTCHA_KEY_PREFIX="0", BOOKING_CAPTCHA_COST=1
)
def test_api_booking_is_rate_limited(client, office):
    statuses = []
    for number, hour in enumerate([9, 10, 11]):
        response = api_booking(client, office, hour, f"bot{number}@example.org")
        statuses.append(response.status_code)
    assert statuses == [201, 201, 429]


@override_settings(BOOKING_RATE_LIMIT_PER_IP=(2, 3600))
def test_choosing_times_takes_no_slot_from_anybody(client, office):
    """Three holds used to empty a morning for ten minutes each, without a contact or a
    captcha. Choosing a time now takes nothing: every time stays bookable for others."""
    from willkommen.booking.models import Appointment

    hours = (9, 10, 11, 12, 13)
    statuses = [hold(client, office, office.at(hour)).status_code for hour in hours]
    assert statuses == [302] * len(hours)
    assert not Appointment.objects.exists()
    free = {slot.start for slot in find_slots(office.service, office.day, office.day)}
    assert {office.at(hour) for hour in hours} <= free


@override_settings(BOOKING_RATE_LIMIT_PER_CONTACT=(4, 86400), BOOKING_MAX_OPEN_PER_CONTACT=9)
def test_html_details_are_rate_limited_per_contact(client, office):
    """Without the captcha's JavaScript the stricter limit (half: 2) applies. The HTML
    form answers the refusal on the page with status 429 and the message."""
    from willkommen.booking.models import Appointment, AppointmentStatus

    pages = []
    for hour in (9, 10, 11):
        hold(client, office, office.at(hour))
        pages.append(submit_details(client, email="same@example.org", with_captcha=False))
    assert [page.status_code for page in pages[:2]] == [302, 302]
    assert pages[2].status_code == 429
    assert "Too many attempts" in pages[2].content.decode()
    # Without the proof of work both wait for the confirmation link.
    assert Appointment.objects.filter(status=AppointmentStatus.PENDING_CONFIRMATION).count() == 2


def test_staff_login_locks_out(client, make_staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = make_staff(Role.COORDINATOR)
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "nope"})
    from tests.conftest import STAFF_PASSWORD

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": STAFF_PASSWORD}
    )
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


@override_settings(BOOKING_CAPTCHA_KEY_PREFIX="0", BOOKING_CAPTCHA_COST=1)
def test_booking_codes_cannot_be_enumerated(client, office):
    """An existing code with a wrong token and a code that does not exist answer alike
    (API and manage page), so trying codes reveals nothing; codes are 10 random characters
    from 28 (about 2^48) and a token is needed anyway."""
    created = api_booking(client, office, 9, "layla@example.org", name="Layla").json()
    code, token = created["code"], created["manage_token"]
    missing = "ZZZZZZZZZZ" if code != "ZZZZZZZZZZ" else "YYYYYYYYYY"
    for headers in ({}, {"X-Manage-Token": "forged"}, {"X-Manage-Token": token}):
        real = client.get(f"/api/v1/bookings/{code}", headers=headers)
        fake = client.get(f"/api/v1/bookings/{missing}", headers=headers)
        if headers.get("X-Manage-Token") == token:
            assert real.status_code == 200 and fake.status_code == 403
            continue
        assert (real.status_code, real.content) == (fake.status_code, fake.content)
    real = client.get(reverse("booking:manage", kwargs={"code": code}) + "?token=forged")
    fake = client.get(reverse("booking:manage", kwargs={"code": missing}) + "?token=forged")
    assert real.status_code == fake.status_code
    assert "Layla" not in real.content.decode()


@override_settings(
    BOOKING_RATE_LIMIT_PER_IP=(2, 3600),
    BOOKING_CAPTCHA_KEY_PREFIX="0",
    BOOKING_CAPTCHA_COST=1,
    RATELIMIT_ENABLE=False,
)
def test_control_without_rate_limits_the_third_booking_goes_through(client, office):
    """Control for test_api_booking_is_rate_limited: the 429 comes from the limit."""
    for number, hour in enumerate([9, 10, 11]):
        response = api_booking(client, office, hour, f"bot{number}@example.org")
        assert response.status_code == 201
