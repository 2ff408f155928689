"""Booking's rate limits, counted by the shared limiter (``willkommen.ratelimit``) in
windows that keep their end, on Redis or in the database alike. Past a limit the client
gets ``RateLimited`` with the time left in its window (``Retry-After``) and a message that
says how long to wait.

New bookings (holds, one-step bookings, "booked elsewhere"):

* per client address, ``BOOKING_RATE_LIMIT_PER_IP`` (30 per hour);
* per e-mail address and per phone number, ``BOOKING_RATE_LIMIT_PER_CONTACT`` (6 per day).

The no-JavaScript captcha fallback (``strict``) halves both.

The private links (manage, confirm), each per booking code and per client address:

* **refused links** (a tampered or foreign token, or a code that does not exist): per
  booking code at most ``BOOKING_RATE_LIMIT_BAD_LINKS`` per window, and per client address
  growing delays (exponential back-off, ``willkommen.ratelimit.backoff``): the first
  ``BOOKING_RATE_LIMIT_BAD_LINKS`` cost nothing, then each refused link makes the address
  wait ``BOOKING_LINK_BACKOFF_SECONDS``, doubling up to ``BOOKING_LINK_BACKOFF_MAX_SECONDS``.
  A code that exists and one that does not are counted alike, so the 429 reveals nothing.
  **A valid token always works**: the limits count and stop refused links only, so that
  one shared address (a shelter, a waiting room's Wi-Fi, a carrier's NAT) never locks
  people out of their own bookings, and a guesser who knows a code cannot lock its owner
  out either.
* **lost links** (``lost_link``: a new link to the contact of a booking):
  ``BOOKING_RATE_LIMIT_LOST_LINK`` per address, per booking code and per contact, counted
  whether or not the code exists.
* **changes** through a valid link (cancel, move, confirm): ``BOOKING_RATE_LIMIT_CHANGES``
  per booking and ``BOOKING_RATE_LIMIT_CHANGES_PER_IP`` per address, so that the holder of
  a stolen link cannot move an appointment back and forth without end, and a flood of
  changes (each may send an e-mail or SMS) stops.

The client address is ``willkommen.client_address.client_ip`` (the proxy's forwarded
address when the proxy is trusted), given by the views and the API.
"""

import math

from django.conf import settings
from django.utils.translation import ngettext

from willkommen.ratelimit import backoff, limiter
from willkommen.ratelimit.limiter import Limit, RateLimitExceeded

from .errors import InvalidManageToken, RateLimited
from .tokens import appointment_for_confirm_token, appointment_for_token

DEFAULT_PER_IP = (30, 3600)
DEFAULT_PER_CONTACT = (6, 86400)
DEFAULT_BAD_LINKS = (10, 3600)
DEFAULT_CHANGES = (10, 3600)
DEFAULT_CHANGES_PER_IP = (60, 3600)
DEFAULT_BACKOFF_SECONDS = 60
DEFAULT_BACKOFF_MAX = 3600
DEFAULT_BACKOFF_RESET = 86400
DEFAULT_LOST_LINK = (5, 3600)


def _limit(name, default) -> Limit:
    return Limit.of(getattr(settings, name, default))


def wait_message(seconds: int) -> str:
    """The refusal's message, with how long to wait: minutes up to two hours, then hours
    (rounded up, so the client never comes back too early)."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes <= 120:
        return ngettext(
            "Too many attempts. Please try again in %(count)d minute.",
            "Too many attempts. Please try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext(
        "Too many attempts. Please try again in %(count)d hour.",
        "Too many attempts. Please try again in %(count)d hours.",
        hours,
    ) % {"count": hours}


def refused(seconds_left: int) -> RateLimited:
    return RateLimited(wait_message(seconds_left), retry_after=seconds_left)


def check(scope: str, identity: str | None, limit: Limit, strict=False) -> None:
    """Counts one attempt; ``RateLimited`` (with the window's true end) past ``limit``."""
    try:
        limiter.hit(scope, identity, limit.halved() if strict else limit)
    except RateLimitExceeded as exceeded:
        raise refused(exceeded.retry_after) from None


def check_address(client_ip: str | None, strict=False) -> None:
    """One new booking (or hold) from ``client_ip``."""
    check("ip", client_ip, _limit("BOOKING_RATE_LIMIT_PER_IP", DEFAULT_PER_IP), strict)


def check_contact(email: str | None, phone: str | None, strict=False) -> None:
    """One new booking for this e-mail address and this phone number (normalised)."""
    limit = _limit("BOOKING_RATE_LIMIT_PER_CONTACT", DEFAULT_PER_CONTACT)
    check("email", email, limit, strict)
    check("phone", phone, limit, strict)


def link_backoff() -> backoff.Backoff:
    """The growing delays per address for refused links: ``BOOKING_RATE_LIMIT_BAD_LINKS``
    free, then ``BOOKING_LINK_BACKOFF_SECONDS`` doubling up to
    ``BOOKING_LINK_BACKOFF_MAX_SECONDS``; the count starts anew after
    ``BOOKING_LINK_BACKOFF_RESET_SECONDS`` without a refused link."""
    free = _limit("BOOKING_RATE_LIMIT_BAD_LINKS", DEFAULT_BAD_LINKS).count
    return backoff.Backoff(
        free=free,
        base=int(getattr(settings, "BOOKING_LINK_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS)),
        cap=int(getattr(settings, "BOOKING_LINK_BACKOFF_MAX_SECONDS", DEFAULT_BACKOFF_MAX)),
        reset=int(getattr(settings, "BOOKING_LINK_BACKOFF_RESET_SECONDS", DEFAULT_BACKOFF_RESET)),
    )


def _refuse_guess(code: str, client_ip: str | None) -> None:
    """A refused link: 429 while this address waits (nothing counted), past the limit of
    this code, or else counted (per code, and towards the address's next delay)."""
    policy = link_backoff()
    wait = backoff.waiting("link:ip", client_ip, policy)
    if wait is not None:
        raise refused(wait)
    check("link:code", code, _limit("BOOKING_RATE_LIMIT_BAD_LINKS", DEFAULT_BAD_LINKS))
    backoff.fail("link:ip", client_ip, policy)


def appointment_for_link(code: str, token: str, client_ip: str | None, confirm=False):
    """The appointment of a manage (or, with ``confirm``, double opt-in) link; a refused
    link raises ``InvalidManageToken`` – or ``RateLimited`` once too many were refused for
    this code, or while this address waits out its growing delay.

    A valid token always works, whatever the limits say: many people share one address
    (a shelter, a waiting room's Wi-Fi, a carrier's NAT), and their own links must not
    answer 429 because a neighbour mistyped. This does not help a guesser: the token is an
    HMAC-SHA256 signature (``tokens``), so the only tokens that pass are the ones we
    issued; guessing one is hopeless with or without the limit. What the limits slow down
    is the refused attempts, and they are the only ones counted. A link that was issued
    but has run out (``expired``) is not a guess and is not counted either."""
    lookup = appointment_for_confirm_token if confirm else appointment_for_token
    try:
        return lookup(code, token or "")
    except InvalidManageToken as error:
        if not error.expired:
            _refuse_guess(code, client_ip)
        raise


def _change_limits(appointment, client_ip):
    return (
        ("change:code", appointment.code, _limit("BOOKING_RATE_LIMIT_CHANGES", DEFAULT_CHANGES)),
        (
            "change:ip",
            client_ip,
            _limit("BOOKING_RATE_LIMIT_CHANGES_PER_IP", DEFAULT_CHANGES_PER_IP),
        ),
    )


def check_change(appointment, client_ip: str | None) -> None:
    """Counts one change (cancel, move, confirm) through a valid link; ``RateLimited``
    past the limit per booking or per address."""
    for scope, identity, limit in _change_limits(appointment, client_ip):
        check(scope, identity, limit)


def change_allowed(appointment, client_ip: str | None) -> None:
    """``RateLimited`` if the next change would be refused; counts nothing (the question
    before a change asks only what it could carry out)."""
    for scope, identity, limit in _change_limits(appointment, client_ip):
        window = limiter.exhausted(scope, identity, limit)
        if window is not None:
            raise refused(limiter.seconds_left(window))


def check_lost_link(code: str, contact: str, client_ip: str | None) -> None:
    """One request for a new link (``lost_link``); ``RateLimited`` past the limit per
    address, per code or per contact. Counted before anything is looked up, so the answer
    is the same for a code that exists and one that does not."""
    limit = _limit("BOOKING_RATE_LIMIT_LOST_LINK", DEFAULT_LOST_LINK)
    check("lost:ip", client_ip, limit)
    check("lost:code", code, limit)
    check("lost:contact", contact, limit)
