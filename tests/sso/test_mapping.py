"""The operator's mapping of directory groups to roles, and the just-in-time accounts
(no identity provider needed)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.consultations.factories import language, topics
from willkommen.accounts.group_mapping import resolve_assignment
from willkommen.accounts.models import GroupMapping, IdentitySource, Role, StaffMember
from willkommen.accounts.provisioning import (
    DirectoryProfile,
    RefusalReason,
    SignInRefused,
    sync_staff_member,
)
from willkommen.config import ConfigError
from willkommen.settings.identity import env_group_mappings

pytestmark = pytest.mark.django_db


def profile(groups, subject="s-1", username="amira", **extra):
    return DirectoryProfile(
        source=IdentitySource.OIDC, subject=subject, username=username, groups=groups, **extra
    )


def test_role_and_organisation_may_come_from_different_groups(settings, organisations):
    settings.SSO_GROUP_MAPPINGS = [
        {"group": "Beratung", "role": "counsellor", "organisation": "", "source": ""},
    ]
    GroupMapping.objects.create(group="CARITAS-Hannover", organisation=organisations["caritas"])
    assignment = resolve_assignment("oidc", ["caritas-hannover", "beratung"])
    assert (assignment.role, assignment.organisation.short_name) == (Role.COUNSELLOR, "Caritas")
    assert resolve_assignment("oidc", ["beratung"]) is None  # a role without organisation


def test_settings_come_before_admin_rows_and_rows_by_position(settings, organisations):
    settings.SSO_GROUP_MAPPINGS = [
        {"group": "g", "role": "outreach", "organisation": "Stadt", "source": ""},
    ]
    GroupMapping.objects.create(group="g", role="coordinator", position=1)
    GroupMapping.objects.create(
        group="h", role="coordinator", position=2, organisation=organisations["city"]
    )
    GroupMapping.objects.create(
        group="h", role="office_clerk", position=1, organisation=organisations["office"]
    )
    assert resolve_assignment("ldap", ["g"]).role == Role.OUTREACH
    assert resolve_assignment("ldap", ["h"]).role == Role.OFFICE_CLERK


def test_a_mapping_for_one_source_does_not_apply_to_the_other(settings, organisations):
    settings.SSO_GROUP_MAPPINGS = []
    GroupMapping.objects.create(
        group="g", role="counsellor", organisation=organisations["awo"], source="ldap"
    )
    assert resolve_assignment("ldap", ["g"]).organisation.short_name == "AWO"
    assert resolve_assignment("oidc", ["g"]) is None


def test_an_inactive_or_unknown_organisation_gives_no_assignment(settings, organisations):
    settings.SSO_GROUP_MAPPINGS = [
        {"group": "a", "role": "counsellor", "organisation": "AWO", "source": ""},
        {"group": "b", "role": "counsellor", "organisation": "Nowhere", "source": ""},
    ]
    organisations["awo"].is_active = False
    organisations["awo"].save()
    assert resolve_assignment("oidc", ["a"]) is None
    assert resolve_assignment("oidc", ["b"]) is None


def test_no_mapped_group_creates_no_account_and_withdraws_an_existing_one(settings, organisations):
    settings.SSO_GROUP_MAPPINGS = [
        {"group": "g", "role": "counsellor", "organisation": "Caritas", "source": ""},
    ]
    with pytest.raises(SignInRefused) as refused:
        sync_staff_member(profile(["other"]))
    assert refused.value.reason == RefusalReason.NO_MAPPED_GROUP
    assert not StaffMember.objects.exists()
    user = sync_staff_member(profile(["g"]))
    with pytest.raises(SignInRefused):
        sync_staff_member(profile([]))
    user.refresh_from_db()
    assert not user.is_active and user.deactivated_by_directory


def test_languages_and_topics_stay_when_the_directory_says_nothing(settings, organisations):
    settings.SSO_GROUP_MAPPINGS = [
        {"group": "g", "role": "counsellor", "organisation": "Caritas", "source": ""},
    ]
    language("tr"), topics()
    user = sync_staff_member(profile(["g"], languages=("TR",), topics=("health",)))
    user = sync_staff_member(profile(["g"]))  # no claims: set locally, kept
    assert list(user.languages.values_list("code", flat=True)) == ["tr"]
    assert list(user.topics.values_list("slug", flat=True)) == ["health"]
    user = sync_staff_member(profile(["g"], languages=()))  # an empty claim: none
    assert not user.languages.exists()


def test_directory_names_never_collide_with_local_accounts(settings, make_staff):
    settings.SSO_GROUP_MAPPINGS = [
        {"group": "g", "role": "operator", "organisation": "Stadt", "source": ""},
    ]
    local = make_staff(Role.OPERATOR, username="admin")
    first = sync_staff_member(profile(["g"], subject="x", username="admin"))
    second = sync_staff_member(profile(["g"], subject="y", username="admin"))
    assert {first.username, second.username} == {"admin@oidc", "admin@oidc-2"}
    local.refresh_from_db()
    assert local.identity_source == IdentitySource.LOCAL and local.has_usable_password()


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        '{"group": "g"}',
        '[{"group": "g"}]',
        '[{"group": "g", "role": "king", "organisation": "Caritas"}]',
        '[{"group": "g", "role": "counsellor", "source": "saml"}]',
    ],
)
def test_a_malformed_mapping_setting_stops_start_up(monkeypatch, value):
    monkeypatch.setenv("SSO_GROUP_MAPPINGS", value)
    with pytest.raises(ConfigError, match="SSO_GROUP_MAPPINGS"):
        env_group_mappings("SSO_GROUP_MAPPINGS")


def run_settings(code, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "LDAP_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "willkommen.settings.dev", **env})
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parents[2],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_providers_origin_joins_the_csp_form_action_for_the_logout_redirect():
    printed = "from django.conf import settings; " + (
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    with_oidc = run_settings(
        printed,
        OIDC_ISSUER="https://login.stadt.example/realms/willkommen",
        OIDC_CLIENT_ID="willkommen",
        OIDC_CLIENT_SECRET="s",
    )
    assert with_oidc.stdout.strip() == "[\"'self'\", 'https://login.stadt.example']"
    without = run_settings(printed)
    assert without.stdout.strip() == "[\"'self'\"]"
    incomplete = run_settings("", OIDC_ISSUER="https://login.stadt.example")
    assert "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required" in incomplete.stderr
