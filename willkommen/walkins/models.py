"""Walk-ins from the waiting area: one ``Ticket`` per person waiting for a consultation.

A ticket carries no personal data at all (no name, no contact): a short number that is
called out, an unguessable token for the public ticket page, the language and topics for
matching, and the time of the person's own office appointment so that the queue can step
aside for it. Every state change is stamped, which is what the statistics read (waiting
time, time to call, consultation length, share of walk-ins).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_public_token() -> str:
    """An unguessable token for the public ticket page (about 190 bits)."""
    return secrets.token_urlsafe(24)


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    IN_CONSULTATION = "in_consultation", _("In consultation")
    ON_HOLD = "on_hold", _("On hold")
    DONE = "done", _("Done")
    LEFT = "left", _("Left without consultation")


# Tickets that still belong to the day's queue.
OPEN_STATUSES = (
    TicketStatus.WAITING,
    TicketStatus.CALLED,
    TicketStatus.IN_CONSULTATION,
    TicketStatus.ON_HOLD,
)
CLOSED_STATUSES = (TicketStatus.DONE, TicketStatus.LEFT)


class Ticket(models.Model):
    """A walk-in's place in the queue of one location on one day."""

    location = models.ForeignKey(
        "organisations.Location",
        on_delete=models.PROTECT,
        related_name="walk_in_tickets",
        verbose_name=_("location"),
    )
    service_day = models.DateField(_("day"), help_text=_("Local date the ticket belongs to."))
    sequence = models.PositiveIntegerField(_("sequence number of the day"))
    number = models.CharField(_("ticket number"), max_length=12)
    public_token = models.CharField(
        _("public token"), max_length=64, unique=True, default=new_public_token, editable=False
    )
    language = models.ForeignKey(
        "organisations.Language",
        on_delete=models.PROTECT,
        related_name="walk_in_tickets",
        verbose_name=_("language"),
    )
    topics = models.ManyToManyField(
        "organisations.Topic", blank=True, related_name="walk_in_tickets", verbose_name=_("topics")
    )
    office_appointment_at = models.DateTimeField(
        _("office appointment at"),
        null=True,
        blank=True,
        help_text=_("When the person's own appointment at the immigration office is due."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    # The place in the queue. Set once at creation and never changed, so that a ticket put
    # on hold (office appointment) comes back to exactly where it was.
    queue_position_key = models.DateTimeField(_("place in the queue"))
    created_at = models.DateTimeField(_("created"))
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    # The first call counts for the waiting time; the latest call orders the display.
    last_called_at = models.DateTimeField(_("last called"), null=True, blank=True)
    started_at = models.DateTimeField(_("consultation started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("consultation finished"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    held_at = models.DateTimeField(_("put on hold"), null=True, blank=True)
    resumed_at = models.DateTimeField(_("resumed"), null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(_("times called"), default=0)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="called_walk_ins",
        verbose_name=_("called by"),
    )
    room = models.ForeignKey(
        "organisations.Desk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="walk_in_tickets",
        verbose_name=_("room or desk"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_walk_ins",
        verbose_name=_("registered by"),
    )

    class Meta:
        ordering = ["queue_position_key", "pk"]
        indexes = [
            models.Index(
                fields=["location", "service_day", "status"], name="ticket_location_day_status"
            ),
            models.Index(fields=["language", "finished_at"], name="ticket_language_finished"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "service_day", "number"], name="ticket_number_unique_per_day"
            ),
            models.UniqueConstraint(
                fields=["location", "service_day", "sequence"],
                name="ticket_sequence_unique_per_day",
            ),
        ]
        verbose_name = _("walk-in ticket")
        verbose_name_plural = _("walk-in tickets")

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def waiting_time(self):
        """From registration to the first call: what the waiting area experienced."""
        if self.called_at is None:
            return None
        return self.called_at - self.created_at

    @property
    def consultation_length(self):
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at


class TicketContact(models.Model):
    """An optional way to tell a walk-in that their turn is near, so that they need not
    wait in a crowded room: a mobile number or an e-mail address, given only with the
    person's consent. It is the only personal datum of the walk-in queue and lives
    shortest: deleted as soon as the heads-up is sent or the ticket is closed, and by the
    retention run at the latest the day after (``consultations.retention``)."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="contact", verbose_name=_("ticket")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    language = models.CharField(_("language of the message"), max_length=8)
    consent_at = models.DateTimeField(_("consent given"))

    class Meta:
        verbose_name = _("heads-up contact")
        verbose_name_plural = _("heads-up contacts")

    def __str__(self):
        return f"{self.ticket}"
