"""Staff accounts. Clients never have one: booking needs no account."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    OUTREACH = "outreach", _("Waiting-area outreach")
    ORGANISATION_LEAD = "organisation_lead", _("Organisation lead")
    COORDINATOR = "coordinator", _("Coordinator")
    OFFICE_CLERK = "office_clerk", _("Office clerk")
    OPERATOR = "operator", _("Operator")


class StaffMember(AbstractUser):
    """A member of staff, bound to exactly one organisation and one role.

    The role decides what the person may see and do (``policy.py``); the organisation
    decides whose case content they may read.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    languages = models.ManyToManyField(
        "organisations.Language",
        blank=True,
        related_name="staff",
        verbose_name=_("spoken languages"),
    )
    topics = models.ManyToManyField(
        "organisations.Topic", blank=True, related_name="staff", verbose_name=_("topics")
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[choice for choice, _label in Role.choices]),
                name="staff_role_valid",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # Only the operator reaches the Django admin; everyone else works in the staff UI,
        # where the policy module decides.
        self.is_staff = self.role == Role.OPERATOR
        super().save(*args, **kwargs)
