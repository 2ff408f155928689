"""Read-only view of walk-in tickets for the operator (support, not daily work)."""

from django.contrib import admin

from .models import Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "service_day", "location", "language", "status", "created_at")
    list_filter = ("status", "location", "service_day")
    search_fields = ("number",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
