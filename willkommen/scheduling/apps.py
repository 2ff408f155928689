from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "willkommen.scheduling"
    verbose_name = _("Scheduling")

    def ready(self):
        from . import config_cache

        config_cache.connect_signals()
