"""Never a 5xx from input: every page, every query parameter and every form field, fuzzed
with hypothesis, as anonymous visitor and as each staff role – on SQLite and (with
``DATABASE_URL``) on PostgreSQL, where a NUL byte used to break every query that held one.

What is fuzzed is found, not listed (``page_fuzz.py``): the URLs from the resolver, the
parameters from what each view reads and from the forms and links of its page. A role
fuzzes the pages it may open (a refused page parses no input). Values mix plausible ones
(options, hidden fields, days from links) with hostile ones: NUL and other control
characters, dates far out (9999-12-31, year 1, ``9999-12-31T23:59:59+00:00``), huge
numbers, long texts, lists where one value is expected.

Derandomised and bounded: a fixed set of hostile values, then ``PAGE_FUZZ_EXAMPLES``
generated examples per page and method (default 5; ``PAGE_FUZZ_EXAMPLES=100`` for a
longer run). The JSON API has its own schemathesis run
(``tests/ops/test_api_schema.py``).
"""

import os
import re
from datetime import timedelta

import hypothesis
import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from hypothesis import strategies as st

from tests.booking.web.office import build_office
from tests.consultations.factories import login_verified
from tests.staff_urls import SAMPLE_KWARGS, walk
from willkommen.accounts.models import Role
from willkommen.booking import services as booking_services
from willkommen.booking.models import Appointment
from willkommen.directory.models import Offer
from willkommen.release import draw as release_draw
from willkommen.release import requests as release_requests
from willkommen.release.models import ReleaseRequest, ReleaseRound, RequestStatus
from willkommen.walkins.models import Ticket

from .page_fuzz import discover, page_inputs, send

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("PAGE_FUZZ_EXAMPLES", "5"))
SKIPPED_PREFIXES = ("api/", "admin/", "static/")
# POSTing these would end the visitor's session (the later examples would be anonymous).
NOT_POSTED = {"accounts:logout"}
HOSTILE = [
    "",
    "\x00",
    "a\x00b",
    "\x01\x1f",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59+00:00",
    "0001-01-01T00:30:00+02:00",
    "2026-02-30",
    "9999-12",
    "23:59",
    "25:61",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "NaN",
    "on",
    "x" * 3000,
    "' OR '1'='1",
    "\u202eevil",
    "../../etc/passwd",
]
ROLES = [None, *Role]


def public_samples(world):
    """URL arguments for the public pages with parameters (staff pages: tests/url_samples_*)."""
    code = world["appointment"].code
    return {
        "booking:service": {"service_id": world["office"].service.pk},
        "booking:choose": {"service_id": world["office"].service.pk},
        **{
            f"booking:{name}": {"code": code}
            for name in (
                "done",
                "confirm",
                "manage",
                "cancel",
                "move",
                "move_consultation",
                "calendar",
            )
        },
        "walkins:display": {"location_id": world["office"].location.pk},
        "walkins:ticket": {"token": world["ticket"].public_token},
        "directory:detail": {"pk": world["offer"].pk},
        # The drawn round: its page has the order's paging and the number search as inputs.
        "release:round": {"round_id": world["drawn_round"].pk},
        "release:order_file": {"round_id": world["drawn_round"].pk},
        "release:request": {"round_id": world["round"].pk},
        **{
            f"release:{name}": {"number": world["release_request"].number}
            for name in ("status", "confirm", "withdraw")
        },
    }


def site_urls(staff, world):
    """(name, url) of every page of the site outside the API and the admin."""
    samples = public_samples(world)
    urls = []
    for route, name, pattern in walk():
        if route.startswith(SKIPPED_PREFIXES) or not isinstance(pattern.pattern, RoutePattern):
            continue
        if pattern.pattern.converters:
            builder = SAMPLE_KWARGS.get(name)
            kwargs = builder(staff) if builder else samples.get(name)
            assert kwargs is not None, f"add sample URL arguments for {name} ({route})"
            urls.append((name, reverse(name, kwargs=kwargs)))
        else:
            urls.append((name, "/" + route))
    return urls


@pytest.fixture
def world(organisations, make_staff, staff):
    office = build_office(organisations, make_staff)
    result = booking_services.book(
        office.service.pk, office.at(10), name="Layla", email="layla@example.org"
    )
    ticket_pk = SAMPLE_KWARGS["walkins_staff:ticket"](staff)["pk"]
    offer_pk = SAMPLE_KWARGS["directory_staff:edit"](staff)["pk"]
    Offer.objects.filter(pk=offer_pk).update(is_active=True)
    release_round = open_release_round(office)
    release_request, _token = release_requests.submit(
        release_round, service_id=office.service.pk, name="Omar", email="omar@example.org"
    )
    return {
        "round": release_round,
        "drawn_round": drawn_release_round(office),
        "release_request": release_request,
        "office": office,
        "appointment": Appointment.objects.get(code=result.appointment.code),
        "token": result.manage_token,
        "ticket": Ticket.objects.get(pk=ticket_pk),
        "offer": Offer.objects.get(pk=offer_pk),
    }


def drawn_release_round(office):
    """A round three weeks after the office's day, drawn with one confirmed request."""
    release_round = open_release_round(office, weeks=3)
    drawn, _token = release_requests.submit(
        release_round, service_id=office.service.pk, name="Nadia", email="nadia@example.org"
    )
    ReleaseRequest.objects.filter(pk=drawn.pk).update(status=RequestStatus.CONFIRMED)
    release_draw.run_draw(release_round.pk, now=release_round.draw_at + timedelta(minutes=1))
    release_round.refresh_from_db()
    return release_round


def open_release_round(office, weeks=2):
    """An open round two weeks after the office's day (so the day itself stays bookable)."""
    now = timezone.now()
    first_day = office.day + timedelta(days=7 * weeks)
    release_round = ReleaseRound.objects.create(
        location=office.location,
        first_day=first_day,
        last_day=first_day,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        draw_at=now + timedelta(days=2),
    )
    release_round.services.set([office.service])
    release_round.desks.set([office.desk])
    return release_round


def browser_for(role, staff, world):
    """A client as ``role`` (None: an anonymous client holding a manage link and a held
    time, so that the manage pages and the details form open)."""
    browser = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    if role is None:
        appointment = world["appointment"]
        browser.get(
            reverse("booking:manage", kwargs={"code": appointment.code}), {"token": world["token"]}
        )
        office = world["office"]
        hold = reverse("booking:choose", kwargs={"service_id": office.service.pk})
        held = browser.post(hold, {"start": office.at(13).isoformat()})
        assert held.status_code == 302, held.status_code
    elif role in (Role.COUNSELLOR, Role.ORGANISATION_LEAD):
        login_verified(browser, staff[role])
    else:
        browser.force_login(staff[role])
    return browser


def refused(response):
    location = response.get("Location", "")
    return response.status_code == 403 or (
        response.status_code == 302 and reverse("accounts:login") in location
    )


def targets_for(browser, urls):
    """{(method, url): {name: [plausible values]}} of what ``browser`` may open."""
    found = {}
    for name, url in urls:
        baseline = send(browser, "GET", url, {})
        if refused(baseline):
            continue
        forms, linked = page_inputs(url, baseline)
        path = url.split("?", 1)[0]
        if baseline.status_code != 405:
            found.setdefault(("GET", path), {}).update(linked.get(path, {}))
        if name not in NOT_POSTED:
            found.setdefault(("POST", path), {})
        for form in forms:
            action = form.action.split("?", 1)[0]
            key = (form.method if form.method in ("GET", "POST") else "GET", action)
            if key[0] == "POST" and any(action == reverse(n) for n in NOT_POSTED):
                continue
            entry = found.setdefault(key, {})
            for field, values in form.fields.items():
                entry.setdefault(field, []).extend(values)
    return found


def value_strategy(plausible):
    single = st.one_of(
        st.sampled_from(plausible or ["1"]), st.sampled_from(HOSTILE), st.text(max_size=40)
    )
    return st.one_of(single, st.lists(single, min_size=2, max_size=3))


# Tried before the generated examples, so that the classic 500s do not depend on luck:
# each value in every parameter at once (a NUL, an id past bigint: any field refuses it on
# its own), and the dates in each parameter alone with the others plausible (a date is
# only used once the rest of the form is valid).
ALL_AT_ONCE = ["a\x00b", "99999999999999999999", "9999-12-31", "9999-12-31T23:59:59+00:00"]
EACH_PARAMETER = ["9999-12-31", "9999-12-31T23:59:59+00:00"]


def explicit_cases(params):
    plausible = {name: (values[0] if values else "1") for name, values in params.items()}
    for value in ALL_AT_ONCE:
        yield dict.fromkeys(params, value)
    for name in params:
        for value in EACH_PARAMETER:
            yield {**plausible, name: value}


def fuzz_target(browser, method, url, params, failures):
    for data in explicit_cases(params):
        response = send(browser, method, url, data)
        if response.status_code >= 500:
            failures.append(f"{method} {url} {data!r} -> {response.status_code}"[:600])
    strategy = st.fixed_dictionaries(
        {}, optional={name: value_strategy(values) for name, values in params.items()}
    )

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(strategy)
    def probe(data):
        response = send(browser, method, url, data)
        assert response.status_code < 500, f"{method} {url} {data!r} -> {response.status_code}"

    try:
        probe()
    except AssertionError as failure:
        failures.append(str(failure)[:600])


@pytest.mark.parametrize("role", ROLES, ids=["anonymous", *[role.value for role in Role]])
@override_settings(RATELIMIT_ENABLE=False)
def test_no_page_answers_5xx_to_fuzzed_input(role, staff, world):
    browser = browser_for(role, staff, world)
    targets = targets_for(browser, site_urls(staff, world))
    assert len(targets) >= (20 if role is None else 4), sorted(targets)
    failures = []
    for (method, url), known in sorted(targets.items()):
        if send(browser, method, url, {}).status_code == 405:
            continue  # the view does not take this method: nothing of it is read
        params = discover(browser, method, url, known)
        if os.environ.get("PAGE_FUZZ_DEBUG"):
            print(method, url, sorted(params))
        if params or method == "GET":
            fuzz_target(browser, method, url, params, failures)
    assert not failures, "\n".join(failures)


def test_the_walk_finds_the_inputs_of_the_pages(staff, world):
    """Control: the discovery sees the parameters the views read and the forms' fields –
    the hostile query of the service page, the clerk's date, the details form."""
    anonymous = browser_for(None, staff, world)
    targets = targets_for(anonymous, site_urls(staff, world))
    service = reverse("booking:service", kwargs={"service_id": world["office"].service.pk})
    found = discover(anonymous, "GET", service, targets[("GET", service)])
    assert {"day", "consultation", "language", "topics", "lang"} <= set(found)
    assert {"name", "email", "phone", "form_token"} <= set(
        targets[("POST", reverse("booking:details"))]
    )
    clerk = browser_for(Role.OFFICE_CLERK, staff, world)
    calendar = reverse("booking_staff:calendar")
    assert {"date", "location"} <= set(discover(clerk, "GET", calendar, {}))


def test_control_without_the_input_guards_the_fuzz_finds_5xx(staff, world, settings):
    """Control: with the range check of the clerk's date switched off (the old parser), the
    same fuzzing of the same page finds the 500 of ``?date=9999-12-31``."""
    from datetime import date

    from willkommen import inputs

    clerk = browser_for(Role.OFFICE_CLERK, staff, world)
    calendar = reverse("booking_staff:calendar")
    failures = []
    original = inputs.parse_date
    try:
        inputs.parse_date = lambda text: date.fromisoformat(text) if text else None
        fuzz_target(clerk, "GET", calendar, {"date": []}, failures)
    finally:
        inputs.parse_date = original
    assert failures and re.search(r"-> 500", failures[0])
    assert world["appointment"].end > world["appointment"].start + timedelta(minutes=1)
