"""Second factor for everyone who can read case content.

Staff whose role is in ``policy.CASE_CONTENT_ROLES`` must have a confirmed TOTP device and
have verified it in this session (django-otp's ``request.user.is_verified()``) before any
case-content page or API call works. ``requires_case_content`` wraps a view: permission
first (403 from the policy), then the second factor (redirect to set-up or verification).
"""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from willkommen.accounts import policy


def needs_second_factor(user) -> bool:
    return user.is_authenticated and user.role in policy.CASE_CONTENT_ROLES


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", lambda: False)())


def second_factor_redirect(request):
    """Where to send a case-content reader who has not passed the second factor yet, or
    None when they have."""
    if not needs_second_factor(request.user) or is_verified(request):
        return None
    target = "consultations_staff:otp_verify"
    if not has_confirmed_device(request.user):
        target = "consultations_staff:otp_setup"
    return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def requires_case_content(permission):
    """``policy.requires(permission)`` plus the enforced second factor."""

    def decorator(view):
        @wraps(view)
        def with_second_factor(request, *args, **kwargs):
            response = second_factor_redirect(request)
            if response is not None:
                return response
            return view(request, *args, **kwargs)

        return policy.requires(permission)(with_second_factor)

    return decorator


def case_content_view(permission, object_type=None):
    """For views that show or change case content: like ``policy.requires`` (login
    redirect, 403 without the permission) but a refusal is written to the audit log with
    the object it aimed at, then the second factor is enforced.

    The 403 looks the same whether or not the object exists, so a refused role learns
    nothing from it."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login
            from django.core.exceptions import PermissionDenied

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
    from . import audit
    from .models import AuditAction, ClientRecord, Consultation

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
