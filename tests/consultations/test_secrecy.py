"""Professional secrecy: every URL and every API operation, with every role that must not
see a Caritas consultation, answers 403 or 404 (or, for list pages, a page without it),
and the attempt on case content is audited.

The URL list is the resolver's, not a hand-written one, so a page added later by any app
is checked too: parameters are filled with the identifiers of the Caritas consultation
(its id, its client's id, its booking's id and code).
"""

import json
import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from willkommen.accounts.models import Role
from willkommen.consultations.models import AuditAction, AuditEvent, ClientRecord, Consultation

from .factories import SECRET_NOTE, booked_consultation, caritas_consultation, login_verified

pytestmark = pytest.mark.django_db

CLIENT_NAME = "Amina Testperson"
CLIENT_CONTACT = "+49 170 0000000"

# The consultation app's pages, by what they point at.
RECORD_URLS = ["record", "document", "start", "finish", "no_show", "follow_up"]
CLIENT_URLS = ["client", "client_export", "client_erase"]
BOOKING_URLS = ["booking_start", "booking_no_show"]
LIST_URLS = ["day", "client_search"]


@pytest.fixture
def case(staff):
    """A Caritas consultation with every kind of case content, booked online."""
    booking = booked_consultation(staff)
    consultation = caritas_consultation(staff)
    consultation.booking = booking
    consultation.save()
    return consultation


@pytest.fixture
def outsiders(staff, make_staff, organisations):
    """Everyone who must not see a Caritas consultation."""
    operator = staff[Role.OPERATOR]
    operator.is_superuser = True
    operator.save()
    return {
        "clerk": staff[Role.OFFICE_CLERK],
        "coordinator": staff[Role.COORDINATOR],
        "operator": operator,
        "outreach": staff[Role.OUTREACH],
        "awo_counsellor": make_staff(Role.COUNSELLOR, organisations["awo"], username="awo-c"),
        "awo_lead": make_staff(Role.ORGANISATION_LEAD, organisations["awo"], username="awo-l"),
    }


def markers(case):
    return [SECRET_NOTE, CLIENT_NAME, CLIENT_CONTACT, case.client.pseudonym]


def assert_no_leak(response, case, where, extra=(), supplied=""):
    """None of the case's markers is in the response, except what the visitor typed in
    themselves (a pseudonym in the URL echoed by the language switcher is no leak)."""
    supplied = supplied or where
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content).decode(errors="replace")
    else:
        body = response.content.decode(errors="replace")
    for marker in [*markers(case), *extra]:
        if marker in supplied:
            continue
        assert marker not in body, f"{where} reveals {marker!r} (status {response.status_code})"


def _all_patterns(patterns=None, prefix=""):
    from django.urls import URLResolver

    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def every_url(case):
    """Every routable URL of the project, parameters filled from the Caritas case."""
    ints = [case.pk, case.client_id, case.booking_id, case.booking.appointment_id]
    # Not the pseudonym: a visitor who typed it in could see it echoed (and Django's
    # messages carry such echoes to the next page), which would blur the check.
    strs = [case.booking.appointment.code, str(case.pk), str(case.client_id)]
    urls = set()
    for route, entry in _all_patterns():
        if not isinstance(entry.pattern, RoutePattern) and "(?P" in route:
            continue  # regex routes (the admin's app index) are covered by admin_urls()
        route = route.lstrip("^").rstrip("$")
        names = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if not names:
            urls.add("/" + route)
            continue
        for index in range(max(len(ints), len(strs))):

            def fill(match, index=index):
                converter = match.group(1) or "str"
                values = ints if converter == "int" else strs
                return str(values[index % len(values)])

            urls.add("/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route))
    return sorted(urls)


def admin_urls(case):
    base = "/admin/consultations/"
    return [
        base,
        f"{base}consultation/",
        f"{base}consultation/{case.pk}/change/",
        f"{base}clientrecord/{case.client_id}/change/",
        f"{base}auditevent/",
        f"/admin/booking/consultationbooking/{case.booking_id}/change/",
    ]


def consultation_urls(case):
    """(url, kind) for every page of the consultation app that points at the case."""
    name = "consultations_staff:{}".format
    urls = [(reverse(name(n), args=[case.pk]), "consultation", case.pk) for n in RECORD_URLS]
    urls += [
        (reverse(name(n), args=[case.client_id]), "clientrecord", case.client_id)
        for n in CLIENT_URLS
    ]
    urls += [
        (reverse(name(n), args=[case.booking_id]), "booking", case.booking_id)
        for n in BOOKING_URLS
    ]
    return urls


def test_the_caritas_counsellor_does_see_the_case(client, staff, case):
    """Control: the markers are on the record page, so their absence elsewhere means
    something."""
    login_verified(client, staff[Role.COUNSELLOR])
    page = client.get(reverse("consultations_staff:record", args=[case.pk])).content.decode()
    assert SECRET_NOTE in page and case.client.pseudonym in page and CLIENT_NAME in page
    api = client.get(f"/api/v1/consultations/{case.pk}")
    assert api.status_code == 200 and api.json()["note"] == SECRET_NOTE


def test_url_enumeration_covers_the_consultation_pages(case):
    urls = every_url(case)
    assert f"/staff/consultations/records/{case.pk}/" in urls
    assert f"/staff/consultations/clients/{case.client_id}/export/" in urls
    assert f"/book/manage/{case.booking.appointment.code}/" in urls
    assert len(urls) > 50


@pytest.mark.parametrize(
    "who", ["clerk", "coordinator", "operator", "outreach", "awo_counsellor", "awo_lead"]
)
def test_no_path_leads_an_outsider_to_the_case(client, case, outsiders, who):
    user = outsiders[who]
    login_verified(client, user)
    # 1. Every URL of the project, GET.
    for url in [*every_url(case), *admin_urls(case)]:
        client.raise_request_exception = False
        response = client.get(url)
        assert_no_leak(response, case, f"GET {url} as {who}")
    # 2. The consultation pages pointing at the case: 403 or 404 with GET and POST, and
    #    every attempt audited with the object it aimed at.
    for url, object_type, object_id in consultation_urls(case):
        for method in ("get", "post"):
            denied = AuditEvent.objects.filter(
                actor=user, action=AuditAction.DENIED, object_id=str(object_id)
            )
            before = denied.count()
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404), (who, method, url, response.status_code)
            assert_no_leak(response, case, f"{method} {url} as {who}", extra=["Housing"])
            assert denied.count() == before + 1, (who, method, url)
            assert denied.first().object_type == object_type
    # 3. List pages: refused, or shown without the case.
    for name in LIST_URLS:
        response = client.get(reverse(f"consultations_staff:{name}"))
        assert response.status_code in (200, 403), (who, name, response.status_code)
        assert_no_leak(response, case, f"{name} as {who}", extra=["Housing", "Family"])
    # 4. The search by booking code and by pseudonym finds nothing.
    for params in (
        {"booking_code": case.booking.appointment.code},
        {"pseudonym": case.client.pseudonym},
    ):
        response = client.get(reverse("consultations_staff:client_search"), params)
        assert response.status_code in (200, 403)
        assert_no_leak(response, case, f"search {params} as {who}")
    # Nothing was changed by any of it.
    case.refresh_from_db()
    assert case.note == SECRET_NOTE and case.client.name == CLIENT_NAME


@pytest.mark.parametrize(
    "who", ["clerk", "coordinator", "operator", "outreach", "awo_counsellor", "awo_lead"]
)
def test_no_api_operation_leads_an_outsider_to_the_case(client, case, outsiders, who):
    user = outsiders[who]
    login_verified(client, user)
    schema = client.get("/api/openapi.json").json()
    operations = [
        (path, method, spec)
        for path, methods in schema["paths"].items()
        for method, spec in methods.items()
    ]
    assert any(path == "/api/v1/consultations/{consultation_id}" for path, _m, _s in operations)
    values = {"consultation_id": case.pk, "code": case.booking.appointment.code}
    for path, method, spec in operations:
        url = re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), case.pk)), path)
        client.raise_request_exception = False
        response = client.generic(
            method.upper(), url, data=json.dumps({}), content_type="application/json"
        )
        assert_no_leak(response, case, f"{method} {url} as {who}")
        if "consultations" in spec.get("tags", []):
            # A list answers 200 with the user's own organisation's records (none here);
            # an operation on the case itself is refused.
            allowed = (401, 403, 404) if "{" in path else (200, 401, 403, 404)
            assert response.status_code in allowed, (who, method, url, response.status_code)
            assert_no_leak(response, case, f"{method} {url} as {who}", extra=["housing"])
    assert AuditEvent.objects.filter(
        actor=user, action=AuditAction.DENIED, object_id=str(case.pk)
    ).exists()


def test_anonymous_visitors_get_nothing(client, case):
    for url, _kind, _id in consultation_urls(case):
        response = client.get(url)
        assert response.status_code == 302 and "/staff/login/" in response["Location"]
    assert client.get(f"/api/v1/consultations/{case.pk}").status_code == 401
    assert client.get("/api/v1/consultations").status_code == 401


def normalised(response, url):
    """The page without what differs anyway: the URL itself (the language switcher
    links back to it) and the per-request CSRF token."""
    body = response.content.decode().replace(url, "URL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


@pytest.mark.parametrize("who", ["clerk", "awo_counsellor"])
def test_an_outsider_cannot_tell_whether_a_consultation_exists(client, case, outsiders, who):
    login_verified(client, outsiders[who])
    missing = Consultation.objects.order_by("-pk").first().pk + 1000
    missing_client = ClientRecord.objects.order_by("-pk").first().pk + 1000
    pairs = [
        (f"/api/v1/consultations/{case.pk}", f"/api/v1/consultations/{missing}"),
        (
            reverse("consultations_staff:record", args=[case.pk]),
            reverse("consultations_staff:record", args=[missing]),
        ),
        (
            reverse("consultations_staff:client", args=[case.client_id]),
            reverse("consultations_staff:client", args=[missing_client]),
        ),
    ]
    for existing, absent in pairs:
        a, b = client.get(existing), client.get(absent)
        assert a.status_code == b.status_code, (existing, a.status_code, b.status_code)
        assert normalised(a, existing) == normalised(b, absent)
    search = reverse("consultations_staff:client_search")
    a = client.get(search, {"booking_code": case.booking.appointment.code})
    b = client.get(search, {"booking_code": "ZZZZZZZZZZ"})
    assert a.status_code == b.status_code
    code = case.booking.appointment.code
    assert normalised(a, code) == normalised(b, "ZZZZZZZZZZ")


def test_the_admin_registers_no_case_content(client, case, outsiders):
    from willkommen.booking.models import ConsultationBooking
    from willkommen.consultations.models import AuditEvent as Audit

    for model in (Consultation, ClientRecord, Audit, ConsultationBooking):
        assert model not in admin.site._registry, model
    operator = outsiders["operator"]
    assert operator.is_superuser
    client.force_login(operator)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/consultations/" not in index.content
    for url in admin_urls(case):
        assert client.get(url).status_code == 404, url


def test_lists_of_another_organisation_do_not_show_the_case(client, case, outsiders):
    login_verified(client, outsiders["awo_counsellor"])
    response = client.get("/api/v1/consultations")
    assert response.status_code == 200 and response.json() == []
    login_verified(client, outsiders["awo_lead"])
    assert client.get("/api/v1/consultations").json() == []
    page = client.get(reverse("consultations_staff:audit_log"))
    assert page.status_code == 200
    assert_no_leak(page, case, "AWO's audit log")


def test_control_without_the_organisation_check_the_outsider_would_see_it(
    client, case, outsiders, monkeypatch
):
    """Control: weaken the policy to ignore the organisation, and the other organisation's
    counsellor reads the note. So the 404s above come from the organisation check."""
    from willkommen.accounts import policy

    monkeypatch.setattr(
        policy,
        "can_read_case_content",
        lambda user, organisation_id: policy.has_permission(user, policy.P.READ_CASE_CONTENT),
    )
    login_verified(client, outsiders["awo_counsellor"])
    response = client.get(reverse("consultations_staff:record", args=[case.pk]))
    assert response.status_code == 200
    assert SECRET_NOTE in response.content.decode()
