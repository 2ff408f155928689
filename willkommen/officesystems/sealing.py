"""The client's secret for an office appointment (ZMS: the authKey), encrypted at rest.

Keeping in step needs it again (``sync.py`` asks the office system with it), so it cannot
be hashed; a database dump or backup alone must not reveal it, because with it one can
cancel the appointment in the office system. Fernet keys from
``OFFICE_SYSTEM_SECRET_KEYS`` (comma-separated, the first encrypts, all decrypt), by
default the consultation keys (``CONSULTATION_KEYS``). The digest of a partner's secret
(``digest``) is an HMAC under ``SECRET_KEY``: it is only ever compared.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    parts = [key.strip() for key in keys.split(",") if key.strip()]
    try:
        return MultiFernet([Fernet(key) for key in parts])
    except (ValueError, IndexError) as error:
        raise ImproperlyConfigured(f"OFFICE_SYSTEM_SECRET_KEYS is invalid: {error}") from error


def _keys() -> str:
    return getattr(settings, "OFFICE_SYSTEM_SECRET_KEYS", "") or settings.CONSULTATION_KEYS


def seal(secret: str) -> str:
    if not secret:
        return ""
    return PREFIX + _fernet(_keys()).encrypt(secret.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet(_keys()).decrypt(sealed.removeprefix(PREFIX).encode("ascii")).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured("an office secret cannot be decrypted with any key") from error


def digest(secret: str) -> str:
    """The HMAC of a partner-given secret ('' for none)."""
    if not secret:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"office-secret:" + secret.encode(), hashlib.sha256).hexdigest()


def digest_matches(stored: str, secret: str) -> bool:
    """Constant-time comparison. An appointment pushed without a secret needs none (what
    the client typed into the optional field is ignored)."""
    if not stored:
        return True
    return hmac.compare_digest(stored, digest(secret or ""))
