"""Server settings for the operations benchmarks (bench/load_rush.py and the fault scripts):
the test settings (no secrets needed) with production-like parts: background tasks queued
(in the database, or in Redis/RQ when REDIS_URL is set, as production does), the Redis
cache from base.py when REDIS_URL is set, and quiet logs."""

import os

from willkommen.settings.test import *  # noqa: F403
from willkommen.settings.test import INSTALLED_APPS, REDIS_URL

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if REDIS_URL and os.environ.get("BENCH_TASKS_IN_REDIS") == "1":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "ERROR"}},
}

if os.environ.get("BENCH_MAIL_LOG"):
    EMAIL_BACKEND = "ops_mail.RecordingBackend"
