"""Who approves a change of role or organisation that grants case content (the rule
itself is ``policy.can_decide_staff_change``): the organisation's leads, or, for an
organisation without a lead, the operators other than the one who asked."""

from . import policy
from .models import Role, StaffMember


def organisation_has_lead(change) -> bool:
    """Does the organisation of ``change`` have an active lead (other than the person the
    change is about)?"""
    return (
        StaffMember.objects.filter(
            organisation_id=change.organisation_id,
            role=Role.ORGANISATION_LEAD,
            is_active=True,
        )
        .exclude(pk=change.member_id)
        .exists()
    )


def approvers_of(change) -> list:
    """Who may approve ``change``, and is told about it."""
    has_lead = organisation_has_lead(change)
    if has_lead:
        candidates = StaffMember.objects.filter(
            organisation_id=change.organisation_id, role=Role.ORGANISATION_LEAD
        )
    else:
        candidates = StaffMember.objects.filter(role=Role.OPERATOR)
    return [
        user
        for user in candidates.filter(is_active=True).order_by("pk")
        if policy.can_decide_staff_change(user, change, organisation_has_lead=has_lead)
    ]
