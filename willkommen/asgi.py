"""ASGI entry point, for servers that stream the call-up display."""

import os

from willkommen.config import exit_on_config_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "willkommen.settings.production")


def _load():
    from django.core.asgi import get_asgi_application

    return get_asgi_application()


application = exit_on_config_error(_load)
