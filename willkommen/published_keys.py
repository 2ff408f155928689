"""Every secret key that was ever printed in the Willkommen repository (code, Makefile, docs,
tests), so that production refuses it (``willkommen.keys``).

Anyone can read these keys, so a server started with one of them has no secret at all:
with a known ``SECRET_KEY`` a booking code, which every clerk sees, becomes a manage token;
with a known consultation key a database dump reveals the notes.

Maintained by ``tests/ops/test_published_keys.py``, which searches the repository for
key-like literals and fails for one that production would accept (one that is neither
here nor too simple anyway). Never remove an entry: a key that left the code stays in the
git history.
"""

PUBLISHED_SECRET_KEYS = frozenset(
    {
        # willkommen/settings/dev.py: the demo's fixed key.
        "dev-only-insecure-key-for-the-local-demo-never-in-production",
        # willkommen/settings/test.py: the test suite's key.
        "test-only-key-with-enough-length-and-entropy-0123456789abcdef",
        # The Makefile's `check` key until it generated one per run.
        "check-deploy-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
        # Keys of earlier tests of the production settings.
        "deploy-test-k7Qm2xP9vL4tR8wZk7Qm2xP9vL4tR8wZk7Qm2xP9vL4tR8wZk7Qm2xP9vL4tR8wZ",
        "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkk0123456789abcdefghijklmnopqrstuvwxyz",
        # willkommen/consultations/demo.py: the demo's public TOTP secret (hex).
        "77696c6c6b6f6d6d656e2d64656d6f2d746f7470",
    }
)

PUBLISHED_FERNET_KEYS = frozenset(
    {
        # willkommen/settings/base.py: the development and test key.
        "aW5zZWN1cmUtZGV2LWtleS1kby1ub3QtdXNlLTAwMDA=",
        # The Makefile's `check` key and an earlier test's.
        "Y2hlY2stZGVwbG95LW9ubHkta2V5LTAxMjM0NTY3ODk=",
    }
)

PUBLISHED_KEYS = PUBLISHED_SECRET_KEYS | PUBLISHED_FERNET_KEYS
