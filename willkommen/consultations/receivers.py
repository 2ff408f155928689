"""Receivers of the apps below consultations: walk-in consultations open and close a
consultation record (walk-ins' signals, sent after commit), and changes of staff rights are
written to the audit log this app keeps (accounts' signal, sent inside the change's
transaction)."""

from willkommen.accounts.signals import staff_change_recorded
from willkommen.walkins.signals import walk_in_consultation_finished, walk_in_consultation_started

from . import audit, services
from .models import AuditAction


def on_walk_in_started(sender, ticket, counsellor, **kwargs):
    services.open_for_walk_in(ticket, counsellor)


def on_walk_in_finished(sender, ticket, counsellor, **kwargs):
    services.close_for_walk_in(ticket, counsellor)


def on_staff_change(sender, request, actor, event, member_id, organisation_id, detail, **kw):
    audit.record(
        request,
        AuditAction(event),
        object_type="staffmember",
        object_id=member_id,
        organisation_id=organisation_id,
        detail=detail,
        actor=actor,
    )


def connect():
    walk_in_consultation_started.connect(on_walk_in_started, dispatch_uid="consultation_open")
    walk_in_consultation_finished.connect(on_walk_in_finished, dispatch_uid="consultation_close")
    staff_change_recorded.connect(on_staff_change, dispatch_uid="consultation_staff_audit")
