"""Every staff URL with every role: allowed exactly when the policy module says so."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.sso.conftest import group_mapping  # noqa: F401  (fixture)
from tests.sso.peers import (  # noqa: F401  (fixtures)
    ROLE_USERS,
    ldap_server,
    ldap_settings,
    ldap_sign_in,
    oidc_provider,
    oidc_settings,
    oidc_sign_in,
    start_oidc_provider,
)
from willkommen.accounts import policy
from willkommen.accounts.models import Role, StaffMember
from willkommen.directory.models import Offer

from .staff_urls import OBJECT_CHECKS, SAMPLE_KWARGS, staff_url_patterns

pytestmark = pytest.mark.django_db

STAFF_URLS = staff_url_patterns()
STAFF_URL_IDS = [name for _route, name, _pattern in STAFF_URLS]


def test_there_are_staff_urls_to_check():
    assert any(name == "accounts:home" for _route, name, _p in STAFF_URLS)


@pytest.mark.parametrize(("route", "name", "pattern"), STAFF_URLS, ids=STAFF_URL_IDS)
def test_every_staff_view_declares_its_permission(route, name, pattern):
    assert hasattr(pattern.callback, "required_permission"), (
        f"{name} ({route}) is not guarded by policy.requires/requires_login"
    )


def resolve_kwargs(name, pattern, staff):
    if pattern.pattern.converters:
        assert name in SAMPLE_KWARGS, f"add sample kwargs for {name} to tests/staff_urls.py"
        return SAMPLE_KWARGS[name](staff)
    return {}


@pytest.mark.parametrize(("route", "name", "pattern"), STAFF_URLS, ids=STAFF_URL_IDS)
def test_every_role_on_every_staff_url(route, name, pattern, client, staff):
    kwargs = resolve_kwargs(name, pattern, staff)
    url = reverse(name, kwargs=kwargs)
    required = pattern.callback.required_permission
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/staff/login/" in anonymous["Location"]
    for role, user in staff.items():
        client.force_login(user)
        response = client.get(url)
        allowed = required is None or policy.has_permission(user, required)
        if allowed and name in OBJECT_CHECKS:
            allowed = OBJECT_CHECKS[name](user, kwargs)
        if allowed:
            assert response.status_code in {200, 302, 405}, (name, role, response.status_code)
        else:
            assert response.status_code == 403, (name, role, response.status_code)
        client.logout()


@pytest.mark.parametrize("source", ["oidc", "ldap"])
def test_every_role_on_every_staff_url_signed_in_through_the_directory(
    source,
    request,
    settings,
    group_mapping,  # noqa: F811
):
    """The same walk with staff who signed in through the city's directory (a real
    OpenID Connect provider, a real OpenLDAP): roles from groups obey the same policy."""
    if source == "oidc":
        provider = request.getfixturevalue("oidc_provider")
        oidc_settings(settings, provider)
    else:
        ldap_settings(settings, request.getfixturevalue("ldap_server"))
    clients, staff = {}, {}
    for role, login in ROLE_USERS.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if source == "oidc":
            response, _callback = oidc_sign_in(client, provider, login)
        else:
            response = ldap_sign_in(client, login)
        assert response.status_code == 302, (source, login)
        user = StaffMember.objects.get(identity_source=source, directory_subject=login)
        assert user.role == role
        clients[role], staff[role] = client, user
    for _route, name, pattern in STAFF_URLS:
        kwargs = resolve_kwargs(name, pattern, staff)
        url = reverse(name, kwargs=kwargs)
        required = pattern.callback.required_permission
        for role, client in clients.items():
            status = client.get(url).status_code
            allowed = required is None or policy.has_permission(staff[role], required)
            if allowed and name in OBJECT_CHECKS:
                allowed = OBJECT_CHECKS[name](staff[role], kwargs)
            if allowed:
                assert status in {200, 302, 405}, (source, name, role, status)
            else:
                assert status == 403, (source, name, role, status)


def test_case_content_roles_are_exactly_counsellors_and_leads():
    assert policy.CASE_CONTENT_ROLES == {Role.COUNSELLOR, Role.ORGANISATION_LEAD}


def test_case_content_stays_inside_the_organisation(staff, organisations):
    counsellor = staff[Role.COUNSELLOR]
    assert policy.can_read_case_content(counsellor, organisations["caritas"].pk)
    assert not policy.can_read_case_content(counsellor, organisations["awo"].pk)
    for role in (Role.OFFICE_CLERK, Role.COORDINATOR, Role.OPERATOR, Role.OUTREACH):
        user = staff[role]
        assert not policy.can_read_case_content(user, user.organisation_id)


def test_inactive_staff_have_no_permissions(staff):
    counsellor = staff[Role.COUNSELLOR]
    counsellor.is_active = False
    assert policy.permissions_of(counsellor) == frozenset()


def test_an_offer_is_changed_by_its_owners_lead_and_the_coordinators(staff, organisations):
    lead, coordinator = staff[Role.ORGANISATION_LEAD], staff[Role.COORDINATOR]
    caritas_offer = Offer(owner=organisations["caritas"])
    city_offer = Offer(owner=organisations["city"])
    assert policy.can_change_offer(lead, caritas_offer)
    assert not policy.can_change_offer(lead, city_offer)
    assert policy.can_change_offer(coordinator, caritas_offer)
    assert policy.can_change_offer(coordinator, Offer(owner=None))
    for role in (Role.COUNSELLOR, Role.OUTREACH, Role.OFFICE_CLERK, Role.OPERATOR):
        assert not policy.can_change_offer(staff[role], Offer(owner=staff[role].organisation))


def test_every_role_has_a_policy_entry():
    assert set(policy.ROLE_PERMISSIONS) == set(Role)


# The expectation written out, not computed with the policy it checks (as Integreat's
# view_config.py does): for every secrecy-critical URL, the roles that may open it. A
# change to ROLE_PERMISSIONS that opens one of these to another role fails here.
C, OUT, LEAD = Role.COUNSELLOR, Role.OUTREACH, Role.ORGANISATION_LEAD
COORD, CLERK, OP = Role.COORDINATOR, Role.OFFICE_CLERK, Role.OPERATOR
EXPECTED_ACCESS = {
    "consultations_staff:day": {C, LEAD},
    "consultations_staff:record": {C, LEAD},
    "consultations_staff:document": {C, LEAD},
    "consultations_staff:booking_start": {C, LEAD},
    "consultations_staff:booking_no_show": {C, LEAD},
    "consultations_staff:client_search": {C, LEAD},
    "consultations_staff:client": {C, LEAD},
    "consultations_staff:client_export": {C, LEAD},
    "consultations_staff:client_erase": {C, LEAD},
    "consultations_staff:audit_log": {LEAD},
    "booking_staff:calendar": {CLERK},
    "booking_staff:export": {CLERK},
    "walkins_staff:queue": {C, OUT, LEAD, COORD},
    "walkins_staff:intake": {C, OUT, LEAD},
    "walkins_staff:call_next": {C, LEAD},
    "statistics_staff:dashboard": {COORD},
    "statistics_staff:export_csv": {COORD},
    "statistics_staff:organisation_dashboard": {LEAD},
    "accounts:staff_changes": {LEAD, OP},
    # The fair release's rounds: the city's coordination only, never the office.
    "release_staff:rounds": {COORD},
    "release_staff:round": {COORD},
}
PATTERNS = {name: pattern for _route, name, pattern in STAFF_URLS}


def test_the_explicit_table_names_real_urls_and_every_role():
    assert set(EXPECTED_ACCESS) <= set(PATTERNS)
    assert set(Role) == {C, OUT, LEAD, COORD, CLERK, OP}


@pytest.mark.parametrize("name", sorted(EXPECTED_ACCESS))
def test_secrecy_critical_urls_by_explicit_table(name, client, staff):
    url = reverse(name, kwargs=resolve_kwargs(name, PATTERNS[name], staff))
    for role, user in staff.items():
        client.force_login(user)
        status = client.get(url).status_code
        if role in EXPECTED_ACCESS[name]:
            assert status in {200, 302, 405}, (name, role, status)
        else:
            assert status == 403, (name, role, status)
        client.logout()
