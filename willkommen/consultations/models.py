"""Consultation records, pseudonymous clients and the append-only audit log.

Case content (topics addressed, notes, referrals, outcomes, the client's identity) belongs to
the organisation whose counsellor held the consultation; only ``policy.can_read_case_content``
lets anyone see it. Retention (``retention.py``) empties notes and contact data when due,
cuts every link to the person and keeps the row with its non-personal fields (day,
organisation, channel, language, topics, duration, outcome flags), so that the statistics
survive.
"""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen.accounts import policy

from . import audit_chain
from .crypto import EncryptedTextField

# Pseudonyms: readable aloud, no 0/O, 1/I/L.
PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_pseudonym() -> str:
    return "K-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))


class ClientRecord(models.Model):
    """A person counselled by one organisation, known by a pseudonym.

    Name and contact are kept only with recorded consent (who recorded it, when, and which
    version of the consent text), and only for follow-ups; both are encrypted at rest.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="client_records",
        verbose_name=_("organisation"),
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=16, default=new_pseudonym)
    name = EncryptedTextField(_("name"), blank=True, default="")
    contact = EncryptedTextField(_("phone or e-mail"), blank=True, default="")
    consent_recorded_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    consent_text_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "pseudonym"], name="client_pseudonym_unique"
            ),
            # No identity without recorded consent.
            models.CheckConstraint(
                condition=(models.Q(name="") & models.Q(contact=""))
                | models.Q(consent_recorded_at__isnull=False),
                name="client_identity_needs_consent",
            ),
        ]
        verbose_name = _("client record")
        verbose_name_plural = _("client records")

    def __str__(self):
        return self.pseudonym

    @property
    def has_identity(self):
        return bool(self.name or self.contact)


class Channel(models.TextChoices):
    BOOKED = "booked", _("Booked consultation")
    WALK_IN = "walk_in", _("Walk-in")
    FOLLOW_UP = "follow_up", _("Follow-up consultation")


class ConsultationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    FINISHED = "finished", _("Finished")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class InterpreterKind(models.TextChoices):
    NONE = "none", _("No interpreter")
    COUNSELLOR = "counsellor", _("Counsellor speaks the language")
    PHONE = "phone", _("Phone interpreter")
    VIDEO = "video", _("Video interpreter")
    ACCOMPANYING_PERSON = "accompanying_person", _("Accompanying person")


class ConsultationQuerySet(models.QuerySet):
    def readable_by(self, user):
        """Only the records whose case content the user may read: the policy decides
        per organisation, so this filters to the user's organisation or to nothing."""
        if user.organisation_id is None or not policy.can_read_case_content(
            user, user.organisation_id
        ):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)


class Consultation(models.Model):
    """The record of one counselling session, whatever the channel."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("organisation"),
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("counsellor"),
    )
    location = models.ForeignKey(
        "organisations.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("location"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    booking = models.OneToOneField(
        "booking.ConsultationBooking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="record",
        verbose_name=_("booking"),
    )
    ticket = models.OneToOneField(
        "walkins.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_record",
        verbose_name=_("walk-in ticket"),
    )
    client = models.ForeignKey(
        ClientRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("client"),
    )
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.PLANNED,
    )
    language = models.ForeignKey(
        "organisations.Language",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language used"),
    )
    interpreter = models.CharField(
        _("interpreter"),
        max_length=24,
        choices=InterpreterKind.choices,
        default=InterpreterKind.NONE,
    )
    topics = models.ManyToManyField(
        "organisations.Topic", blank=True, related_name="+", verbose_name=_("topics addressed")
    )
    outcome_information = models.BooleanField(_("information given"), default=False)
    outcome_form_filled = models.BooleanField(_("form filled in together"), default=False)
    outcome_referral = models.BooleanField(_("referral"), default=False)
    outcome_follow_up = models.BooleanField(_("follow-up needed"), default=False)
    referrals = models.ManyToManyField(
        "directory.Offer", blank=True, related_name="+", verbose_name=_("referred to")
    )
    note = EncryptedTextField(_("note"), blank=True, default="")
    note_deleted_at = models.DateTimeField(_("note deleted"), null=True, blank=True)
    # Set by retention once the record is only a figure: note, client, follow-up and
    # walk-in links gone, times reduced to the day (``retention.py``).
    retained_at = models.DateTimeField(_("reduced to a figure"), null=True, blank=True)
    documented_at = models.DateTimeField(_("documented"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_start", "-started_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "planned_start"], name="consultation_org_start"),
            models.Index(fields=["counsellor", "planned_start"], name="consultation_cnsl_start"),
        ]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self):
        return f"#{self.pk}"

    @property
    def duration_minutes(self):
        if self.started_at and self.ended_at:
            return max(0, round((self.ended_at - self.started_at).total_seconds() / 60))
        return None

    @property
    def needs_documentation(self):
        """Held (or being held) but not documented yet: the counsellor's day marks it."""
        return self.documented_at is None and self.status in (
            ConsultationStatus.IN_PROGRESS,
            ConsultationStatus.FINISHED,
        )

    @property
    def outcomes(self):
        names = [
            ("outcome_information", _("information given")),
            ("outcome_form_filled", _("form filled in together")),
            ("outcome_referral", _("referral")),
            ("outcome_follow_up", _("follow-up needed")),
        ]
        return [label for field, label in names if getattr(self, field)]

    def is_locked(self, now=None):
        """A finished record may be corrected for ``CONSULTATION_EDIT_DAYS`` days, then it
        is frozen (the record must reflect what was done, not what was remembered later)."""
        if self.finished_at is None:
            return False
        now = now or timezone.now()
        limit = self.finished_at + timezone.timedelta(days=settings.CONSULTATION_EDIT_DAYS)
        return now > limit


class AuditAction(models.TextChoices):
    READ = "read", _("read")
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    EXPORT = "export", _("exported")
    ERASE = "erase", _("erased")
    DENIED = "denied", _("denied")
    # Staff accounts: a change of role or organisation that grants case content.
    REQUEST = "request", _("change requested")
    APPROVE = "approve", _("approved")
    REJECT = "reject", _("rejected")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("the audit log is append-only")

    def delete(self):
        raise PermissionDenied("the audit log is append-only")

    def bulk_create(self, *args, **kwargs):
        # Each event must be linked into the hash chain behind the one before it.
        raise PermissionDenied("audit events are appended one by one")


class AuditEvent(models.Model):
    """One read or change of case content, or a denied attempt: who, when, what, from
    where. Append-only: the ORM refuses updates and deletes (and on PostgreSQL a trigger
    refuses them too, see migration 0002; the application's database role may only
    SELECT and INSERT, see ``grant_app_role``). Tamper-evident: every event is linked into
    a hash chain (``audit_chain.py``)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    actor_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation of the actor"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("organisation holding the content"),
    )
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object"), max_length=40, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    chain_index = models.PositiveBigIntegerField(
        _("position in the chain"), unique=True, editable=False
    )
    previous_hash = models.CharField(
        _("hash of the previous event"), max_length=64, editable=False
    )
    content_hash = models.CharField(_("hash of this event"), max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-id"], name="audit_org_newest")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("the audit log is append-only")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            audit_chain.serialise_appends(using)
            audit_chain.link(self, audit_chain.chain_head(type(self).objects.using(using)))
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("the audit log is append-only")
