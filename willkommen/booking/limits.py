"""Rate limits of the private links (manage, confirm) – for the HTML pages and the API alike.

Two things are limited, each per booking code and per client address, in fixed windows of
the shared cache (``services.check_rate``):

* **refused links** (a tampered, foreign or expired token, or a code that does not exist):
  someone trying codes or tokens gets 429 after ``BOOKING_RATE_LIMIT_BAD_LINKS`` attempts,
  and from then on that address gets no token checked at all, not even a right one.
  A code that exists and one that does not are counted alike, so the 429 reveals nothing.
  The real client's valid link keeps working: an attacker who knows a code cannot lock its
  owner out.
* **changes** through a valid link (cancel, move, confirm): ``BOOKING_RATE_LIMIT_CHANGES``
  per booking and ``BOOKING_RATE_LIMIT_CHANGES_PER_IP`` per address, so that the holder of
  a stolen link cannot move an appointment back and forth without end, and a flood of
  changes (each may send an e-mail or SMS) stops.
"""

import time

from django.conf import settings

from . import services
from .errors import InvalidManageToken, RateLimited
from .tokens import appointment_for_confirm_token, appointment_for_token

DEFAULT_BAD_LINKS = (10, 3600)
DEFAULT_CHANGES = (10, 3600)
DEFAULT_CHANGES_PER_IP = (60, 3600)


def _limit(name, default):
    return tuple(getattr(settings, name, default))


def _check(scope: str, identity: str | None, limit) -> None:
    """``services.check_rate`` with the time left in the window as ``retry_after``."""
    try:
        services.check_rate(scope, identity, limit)
    except RateLimited as error:
        period = limit[1]
        raise RateLimited(retry_after=period - int(time.time()) % period) from error


def _count_refused_link(code: str, client_ip: str | None) -> None:
    limit = _limit("BOOKING_RATE_LIMIT_BAD_LINKS", DEFAULT_BAD_LINKS)
    _check("link:code", code, limit)
    _check("link:ip", client_ip, limit)


def appointment_for_link(code: str, token: str, client_ip: str | None, confirm=False):
    """The appointment of a manage (or, with ``confirm``, double opt-in) link; a refused
    link raises ``InvalidManageToken`` – or ``RateLimited`` once too many were refused for
    this code or from this address."""
    lookup = appointment_for_confirm_token if confirm else appointment_for_token
    limit = _limit("BOOKING_RATE_LIMIT_BAD_LINKS", DEFAULT_BAD_LINKS)
    # An address that has used up its refused links tries no further token, right or
    # wrong: otherwise the 429 would only change the answer to a wrong guess, not stop the
    # guessing. (Per code only counted: a guesser must not lock the owner out.)
    if services.rate_exhausted("link:ip", client_ip, limit):
        period = limit[1]
        raise RateLimited(retry_after=period - int(time.time()) % period)
    try:
        return lookup(code, token or "")
    except InvalidManageToken:
        _count_refused_link(code, client_ip)
        raise


def check_change(appointment, client_ip: str | None) -> None:
    """Counts one change (cancel, move, confirm) through a valid link; ``RateLimited``
    past the limit per booking or per address."""
    _check("change:code", appointment.code, _limit("BOOKING_RATE_LIMIT_CHANGES", DEFAULT_CHANGES))
    _check(
        "change:ip",
        client_ip,
        _limit("BOOKING_RATE_LIMIT_CHANGES_PER_IP", DEFAULT_CHANGES_PER_IP),
    )
