"""One operator can no longer hand someone case content: a change of role, organisation or
activation that grants it waits for that organisation's lead, who is told by e-mail; until
then the account keeps its rights. Every path (the admin, the service) goes through
``accounts.staff_changes``; every change is audited."""

import pytest
from django.contrib.auth.models import UserManager
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.forms import SplitDateTimeWidget
from django.urls import reverse
from django.utils import translation

from tests.consultations.factories import SECRET_NOTE, caritas_consultation, login_verified
from willkommen.accounts import policy, staff_changes
from willkommen.accounts.models import Role, StaffChangeRequest, StaffMember
from willkommen.consultations.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_staff):
    """The operator with admin rights (a superuser, as createsuperuser makes one)."""
    return make_staff(Role.OPERATOR, username="root", is_superuser=True)


@pytest.fixture
def lead(staff):
    lead = staff[Role.ORGANISATION_LEAD]
    lead.email = "lead@caritas.example"
    lead.save()
    return lead


def admin_post_data(response):
    """What the admin's change form would send back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, SplitDateTimeWidget):
            if value:
                data[f"{name}_0"] = value.date().isoformat()
                data[f"{name}_1"] = value.time().strftime("%H:%M:%S")
            continue
        if value is None or value is False:
            continue
        data[name] = value
    return data


def make_clerk_a_caritas_counsellor_in_the_admin(client, operator, staff):
    clerk = staff[Role.OFFICE_CLERK]
    client.force_login(operator)
    url = reverse("admin:accounts_staffmember_change", args=[clerk.pk])
    data = admin_post_data(client.get(url))
    data.update(role=Role.COUNSELLOR, organisation=staff[Role.COUNSELLOR].organisation_id)
    return client.post(url, data)


def read_the_record(client, user, consultation):
    login_verified(client, user)
    return client.get(reverse("consultations_staff:record", args=[consultation.pk]))


def test_the_admin_path_waits_for_the_lead(
    client, operator, staff, lead, django_capture_on_commit_callbacks
):
    case = caritas_consultation(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = make_clerk_a_caritas_counsellor_in_the_admin(client, operator, staff)
    assert response.status_code == 302
    clerk = StaffMember.objects.get(pk=staff[Role.OFFICE_CLERK].pk)
    assert (clerk.role, clerk.organisation) == (
        Role.OFFICE_CLERK,
        staff[Role.OFFICE_CLERK].organisation,
    )
    change = StaffChangeRequest.objects.get(member=clerk)
    assert change.status == "pending" and change.requested_by == operator
    assert change.role == Role.COUNSELLOR and change.organisation == lead.organisation
    # The account keeps its old rights: no case content.
    page = read_the_record(client, clerk, case)
    assert page.status_code == 403 and SECRET_NOTE not in page.content.decode()
    # Audited in the lead's log, and the lead is told.
    assert AuditEvent.objects.filter(
        action=AuditAction.REQUEST,
        object_type="staffmember",
        object_id=str(clerk.pk),
        organisation=lead.organisation,
        actor=operator,
    ).exists()
    assert [message.to for message in mail.outbox] == [["lead@caritas.example"]]


def test_control_without_the_approval_the_admin_hands_over_case_content(
    client, operator, staff, monkeypatch
):
    """The attack of issue #19, with the check switched off."""
    monkeypatch.setattr(policy, "grants_case_content", lambda before, after: False)
    case = caritas_consultation(staff)
    make_clerk_a_caritas_counsellor_in_the_admin(client, operator, staff)
    clerk = StaffMember.objects.get(pk=staff[Role.OFFICE_CLERK].pk)
    assert clerk.role == Role.COUNSELLOR
    assert SECRET_NOTE in read_the_record(client, clerk, case).content.decode()


def ask(operator, member, **rights):
    for name, value in rights.items():
        setattr(member, name, value)
    return staff_changes.save_staff_member(operator, member)


def test_the_service_path_waits_too(operator, staff):
    clerk = staff[Role.OFFICE_CLERK]
    caritas = staff[Role.COUNSELLOR].organisation
    outcome = ask(operator, clerk, role=Role.COUNSELLOR, organisation=caritas)
    assert outcome == staff_changes.Outcome.PENDING
    clerk.refresh_from_db()
    assert clerk.role == Role.OFFICE_CLERK
    assert StaffChangeRequest.objects.filter(member=clerk, status="pending").count() == 1


def test_only_the_organisations_lead_approves(
    client, operator, staff, lead, make_staff, organisations
):
    case = caritas_consultation(staff)
    clerk = staff[Role.OFFICE_CLERK]
    ask(operator, clerk, role=Role.COUNSELLOR, organisation=lead.organisation)
    change = StaffChangeRequest.objects.get(member=clerk)
    awo_lead = make_staff(Role.ORGANISATION_LEAD, organisations["awo"], username="awo-lead")
    second_operator = make_staff(Role.OPERATOR, username="second-operator")
    for not_allowed in (awo_lead, operator, second_operator, clerk, staff[Role.COUNSELLOR]):
        with pytest.raises(PermissionDenied):
            staff_changes.approve(not_allowed, change.pk)
    # Through the page: another organisation's lead gets 403 and sees nothing to decide.
    login_verified(client, awo_lead)
    assert (
        client.post(reverse("accounts:approve_staff_change", args=[change.pk])).status_code == 403
    )
    assert clerk.username not in client.get(reverse("accounts:staff_changes")).content.decode()
    clerk.refresh_from_db()
    assert clerk.role == Role.OFFICE_CLERK

    login_verified(client, lead)
    assert clerk.username in client.get(reverse("accounts:staff_changes")).content.decode()
    response = client.post(reverse("accounts:approve_staff_change", args=[change.pk]))
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert (clerk.role, clerk.organisation) == (Role.COUNSELLOR, lead.organisation)
    assert SECRET_NOTE in read_the_record(client, clerk, case).content.decode()
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == lead
    assert AuditEvent.objects.filter(
        action=AuditAction.APPROVE, actor=lead, object_id=str(clerk.pk)
    ).exists()
    with pytest.raises(PermissionDenied):  # decided once
        staff_changes.reject(lead, change.pk)


def test_the_lead_must_have_passed_the_second_factor(client, operator, staff, lead):
    clerk = staff[Role.OFFICE_CLERK]
    ask(operator, clerk, role=Role.COUNSELLOR, organisation=lead.organisation)
    change = StaffChangeRequest.objects.get(member=clerk)
    client.force_login(lead)
    response = client.post(reverse("accounts:approve_staff_change", args=[change.pk]))
    assert response.status_code == 302 and "second-factor" in response["Location"]
    clerk.refresh_from_db()
    assert clerk.role == Role.OFFICE_CLERK


def test_a_rejected_change_leaves_the_account_as_it_was(client, operator, staff, lead):
    clerk = staff[Role.OFFICE_CLERK]
    ask(operator, clerk, role=Role.COUNSELLOR, organisation=lead.organisation)
    change = StaffChangeRequest.objects.get(member=clerk)
    login_verified(client, lead)
    assert client.get(reverse("accounts:reject_staff_change", args=[change.pk])).status_code == 405
    client.post(reverse("accounts:reject_staff_change", args=[change.pk]))
    change.refresh_from_db()
    clerk.refresh_from_db()
    assert change.status == "rejected" and clerk.role == Role.OFFICE_CLERK
    assert AuditEvent.objects.filter(action=AuditAction.REJECT, actor=lead).exists()


def test_the_lead_is_told_in_the_sites_language(
    operator, staff, lead, django_capture_on_commit_callbacks
):
    clerk = staff[Role.OFFICE_CLERK]
    with django_capture_on_commit_callbacks(execute=True):
        ask(operator, clerk, role=Role.COUNSELLOR, organisation=lead.organisation)
    message = mail.outbox[0]
    with translation.override("de"):
        expected = translation.gettext(
            "Approval needed: %(member)s as %(role)s of %(organisation)s"
        )
        role = str(Role.COUNSELLOR.label)
    assert expected != "Approval needed: %(member)s as %(role)s of %(organisation)s"
    assert message.subject == expected % {
        "member": clerk.get_full_name() or clerk.username,
        "role": role,
        "organisation": lead.organisation,
    }
    assert "/staff/staff-changes/" in message.body and clerk.username in message.body


def test_changes_that_grant_nothing_take_effect_at_once_and_are_audited(operator, staff):
    counsellor = staff[Role.COUNSELLOR]
    caritas = counsellor.organisation
    assert ask(operator, counsellor, role=Role.OUTREACH) == staff_changes.Outcome.CHANGED
    counsellor.refresh_from_db()
    assert counsellor.role == Role.OUTREACH
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(counsellor.pk), organisation=caritas
    ).exists()
    lead = staff[Role.ORGANISATION_LEAD]
    assert ask(operator, lead, is_active=False) == staff_changes.Outcome.CHANGED
    assert not StaffMember.objects.get(pk=lead.pk).is_active
    assert not StaffChangeRequest.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"role": Role.ORGANISATION_LEAD},  # a counsellor made lead: new rights
        {"organisation": "awo"},  # the same role in another organisation
    ],
)
def test_more_rights_or_another_organisation_wait(operator, staff, organisations, change):
    counsellor = staff[Role.COUNSELLOR]
    if "organisation" in change:
        change = {"organisation": organisations[change["organisation"]]}
    assert ask(operator, counsellor, **change) == staff_changes.Outcome.PENDING
    counsellor.refresh_from_db()
    assert (counsellor.role, counsellor.organisation) == (
        Role.COUNSELLOR,
        organisations["caritas"],
    )


def test_reactivating_a_counsellor_waits(operator, staff):
    counsellor = staff[Role.COUNSELLOR]
    ask(operator, counsellor, is_active=False)
    assert ask(operator, counsellor, is_active=True) == staff_changes.Outcome.PENDING
    assert not StaffMember.objects.get(pk=counsellor.pk).is_active


def test_a_new_counsellor_account_waits_inactive(
    client, operator, staff, lead, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_staffmember_add"),
            {
                "username": "new-counsellor",
                "usable_password": "true",
                "password1": "a-long-enough-password-42",
                "password2": "a-long-enough-password-42",
                "organisation": lead.organisation_id,
                "role": Role.COUNSELLOR,
            },
        )
    assert response.status_code == 302
    member = StaffMember.objects.get(username="new-counsellor")
    assert not member.is_active and not policy.permissions_of(member)
    change = StaffChangeRequest.objects.get(member=member)
    assert len(mail.outbox) == 1
    staff_changes.approve(lead, change.pk)
    member.refresh_from_db()
    assert member.is_active and policy.can_read_case_content(member, lead.organisation_id)


def test_an_organisation_without_a_lead_needs_a_second_operator(
    operator, make_staff, organisations
):
    first_lead = make_staff(Role.OUTREACH, organisations["awo"], username="future-awo-lead")
    ask(operator, first_lead, role=Role.ORGANISATION_LEAD)
    change = StaffChangeRequest.objects.get(member=first_lead)
    with pytest.raises(PermissionDenied):
        staff_changes.approve(operator, change.pk)  # not the one who asked
    second = make_staff(Role.OPERATOR, username="second-operator")
    staff_changes.approve(second, change.pk)
    first_lead.refresh_from_db()
    assert first_lead.role == Role.ORGANISATION_LEAD


def test_a_newer_request_replaces_the_older_one(operator, staff, organisations):
    clerk = staff[Role.OFFICE_CLERK]
    ask(operator, clerk, role=Role.COUNSELLOR, organisation=organisations["caritas"])
    clerk.refresh_from_db()
    ask(operator, clerk, role=Role.COUNSELLOR, organisation=organisations["awo"])
    statuses = dict(StaffChangeRequest.objects.values_list("organisation__short_name", "status"))
    assert statuses == {"Caritas": "superseded", "AWO": "pending"}


def test_createsuperuser_makes_an_operator(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password-42")
    call_command("createsuperuser", interactive=False, username="it", email="it@example.org")
    user = StaffMember.objects.get(username="it")
    assert user.role == Role.OPERATOR and user.is_superuser and user.is_staff
    assert not policy.CASE_CONTENT_ROLES & {user.role}


def test_control_the_stock_manager_fails_on_the_role_constraint(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserManager.create_superuser(StaffMember.objects, "it", "it@example.org", "x" * 20)
