"""Authentication backends besides LDAP (``ldap_backend.py``).

* ``LocalAccountBackend``: passwords kept here. The operator can switch them off for
  everyone except one named break-glass operator account (``LOCAL_LOGIN_ENABLED``,
  ``BREAK_GLASS_USERNAME``); sessions of local accounts then end at their next request.
* ``OIDCSessionBackend``: signs nobody in by itself. The OpenID Connect sign-in view
  (``oidc_views.py``) logs the account in through it, and it restores such sessions only
  for active accounts of that source.
"""

from django.conf import settings
from django.contrib.auth.backends import BaseBackend, ModelBackend

from .models import IdentitySource, Role, StaffMember


def local_password_allowed(user) -> bool:
    """May ``user`` sign in with a password kept by Willkommen?"""
    if user.identity_source != IdentitySource.LOCAL:
        return False
    if settings.LOCAL_LOGIN_ENABLED:
        return True
    return bool(settings.BREAK_GLASS_USERNAME) and (
        user.username == settings.BREAK_GLASS_USERNAME and user.role == Role.OPERATOR
    )


class LocalAccountBackend(ModelBackend):
    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and local_password_allowed(user)


class OIDCSessionBackend(BaseBackend):
    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return StaffMember.objects.filter(
            pk=user_id, is_active=True, identity_source=IdentitySource.OIDC
        ).first()
