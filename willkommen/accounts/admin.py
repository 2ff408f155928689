from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from . import staff_changes
from .models import GroupMapping, StaffMember


@admin.register(StaffMember)
class StaffMemberAdmin(UserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "organisation",
        "role",
        "identity_source",
        "is_active",
    )
    list_filter = ("role", "organisation", "identity_source", "is_active")
    fieldsets = UserAdmin.fieldsets + (
        (_("Work"), {"fields": ("organisation", "role", "languages", "topics")}),
        (
            _("City directory"),
            {
                "fields": (
                    "identity_source",
                    "directory_subject",
                    "deactivated_by_directory",
                    "directory_synced_at",
                )
            },
        ),
    )
    # Who someone is in the directory is the directory's to say.
    readonly_fields = (
        "identity_source",
        "directory_subject",
        "deactivated_by_directory",
        "directory_synced_at",
    )
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Work"), {"fields": ("organisation", "role")}),)
    filter_horizontal = ("languages", "topics", "groups", "user_permissions")
    # The operator's rights come from the role (accounts/admin_access.py); an operator who
    # is not a superuser must not hand out rights beyond it, to others or to themselves.
    superuser_fields = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, *self.superuser_fields)

    def save_model(self, request, obj, form, change):
        """Through the one service: a change that grants case content waits for the
        organisation's lead, and the account keeps its rights until then."""
        outcome = staff_changes.save_staff_member(request.user, obj, request=request)
        if outcome == staff_changes.Outcome.PENDING:
            messages.warning(
                request,
                _(
                    "The new role or organisation gives access to case content. It takes "
                    "effect only when the organisation's lead approves it; until then the "
                    "account keeps its current rights."
                ),
            )

@admin.register(GroupMapping)
class GroupMappingAdmin(admin.ModelAdmin):
    """Directory groups → Willkommen roles and organisations (docs/deploy.md). Entries of
    ``SSO_GROUP_MAPPINGS`` in the settings are read before these."""

    list_display = ("group", "source", "role", "organisation", "position")
    list_editable = ("position",)
    list_filter = ("source", "role", "organisation")
    search_fields = ("group",)
    ordering = ("position", "pk")
