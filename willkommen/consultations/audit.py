"""Writing the audit log. Every read and change of case content, and every denied attempt
on it, goes through ``record``."""

from .models import AuditAction, AuditEvent


def client_ip(request):
    """The address the request came from. Behind the reverse proxy the operator sets
    REMOTE_ADDR correctly (docs/deploy.md); a spoofable header is never trusted here."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
        path=(request.get_full_path()[:300] if request is not None else ""),
        ip_address=client_ip(request),
    )
