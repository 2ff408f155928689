from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "willkommen.consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from . import receivers

        receivers.connect()
