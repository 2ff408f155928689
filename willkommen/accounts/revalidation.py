"""Sessions from the city's directory are checked against it again.

A sign-in through OpenID Connect or LDAP marks the session (``mark_directory_session``).
Once ``SSO_SESSION_MAX_AGE`` seconds have passed since the last check, the next request
asks the directory again before anything else happens:

* OpenID Connect: the refresh-token grant and userinfo. A refused grant (account disabled
  or deleted, session ended at the provider) or no refresh token ends the session here.
* LDAP: a lookup with the service account. A person no longer found (deleted, or outside
  ``LDAP_USER_FILTER``, which is how a disabled account is excluded) loses the session.

In both cases the answer goes through ``provisioning.sync_staff_member``: changed groups
change the role at once, no mapped group ends the session and switches the account off.
An unreachable directory ends nothing silently and grants nothing: the request gets the
"sign-in service unavailable" page (503), and the check is tried again next time.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import oidc
from .models import IdentitySource
from .provisioning import DirectoryUnavailable, SignInRefused, sync_staff_member
from .sign_in_pages import Problem, problem_page

if settings.LDAP_AVAILABLE:  # python-ldap is optional (requirements-ldap.txt)
    from .ldap_backend import DirectoryLDAPBackend

logger = logging.getLogger(__name__)

SSO_SESSION_KEY = "willkommen_sso"
LDAP_BACKEND_PATH = "willkommen.accounts.ldap_backend.DirectoryLDAPBackend"


def mark_directory_session(request, source, **tokens):
    """Remember that this session came from the directory, and when it was checked."""
    request.session[SSO_SESSION_KEY] = {"source": str(source), "checked_at": time.time(), **tokens}


@receiver(user_logged_in, dispatch_uid="willkommen_mark_ldap_sessions")
def _mark_ldap_sign_in(sender, request, user, **kwargs):
    if request is not None and getattr(user, "backend", "") == LDAP_BACKEND_PATH:
        mark_directory_session(request, IdentitySource.LDAP)


# The directory could not be asked: the request is refused, the session stays.
OUTAGES = (*oidc.ProviderUnreachable, oidc.ProviderMisconfigured, DirectoryUnavailable)


class SessionEnded(Exception):
    """The directory no longer vouches for this session."""


class DirectorySessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        marker = None
        # Only requests with a session cookie can carry a directory session; others are
        # left alone, so that reading the session adds no "Vary: Cookie" to them.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            marker = request.session.get(SSO_SESSION_KEY)
        # Logging out always works, also while the directory is down.
        logging_out = request.path == reverse("accounts:logout")
        if marker and not logging_out and request.user.is_authenticated and _is_due(marker):
            response = self.revalidate(request, marker)
            if response is not None:
                return response
        return self.get_response(request)

    def revalidate(self, request, marker):
        user = request.user
        try:
            if marker["source"] == IdentitySource.OIDC:
                _revalidate_oidc(request, user, marker)
            else:
                _revalidate_ldap(user)
        except (SessionEnded, SignInRefused) as reason:
            logger.info("Directory session of %s ended: %r", user.username, reason)
            logout(request)
            messages.info(
                request,
                _("Your sign-in was checked with the city's directory and has ended. "
                  "Please sign in again."),
            )
            return None
        except OUTAGES as error:
            logger.warning("Directory re-validation of %s failed: %s", user.username, error)
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": str(Problem.UNAVAILABLE.message), "code": "directory_unavailable"},
                    status=503,
                    headers={"Retry-After": "30"},
                )
            return problem_page(request, Problem.UNAVAILABLE)
        user.refresh_from_db()
        marker["checked_at"] = time.time()
        request.session[SSO_SESSION_KEY] = marker
        return None


def _is_due(marker) -> bool:
    return time.time() - marker.get("checked_at", 0) >= settings.SSO_SESSION_MAX_AGE


def _revalidate_oidc(request, user, marker):
    refresh_token = marker.get("refresh_token")
    if not refresh_token:
        raise SessionEnded("no refresh token: sign in again")
    try:
        profile, token = oidc.refresh(refresh_token, user.directory_subject)
    except oidc.ProtocolError as error:
        # The provider answered and did not vouch for the person (invalid_grant for a
        # disabled account or ended session, another subject, an invalid token).
        raise SessionEnded(repr(error)) from error
    sync_staff_member(profile)
    marker["refresh_token"] = token.get("refresh_token") or refresh_token
    if token.get("id_token"):
        marker["id_token"] = token["id_token"]


def _revalidate_ldap(user):
    if DirectoryLDAPBackend().lookup(user) is None:
        raise SessionEnded("no longer found in the directory")
