from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "willkommen.statistics"
    verbose_name = _("Statistics")

    def ready(self):
        from . import receivers

        receivers.connect()
