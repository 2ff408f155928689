"""A missing or malformed production setting stops start-up with one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.production_keys import fresh_fernet_key, fresh_secret_key
from willkommen.config import ConfigError, env_bool, env_database, env_int

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = fresh_secret_key()
NOTE_KEY = fresh_fernet_key()


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "willkommen.settings.production",
            "CONSULTATION_KEYS": NOTE_KEY,
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "DATABASE_URL": "mysql://db/x"},
            "DATABASE_URL",
        ),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "DEBUG": "maybe"}, "DEBUG"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "REDIS_URL": "http://x"}, "REDIS_URL"),
    ],
)
def test_bad_production_setting_stops_startup_with_one_line(env, named):
    result = run_check(**env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert named in lines[0]


def test_good_production_settings_start():
    result = run_check(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="willkommen.example")
    assert result.returncode == 0, result.stderr


def test_readers(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("NUMBER", "-1")
    with pytest.raises(ConfigError, match="NUMBER must be at least 0"):
        env_int("NUMBER", 5, minimum=0)
    monkeypatch.setenv("DB", "postgres://user@127.0.0.1:5432/willkommen")
    config = env_database("DB", "sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["CONN_HEALTH_CHECKS"] is True
