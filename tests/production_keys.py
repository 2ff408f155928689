"""Keys for tests that start the production settings: drawn afresh for every run, because
production refuses every key printed in the repository (``willkommen/published_keys.py``,
kept complete by ``tests/ops/test_published_keys.py``)."""

import secrets

from cryptography.fernet import Fernet


def fresh_secret_key() -> str:
    return secrets.token_urlsafe(64)


def fresh_fernet_key() -> str:
    return Fernet.generate_key().decode()
