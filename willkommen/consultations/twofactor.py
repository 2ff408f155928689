"""Case-content views: the permission, a refusal written to the audit log, then the second
factor (``willkommen.accounts.second_factor``)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from willkommen.accounts import policy
from willkommen.accounts.second_factor import second_factor_redirect

from . import audit
from .models import AuditAction, ClientRecord, Consultation


def case_content_view(permission, object_type=None):
    """For views that show or change case content: like ``policy.requires`` (login
    redirect, 403 without the permission) but a refusal is written to the audit log with
    the object it aimed at, then the second factor is enforced.

    The 403 looks the same whether or not the object exists, so a refused role learns
    nothing from it."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not policy.has_permission(request.user, permission):
                audit_denied(request, object_type, kwargs.get("pk"))
                raise PermissionDenied
            response = second_factor_redirect(request)
            if response is not None:
                return response
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


def audit_denied(request, object_type, object_id):
    """A ``denied`` event; the organisation holding the object (if it exists) is recorded,
    so that its lead sees the attempt in their log."""
    models = {"consultation": Consultation, "clientrecord": ClientRecord}
    organisation_id = None
    if object_id is not None and object_type in models:
        organisation_id = (
            models[object_type]
            .objects.filter(pk=object_id)
            .values_list("organisation_id", flat=True)
            .first()
        )
    audit.record(
        request,
        AuditAction.DENIED,
        object_type=object_type or "page",
        object_id=object_id or "",
        organisation_id=organisation_id,
    )
