from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleaseConfig(AppConfig):
    name = "willkommen.release"
    verbose_name = _("Fair release")

    def ready(self):
        # Booking asks its registered pools which desk time is withheld from first come,
        # and tells its receivers when an appointment from a draw is cancelled.
        from . import receivers  # noqa: F401
