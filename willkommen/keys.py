"""Which secret keys production accepts.

A production server must not start with a key that someone else knows or can guess: the
``SECRET_KEY`` signs the clients' manage links (a known key turns a booking code, which
every clerk sees, into a manage token) and the sessions; ``CONSULTATION_KEYS`` encrypt the
counsellors' notes. So production (``willkommen/settings/production.py``) refuses

* every key printed anywhere in the repository (``willkommen.published_keys``), and
* keys that are too short or too regular to be random: a typed phrase, a word list, a
  repeated block, a run like ``0123456789abcdef``.

The rules are strict enough to refuse what people type and loose enough that a freshly
generated key (``secrets.token_urlsafe(64)``, ``secrets.token_hex(32)``, Django's
``get_random_secret_key()``, ``Fernet.generate_key()``) passes, except with a probability
below one in several thousand; the message then says how to make another.

Each check returns a problem as text (naming the setting, never the key) or ``None``.
"""

import base64
import binascii
import string

from .published_keys import PUBLISHED_FERNET_KEYS, PUBLISHED_KEYS

MIN_SECRET_KEY_LENGTH = 50
# A run of this many characters that are equal, or rise or fall one by one ("aaaaaaaa",
# "abcdefgh", "76543210"), is typed, not drawn.
MAX_RUN = 8
# A block of this length that occurs twice is copied, not drawn.
REPEATED_BLOCK = 8
MIN_DISTINCT_CHARACTERS = 12
MIN_FERNET_DISTINCT_BYTES = 16

HOW_TO_GENERATE = (
    "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"
)
HOW_TO_GENERATE_FERNET = (
    "generate one with: python3 -c "
    "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)

CHARACTER_CLASSES = (
    set(string.ascii_lowercase),
    set(string.ascii_uppercase),
    set(string.digits),
)


def _classes(text: str) -> int:
    found = sum(1 for chars in CHARACTER_CLASSES if chars & set(text))
    others = set(text) - set().union(*CHARACTER_CLASSES)
    return found + (1 if others else 0)


def _is_hex(text: str) -> bool:
    return all(char in string.hexdigits for char in text)


def _has_run(text: str, length: int = MAX_RUN) -> bool:
    """True if ``length`` characters in a row are equal, or each is one above (or one
    below) the one before."""
    for step in (0, 1, -1):
        run = 1
        for before, after in zip(text, text[1:], strict=False):
            run = run + 1 if ord(after) - ord(before) == step else 1
            if run >= length:
                return True
    return False


def _has_repeated_block(text: str, length: int = REPEATED_BLOCK) -> bool:
    seen = set()
    for start in range(len(text) - length + 1):
        block = text[start : start + length]
        if block in seen:
            return True
        seen.add(block)
    return False


def text_key_weakness(text: str) -> str | None:
    """Why ``text`` does not look like a randomly generated key, or ``None``."""
    if _classes(text) < 3 and not (_is_hex(text) and len(text) >= 64):
        return "it must mix at least three of lower case, upper case, digits and symbols"
    if len(set(text)) < MIN_DISTINCT_CHARACTERS:
        return "it has too few different characters"
    if _has_run(text):
        return "it contains a run of equal or consecutive characters"
    if _has_repeated_block(text):
        return "it repeats a block of characters"
    if text.startswith("django-insecure-"):
        return "it is a development key made by Django's startproject"
    return None


def secret_key_problem(key: str) -> str | None:
    """What is wrong with ``key`` as the production ``SECRET_KEY``, or ``None``."""
    if key.strip() in PUBLISHED_KEYS:
        return (
            "SECRET_KEY is published in the Willkommen repository (a development, test or "
            f"example key) and therefore known to everyone; {HOW_TO_GENERATE}"
        )
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return (
            f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters of random text; "
            f"{HOW_TO_GENERATE}"
        )
    weakness = text_key_weakness(key)
    if weakness:
        return f"SECRET_KEY is too simple to be random ({weakness}); {HOW_TO_GENERATE}"
    return None


def fernet_key_weakness(key: str) -> str | None:
    """Why ``key`` is not a usable, random Fernet key, or ``None``."""
    if key in PUBLISHED_FERNET_KEYS or key in PUBLISHED_KEYS:
        return "it is published in the Willkommen repository and known to everyone"
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return "it is not a Fernet key (44 characters of URL-safe base64)"
    if len(key) != 44 or len(raw) != 32:
        return "it is not a Fernet key (44 characters of URL-safe base64)"
    # 32 random bytes are all printable ASCII with a chance of about 1e-14: such a key
    # is a typed phrase encoded, not a generated key.
    if all(32 <= byte < 127 for byte in raw):
        return "it encodes readable text, not random bytes"
    if len(set(raw)) < MIN_FERNET_DISTINCT_BYTES:
        return "its bytes are too regular to be random"
    return None


def consultation_keys_problem(value: str) -> str | None:
    """What is wrong with the comma-separated ``CONSULTATION_KEYS``, or ``None``."""
    keys = [key.strip() for key in value.split(",")]
    for position, key in enumerate(keys, start=1):
        if not key:
            return f"CONSULTATION_KEYS has an empty entry (key {position} of {len(keys)})"
        weakness = fernet_key_weakness(key)
        if weakness:
            return (
                f"CONSULTATION_KEYS: key {position} of {len(keys)} is refused ({weakness}); "
                f"{HOW_TO_GENERATE_FERNET}"
            )
    return None
