"""The private manage link: ``code`` plus a signed token, no account needed.

The token is signed with the site's secret (``django.core.signing``) and bound to the
booking code; it stays valid when the booking moves and expires once the (current)
appointment is over. The double opt-in link uses a token
with its own salt, so that one cannot be used as the other.
"""

from datetime import timedelta

from django.core import signing
from django.utils import timezone

from .errors import InvalidManageToken
from .models import Appointment

MANAGE_SALT = "willkommen.booking.manage"
CONFIRM_SALT = "willkommen.booking.confirm"
# A little grace after the end, so that a client looking at the page can still open it.
GRACE_AFTER_END = timedelta(hours=1)


def _payload(appointment: Appointment) -> dict:
    return {"c": appointment.code}


def make_manage_token(appointment: Appointment) -> str:
    return signing.dumps(_payload(appointment), salt=MANAGE_SALT, compress=True)


def make_confirm_token(appointment: Appointment) -> str:
    return signing.dumps(_payload(appointment), salt=CONFIRM_SALT, compress=True)


def _appointment_for(code: str, token: str, salt: str, now=None) -> Appointment:
    now = now or timezone.now()
    try:
        data = signing.loads(token or "", salt=salt)
    except signing.BadSignature as error:
        raise InvalidManageToken() from error
    if not isinstance(data, dict) or data.get("c") != code:
        raise InvalidManageToken()
    appointment = (
        Appointment.objects.select_related("location", "service", "desk").filter(code=code).first()
    )
    if appointment is None:
        raise InvalidManageToken()
    if now > appointment.end + GRACE_AFTER_END:
        raise InvalidManageToken(expired=True)
    return appointment


def appointment_for_token(code: str, token: str, now=None) -> Appointment:
    """The appointment the manage link points at; raises ``InvalidManageToken`` for a
    tampered, foreign or expired token."""
    return _appointment_for(code, token, MANAGE_SALT, now)


def appointment_for_confirm_token(code: str, token: str, now=None) -> Appointment:
    """The appointment a double opt-in link confirms; raises ``InvalidManageToken``."""
    return _appointment_for(code, token, CONFIRM_SALT, now)
