"""The demo's settings profile (willkommen/settings/demo.py), read in a fresh interpreter
with a clean environment, as ``make demo`` starts it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.production_keys import fresh_fernet_key, fresh_secret_key

ROOT = Path(__file__).resolve().parents[2]
READ = """
import json
from django.conf import settings
print(json.dumps({name: getattr(settings, name, None) for name in %r}))
"""


def read_settings(module, tmp_path, *names, **environ):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": f"willkommen.settings.{module}",
        "WILLKOMMEN_VAR_DIR": str(tmp_path),
        **environ,
    }
    result = subprocess.run(
        [sys.executable, "-c", READ % (names,)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_demo_links_follow_the_port(tmp_path):
    demo = read_settings("demo", tmp_path, "WILLKOMMEN_PUBLIC_URL", PORT="8123")
    assert demo["WILLKOMMEN_PUBLIC_URL"] == "http://127.0.0.1:8123"
    default = read_settings("demo", tmp_path, "WILLKOMMEN_PUBLIC_URL")
    assert default["WILLKOMMEN_PUBLIC_URL"] == "http://127.0.0.1:8000"


def test_an_explicit_public_url_still_wins(tmp_path):
    demo = read_settings(
        "demo",
        tmp_path,
        "WILLKOMMEN_PUBLIC_URL",
        PORT="8123",
        PUBLIC_URL="https://willkommen.example/",
    )
    assert demo["WILLKOMMEN_PUBLIC_URL"] == "https://willkommen.example"


def test_control_the_development_profile_ignores_the_port(tmp_path):
    """What ``make demo PORT=8123`` sent before: links to port 8000."""
    dev = read_settings("dev", tmp_path, "WILLKOMMEN_PUBLIC_URL", PORT="8123")
    assert dev["WILLKOMMEN_PUBLIC_URL"] == "http://127.0.0.1:8000"


def test_the_demo_shows_its_own_error_pages_and_serves_static_files(tmp_path):
    demo = read_settings("demo", tmp_path, "DEBUG", "WHITENOISE_USE_FINDERS", "MIDDLEWARE")
    assert demo["DEBUG"] is False
    assert demo["WHITENOISE_USE_FINDERS"] is True
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in demo["MIDDLEWARE"]


def test_the_demo_has_two_different_metrics_tokens(tmp_path):
    names = ("METRICS_TOKEN", "METRICS_WELCOME_SERVICE_TOKEN")
    demo = read_settings("demo", tmp_path, *names)
    assert all(demo[name] for name in names)
    assert demo["METRICS_TOKEN"] != demo["METRICS_WELCOME_SERVICE_TOKEN"]
    own = read_settings("demo", tmp_path, *names, METRICS_TOKEN="mine")
    assert own["METRICS_TOKEN"] == "mine"


@pytest.mark.parametrize("module", ["dev", "demo"])
def test_the_console_backends_print_mail_and_sms(tmp_path, module):
    values = read_settings(module, tmp_path, "EMAIL_BACKEND", "SMS_BACKEND")
    assert values == {
        "EMAIL_BACKEND": "willkommen.console_backends.EmailBackend",
        "SMS_BACKEND": "willkommen.console_backends.SmsBackend",
    }


def test_production_has_neither_demo_tokens_nor_console_backends(tmp_path):
    names = ("METRICS_TOKEN", "METRICS_WELCOME_SERVICE_TOKEN", "EMAIL_BACKEND", "SMS_BACKEND")
    production = read_settings(
        "production",
        tmp_path,
        *names,
        # Drawn afresh: production refuses every key printed in the repository.
        SECRET_KEY=fresh_secret_key(),
        ALLOWED_HOSTS="willkommen.example",
        CONSULTATION_KEYS=fresh_fernet_key(),
    )
    assert production["METRICS_TOKEN"] == production["METRICS_WELCOME_SERVICE_TOKEN"] == ""
    assert "console" not in production["EMAIL_BACKEND"]
    assert "console" not in production["SMS_BACKEND"]
