from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import StaffMember


@admin.register(StaffMember)
class StaffMemberAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "organisation", "role", "is_active")
    list_filter = ("role", "organisation", "is_active")
    fieldsets = UserAdmin.fieldsets + (
        (_("Work"), {"fields": ("organisation", "role", "languages", "topics")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Work"), {"fields": ("organisation", "role")}),)
    filter_horizontal = ("languages", "topics", "groups", "user_permissions")
