"""Admin for the operator: API keys for partner systems.

Bookings are deliberately not registered: an appointment booked elsewhere exists only
because of a consultation, and the admin is no place to browse who sought counselling."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Issuing a key shows it once; only its hash is stored."""

    list_display = ("name", "prefix", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("name", "is_active", "prefix", "created_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        if not change:
            raw = obj.set_new_secret()
            super().save_model(request, obj, form, change)
            messages.warning(
                request,
                _("The new API key is %(key)s — copy it now, it will not be shown again.")
                % {"key": raw},
            )
            return
        super().save_model(request, obj, form, change)
