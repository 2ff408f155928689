"""Local development and the demo: DEBUG on, e-mails printed to the console."""

from willkommen.config import env_bool

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine for a demo on 127.0.0.1; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-for-the-local-demo-never-in-production"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
# The local-memory cache is per process; rate limits are per process in the demo.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
