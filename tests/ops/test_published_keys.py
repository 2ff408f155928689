"""Known keys must not start production (docs/deploy.md, "Keys").

* Production refuses every key-like literal in the repository: it is on the deny list
  (``willkommen/published_keys.py``) or too simple anyway. A key that anyone can read signs
  manage links for anyone (a booking code, which every clerk sees, would become a manage
  token) and decrypts every note.
* Production refuses keys that are too short or too regular to be random, and accepts
  freshly generated ones.
* ``DEBUG=true`` and the demo commands stop under the production settings with one line.
* ``make check`` draws throwaway keys at check time, and they pass ``check --deploy``.
"""

import base64
import os
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops import key_scan
from tests.production_keys import fresh_fernet_key, fresh_secret_key
from willkommen.keys import consultation_keys_problem, secret_key_problem
from willkommen.published_keys import (
    PUBLISHED_FERNET_KEYS,
    PUBLISHED_KEYS,
    PUBLISHED_SECRET_KEYS,
)

ROOT = Path(__file__).resolve().parents[2]
# Set in this process by the browser tests' live server; check --deploy rightly refuses it.
LEFT_BY_OTHER_TESTS = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def production(*command, **env):
    """``command`` (manage.py arguments) under the production settings with good keys,
    unless ``env`` says otherwise."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "CONSULTATION_KEYS", "DEBUG", "DATABASE_URL", "REDIS_URL"}
        and k not in LEFT_BY_OTHER_TESTS
    }
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "willkommen.settings.production",
            "SECRET_KEY": fresh_secret_key(),
            "CONSULTATION_KEYS": fresh_fernet_key(),
            "ALLOWED_HOSTS": "willkommen.example",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- The deny list is complete -------------------------------------------------------------


def test_every_key_printed_in_the_repository_is_refused_by_production():
    """A printed key is refused because it is on the deny list, or because it is too
    simple anyway (the weak examples of these tests)."""
    literals = key_scan.key_literals(ROOT)
    accepted = {
        key: sorted(files)
        for key, files in literals.items()
        if secret_key_problem(key) is None or consultation_keys_problem(key) is None
    }
    assert not accepted, (
        "Key-like literals that production would accept; add them to "
        f"willkommen/published_keys.py (and better, generate them at run time): {accepted}"
    )
    # The scan does see the keys we know are printed (it is not looking at nothing).
    assert "aW5zZWN1cmUtZGV2LWtleS1kby1ub3QtdXNlLTAwMDA=" in literals
    assert "test-only-key-with-enough-length-and-entropy-0123456789abcdef" in literals


def test_the_scan_finds_keys_however_they_are_written(tmp_path):
    """Control: the scan finds keys assigned, passed, built from pieces, in a Makefile and
    Fernet-shaped text anywhere, and leaves placeholders alone."""
    fernet = fresh_fernet_key()
    (tmp_path / "settings.py").write_text(
        'SECRET_KEY = "abc-" + "Zq9!" * 12\n'
        'OTHER_KEY = "plain-literal-key-Q7x!-0011223344"\n'
        'env = dict(SECRET_KEY="keyword-literal-key-Q7x!-00112233")\n'
        'config = {"CONSULTATION_KEYS": "dict-literal-one-Q7x!-001122,'
        'dict-literal-two-Q7x!-3344"}\n'
        'CACHE_KEY = "wk:some:cache-key-name-long-enough"\n'
        'SECRET_KEY = os.environ["SECRET_KEY"]\n'
    )
    (tmp_path / "Makefile").write_text(
        "check:\n\tSECRET_KEY=make-literal-key-Q7x!-0011223344 CONSULTATION_KEYS=$$(gen) x\n"
    )
    (tmp_path / "README.md").write_text(
        f"Put `{fernet}` into the environment. SECRET_KEY=...50+ random characters...\n"
    )
    found = set(key_scan.key_literals(tmp_path))
    assert found == {
        "abc-" + "Zq9!" * 12,
        "plain-literal-key-Q7x!-0011223344",
        "keyword-literal-key-Q7x!-00112233",
        "dict-literal-one-Q7x!-001122",
        "dict-literal-two-Q7x!-3344",
        "make-literal-key-Q7x!-0011223344",
        fernet,
    }


def test_control_a_random_key_once_printed_passes_every_rule_but_the_list(tmp_path):
    """Control: a well-made key that was printed somewhere passes the strength rules; only
    the deny list (which the scan above keeps complete) stops it."""
    printed_secret, printed_fernet = fresh_secret_key(), fresh_fernet_key()
    (tmp_path / "example.py").write_text(f'SECRET_KEY = "{printed_secret}"\n')
    (tmp_path / "notes.md").write_text(f"CONSULTATION_KEYS={printed_fernet}\n")
    assert set(key_scan.key_literals(tmp_path)) == {printed_secret, printed_fernet}
    assert secret_key_problem(printed_secret) is None
    assert consultation_keys_problem(printed_fernet) is None


@pytest.mark.parametrize("key", sorted(PUBLISHED_KEYS))
def test_production_refuses_every_published_key(key):
    assert "published in the Willkommen repository" in secret_key_problem(key)
    assert "published in the Willkommen repository" in consultation_keys_problem(key)
    assert consultation_keys_problem(f"{fresh_fernet_key()},{key}")


def test_a_published_secret_key_stops_start_up_with_one_line():
    key = sorted(PUBLISHED_SECRET_KEYS)[0]
    result = production("check", SECRET_KEY=key)
    assert result.returncode == 2
    line = one_line(result)
    assert line.startswith("Configuration error: SECRET_KEY is published")
    assert key not in result.stderr


def test_a_published_consultation_key_stops_start_up_with_one_line():
    key = sorted(PUBLISHED_FERNET_KEYS)[0]
    result = production("check", CONSULTATION_KEYS=f"{fresh_fernet_key()},{key}")
    assert result.returncode == 2
    line = one_line(result)
    assert line.startswith("Configuration error: CONSULTATION_KEYS: key 2 of 2 is refused")
    assert key not in result.stderr


# --- Too short, too simple ------------------------------------------------------------------

URLSAFE = string.ascii_letters + string.digits + "-_"
DJANGO_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"


def _generated_keys(seed=2026, each=300):
    """Keys as the documented generators make them, from a seeded generator so that the
    test is the same on every run."""
    draw = random.Random(seed)
    for _ in range(each):
        yield "".join(draw.choice(URLSAFE) for _ in range(86))  # secrets.token_urlsafe(64)
        yield "".join(draw.choice("0123456789abcdef") for _ in range(64))  # token_hex(32)
        yield "".join(draw.choice(DJANGO_ALPHABET) for _ in range(50))  # Django's own


def test_generated_secret_keys_pass():
    refused = [(key, secret_key_problem(key)) for key in _generated_keys()]
    assert not [entry for entry in refused if entry[1]]


def test_generated_fernet_keys_pass():
    draw = random.Random(2026)
    keys = [base64.urlsafe_b64encode(draw.randbytes(32)).decode() for _ in range(500)]
    assert not [key for key in keys if consultation_keys_problem(key)]
    assert consultation_keys_problem(",".join(keys[:3])) is None


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("Aa1!" * 5, "at least 50 characters"),
        ("correct-horse-battery-staple-and-some-more-words-here", "three of"),
        ("ThisIsMyVeryOwnSecretKeyForTheWelcomeServiceInHannover", "three of"),
        ("Xq7!" + "a" * 46 + "Z", "different characters"),
        ("Xq7!mT2#" + "abcdefghijklmnopqrstuvwxyz" + "Rw9$kP4&vN6*bL3^hJ8@", "run of equal"),
        ("Xq7!mT2#" + "Zk4!Wp9$" * 6, "repeats a block"),
        ("K9x!" + "01234567" + "Zq-Lm2#Pv7&Rt5*Bn8@Wc3^Hd6(Jf1)Gs4_Yk0+", "run of equal"),
        ("django-insecure-Q7x!m2T#v9Lp$4Rz&8Wk*3Nb^6Hd@1Jf(5Gs)0Yc+", "startproject"),
    ],
)
def test_simple_secret_keys_are_refused(key, reason):
    assert reason in secret_key_problem(key)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("not-a-fernet-key", "not a Fernet key"),
        (base64.urlsafe_b64encode(b"x" * 31).decode(), "not a Fernet key"),
        (base64.urlsafe_b64encode(b"my-own-typed-consultation-key-32").decode(), "readable text"),
        (base64.urlsafe_b64encode(bytes(32)).decode(), "too regular"),
        (base64.urlsafe_b64encode(bytes([1, 200, 3, 250] * 8)).decode(), "too regular"),
        ("", "empty entry"),
        (f"{base64.urlsafe_b64encode(bytes(range(100, 132))).decode()},", "empty entry"),
    ],
)
def test_unusable_consultation_keys_are_refused(value, reason):
    assert reason in consultation_keys_problem(value)


def test_a_simple_secret_key_stops_start_up_with_one_line():
    result = production("check", SECRET_KEY="Xq7!mT2#" + "Zk4!Wp9$" * 6)
    assert result.returncode == 2
    assert one_line(result).startswith("Configuration error: SECRET_KEY is too simple")


# --- DEBUG and the demo commands ------------------------------------------------------------


def test_debug_stops_production_start_up_with_one_line():
    result = production("check", DEBUG="true")
    assert result.returncode == 2
    assert one_line(result).startswith("Configuration error: DEBUG must not be true")


def test_control_production_starts_with_good_keys_and_debug_off():
    result = production("check", DEBUG="false")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", ["seed_demo", "generate_activity"])
def test_demo_commands_refuse_production_settings_with_one_line(tmp_path, command):
    # An empty database: had the command gone on, it would fail with a traceback instead.
    result = production(command, DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith(f"CommandError: {command} refuses to run with the production")
    assert "Traceback" not in result.stderr and not result.stdout.strip()


# --- make check ------------------------------------------------------------------------------


def test_make_checks_deploy_settings_with_throwaway_keys():
    """The Makefile's way (``make check`` runs this target) passes ``check --deploy``; its
    keys are drawn at check time (the scan above finds no fixed key in the Makefile)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "CONSULTATION_KEYS", "DEBUG", "MAKEFLAGS", "MAKELEVEL"}
        and k not in LEFT_BY_OTHER_TESTS
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "check-deploy", f"BIN={Path(sys.executable).parent}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    makefile = (ROOT / "Makefile").read_text()
    assert "secrets.token_urlsafe" in makefile and "Fernet.generate_key" in makefile
