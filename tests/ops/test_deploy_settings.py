"""Production settings: ``check --deploy`` is clean with and without Redis, and the
responses carry HSTS, secure cookies and the strict CSP."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.production_keys import fresh_fernet_key, fresh_secret_key

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="willkommen.settings.production",
        SECRET_KEY=fresh_secret_key(),
        ALLOWED_HOSTS="willkommen.example",
        CONSULTATION_KEYS=fresh_fernet_key(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        WILLKOMMEN_VAR_DIR=str(tmp_path),
        **extra,
    )
    return env


@pytest.mark.parametrize("redis", [False, True], ids=["database-queue", "redis"])
def test_check_deploy_is_clean(tmp_path, redis):
    extra = {"REDIS_URL": "redis://127.0.0.1:6379/15"} if redis else {}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_redis_switches_tasks_to_rq_with_django_rq_installed(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.TASKS['default']['BACKEND'], 'django_rq' in s.INSTALLED_APPS, "
        "s.CACHES['default']['BACKEND']]))"
    )
    run = lambda **extra: json.loads(  # noqa: E731
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=production_env(tmp_path, **extra),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    )
    assert run(REDIS_URL="redis://127.0.0.1:6379/15") == [
        "django_tasks_rq.RQBackend",
        True,
        "django.core.cache.backends.redis.RedisCache",
    ]
    assert run() == [
        "django_tasks_db.DatabaseBackend",
        False,
        "django.core.cache.backends.db.DatabaseCache",
    ]


HEADERS_SCRIPT = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import override_settings
# The manifest of collected static files does not exist in a checkout; nothing else changes.
override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
client = Client(HTTP_HOST="willkommen.example")
plain = client.get("/staff/login/")
page = client.get("/staff/login/", secure=True)
cookie = page.cookies.get("csrftoken")
from django.conf import settings
print(json.dumps({
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "status": page.status_code,
    "hsts": page.get("Strict-Transport-Security", ""),
    "csp": page.get("Content-Security-Policy", ""),
    "frame": page.get("X-Frame-Options", ""),
    "csrf_cookie_secure": bool(cookie and cookie["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "language_cookie_secure": settings.LANGUAGE_COOKIE_SECURE,
}))
"""


def test_production_responses_have_hsts_secure_cookies_and_csp(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", HEADERS_SCRIPT],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain_status"] == 301 and seen["plain_location"].startswith("https://")
    assert seen["status"] == 200
    assert "max-age=31536000" in seen["hsts"] and "includeSubDomains" in seen["hsts"]
    assert "script-src 'self'" in seen["csp"] and "unsafe-inline" not in seen["csp"]
    assert "frame-ancestors 'none'" in seen["csp"] and seen["frame"] == "DENY"
    assert seen["csrf_cookie_secure"] and seen["session_cookie_secure"]
    assert seen["session_cookie_httponly"] and seen["language_cookie_secure"]
