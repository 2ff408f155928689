"""Online bookings: the office appointment and, in a separate table, the add-on consultation.

Secrecy (docs/domain.md, rule 1): the immigration office may see ``Appointment`` rows, never
``ConsultationBooking`` rows. Nothing in the clerk's views, API or exports touches
``ConsultationBooking``; an appointment booked in another system (``is_external``) exists
only because somebody booked a consultation around it, so the office calendar must skip
those too (use ``Appointment.objects.for_office_calendar()``).

Double booking is prevented by the database twice over: a partial unique constraint on
(desk, start) and (counsellor, start) for active statuses, and row locks on the desk or the
counsellor taken by ``services.py`` around the overlap check and the insert (services of
different lengths overlap without sharing a start).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Short codes clients read aloud or type: no 0/O, 1/I/L, no vowels (no accidental words).
CODE_ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10


def new_booking_code() -> str:
    """A short unguessable booking code (28^10 ≈ 3·10^14 possibilities)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class AppointmentStatus(models.TextChoices):
    HELD = "held", pgettext_lazy("booking status: reserved for a few minutes", "Held")
    PENDING_CONFIRMATION = "pending_confirmation", _("Waiting for confirmation")
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ARRIVED = "arrived", _("Arrived")
    NO_SHOW = "no_show", _("No-show")
    COMPLETED = "completed", _("Completed")
    EXPIRED = "expired", _("Expired")


class ConsultationBookingStatus(models.TextChoices):
    HELD = "held", pgettext_lazy("booking status: reserved for a few minutes", "Held")
    PENDING_CONFIRMATION = "pending_confirmation", _("Waiting for confirmation")
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    EXPIRED = "expired", _("Expired")


# Statuses that occupy a slot. HELD and PENDING_CONFIRMATION occupy it only until
# ``hold_expires_at``; the services expire stale ones before they insert.
ACTIVE_APPOINTMENT_STATUSES = (
    AppointmentStatus.HELD,
    AppointmentStatus.PENDING_CONFIRMATION,
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.COMPLETED,
)
ACTIVE_CONSULTATION_STATUSES = (
    ConsultationBookingStatus.HELD,
    ConsultationBookingStatus.PENDING_CONFIRMATION,
    ConsultationBookingStatus.BOOKED,
    ConsultationBookingStatus.NO_SHOW,
    ConsultationBookingStatus.STARTED,
    ConsultationBookingStatus.COMPLETED,
)
# Statuses that expire at ``hold_expires_at`` when not confirmed in time.
EXPIRING_STATUSES = ("held", "pending_confirmation")
# Consultations still to come: what a move carries along and a cancellation ends.
LIVE_CONSULTATION_STATUSES = (
    ConsultationBookingStatus.HELD,
    ConsultationBookingStatus.PENDING_CONFIRMATION,
    ConsultationBookingStatus.BOOKED,
)
# Statuses in which the client may still cancel or move.
CHANGEABLE_APPOINTMENT_STATUSES = (
    AppointmentStatus.HELD,
    AppointmentStatus.PENDING_CONFIRMATION,
    AppointmentStatus.BOOKED,
)


class AppointmentQuerySet(models.QuerySet):
    def occupying(self, now=None):
        """Appointments that occupy their desk at ``now``: active, and not an expired hold."""
        now = now or timezone.now()
        return self.filter(status__in=ACTIVE_APPOINTMENT_STATUSES).exclude(
            status__in=EXPIRING_STATUSES, hold_expires_at__lte=now
        )

    def for_office_calendar(self):
        """What the immigration office may see: its own appointments only. External
        appointments exist only because of a consultation, so they are left out, and so are
        holds and unconfirmed bookings (nobody has committed to them yet)."""
        return self.filter(is_external=False).exclude(
            status__in=[
                AppointmentStatus.HELD,
                AppointmentStatus.PENDING_CONFIRMATION,
                AppointmentStatus.EXPIRED,
            ]
        )


class ConsultationBookingQuerySet(models.QuerySet):
    def occupying(self, now=None):
        """Consultations that occupy their counsellor at ``now``: active, and not part of
        an expired hold or unconfirmed booking."""
        now = now or timezone.now()
        return self.filter(status__in=ACTIVE_CONSULTATION_STATUSES).exclude(
            status__in=EXPIRING_STATUSES, appointment__hold_expires_at__lte=now
        )

    def unassigned(self):
        """Booked consultations no counsellor has taken yet (see ``booking.assignment``)."""
        return self.filter(counsellor__isnull=True, status__in=LIVE_CONSULTATION_STATUSES)


class Appointment(models.Model):
    """An office appointment (Vorsprache). The clerk may see it; it carries no trace of a
    consultation."""

    code = models.CharField(
        _("booking code"), max_length=16, unique=True, default=new_booking_code, editable=False
    )
    location = models.ForeignKey(
        "organisations.Location",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("location"),
    )
    service = models.ForeignKey(
        "organisations.OfficeService",
        on_delete=models.PROTECT,
        related_name="appointments",
        null=True,
        blank=True,
        verbose_name=_("service"),
        help_text=_("Empty for an appointment booked in another system."),
    )
    desk = models.ForeignKey(
        "organisations.Desk",
        on_delete=models.PROTECT,
        related_name="appointments",
        null=True,
        blank=True,
        verbose_name=_("desk"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.HELD,
    )
    hold_expires_at = models.DateTimeField(_("held or awaiting confirmation until"), null=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # The mailbox behind ``email`` (``services.email_identity``): variants of one address
    # share the open-bookings limit.
    contact_key = models.CharField(_("mailbox"), max_length=254, blank=True, editable=False)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    language = models.CharField(_("language for messages"), max_length=8, default="de")
    is_external = models.BooleanField(_("booked in another system"), default=False)
    external_reference = models.CharField(_("external reference"), max_length=100, blank=True)
    # Grows with every change the client is told about (move, cancellation): the
    # calendar file's SEQUENCE.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["location", "start"], name="appointment_location_start"),
            models.Index(fields=["email"], name="appointment_email"),
            models.Index(fields=["contact_key"], name="appointment_contact_key"),
            models.Index(fields=["phone"], name="appointment_phone"),
        ]
        constraints = [
            # The database's own guard against giving a desk slot twice.
            models.UniqueConstraint(
                fields=["desk", "start"],
                condition=models.Q(status__in=ACTIVE_APPOINTMENT_STATUSES),
                name="appointment_desk_start_unique_active",
            ),
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="appointment_start_before_end"
            ),
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self):
        return self.code

    @property
    def is_changeable(self):
        return self.status in CHANGEABLE_APPOINTMENT_STATUSES and self.start > timezone.now()


class ConsultationBooking(models.Model):
    """The consultation booked as an add-on to an appointment. Never shown to the office.

    Its time is what the client was promised (the public answer, from duty alone); its
    counsellor is given privately and may be missing while every counsellor who could hold
    it is busy: the client is then served from the waiting area with priority
    (``booking.assignment``)."""

    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.CASCADE,
        related_name="consultation",
        verbose_name=_("appointment"),
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="booked_consultations",
        null=True,
        blank=True,
        verbose_name=_("counsellor"),
        help_text=_("Empty until a counsellor who is free takes it."),
    )
    room = models.ForeignKey(
        "organisations.Desk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("room"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    position = models.CharField(
        _("position"),
        max_length=8,
        choices=[("before", _("before the appointment")), ("after", _("after the appointment"))],
    )
    language = models.ForeignKey(
        "organisations.Language",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("language"),
    )
    topics = models.ManyToManyField(
        "organisations.Topic", blank=True, related_name="+", verbose_name=_("topics")
    )
    interpreter = models.BooleanField(_("interpreter needed"), default=False)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ConsultationBookingStatus.choices,
        default=ConsultationBookingStatus.HELD,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = ConsultationBookingQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["counsellor", "start"], name="consultation_counsellor_start")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["counsellor", "start"],
                condition=models.Q(status__in=ACTIVE_CONSULTATION_STATUSES),
                name="consultation_counsellor_start_unique_active",
            ),
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")),
                name="consultation_start_before_end",
            ),
        ]
        verbose_name = _("booked consultation")
        verbose_name_plural = _("booked consultations")

    def __str__(self):
        return f"{self.appointment.code} ({self.position})"


class IdempotencyRecord(models.Model):
    """The answer to an API booking, kept for 24 hours under the client's Idempotency-Key,
    so that a retried request gets the same answer instead of a second booking."""

    key = models.CharField(_("key"), max_length=200)
    scope = models.CharField(
        _("scope"), max_length=64, help_text=_("API key prefix or client address.")
    )
    request_hash = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    response = models.JSONField(_("response"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")
        ]
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")

    def __str__(self):
        return self.key


class UsedCaptchaSolution(models.Model):
    """A captcha solution already spent. Unique, so a replay fails even across servers."""

    signature = models.CharField(_("signature"), max_length=128, unique=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("used captcha solution")
        verbose_name_plural = _("used captcha solutions")

    def __str__(self):
        return self.signature[:12]


API_KEY_PREFIX_LENGTH = 8


def hash_api_secret(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKey(models.Model):
    """A key the operator issues to a partner system (city portal, chatbot). Partners send
    it in ``X-Api-Key`` and skip the captcha. Only a SHA-256 hash is stored; the key itself
    is shown once when it is issued."""

    name = models.CharField(_("name"), max_length=200)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name: str) -> tuple["ApiKey", str]:
        """Create a key; returns the model and the raw key (shown once, never stored)."""
        key = cls(name=name)
        raw = key.set_new_secret()
        key.save()
        return key, raw

    def set_new_secret(self) -> str:
        prefix = secrets.token_hex(API_KEY_PREFIX_LENGTH // 2)
        raw = f"wk_{prefix}_{secrets.token_urlsafe(32)}"
        self.prefix = prefix
        self.secret_hash = hash_api_secret(raw)
        return raw

    @classmethod
    def authenticate(cls, raw_key: str | None) -> "ApiKey | None":
        """The active key matching ``raw_key``, or None. Constant-time comparison."""
        if not raw_key or not raw_key.startswith("wk_"):
            return None
        parts = raw_key.split("_", 2)
        if len(parts) != 3:
            return None
        key = cls.objects.filter(prefix=parts[1], is_active=True).first()
        if key is None or not secrets.compare_digest(key.secret_hash, hash_api_secret(raw_key)):
            return None
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
            # At most one write a minute per key: a busy partner is not slowed down.
            cls.objects.filter(pk=key.pk).update(last_used_at=now)
        return key


class ScheduleChangeResult(models.TextChoices):
    PENDING = "pending", _("Outstanding")
    MOVED = "moved", _("Moved to the nearest free time")
    MOVED_WITHOUT_CONSULTATION = (
        "moved_without_consultation",
        _("Moved; no consultation fits the new time, so it was cancelled"),
    )
    CANCELLED = "cancelled", _("Cancelled")
    NO_ALTERNATIVE = "no_alternative", _("No free time nearby: cancelled")
    REASSIGNED = "reassigned", _("Consultation kept its time, given to another counsellor")
    CONSULTATION_MOVED = "consultation_moved", _("Consultation moved beside the appointment")
    CONSULTATION_CANCELLED = "consultation_cancelled", _("Consultation cancelled")
    NOTHING = "nothing", _("Nothing left to change")


class ScheduleChangeOutcome(models.Model):
    """What a confirmed ``scheduling.ScheduleChange`` does to one booking: outstanding
    until the background task has moved or cancelled it and told the client, in the same
    transaction (``booking.schedule_changes``). Never shown to the office: it may concern a
    consultation."""

    change = models.ForeignKey(
        "scheduling.ScheduleChange",
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("schedule change"),
    )
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.CASCADE,
        related_name="schedule_outcomes",
        verbose_name=_("appointment"),
    )
    office_affected = models.BooleanField(_("office appointment affected"), default=False)
    consultation_affected = models.BooleanField(_("consultation affected"), default=False)
    action = models.CharField(
        _("action"), max_length=8, choices=[("move", _("Move")), ("cancel", _("Cancel"))]
    )
    result = models.CharField(
        _("result"),
        max_length=32,
        choices=ScheduleChangeResult.choices,
        default=ScheduleChangeResult.PENDING,
    )
    old_start = models.DateTimeField(_("time before the change"))
    new_start = models.DateTimeField(_("time after the change"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["old_start", "appointment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "appointment"], name="schedule_outcome_unique"
            )
        ]
        indexes = [models.Index(fields=["result"], name="schedule_outcome_result")]
        verbose_name = _("outcome of a schedule change")
        verbose_name_plural = _("outcomes of schedule changes")

    def __str__(self):
        return f"{self.change_id}/{self.appointment_id}: {self.result}"
