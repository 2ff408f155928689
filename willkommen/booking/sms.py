"""Pluggable SMS backends. ``settings.SMS_BACKEND`` names the class (dotted path); every
backend has ``send(to_e164, text)``. The default writes to the log, so that an installation
without an SMS gateway loses nothing and a developer sees what would have been sent."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("willkommen.sms")

DEFAULT_BACKEND = "willkommen.booking.sms.LogBackend"


class BaseBackend:
    def send(self, to_e164: str, text: str) -> None:
        raise NotImplementedError


class LogBackend(BaseBackend):
    """Writes the message to the ``willkommen.sms`` logger instead of sending it."""

    def send(self, to_e164: str, text: str) -> None:
        logger.info("SMS to %s: %s", to_e164, text)


class MemoryBackend(BaseBackend):
    """Keeps messages in ``MemoryBackend.outbox`` (for tests, like Django's locmem mail)."""

    outbox: list[tuple[str, str]] = []

    def send(self, to_e164: str, text: str) -> None:
        MemoryBackend.outbox.append((to_e164, text))


def get_backend() -> BaseBackend:
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()


def send_sms(to_e164: str, text: str) -> None:
    get_backend().send(to_e164, text)
