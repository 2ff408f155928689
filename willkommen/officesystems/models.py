"""What this app stores.

* ``OfficeSystem`` — which adapter a location's office uses, and how to reach it (admin).
  Credentials are never stored: only the *name* of the environment variable that holds
  them.
* ``HeldAppointment`` — an office appointment a partner's system (TEVIS, Qmatic, an
  in-house system) pushed through the inbound API, under the partner's own reference.
  Partners push their appointments whether or not anybody books a consultation, so these
  rows say nothing about counselling.
* ``OfficeLink`` — the tie between one booked consultation and the office appointment it
  sits around, for keeping it in step (``sync.py``). It exists only because of a
  consultation, so — like booked consultations — it is in no admin and no office view.
* ``OfficeChange`` — what the office changed and what became of the consultation; shown
  in the counsellor's day.

``OfficeLink`` and ``OfficeChange`` name the booking by its id (``appointment_id``), not by
a foreign key: this app sits below booking and migrates without it.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import registry

ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")
REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"


class OfficeSystem(models.Model):
    """The office appointment system of one location (settings may override it, see
    ``config.py``). A location without one uses Willkommen's own booking."""

    location = models.OneToOneField(
        "organisations.Location",
        on_delete=models.CASCADE,
        related_name="office_system",
        verbose_name=_("location"),
    )
    adapter = models.CharField(_("system"), max_length=40, choices=registry.choices)
    base_url = models.URLField(
        _("base URL"),
        blank=True,
        help_text=_("For ZMS: the citizen API, e.g. https://termine.example.org/api/citizen"),
    )
    credentials_env = models.CharField(
        _("environment variable with the credentials"),
        max_length=100,
        blank=True,
        validators=[RegexValidator(ENV_NAME.pattern)],
        help_text=_(
            "The NAME of the variable (e.g. ZMS_API_TOKEN), never the credentials: they are "
            "read from the server's environment and sent as the Authorization header."
        ),
    )
    office_ids = models.CharField(
        _("office numbers in that system"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated; only appointments at these offices are accepted."),
    )
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per slot"), default=10)
    default_minutes = models.PositiveSmallIntegerField(
        _("length of an appointment when the system does not say"), default=30
    )
    timeout_seconds = models.PositiveSmallIntegerField(_("timeout in seconds"), default=5)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("office appointment system")
        verbose_name_plural = _("office appointment systems")

    def __str__(self):
        return f"{self.location} – {self.adapter}"

    def clean(self):
        try:
            adapter = registry.adapter_class(self.adapter)
        except Exception:  # noqa: BLE001 - any unknown name is the same mistake
            raise ValidationError({"adapter": _("This system is unknown.")}) from None
        if adapter.needs_base_url and not self.base_url:
            raise ValidationError({"base_url": _("This system needs its base URL.")})
        if not 1 <= self.timeout_seconds <= 30:
            raise ValidationError({"timeout_seconds": _("Between 1 and 30 seconds.")})


class HeldStatus(models.TextChoices):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class HeldAppointment(models.Model):
    """An appointment a partner system pushed (``booking/api/office.py``)."""

    partner_id = models.PositiveBigIntegerField(help_text="booking.ApiKey id")
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.CASCADE, related_name="+"
    )
    reference = models.CharField(max_length=100)
    # HMAC-SHA256 of the secret the client must give with the reference; empty: none.
    secret_digest = models.CharField(max_length=64, blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=16, choices=HeldStatus.choices, default="booked")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner_id", "reference"], name="held_partner_reference_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="held_start_before_end"
            ),
        ]
        indexes = [models.Index(fields=["location", "reference"], name="held_location_reference")]

    def __str__(self):
        return self.reference


class OfficeLink(models.Model):
    """One consultation's tie to the office appointment it sits around."""

    appointment_id = models.PositiveBigIntegerField(unique=True, help_text="booking.Appointment")
    location = models.ForeignKey(
        "organisations.Location", on_delete=models.CASCADE, related_name="+"
    )
    adapter = models.CharField(max_length=40)
    reference = models.CharField(max_length=100)
    # The client's secret for this appointment, Fernet-encrypted (``sealing``); emptied
    # once nothing is followed any more.
    sealed_secret = models.TextField(blank=True)
    # The office appointment as last seen.
    start = models.DateTimeField()
    end = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["is_active", "next_check_at"], name="officelink_due"),
            models.Index(fields=["adapter", "reference"], name="officelink_reference"),
        ]

    def __str__(self):
        return f"{self.adapter}:{self.reference}"


class ChangeKind(models.TextChoices):
    MOVED = "moved", _("moved by the office")
    CANCELLED = "cancelled", _("cancelled by the office")


class ChangeOutcome(models.TextChoices):
    CONSULTATION_MOVED = "consultation_moved", _("consultation moved with it")
    CONSULTATION_CANCELLED = "consultation_cancelled", _("consultation cancelled, client told")
    NO_CONSULTATION_OFFERED = (
        "no_consultation_offered",
        _("no consultation around the new time: cancelled, client told the alternatives"),
    )
    NOTHING = "nothing", _("nothing to change")


class OfficeChange(models.Model):
    """A change of an office appointment and what became of its consultation."""

    link = models.ForeignKey(OfficeLink, on_delete=models.CASCADE, related_name="changes")
    appointment_id = models.PositiveBigIntegerField(db_index=True)
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    outcome = models.CharField(max_length=32, choices=ChangeOutcome.choices)
    old_start = models.DateTimeField()
    old_end = models.DateTimeField()
    new_start = models.DateTimeField(null=True, blank=True)
    new_end = models.DateTimeField(null=True, blank=True)
    detected_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-detected_at"]

    def __str__(self):
        return f"{self.kind} {self.appointment_id}"
