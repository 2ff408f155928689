"""Production: DEBUG off, every secret from the environment, HTTPS only.

Passes ``manage.py check --deploy`` without warnings. Missing or malformed settings stop
start-up with one line naming the setting (see ``willkommen.config``); so do a DEBUG
switched on and a key that is published in the repository or too simple to be random
(``willkommen.keys``).
"""

from willkommen.config import ConfigError, env_bool, env_int, env_list, env_str
from willkommen.keys import consultation_keys_problem, secret_key_problem

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL

if env_bool("DEBUG", False):
    raise ConfigError(
        "DEBUG must not be true with the production settings (it shows settings and "
        "tracebacks to every visitor); use willkommen.settings.dev for development"
    )
DEBUG = False
# The demo commands (seed_demo: accounts with a public password and TOTP secret) refuse.
WILLKOMMEN_DEMO_DATA_ALLOWED = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
if problem := secret_key_problem(SECRET_KEY):
    raise ConfigError(problem)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS is required but not set (comma-separated host names)")

# Consultation notes and client contact data are encrypted with these keys; the insecure
# development default from base.py must never reach production.
CONSULTATION_KEYS = env_str("CONSULTATION_KEYS", required=True)
if problem := consultation_keys_problem(CONSULTATION_KEYS):
    raise ConfigError(problem)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if not REDIS_URL:
    # Without Redis, a database cache is shared between the workers (rate limits have a
    # table of their own, willkommen/ratelimit/).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "willkommen_cache",
        }
    }
else:
    CACHES = CACHES
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["default"],
        }
    }
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    # django_tasks_rq refuses to start (system check) unless django_rq is installed; it
    # also brings the ``rqworker`` command (run with ``--job-class django_tasks_rq.Job``).
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]  # noqa: F405
    if env_bool("TASKS_IN_DATABASE", False):
        TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
