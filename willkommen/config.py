"""Reading settings from the environment.

A misconfigured production server must refuse to start with one line that names the
setting, not with a traceback somewhere deep in Django. Every reader raises
:class:`ConfigError`; ``manage.py``, ``wsgi.py`` and ``asgi.py`` turn it into that line.
"""

import os
from urllib.parse import urlparse

import dj_database_url


class ConfigError(Exception):
    """A setting is missing or malformed. The message names the setting."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ConfigError(f"{name} is required but not set")
        return default
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def env_int(name, default, *, minimum=None):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name, default_url):
    url = os.environ.get(name) or default_url
    scheme = urlparse(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(f"{name} must be a sqlite:// or postgres:// URL, not {scheme or url!r}")
    try:
        config = dj_database_url.parse(url, conn_max_age=60 if scheme != "sqlite" else 0)
    except Exception as error:  # dj_database_url raises several kinds
        raise ConfigError(f"{name} is malformed: {error}") from None
    if scheme != "sqlite":
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})
    return config


def env_redis_url(name):
    url = os.environ.get(name)
    if not url:
        return None
    if urlparse(url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(f"{name} must be a redis:// URL, not {url!r}")
    return url


def exit_on_config_error(load):
    """Run ``load`` (which imports settings); on a ConfigError print one line and exit."""
    try:
        return load()
    except ConfigError as error:
        import sys

        print(f"Configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
