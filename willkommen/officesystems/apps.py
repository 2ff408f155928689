from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeSystemsConfig(AppConfig):
    """Adapters to the office's own appointment systems. Sits below ``booking``: it never
    imports it; booking registers its own adapter and its follower here (``registry``)."""

    name = "willkommen.officesystems"
    label = "officesystems"
    verbose_name = _("Office appointment systems")

    def ready(self):
        # The adapters that ship with this app register themselves; the system check
        # validates the OFFICE_SYSTEMS setting.
        from . import checks, inbound, zms  # noqa: F401
