"""Sample URL kwargs for the staff account pages (see tests/staff_urls.py)."""

from willkommen.accounts.models import Role, StaffChangeRequest


def _change(staff):
    """The operator asked that the clerk become a Caritas counsellor."""
    change, _created = StaffChangeRequest.objects.get_or_create(
        member=staff[Role.OFFICE_CLERK],
        status="pending",
        defaults={
            "role": Role.COUNSELLOR,
            "organisation": staff[Role.COUNSELLOR].organisation,
            "previous_role": Role.OFFICE_CLERK,
            "previous_organisation": staff[Role.OFFICE_CLERK].organisation,
            "previous_is_active": True,
            "requested_by": staff[Role.OPERATOR],
        },
    )
    return {"pk": change.pk}


SAMPLE_KWARGS = {
    "accounts:approve_staff_change": _change,
    "accounts:reject_staff_change": _change,
}
