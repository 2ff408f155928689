"""LDAP / Active Directory sign-in with django-auth-ldap.

django-auth-ldap binds as the person (their password never stays here), finds their
groups, and hands over to ``get_or_build_user``: that is where the account is created
or updated through ``provisioning.sync_staff_member`` with the operator's group mapping.

A refusal (no mapped group, account switched off here) or an unreachable directory is
recorded on the request as ``request.directory_sign_in_problem``, for the login page to
explain; the backend itself answers like a wrong password (None), so that Django's
``authenticate()`` and the lock-out keep working as usual.
"""

import contextlib
import contextvars
import logging

from django.conf import settings
from django_auth_ldap.backend import LDAPBackend, ldap_error

from .models import IdentitySource, StaffMember
from .provisioning import DirectoryProfile, DirectoryUnavailable, SignInRefused, sync_staff_member

logger = logging.getLogger(__name__)

# LDAP errors (server down, time-out, refused service bind) seen during one call.
_ldap_errors: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "willkommen_ldap_errors", default=None
)


def _collect_ldap_error(sender, context, exception, **kwargs):
    errors = _ldap_errors.get()
    if errors is not None:
        errors.append(exception)


ldap_error.connect(_collect_ldap_error, dispatch_uid="willkommen_collect_ldap_error")


@contextlib.contextmanager
def collecting_ldap_errors():
    errors: list = []
    token = _ldap_errors.set(errors)
    try:
        yield errors
    finally:
        _ldap_errors.reset(token)


def _values(attrs, name) -> tuple[str, ...] | None:
    if not name:
        return None
    values = attrs.get(name) or attrs.get(name.lower())
    return tuple(values) if values is not None else None


def profile_from_ldap(ldap_user) -> DirectoryProfile:
    attrs = ldap_user.attrs or {}
    attr_map = settings.AUTH_LDAP_USER_ATTR_MAP

    def first(name):
        values = _values(attrs, name) or ("",)
        return values[0]

    # The entry's own login name (its case, not the typed one); what was typed if absent.
    login_name = first(settings.LDAP_USERNAME_ATTRIBUTE) or ldap_user._username
    return DirectoryProfile(
        source=IdentitySource.LDAP,
        subject=login_name.lower(),
        username=login_name,
        first_name=first(attr_map.get("first_name")),
        last_name=first(attr_map.get("last_name")),
        email=first(attr_map.get("email")),
        groups=tuple(ldap_user.group_dns) + tuple(ldap_user.group_names),
        languages=_values(attrs, settings.LDAP_LANGUAGES_ATTRIBUTE),
        topics=_values(attrs, settings.LDAP_TOPICS_ATTRIBUTE),
    )


class DirectoryLDAPBackend(LDAPBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.LDAP_SERVER_URI or not username:
            return None
        with collecting_ldap_errors() as errors:
            try:
                user = super().authenticate(request, username=username, password=password)
            except SignInRefused as refusal:
                _note_problem(request, refusal.reason)
                return None
        if user is None and errors:
            logger.warning("LDAP directory unreachable during sign-in: %s", errors[0])
            _note_problem(request, "directory_unavailable")
        return user

    def get_or_build_user(self, username, ldap_user):
        return sync_staff_member(profile_from_ldap(ldap_user)), False

    def get_user(self, user_id):
        return StaffMember.objects.filter(
            pk=user_id, is_active=True, identity_source=IdentitySource.LDAP
        ).first()

    def lookup(self, user):
        """Re-validation: the directory's current view of ``user`` without a password
        (a search with the service account). Returns the updated account, None when the
        directory no longer has the person (deleted, or excluded by ``LDAP_USER_FILTER``,
        e.g. a disabled account); raises ``SignInRefused`` or ``DirectoryUnavailable``."""
        with collecting_ldap_errors() as errors:
            refreshed = self.populate_user(user.directory_subject)
        if refreshed is None and errors:
            raise DirectoryUnavailable(str(errors[0]))
        return refreshed


def _note_problem(request, problem):
    if request is not None:
        request.directory_sign_in_problem = str(problem)
