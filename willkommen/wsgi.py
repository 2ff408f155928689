"""WSGI entry point (gunicorn willkommen.wsgi)."""

import os

from willkommen.config import exit_on_config_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "willkommen.settings.production")


def _load():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


application = exit_on_config_error(_load)
