"""Settings shared by every profile. Everything site-specific comes from the environment."""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from willkommen.config import (
    ConfigError,
    env_bool,
    env_database,
    env_int,
    env_json_object,
    env_list,
    env_networks,
    env_redis_url,
    env_str,
)

from .identity import *  # noqa: F403  (sign-in through the city's directory)
from .identity import IDENTITY_BACKENDS, OIDC_FORM_ACTION_ORIGINS

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("WILLKOMMEN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "willkommen.ratelimit",
    "willkommen.accounts",
    "willkommen.organisations",
    "willkommen.scheduling",
    "willkommen.officesystems",
    "willkommen.booking",
    "willkommen.walkins",
    "willkommen.release",
    "willkommen.consultations",
    "willkommen.directory",
    "willkommen.statistics",
    "willkommen.pages",
]

MIDDLEWARE = [
    # First: request id, one log line and the /metrics counts for every request.
    "willkommen.observability.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Control characters in addresses, query strings, form fields and cookies: 400/404.
    "willkommen.pages.input_guard.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "willkommen.pages.middleware.LanguageQueryParameterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Re-checks a directory sign-in against the provider after SSO_SESSION_MAX_AGE.
    "willkommen.accounts.revalidation.DirectorySessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A service's refusal (willkommen.errors.DomainError) that leaves a view: its page,
    # status and Retry-After.
    "willkommen.errors.DomainErrorMiddleware",
    # A lost database connection answers 503 + Retry-After instead of 500.
    "willkommen.observability.middleware.DatabaseUnavailableMiddleware",
    # Axes must be last: it turns a lock-out into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "willkommen.urls"
WSGI_APPLICATION = "willkommen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "willkommen" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "willkommen.pages.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'willkommen.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the worker and the web server share the file; IMMEDIATE
    # transactions take the write lock up front, so concurrent bookings queue instead of
    # failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.StaffMember"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "pages:start"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *IDENTITY_BACKENDS,
]

# The admin shows no TOTP secret of an existing device (the operator deletes a lost one).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lock-out after repeated failures, per account and address, so that one attacker
# cannot lock a counsellor out from everywhere.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind the proxy every request comes from the proxy: axes must lock out the client.
AXES_CLIENT_IP_CALLABLE = "willkommen.client_address.client_ip"

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g.
# 127.0.0.1/32); empty: the client is REMOTE_ADDR (willkommen/client_address.py).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A failed CSRF check answers in the visitor's language, inside the layout.
CSRF_FAILURE_VIEW = "willkommen.pages.errors.csrf_failure"

# Internationalisation: German first, six more UI languages, two of them right-to-left.
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("tr", _("Turkish")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
]
LANGUAGE_COOKIE_NAME = "willkommen_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Berlin"

MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "willkommen" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "willkommen",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "willkommen",
        }
    }
# How long a process may answer from its memo of the scheduling configuration when the
# cache is not shared (scheduling/config_cache.py); 0 switches the memo off.
SCHEDULING_CONFIG_CACHE_SECONDS = env_int("SCHEDULING_CONFIG_CACHE_SECONDS", 10, minimum=0)
# Every rate limit (willkommen/ratelimit/): counted in Redis with REDIS_URL, otherwise in
# the database; false switches them all off (load tests on a private copy only).
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Willkommen <willkommen@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Nothing is loaded from outside the installation; no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *OIDC_FORM_ACTION_ORIGINS],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# What the site tells the public about its operator (imprint, privacy, accessibility).
WILLKOMMEN_SITE_NAME = env_str("SITE_NAME", "Willkommensfachdienst")
WILLKOMMEN_OPERATOR_NAME = env_str("OPERATOR_NAME", "Landeshauptstadt Hannover")

# Booking notifications: the public address used in links in e-mails, SMS and .ics files
# (a background worker has no request to take it from), and the SMS gateway backend.
WILLKOMMEN_PUBLIC_URL = env_str("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
SMS_BACKEND = env_str("SMS_BACKEND", "willkommen.booking.sms.LogBackend")
# Caps on SMS sent per hour (willkommen/booking/sms.py), so that bots cannot run up the bill:
# per phone number and for the whole installation. An SMS over a cap is dropped and logged.
SMS_MAX_PER_PHONE_PER_HOUR = env_int("SMS_MAX_PER_PHONE_PER_HOUR", 5, minimum=1)
SMS_MAX_PER_HOUR = env_int("SMS_MAX_PER_HOUR", 500, minimum=1)

# Online booking against bots and scalpers (docs/api.md): open bookings per e-mail/phone,
# attempts per client address per hour and per contact per day, captcha difficulty.
BOOKING_MAX_OPEN_PER_CONTACT = env_int("BOOKING_MAX_OPEN_PER_CONTACT", 2, minimum=1)
BOOKING_RATE_LIMIT_PER_IP = (env_int("BOOKING_RATE_LIMIT_PER_IP", 30, minimum=1), 3600)
BOOKING_RATE_LIMIT_PER_CONTACT = (env_int("BOOKING_RATE_LIMIT_PER_CONTACT", 6, minimum=1), 86400)
# The private links (willkommen/booking/limits.py), per hour: refused links (wrong token or
# unknown code) per code and per address; changes (cancel, move, confirm) per booking and
# per address.
BOOKING_RATE_LIMIT_BAD_LINKS = (env_int("BOOKING_RATE_LIMIT_BAD_LINKS", 10, minimum=1), 3600)
# Past BOOKING_RATE_LIMIT_BAD_LINKS refused links an address waits, growing with each
# further refused link: BOOKING_LINK_BACKOFF_SECONDS, doubled each time, at most
# BOOKING_LINK_BACKOFF_MAX_SECONDS; the count starts anew after a day without one. A valid
# link always works (docs/security.md).
BOOKING_LINK_BACKOFF_SECONDS = env_int("BOOKING_LINK_BACKOFF_SECONDS", 60, minimum=1)
BOOKING_LINK_BACKOFF_MAX_SECONDS = env_int("BOOKING_LINK_BACKOFF_MAX_SECONDS", 3600, minimum=1)
BOOKING_LINK_BACKOFF_RESET_SECONDS = env_int(
    "BOOKING_LINK_BACKOFF_RESET_SECONDS", 86400, minimum=60
)
# "Lost your link?": requests per hour per address, per booking code and per contact.
BOOKING_RATE_LIMIT_LOST_LINK = (env_int("BOOKING_RATE_LIMIT_LOST_LINK", 5, minimum=1), 3600)
BOOKING_RATE_LIMIT_CHANGES = (env_int("BOOKING_RATE_LIMIT_CHANGES", 10, minimum=1), 3600)
BOOKING_RATE_LIMIT_CHANGES_PER_IP = (
    env_int("BOOKING_RATE_LIMIT_CHANGES_PER_IP", 60, minimum=1),
    3600,
)
BOOKING_CAPTCHA_COST = env_int("BOOKING_CAPTCHA_COST", 20, minimum=1)
BOOKING_CAPTCHA_KEY_PREFIX = env_str("BOOKING_CAPTCHA_KEY_PREFIX", "000")
BOOKING_CAPTCHA_EXPIRES = env_int("BOOKING_CAPTCHA_EXPIRES", 900, minimum=60)
# The legal pages (imprint, privacy notice, accessibility statement) are filled from these;
# the defaults describe the demo and must be replaced by the operator.
WILLKOMMEN_OPERATOR = {
    "name": WILLKOMMEN_OPERATOR_NAME,
    "address": env_str("OPERATOR_ADDRESS", "Trammplatz 2, 30159 Hannover"),
    "representative": env_str("OPERATOR_REPRESENTATIVE", "Oberbürgermeister (demo entry)"),
    "email": env_str("OPERATOR_EMAIL", "willkommen@example.org"),
    "phone": env_str("OPERATOR_PHONE", "+49 511 0000000"),
    "vat_id": env_str("OPERATOR_VAT_ID", ""),
    "supervisory_authority": env_str(
        "OPERATOR_SUPERVISORY_AUTHORITY", "Niedersächsisches Ministerium für Inneres und Sport"
    ),
    "data_protection_officer": env_str(
        "DATA_PROTECTION_OFFICER", "Datenschutzbeauftragte, datenschutz@example.org"
    ),
    "data_protection_authority": env_str(
        "DATA_PROTECTION_AUTHORITY",
        "Die Landesbeauftragte für den Datenschutz Niedersachsen, Prinzenstraße 5, 30159 Hannover",
    ),
    "accessibility_contact": env_str("ACCESSIBILITY_CONTACT", "barrierefrei@example.org"),
    "arbitration_body": env_str(
        "ACCESSIBILITY_ARBITRATION_BODY",
        "Schlichtungsstelle nach § 9 d NBGG bei der Landesbeauftragten für Menschen mit "
        "Behinderungen, Hannah-Arendt-Platz 2, 30159 Hannover",
    ),
    "accessibility_statement_date": env_str("ACCESSIBILITY_STATEMENT_DATE", "2026-11-24"),
    "sign_language_video": env_str("SIGN_LANGUAGE_VIDEO", ""),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        # LOG_FORMAT=json: one JSON object per line (willkommen.observability.json_logging).
        "json": {"()": "willkommen.observability.json_logging.JsonFormatter"},
    },
    "filters": {"request_id": {"()": "willkommen.observability.json_logging.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("LOG_FORMAT", "plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # httpx logs every request's URL at INFO: the office systems' look-ups carry the
        # client's secret (ZMS authKey) in the query, which must never reach a log.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # One line per request from RequestIdMiddleware; LOG_REQUESTS=false silences it.
        "willkommen.request": {"level": "INFO" if env_bool("LOG_REQUESTS", True) else "WARNING"},
    },
}
if LOGGING["handlers"]["console"]["formatter"] not in LOGGING["formatters"]:
    raise ConfigError("LOG_FORMAT must be plain or json")

# GET /metrics (Prometheus): answered only with "Authorization: Bearer <METRICS_TOKEN>" or to
# a client address in METRICS_ALLOWED_IPS (addresses or networks); with neither it is 404.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# GET /metrics/welcome-service: the welcome service's own figures (consultations, walk-ins),
# with a token of its own; 404 without one. Never give it to anybody who sees the office.
METRICS_WELCOME_SERVICE_TOKEN = env_str("METRICS_WELCOME_SERVICE_TOKEN", "")
METRICS_ALLOWED_IPS = env_networks("METRICS_ALLOWED_IPS")
METRICS_FLUSH_SECONDS = env_int("METRICS_FLUSH_SECONDS", 5, minimum=0)

# The office's own appointment systems (willkommen/officesystems/, docs/office-systems.md).
# OFFICE_SYSTEMS: JSON keyed by location id, e.g. {"1": {"adapter": "zms", "base_url":
# "https://termine.example.org/api/citizen", "credentials_env": "ZMS_TOKEN"}}; wins over the
# admin's entries. Credentials only ever come from the environment variable it names.
OFFICE_SYSTEMS = env_json_object("OFFICE_SYSTEMS")
# The clerk records arrival and no-show only on the appointment's day or up to this many
# days after it (to catch up on a busy day); never ahead.
OFFICE_ARRIVAL_DAYS_BACK = env_int("OFFICE_ARRIVAL_DAYS_BACK", 3, minimum=0)
# Whether a client may type the time of an appointment at a location whose office system
# can be asked (offered when the system cannot be reached or says the time is past).
OFFICE_SYSTEMS_MANUAL_ENTRY = env_bool("OFFICE_SYSTEMS_MANUAL_ENTRY", False)
# Each office appointment with a consultation is asked again this often, for this many
# days ahead; after a failure after 2, 4, 8, … minutes, at most the maximum.
OFFICE_SYSTEMS_SYNC_MINUTES = env_int("OFFICE_SYSTEMS_SYNC_MINUTES", 5, minimum=1)
OFFICE_SYSTEMS_SYNC_DAYS = env_int("OFFICE_SYSTEMS_SYNC_DAYS", 7, minimum=1)
OFFICE_SYSTEMS_RETRY_MINUTES = env_int("OFFICE_SYSTEMS_RETRY_MINUTES", 2, minimum=1)
OFFICE_SYSTEMS_RETRY_MAX_MINUTES = env_int("OFFICE_SYSTEMS_RETRY_MAX_MINUTES", 60, minimum=1)
# Fernet keys for the clients' secrets of office appointments (ZMS authKey); empty: the
# consultation keys below.
OFFICE_SYSTEM_SECRET_KEYS = env_str("OFFICE_SYSTEM_SECRET_KEYS", "")
# Look-ups of office appointments per client address (all) and per reference (refused
# ones), per hour: a look-up is an oracle for references.
OFFICE_LOOKUP_RATE_LIMIT_PER_IP = (env_int("OFFICE_LOOKUP_RATE_LIMIT_PER_IP", 20, minimum=1), 3600)
OFFICE_LOOKUP_RATE_LIMIT_PER_REFERENCE = (
    env_int("OFFICE_LOOKUP_RATE_LIMIT_PER_REFERENCE", 5, minimum=1),
    3600,
)

# Consultation records (willkommen.consultations): notes and client contact data are
# encrypted with these Fernet keys (comma-separated, the first encrypts, all decrypt; see
# docs/consultations.md on rotation). The default below is a PUBLIC, INSECURE development
# and test key; production refuses to start without CONSULTATION_KEYS.
INSECURE_DEV_CONSULTATION_KEY = "aW5zZWN1cmUtZGV2LWtleS1kby1ub3QtdXNlLTAwMDA="
CONSULTATION_KEYS = env_str("CONSULTATION_KEYS", INSECURE_DEV_CONSULTATION_KEY)
# Days after finishing during which a counsellor may still correct a record.
CONSULTATION_EDIT_DAYS = env_int("CONSULTATION_EDIT_DAYS", 7, minimum=0)
# Retention: client contact data after the last contact, notes after the consultation.
RETENTION_CONTACT_DAYS = env_int("RETENTION_CONTACT_DAYS", 30, minimum=1)
RETENTION_NOTE_DAYS = env_int("RETENTION_NOTE_DAYS", 183, minimum=1)

# Statistics: counts below this are shown as "< N" wherever figures cross an organisation.
STATISTICS_SUPPRESSION_THRESHOLD = env_int("STATISTICS_SUPPRESSION_THRESHOLD", 5, minimum=2)
