"""``make demo``: the development profile as a first impression (docs/demo.md).

* The site's own error pages: DEBUG off, since Django's debug page lists every URL.
  WhiteNoise serves the static files straight from the apps (runserver would serve them
  only with DEBUG), so no ``collectstatic`` is needed.
* Links in e-mails, SMS and ``.ics`` files follow the port the demo serves on: ``PORT``,
  which ``make demo PORT=...`` passes on, unless ``PUBLIC_URL`` says otherwise.
* ``/metrics`` and ``/metrics/welcome-service`` answer to PUBLIC demo tokens, printed by
  ``seed_demo`` like the demo password (the demo listens on 127.0.0.1 only).
* The console shows e-mails, SMS (dev profile), requests and warnings, not every
  background task.
"""

from willkommen.config import env_bool, env_int, env_str

from .dev import *  # noqa: F403
from .dev import LOGGING

DEBUG = env_bool("DEBUG", False)
WHITENOISE_USE_FINDERS = True

DEMO_PORT = env_int("PORT", 8000, minimum=1)
WILLKOMMEN_PUBLIC_URL = env_str("PUBLIC_URL", f"http://127.0.0.1:{DEMO_PORT}").rstrip("/")

DEMO_METRICS_TOKEN = "willkommen-demo-metrics"
DEMO_WELCOME_SERVICE_METRICS_TOKEN = "willkommen-demo-welcome-service-figures"
METRICS_TOKEN = env_str("METRICS_TOKEN", DEMO_METRICS_TOKEN)
METRICS_WELCOME_SERVICE_TOKEN = env_str(
    "METRICS_WELCOME_SERVICE_TOKEN", DEMO_WELCOME_SERVICE_METRICS_TOKEN
)

# runserver prints one line per request already; the worker need not announce each task.
LOGGING = {
    **LOGGING,
    "filters": {
        **LOGGING["filters"],
        "quiet_tasks": {"()": "willkommen.console_backends.QuietTaskProgress"},
    },
    "handlers": {
        "console": {
            **LOGGING["handlers"]["console"],
            "filters": [*LOGGING["handlers"]["console"]["filters"], "quiet_tasks"],
        }
    },
    "loggers": {
        **LOGGING["loggers"],
        "willkommen.request": {"level": "INFO" if env_bool("LOG_REQUESTS", False) else "WARNING"},
    },
}
