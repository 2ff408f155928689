"""Staff sign-in through OpenID Connect: start at the provider, come back with a code.

The protocol work is in ``oidc.py`` (Authlib), the account in ``provisioning.py``; these
views turn every outcome into a redirect or one of the pages of ``sign_in_pages.py``.
"""

import logging

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from . import oidc
from .models import IdentitySource, ProviderMfaDevice
from .provisioning import SignInRefused, sync_staff_member
from .revalidation import mark_directory_session
from .sign_in_pages import Problem, problem_page

logger = logging.getLogger(__name__)

NEXT_SESSION_KEY = "willkommen_oidc_next"
OIDC_BACKEND_PATH = "willkommen.accounts.backends.OIDCSessionBackend"


def _safe_next(request):
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
def oidc_login(request):
    """Redirects to the provider with state, nonce and a PKCE challenge (S256), all kept
    in this session by Authlib."""
    if not oidc.is_configured():
        raise Http404
    extra = {"ui_locales": get_language() or settings.LANGUAGE_CODE}
    if settings.OIDC_ACR_VALUES:
        extra["acr_values"] = settings.OIDC_ACR_VALUES
    try:
        response = oidc.client().authorize_redirect(
            request, request.build_absolute_uri(reverse("accounts:oidc_callback")), **extra
        )
    except (*oidc.ProviderUnreachable, oidc.ProviderMisconfigured) as error:
        logger.warning("OpenID Connect provider unavailable at sign-in: %s", error)
        return problem_page(request, Problem.UNAVAILABLE)
    request.session[NEXT_SESSION_KEY] = _safe_next(request)
    return response


@never_cache
def oidc_callback(request):
    if not oidc.is_configured():
        raise Http404
    if request.GET.get("error"):
        logger.info("OpenID Connect provider answered %s", request.GET.get("error"))
        return problem_page(request, Problem.FAILED)
    try:
        result = oidc.complete_sign_in(request)
    except (*oidc.ProviderUnreachable, oidc.ProviderMisconfigured) as error:
        logger.warning("OpenID Connect provider unavailable at the callback: %s", error)
        return problem_page(request, Problem.UNAVAILABLE)
    except oidc.ProtocolError as error:
        logger.warning("OpenID Connect sign-in refused: %r", error)
        return problem_page(request, Problem.FAILED)
    try:
        user = sync_staff_member(result.profile)
    except SignInRefused as refusal:
        return problem_page(request, Problem.from_reason(refusal.reason))
    if result.mfa:
        # django-otp's login receiver stores the device: the session counts as verified.
        user.otp_device = ProviderMfaDevice.objects.get_or_create(
            user=user, defaults={"name": "identity provider"}
        )[0]
    next_url = request.session.pop(NEXT_SESSION_KEY, None) or resolve_url(
        settings.LOGIN_REDIRECT_URL
    )
    login(request, user, backend=OIDC_BACKEND_PATH)
    mark_directory_session(
        request,
        IdentitySource.OIDC,
        id_token=result.id_token,
        refresh_token=result.refresh_token,
        mfa=result.mfa,
    )
    return redirect(next_url)
