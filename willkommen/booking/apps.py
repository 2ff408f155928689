from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "willkommen.booking"
    verbose_name = _("Online booking")

    def ready(self):
        # Notification receivers: e-mail/SMS tasks for the core's booking signals.
        from . import receivers  # noqa: F401
