"""LDAP / Active Directory sign-in against a real OpenLDAP server (slapd).

The test directory (``peers.directory_ldif``) has people, groupOfNames groups, a service
account for look-ups and a password policy under which a locked account
(``pwdAccountLockedTime``) cannot bind – the test directory's "disabled account".
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.consultations.factories import caritas_consultation, language, topics
from tests.sso.peers import ldap_settings, ldap_sign_in
from willkommen.accounts.models import IdentitySource, Role, StaffMember

pytestmark = pytest.mark.django_db


def account(login):
    return StaffMember.objects.filter(
        identity_source=IdentitySource.LDAP, directory_subject=login
    ).first()


def problem_of(response):
    match = re.search(r'data-problem="([a-z_]+)"', response.content.decode())
    return match.group(1) if match else None


def fresh_client():
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def directory(settings, ldap_server, group_mapping):
    ldap_settings(settings, ldap_server)
    language("ar"), topics()
    return ldap_server


def test_a_first_sign_in_creates_the_account_with_role_organisation_languages_and_topics(
    client, directory
):
    response = ldap_sign_in(client, "amira", next_url="/staff/walkins/")
    assert response.status_code == 302 and response["Location"] == "/staff/walkins/"
    user = account("amira")
    assert (user.role, user.organisation.short_name) == (Role.COUNSELLOR, "Caritas")
    assert (user.first_name, user.last_name) == ("Amira", "Haddad")
    assert user.email == "amira@stadt.example" and not user.has_usable_password()
    assert list(user.languages.values_list("code", flat=True)) == ["ar"]
    assert sorted(user.topics.values_list("slug", flat=True)) == ["housing", "work"]
    assert client.session["willkommen_sso"]["source"] == "ldap"
    assert client.get("/staff/").status_code == 200


def test_groups_map_to_roles_and_organisations(directory):
    expected = {
        "ben": (Role.ORGANISATION_LEAD, "Caritas"),
        "clara": (Role.OFFICE_CLERK, "ABH"),  # admin row with the group's DN
        "cora": (Role.COORDINATOR, "Stadt"),
        "otto": (Role.OPERATOR, "Stadt"),
    }
    for login, (role, organisation) in expected.items():
        assert ldap_sign_in(fresh_client(), login).status_code == 302, login
        user = account(login)
        assert (user.role, user.organisation.short_name) == (role, organisation)


def test_a_later_sign_in_updates_the_account(client, directory):
    ldap_sign_in(client, "amira")
    directory.remove_from_group("amira", "willkommen-caritas-counsellors")
    directory.add_to_group("amira", "willkommen-city-outreach")
    ldap_sign_in(fresh_client(), "amira")
    user = account("amira")
    assert (user.role, user.organisation.short_name) == (Role.OUTREACH, "Stadt")
    assert StaffMember.objects.filter(identity_source=IdentitySource.LDAP).count() == 1


def test_no_mapped_group_gets_a_clear_page_and_no_account(client, directory):
    response = ldap_sign_in(client, "dora")
    assert response.status_code == 403 and problem_of(response) == "no_mapped_group"
    assert account("dora") is None and "_auth_user_id" not in client.session


def test_a_wrong_password_is_an_ordinary_failed_login(client, directory):
    response = ldap_sign_in(client, "amira", password="not-her-password")
    assert response.status_code == 200 and response.context["form"].errors
    assert account("amira") is None


def test_a_removed_group_ends_the_session_at_the_next_check(client, directory, settings):
    ldap_sign_in(client, "amira")
    directory.remove_from_group("amira", "willkommen-caritas-counsellors")
    settings.SSO_SESSION_MAX_AGE = 0
    response = client.get("/staff/walkins/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    assert not account("amira").is_active


def test_control_without_a_due_check_a_removed_group_keeps_its_role_until_max_age(
    client, directory, settings
):
    ldap_sign_in(client, "amira")
    directory.remove_from_group("amira", "willkommen-caritas-counsellors")
    settings.SSO_SESSION_MAX_AGE = 3600
    assert client.get("/staff/walkins/").status_code == 200


def test_a_changed_group_changes_the_role_for_new_requests(client, directory, settings):
    ldap_sign_in(client, "amira")
    directory.remove_from_group("amira", "willkommen-caritas-counsellors")
    directory.add_to_group("amira", "willkommen-city-outreach")
    settings.SSO_SESSION_MAX_AGE = 0
    assert client.get("/staff/consultations/").status_code == 403
    assert account("amira").role == Role.OUTREACH


def test_a_disabled_account_cannot_sign_in_and_loses_its_session(client, directory, settings):
    refused = ldap_sign_in(fresh_client(), "emil")  # locked in the directory
    assert refused.status_code == 200 and account("emil") is None
    ldap_sign_in(client, "amira")
    directory.lock("amira")
    settings.SSO_SESSION_MAX_AGE = 0
    response = client.get("/staff/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert ldap_sign_in(fresh_client(), "amira").status_code == 200


def test_an_unreachable_directory_gives_a_clear_page_never_a_500(client, directory, settings):
    ldap_sign_in(client, "amira")
    directory.stop()
    refused = ldap_sign_in(fresh_client(), "ben")
    assert refused.status_code == 503 and problem_of(refused) == "unavailable"
    settings.SSO_SESSION_MAX_AGE = 0
    page = client.get("/staff/walkins/")
    assert page.status_code == 503 and problem_of(page) == "unavailable"


def test_ldap_staff_need_the_local_totp_for_case_content(client, directory, staff):
    ldap_sign_in(client, "amira")
    record = caritas_consultation({**staff, Role.COUNSELLOR: account("amira")})
    page = client.get(reverse("consultations_staff:record", args=[record.pk]))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("consultations_staff:otp_setup"))


def test_directory_sign_in_works_with_local_passwords_switched_off(client, directory, settings):
    settings.LOCAL_LOGIN_ENABLED = False
    assert ldap_sign_in(client, "amira").status_code == 302
    login_page = fresh_client().get("/staff/login/")
    assert "<details" not in login_page.content.decode()  # the form is the directory's
