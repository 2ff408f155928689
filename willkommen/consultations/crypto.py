"""Encryption at rest for notes and client contact data.

The keys come from the ``CONSULTATION_KEYS`` setting (comma-separated Fernet keys): the
first key encrypts, every key decrypts. Rotation: put a new key first, keep the old ones
behind it, run ``manage.py rotate_consultation_keys``, then drop the old keys.
A database dump alone therefore never reveals a note.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

TOKEN_PREFIX = "fernet:"  # noqa: S105 - a marker, not a secret


@lru_cache(maxsize=4)
def _fernet_for(keys: str) -> MultiFernet:
    parts = [key.strip() for key in keys.split(",") if key.strip()]
    if not parts:
        raise ImproperlyConfigured("CONSULTATION_KEYS is empty")
    try:
        return MultiFernet([Fernet(key) for key in parts])
    except ValueError as error:
        raise ImproperlyConfigured(
            f"CONSULTATION_KEYS holds an invalid Fernet key: {error}"
        ) from error


def current_fernet() -> MultiFernet:
    """Built from the settings on every call (cached per key string), so that tests that
    override the setting see the new keys at once."""
    return _fernet_for(settings.CONSULTATION_KEYS)


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    token = current_fernet().encrypt(plaintext.encode("utf-8"))
    return TOKEN_PREFIX + token.decode("ascii")


def decrypt(stored: str) -> str:
    if not stored:
        return ""
    if not stored.startswith(TOKEN_PREFIX):
        raise ValueError("an encrypted field holds a value that is not a Fernet token")
    try:
        return current_fernet().decrypt(stored[len(TOKEN_PREFIX) :].encode("ascii")).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "a consultation field cannot be decrypted with any key in CONSULTATION_KEYS"
        ) from error


def rotate(stored: str) -> str:
    """The same plaintext, encrypted with the first (current) key."""
    if not stored:
        return ""
    token = current_fernet().rotate(stored[len(TOKEN_PREFIX) :].encode("ascii"))
    return TOKEN_PREFIX + token.decode("ascii")


class EncryptedTextField(models.TextField):
    """A text column that holds only Fernet tokens; Python code sees the plaintext.

    Lookups on it make no sense (every token differs) and are not used anywhere.
    """

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(value)
