"""Admin for the operator: which office appointment system each location uses.

Only the configuration is here. The ties between consultations and office appointments
(``OfficeLink``), what partners pushed and the changes followed are not registered: they
exist because somebody sought counselling, and the admin is no place to browse that."""

from django.contrib import admin

from .models import OfficeSystem


@admin.register(OfficeSystem)
class OfficeSystemAdmin(admin.ModelAdmin):
    list_display = ("location", "adapter", "base_url", "is_active")
    list_filter = ("adapter", "is_active")
    fields = (
        "location",
        "adapter",
        "base_url",
        "credentials_env",
        "office_ids",
        "slot_minutes",
        "default_minutes",
        "timeout_seconds",
        "is_active",
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "base_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)
