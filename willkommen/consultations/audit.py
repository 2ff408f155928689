"""Writing and reading the audit log. Every read and change of case content, and every
denied attempt on it, goes through ``record``; the lead's page reads it through
``page_of``, one page at a time."""

from dataclasses import dataclass
from datetime import time, timedelta

from willkommen.client_address import client_ip
from willkommen.clock import local_datetime

from .models import AuditAction, AuditEvent

PAGE_SIZE = 100


def record(
    request,
    action: AuditAction,
    obj=None,
    *,
    object_type=None,
    object_id="",
    organisation_id=None,
    detail="",
    actor=None,
):
    """Appends one event. ``obj`` (a Consultation or ClientRecord) gives type, id and the
    organisation holding the content; without it, pass them explicitly."""
    actor = actor if actor is not None else getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
        organisation_id = organisation_id or obj.organisation_id
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        actor_organisation_id=actor.organisation_id if actor else None,
        organisation_id=organisation_id,
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        detail=detail[:200],
        # The path without its query: a query may carry a booking code or a pseudonym, and
        # the log outlives retention (docs/consultations.md).
        path=(request.path[:300] if request is not None else ""),
        ip_address=client_ip(request),
    )


@dataclass
class AuditPage:
    events: list
    older_than: int | None  # the cursor for the next older page, if there is one
    newer_than: int | None  # the cursor for the next newer page, if there is one


def page_of(organisation_id, filters: dict, size=PAGE_SIZE) -> AuditPage:
    """One page of the organisation's events, newest first, by keyset (the event id):
    ``filters["before"]`` pages back, ``filters["after"]`` forward. Nothing loads more
    than a page plus one row, however long the log (index ``audit_org_newest``)."""
    events = AuditEvent.objects.filter(organisation_id=organisation_id).select_related(
        "actor_organisation"
    )
    if filters.get("date_from"):
        events = events.filter(at__gte=local_datetime(filters["date_from"], time(0, 0)))
    if filters.get("date_to"):
        end = filters["date_to"] + timedelta(days=1)
        events = events.filter(at__lt=local_datetime(end, time(0, 0)))
    if filters.get("user"):
        events = events.filter(actor_username__icontains=filters["user"].strip())
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("after") is not None:
        rows = list(events.filter(pk__gt=filters["after"]).order_by("pk")[:size])[::-1]
    else:
        if filters.get("before") is not None:
            events_before = events.filter(pk__lt=filters["before"])
        else:
            events_before = events
        rows = list(events_before.order_by("-pk")[:size])
    if not rows:
        return AuditPage([], None, None)
    older = events.filter(pk__lt=rows[-1].pk).exists()
    newer = events.filter(pk__gt=rows[0].pk).exists()
    return AuditPage(rows, rows[-1].pk if older else None, rows[0].pk if newer else None)
