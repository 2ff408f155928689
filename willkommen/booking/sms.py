"""Pluggable SMS backends. ``settings.SMS_BACKEND`` names the class (dotted path); every
backend has ``send(to_e164, text)``. The default writes to the log, so that an installation
without an SMS gateway loses nothing and a developer sees what would have been sent.

Every SMS costs money and reaches a stranger if a bot typed their number, so ``send_sms``
caps them per hour: ``SMS_MAX_PER_PHONE_PER_HOUR`` per number and ``SMS_MAX_PER_HOUR`` for
the installation. An SMS over a cap is dropped with a warning in the log (the booking
itself stands; e-mail, the confirmation page and the manage link still work). Logs are
read by more people than the bookings: they never show a full phone number or a link's
token.
"""

import logging
import re

import phonenumbers
from django.conf import settings
from django.utils.module_loading import import_string

from willkommen.ratelimit import limiter
from willkommen.ratelimit.limiter import RateLimitExceeded

logger = logging.getLogger("willkommen.sms")

DEFAULT_BACKEND = "willkommen.booking.sms.LogBackend"
HOUR = 3600
TOKEN_IN_LINK = re.compile(r"([?&]token=)[^&\s]+")


def mask_phone(number: str) -> str:
    """The country code and the last two digits, e.g. ``+49*********78``: enough to tell
    messages apart in a log, not enough to call anybody."""
    digits = re.sub(r"\D", "", number or "")
    try:
        country = str(phonenumbers.parse(number, "DE").country_code)
    except phonenumbers.NumberParseException:
        country = ""
    if not number.startswith("+") or not digits.startswith(country):
        country = ""
    hidden = len(digits) - len(country) - 2
    return ("+" if country else "") + country + "*" * max(hidden, 0) + digits[-2:]


def redact_links(text: str) -> str:
    """The text with the secret token of every manage or confirm link left out."""
    return TOKEN_IN_LINK.sub(r"\1[hidden]", text)


class BaseBackend:
    def send(self, to_e164: str, text: str) -> None:
        raise NotImplementedError


class LogBackend(BaseBackend):
    """Writes the message to the ``willkommen.sms`` logger instead of sending it – with the
    number masked and link tokens hidden."""

    def send(self, to_e164: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(to_e164), redact_links(text))


class MemoryBackend(BaseBackend):
    """Keeps messages in ``MemoryBackend.outbox`` (for tests, like Django's locmem mail)."""

    outbox: list[tuple[str, str]] = []

    def send(self, to_e164: str, text: str) -> None:
        MemoryBackend.outbox.append((to_e164, text))


def get_backend() -> BaseBackend:
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()


def _within_caps(to_e164: str) -> bool:
    """Counts the SMS against both caps (the shared limiter); False when one of them is
    reached."""
    try:
        limiter.hit("sms:phone", to_e164, (settings.SMS_MAX_PER_PHONE_PER_HOUR, HOUR))
        limiter.hit("sms:all", "all", (settings.SMS_MAX_PER_HOUR, HOUR))
    except RateLimitExceeded:
        return False
    return True


def send_sms(to_e164: str, text: str) -> bool:
    """Sends the SMS unless a cap is reached; returns whether it was sent."""
    if not _within_caps(to_e164):
        logger.warning("SMS to %s not sent: the hourly SMS limit is reached", mask_phone(to_e164))
        return False
    get_backend().send(to_e164, text)
    return True
