"""Reading settings from the environment.

A misconfigured production server must refuse to start with one line that names the
setting, not with a traceback somewhere deep in Django. Every reader raises
:class:`ConfigError`; ``manage.py``, ``wsgi.py`` and ``asgi.py`` turn it into that line.
"""

import ipaddress
import json
import os
import sys
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


def env_networks(name):
    """Comma-separated addresses or networks (``10.0.0.0/8``, ``::1``), checked now, so
    that a typo stops start-up instead of silently trusting nobody (or everybody)."""
    networks = env_list(name)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(
                f"{name} must list IP addresses or networks (10.0.0.0/8), not {network!r}"
            ) from None
    return networks


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


def env_json_object(name):
    """A JSON object (``{}`` when unset); anything else stops start-up with its name."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return {}
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise ConfigError(f"{name} must be a JSON object: {error}") from None
    if not isinstance(parsed, dict):
        raise ConfigError(f"{name} must be a JSON object, not {type(parsed).__name__}")
    return parsed


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
        print(f"Configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
