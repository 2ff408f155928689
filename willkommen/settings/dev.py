"""Local development and the demo: DEBUG on, e-mails and SMS printed on the console."""

from willkommen.config import env_bool, env_str

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine for a demo on 127.0.0.1; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-for-the-local-demo-never-in-production"
# Readable, with whole links (willkommen/console_backends.py); never in production.
EMAIL_BACKEND = "willkommen.console_backends.EmailBackend"
SMS_BACKEND = env_str("SMS_BACKEND", "willkommen.console_backends.SmsBackend")
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
