"""Staff accounts. Clients never have one: booking needs no account."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    OUTREACH = "outreach", _("Waiting-area outreach")
    ORGANISATION_LEAD = "organisation_lead", _("Organisation lead")
    COORDINATOR = "coordinator", _("Coordinator")
    OFFICE_CLERK = "office_clerk", _("Office clerk")
    OPERATOR = "operator", _("Operator")


class IdentitySource(models.TextChoices):
    """Where a staff member signs in: a password kept here, or the city's directory."""

    LOCAL = "local", _("Local account")
    OIDC = "oidc", _("OpenID Connect")
    LDAP = "ldap", _("LDAP / Active Directory")


class StaffMemberManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """``manage.py createsuperuser`` makes the operator (city IT): the one role that
        reaches the admin, and one that never reads case content."""
        extra_fields.setdefault("role", Role.OPERATOR)
        return super().create_superuser(username, email, password, **extra_fields)


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
    # Staff of the city's directory: who they are there, and whether the directory (not an
    # operator) took their access away. See accounts/provisioning.py.
    identity_source = models.CharField(
        _("signs in through"),
        max_length=8,
        choices=IdentitySource.choices,
        default=IdentitySource.LOCAL,
    )
    directory_subject = models.CharField(
        _("identifier in the directory"),
        max_length=255,
        blank=True,
        help_text=_("OpenID Connect subject or LDAP login name; empty for local accounts."),
    )
    deactivated_by_directory = models.BooleanField(
        _("deactivated by the directory"),
        default=False,
        help_text=_("The directory no longer assigns a role; a later sign-in with a mapped "
                    "group activates the account again."),
    )
    directory_synced_at = models.DateTimeField(
        _("last updated from the directory"), null=True, blank=True
    )

    objects = StaffMemberManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[choice for choice, _label in Role.choices]),
                name="staff_role_valid",
            ),
            models.UniqueConstraint(
                fields=["identity_source", "directory_subject"],
                condition=~models.Q(directory_subject=""),
                name="staff_directory_subject_unique",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # Only the operator reaches the Django admin; everyone else works in the staff UI,
        # where the policy module decides.
        self.is_staff = self.role == Role.OPERATOR
        super().save(*args, **kwargs)


class MappingSource(models.TextChoices):
    ANY = "", _("OpenID Connect and LDAP")
    OIDC = "oidc", _("OpenID Connect only")
    LDAP = "ldap", _("LDAP / Active Directory only")


class GroupMapping(models.Model):
    """A group of the city's directory (or a claim value) that gives a Willkommen role, an
    organisation, or both. The operator keeps these in the admin; ``SSO_GROUP_MAPPINGS``
    in the settings adds more (read first). ``group_mapping.resolve_assignment`` reads
    both."""

    source = models.CharField(
        _("applies to"), max_length=8, choices=MappingSource.choices, blank=True, default=""
    )
    group = models.CharField(
        _("group"),
        max_length=500,
        help_text=_("Group name or value of the groups claim; for LDAP also the group's "
                    "distinguished name. Compared without regard to case."),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_mappings",
        verbose_name=_("organisation"),
    )
    position = models.PositiveIntegerField(
        _("reading order"),
        default=100,
        help_text=_("Lower numbers are read first: the first matching group that gives a "
                    "role decides the role, the first that gives an organisation decides "
                    "the organisation."),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("group mapping")
        verbose_name_plural = _("group mappings")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="") | models.Q(organisation__isnull=False),
                name="group_mapping_gives_something",
            )
        ]

    def __str__(self):
        return self.group


class ProviderMfaDevice(Device):
    """The identity provider's assertion of a second factor, as a django-otp device.

    An OpenID Connect sign-in whose ID token names one of the operator's MFA ``acr`` or
    ``amr`` values marks the session as verified with this device, so that every
    case-content check (``user.is_verified()``) accepts it like a TOTP code. It holds no
    secret and verifies no token: only the sign-in view uses it."""

    class Meta:
        verbose_name = _("second factor of the identity provider")
        verbose_name_plural = _("second factors of the identity provider")

    def verify_token(self, token):
        return False


class StaffChangeStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SUPERSEDED = "superseded", _("replaced by a later change")


class StaffChangeRequest(models.Model):
    """A change of a staff member's role, organisation or activation that would grant case
    content, held back until that organisation's lead approves it (``staff_changes.py``).
    Until then the account keeps its old rights."""

    member = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("staff member"),
    )
    role = models.CharField(_("new role"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("new organisation"),
    )
    is_active = models.BooleanField(_("active afterwards"), default=True)
    previous_role = models.CharField(_("previous role"), max_length=32, blank=True)
    previous_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous organisation"),
    )
    previous_is_active = models.BooleanField(_("active before"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=StaffChangeStatus.choices,
        default=StaffChangeStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="staff_change_one_pending_per_member",
            )
        ]
        verbose_name = _("change of role or organisation")
        verbose_name_plural = _("changes of role or organisation")

    def __str__(self):
        return f"{self.member}: {self.previous_role} → {self.role}"
