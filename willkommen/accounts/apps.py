from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "willkommen.accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        # Connects the receiver that marks LDAP sign-ins for re-validation.
        from . import admin_access, revalidation  # noqa: F401

        # The operator's admin rights (admin_access.py): the group after every migrate,
        # the membership after every change of role.
        post_migrate.connect(
            admin_access.sync_operator_group, dispatch_uid="willkommen_operator_group"
        )
        post_save.connect(
            admin_access.staff_saved, sender=self.get_model("StaffMember"),
            dispatch_uid="willkommen_operator_membership",
        )
