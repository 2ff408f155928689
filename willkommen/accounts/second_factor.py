"""Second factor for everyone who can read case content (and approve staff changes).

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

from . import policy


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


