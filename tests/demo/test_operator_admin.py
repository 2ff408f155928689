"""The operator's admin: accounts, directory groups, API keys, organisations and
locations, second factors and lock-outs through a group with permissions (not superuser),
and never a case-content model."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command

from willkommen.accounts.admin_access import OPERATOR_GROUP, OPERATOR_PERMISSIONS
from willkommen.accounts.models import Role, StaffMember
from willkommen.booking.models import ApiKey
from willkommen.consultations.models import AuditEvent, ClientRecord, Consultation

pytestmark = pytest.mark.django_db

# What the README promises the operator: accounts, API keys, locations (and the rest of
# the master data), second factors of lost phones, lock-outs.
OPERATOR_PAGES = [
    "/admin/accounts/staffmember/",
    "/admin/accounts/staffmember/add/",
    "/admin/accounts/groupmapping/",
    "/admin/booking/apikey/",
    "/admin/booking/apikey/add/",
    "/admin/organisations/location/",
    "/admin/organisations/location/add/",
    "/admin/organisations/organisation/",
    "/admin/organisations/officeservice/",
    "/admin/organisations/topic/",
    "/admin/organisations/language/",
    "/admin/otp_totp/totpdevice/",
    "/admin/axes/accessattempt/",
]
# Registered in the admin, but not the operator's: a superuser's.
NOT_THE_OPERATORS = [
    "/admin/walkins/ticket/",
    "/admin/django_tasks_database/dbtaskresult/",
    "/admin/auth/group/",
]


def declared():
    return {
        f"{app}.{action}_{model}"
        for app, models in OPERATOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }


def group_permissions():
    group = Group.objects.get(name=OPERATOR_GROUP)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.fixture
def operator(staff):
    return staff[Role.OPERATOR]


def test_migrate_gives_the_group_exactly_the_declared_permissions():
    assert group_permissions() == declared()


def test_migrate_repairs_the_group():
    group = Group.objects.get(name=OPERATOR_GROUP)
    group.permissions.remove(*group.permissions.filter(codename="view_apikey"))
    group.permissions.add(*group.permissions.model.objects.filter(codename="view_ticket"))
    call_command("migrate", verbosity=0)
    assert group_permissions() == declared()


def test_the_operator_works_in_the_admin_without_being_superuser(client, operator):
    assert not operator.is_superuser and operator.is_staff
    client.force_login(operator)
    index = client.get("/admin/")
    assert index.status_code == 200
    for url in OPERATOR_PAGES:
        assert client.get(url).status_code == 200, url
        if not url.endswith("/add/"):
            assert url.encode() in index.content, url
    for url in NOT_THE_OPERATORS:
        assert client.get(url).status_code == 403, url
        assert url.encode() not in index.content, url


def test_the_operator_issues_an_api_key(client, operator):
    client.force_login(operator)
    form = {"name": "City portal", "is_active": "on"}
    response = client.post("/admin/booking/apikey/add/", form)
    assert response.status_code == 302
    assert ApiKey.objects.filter(name="City portal").exists()


def test_the_operators_admin_has_no_case_content(client, operator):
    for model in (Consultation, ClientRecord, AuditEvent):
        assert model not in admin.site._registry
    client.force_login(operator)
    index = client.get("/admin/")
    assert b"/admin/consultations/" not in index.content
    assert client.get("/admin/consultations/consultation/").status_code == 404


def test_control_without_the_group_the_operators_admin_is_empty(client, operator):
    """The failure mode the group fixes: a staff account without permissions."""
    operator.groups.clear()
    client.force_login(operator)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/accounts/staffmember/" not in index.content
    assert client.get("/admin/accounts/staffmember/").status_code == 403


def test_the_membership_follows_the_role(operator, django_assert_num_queries):
    assert operator.groups.filter(name=OPERATOR_GROUP).exists()
    operator.role = Role.COORDINATOR
    operator.save()
    assert not operator.groups.filter(name=OPERATOR_GROUP).exists()
    operator.role = Role.OPERATOR
    operator.save()
    assert operator.groups.filter(name=OPERATOR_GROUP).exists()
    # A sign-in saves only last_login: no look-up of the groups.
    with django_assert_num_queries(1):
        operator.save(update_fields=["last_login"])


def _own_account_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "organisation": user.organisation_id,
        "role": user.role,
    }
    return {**data, **changes}


def test_an_operator_cannot_make_themselves_superuser(client, operator):
    client.force_login(operator)
    url = f"/admin/accounts/staffmember/{operator.pk}/change/"
    response = client.post(url, _own_account_form(operator, is_superuser="on", last_name="X"))
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.last_name == "X"  # the form was saved
    assert not operator.is_superuser


def test_control_a_superuser_can_grant_superuser(client, operator, make_staff):
    boss = make_staff(Role.OPERATOR, username="root-operator", is_superuser=True)
    client.force_login(boss)
    url = f"/admin/accounts/staffmember/{operator.pk}/change/"
    response = client.post(url, _own_account_form(operator, is_superuser="on"))
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.is_superuser


def test_the_demo_operator_is_in_the_group(db):
    call_command("seed_demo", "--quiet", "--no-activity")
    assert StaffMember.objects.get(username="operator").groups.filter(
        name=OPERATOR_GROUP
    ).exists()
    assert not StaffMember.objects.filter(groups__name=OPERATOR_GROUP).exclude(
        role=Role.OPERATOR
    ).exists()


def _device_page(client, operator, staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff[Role.COUNSELLOR], name="phone", confirmed=True)
    client.force_login(operator)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    return device, page.content.decode()


def test_the_operator_sees_no_totp_secret(client, operator, staff):
    device, page = _device_page(client, operator, staff)
    assert device.key not in page
    assert "/delete/" in page  # what the operator is there for: a lost phone


def test_control_without_hiding_the_admin_shows_the_totp_secret(client, operator, staff, settings):
    settings.OTP_ADMIN_HIDE_SENSITIVE_DATA = False
    device, page = _device_page(client, operator, staff)
    assert device.key in page
