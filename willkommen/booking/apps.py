from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "willkommen.booking"
    verbose_name = _("Online booking")

    def ready(self):
        # Notification receivers: e-mail/SMS tasks for the core's booking signals.
        from . import office_adapter, office_follow, receivers, schedule_changes  # noqa: F401

        # Willkommen's own booking as an office system, and the follower that keeps
        # consultations in step with office appointments held elsewhere.
        office_adapter.register()
        office_follow.register()
        # What a change of the schedule does to bookings (scheduling.schedule_changes).
        schedule_changes.register()
