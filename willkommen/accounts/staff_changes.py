"""Changing a staff member's role, organisation or activation: the one service function
every path uses (the admin, and anything added later).

A change that grants case content (``policy.grants_case_content``: a counsellor or lead
of an organisation they were not one of before, a reactivated counsellor, a counsellor
made lead) does not take effect: it becomes a pending ``StaffChangeRequest`` and the
account keeps its old rights until a lead of that organisation approves it (only for an
organisation without a lead, a second operator; ``policy.can_decide_staff_change``). The
leads are told by e-mail. Every change, request and decision is in the audit log of the
organisations concerned.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from willkommen import outbox

from . import approvers, policy
from .models import StaffChangeRequest, StaffChangeStatus, StaffMember
from .signals import StaffChangeEvent, staff_change_recorded
from .tasks import notify_staff_change


class Outcome(StrEnum):
    SAVED = "saved"  # role, organisation and activation unchanged
    CHANGED = "changed"  # changed at once: it grants no case content
    PENDING = "pending"  # held back until approved


@dataclass(frozen=True)
class Rights:
    role: str
    organisation_id: int | None
    is_active: bool

    @classmethod
    def of(cls, member):
        return cls(member.role, member.organisation_id, member.is_active)

    def describe(self):
        state = "" if self.is_active else ", inactive"
        return f"{self.role}@{self.organisation_id or '-'}{state}"


def _rights_in_database(member):
    if member.pk is None:
        return None
    stored = StaffMember.objects.select_for_update().filter(pk=member.pk).first()
    return Rights.of(stored) if stored else None


def _record(request, actor, event, member, organisation_id, detail):
    staff_change_recorded.send(
        sender=StaffMember,
        request=request,
        actor=actor,
        event=event,
        member_id=member.pk,
        organisation_id=organisation_id,
        detail=detail[:200],
    )


def _supersede_pending(member, actor):
    StaffChangeRequest.objects.filter(member=member, status=StaffChangeStatus.PENDING).update(
        status=StaffChangeStatus.SUPERSEDED, decided_by=actor, decided_at=timezone.now()
    )


def save_staff_member(actor, member, *, request=None) -> Outcome:
    """Saves ``member`` as edited (by ``actor``, e.g. in the admin). A change of role,
    organisation or activation that grants case content is held back: the account is
    saved with its old rights (a new account inactive) and a pending request is made."""
    with transaction.atomic():
        before = _rights_in_database(member)
        after = Rights.of(member)
        if before == after:
            member.save()
            return Outcome.SAVED
        if not policy.grants_case_content(
            before and (before.role, before.organisation_id, before.is_active),
            (after.role, after.organisation_id, after.is_active),
        ):
            member.save()
            _supersede_pending(member, actor)
            detail = f"{before.describe() if before else 'new'} -> {after.describe()}"
            organisations = {before.organisation_id if before else None, after.organisation_id}
            for organisation_id in sorted(organisations - {None}) or [None]:
                _record(request, actor, StaffChangeEvent.UPDATE, member, organisation_id, detail)
            return Outcome.CHANGED
        # Keep the old rights; a new account waits inactive.
        if before is None:
            member.is_active = False
        else:
            member.role, member.organisation_id, member.is_active = (
                before.role,
                before.organisation_id,
                before.is_active,
            )
        member.save()
        _supersede_pending(member, actor)
        change = StaffChangeRequest.objects.create(
            member=member,
            role=after.role,
            organisation_id=after.organisation_id,
            is_active=after.is_active,
            previous_role=before.role if before else "",
            previous_organisation_id=before.organisation_id if before else None,
            previous_is_active=before.is_active if before else False,
            requested_by=actor,
        )
        detail = f"{before.describe() if before else 'new'} -> {after.describe()}"
        _record(request, actor, StaffChangeEvent.REQUEST, member, after.organisation_id, detail)
        outbox.enqueue(notify_staff_change, change.pk)
        return Outcome.PENDING


def may_decide(user, change) -> bool:
    return change.status == StaffChangeStatus.PENDING and policy.can_decide_staff_change(
        user, change, organisation_has_lead=approvers.organisation_has_lead(change)
    )


def decidable_by(user):
    """The pending changes ``user`` may approve or reject."""
    pending = StaffChangeRequest.objects.filter(status=StaffChangeStatus.PENDING).select_related(
        "member", "organisation", "previous_organisation", "requested_by"
    )
    return [change for change in pending if may_decide(user, change)]


def _decide(user, change_id, status, *, request=None):
    with transaction.atomic():
        change = (
            StaffChangeRequest.objects.select_for_update()
            .select_related("member")
            .filter(pk=change_id)
            .first()
        )
        if change is None or not may_decide(user, change):
            raise PermissionDenied
        change.status = status
        change.decided_by = user
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        member = StaffMember.objects.select_for_update().get(pk=change.member_id)
        target = Rights(change.role, change.organisation_id, change.is_active)
        if status == StaffChangeStatus.APPROVED:
            member.role, member.organisation_id, member.is_active = (
                target.role,
                target.organisation_id,
                target.is_active,
            )
            member.save(update_fields=["role", "organisation", "is_active", "is_staff"])
        approved = status == StaffChangeStatus.APPROVED
        action = StaffChangeEvent.APPROVE if approved else StaffChangeEvent.REJECT
        detail = f"change {change.pk}: {target.describe()}"
        _record(request, user, action, member, change.organisation_id, detail)
    return change


def approve(user, change_id, *, request=None):
    """Applies the change; raises ``PermissionDenied`` unless ``user`` may decide it."""
    return _decide(user, change_id, StaffChangeStatus.APPROVED, request=request)


def reject(user, change_id, *, request=None):
    """Drops the change; the account keeps its rights."""
    return _decide(user, change_id, StaffChangeStatus.REJECTED, request=request)
