"""Every staff URL with every role: allowed exactly when the policy module says so."""

import pytest
from django.urls import reverse

from willkommen.accounts import policy
from willkommen.accounts.models import Role

from .staff_urls import SAMPLE_KWARGS, staff_url_patterns

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


def resolve(name, pattern, staff):
    if pattern.pattern.converters:
        assert name in SAMPLE_KWARGS, f"add sample kwargs for {name} to tests/staff_urls.py"
        return reverse(name, kwargs=SAMPLE_KWARGS[name](staff))
    return reverse(name)


@pytest.mark.parametrize(("route", "name", "pattern"), STAFF_URLS, ids=STAFF_URL_IDS)
def test_every_role_on_every_staff_url(route, name, pattern, client, staff):
    url = resolve(name, pattern, staff)
    required = pattern.callback.required_permission
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/staff/login/" in anonymous["Location"]
    for role, user in staff.items():
        client.force_login(user)
        response = client.get(url)
        allowed = required is None or policy.has_permission(user, required)
        if allowed:
            assert response.status_code in {200, 302, 405}, (name, role, response.status_code)
        else:
            assert response.status_code == 403, (name, role, response.status_code)
        client.logout()


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


def test_every_role_has_a_policy_entry():
    assert set(policy.ROLE_PERMISSIONS) == set(Role)
