"""Settings for the HTTP benchmark's server: the test settings (no SECRET_KEY needed, any
host), but with background tasks queued in the database as in production (the test
settings run them inside the request) and request logging at WARNING."""

from willkommen.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "WARNING"},
}

# The project's URLs plus the bench-only floor endpoint (see floor_urls.py).
ROOT_URLCONF = "floor_urls"
